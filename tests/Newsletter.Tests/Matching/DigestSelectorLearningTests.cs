using Newsletter.Delivery;
using Newsletter.Matching;
using Newsletter.Matching.Embeddings;
using Newsletter.Matching.Learning;

namespace Newsletter.Tests.Matching;

/// <summary>
/// The digest with a reader profile, on synthetic vectors in semantic mode: the interest is axis 0, and
/// each entry's cosine with it is set exactly; with a calibration fixed here, so is its score.
/// </summary>
public sealed class DigestSelectorLearningTests
{
    private const int Dimensions = 16;

    private static readonly float[] InterestAxis = SyntheticVectors.Axis(0, Dimensions);

    private static readonly InterestItem Interest = new("Matches your interest “sparse attention”", "sparse attention") { Vector = InterestAxis };

    /// <summary>Too few entries for a standing and no pseudo-relevance feedback: the score is σ(10·cos − 4), 0.5 at cosine 0.4.</summary>
    private static readonly MatchingOptions NoBar = new()
    {
        Mode = MatchingMode.Semantic, MinEntriesForStanding = 1_000, PseudoRelevanceEntries = 0,
        Calibration = new() { SemanticNoStanding = "-4 10 0 0" },
    };

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

    /// <summary>Where an entry stands, and nothing else: p = σ(standing).</summary>
    private static MatchingOptions StandingOnly(int minEntries = 20) => new()
    {
        Mode = MatchingMode.Semantic, MinEntriesForStanding = minEntries, PseudoRelevanceEntries = 0,
        Calibration = new() { Semantic = "0 0 0 1", SemanticNoStanding = "0 0 0 0" },
    };

    /// <summary>30 entries, <paramref name="onTopic"/> of them at cosine 0.8 with the interest, the rest spread between 0.1 and 0.3.</summary>
    private static List<CandidateEntry> Window(int onTopic) => Enumerable.Range(0, 30)
        .Select(i => i < onTopic ? Entry(i, $"On topic {i}", 0.8, 1 + (i % (Dimensions - 1))) : Entry(i, $"Elsewhere {i}", 0.1 + (0.2 * i / 30), 1 + (i % (Dimensions - 1))))
        .ToList();

    [Fact]
    public void AnOnTopicEntrysScore_BarelyMoves_WhenMuchOfTheWindowIsOnTopic()
    {
        // A mean plus two deviations rose with every on-topic entry and cut most of them once they
        // were many; the median and its deviation stay with the bulk of the window.
        var few = Index(StandingOnly(), Window(2)).Rank([Interest]);
        var many = Index(StandingOnly(), Window(12)).Rank([Interest]);

        var fewScore = few.Single(m => m.Entry.Id == 0).Score;
        var manyScore = many.Single(m => m.Entry.Id == 0).Score;
        Assert.True(fewScore > 0.99, $"few: {fewScore}");
        Assert.True(manyScore > 0.95 && fewScore - manyScore < 0.02, $"few: {fewScore}, many: {manyScore}");
        Assert.All(many.Where(m => m.Entry.Id < 12), m => Assert.Equal(manyScore, m.Score, 4));
        Assert.All(many.Where(m => m.Entry.Id >= 12), m => Assert.True(m.Score < 0.9, $"entry {m.Entry.Id}: {m.Score}"));
    }

    [Fact]
    public void AnItemThatScoresTheWholeCorpusHigh_RanksByStanding_NotByTheRawCosine()
    {
        // Every entry is close to the broad interest; what tells them apart is where each stands.
        var entries = Enumerable.Range(0, 30).Select(i => Entry(i, $"Entry {i}", 0.6 + (0.3 * i / 29), 1 + (i % (Dimensions - 1)))).ToList();

        var ranked = Index(StandingOnly(), entries).Rank([Interest]);

        Assert.Equal(29L, ranked[0].Entry.Id);
        Assert.True(ranked[0].Score > 0.75, $"the best stands out: {ranked[0].Score}");
        Assert.True(ranked[^1].Score < 0.25, $"the least close stands low although its cosine is 0.6: {ranked[^1].Score}");
    }

    [Fact]
    public void WithFewerEntriesThanMinEntriesForStanding_TheModelWithoutStandingScores()
    {
        var entries = Window(2);

        var below = Index(StandingOnly(minEntries: 31), entries).Rank([Interest]);
        var at = Index(StandingOnly(minEntries: 30), entries).Rank([Interest]);

        Assert.All(below, m => Assert.Equal(0.5, m.Score, 4)); // σ(0): no standing, no other signal
        Assert.True(at.Single(m => m.Entry.Id == 0).Score > 0.99);
    }
}
