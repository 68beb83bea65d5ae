namespace Newsletter.Matching;

/// <summary>Why an entry matched an item, in the item's own words ("retrieval, demonstrations").</summary>
public static class MatchExplanation
{
    /// <summary>The words of the item (or of its glossary wordings) that the entry contains.</summary>
    public static IReadOnlyList<string> Words(InterestItem item, MatchableEntry entry, int max = 4)
    {
        var inEntry = Tokenizer.Terms($"{entry.Title} {entry.Abstract}").ToHashSet(StringComparer.Ordinal);
        return item.Wordings.SelectMany(Tokenizer.Words)
            .Where(w => inEntry.Contains(w.Term))
            .Select(w => w.Word)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(max)
            .ToList();
    }

    /// <summary>"matches: preference, optimization; close in meaning (0.71)": both halves of the score, in words.</summary>
    public static string Describe(EntryMatch match)
    {
        var parts = new List<string>();
        var words = Words(match.Item, match.Entry);
        if (words.Count > 0 && match.Lexical > 0)
        {
            parts.Add("matches: " + string.Join(", ", words));
        }

        if (match.Semantic > 0)
        {
            parts.Add($"close in meaning (cosine {match.Semantic:0.00})");
        }

        return parts.Count > 0 ? string.Join("; ", parts) : "weak match";
    }
}
