using Newsletter.Matching.Evaluation;

namespace Newsletter.Tests.Matching;

/// <summary><c>eval --entries F --labels L</c> on an operator's own files: what it measures, and what it refuses.</summary>
[Collection(Newsletter.Tests.Infrastructure.AppCollection.Name)]
public sealed class EvalFilesTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));

    public EvalFilesTests() => Directory.CreateDirectory(folder);

    private static readonly string[] Entries =
    [
        """{"id": "p1", "title": "Speculative decoding with a small draft model", "abstract": "A draft model proposes tokens and the large model verifies them in one pass."}""",
        """{"id": "p2", "title": "Soil moisture from satellite radar", "abstract": "Radar backscatter estimates water content in farmland."}""",
        """{"id": "p3", "title": "Faster sampling from language models by guessing ahead", "abstract": "Several future tokens are proposed cheaply and accepted when the big model agrees."}""",
        """{"id": "p4", "title": "Coral reef bleaching surveys", "abstract": "Divers counted bleached colonies along ten transects."}""",
    ];

    private async Task<(int Code, string Output, string Error)> EvalAsync(string labels, string[]? entries = null, params string[] extra)
    {
        var entriesPath = Path.Combine(folder, "entries.jsonl");
        var labelsPath = Path.Combine(folder, "labels.json");
        await File.WriteAllLinesAsync(entriesPath, entries ?? Entries);
        await File.WriteAllTextAsync(labelsPath, labels);
        return await VerbConsole.RunAsync(() => EvalVerb.RunAsync(["--entries", entriesPath, "--labels", labelsPath, .. extra]));
    }

    [Fact]
    public async Task OnAnOperatorsFiles_EvalReportsEveryMatcher_ForTheirInterests()
    {
        var (code, output, _) = await EvalAsync("""
            [
              {"id": "spec", "interest": "speculative decoding", "kind": "method", "judgements": {"p1": 2, "p3": 1}},
              {"interest": "remote sensing of farmland", "judgements": {"p2": 2}}
            ]
            """);

        Assert.Equal(0, code);
        Assert.Contains("labels: 2 interests (1 method, 1 interest) over 4 entries", output, StringComparison.Ordinal);
        Assert.Contains("Hybrid (the default)", output, StringComparison.Ordinal);
        Assert.Contains("Digest:Threshold on the hybrid score, labels, interests (the labels mark none \"tuning\") (2)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Simulated reader", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calibrate_PrintsEveryModelAndAThreshold_AsSettings()
    {
        var (code, output, _) = await EvalAsync("""
            [{"id": "spec", "interest": "speculative decoding", "split": "tuning", "judgements": {"p1": 2, "p3": 2}}]
            """, null, "--calibrate");

        Assert.Equal(0, code);
        foreach (var model in new[] { "Hybrid", "HybridNoStanding", "Semantic", "SemanticNoStanding", "Lexical" })
        {
            Assert.Matches($"--Matching:Calibration:{model} \"-?[0-9.]+ -?[0-9.]+ -?[0-9.]+ -?[0-9.]+\"", output);
        }

        Assert.Matches(@"--Digest:Threshold 0\.\d\d", output);
    }

    [Theory]
    [InlineData("""[{"interest": "x", "judgements": {"p9": 2}}]""", "labels.json:1: interest 1 (\"x\"): judges \"p9\", which is not an id in the entries.")]
    [InlineData("[\n  {\"interest\": \"a\", \"judgements\": {\"p1\": 2}},\n  {\"interest\": \"b\", \"judgements\": {\"p2\": 0}}\n]", "labels.json:3: interest 2 (\"b\"): no entry is judged relevant")]
    [InlineData("""[{"interest": "a", "judgements": {"p1": 7}}]""", "the grade of \"p1\" must be a whole number from 0 to 3 (got 7)")]
    [InlineData("""[{"judgements": {"p1": 2}}]""", "\"interest\" (the interest's text) is required")]
    [InlineData("""[{"interest": "a", "split": "train", "judgements": {"p1": 2}}]""", "\"split\" must be \"tuning\" or \"held-out\"")]
    [InlineData("""{"interest": "a"}""", "labels.json:1: expected a JSON array of interests")]
    [InlineData("[\n  {\"interest\": \"a\", \"judgements\": {\"p1\": 2}},\n  {\"interest\": ", "labels.json:3: not valid JSON")]
    [InlineData("[]", "labels.json: no interests")]
    [InlineData("[\n  {\"interest\": \"a\\ud800\", \"judgements\": {\"p1\": 2}}\n]", "labels.json:2: interest 1 holds text that is not valid Unicode")]
    [InlineData("[\n  {\"interest\": \"a\",\n   \"judgements\": {\"p1\": 2}},\n  {\"interest\": \"b\",\n   \"judgements\": {\"p1\": 2,}}\n]", "labels.json:5: not valid JSON")]
    public async Task ABadLabelsFile_IsRefused_WithItsLineAndReason(string labels, string expected)
    {
        var (code, output, error) = await EvalAsync(labels);

        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task ALabelsFile_WithAByteOrderMarkAndComments_IsRead()
    {
        var (code, output, error) = await EvalAsync("\uFEFF" + """
            // written in an editor that adds a byte-order mark
            [
              {"interest": "speculative decoding", /* the method */ "judgements": {"p1": 2, "p3": 1}}
            ]
            """);

        Assert.True(code == 0, error);
        Assert.Contains("labels: 1 interests", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEntryWithTextThatIsNotUnicode_IsRefused_WithItsLine()
    {
        var (code, _, error) = await EvalAsync("""[{"interest": "a", "judgements": {"p1": 2}}]""", [Entries[0], """{"id": "p2", "title": "broken \ud800 title"}"""]);

        Assert.Equal(1, code);
        Assert.Contains("entries.jsonl:2: the entry holds text that is not valid Unicode", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calibrate_WithoutEmbeddings_KeepsTheModelsItCannotFit_AndSaysSo()
    {
        var (code, output, _) = await EvalAsync("""
            [{"interest": "speculative decoding", "split": "tuning", "judgements": {"p1": 2, "p3": 2}}]
            """, null, "--calibrate", "--Matching:Mode", "Lexical");

        Assert.Equal(0, code);
        Assert.Contains($"--Matching:Calibration:Hybrid \"{new Newsletter.Matching.CalibrationOptions().Hybrid}\"    (not fitted", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Lexical \"-3.553 0 7.343 0\"    (not fitted", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyEntriesFile_IsRefused_AndSaysSo()
    {
        var (code, output, error) = await EvalAsync("""[{"interest": "a", "judgements": {"p1": 2}}]""", []);

        Assert.Equal(1, code);
        Assert.Contains("entries.jsonl: the file holds no entries", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task EntriesWithARepeatedId_AreRefused_SinceLabelsCouldNotTellThemApart()
    {
        var (code, _, error) = await EvalAsync("""[{"interest": "a", "judgements": {"p1": 2}}]""", [Entries[0], Entries[0]]);

        Assert.Equal(1, code);
        Assert.Contains("entries.jsonl:2: the id \"p1\" was already used on line 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_WithAnEntriesFileThatDoesNotExist_Returns2_AndSaysSo()
    {
        var missing = Path.Combine(folder, "missing.jsonl");
        var labels = Path.Combine(folder, "labels.json");
        await File.WriteAllTextAsync(labels, "[]");

        var (code, output, error) = await VerbConsole.RunAsync(() => EvalVerb.RunAsync(["--entries", missing, "--labels", labels]));

        Assert.Equal(2, code);
        Assert.Contains(missing, error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
