using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Newsletter.Matching;
using Newsletter.Matching.Learning;

namespace Newsletter.Delivery;

/// <summary>An entry that may go into a digest.</summary>
public sealed class CandidateEntry
{
    public long Id { get; init; }
    public string Title { get; init; } = "";
    public string Abstract { get; init; } = "";
    public long Upvotes { get; init; }
    public DateTime ArrivedAt { get; init; }

    /// <summary>The stored embedding as read (half floats); <see cref="Vector"/> unpacks it once.</summary>
    public byte[]? VectorBlob { get; init; }

    public float[]? Vector
    {
        get => vector ??= VectorBlob is null ? null : Matching.Embeddings.VectorBlob.Unpack(VectorBlob);
        init => vector = value;
    }

    private float[]? vector;
}

/// <summary>An entry chosen for a digest, with the reason the email shows.</summary>
public sealed record DigestPick(long EntryId, double Score, string Reason);

/// <summary>
/// Chooses a subscriber's digest from the entries of their window that they were never sent.
/// An entry qualifies when its score (the calibrated probability that its best interest item's reader
/// wants it, moved by what the subscriber's thumbs taught) reaches <see cref="DigestOptions.Threshold"/>,
/// so a poor day yields a short digest, not its top N, and a day full of papers on the interest
/// yields its best N, not a cut that depends on how many there were. At most
/// <see cref="DigestOptions.MaxEntries"/>, taken in turns from each reason so one busy topic cannot
/// crowd out the rest; near-duplicates of an entry the subscriber disliked are held back; plus,
/// optionally, the most popular new entry as a "trending" extra. A subscriber with no topics and no
/// interests gets the most popular entries, as the trending page's own digest does. Nothing
/// qualifying means no email.
/// </summary>
public static class DigestSelector
{
    // One per thread, reused from chunk to chunk: a sheet is four arrays as long as the corpus.
    [ThreadStatic]
    private static ScoreSheet? Sheet;

    /// <summary>One subscriber's digest: a chunk of one (see <see cref="SelectMany"/>).</summary>
    public static IReadOnlyList<DigestPick> Select(
        IReadOnlyList<CandidateEntry> candidates, IReadOnlySet<long> allowed, IReadOnlyList<InterestItem> items,
        IMatchingCorpus corpus, DigestOptions options, ReaderProfile? profile = null, int scoreLimit = int.MaxValue,
        IReadOnlyList<CandidateEntry>? byPopularity = null) =>
        SelectMany(candidates, [new SelectionRequest(allowed, items, profile, scoreLimit)], corpus, options, byPopularity)[0];

    /// <summary>
    /// The digests of a chunk of subscribers who share one window (<paramref name="candidates"/>,
    /// indexed as <paramref name="corpus"/>): their items are scored together
    /// (<see cref="IMatchingCorpus.ScoreMany"/>), and each subscriber's picks are exactly what
    /// selecting them alone gives.
    /// </summary>
    /// <param name="byPopularity">The candidates by upvotes, most first (then by id), when the caller keeps them sorted for many subscribers.</param>
    /// <returns>Each request's picks, in the order of <paramref name="requests"/>.</returns>
    public static IReadOnlyList<IReadOnlyList<DigestPick>> SelectMany(
        IReadOnlyList<CandidateEntry> candidates, IReadOnlyList<SelectionRequest> requests, IMatchingCorpus corpus,
        DigestOptions options, IReadOnlyList<CandidateEntry>? byPopularity = null)
    {
        var picks = new IReadOnlyList<DigestPick>[requests.Count];
        if (requests.Count == 0)
        {
            return picks;
        }

        var window = new CandidateWindow(candidates, corpus, byPopularity, requests.Max(r => Math.Min(candidates.Count, r.ScoreLimit)));
        var scoring = new List<ScoringRequest>(requests.Count);
        var places = new List<int>(requests.Count);
        for (var r = 0; r < requests.Count; r++)
        {
            if (requests[r].Items.Count == 0)
            {
                picks[r] = window.Popular().Where(c => CandidateWindow.IsOpen(c, requests[r])).Take(options.MaxEntries)
                    .Select(c => new DigestPick(c.Id, 0, c.Upvotes > 0 ? "Popular" : "New this time"))
                    .ToList();
            }
            else
            {
                scoring.Add(new ScoringRequest(requests[r].Items, requests[r].ScoreLimit));
                places.Add(r);
            }
        }

        if (scoring.Count > 0)
        {
            corpus.ScoreMany(scoring, Sheet ??= new ScoreSheet(), (k, sheet) => picks[places[k]] = Picks(window, requests[places[k]], sheet, options));
        }

        return picks;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<DigestPick> Picks(CandidateWindow window, SelectionRequest request, ScoreSheet sheet, DigestOptions options)
    {
        var (allowed, items, profile, scoreLimit) = request;
        var candidates = window.Candidates;
        var qualifying = new List<DigestPick>();
        var reach = profile?.MaxAdjustment ?? 0;
        var threshold = options.Threshold;
        var count = Math.Min(candidates.Count, scoreLimit);
        // A little under the exact test below, in floats: eight candidates whose scores are all under it
        // cannot reach the threshold even with the most the ratings could add, and are passed over at once.
        var hopeless = Vector256.Create((float)(threshold - reach) - 1e-6f);
        for (var i = 0; i < count; i++)
        {
            if (window.Aligned && i % Vector256<float>.Count == 0 && i + Vector256<float>.Count <= count
                && Vector256.LessThanAll(Vector256.Create(sheet.Score.AsSpan(i)), hopeless))
            {
                i += Vector256<float>.Count - 1;
                continue;
            }

            // Cheapest tests first: most candidates cannot reach the threshold even with the most the
            // ratings could add, and are dropped before any lookup or vector arithmetic.
            var doc = window.Docs[i];
            var item = doc >= 0 ? sheet.Item[doc] : -1;
            var baseScore = item >= 0 ? sheet.Score[doc] : 0;
            if (!(baseScore + reach >= threshold)) // written so that a NaN never qualifies
            {
                continue;
            }

            var candidate = candidates[i];
            if (!allowed.Contains(candidate.Id))
            {
                continue;
            }

            var (adjustment, nearestLiked) = profile?.Adjust(candidate.Vector ?? []) ?? (0, null);
            var score = Math.Clamp(baseScore + adjustment, 0, 1);
            if (!(score >= threshold) || profile?.ResemblesDisliked(candidate.Vector ?? []) is not null)
            {
                continue;
            }

            qualifying.Add(new DigestPick(candidate.Id, Math.Round(score, 4), ReasonFor(item >= 0 && baseScore >= threshold ? items[item] : null, profile, nearestLiked)));
        }

        var picks = TakeTurns(qualifying, options.MaxEntries);
        if (picks.Count > 0 && options.TrendingSlot
            && window.Popular().TakeWhile(c => c.Upvotes > 0).FirstOrDefault(c => !picks.Exists(p => p.EntryId == c.Id) && CandidateWindow.IsOpen(c, request)) is { } trending)
        {
            picks.Add(new DigestPick(trending.Id, 0, "Trending"));
        }

        return picks;
    }

    /// <summary>
    /// At most <paramref name="max"/> of the qualifying entries, taken in turns from each reason so one
    /// busy topic cannot crowd out the rest: each reason's best first (then by id), the reasons in the
    /// order of their best (ties: the one met first). A few lists, not a query per subscriber.
    /// </summary>
    private static List<DigestPick> TakeTurns(List<DigestPick> qualifying, int max)
    {
        var byReason = new List<List<DigestPick>>();
        foreach (var pick in qualifying)
        {
            var group = byReason.Find(g => string.Equals(g[0].Reason, pick.Reason, StringComparison.Ordinal));
            if (group is null)
            {
                byReason.Add(group = []);
            }

            group.Add(pick);
        }

        foreach (var group in byReason)
        {
            // Stable enough: two picks equal in score and id within one reason are the same pick.
            group.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.EntryId.CompareTo(b.EntryId));
        }

        var order = Enumerable.Range(0, byReason.Count).ToArray();
        Array.Sort(order, (a, b) => byReason[a][0].Score != byReason[b][0].Score ? byReason[b][0].Score.CompareTo(byReason[a][0].Score) : a.CompareTo(b));

        var picks = new List<DigestPick>(Math.Min(max, qualifying.Count));
        for (var turn = 0; picks.Count < max; turn++)
        {
            var any = false;
            foreach (var g in order)
            {
                if (turn < byReason[g].Count && picks.Count < max)
                {
                    picks.Add(byReason[g][turn]);
                    any = true;
                }
            }

            if (!any)
            {
                break;
            }
        }

        return picks;
    }

    public static IReadOnlyList<CandidateEntry> ByPopularity(IEnumerable<CandidateEntry> candidates) =>
        candidates.OrderByDescending(c => c.Upvotes).ThenBy(c => c.Id).ToList();

    /// <summary>What put the entry over the threshold: the interest it matched, or, when that alone fell short, the ratings.</summary>
    private static string ReasonFor(InterestItem? clearedByItself, ReaderProfile? profile, RatedEntry? nearestLiked)
    {
        if (clearedByItself is not null)
        {
            return clearedByItself.Label;
        }

        return profile?.Stage != LearningStage.Model && nearestLiked is not null
            ? $"Like “{nearestLiked.Title}”, which you rated up"
            : "Learned from your ratings";
    }
}

/// <summary>One subscriber of a chunk: what they may be sent, their items and thumbs, and how many of the window's newest entries they can be sent.</summary>
/// <param name="ScoreLimit">
/// Only the first this many candidates can be picked, and only they are scored: the planner lists
/// a window newest first and passes how many arrived after the subscriber's last digest.
/// </param>
public sealed record SelectionRequest(IReadOnlySet<long> Allowed, IReadOnlyList<InterestItem> Items, ReaderProfile? Profile = null, int ScoreLimit = int.MaxValue);
