using System.Text.Json;
using Newsletter.Matching;

namespace Newsletter.Tests.Matching;

/// <summary>In the app collection because it captures Console.Out, which apps starting in parallel also write to.</summary>
[Collection(Newsletter.Tests.Infrastructure.AppCollection.Name)]
public sealed class MatchVerbTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));

    public MatchVerbTests() => Directory.CreateDirectory(folder);

    [Fact]
    public async Task Match_PrintsOneJsonLinePerInterest_InInputOrder_BestFirst_WithTheIdsAsGiven_TitlesAndWouldSend()
    {
        var entries = Path.Combine(folder, "entries.jsonl");
        await File.WriteAllLinesAsync(entries,
        [
            """{"id": "2501.00001v2", "title": "Speculative decoding for cheaper inference", "abstract": "Draft models propose tokens."}""",
            """{"id": "blog-7", "title": "Mixture of experts explained", "abstract": "Sparse experts and routing."}""",
            """{"id": "x", "title": ""}""",
            """{"url": "https://example.org/moe", "title": "Scaling mixture of experts", "abstract": "Experts, experts, experts."}""",
        ]);
        var interests = Path.Combine(folder, "interests.txt");
        await File.WriteAllLinesAsync(interests, ["mixture of experts", "", "speculative decoding", "protein folding"]);

        var (code, output) = await RunAsync(["--entries", entries, "--interests", interests, "--top", "1"]);

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["mixture of experts", "speculative decoding", "protein folding"], lines.Select(l => l.GetProperty("interest").GetString()));
        var moe = Assert.Single(lines[0].GetProperty("results").EnumerateArray());
        Assert.Equal("https://example.org/moe", moe.GetProperty("id").GetString());
        Assert.Equal("Scaling mixture of experts", moe.GetProperty("title").GetString());
        Assert.Contains("experts", moe.GetProperty("why").GetString(), StringComparison.Ordinal);
        Assert.True(moe.GetProperty("wouldSend").GetBoolean());
        Assert.Equal("2501.00001v2", lines[1].GetProperty("results")[0].GetProperty("id").GetString());
        Assert.True(lines[1].GetProperty("results")[0].GetProperty("wouldSend").GetBoolean());
        // The ranking is shown whatever the threshold, cut at --top; nothing about protein folding would be sent.
        var folding = Assert.Single(lines[2].GetProperty("results").EnumerateArray());
        Assert.False(folding.GetProperty("wouldSend").GetBoolean());
    }

    [Fact]
    public async Task Match_AsATable_ShowsRankScoreSendIdAndTitle_PerInterest()
    {
        var entries = Path.Combine(folder, "entries.jsonl");
        await File.WriteAllLinesAsync(entries,
        [
            """{"id": "a", "title": "Speculative decoding for cheaper inference", "abstract": "Draft models propose tokens that a large model verifies."}""",
            """{"id": "b", "title": "Soil moisture from radar", "abstract": "Satellites measure water in fields."}""",
        ]);
        var interests = Path.Combine(folder, "interests.txt");
        await File.WriteAllLinesAsync(interests, ["speculative decoding"]);

        var (code, output) = await RunAsync(["--entries", entries, "--interests", interests, "--format", "table"]);

        Assert.Equal(0, code);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("speculative decoding: 1 of the 2 entries would be sent; the best 2:", rows[0]);
        Assert.Matches(@"^\s+1\s+\d\.\d\d\s+yes\s+a\s+Speculative decoding for cheaper inference\s+matches: speculative, decoding", rows[2]);
        Assert.Matches(@"^\s+2\s+\d\.\d\d\s+b\s+Soil moisture from radar\s", rows[3]);
    }

    [Fact]
    public async Task Match_WithAnUnknownFormat_PrintsUsage_AndFails()
    {
        var (code, _) = await RunAsync(["--entries", "x.jsonl", "--interests", "y.txt", "--format", "xml"]);
        Assert.Equal(2, code);
    }

    [Fact]
    public async Task Match_WithoutItsOptions_PrintsUsage_AndFails()
    {
        var (code, _) = await RunAsync(["--entries", "x.jsonl"]);
        Assert.Equal(2, code);
    }

    private static async Task<(int Code, string Output)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var (originalOut, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(new StringWriter());
        try
        {
            return (await MatchVerb.RunAsync(args), output.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
