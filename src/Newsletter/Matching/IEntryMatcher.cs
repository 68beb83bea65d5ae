namespace Newsletter.Matching;

/// <summary>Something a subscriber cares about: a chosen topic (its name, description and keywords) or a free-text line.</summary>
/// <param name="Label">What the email shows as the reason ("because you follow: Long-context models").</param>
/// <param name="Query">The text matched against entries.</param>
public sealed record InterestItem(string Label, string Query)
{
    /// <summary>What keyword matching tries, best wording wins: the query and its glossary expansions.</summary>
    public IReadOnlyList<string> Wordings { get; init; } = [Query];

    /// <summary>What the embedding model reads: the query with its acronyms spelled out.</summary>
    public string EmbeddingText { get; init; } = Query;

    /// <summary>The embedding of the (expanded) query; without one the item is matched by keywords only.</summary>
    public float[]? Vector { get; init; }
}

/// <summary>The text of an entry that matching looks at, and its stored embedding if it has one yet.</summary>
public sealed record MatchableEntry(long Id, string Title, string Abstract)
{
    public float[]? Vector { get; init; }
}

/// <summary>An entry's score for one subscriber: the best over their items, and the item that won.</summary>
/// <param name="Score">
/// 0..1: the calibrated probability that a reader with the winning item's interest wants the entry
/// (<see cref="ScoreModel"/>). One scale for every item, so a digest compares it with one threshold.
/// </param>
/// <param name="Lexical">The keyword (BM25) signal, 0..1.</param>
/// <param name="Semantic">The embedding cosine, or 0 when the entry or the item has no vector.</param>
public sealed record EntryMatch(MatchableEntry Entry, double Score, InterestItem Item, double Lexical = 0, double Semantic = 0);

/// <summary>
/// Ranks entries for a subscriber's interest items. The digest, the preview, the `match` verb and
/// the `eval` verb all rank through this, so they agree.
/// </summary>
public interface IEntryMatcher
{
    /// <summary>Prepares the entries once (term statistics, vector matrix) so many subscribers can be ranked against them.</summary>
    IMatchingCorpus Index(IReadOnlyList<MatchableEntry> entries);
}

/// <summary>One subscriber's items, and how many of the corpus's entries (a prefix) they can be sent.</summary>
public readonly record struct ScoringRequest(IReadOnlyList<InterestItem> Items, int Limit = int.MaxValue);

public interface IMatchingCorpus
{
    IReadOnlyList<MatchableEntry> Entries { get; }

    /// <returns>The entry's position in <see cref="Entries"/>, or -1.</returns>
    int IndexOf(long entryId);

    /// <summary>
    /// Scores a chunk of subscribers together: every item the chunk needs that is not cached goes
    /// through one pass of the similarity kernel (so blocks of four queries share each entry load),
    /// and an item several of them share is scored once. Then, subscriber by subscriber in order,
    /// <paramref name="scored"/> gets the request's place and <paramref name="sheet"/> holding its
    /// scores, valid until it returns. A subscriber's scores are the same, to the bit, whoever else is
    /// in the chunk. Only the first <see cref="ScoringRequest.Limit"/> entries of each are scored (a
    /// window lists its newest entries first, and a subscriber can only be sent those newer than their
    /// last digest); where an entry stands is still measured against the whole span.
    /// </summary>
    void ScoreMany(IReadOnlyList<ScoringRequest> requests, ScoreSheet sheet, Action<int, ScoreSheet> scored);

    /// <summary>One subscriber's scores into <paramref name="sheet"/>: a chunk of one.</summary>
    void Score(IReadOnlyList<InterestItem> items, ScoreSheet sheet, int limit = int.MaxValue) =>
        ScoreMany([new ScoringRequest(items, limit)], sheet, static (_, _) => { });

    /// <returns>
    /// Every entry that at least one item has a signal for (a keyword in common, or a cosine: both
    /// have vectors), best first. A pair with neither scores 0: it is no match at all, however the
    /// calibrated models would price an empty signal.
    /// </returns>
    IReadOnlyList<EntryMatch> Rank(IReadOnlyList<InterestItem> items)
    {
        var sheet = new ScoreSheet();
        Score(items, sheet);
        var matches = new List<EntryMatch>();
        for (var doc = 0; doc < Entries.Count; doc++)
        {
            if (sheet.Item[doc] >= 0 && sheet.Score[doc] > 0)
            {
                matches.Add(sheet.MatchAt(doc, Entries[doc], items));
            }
        }

        return matches.OrderByDescending(m => m.Score).ThenBy(m => m.Entry.Id).ToList();
    }
}
