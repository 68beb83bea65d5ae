using Newsletter.Delivery;
using Newsletter.Matching;
using Newsletter.Matching.Embeddings;
using Newsletter.Matching.Learning;

namespace Newsletter.Tests.Matching;

/// <summary>
/// The digest with a reader profile, on synthetic vectors in semantic mode: the interest is axis 0, and
/// each entry's cosine with it is set exactly, so its score ((cos − 0.15) / 0.45 by default) is known.
/// </summary>
public sealed class DigestSelectorLearningTests
{
    private const int Dimensions = 16;

    private static readonly float[] InterestAxis = SyntheticVectors.Axis(0, Dimensions);

    private static readonly InterestItem Interest = new("Matches your interest “sparse attention”", "sparse attention") { Vector = InterestAxis };

    /// <summary>No adaptive bar (too few entries), so the digest's threshold is the whole bar.</summary>
    private static readonly MatchingOptions NoBar = new() { Mode = MatchingMode.Semantic, MinEntriesForBar = 1_000 };

    private static readonly DigestOptions Digest = new() { Threshold = 0.5, TrendingSlot = false };

    /// <summary>An entry whose cosine with the interest is <paramref name="cosine"/>, the rest of it along <paramref name="axis"/>.</summary>
    private static CandidateEntry Entry(long id, string title, double cosine, int axis) => new()
    {
        Id = id,
        Title = title,
        Abstract = $"Abstract of {title}.",
        Vector = SyntheticVectors.Mix(cosine, InterestAxis, Math.Sqrt(1 - (cosine * cosine)), SyntheticVectors.Axis(axis, Dimensions)),
    };

    private static IMatchingCorpus Index(MatchingOptions options, IEnumerable<CandidateEntry> entries) =>
        new HybridMatcher(options).Index(entries.Select(e => new MatchableEntry(e.Id, e.Title, e.Abstract) { Vector = e.Vector }).ToList());

    private static IReadOnlyList<DigestPick> Select(IReadOnlyList<CandidateEntry> entries, ReaderProfile? profile) =>
        DigestSelector.Select(entries, entries.Select(e => e.Id).ToHashSet(), [Interest], Index(NoBar, entries), Digest, profile);

    [Fact]
    public void AnEntryNearALikedOne_BelowTheBarWithoutTheProfile_IsPickedWithIt_BecauseOfThatLikedEntry()
    {
        CandidateEntry[] entries =
        [
            Entry(1, "Block-sparse attention kernels", 0.95, 1),
            Entry(2, "Routing tokens to sparse experts", 0.30, 2),
            Entry(3, "Unrelated: soil moisture from radar", 0.10, 3),
        ];
        var liked = new RatedEntry(40, true, "Expert choice routing", SyntheticVectors.Axis(2, Dimensions));
        var profile = ReaderProfile.Learn([liked], NoBar);

        var without = Select(entries, null);
        var with = Select(entries, profile);

        Assert.Equal([1L], without.Select(p => p.EntryId));
        var pick = Assert.Single(with, p => p.EntryId == 2);
        Assert.Equal("Like “Expert choice routing”, which you rated up", pick.Reason);
        Assert.Equal("Matches your interest “sparse attention”", with.Single(p => p.EntryId == 1).Reason);
        Assert.DoesNotContain(with, p => p.EntryId == 3);
    }

    [Fact]
    public void ANearDuplicateOfADislikedEntry_IsNeverPicked_EvenWhenItScoresHighest()
    {
        CandidateEntry[] entries =
        [
            Entry(1, "Sparse attention, the same paper again", 0.99, 1),
            Entry(2, "Sliding-window sparse attention", 0.55, 2),
        ];
        var disliked = new RatedEntry(50, false, "Sparse attention, first posting", entries[0].Vector!);
        var profile = ReaderProfile.Learn([disliked], NoBar);

        var without = Select(entries, null);
        var with = Select(entries, profile);

        Assert.Equal([1L, 2L], without.Select(p => p.EntryId));
        Assert.True(without[0].Score > without[1].Score);
        Assert.Equal([2L], with.Select(p => p.EntryId));
    }

    [Fact]
    public void ANearDuplicateOfADislikedEntry_IsHeldBack_EvenFromAReaderWithoutInterests()
    {
        CandidateEntry[] entries =
        [
            new() { Id = 1, Title = "Popular repost", Upvotes = 90, Vector = SyntheticVectors.Axis(1, Dimensions) },
            new() { Id = 2, Title = "Less popular", Upvotes = 10, Vector = SyntheticVectors.Axis(2, Dimensions) },
        ];
        var profile = ReaderProfile.Learn([new RatedEntry(50, false, "Popular, first posting", SyntheticVectors.Axis(1, Dimensions))], NoBar);

        var picks = DigestSelector.Select(entries, entries.Select(e => e.Id).ToHashSet(), [], Index(NoBar, entries), Digest, profile);

        Assert.Equal([2L], picks.Select(p => p.EntryId));
    }

    [Fact]
    public void AnItemThatScoresTheWholeCorpusHigh_GetsAHigherBar_ThanANarrowItem()
    {
        // Every entry leans the same way (axis 0) with its own twist (axis 1 + i).
        var entries = Enumerable.Range(0, 10).Select(i => new MatchableEntry(i, $"Entry {i}", "")
        {
            Vector = SyntheticVectors.Mix(1, InterestAxis, 0.5, SyntheticVectors.Axis(1 + i, Dimensions)),
        }).ToList();
        var corpus = new HybridMatcher(new MatchingOptions { Mode = MatchingMode.Semantic, MinEntriesForBar = 5 }).Index(entries);
        var broad = new InterestItem("broad", "broad") { Vector = InterestAxis };
        var narrow = new InterestItem("narrow", "narrow") { Vector = SyntheticVectors.Axis(1, Dimensions) };

        var broadRanked = corpus.Rank([broad]);
        var narrowRanked = corpus.Rank([narrow]);

        Assert.Equal(10, broadRanked.Count);
        Assert.Equal(0L, Assert.Single(narrowRanked).Entry.Id);
        Assert.True(broadRanked[0].Bar > narrowRanked[0].Bar + 0.2, $"broad bar {broadRanked[0].Bar}, narrow bar {narrowRanked[0].Bar}");
        Assert.True(narrowRanked[0].Bar > 0);
        Assert.True(narrowRanked[0].Score > narrowRanked[0].Bar, "the narrow item's one match clears its bar");
    }

    [Fact]
    public void WithFewerEntriesThanMinEntriesForBar_TheBarIsZero()
    {
        var entries = Enumerable.Range(0, 10).Select(i => new MatchableEntry(i, $"Entry {i}", "")
        {
            Vector = SyntheticVectors.Mix(1, InterestAxis, 0.5, SyntheticVectors.Axis(1 + i, Dimensions)),
        }).ToList();
        var item = new InterestItem("broad", "broad") { Vector = InterestAxis };

        var below = new HybridMatcher(new MatchingOptions { Mode = MatchingMode.Semantic, MinEntriesForBar = 11 }).Index(entries).Rank([item]);
        var at = new HybridMatcher(new MatchingOptions { Mode = MatchingMode.Semantic, MinEntriesForBar = 10 }).Index(entries).Rank([item]);

        Assert.All(below, m => Assert.Equal(0, m.Bar));
        Assert.All(at, m => Assert.True(m.Bar > 0));
    }

    [Fact]
    public void TheAdaptiveBar_KeepsABroadItemsMiddlingEntriesOutOfTheDigest_WhileTheFloorAloneWouldLetThemIn()
    {
        // 20 entries at cosine 0.5 with the item (score 0.78) and one at 0.95 (score 1): with a bar, only the standout is sent.
        var entries = Enumerable.Range(1, 20).Select(i => Entry(i, $"Middling {i}", 0.5, i % (Dimensions - 1) + 1))
            .Append(Entry(99, "Standout", 0.95, 1)).ToList();
        var withBar = new MatchingOptions { Mode = MatchingMode.Semantic, MinEntriesForBar = 10, BarDeviations = 2 };
        var floorOnly = new DigestOptions { Threshold = 0.2, TrendingSlot = false, MaxEntries = 50 };
        var ids = entries.Select(e => e.Id).ToHashSet();

        var barred = DigestSelector.Select(entries, ids, [Interest], Index(withBar, entries), floorOnly);
        var unbarred = DigestSelector.Select(entries, ids, [Interest], Index(NoBar, entries), floorOnly);

        Assert.Equal([99L], barred.Select(p => p.EntryId));
        Assert.Equal(21, unbarred.Count);
    }
}
