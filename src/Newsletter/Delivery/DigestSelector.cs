using System.Runtime.CompilerServices;
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
    // One per thread, reused from subscriber to subscriber: a sheet is four arrays as long as the corpus.
    [ThreadStatic]
    private static ScoreSheet? Sheet;

    /// <param name="byPopularity">The candidates by upvotes, most first (then by id), when the caller keeps them sorted for many subscribers.</param>
    /// <param name="scoreLimit">
    /// Only the first this many candidates can be picked, and only they are scored: the planner lists
    /// a window newest first and passes how many arrived after the subscriber's last digest.
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static IReadOnlyList<DigestPick> Select(
        IReadOnlyList<CandidateEntry> candidates, IReadOnlySet<long> allowed, IReadOnlyList<InterestItem> items,
        IMatchingCorpus corpus, DigestOptions options, ReaderProfile? profile = null, int scoreLimit = int.MaxValue,
        IReadOnlyList<CandidateEntry>? byPopularity = null)
    {
        // Held back: entries already sent (not allowed) and near-duplicates of an entry the subscriber disliked.
        bool IsOpen(CandidateEntry c) => allowed.Contains(c.Id) && profile?.ResemblesDisliked(c.Vector ?? []) is null;

        IReadOnlyList<CandidateEntry> Popular() => byPopularity ??= ByPopularity(candidates);
        if (items.Count == 0)
        {
            return Popular().Where(IsOpen).Take(options.MaxEntries)
                .Select(c => new DigestPick(c.Id, 0, c.Upvotes > 0 ? "Popular" : "New this time"))
                .ToList();
        }

        var sheet = Sheet ??= new ScoreSheet();
        corpus.Score(items, sheet, scoreLimit);
        var qualifying = new List<DigestPick>();
        var entries = corpus.Entries;
        var reach = profile?.MaxAdjustment ?? 0;
        for (var i = 0; i < Math.Min(candidates.Count, scoreLimit); i++)
        {
            // Cheapest tests first: most candidates cannot reach the threshold even with the most the
            // ratings could add, and are dropped before any lookup or vector arithmetic.
            var candidate = candidates[i];
            var doc = i < entries.Count && entries[i].Id == candidate.Id ? i : corpus.IndexOf(candidate.Id); // the planner indexes candidates in their own order
            var item = doc >= 0 ? sheet.Item[doc] : -1;
            var baseScore = item >= 0 ? sheet.Score[doc] : 0;
            var threshold = options.Threshold;
            if (!(baseScore + reach >= threshold) || !allowed.Contains(candidate.Id)) // written so that a NaN never qualifies
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

        var byReason = qualifying
            .GroupBy(p => p.Reason)
            .Select(g => new Queue<DigestPick>(g.OrderByDescending(p => p.Score).ThenBy(p => p.EntryId)))
            .OrderByDescending(q => q.Peek().Score)
            .ToList();

        var picks = new List<DigestPick>();
        var taken = new HashSet<long>();
        while (picks.Count < options.MaxEntries && byReason.Any(q => q.Count > 0))
        {
            foreach (var queue in byReason.Where(q => q.Count > 0))
            {
                if (picks.Count < options.MaxEntries)
                {
                    var pick = queue.Dequeue();
                    taken.Add(pick.EntryId);
                    picks.Add(pick);
                }
            }
        }

        if (picks.Count > 0 && options.TrendingSlot
            && Popular().TakeWhile(c => c.Upvotes > 0).FirstOrDefault(c => !taken.Contains(c.Id) && IsOpen(c)) is { } trending)
        {
            picks.Add(new DigestPick(trending.Id, 0, "Trending"));
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
