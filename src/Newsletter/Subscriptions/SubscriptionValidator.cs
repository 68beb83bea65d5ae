using Newsletter.Web;

namespace Newsletter.Subscriptions;

/// <summary>
/// The rules shared by the form, the JSON API and the preferences page (CONTRACT.md): topics must
/// exist, interests hold at most 20 lines and 2,000 characters, frequency is daily or weekly.
/// </summary>
public static class SubscriptionValidator
{
    public const int MaxInterestLines = 20;
    public const int MaxInterestCharacters = 2000;
    public const int MaxTopics = 100;
    public static readonly string[] Frequencies = ["daily", "weekly"];

    public static ValidSubscription? Validate(SubscriptionInput input, IReadOnlySet<string> knownTopics, FieldErrors errors)
    {
        var email = EmailAddress.Normalise(input.Email, out var emailError);
        if (emailError is not null)
        {
            errors.Add("email", emailError);
        }

        var topics = ValidateTopics(input.Topics, knownTopics, errors);
        var interests = ValidateInterests(input.Interests, errors);
        var frequency = ValidateFrequency(input.Frequency, errors);
        return errors.Count == 0 ? new ValidSubscription(email!, topics, interests, frequency!) : null;
    }

    public static IReadOnlyList<string> ValidateTopics(IReadOnlyList<string>? topics, IReadOnlySet<string> knownTopics, FieldErrors errors)
    {
        if (topics is null)
        {
            return [];
        }

        if (topics.Count > MaxTopics)
        {
            errors.Add("topics", $"Choose at most {MaxTopics} topics.");
            return [];
        }

        var unknown = topics.Where(t => !knownTopics.Contains(t)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            var shown = string.Join(", ", unknown.Take(5).Select(t => $"'{Shorten(t, 60)}'"));
            errors.Add("topics", $"Unknown topic {shown}; GET /api/topics lists the topics.");
            return [];
        }

        return topics.Distinct(StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyList<string> ValidateInterests(string? interests, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(interests))
        {
            return [];
        }

        if (interests.Length > MaxInterestCharacters)
        {
            errors.Add("interests", $"Interests hold at most {MaxInterestCharacters} characters (got {interests.Length}).");
            return [];
        }

        if (interests.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            errors.Add("interests", "Interests must not contain control characters.");
            return [];
        }

        var lines = interests.Split('\n')
            .Select(l => string.Join(' ', l.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries)))
            .Where(l => l.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (lines.Count > MaxInterestLines)
        {
            errors.Add("interests", $"Interests hold at most {MaxInterestLines} lines (got {lines.Count}).");
            return [];
        }

        return lines;
    }

    /// <param name="required">The preferences form always sends one; only a new subscription may leave it out (daily).</param>
    public static string? ValidateFrequency(string? frequency, FieldErrors errors, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(frequency))
        {
            if (required)
            {
                errors.Add("frequency", "Choose daily or weekly.");
                return null;
            }

            return "daily";
        }

        var normalised = frequency.Trim().ToLowerInvariant();
        if (!Frequencies.Contains(normalised))
        {
            errors.Add("frequency", "Frequency must be 'daily' or 'weekly'.");
            return null;
        }

        return normalised;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
