using Newsletter.Matching;
using Newsletter.Matching.Embeddings;
using Newsletter.Matching.Glossary;

namespace Newsletter.Tests.Matching;

/// <summary>The real all-MiniLM-L6-v2 model on a small corpus written for these tests, embedded once for the class.</summary>
public sealed class HybridMatchingTests(HybridMatchingTests.EmbeddedCorpus corpus) : IClassFixture<HybridMatchingTests.EmbeddedCorpus>
{
    private const long Quantisation = 1;
    private const long Distillation = 2;
    private const long CheaperLabels = 3;

    public sealed class EmbeddedCorpus
    {
        public EmbeddedCorpus()
        {
            MatchableEntry[] entries =
            [
                // Says what "making inference cheaper" means without one of its words.
                new(Quantisation, "Lowering the cost of running neural networks", "We quantise weights to four bits, so predictions need a quarter of the memory and arrive twice as fast, cutting the latency and expense of serving a model."),
                // Knowledge distillation, never abbreviated.
                new(Distillation, "Teaching a small student network to mimic a large teacher", "A compact student is trained on the softened output probabilities of a large teacher network. This knowledge distillation keeps most of the teacher's accuracy at a tenth of its size."),
                // Shares "cheaper" with the paraphrase query and nothing of its meaning.
                new(CheaperLabels, "Cheaper labels for medical images", "Active learning picks which scans a radiologist should annotate next, halving the annotation budget for a tumour segmentation dataset."),
                new(4, "Predicting protein structure from sequence alone", "A network reads an amino acid sequence and predicts the folded three-dimensional structure, evaluated on newly solved crystal structures."),
                new(5, "Classifying galaxy shapes in telescope images", "A convolutional network sorts galaxies into spirals, ellipticals and mergers from survey images, trained on volunteer labels."),
                new(6, "Speech recognition for languages with little data", "We adapt a multilingual acoustic model to twelve languages with under ten hours of transcribed speech each."),
                new(7, "Learning to grasp unfamiliar objects", "A robot arm learns grasping from trial and error in simulation and transfers the policy to a real gripper."),
                new(8, "A benchmark of programming puzzles", "We collect two thousand programming puzzles with hidden tests and measure how often language models write passing solutions."),
            ];
            var vectors = Embedder.Embed(entries.Select(e => EmbeddingText.ForEntry(e.Title, e.Abstract)).ToList());
            Entries = entries.Select((e, i) => e with { Vector = vectors[i] }).ToList();
        }

        public MiniLmEmbedder Embedder { get; } = new();

        public IReadOnlyList<MatchableEntry> Entries { get; }
    }

    private async Task<IReadOnlyList<EntryMatch>> RankAsync(string interest, MatchingMode mode)
    {
        var options = new MatchingOptions { Mode = mode };
        var preparation = new InterestPreparation(Glossary.BuiltIn, new DirectVectorSource(corpus.Embedder), options);
        var item = (await preparation.PrepareAsync([new InterestItem(interest, interest)]))[0];
        return new HybridMatcher(options).Index(corpus.Entries).Rank([item]);
    }

    [Fact]
    public async Task AParaphraseSharingNoWord_RanksTheRightEntryFirst_InHybridMode_WhereKeywordsAloneMissIt()
    {
        var hybrid = await RankAsync("making inference cheaper", MatchingMode.Hybrid);
        var lexical = await RankAsync("making inference cheaper", MatchingMode.Lexical);

        Assert.Equal(Quantisation, hybrid[0].Entry.Id);
        Assert.Equal(0, hybrid[0].Lexical);
        Assert.True(hybrid[0].Semantic > 0);
        Assert.DoesNotContain(lexical, m => m.Entry.Id == Quantisation);
        Assert.Equal(CheaperLabels, lexical[0].Entry.Id);
    }

    [Fact]
    public async Task AnAcronymTheEntryNeverWrites_FindsItThroughTheGlossary_InHybridMode()
    {
        Assert.DoesNotContain(corpus.Entries, e => $"{e.Title} {e.Abstract}".Contains("KD", StringComparison.OrdinalIgnoreCase));

        var hybrid = await RankAsync("KD", MatchingMode.Hybrid);

        Assert.Equal(Distillation, hybrid[0].Entry.Id);
        Assert.True(hybrid[0].Lexical > 0, "the glossary's wording \"knowledge distillation\" matches by keywords");
        Assert.True(hybrid[0].Semantic > 0.5, $"the embedding of \"knowledge distillation (KD)\" is close: {hybrid[0].Semantic}");
        Assert.True(hybrid[0].Score > 2 * hybrid[1].Score, $"first {hybrid[0].Score}, second {hybrid[1].Score}");
    }

    [Fact]
    public async Task WithoutTheGlossary_AnAcronymTheEntryNeverWrites_IsNotFoundByKeywords()
    {
        var options = new MatchingOptions { Mode = MatchingMode.Lexical };
        var item = new InterestPreparation(Glossary.Parse("", "none"), null, options).Expand([new InterestItem("KD", "KD")])[0];

        var ranked = new HybridMatcher(options).Index(corpus.Entries).Rank([item]);

        Assert.Empty(ranked);
        Assert.Equal(Distillation, (await RankAsync("KD", MatchingMode.Lexical))[0].Entry.Id);
    }

    [Fact]
    public void TheEmbedder_Returns384DimensionalUnitVectors_TheSameOnesForTheSameText()
    {
        string[] texts = ["Sparse attention for long documents.", "Sparse attention for long documents.", "A study of bird migration routes."];

        var vectors = corpus.Embedder.Embed(texts);
        var again = corpus.Embedder.Embed([texts[0]]);

        Assert.Equal(384, corpus.Embedder.Dimensions);
        Assert.Equal(3, vectors.Length);
        Assert.All(vectors, v =>
        {
            Assert.Equal(384, v.Length);
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 3);
        });
        Assert.Equal(vectors[0], vectors[1]);
        Assert.Equal(vectors[0], again[0]);
        Assert.True(VectorMath.Dot(vectors[0], vectors[2]) < 0.5);
    }

    [Fact]
    public void TheEmbedder_GivesAVectorForEmptyText_AndNothingForNoTexts()
    {
        Assert.Empty(corpus.Embedder.Embed([]));
        Assert.Equal(384, Assert.Single(corpus.Embedder.Embed([""])).Length);
    }

    [Fact]
    public void Truncate_KeepsAtMost180Words_TheFirstOnes()
    {
        var words = Enumerable.Range(0, 400).Select(i => $"w{i}").ToList();

        var truncated = EmbeddingText.Truncate(string.Join("  \n", words)).Split(' ');

        Assert.Equal(180, EmbeddingText.MaxWords);
        Assert.Equal(words.Take(180), truncated);
        Assert.Equal("a short abstract", EmbeddingText.Truncate(" a  short\tabstract "));
    }

    [Fact]
    public void ForEntry_ReadsTheTitleThenTheAbstract_Within180Words()
    {
        var text = EmbeddingText.ForEntry(" A title ", string.Join(' ', Enumerable.Repeat("word", 300)));

        Assert.StartsWith("A title. word word", text, StringComparison.Ordinal);
        Assert.Equal(180, text.Split(' ').Length);
    }
}
