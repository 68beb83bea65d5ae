using System.Text.Json;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// The two ways the old thresholds broke the product's promise, replayed on the digest path with the
/// real seed papers (<c>../shared/data/seed-papers.jsonl</c> beside the repository, as CI lays it out;
/// never copied into it): a focused interest on a window full of on-topic papers, and a broad one.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SeedPapersDigestTests
{
    private const string ContinualPretraining = "continual pre-training of language models on new domains";

    [Fact]
    public async Task AFocusedInterest_GetsBothNewPapersSquarelyOnIt_InTheNextDigest_ThoughMuchOfTheWindowIsOnTopic()
    {
        var papers = SeedPapers();
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("focused@example.org", [], ContinualPretraining);
        await DigestDeliveryTests.PostEntriesAsync(app, [.. papers[..40].Cast<object>()]);
        await DigestDeliveryTests.RunAsync(app, seconds: 60);
        var first = Assert.Single(DigestDeliveryTests.Digests(app, "focused@example.org"));
        Assert.Contains("Investigating Continual Pretraining in Large Language Models", first.TextBody, StringComparison.Ordinal);

        await DigestDeliveryTests.PostEntriesAsync(app, [.. papers[40..].Cast<object>()]);
        await DigestDeliveryTests.RunAsync(app, seconds: 60);

        var next = DigestDeliveryTests.Digests(app, "focused@example.org");
        Assert.Equal(2, next.Count);
        var text = Flatten(next[1].TextBody);
        Assert.Contains(TitleOf(papers, "Simple and Scalable Strategies to Continually Pre-train"), text, StringComparison.Ordinal);
        Assert.Contains(TitleOf(papers, "Mix-CPT"), text, StringComparison.Ordinal);
        Assert.Contains($"Matches your interest “{ContinualPretraining}”", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Investigating Continual Pretraining", text, StringComparison.Ordinal); // sent once, never again
    }

    [Fact]
    public async Task ABroadInterest_OnAWindowWhereEveryPaperIsAboutIt_StillGetsADigestOfItsBest()
    {
        var papers = SeedPapers();
        await using var app = await TestApp.StartAsync();
        foreach (var name in new[] { "one", "two", "three" })
        {
            await app.SubscribeAndConfirmAsync($"{name}@example.org", [], "language models");
        }

        await DigestDeliveryTests.PostEntriesAsync(app, [.. papers.Cast<object>()]);

        var run = await DigestDeliveryTests.RunAsync(app, seconds: 60);

        Assert.Equal((3, 0), (run.GetProperty("sent").GetInt32(), run.GetProperty("skipped").GetInt32()));
        foreach (var name in new[] { "one", "two", "three" })
        {
            var digest = Assert.Single(DigestDeliveryTests.Digests(app, $"{name}@example.org"));
            var picks = System.Text.RegularExpressions.Regex.Count(digest.TextBody ?? "", "Matches your interest “language models”");
            // A full digest of the best, capped at Digest:MaxEntries (10), not all 53 papers and not none.
            Assert.InRange(picks, 5, 10);
        }
    }

    /// <summary>The seed papers, as the entries API takes them.</summary>
    private static JsonElement[] SeedPapers()
    {
        var path = Path.Combine(RepositoryRoot(), "..", "shared", "data", "seed-papers.jsonl");
        Assert.True(File.Exists(path), $"The seed papers are read from {Path.GetFullPath(path)} (shared/ beside the repository, as CI lays it out).");
        return File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
    }

    private static string TitleOf(JsonElement[] papers, string start)
    {
        var title = papers.Select(p => p.GetProperty("title").GetString()!).Single(t => t.StartsWith(start, StringComparison.Ordinal));
        return Flatten(title);
    }

    /// <summary>Titles wrap in the plain-text part: compare with every run of whitespace as one space.</summary>
    private static string Flatten(string? text) => System.Text.RegularExpressions.Regex.Replace(text ?? "", @"\s+", " ");

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Newsletter.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Newsletter.sln not found above the test binaries.");
    }
}
