using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Newsletter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Newsletter.Tests.Browser;

/// <summary>
/// The public pages in a real Chromium, as a visitor uses them: the form, the mail catcher, the
/// confirmation, preferences and unsubscribe pages. Every page seen is saved as a screenshot.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class BrowserTests
{
    private const string CodeModels = "Code generation and code models";
    private const string LongContext = "Long-context models";

    private readonly Screenshots shots;

    public BrowserTests(ITestOutputHelper output)
    {
        shots = new Screenshots(output);
    }

    [Fact]
    public async Task SubscribeForm_InChromium_ThroughConfirmationAndUnsubscribe()
    {
        await using var app = await TestApp.StartAsync(useMailCatcher: true);
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        const string email = "browser.reader@example.org";

        await page.GotoAsync("/subscribe");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Get new papers in your inbox" }));
        await shots.TakeAsync(page, "01-subscribe-desktop");

        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel(CodeModels).CheckAsync();
        await page.GetByLabel(LongContext).CheckAsync();
        var interests = page.GetByLabel("Your interests");
        await interests.PressSequentiallyAsync("DPO and preference learning");
        await interests.PressAsync("Enter");
        await interests.PressSequentiallyAsync("retrieval for code");
        await page.GetByLabel("Weekly").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();

        await page.WaitForURLAsync("**/subscribe/sent");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your inbox" }));
        await shots.TakeAsync(page, "03-check-inbox");

        // The confirmation, as the built-in mail catcher shows it.
        var confirmation = await OpenMessageAsync(page, "Confirm your subscription");
        await shots.TakeAsync(page, "04-mailbox-list");
        await confirmation.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm your subscription" }));
        await Expect(page.Locator("iframe.email"));
        await shots.TakeAsync(page, "05-mailbox-message-confirmation");
        var confirmationId = MessageId(page);
        var confirmUrl = LinkIn(await page.Locator("pre.email-text").InnerTextAsync(), "/confirm/");
        Assert.StartsWith(app.BaseAddress.ToString().TrimEnd('/'), confirmUrl, StringComparison.Ordinal);

        await page.GotoAsync($"/dev/mailbox/{confirmationId}/html");
        Assert.Equal(confirmUrl, await page.GetByRole(AriaRole.Link, new() { Name = "Confirm my subscription" }).GetAttributeAsync("href"));
        await shots.TakeAsync(page, "06-email-confirmation");

        await page.GotoAsync(confirmUrl);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm your subscription" }));
        await Expect(page.GetByText(email));
        var yes = page.GetByRole(AriaRole.Button, new() { Name = "Yes, subscribe me" });
        await Expect(yes);
        await shots.TakeAsync(page, "07-confirm");
        Assert.Equal("pending", await app.StatusOfAsync(email));

        await yes.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are subscribed" }));
        await shots.TakeAsync(page, "08-confirmed");

        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>($"/api/subscribers?email={Uri.EscapeDataString(email)}");
        Assert.Equal("active", subscriber.GetProperty("status").GetString());
        Assert.Equal(
            ["code-models", "long-context"],
            subscriber.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("DPO and preference learning\nretrieval for code", subscriber.GetProperty("interests").GetString()?.ReplaceLineEndings("\n"));
        Assert.Equal("weekly", subscriber.GetProperty("frequency").GetString());

        // The welcome email: its links lead to the preferences and the unsubscribe page.
        var welcome = await OpenMessageAsync(page, "Welcome to");
        await welcome.ClickAsync();
        await Expect(page.Locator("pre.email-text"));
        await shots.TakeAsync(page, "09-mailbox-message-welcome");
        var welcomeId = MessageId(page);
        var welcomeText = await page.Locator("pre.email-text").InnerTextAsync();
        var preferencesUrl = LinkIn(welcomeText, "/preferences/");
        var unsubscribeUrl = LinkIn(welcomeText, "/unsubscribe/");

        await page.GotoAsync($"/dev/mailbox/{welcomeId}/html");
        await Expect(page.GetByText("DPO and preference learning"));
        await shots.TakeAsync(page, "10-email-welcome");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await shots.TakeAsync(page, "10-email-welcome-dark");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });

        await page.GotoAsync(preferencesUrl);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your preferences" }));
        Assert.True(await page.GetByLabel(CodeModels).IsCheckedAsync());
        Assert.True(await page.GetByLabel(LongContext).IsCheckedAsync());
        Assert.True(await page.GetByLabel("Weekly").IsCheckedAsync());
        await shots.TakeAsync(page, "11-preferences");

        await page.GotoAsync(unsubscribeUrl);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Unsubscribe" }));
        await shots.TakeAsync(page, "12-unsubscribe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe from everything" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are unsubscribed" }));
        await shots.TakeAsync(page, "13-unsubscribed");
        Assert.Equal("unsubscribed", await app.StatusOfAsync(email));

        // The form once more, in the system's dark mode.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await page.GotoAsync("/subscribe");
        await page.GetByLabel(CodeModels).CheckAsync();
        await shots.TakeAsync(page, "01-subscribe-desktop-dark");
    }

    [Fact]
    public async Task SubscribeForm_ShowsErrorsNextToFields_AndKeepsValues()
    {
        await using var app = await TestApp.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        const string badEmail = "not-an-address";
        var lines = string.Join("\n", Enumerable.Range(1, 21).Select(i => $"interest number {i}"));

        await page.GotoAsync("/subscribe");
        await page.GetByLabel("Email address").FillAsync(badEmail);
        await page.GetByLabel(LongContext).CheckAsync();
        await page.GetByLabel("Your interests").FillAsync(lines);
        await page.GetByLabel("Weekly").CheckAsync();
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync(),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/subscribe");

        Assert.Equal(400, response.Status);
        await Expect(page.GetByRole(AriaRole.Alert));
        await shots.TakeAsync(page, "02-subscribe-errors");

        var emailField = page.Locator(".field.invalid").Filter(new() { Has = page.Locator("#email") });
        var emailError = emailField.Locator(".error-text");
        await Assertions.Expect(emailError).ToContainTextAsync("name@example.org");
        await Assertions.Expect(page.Locator("#email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByLabel("Email address")).ToHaveAccessibleDescriptionAsync(new Regex("name@example\\.org"));
        await AssertJustBelowAsync(page.Locator("#email"), emailError);

        var interestsField = page.Locator(".field.invalid").Filter(new() { Has = page.Locator("#interests") });
        var interestsError = interestsField.Locator(".error-text");
        await Assertions.Expect(interestsError).ToContainTextAsync("at most 20 lines");
        await Assertions.Expect(page.Locator("#interests")).ToHaveAttributeAsync("aria-invalid", "true");
        await AssertJustBelowAsync(page.Locator("#interests"), interestsError, allowed: 120);

        Assert.Equal(badEmail, await page.GetByLabel("Email address").InputValueAsync());
        Assert.Equal(lines, (await page.GetByLabel("Your interests").InputValueAsync()).ReplaceLineEndings("\n"));
        Assert.True(await page.GetByLabel(LongContext).IsCheckedAsync());
        Assert.False(await page.GetByLabel(CodeModels).IsCheckedAsync());
        Assert.True(await page.GetByLabel("Weekly").IsCheckedAsync());
        Assert.Equal(0, app.CountRows("subscribers"));
    }

    [Fact]
    public async Task Pages_FitAPhoneScreen()
    {
        await using var app = await TestApp.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.NewContextAsync(app.BaseAddress, phone: true);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/subscribe");
        await AssertNoHorizontalScrollAsync(page);
        await shots.TakeAsync(page, "01-subscribe-phone");

        await page.GetByLabel("Email address").FillAsync("a@b");
        await page.GetByLabel("Your interests").FillAsync(string.Join("\n", Enumerable.Range(1, 21).Select(i => $"line {i}")));
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert));
        await AssertNoHorizontalScrollAsync(page);
        await shots.TakeAsync(page, "02-subscribe-errors-phone");

        // The subscriber's own pages, on the phone too.
        var welcome = await app.SubscribeAndConfirmAsync("phone.reader@example.org", ["code-models", "long-context"], "DPO\nmaking inference cheaper");
        await page.GotoAsync(new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your preferences" }));
        await AssertNoHorizontalScrollAsync(page);
        await shots.TakeAsync(page, "11-preferences-phone");

        await page.GotoAsync(new Uri(TestApp.LinkIn(welcome, "/unsubscribe/")).AbsolutePath + "?topic=long-context");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe from everything" }));
        await AssertNoHorizontalScrollAsync(page);
        await shots.TakeAsync(page, "12-unsubscribe-phone");
    }

    [Fact]
    public async Task PreferencesPage_ShowsWhatWasLearnedFromThumbs_AndForgetsItOnRequest()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("thumbs@example.org", ["code-models"], "mixture of experts");
        await Delivery.DigestDeliveryTests.PostEntriesAsync(app, Delivery.DigestTestData.FirstDay);
        await Delivery.DigestDeliveryTests.RunAsync(app);
        var digest = Delivery.DigestDeliveryTests.Digests(app, "thumbs@example.org")[0].TextBody ?? "";
        // Thumbs up on the first entry, down on the last: two different entries.
        Assert.True(Regex.Count(digest, "More like this") >= 2, digest);
        foreach (var (link, vote) in new[] { (Regex.Matches(digest, @"More like this:\s+(\S+)")[0], "up"), (Regex.Matches(digest, @"Less like this:\s+(\S+)")[^1], "down") }.Select(p => (new Uri(p.Item1.Groups[1].Value), p.Item2)))
        {
            var entry = System.Web.HttpUtility.ParseQueryString(link.Query)["entry"]!;
            (await app.Client.PostAsync(link.AbsolutePath, new FormUrlEncodedContent([new("entry", entry), new("vote", vote)]))).EnsureSuccessStatusCode();
        }

        await using var chromium = await Chromium.LaunchAsync();
        foreach (var phone in new[] { false, true })
        {
            await using var context = await chromium.NewContextAsync(app.BaseAddress, phone);
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What we have learned" }));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You rated up (1)" }));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You rated down (1)" }));
            await AssertNoHorizontalScrollAsync(page);
            await shots.TakeAsync(page, phone ? "13-preferences-learned-phone" : "13-preferences-learned");
        }

        await using (var context = await chromium.NewContextAsync(app.BaseAddress))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath);
            await page.GetByRole(AriaRole.Button, new() { Name = "Forget my ratings and start over" }).ClickAsync();
            await Expect(page.GetByText("everything learned from your ratings is forgotten"));
            Assert.Equal(0, app.CountRows("feedback"));
            await shots.TakeAsync(page, "14-preferences-learning-reset");
        }
    }

    private static Task Expect(ILocator locator) => Assertions.Expect(locator).ToBeVisibleAsync();

    /// <summary>Reloads the mailbox until a message whose subject contains the text arrives (mail is sent by a background job).</summary>
    private static async Task<ILocator> OpenMessageAsync(IPage page, string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await page.GotoAsync("/dev/mailbox");
            var link = page.Locator("table.mailbox a").Filter(new() { HasText = subject });
            if (await link.CountAsync() > 0)
            {
                return link.First;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No message '{subject}' in /dev/mailbox within 30 s:\n{await page.Locator("main").InnerTextAsync()}");
            await Task.Delay(250);
        }
    }

    private static string MessageId(IPage page)
    {
        var path = new Uri(page.Url).AbsolutePath;
        var match = Regex.Match(path, "^/dev/mailbox/([A-Za-z0-9-]+)$");
        Assert.True(match.Success, $"Not a mailbox message page: {page.Url}");
        return match.Groups[1].Value;
    }

    private static string LinkIn(string text, string pathPart)
    {
        var match = Regex.Match(text, $@"https?://\S*{Regex.Escape(pathPart)}\S*");
        Assert.True(match.Success, $"No link with {pathPart} in:\n{text}");
        return match.Value;
    }

    private static async Task AssertNoHorizontalScrollAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"{page.Url} scrolls sideways on a phone: scrollWidth {widths[0]} > clientWidth {widths[1]}");
    }

    /// <summary>The error shows under its field, not somewhere else on the page.</summary>
    private static async Task AssertJustBelowAsync(ILocator field, ILocator error, float allowed = 60)
    {
        var f = await field.BoundingBoxAsync();
        var e = await error.BoundingBoxAsync();
        Assert.NotNull(f);
        Assert.NotNull(e);
        var gap = e.Y - (f.Y + f.Height);
        Assert.True(gap >= 0 && gap <= allowed, $"The error is {gap}px from its field (expected 0 to {allowed}).");
        Assert.True(Math.Abs(e.X - f.X) < 2, $"The error starts at x={e.X}, its field at x={f.X}.");
    }
}
