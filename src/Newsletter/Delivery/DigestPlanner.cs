using System.Data.Common;
using Microsoft.Extensions.Options;
using Newsletter.Matching;
using Newsletter.Matching.Embeddings;
using Newsletter.Matching.Learning;
using Newsletter.Subscriptions;
using Newsletter.Subscriptions.Topics;

namespace Newsletter.Delivery;

/// <summary>
/// Works out what subscribers' digests would hold at a given cutoff, a chunk of subscribers at a
/// time: their settings, ledgers and thumbs are read in a few queries for the whole chunk, each
/// window of entries is read and indexed once per job however many subscribers share it, the
/// chunk's subscribers of one window are scored together (one kernel pass for all their items), and
/// nothing is written or locked. Used by the batch job (which then records the plans in its claim)
/// and by the admin preview (which does not).
/// </summary>
public sealed class DigestPlanner(
    DeliveryStore store, SubscriberStore subscribers, TopicStore topicStore, IEntryMatcher matcher, PreparedInterests interests,
    ThumbsStore thumbs, ITextEmbedder embedder, MatchingOptions matching, WindowCache windows, IOptions<DigestOptions> options)
{
    private IReadOnlyDictionary<string, InterestItem>? topicItems;

    public DigestOptions Options => options.Value;

    public DateTime WindowStart(Subscriber subscriber, DateTime cutoff) => subscriber.DigestWindowStart ?? cutoff - options.Value.Lookback;

    /// <summary>
    /// BM25's term statistics, and each interest's standing, need more documents than one day's
    /// few entries: a window of one entry makes every word look common and every score look high.
    /// Entries are indexed over at least this span before the cutoff; only those in the subscriber's
    /// own window can be picked.
    /// </summary>
    public static readonly TimeSpan StatisticsSpan = TimeSpan.FromDays(30);

    /// <summary>One subscriber's next digest at any moment (the admin preview): its window is not kept for others.</summary>
    public async Task<IReadOnlyList<DigestPick>> PlanAsync(DbConnection connection, Subscriber subscriber, DateTime cutoff) =>
        (await PlanChunkAsync(connection, [subscriber], cutoff, shareWindows: false))[subscriber.Id];

    /// <returns>Each subscriber's picks, best first; an empty list when nothing new qualifies.</returns>
    /// <param name="shareWindows">Keep the indexed windows for the run's other batches (<see cref="WindowCache"/>).</param>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<DigestPick>>> PlanChunkAsync(
        DbConnection connection, IReadOnlyList<Subscriber> chunk, DateTime cutoff, bool shareWindows = true)
    {
        var plans = new Dictionary<long, IReadOnlyList<DigestPick>>();
        if (chunk.Count == 0)
        {
            return plans;
        }

        var ids = chunk.Select(s => s.Id).ToList();
        var earliest = chunk.Min(s => WindowStart(s, cutoff));
        var sent = await store.SentInWindowsAsync(connection, ids, earliest, cutoff);
        var settings = await subscribers.SettingsOfAsync(connection, ids);
        var raters = matching.Mode == MatchingMode.Lexical ? new HashSet<long>() : await thumbs.SubscribersWithThumbsAsync(connection, ids);
        topicItems ??= (await topicStore.ListActiveAsync()).ToDictionary(t => t.Slug, InterestItems.ForTopic, StringComparer.Ordinal);

        // Every item of the chunk prepared at once: one lookup of the interest vectors, not one per subscriber.
        var itemsOf = chunk.ToDictionary(s => s.Id, s => InterestItems.For(settings[s.Id], topicItems));
        var prepared = await interests.PrepareAsync(itemsOf.Values.SelectMany(i => i).ToList());
        var next = 0;
        var byWindow = new Dictionary<IndexedWindow, List<(long Subscriber, SelectionRequest Request)>>(ReferenceEqualityComparer.Instance);
        foreach (var subscriber in chunk)
        {
            var items = prepared.Skip(next).Take(itemsOf[subscriber.Id].Count).ToList();
            next += items.Count;
            var start = WindowStart(subscriber, cutoff);
            var window = await WindowAsync(connection, start, cutoff, shareWindows);
            var alreadySent = sent[subscriber.Id].Where(s => s.ArrivedAt > start).Select(s => s.EntryId).ToHashSet();
            // The window lists its newest entries first: those the subscriber can be sent are a prefix.
            var fresh = window.Entries.TakeWhile(e => e.ArrivedAt > start).Count();
            var allowed = window.Entries.Take(fresh).Where(e => !alreadySent.Contains(e.Id)).Select(e => e.Id).ToHashSet();
            if (allowed.Count == 0)
            {
                plans[subscriber.Id] = [];
                continue;
            }

            var profile = raters.Contains(subscriber.Id) ? await LearnAsync(subscriber.Id) : ReaderProfile.Empty(matching);
            (byWindow.TryGetValue(window, out var sharing) ? sharing : byWindow[window] = []).Add((subscriber.Id, new SelectionRequest(allowed, items, profile, fresh)));
        }

        // The subscribers of a window are scored together: their items go through the kernel in one pass.
        foreach (var (window, sharing) in byWindow)
        {
            var picks = DigestSelector.SelectMany(window.Entries, sharing.Select(s => s.Request).ToList(), window.Corpus, options.Value, window.ByPopularity);
            for (var k = 0; k < sharing.Count; k++)
            {
                plans[sharing[k].Subscriber] = picks[k];
            }
        }

        return plans;
    }

    private Task<IndexedWindow> WindowAsync(DbConnection connection, DateTime start, DateTime cutoff, bool share)
    {
        var indexFrom = start < cutoff - StatisticsSpan ? start : cutoff - StatisticsSpan;
        async Task<IndexedWindow> Load()
        {
            var entries = await store.WindowEntriesAsync(connection, indexFrom, cutoff, embedder.Model);
            return new IndexedWindow(entries, matcher.Index(entries.Select(e => new MatchableEntry(e.Id, e.Title, e.Abstract) { Vector = e.Vector }).ToList()));
        }

        return share ? windows.GetAsync(indexFrom, cutoff, Load) : Load();
    }

    /// <summary>What the subscriber's thumbs teach (a logistic model once there are enough of them).</summary>
    private async Task<ReaderProfile> LearnAsync(long subscriberId) =>
        ReaderProfile.Learn(await thumbs.RatedEntriesAsync(embedder.Model, subscriberId), matching);
}
