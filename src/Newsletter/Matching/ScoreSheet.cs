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

    public void Reset(int entries)
    {
        if (Score.Length != entries)
        {
            Score = new float[entries];
            Lexical = new float[entries];
            Semantic = new float[entries];
            Item = new int[entries];
        }

        Array.Clear(Score);
        Array.Fill(Item, -1);
    }

    public EntryMatch MatchAt(int doc, MatchableEntry entry, IReadOnlyList<InterestItem> items) =>
        new(entry, Math.Round(Score[doc], 4), items[Item[doc]], Math.Round(Lexical[doc], 4), Math.Round(Semantic[doc], 4));
}
