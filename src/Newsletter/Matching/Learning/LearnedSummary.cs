using Newsletter.Matching.Embeddings;

namespace Newsletter.Matching.Learning;

/// <summary>What the preferences page shows under "What we have learned": honest about the stage and what it rests on.</summary>
public sealed record LearnedSummary(int Likes, int Dislikes, string Stage, IReadOnlyList<string> Liked, IReadOnlyList<string> Disliked, string ResetAction, bool WasReset)
{
    private const int Shown = 8;

    public bool Any => Likes + Dislikes > 0;

    public static async Task<LearnedSummary> ForAsync(ThumbsStore store, MatchingOptions options, long subscriberId, string resetAction, bool wasReset, CancellationToken cancellationToken)
    {
        var feedback = await store.FeedbackAsync(subscriberId, cancellationToken);
        var likes = feedback.Count(f => f.Liked);
        var dislikes = feedback.Count - likes;
        var stage = feedback.Count == 0
            ? "Nothing yet. Use the “more like this” and “less like this” links in your digest and your next digests will follow."
            : options.Mode == MatchingMode.Lexical
            ? "Your ratings are kept, but this service matches by keywords only, so they do not change your digest."
            : likes >= options.LikesForModel && dislikes >= options.DislikesForModel
            ? $"A model of your taste, trained on your {feedback.Count} ratings, raises or lowers each new entry. Entries nearly identical to one you disliked are held back."
            : $"Entries close to ones you liked move up, entries close to ones you disliked move down. After {options.LikesForModel} thumbs up and {options.DislikesForModel} down, a model of your taste takes over.";
        return new LearnedSummary(likes, dislikes, stage,
            feedback.Where(f => f.Liked).Take(Shown).Select(f => f.Title).ToList(),
            feedback.Where(f => !f.Liked).Take(Shown).Select(f => f.Title).ToList(),
            resetAction, wasReset);
    }
}
