using Newsletter.Matching;

namespace Newsletter.Delivery;

/// <summary>An entry that may go into a digest.</summary>
public sealed class CandidateEntry
{
    public long Id { get; init; }
    public string Title { get; init; } = "";
    public string Abstract { get; init; } = "";
    public long Upvotes { get; init; }
    public DateTime ArrivedAt { get; init; }
}

/// <summary>An entry chosen for a digest, with the reason the email shows.</summary>
public sealed record DigestPick(long EntryId, double Score, string Reason);

/// <summary>
/// Chooses a subscriber's digest from the entries of their window that they were never sent:
/// entries above the threshold, at most <see cref="DigestOptions.MaxEntries"/>, taken in turns from
/// each interest item so one busy topic cannot crowd out the rest; plus, optionally, the most
/// popular new entry as a "trending" extra. A subscriber with no topics and no interests gets the
/// most popular entries, as the trending page's own digest does. Nothing qualifying means no email.
/// </summary>
public static class DigestSelector
{
    public static IReadOnlyList<DigestPick> Select(
        IReadOnlyList<CandidateEntry> candidates, IReadOnlySet<long> allowed, IReadOnlyList<InterestItem> items,
        IMatchingCorpus corpus, DigestOptions options)
    {
        var open = candidates.Where(c => allowed.Contains(c.Id)).ToList();
        if (open.Count == 0)
        {
            return [];
        }

        if (items.Count == 0)
        {
            return open.OrderByDescending(c => c.Upvotes).ThenBy(c => c.Id).Take(options.MaxEntries)
                .Select(c => new DigestPick(c.Id, 0, c.Upvotes > 0 ? "Popular" : "New this time"))
                .ToList();
        }

        var byItem = corpus.Rank(items)
            .Where(m => allowed.Contains(m.Entry.Id) && m.Score >= options.Threshold)
            .GroupBy(m => m.Item.Label)
            .Select(g => new Queue<EntryMatch>(g.OrderByDescending(m => m.Score)))
            .OrderByDescending(q => q.Peek().Score)
            .ToList();

        var picks = new List<DigestPick>();
        var taken = new HashSet<long>();
        while (picks.Count < options.MaxEntries && byItem.Any(q => q.Count > 0))
        {
            foreach (var queue in byItem.Where(q => q.Count > 0))
            {
                while (queue.Count > 0 && taken.Contains(queue.Peek().Entry.Id))
                {
                    queue.Dequeue();
                }

                if (queue.Count > 0 && picks.Count < options.MaxEntries)
                {
                    var match = queue.Dequeue();
                    taken.Add(match.Entry.Id);
                    picks.Add(new DigestPick(match.Entry.Id, match.Score, match.Item.Label));
                }
            }
        }

        if (picks.Count > 0 && options.TrendingSlot
            && open.Where(c => c.Upvotes > 0 && !taken.Contains(c.Id)).OrderByDescending(c => c.Upvotes).ThenBy(c => c.Id).FirstOrDefault() is { } trending)
        {
            picks.Add(new DigestPick(trending.Id, 0, "Trending"));
        }

        return picks;
    }
}
