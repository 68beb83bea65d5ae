using System.Globalization;
using System.Text.RegularExpressions;
using Newsletter.Subscriptions.Export;
using Newsletter.Web;

namespace Newsletter.Subscriptions.Import;

/// <summary>Consent the file vouches for: when the person agreed, and where (a form, an event, another tool).</summary>
public sealed record ConsentEvidence(DateTime ConsentedAt, string Source);

/// <summary>A row that passed every check: what to subscribe, and the consent behind it if the file gives one.</summary>
public sealed record ImportRow(long Line, ValidSubscription Subscription, ConsentEvidence? Consent, string? StatusInFile);

/// <summary>
/// Reads one record into an <see cref="ImportRow"/> with the rules of the public form (the address,
/// known topics, at most 20 interest lines, daily or weekly), or says by field why it cannot be imported.
/// Topics and interests hold several values separated by <c>|</c>.
/// </summary>
public static partial class ImportRowParser
{
    public const char ListSeparator = '|';
    private const int MaxConsentSourceLength = 500;
    private static readonly string[] KnownStatuses =
        [SubscriberStatus.Pending, SubscriberStatus.Active, SubscriberStatus.Unsubscribed, SubscriberStatus.Bounced, SubscriberStatus.Complained];

    public static (ImportRow? Row, string? Error) Parse(CsvRecord record, ImportColumns columns, IReadOnlySet<string> knownTopics, DateTime now)
    {
        if (record.Error is not null)
        {
            return (null, record.Error);
        }

        if (record.Fields.Count != columns.Count)
        {
            return (null, $"the row has {record.Fields.Count} fields; the header has {columns.Count}");
        }

        string Cell(string column) => CsvCell.Unguard(columns.Of(record.Fields, column));

        var errors = new FieldErrors();
        var topics = Cell("topics").Split(ListSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var interests = string.Join('\n', Cell("interests").Split(ListSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var input = new SubscriptionInput(Cell("email"), topics, interests, Cell("frequency"));
        var valid = SubscriptionValidator.Validate(input, knownTopics, errors);
        var consent = ReadConsent(Cell("consented_at"), Cell("consent_source"), now, errors);
        if (valid is null || errors.Count > 0)
        {
            return (null, string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        }

        var status = Cell("status").ToLowerInvariant();
        if (status.Length > 0 && !KnownStatuses.Contains(status))
        {
            return (null, $"status: '{Shorten(status)}' is not one of {string.Join(", ", KnownStatuses)}");
        }

        return (new ImportRow(record.Line, valid, consent, status.Length > 0 ? status : null), null);
    }

    /// <summary>Both columns filled is evidence; both empty is none (a confirmation is sent); one alone is a mistake.</summary>
    private static ConsentEvidence? ReadConsent(string consentedAt, string source, DateTime now, FieldErrors errors)
    {
        if (consentedAt.Length == 0 && source.Length == 0)
        {
            return null;
        }

        if (consentedAt.Length == 0)
        {
            errors.Add("consented_at", "consent_source is given without consented_at; give both, or neither to send a confirmation.");
            return null;
        }

        if (!IsoDate().IsMatch(consentedAt) || !DateTimeOffset.TryParse(consentedAt, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var when))
        {
            errors.Add("consented_at", $"'{Shorten(consentedAt)}' is not an ISO-8601 date or time such as 2025-03-01T09:30:00Z.");
            return null;
        }

        var utc = when.UtcDateTime;
        if (utc > now)
        {
            errors.Add("consented_at", $"{utc:yyyy-MM-ddTHH:mm:ssZ} is in the future.");
            return null;
        }

        if (source.Length == 0)
        {
            errors.Add("consent_source", "consented_at is given without consent_source (where the person agreed); give both, or neither to send a confirmation.");
            return null;
        }

        if (source.Length > MaxConsentSourceLength || source.Any(char.IsControl))
        {
            errors.Add("consent_source", $"consent_source must be one line of at most {MaxConsentSourceLength} characters.");
            return null;
        }

        return new ConsentEvidence(utc, source);
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();
}
