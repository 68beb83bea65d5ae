using System.Globalization;
using System.Text.RegularExpressions;
using Newsletter.Matching.Evaluation;

namespace Newsletter.Tests.Matching;

/// <summary>The eval verb on the built-in relevance set, run once for the class (it embeds 240 entries). In the app collection because it captures the console.</summary>
[Collection(Newsletter.Tests.Infrastructure.AppCollection.Name)]
public sealed partial class EvalVerbTests(EvalVerbTests.BuiltInRun run) : IClassFixture<EvalVerbTests.BuiltInRun>
{
    private const string Bm25Alone = "BM25 alone (no glossary)";
    private const string EmbeddingsAlone = "Embeddings alone (no glossary)";
    private const string DefaultBlend = "Hybrid, blend 0.4/0.6";

    public sealed partial class BuiltInRun : IAsyncLifetime
    {
        public int Code { get; private set; }

        public string Output { get; private set; } = "";

        /// <summary>Matcher name to its nDCG@10, P@5 and R@10.</summary>
        public Dictionary<string, (double Ndcg, double P5, double R10)> Matchers { get; } = [];

        /// <summary>Simulated reader row to its four (P, R, n) columns: digest 1, digest 3, digest 10, digests 8-12.</summary>
        public Dictionary<string, List<(double P, double R, double N)>> Readers { get; } = [];

        public async Task InitializeAsync()
        {
            (Code, Output, _) = await VerbConsole.RunAsync(() => EvalVerb.RunAsync([]));
            foreach (var line in Output.Split('\n'))
            {
                if (MatcherRow().Match(line) is { Success: true } m)
                {
                    Matchers[m.Groups["name"].Value] = (Number(m.Groups["ndcg"]), Number(m.Groups["p5"]), Number(m.Groups["r10"]));
                }
                else if (ReaderRow().Match(line) is { Success: true } r)
                {
                    Readers[r.Groups["name"].Value] = ReaderColumn().Matches(line).Select(c => (Number(c.Groups["p"]), Number(c.Groups["r"]), Number(c.Groups["n"]))).ToList();
                }
            }
        }

        public Task DisposeAsync() => Task.CompletedTask;

        private static double Number(Group group) => double.Parse(group.Value.Replace(',', '.'), CultureInfo.InvariantCulture);

        [GeneratedRegex(@"^(?<name>\S.*?)\s+(?<ndcg>\d+[.,]\d{3})\s+(?<p5>\d+[.,]\d{3})\s+(?<r10>\d+[.,]\d{3})\s")]
        private static partial Regex MatcherRow();

        [GeneratedRegex(@"^(?<name>stated interest only|learning from ratings)\s")]
        private static partial Regex ReaderRow();

        [GeneratedRegex(@"P (?<p>\d+\.\d+) R (?<r>\d+\.\d+) n (?<n>\d+\.\d+)")]
        private static partial Regex ReaderColumn();
    }

    [Fact]
    public void Eval_PrintsTheSixMatcherRows_AndTheTwoSimulatedReaderRowsOfFourColumns()
    {
        Assert.Equal(0, run.Code);
        Assert.Equal(
            [Bm25Alone, "BM25 + glossary", EmbeddingsAlone, "Embeddings + glossary", "Hybrid, reciprocal rank fusion", DefaultBlend],
            run.Matchers.Keys);
        Assert.All(run.Matchers.Values, m =>
        {
            Assert.InRange(m.Ndcg, 0, 1);
            Assert.InRange(m.P5, 0, 1);
            Assert.InRange(m.R10, 0, 1);
        });
        Assert.Equal(["stated interest only", "learning from ratings"], run.Readers.Keys);
        Assert.All(run.Readers.Values, columns => Assert.Equal(4, columns.Count));
    }

    [Fact]
    public void TheDefaultBlend_BeatsBm25AloneByAtLeastATenthOfNdcg()
    {
        var blend = run.Matchers[DefaultBlend].Ndcg;
        var bm25 = run.Matchers[Bm25Alone].Ndcg;

        Assert.True(blend - bm25 >= 0.1, $"blend nDCG@10 {blend}, BM25 alone {bm25}");
    }

    [Fact]
    public void TheDefaultBlend_BeatsEmbeddingsAlone()
    {
        var blend = run.Matchers[DefaultBlend].Ndcg;
        var embeddings = run.Matchers[EmbeddingsAlone].Ndcg;

        Assert.True(blend > embeddings, $"blend nDCG@10 {blend}, embeddings alone {embeddings}");
    }

    [Fact]
    public void TheGlossary_ImprovesBothBm25AndEmbeddings()
    {
        Assert.True(run.Matchers["BM25 + glossary"].Ndcg > run.Matchers[Bm25Alone].Ndcg);
        Assert.True(run.Matchers["Embeddings + glossary"].Ndcg > run.Matchers[EmbeddingsAlone].Ndcg);
    }

    [Fact]
    public void TheSimulatedReader_GetsMorePreciseDigestsByDigests8To12_WhenLearningFromRatings()
    {
        var learning = run.Readers["learning from ratings"][3].P;
        var stated = run.Readers["stated interest only"][3].P;

        Assert.True(learning > stated, $"digests 8-12 precision: learning {learning}, stated interest only {stated}");
    }

    [Fact]
    public void TheSimulatedReader_GetsTheSameFirstDigest_WithOrWithoutLearning_SinceNothingIsRatedYet() =>
        Assert.Equal(run.Readers["stated interest only"][0], run.Readers["learning from ratings"][0]);

    [Fact]
    public async Task Eval_WithASetFolderThatDoesNotExist_Returns2_AndSaysSo()
    {
        var missing = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));

        var (code, output, error) = await VerbConsole.RunAsync(() => EvalVerb.RunAsync(["--set", missing]));

        Assert.Equal(2, code);
        Assert.Contains(missing, error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }
}
