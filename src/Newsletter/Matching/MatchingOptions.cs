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

/// <summary>Configuration section <c>Matching</c>. The defaults were chosen with the <c>eval</c> verb on the tuning interests of our labelled set (README).</summary>
public sealed class MatchingOptions
{
    public const string Section = "Matching";

    public MatchingMode Mode { get; set; } = MatchingMode.Hybrid;

    /// <summary>
    /// Cosine similarity at and below which a liked or disliked entry's likeness moves nothing (the
    /// nudge of learning from thumbs): unrelated abstracts still sit around 0.1–0.2 with all-MiniLM-L6-v2.
    /// </summary>
    public double SemanticFloor { get; set; } = 0.15;

    /// <summary>Cosine similarity at and above which a rated entry's likeness counts in full.</summary>
    public double SemanticCeiling { get; set; } = 0.6;

    /// <summary>
    /// Below this many entries with a vector in the indexed span there is too little to say where an
    /// entry stands among them, and the models without standing score it.
    /// </summary>
    public int MinEntriesForStanding { get; set; } = 20;

    /// <summary>
    /// Pseudo-relevance feedback: each interest's embedding moves towards the centroid of at most this
    /// many window entries that a first pass found most likely relevant; 0 turns it off. The models in
    /// <see cref="Calibration"/> were fitted with it on, at this value.
    /// </summary>
    public int PseudoRelevanceEntries { get; set; } = 10;

    /// <summary>The first pass's probability an entry needs to be one of those feedback entries.</summary>
    public double PseudoRelevanceMinimum { get; set; } = 0.25;

    /// <summary>
    /// Internal, for tests: false makes pseudo-relevance feedback always score moved queries with a
    /// second pass of the kernel, as it does for spans over 2,000 entries (configuration binds public
    /// properties only).
    /// </summary>
    internal bool PrecomputedSimilarities { get; set; } = true;

    /// <summary>The calibrated models that turn signals into a probability of relevance.</summary>
    public CalibrationOptions Calibration { get; set; } = new();

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

    public MatchingOptions Copy()
    {
        var copy = (MatchingOptions)MemberwiseClone();
        copy.Calibration = (CalibrationOptions)Calibration.MemberwiseCopy();
        return copy;
    }

    /// <summary>
    /// Keys of the blend and the adaptive bar that calibrated scoring replaced: set, they would be
    /// ignored without a word while the digest behaved differently, so they stop the start instead.
    /// </summary>
    public static IEnumerable<string> Removed(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        foreach (var key in new[] { "LexicalWeight", "Fusion", "BarDeviations", "MinEntriesForBar" })
        {
            if (section[key] is not null)
            {
                yield return $"Matching:{key} is no longer used: scores are calibrated probabilities of relevance, and Digest:Threshold (now a probability, default 0.2) is the one bar. Remove the setting (README, Matching).";
            }
        }
    }

    /// <summary>Written as "not inside the range" so that NaN, which compares false with everything, is refused too.</summary>
    public IEnumerable<string> Validate()
    {
        if (!(SemanticFloor >= -1 && SemanticFloor < SemanticCeiling && SemanticCeiling <= 1))
        {
            yield return $"Matching:SemanticFloor and Matching:SemanticCeiling must satisfy -1 <= floor < ceiling <= 1 (got {SemanticFloor} and {SemanticCeiling}).";
        }

        if (PseudoRelevanceEntries is < 0 or > 50) yield return $"Matching:PseudoRelevanceEntries must be between 0 (off) and 50 (got {PseudoRelevanceEntries}).";
        if (!(PseudoRelevanceMinimum is >= 0 and <= 1)) yield return $"Matching:PseudoRelevanceMinimum must be between 0 and 1 (got {PseudoRelevanceMinimum}).";
        if (MinEntriesForStanding is < 3 or > 512) yield return $"Matching:MinEntriesForStanding must be between 3 and 512, the most entries the standing is measured on (got {MinEntriesForStanding}).";
        foreach (var error in Calibration.Validate())
        {
            yield return error;
        }

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
