using System.Globalization;
using Microsoft.Playwright;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Newsletter.Tests.Browser;

/// <summary>
/// The admin pages in a real Chromium at desktop (1280) and phone (390) widths: signing in, the
/// overview, searching subscribers, and a run's progress bar moving while the run sends. Every page
/// seen is saved in screenshots/ (admin-*.png).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AdminBrowserTests(ITestOutputHelper output)
{
    private readonly Screenshots shots = new(output);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SignIn_Overview_AndSubscriberSearch_InChromium(bool phone)
    {
        var size = phone ? "phone" : "desktop";
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("ada.lovelace@example.org", ["code-models", "long-context"], "DPO and preference learning\n<script>alert(1)</script>");
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        await DigestDeliveryTests.RunAsync(app);
        SeedSubscribers(app, 40);
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.NewContextAsync(app.BaseAddress, phone);
        var page = await context.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        // Without a session: the sign-in form, which comes back to the page asked for.
        await page.GotoAsync("/admin/subscribers");
        await page.WaitForURLAsync("**/admin/login?returnUrl=*");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" }));
        await shots.TakeAsync(page, $"admin-01-sign-in-{size}");
        await page.GetByLabel("Admin key").FillAsync("not-the-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That is not the admin key.");
        await shots.TakeAsync(page, $"admin-02-sign-in-wrong-key-{size}");
        await page.GetByLabel("Admin key").FillAsync(TestApp.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/subscribers");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Subscribers" }));

        // Overview: counts by status, both charts with their accessible names, the run.
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" }));
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Sign-ups per day" }));
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Digests sent per day" }));
        await Assertions.Expect(page.Locator(".tile.status-active .figure")).ToHaveTextAsync("14");
        // (The seeded active subscribers may be due by their schedule, so a scheduled run 2 can appear beside it.)
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "Run 1: share of deliveries done" })).ToHaveAttributeAsync("value", "1");
        await shots.TakeAsync(page, $"admin-03-overview-{size}");

        // Subscribers: search by part of the address and a status, then one subscriber.
        await page.GetByRole(AriaRole.Link, new() { Name = "Subscribers" }).ClickAsync();
        await shots.TakeAsync(page, $"admin-04-subscribers-{size}");
        await page.GetByLabel("Address contains").FillAsync("lovelace");
        await page.GetByLabel("Status").SelectOptionAsync("active");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/subscribers?q=lovelace&status=active*");
        await Assertions.Expect(page.Locator("table.subscribers tbody tr")).ToHaveCountAsync(1);
        await shots.TakeAsync(page, $"admin-05-subscriber-search-{size}");
        await page.GetByRole(AriaRole.Link, new() { Name = "ada.lovelace@example.org" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Consent trail" }));
        await Expect(page.GetByText("<script>alert(1)</script>", new() { Exact = true }));
        await shots.TakeAsync(page, $"admin-06-subscriber-{size}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Erase" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Erase for good" }));
        await shots.TakeAsync(page, $"admin-07-erase-confirm-{size}");

        // The other sections, for the screenshots.
        foreach (var (section, heading) in new[] { ("Runs", "Runs"), ("Entries", "Entries"), ("Topics", "Topics"), ("Templates", "Email templates") })
        {
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = section }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true }));
            await shots.TakeAsync(page, $"admin-08-{section.ToLowerInvariant()}-{size}");
        }

        await page.GotoAsync("/admin/templates?name=digest");
        await Expect(page.FrameLocator("iframe.email").GetByRole(AriaRole.Link, new() { Name = "Sample: stretching a model's context" }));
        await shots.TakeAsync(page, $"admin-09-template-digest-{size}");
        await page.GotoAsync("/admin/topics/new");
        await page.GetByLabel("Slug").FillAsync("Bad Slug");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create topic" }).ClickAsync();
        await Expect(page.GetByText("A name is required."));
        await shots.TakeAsync(page, $"admin-10-topic-errors-{size}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByText("You are signed out."));
        await page.GotoAsync("/admin");
        await page.WaitForURLAsync("**/admin/login?returnUrl=*");
        Assert.Equal(0, dialogs); // the subscriber's text never ran as a script
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunProgress_MovesWhileTheRunSends_InChromium(bool phone)
    {
        var size = phone ? "phone" : "desktop";
        // Four messages a second over one connection, recorded four at a time: twenty digests take several seconds.
        await using var app = await TestApp.StartAsync(new() { ["Delivery:MessagesPerSecond"] = "4", ["Delivery:Connections"] = "1", ["Delivery:ChunkSize"] = "4" });
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        SeedSubscribers(app, 60); // a third of them active
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.NewContextAsync(app.BaseAddress, phone);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => output.WriteLine($"console: {message.Text}");
        page.RequestFailed += (_, request) => output.WriteLine($"failed: {request.Url} {request.Failure}");

        await page.GotoAsync("/admin/runs/start");
        await page.GetByLabel("Admin key").FillAsync(TestApp.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send now" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/runs/*?done=started");
        await Expect(page.GetByText("A digest run was started."));
        var bar = page.Locator("section.run progress");
        var first = await ValueAsync(bar);
        await shots.TakeAsync(page, $"admin-11-run-started-{size}");

        // Without reloading: the bar moves, the counts follow, and the run ends completed.
        try
        {
            await page.WaitForFunctionAsync("v => { const p = document.querySelector('section.run progress'); return p.value > v && p.value < p.max; }", first);
        }
        catch (TimeoutException)
        {
            output.WriteLine(await app.AdminClient().GetStringAsync(new Uri(page.Url).AbsolutePath.Replace("/admin/runs/", "/api/digests/", StringComparison.Ordinal)));
            throw;
        }

        await shots.TakeAsync(page, $"admin-12-run-in-progress-{size}");
        await Assertions.Expect(page.Locator("section.run .badge")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });
        Assert.Equal(20, await ValueAsync(bar));
        await Assertions.Expect(page.Locator("section.run [data-field=sent]")).ToHaveTextAsync("20");
        await shots.TakeAsync(page, $"admin-13-run-completed-{size}");
        Assert.Equal(20, app.Smtp!.Messages.Count(m => m.Headers["Feedback-ID"] is not null));

        await page.GotoAsync("/admin");
        await Assertions.Expect(page.Locator("article.run .badge")).ToHaveTextAsync("completed");
        await shots.TakeAsync(page, $"admin-14-overview-after-run-{size}");
    }

    /// <summary>Subscribers straight into the database, every third active, some days apart, for lists and charts.</summary>
    private static void SeedSubscribers(TestApp app, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            var status = i % 3 == 0 ? "active" : i % 3 == 1 ? "pending" : i % 9 == 2 ? "bounced" : "unsubscribed";
            var day = DateTime.UtcNow.Date.AddDays(-(i % 25)).AddHours(9).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            app.Execute($"INSERT INTO subscribers (email, status, created_at, updated_at) VALUES ('reader{i:00}@{(i % 2 == 0 ? "even" : "odd")}.example.org', '{status}', '{day}', '{day}')");
        }
    }

    private static Task<double> ValueAsync(ILocator bar) => bar.EvaluateAsync<double>("p => p.value");

    private static Task Expect(ILocator locator) => Assertions.Expect(locator).ToBeVisibleAsync();
}
