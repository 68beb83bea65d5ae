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
    public async Task Match_PrintsOneJsonLinePerInterest_InInputOrder_BestFirst_WithTheIdsAsGiven()
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
        Assert.Contains("experts", moe.GetProperty("why").GetString(), StringComparison.Ordinal);
        Assert.Equal("2501.00001v2", lines[1].GetProperty("results")[0].GetProperty("id").GetString());
        Assert.Equal(0, lines[2].GetProperty("results").GetArrayLength());
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
