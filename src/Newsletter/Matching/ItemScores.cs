namespace Newsletter.Matching;

/// <summary>One item's signals and calibrated probabilities over a corpus: over the whole of it when cached, else over the entries a subscriber can be sent.</summary>
internal sealed class ItemScores
{
    private ItemScores(float[] lexical, float[] semantic, float[] fused)
    {
        Lexical = lexical;
        Semantic = semantic;
        Fused = fused;
    }

    public float[] Lexical { get; }
    public float[] Semantic { get; }
    public float[] Fused { get; }

    public bool Cached { get; private set; }

    public static ItemScores Allocate(int n) => new(new float[n], new float[n], new float[n]);

    /// <summary>Marks the scores as owned by the cache: never returned to the scratch stack.</summary>
    public void MarkCached() => Cached = true;
}

/// <summary>
/// Per-thread buffers, grown as needed and reused from subscriber to subscriber: the shared
/// ArrayPool's per-core stacks take a lock once a thread rents more than one array of a size, and two
/// threads then queue on it.
/// </summary>
internal static class Scratch
{
    [ThreadStatic]
    private static float[]? cosines;

    [ThreadStatic]
    private static float[]? sampleCosines;

    [ThreadStatic]
    private static float[]? windowCosines;

    [ThreadStatic]
    private static float[]? sortSpace;

    [ThreadStatic]
    private static float[]? queries;

    [ThreadStatic]
    private static float[]? sampleLexical;

    [ThreadStatic]
    private static float[]? sampleLogits;

    [ThreadStatic]
    private static float[]? movedQueries;

    [ThreadStatic]
    private static float[]? movedCosines;

    [ThreadStatic]
    private static float[]? movedSampleCosines;

    /// <summary>Three floats an entry: 12 MB.</summary>
    private const int MaxPooledEntries = 1 << 20;

    [ThreadStatic]
    private static Stack<ItemScores>? free;

    [ThreadStatic]
    private static int pooledEntries;

    public static float[] Cosines(int length) => Grown(ref cosines, length);

    public static float[] SampleCosines(int length) => Grown(ref sampleCosines, length);

    public static float[] WindowCosines(int length) => Grown(ref windowCosines, length);

    public static float[] SortSpace(int length) => Grown(ref sortSpace, length);

    public static float[] Queries(int length) => Grown(ref queries, length);

    public static float[] SampleLexical(int length) => Grown(ref sampleLexical, length);

    public static float[] SampleLogits(int length) => Grown(ref sampleLogits, length);

    public static float[] MovedQueries(int length) => Grown(ref movedQueries, length);

    public static float[] MovedCosines(int length) => Grown(ref movedCosines, length);

    public static float[] MovedSampleCosines(int length) => Grown(ref movedSampleCosines, length);

    /// <summary>Scores for at least <paramref name="length"/> entries; one too short for it is dropped.</summary>
    public static ItemScores Rent(int length)
    {
        if ((free ??= new()).TryPop(out var scores))
        {
            pooledEntries -= scores.Fused.Length;
            if (scores.Fused.Length >= length)
            {
                return scores;
            }
        }

        return ItemScores.Allocate(length);
    }

    /// <summary>
    /// Kept for the next chunk: up to a chunk's worth of distinct items (50 subscribers with a few
    /// each), and at most 12 MB a thread (a long window's items scored over all of it while the cache
    /// had room are not worth keeping for the short spans that follow).
    /// </summary>
    public static void Return(ItemScores scores)
    {
        if (!scores.Cached && (free ??= new()).Count < 256 && pooledEntries + scores.Fused.Length <= MaxPooledEntries)
        {
            free.Push(scores);
            pooledEntries += scores.Fused.Length;
        }
    }

    private static float[] Grown(ref float[]? buffer, int length) =>
        buffer is not null && buffer.Length >= length ? buffer : buffer = new float[Math.Max(1, length)];
}
