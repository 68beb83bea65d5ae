namespace Newsletter.Delivery;

/// <summary>
/// The preview text of a digest, the line mail clients show under the subject in the inbox:
/// "3 new papers on Long-context models, DPO: Extending the context window…". The subjects are the
/// reasons the entries were picked (a followed topic, an interest line), in the order they first appear.
/// </summary>
public static class DigestPreheader
{
    private const string FollowPrefix = "Because you follow ";
    private const int MaxSubjects = 3;

    public static string For(IReadOnlyList<DigestEntryRow> entries)
    {
        var count = entries.Count == 1 ? "1 new paper" : $"{entries.Count} new papers";
        var subjects = entries.Select(e => SubjectOf(e.Reason)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var on = subjects.Count switch
        {
            0 => "",
            <= MaxSubjects => $" on {string.Join(", ", subjects)}",
            _ => $" on {string.Join(", ", subjects.Take(MaxSubjects))} and more",
        };
        return entries.Count == 0 ? count : $"{count}{on}: {entries[0].Title}";
    }

    /// <summary>"Because you follow X" → X; "Matches your interest “Y”" → Y; other reasons (trending, ratings) name no subject.</summary>
    private static string? SubjectOf(string reason)
    {
        if (reason.StartsWith(FollowPrefix, StringComparison.Ordinal))
        {
            return reason[FollowPrefix.Length..];
        }

        var open = reason.IndexOf('“', StringComparison.Ordinal);
        var close = reason.LastIndexOf('”');
        return reason.StartsWith("Matches", StringComparison.Ordinal) && open >= 0 && close > open ? reason[(open + 1)..close] : null;
    }
}
