using Newsletter.Matching.Embeddings;

namespace Newsletter.Matching.Learning;

public enum LearningStage
{
    /// <summary>No ratings: the stated interests alone decide.</summary>
    None,

    /// <summary>A few ratings: entries near liked ones move up, near disliked ones down.</summary>
    Nudge,

    /// <summary>Enough of both kinds: a logistic model on the embeddings decides the adjustment.</summary>
    Model,
}

/// <summary>
/// What the service has learned from one subscriber's thumbs, as an adjustment to an entry's 0..1
/// score of at most ±<see cref="MatchingOptions.FeedbackWeight"/>, plus the rule that holds back
/// near-duplicates of a disliked entry. The thumbs are the whole state: the profile is rebuilt from
/// them when planning, so resetting it is deleting them.
/// </summary>
public sealed class ReaderProfile
{
    private readonly List<RatedEntry> liked;
    private readonly List<RatedEntry> disliked;
    private readonly LogisticModel? model;
    private readonly MatchingOptions options;

    private ReaderProfile(IReadOnlyList<RatedEntry> rated, MatchingOptions options)
    {
        this.options = options;
        rated = rated.Where(r => VectorMath.IsUsable(r.Vector, r.Vector.Length)).ToList();
        liked = rated.Where(r => r.Liked).ToList();
        disliked = rated.Where(r => !r.Liked).ToList();
        Stage = rated.Count == 0 ? LearningStage.None
            : liked.Count >= options.LikesForModel && disliked.Count >= options.DislikesForModel ? LearningStage.Model
            : LearningStage.Nudge;
        if (Stage == LearningStage.Model)
        {
            model = LogisticModel.Train(rated.Select(r => (r.Vector, r.Liked)).ToList());
        }
    }

    public static ReaderProfile Learn(IReadOnlyList<RatedEntry> rated, MatchingOptions options) => new(rated, options);

    public static ReaderProfile Empty(MatchingOptions options) => new([], options);

    public LearningStage Stage { get; }

    /// <summary>The most <see cref="Adjust"/> can add: lets the selector skip entries that cannot reach the threshold.</summary>
    public double MaxAdjustment => Stage == LearningStage.None ? 0 : options.FeedbackWeight;

    public IReadOnlyList<RatedEntry> Liked => liked;

    public IReadOnlyList<RatedEntry> Disliked => disliked;

    /// <summary>How much the ratings move this entry's score, and the liked entry it most resembles (for the reason shown).</summary>
    public (double Adjustment, RatedEntry? Nearest) Adjust(ReadOnlySpan<float> vector)
    {
        if (Stage == LearningStage.None || vector.IsEmpty)
        {
            return (0, null);
        }

        if (model is not null)
        {
            // The model's verdict; no nearest entry is needed, the reason names the ratings as a whole.
            return model.Dimensions == vector.Length ? (options.FeedbackWeight * 2 * (model.Probability(vector) - 0.5), null) : (0, null);
        }

        var (likedSimilarity, nearest) = Closest(liked, vector);
        // Rocchio-like, on nearest neighbours rather than centroids so a reader with two separate
        // tastes is not pulled to the empty middle. Unrelated abstracts sit near the floor on both
        // sides, so they move by about nothing.
        var (dislikedSimilarity, _) = Closest(disliked, vector);
        var span = options.SemanticCeiling - options.SemanticFloor;
        // A side with no ratings pulls nowhere (not "similarity 0", which a negative floor would count).
        var towards = liked.Count == 0 ? 0 : Math.Clamp((likedSimilarity - options.SemanticFloor) / span, 0, 1);
        var away = disliked.Count == 0 ? 0 : Math.Clamp((dislikedSimilarity - options.SemanticFloor) / span, 0, 1);
        return (options.FeedbackWeight * (towards - away), nearest);
    }

    /// <summary>A near-duplicate of something the subscriber disliked (the same paper from another source, a follow-up with the same abstract).</summary>
    public RatedEntry? ResemblesDisliked(ReadOnlySpan<float> vector)
    {
        if (vector.IsEmpty)
        {
            return null;
        }

        var (similarity, nearest) = Closest(disliked, vector);
        return similarity >= options.NearDuplicateSimilarity ? nearest : null;
    }

    private static (double Similarity, RatedEntry? Entry) Closest(IReadOnlyList<RatedEntry> rated, ReadOnlySpan<float> vector)
    {
        var best = (Similarity: double.MinValue, Entry: (RatedEntry?)null);
        foreach (var entry in rated)
        {
            if (entry.Vector.Length == vector.Length)
            {
                var similarity = VectorMath.Dot(entry.Vector, vector);
                if (similarity > best.Similarity)
                {
                    best = (similarity, entry);
                }
            }
        }

        return best.Entry is null ? (0, null) : best;
    }
}
