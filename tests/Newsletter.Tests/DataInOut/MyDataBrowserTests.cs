using System.Text.Json;
using Microsoft.Playwright;
using Newsletter.Tests.Browser;
using Newsletter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Newsletter.Tests.DataInOut;

/// <summary>"Your data" on the preferences page in Chromium: download it, then delete it, at desktop and phone widths.</summary>
[Collection(AppCollection.Name)]
public sealed class MyDataBrowserTests(ITestOutputHelper output)
{
    private readonly Screenshots shots = new(output);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PreferencesPage_DownloadsMyData_ThenDeleteMyDataAfterTheConfirmStep_ErasesIt(bool phone)
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("reader@example.org", ["code-models"], "retrieval for code");
        var preferences = new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath;
        var size = phone ? "phone" : "desktop";
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.NewContextAsync(app.BaseAddress, phone);
        var page = await context.NewPageAsync();

        await page.GotoAsync(preferences);
        var yourData = page.GetByRole(AriaRole.Heading, new() { Name = "Your data" });
        await yourData.ScrollIntoViewIfNeededAsync();
        await shots.TakeAsync(page, $"my-data-01-preferences-{size}");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download my data (JSON)" }).ClickAsync());
        Assert.EndsWith(".json", download.SuggestedFilename, StringComparison.Ordinal);
        var saved = await download.PathAsync();
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(saved)))
        {
            Assert.Equal("reader@example.org", json.RootElement.GetProperty("subscriber").GetProperty("email").GetString());
            Assert.Equal("retrieval for code", json.RootElement.GetProperty("interests")[0].GetString());
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Delete my data" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delete my data" })).ToBeVisibleAsync();
        await shots.TakeAsync(page, $"my-data-02-confirm-{size}");

        // The box must be ticked first: the browser will not send the form without it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my data" }).ClickAsync();
        Assert.Equal("active", await app.StatusOfAsync("reader@example.org"));

        await page.GetByLabel("I understand that this deletes my data for good").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my data" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your data is deleted" })).ToBeVisibleAsync();
        await shots.TakeAsync(page, $"my-data-03-deleted-{size}");

        Assert.Null(await app.StatusOfAsync("reader@example.org"));
        Assert.Equal(1, app.CountRows("suppressed_addresses"));
    }
}
