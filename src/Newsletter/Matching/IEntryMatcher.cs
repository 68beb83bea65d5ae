namespace Newsletter.Matching;

/// <summary>Something a subscriber cares about: a chosen topic (its name, description and keywords) or a free-text line.</summary>
/// <param name="Label">What the email shows as the reason ("because you follow: Long-context models").</param>
/// <param name="Query">The text matched against entries.</param>
public sealed record InterestItem(string Label, string Query);

/// <summary>The text of an entry that matching looks at.</summary>
public sealed record MatchableEntry(long Id, string Title, string Abstract);

/// <summary>An entry's score for one subscriber: the best over their items, and the item that won.</summary>
public sealed record EntryMatch(MatchableEntry Entry, double Score, InterestItem Item);

/// <summary>
/// Ranks entries for a subscriber's interest items. The digest, the preview and the `match` verb all
/// rank through this, so they agree; the relevance work replaces the implementation, not the callers.
/// </summary>
public interface IEntryMatcher
{
    /// <summary>Prepares the entries once (term statistics) so many subscribers can be ranked against them.</summary>
    IMatchingCorpus Index(IReadOnlyList<MatchableEntry> entries);
}

public interface IMatchingCorpus
{
    /// <returns>Every entry with a score above zero for at least one item, best first.</returns>
    IReadOnlyList<EntryMatch> Rank(IReadOnlyList<InterestItem> items);
}
