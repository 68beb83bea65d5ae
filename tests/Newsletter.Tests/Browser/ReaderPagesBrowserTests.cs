using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Newsletter.Entries;
using Newsletter.Entries.Samples;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Newsletter.Tests.Browser;

/// <summary>
/// The reader's pages in a real Chromium at desktop (1280) and phone (390) widths: the papers page
/// with the sample entries, its filters and day links, a digest's web view, and an error page.
/// Every page seen is saved as a screenshot (reader-*.png).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ReaderPagesBrowserTests
{
    private static readonly Dictionary<string, string?> Lexical = new() { ["Matching:Mode"] = "Lexical" };

    private readonly Screenshots shots;

    public ReaderPagesBrowserTests(ITestOutputHelper output)
    {
        shots = new Screenshots(output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PapersPage_WithTheSamples_ShowsDaysTrendingAndChips_FiltersByTopic_AndPagesBack(bool phone)
    {
        var size = phone ? "phone" : "desktop";
        await using var app = await TestApp.StartAsync(Lexical);
        await app.Services.GetRequiredService<EntryIngestion>().IngestAsync(SampleEntries.Load(DateTimeOffset.UtcNow), SampleEntries.Source, CancellationToken.None);
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.NewContextAsync(app.BaseAddress, phone);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New papers, every day" }));
        Assert.Equal(3, await page.Locator("section.day").CountAsync());
        Assert.Equal(Newsletter.Reader.PapersPage.TrendingCount, await page.Locator(".trending-list li").CountAsync());
        Assert.True(await page.GetByRole(AriaRole.Textbox, new() { Name = "Email address" }).IsVisibleAsync());
        await AssertNoSidewaysScrollAsync(page);
        await shots.TakeAsync(page, $"reader-01-papers-{size}");
        await FirstScreenAsync(page, $"reader-01-papers-{size}-first-screen");
        if (!phone)
        {
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            await shots.TakeAsync(page, "reader-01-papers-desktop-dark");
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        }

        // A chip on an entry filters by its topic.
        await page.Locator("section.day .chips a", new() { HasText = "Long-context models" }).First.ClickAsync();
        await page.WaitForURLAsync("**/?topic=long-context");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New papers on Long-context models" }));
        var titles = await page.Locator("section.day .chips").AllInnerTextsAsync();
        Assert.All(titles, chips => Assert.Contains("Long-context models", chips, StringComparison.Ordinal));
        await AssertNoSidewaysScrollAsync(page);
        await shots.TakeAsync(page, $"reader-02-papers-topic-{size}");

        // Back in time, one day at a time.
        await page.GotoAsync("/");
        await page.Locator("a[rel=prev]").ClickAsync();
        await page.WaitForURLAsync("**/?day=*");
        Assert.Equal(1, await page.Locator("section.day").CountAsync());
        await Expect(page.Locator("a[rel=next]"));
        await shots.TakeAsync(page, $"reader-03-papers-day-{size}");

        await page.GotoAsync("/no-such-page");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" }));
        await shots.TakeAsync(page, $"reader-04-not-found-{size}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DigestWebView_ShowsTheDigestWithReasonsAndVoteButtons_ThatWork(bool phone)
    {
        var size = phone ? "phone" : "desktop";
        await using var app = await TestApp.StartAsync(Lexical);
        await app.SubscribeAndConfirmAsync("web.view@example.org", ["retrieval-augmented-generation", "code-models"], "speculative decoding");
        await app.Services.GetRequiredService<EntryIngestion>().IngestAsync(SampleEntries.Load(DateTimeOffset.UtcNow), SampleEntries.Source, CancellationToken.None);
        await DigestDeliveryTests.RunAsync(app);
        var digest = Assert.Single(DigestDeliveryTests.Digests(app, "web.view@example.org"));
        var link = new Uri(TestApp.LinkIn(digest, "/digests/")).AbsolutePath;
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.NewContextAsync(app.BaseAddress, phone);
        var page = await context.NewPageAsync();

        await page.GotoAsync(link);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your daily digest" }));
        var entries = page.Locator("article.digest-entry");
        Assert.True(await entries.CountAsync() >= 2);
        await Expect(page.GetByText("Because you follow Retrieval-augmented generation").First);
        await AssertNoSidewaysScrollAsync(page);
        await shots.TakeAsync(page, $"reader-05-digest-{size}");
        await FirstScreenAsync(page, $"reader-05-digest-{size}-first-screen");

        await entries.First.GetByRole(AriaRole.Link, new() { Name = "More like this" }).ClickAsync();
        await page.WaitForURLAsync("**/feedback/**");
        await page.GetByRole(AriaRole.Button).First.ClickAsync();
        await shots.TakeAsync(page, $"reader-06-digest-vote-{size}");
        Assert.Equal(1, app.CountRows("feedback WHERE vote = 1"));
    }

    /// <summary>What a visitor sees before scrolling (the full-page shots of a long page are hard to judge).</summary>
    private static Task<byte[]> FirstScreenAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots.Folder, name + ".png") });

    private static async Task AssertNoSidewaysScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways.");

    private static Task Expect(ILocator locator) => Assertions.Expect(locator).ToBeVisibleAsync();
}
