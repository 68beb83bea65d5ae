using Newsletter.Matching;
using Newsletter.Matching.Embeddings;
using Newsletter.Subscriptions.Topics;

namespace Newsletter.Delivery;

/// <summary>
/// Runs before a digest run takes its cutoff: every entry gets its vector and every topic and interest
/// line of an active subscriber its vector, in short transactions of their own. The batch jobs then
/// only read vectors while they hold the claim's write lock; the model never runs per email.
/// </summary>
public sealed class PlanningWarmup(EntryEmbeddings entries, EmbeddingStore store, TopicStore topics, InterestPreparation interests, MatchingOptions options)
{
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
