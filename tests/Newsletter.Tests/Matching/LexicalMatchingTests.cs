using Newsletter.Matching;

namespace Newsletter.Tests.Matching;

public sealed class LexicalMatchingTests
{
    // A small corpus written for these tests: each entry is plainly about one thing.
    private static readonly MatchableEntry[] Entries =
    [
        new(1, "Retrieval-augmented generation with dense passage retrievers", "We retrieve passages from a large corpus and condition generation on them, improving factual accuracy of answers."),
        new(2, "Speculative decoding makes inference cheaper", "A small draft model proposes tokens that a large model verifies, cutting inference latency and cost."),
        new(3, "Mixture-of-experts routing at scale", "Sparse experts with learned routing let models grow parameters without growing compute per token."),
        new(4, "A benchmark for code generation", "We evaluate language models on writing programs from docstrings and report pass rates on unit tests."),
        new(5, "Long-context evaluation with needle in a haystack", "We test whether models retrieve a fact hidden in very long contexts of up to a million tokens."),
    ];

    private static IMatchingCorpus Corpus() => new HybridMatcher(new MatchingOptions { Mode = MatchingMode.Lexical }).Index(Entries);

    [Theory]
    [InlineData("retrieval augmented generation", 1)]
    [InlineData("speculative decoding", 2)]
    [InlineData("mixture of experts", 3)]
    [InlineData("code generation benchmarks", 4)]
    [InlineData("long context", 5)]
    public void TheEntryAboutAnInterest_RanksFirst(string interest, long expected) =>
        Assert.Equal(expected, Corpus().Rank([new InterestItem(interest, interest)])[0].Entry.Id);

    [Fact]
    public void AnEntrysScore_IsItsBestOverTheItems_AndNamesTheItemThatWon()
    {
        var items = new[] { new InterestItem("Efficient inference", "inference latency cost decoding"), new InterestItem("Code", "programs docstrings unit tests") };

        var ranked = Corpus().Rank(items);

        Assert.Equal("Efficient inference", ranked.Single(m => m.Entry.Id == 2).Item.Label);
        Assert.Equal("Code", ranked.Single(m => m.Entry.Id == 4).Item.Label);
        var alone = Corpus().Rank([items[0]]).Single(m => m.Entry.Id == 2).Score;
        Assert.Equal(alone, ranked.Single(m => m.Entry.Id == 2).Score);
    }

    [Fact]
    public void Scores_ShortAndLongQueries_ShareOneScaleFromZeroToOne()
    {
        var shortQuery = Corpus().Rank([new InterestItem("s", "speculative decoding")])[0].Score;
        var longQuery = Corpus().Rank([new InterestItem("l", "speculative decoding draft model verifies tokens latency cost inference cheaper small large")])[0].Score;

        Assert.InRange(shortQuery, 0.3, 1.0);
        Assert.InRange(longQuery, 0.3, 1.0);
    }

    [Fact]
    public void OneCorpus_ScoresTheSameQueryExpandedDifferently_AsDifferentItems()
    {
        var corpus = new HybridMatcher(new MatchingOptions { Mode = MatchingMode.Lexical }).Index(
            [new(1, "Knowledge distillation for small students", "A teacher model trains a student.")]);
        var plain = new InterestItem("KD", "KD");
        var expanded = plain with { Wordings = ["KD", "knowledge distillation"] };

        Assert.Empty(corpus.Rank([plain]));
        Assert.Equal(1, Assert.Single(corpus.Rank([expanded])).Entry.Id);
    }

    [Fact]
    public void AnInterestNothingMentions_MatchesNothing() =>
        Assert.Empty(Corpus().Rank([new InterestItem("x", "protein folding crystallography")]));

    [Fact]
    public void Results_AreBestFirst_AndExplainedInTheInterestsOwnWords()
    {
        var item = new InterestItem("rag", "retrieval of passages");
        var ranked = Corpus().Rank([item]);

        Assert.Equal(ranked.OrderByDescending(m => m.Score).Select(m => m.Entry.Id), ranked.Select(m => m.Entry.Id));
        Assert.Equal(["retrieval", "passages"], MatchExplanation.Words(item, ranked[0].Entry));
    }

    [Theory]
    [InlineData("models", "model")]
    [InlineData("retrieval", "retrieval")]
    [InlineData("learning", "learn")]
    [InlineData("DPO", "dpo")]
    [InlineData("the", null)]
    public void Tokenizer_StemsInflections_KeepsAcronyms_DropsStopWords(string word, string? term) =>
        Assert.Equal(term is null ? [] : [term], Tokenizer.Terms(word));
}
