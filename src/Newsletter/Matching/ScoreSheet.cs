namespace Newsletter.Matching;

/// <summary>
/// One subscriber's scores over a corpus, reused from subscriber to subscriber: per entry the best
/// probability of relevance, its cosine and keyword signals, and the winning item.
/// </summary>
public sealed class ScoreSheet
{
    public float[] Score { get; private set; } = [];
    public float[] Lexical { get; private set; } = [];
    public float[] Semantic { get; private set; } = [];

    /// <summary>Index of the winning item, -1 when no item scored the entry.</summary>
    public int[] Item { get; private set; } = [];

    /// <summary>How many entries (a prefix) the last subscriber's scores were written to: only those need clearing for the next.</summary>
    private int written;

    public void Reset(int entries)
    {
        if (Score.Length != entries)
        {
            Score = new float[entries];
            Lexical = new float[entries];
            Semantic = new float[entries];
            Item = new int[entries];
            written = entries;
        }

        // A long window (30 days) of which a subscriber is sent only the newest: clearing all of it for
        // every subscriber cost more than scoring the prefix.
        Array.Clear(Score, 0, written);
        Array.Fill(Item, -1, 0, written);
        written = 0;
    }

    /// <summary>Records that scores were written to the first <paramref name="entries"/> entries since <see cref="Reset"/>.</summary>
    public void Scored(int entries) => written = Math.Max(written, entries);

    public EntryMatch MatchAt(int doc, MatchableEntry entry, IReadOnlyList<InterestItem> items) =>
        new(entry, Math.Round(Score[doc], 4), items[Item[doc]], Math.Round(Lexical[doc], 4), Math.Round(Semantic[doc], 4));
}
