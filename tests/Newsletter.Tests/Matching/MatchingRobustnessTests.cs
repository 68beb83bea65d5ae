using Newsletter.Delivery;
using Newsletter.Matching;

namespace Newsletter.Tests.Matching;

/// <summary>What the matcher does with the awkward cases production meets: missing and broken vectors, large spans, scoring only a prefix.</summary>
public sealed class MatchingRobustnessTests
{
    private const int Dimensions = 16;

    private static MatchableEntry Entry(long id, string title, float[]? vector) => new(id, title, "An abstract.") { Vector = vector };

    [Fact]
    public void AnEntryWithoutAVector_IsJudgedByTheKeywordsModel_NotByTheHybridOne()
    {
        var random = new Random(3);
        var interest = SyntheticVectors.RandomUnit(random, Dimensions);
        var corpus = new HybridMatcher(new MatchingOptions()).Index(
        [
            Entry(1, "Knowledge distillation", null),
            Entry(2, "Knowledge distillation", SyntheticVectors.RandomUnit(random, Dimensions)),
        ]);

        var ranked = corpus.Rank([new InterestItem("kd", "knowledge distillation") { Vector = interest }]);

        var withoutVector = ranked.Single(m => m.Entry.Id == 1);
        var unrelatedVector = ranked.Single(m => m.Entry.Id == 2);
        var calibration = new MatchingOptions().Calibration;
        Assert.Equal(0, withoutVector.Semantic);
        Assert.Equal(unrelatedVector.Lexical, withoutVector.Lexical, 4);
        Assert.Equal(calibration.For(SignalSet.Lexical).Probability(0, (float)withoutVector.Lexical, 0), withoutVector.Score, 3);
        // Two entries are too few for a standing: the entry with a vector is scored on its cosine and keywords.
        Assert.Equal(calibration.For(SignalSet.HybridNoStanding).Probability((float)unrelatedVector.Semantic, (float)unrelatedVector.Lexical, 0), unrelatedVector.Score, 3);
    }

    [Fact]
    public void ABrokenVector_CountsAsMissing_AndLeavesEveryScoreFinite()
    {
        var random = new Random(5);
        var broken = SyntheticVectors.RandomUnit(random, Dimensions);
        broken[3] = float.NaN;
        var entries = Enumerable.Range(0, 60).Select(i => Entry(i, $"Entry {i}", SyntheticVectors.RandomUnit(random, Dimensions))).ToList();
        entries[0] = Entry(0, "Entry 0", broken);
        entries[1] = Entry(1, "Entry 1", new float[Dimensions]); // all zero
        var corpus = new HybridMatcher(new MatchingOptions { Mode = MatchingMode.Semantic }).Index(entries);

        var ranked = corpus.Rank([new InterestItem("x", "x") { Vector = SyntheticVectors.RandomUnit(random, Dimensions) }]);

        Assert.All(ranked, m => Assert.True(double.IsFinite(m.Score) && m.Score is >= 0 and <= 1));
        Assert.DoesNotContain(ranked, m => m.Entry.Id is 0 or 1); // no keywords in Semantic mode, and no usable vector: no signal
        Assert.Equal(58, ranked.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ScoringOnlyTheNewestEntries_GivesThemTheSameScores_AsScoringEverything(bool precomputedSimilarities)
    {
        var random = new Random(7);
        var entries = Enumerable.Range(0, 300).Select(i => Entry(i, i % 3 == 0 ? "sparse experts routing" : "graph networks", SyntheticVectors.RandomUnit(random, Dimensions))).ToList();
        var topic = SyntheticVectors.RandomUnit(random, Dimensions);
        for (var i = 0; i < 300; i += 3)
        {
            entries[i] = entries[i] with { Vector = SyntheticVectors.Near(random, topic, 0.3) }; // something for the feedback to find
        }

        var item = new InterestItem("moe", "sparse experts") { Vector = topic };
        var whole = new HybridMatcher(new MatchingOptions { PrecomputedSimilarities = precomputedSimilarities }).Index(entries);
        var prefixed = new HybridMatcher(new MatchingOptions { PrecomputedSimilarities = precomputedSimilarities }).Index(entries);
        // A full cache makes the second corpus score only what it is asked for.
        var filler = new ScoreSheet();
        for (var i = 0; i < 2_000; i++)
        {
            prefixed.Score([new InterestItem("filler", $"filler {i}")], filler);
        }

        var all = new ScoreSheet();
        var prefix = new ScoreSheet();
        whole.Score([item], all);
        prefixed.Score([item], prefix, limit: 40);

        for (var doc = 0; doc < 40; doc++)
        {
            Assert.Equal(all.Score[doc], prefix.Score[doc], 4);
        }

        Assert.Contains(Enumerable.Range(0, 40), doc => prefix.Score[doc] > 0.5);
        Assert.All(Enumerable.Range(40, 260), doc => Assert.Equal(-1, prefix.Item[doc]));
    }

    [Fact]
    public void PseudoRelevanceFeedback_ScoresTheMovedQueryAlike_ThroughEntryToEntryCosines_OrASecondKernelPass()
    {
        var random = new Random(13);
        var topic = SyntheticVectors.RandomUnit(random, Dimensions);
        var entries = Enumerable.Range(0, 300).Select(i => Entry(i, i % 4 == 0 ? "sparse experts routing" : "graph networks",
            i % 4 == 0 ? SyntheticVectors.Near(random, topic, 0.4) : SyntheticVectors.RandomUnit(random, Dimensions))).ToList();
        var item = new InterestItem("moe", "sparse experts") { Vector = SyntheticVectors.Near(random, topic, 0.5) };
        var withoutFeedback = new MatchingOptions { PseudoRelevanceEntries = 0 };

        var precomputed = new HybridMatcher(new MatchingOptions()).Index(entries).Rank([item]);
        var secondPass = new HybridMatcher(new MatchingOptions { PrecomputedSimilarities = false }).Index(entries).Rank([item]);
        var unmoved = new HybridMatcher(withoutFeedback).Index(entries).Rank([item]);

        Assert.Equal(precomputed.Select(m => m.Entry.Id), secondPass.Select(m => m.Entry.Id));
        Assert.All(precomputed.Zip(secondPass), p => Assert.Equal(p.First.Score, p.Second.Score, 3));
        // The feedback did move the query: the cosines are not the first pass's.
        Assert.NotEqual(unmoved.Single(m => m.Entry.Id == 0).Semantic, precomputed.Single(m => m.Entry.Id == 0).Semantic);
    }

    [Fact]
    public void PseudoRelevanceFeedback_MovesTheQueryTowardsTheMostLikelyEntry_NotTheFirst()
    {
        var random = new Random(17);
        var query = SyntheticVectors.RandomUnit(random, Dimensions);
        var entries = Enumerable.Range(0, 40).Select(i => Entry(i, $"Entry {i}", SyntheticVectors.RandomUnit(random, Dimensions))).ToList();
        entries[25] = Entry(25, "Entry 25", SyntheticVectors.Near(random, query, 0.2)); // the one entry close to the interest
        var item = new InterestItem("x", "x") { Vector = query };
        var oneEntry = new MatchingOptions { Mode = MatchingMode.Semantic, PseudoRelevanceEntries = 1, PseudoRelevanceMinimum = 0.01 };

        var ranked = new HybridMatcher(oneEntry).Index(entries).Rank([item]);

        // q' = (q + e25) / |q + e25|, so every cosine is (q·d + e25·d) / |q + e25|.
        var moved = SyntheticVectors.Normalise(query.Zip(entries[25].Vector!, (a, b) => a + b).ToArray());
        Assert.All(ranked, m => Assert.True(Math.Abs(SyntheticVectors.Cosine(moved, m.Entry.Vector!) - m.Semantic) < 1e-3, $"entry {m.Entry.Id}: {m.Semantic}"));
        Assert.Equal(25L, ranked[0].Entry.Id);
    }

    [Fact]
    public void PseudoRelevanceFeedback_LeavesAQueryWithNothingOverTheMinimum_WhereItWas()
    {
        var random = new Random(19);
        var query = SyntheticVectors.RandomUnit(random, Dimensions);
        var entries = Enumerable.Range(0, 40).Select(i => Entry(i, $"Entry {i}", SyntheticVectors.RandomUnit(random, Dimensions))).ToList();
        var item = new InterestItem("x", "x") { Vector = query };
        var unreachable = new MatchingOptions { Mode = MatchingMode.Semantic, PseudoRelevanceMinimum = 0.999 };

        var ranked = new HybridMatcher(unreachable).Index(entries).Rank([item]);

        Assert.All(ranked, m => Assert.True(Math.Abs(SyntheticVectors.Cosine(query, m.Entry.Vector!) - m.Semantic) < 1e-3, $"entry {m.Entry.Id}: {m.Semantic}"));
    }

    [Fact]
    public void OverALargeSpan_TheSampledStanding_IsCloseToTheStandingOverEveryEntry()
    {
        var random = new Random(11);
        var entries = Enumerable.Range(0, 9_000).Select(i => Entry(i, "title", SyntheticVectors.RandomUnit(random, Dimensions))).ToList();
        var options = new MatchingOptions { Mode = MatchingMode.Semantic, PseudoRelevanceEntries = 0, Calibration = new() { Semantic = "0 0 0 1" } };
        var corpus = new HybridMatcher(options).Index(entries);
        var item = new InterestItem("x", "x") { Vector = SyntheticVectors.RandomUnit(random, Dimensions) };

        var ranked = corpus.Rank([item]);

        // Scored against a sample of 2,000; the same entry's standing among all 9,000, computed here:
        Assert.Equal(9_000, ranked.Count);
        var cosines = ranked.Select(m => (float)m.Semantic).ToArray();
        var exact = Standing.Of(cosines, new float[cosines.Length]);
        foreach (var match in ranked.Take(50).Concat(ranked.TakeLast(50)))
        {
            var expected = 1 / (1 + Math.Exp(-Standing.Of((float)match.Semantic, exact)));
            Assert.True(Math.Abs(expected - match.Score) < 0.03, $"entry {match.Entry.Id}: sampled {match.Score}, over every entry {expected}");
        }
    }

    [Fact]
    public void TheSelector_PicksOnlyAmongTheFirstScoreLimitCandidates()
    {
        var vector = SyntheticVectors.Axis(0, Dimensions);
        var candidates = Enumerable.Range(0, 4).Select(i => new CandidateEntry { Id = i, Title = "Sparse experts routing", Abstract = "Experts.", Vector = vector }).ToList();
        var corpus = new HybridMatcher(new MatchingOptions()).Index(candidates.Select(c => new MatchableEntry(c.Id, c.Title, c.Abstract) { Vector = c.Vector }).ToList());
        var items = new[] { new InterestItem("moe", "sparse experts routing") { Vector = vector } };

        var picks = DigestSelector.Select(candidates, candidates.Select(c => c.Id).ToHashSet(), items, corpus, new DigestOptions { TrendingSlot = false }, scoreLimit: 2);

        Assert.Equal([0L, 1L], picks.Select(p => p.EntryId).Order());
    }

    [Fact]
    public void TheSampleScores_OfBm25_EqualTheFullScoresAtTheSampledEntries()
    {
        var entries = Enumerable.Range(0, 50).Select(i => new MatchableEntry(i, i % 4 == 0 ? "mixture of experts" : "graph neural networks", $"entry {i} about routing tokens")).ToList();
        int[] sample = [0, 7, 8, 31, 49];
        var index = new Bm25Index(entries, sample);
        var full = new float[50];
        var sampled = new float[sample.Length];

        index.ScoreInto("experts routing", full);
        index.ScoreSampleInto("experts routing", sampled);

        Assert.Equal(sample.Select(d => full[d]), sampled);
    }

    [Fact]
    public async Task AnInterestWhoseStoredVectorIsBroken_IsPreparedWithoutOne()
    {
        var broken = new float[Dimensions];
        broken[0] = float.NaN;
        var preparation = new InterestPreparation(Newsletter.Matching.Glossary.Glossary.Empty, new FixedVectors(broken), new MatchingOptions());

        var item = Assert.Single(await preparation.PrepareAsync([new InterestItem("x", "graph networks")]));

        Assert.Null(item.Vector);
    }

    private sealed class FixedVectors(float[] vector) : IInterestVectorSource
    {
        public Task<IReadOnlyDictionary<string, float[]>> GetAsync(IReadOnlyCollection<string> texts, bool persist, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, float[]>>(texts.ToDictionary(t => t, _ => vector));
    }
}
