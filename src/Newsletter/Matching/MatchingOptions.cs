namespace Newsletter.Matching;

public enum MatchingMode
{
    /// <summary>Keywords and embeddings fused: the default.</summary>
    Hybrid,

    /// <summary>BM25 alone (no model is loaded): for boxes that cannot spare the memory, and as eval's baseline.</summary>
    Lexical,

    /// <summary>Embeddings alone: eval's other baseline.</summary>
    Semantic,
}

public enum Fusion
{
    /// <summary>A weighted sum of both 0..1 scores: keeps an absolute scale, so thresholds mean something.</summary>
    Blend,

    /// <summary>Reciprocal rank fusion (k = 60): rank-only; eval compares it, digests cannot threshold on it.</summary>
    ReciprocalRank,
}

/// <summary>Configuration section <c>Matching</c>. The defaults were chosen with the <c>eval</c> verb on our labelled set (README).</summary>
public sealed class MatchingOptions
{
    public const string Section = "Matching";

    public MatchingMode Mode { get; set; } = MatchingMode.Hybrid;

    public Fusion Fusion { get; set; } = Fusion.Blend;

    /// <summary>The keyword score's share of the blend; the rest is the embedding score.</summary>
    public double LexicalWeight { get; set; } = 0.4;

    /// <summary>
    /// Cosine similarity at and below which the embedding score is 0: unrelated abstracts still
    /// sit around 0.1–0.2 with all-MiniLM-L6-v2.
    /// </summary>
    public double SemanticFloor { get; set; } = 0.15;

    /// <summary>Cosine similarity at and above which the embedding score is 1.</summary>
    public double SemanticCeiling { get; set; } = 0.6;

    /// <summary>An item's bar is the mean of its scores over the indexed span plus this many standard deviations.</summary>
    public double BarDeviations { get; set; } = 2.0;

    /// <summary>Below this many indexed entries there is no distribution to speak of, and only the digest's floor applies.</summary>
    public int MinEntriesForBar { get; set; } = 50;

    /// <summary>False turns interest expansion off (for comparison: <c>match --Matching:UseGlossary false</c>).</summary>
    public bool UseGlossary { get; set; } = true;

    /// <summary>An operator's glossary (<c>ACRONYM = long form</c> lines) laid over the built-in one.</summary>
    public string? GlossaryFile { get; set; }

    /// <summary>Threads that compute embeddings; 0 means one per core.</summary>
    public int EmbeddingThreads { get; set; }

    /// <summary>An entry this similar (cosine) to one the subscriber disliked is held back.</summary>
    public double NearDuplicateSimilarity { get; set; } = 0.9;

    /// <summary>With at least this many thumbs up and <see cref="DislikesForModel"/> down, a per-subscriber model replaces the nudge.</summary>
    public int LikesForModel { get; set; } = 5;

    public int DislikesForModel { get; set; } = 3;

    /// <summary>How far ratings can move an entry's 0..1 score, up or down.</summary>
    public double FeedbackWeight { get; set; } = 0.3;

    public MatchingOptions Copy() => (MatchingOptions)MemberwiseClone();

    /// <summary>Written as "not inside the range" so that NaN, which compares false with everything, is refused too.</summary>
    public IEnumerable<string> Validate()
    {
        if (!(LexicalWeight is >= 0 and <= 1)) yield return $"Matching:LexicalWeight must be between 0 and 1 (got {LexicalWeight}).";
        if (!(SemanticFloor >= -1 && SemanticFloor < SemanticCeiling && SemanticCeiling <= 1))
        {
            yield return $"Matching:SemanticFloor and Matching:SemanticCeiling must satisfy -1 <= floor < ceiling <= 1 (got {SemanticFloor} and {SemanticCeiling}).";
        }

        if (!(BarDeviations is >= 0 and <= 10)) yield return $"Matching:BarDeviations must be between 0 and 10 (got {BarDeviations}).";
        if (MinEntriesForBar < 2) yield return $"Matching:MinEntriesForBar must be at least 2 (got {MinEntriesForBar}).";
        if (EmbeddingThreads is < 0 or > 256) yield return $"Matching:EmbeddingThreads must be between 0 (one per core) and 256 (got {EmbeddingThreads}).";
        if (!(NearDuplicateSimilarity is > 0 and <= 1)) yield return $"Matching:NearDuplicateSimilarity must be above 0 and at most 1 (got {NearDuplicateSimilarity}).";
        if (LikesForModel < 1 || DislikesForModel < 1) yield return "Matching:LikesForModel and Matching:DislikesForModel must be at least 1.";
        if (!(FeedbackWeight is >= 0 and <= 1)) yield return $"Matching:FeedbackWeight must be between 0 and 1 (got {FeedbackWeight}).";
        if (GlossaryFile is { Length: > 0 } file)
        {
            string? problem = null;
            try
            {
                Glossary.Glossary.Load(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                problem = e.Message;
            }

            if (problem is not null) yield return $"Matching:GlossaryFile cannot be used: {problem}";
        }
    }
}
