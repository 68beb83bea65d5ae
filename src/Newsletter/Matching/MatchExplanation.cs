namespace Newsletter.Matching;

/// <summary>Why an entry matched an item, in the item's own words ("retrieval, demonstrations").</summary>
public static class MatchExplanation
{
    public static IReadOnlyList<string> Words(InterestItem item, MatchableEntry entry, int max = 4)
    {
        var inEntry = Tokenizer.Terms($"{entry.Title} {entry.Abstract}").ToHashSet(StringComparer.Ordinal);
        return Tokenizer.Words(item.Query)
            .Where(w => inEntry.Contains(w.Term))
            .Select(w => w.Word)
            .Distinct(StringComparer.Ordinal)
            .Take(max)
            .ToList();
    }
}
