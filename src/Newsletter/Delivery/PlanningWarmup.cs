using Newsletter.Matching;
using Newsletter.Matching.Embeddings;
using Newsletter.Subscriptions.Topics;

namespace Newsletter.Delivery;

/// <summary>
/// Runs before a digest run takes its cutoff: every entry gets its vector and every topic and interest
/// line of an active subscriber its vector, in short transactions of their own. The batch jobs then
/// only read vectors while they hold the claim's write lock; the model never runs per email.
/// </summary>
public sealed class PlanningWarmup(
    EntryEmbeddings entries, EmbeddingStore store, TopicStore topics, Subscriptions.SubscriberStore subscribers, InterestPreparation interests, MatchingOptions options)
{
    /// <summary>One subscriber's topics and interest lines, right after they confirm or change them.</summary>
    public async Task EmbedInterestsOfAsync(long subscriberId, CancellationToken cancellationToken)
    {
        if (options.Mode == MatchingMode.Lexical)
        {
            return;
        }

        var byslug = (await topics.ListActiveAsync(cancellationToken)).ToDictionary(t => t.Slug, StringComparer.Ordinal);
        var settings = await subscribers.GetSettingsAsync(subscriberId, cancellationToken);
        await interests.PrepareAsync(InterestItems.For(settings, byslug), persist: true, cancellationToken);
    }

    /// <summary>
    /// How long a run waits for the warmup before taking its cutoff anyway: a forced run answers its
    /// HTTP request only then, and an entry still without a vector is matched by its keywords alone.
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    /// <returns>False when the budget ran out first (the rest is embedded by the next round).</returns>
    public async Task<bool> RunWithinAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(budget);
        try
        {
            await RunAsync(limit.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.Mode == MatchingMode.Lexical)
        {
            return;
        }

        await entries.EmbedPendingAsync(cancellationToken);
        var items = (await topics.ListActiveAsync(cancellationToken)).Select(InterestItems.ForTopic)
            .Concat((await store.ActiveInterestTextsAsync(cancellationToken)).Select(InterestItems.ForLine))
            .ToList();
        await interests.PrepareAsync(items, persist: true, cancellationToken);
    }
}

/// <summary>Hangfire job: embeds a subscriber's interests when they are saved, so no run meets them unembedded.</summary>
public sealed class InterestVectorsJob(PlanningWarmup warmup)
{
    public Task RunAsync(long subscriberId, CancellationToken cancellationToken) => warmup.EmbedInterestsOfAsync(subscriberId, cancellationToken);
}
