using System.Text;
using System.Text.Json;
using Dapper;
using Newsletter.Data;
using Newsletter.Subscriptions.Import;

namespace Newsletter.Subscriptions.Export;

/// <summary>
/// Every subscriber as CSV, written to the response page by page (1,000 rows per query, flushed as
/// it goes), so memory stays flat however long the list. The columns are the import's, then
/// <c>status,created_at,confirmed_at</c>; an active subscriber's <c>consented_at</c>/<c>consent_source</c>
/// come from their consent trail (the confirmed link, or the evidence an import brought), so the file
/// imports elsewhere as it is, with the consent intact.
/// </summary>
public sealed class SubscriberCsvExport(IDbConnectionFactory connections, SqlCatalog sql, SubscriberStore subscribers)
{
    public const string Header = "email,topics,interests,frequency,consented_at,consent_source,status,created_at,confirmed_at";
    private const int PageSize = 1000;
    private readonly string page = sql["export-subscribers-page"];
    private readonly string evidence = sql["list-consent-evidence-of-subscribers"];

    public async Task WriteAsync(Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024) { NewLine = "\r\n" };
        await writer.WriteLineAsync(Header);
        await using var connection = await connections.OpenAsync(cancellationToken);
        long after = 0;
        while (true)
        {
            var rows = (await connection.QueryAsync<ExportRow>(page, new { After = after, Limit = PageSize })).AsList();
            if (rows.Count == 0)
            {
                break;
            }

            var ids = rows.Select(r => r.Id).ToList();
            var settings = await subscribers.SettingsOfAsync(connection, ids);
            var consent = (await connection.QueryAsync<EvidenceRow>(evidence, new { Ids = ids.ToArray() }))
                .GroupBy(e => e.SubscriberId).ToDictionary(g => g.Key, g => g.Last());
            foreach (var row in rows)
            {
                var (consentedAt, source) = row.Status == SubscriberStatus.Active && consent.TryGetValue(row.Id, out var e) ? Evidence(e) : ("", "");
                var cells = new[]
                {
                    row.Email,
                    string.Join(ImportRowParser.ListSeparator, settings[row.Id].Topics),
                    string.Join(ImportRowParser.ListSeparator, settings[row.Id].Interests),
                    row.Frequency,
                    consentedAt,
                    source,
                    row.Status,
                    Time(row.CreatedAt),
                    row.ConfirmedAt is { } c ? Time(c) : "",
                };
                await writer.WriteLineAsync(string.Join(',', cells.Select(CsvCell.Escape)));
            }

            await writer.FlushAsync(cancellationToken);
            after = rows[^1].Id;
        }
    }

    /// <summary>Imported evidence is passed on as it came; a confirmed link is evidence of its own, dated by the click.</summary>
    private static (string ConsentedAt, string Source) Evidence(EvidenceRow e)
    {
        using var detail = JsonDocument.Parse(e.Detail);
        var root = detail.RootElement;
        if (e.Kind == "consent-imported"
            && root.TryGetProperty("consentedAt", out var at) && at.TryGetDateTime(out var when)
            && root.TryGetProperty("consentSource", out var src) && src.GetString() is { Length: > 0 } source)
        {
            return (Time(when), source);
        }

        var how = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return (Time(e.OccurredAt), how is { Length: > 0 } ? $"double opt-in ({how})" : "double opt-in");
    }

    private static string Time(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    internal sealed class ExportRow
    {
        public long Id { get; init; }
        public string Email { get; init; } = "";
        public string Status { get; init; } = "";
        public string Frequency { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public DateTime? ConfirmedAt { get; init; }
    }

    internal sealed class EvidenceRow
    {
        public long SubscriberId { get; init; }
        public string Kind { get; init; } = "";
        public string Detail { get; init; } = "{}";
        public DateTime OccurredAt { get; init; }
    }
}
