using System.Net;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Delivery;

/// <summary>The relevance engine inside the running service: vectors made after ingestion, interests embedded before planning, thumbs learned and forgotten.</summary>
[Collection(AppCollection.Name)]
public sealed class RelevanceDeliveryTests
{
    [Fact]
    public async Task PostedEntries_GetTheirVectorsInTheBackground_AndANewVersionGetsANewOne()
    {
        await using var app = await TestApp.StartAsync();
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        await WaitUntilAsync(() => app.CountRows("entry_embeddings") == DigestTestData.FirstDay.Length, "every entry has a vector");
        var before = VectorOf(app, "2601.00004");
        Assert.Equal(768, before.Length); // 384 half-precision floats

        await DigestDeliveryTests.PostEntriesAsync(app,
        [
            new { id = "2601.00004v2", title = "Sparse mixture of experts routing", @abstract = "A new version about protein folding in cells, nothing like the first.", upvotes = 12 },
        ]);

        await WaitUntilAsync(() => app.CountRows("entry_embeddings") == DigestTestData.FirstDay.Length && !VectorOf(app, "2601.00004").SequenceEqual(before), "the new version has its own vector");
    }

    [Fact]
    public async Task AnAcronymInterest_FindsThePaperThatOnlySpellsItOut_AndTheReasonNamesTheInterest()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("short@example.org", [], "KD");
        await DigestDeliveryTests.PostEntriesAsync(app,
        [
            .. DigestTestData.FirstDay,
            new { id = "2601.00010", title = "Teaching a small student network with a large teacher", @abstract = "We study knowledge distillation: a compact student matches the softened outputs of a large teacher model and keeps most of its accuracy.", upvotes = 1 },
        ]);

        await DigestDeliveryTests.RunAsync(app);

        var digest = Assert.Single(DigestDeliveryTests.Digests(app, "short@example.org"));
        Assert.Contains("Teaching a small student network", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("Matches your interest “KD”", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Protein structure", digest.TextBody, StringComparison.Ordinal);
        // The interest was embedded once, spelled out, before the run planned.
        Assert.Equal(1, app.CountRows("text_embeddings WHERE text = 'knowledge distillation (KD)'"));
    }

    [Fact]
    public async Task ConfirmingAndChangingInterests_EmbedsThemAtOnce_NotWhenADigestIsPlanned()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("early@example.org", [], "RLHF");
        await WaitUntilAsync(() => app.CountRows("text_embeddings WHERE text = 'reinforcement learning from human feedback (RLHF)'") == 1, "the confirmed interest is embedded");

        var path = new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath;
        using var browser = app.NewClient(cookies: true);
        var form = await browser.GetStringAsync(path);
        var saved = await browser.PostAsync(path, new FormUrlEncodedContent(
        [
            new("__antiforgery", TestApp.AntiforgeryToken(form)), new("interests", "sparse autoencoders"),
            new("frequency", "daily"), new("delivery_hour", "8"), new("time_zone", "UTC"),
        ]));
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);

        await WaitUntilAsync(() => app.CountRows("text_embeddings WHERE text = 'sparse autoencoders'") == 1, "the changed interest is embedded");
    }

    [Fact]
    public async Task Thumbs_ShowOnThePreferencesPage_AndResettingForgetsThem()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("rater@example.org", ["code-models"]);
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        await DigestDeliveryTests.RunAsync(app);
        var up = new Uri(System.Text.RegularExpressions.Regex.Match(DigestDeliveryTests.Digests(app, "rater@example.org")[0].TextBody ?? "", @"More like this:\s+(\S+)").Groups[1].Value);
        var entry = System.Web.HttpUtility.ParseQueryString(up.Query)["entry"]!;
        (await app.Client.PostAsync(up.AbsolutePath, new FormUrlEncodedContent([new("entry", entry), new("vote", "up")]))).EnsureSuccessStatusCode();

        var path = new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath;
        using var browser = app.NewClient(cookies: true);
        var page = await browser.GetStringAsync(path);
        Assert.Contains("What we have learned", page, StringComparison.Ordinal);
        Assert.Contains("You rated up (1)", page, StringComparison.Ordinal);
        Assert.Contains("Entries close to ones you liked move up", page, StringComparison.Ordinal);

        var withoutToken = await browser.PostAsync($"{path}/learning/reset", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(1, app.CountRows("feedback"));

        var reset = await browser.PostAsync($"{path}/learning/reset", new FormUrlEncodedContent([new("__antiforgery", TestApp.AntiforgeryToken(page))]));

        Assert.Equal(HttpStatusCode.SeeOther, reset.StatusCode);
        Assert.Equal(0, app.CountRows("feedback"));
        var after = await browser.GetStringAsync(reset.Headers.Location!.ToString());
        Assert.Contains("everything learned from your ratings is forgotten", after, StringComparison.Ordinal);
        Assert.Contains("Nothing yet.", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InLexicalMode_NoModelRuns_AndDigestsStillGoOut()
    {
        await using var app = await TestApp.StartAsync(new() { ["Matching:Mode"] = "Lexical" });
        await app.SubscribeAndConfirmAsync("keywords@example.org", ["code-models"]);
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);

        await DigestDeliveryTests.RunAsync(app);

        var digest = Assert.Single(DigestDeliveryTests.Digests(app, "keywords@example.org"));
        Assert.Contains("Program synthesis with large code models", digest.TextBody, StringComparison.Ordinal);
        Assert.Equal(0, app.CountRows("entry_embeddings"));
        Assert.Equal(0, app.CountRows("text_embeddings"));
    }

    private static byte[] VectorOf(TestApp app, string sourceId)
    {
        return app.Database.Scalar<byte[]>(
            "SELECT v.vector FROM entry_embeddings v JOIN entries e ON e.id = v.entry_id WHERE e.source_key LIKE '%' || @Id || '%'",
            new { Id = sourceId.Split('v')[0] }) ?? [];
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(100);
        }
    }
}
