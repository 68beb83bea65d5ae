using System.Data.Common;
using Microsoft.Extensions.Options;
using Newsletter.Matching;
using Newsletter.Matching.Embeddings;
using Newsletter.Matching.Learning;
using Newsletter.Subscriptions;
using Newsletter.Subscriptions.Topics;

namespace Newsletter.Delivery;

/// <summary>
/// Works out what a subscriber's digest would hold at a given cutoff. One planner serves a whole
/// batch: each window of entries is read and indexed once, however many subscribers share it.
/// Used by the batch job (which then records the plan) and by the admin preview (which does not).
/// </summary>
public sealed class DigestPlanner(
    DeliveryStore store, SubscriberStore subscribers, TopicStore topicStore, IEntryMatcher matcher, InterestPreparation interests,
    ThumbsStore thumbs, ITextEmbedder embedder, MatchingOptions matching, IOptions<DigestOptions> options)
{
    private readonly Dictionary<(DateTime, DateTime), (IReadOnlyList<CandidateEntry> Entries, IMatchingCorpus Corpus)> windows = [];
    private (long SubscriberId, ReaderProfile Profile)? learned;
    private IReadOnlyDictionary<string, Topic>? topics;

    public DigestOptions Options => options.Value;

    public DateTime WindowStart(Subscriber subscriber, DateTime cutoff) => subscriber.DigestWindowStart ?? cutoff - options.Value.Lookback;

    /// <summary>
    /// BM25's term statistics, and each interest's adaptive bar, need more documents than one day's
    /// few entries: a window of one entry makes every word look common and every score look high.
    /// Entries are indexed over at least this span before the cutoff; only those in the subscriber's
    /// own window can be picked.
    /// </summary>
    public static readonly TimeSpan StatisticsSpan = TimeSpan.FromDays(30);

    /// <param name="tx">The claim's write transaction, if any: nothing is written while it is held.</param>
    public async Task<IReadOnlyList<DigestPick>> PlanAsync(DbConnection connection, Subscriber subscriber, DateTime cutoff, DbTransaction? tx = null)
    {
        var start = WindowStart(subscriber, cutoff);
        var indexFrom = start < cutoff - StatisticsSpan ? start : cutoff - StatisticsSpan;
        if (!windows.TryGetValue((indexFrom, cutoff), out var window))
        {
            var entries = await store.WindowEntriesAsync(connection, indexFrom, cutoff, embedder.Model, tx);
            window = (entries, matcher.Index(entries.Select(e => new MatchableEntry(e.Id, e.Title, e.Abstract) { Vector = e.Vector }).ToList()));
            windows[(indexFrom, cutoff)] = window;
        }

        var sent = await store.SentInWindowAsync(connection, subscriber.Id, start, cutoff, tx);
        // The window lists its newest entries first: those the subscriber can be sent are a prefix.
        var fresh = window.Entries.TakeWhile(e => e.ArrivedAt > start).Count();
        var allowed = window.Entries.Take(fresh).Where(e => !sent.Contains(e.Id)).Select(e => e.Id).ToHashSet();
        if (allowed.Count == 0)
        {
            return [];
        }

        topics ??= (await topicStore.ListActiveAsync()).ToDictionary(t => t.Slug, StringComparer.Ordinal);
        var settings = await subscribers.GetSettingsAsync(subscriber.Id);
        var items = await interests.PrepareAsync(InterestItems.For(settings, topics), persist: tx is null);
        var profile = learned is { } ready && ready.SubscriberId == subscriber.Id ? ready.Profile : await LearnAsync(subscriber.Id, keep: false);
        learned = null;
        return DigestSelector.Select(window.Entries, allowed, items, window.Corpus, options.Value, profile, scoreLimit: fresh);
    }

    /// <summary>
    /// Rebuilds what the subscriber's thumbs teach (a logistic model once there are enough of them).
    /// The batch job calls this before it takes the claim's write lock, so the training does not
    /// hold up other writers; <see cref="PlanAsync"/> then uses the result once.
    /// </summary>
    public async Task<ReaderProfile> LearnAsync(long subscriberId, bool keep = true)
    {
        var profile = matching.Mode == MatchingMode.Lexical
            ? ReaderProfile.Empty(matching)
            : ReaderProfile.Learn(await thumbs.RatedEntriesAsync(embedder.Model, subscriberId), matching);
        if (keep)
        {
            learned = (subscriberId, profile); // one at a time: a claim that fails leaves nothing behind but this slot
        }

        return profile;
    }
}
