using Newsletter.Delivery;
using Newsletter.Matching;

namespace Newsletter.Tests.Matching;

/// <summary>What the matcher does with the awkward cases production meets: missing and broken vectors, large spans, scoring only a prefix.</summary>
public sealed class MatchingRobustnessTests
{
    private const int Dimensions = 16;

    private static MatchableEntry Entry(long id, string title, float[]? vector) => new(id, title, "An abstract.") { Vector = vector };

    [Fact]
    public void AnEntryWithoutAVector_IsJudgedByItsKeywordsAlone_NotByTheirShareOfTheBlend()
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
        Assert.Equal(withoutVector.Lexical, withoutVector.Score, 4);
        Assert.Equal(unrelatedVector.Lexical, withoutVector.Lexical, 4);
        Assert.Equal(0.4 * unrelatedVector.Lexical, unrelatedVector.Score, 2); // its vector points elsewhere: keywords' share only
    }

    [Fact]
    public void ABrokenVector_CountsAsMissing_AndLeavesTheBarsFinite()
    {
        var random = new Random(5);
        var broken = SyntheticVectors.RandomUnit(random, Dimensions);
        broken[3] = float.NaN;
        var entries = Enumerable.Range(0, 60).Select(i => Entry(i, $"Entry {i}", SyntheticVectors.RandomUnit(random, Dimensions))).ToList();
        entries[0] = Entry(0, "Entry 0", broken);
        entries[1] = Entry(1, "Entry 1", new float[Dimensions]); // all zero
        var corpus = new HybridMatcher(new MatchingOptions { Mode = MatchingMode.Semantic }).Index(entries);

        var ranked = corpus.Rank([new InterestItem("x", "x") { Vector = SyntheticVectors.RandomUnit(random, Dimensions) }]);

        Assert.All(ranked, m => Assert.True(double.IsFinite(m.Score) && double.IsFinite(m.Bar) && m.Bar > 0));
        Assert.DoesNotContain(ranked, m => m.Entry.Id is 0 or 1);
    }

    [Fact]
    public void ScoringOnlyTheNewestEntries_GivesThemTheSameScoresAndBars_AsScoringEverything()
    {
        var random = new Random(7);
        var entries = Enumerable.Range(0, 300).Select(i => Entry(i, i % 3 == 0 ? "sparse experts routing" : "graph networks", SyntheticVectors.RandomUnit(random, Dimensions))).ToList();
        var corpus = new HybridMatcher(new MatchingOptions()).Index(entries);
        var item = new InterestItem("moe", "sparse experts") { Vector = SyntheticVectors.RandomUnit(random, Dimensions) };
        var all = new ScoreSheet();
        var prefix = new ScoreSheet();

        corpus.Score([item], all);
        corpus.Score([item with { Label = "other" }, item], prefix, limit: 40); // a different first item keeps the cache out of it

        Assert.Equal(all.Bars[0], prefix.Bars[1], 4);
        for (var doc = 0; doc < 40; doc++)
        {
            Assert.Equal(all.Score[doc], prefix.Score[doc], 4);
        }

        Assert.All(Enumerable.Range(40, 260), doc => Assert.Equal(-1, prefix.Item[doc]));
    }

    [Fact]
    public void OverALargeSpan_TheSampledBar_IsCloseToTheBarOverEveryEntry()
    {
        var random = new Random(11);
        var entries = Enumerable.Range(0, 9_000).Select(i => Entry(i, "title", SyntheticVectors.RandomUnit(random, Dimensions))).ToList();
        var options = new MatchingOptions { Mode = MatchingMode.Semantic, SemanticFloor = -1, SemanticCeiling = 1 };
        var corpus = new HybridMatcher(options).Index(entries);
        var item = new InterestItem("x", "x") { Vector = SyntheticVectors.RandomUnit(random, Dimensions) };

        var ranked = corpus.Rank([item]);

        // Every entry scores above 0 with this floor, so the ranking holds all 9,000 scores.
        Assert.Equal(9_000, ranked.Count);
        var scores = ranked.Select(m => m.Score).ToList();
        var mean = scores.Average();
        var deviation = Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / (scores.Count - 1));
        Assert.Equal(mean + (options.BarDeviations * deviation), ranked[0].Bar, 2);
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
