using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Subscriptions;

[Collection(AppCollection.Name)]
public sealed class LifecycleTests
{
    [Fact]
    public async Task Subscribe_ThenConfirmLinkAndButton_MakesSubscriberActive_AndSendsWelcome()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.SubscribeAsync("reader@example.org", ["code-models"], "DPO\nmaking inference cheaper", "weekly");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("pending", await app.StatusOfAsync("reader@example.org"));

        var confirmation = await app.Smtp!.WaitForAsync("reader@example.org", "Confirm");
        var link = new Uri(TestApp.LinkIn(confirmation, "/confirm/"));
        Assert.Equal(app.BaseAddress.Authority, link.Authority);

        var page = await app.Client.GetAsync(link.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("pending", await app.StatusOfAsync("reader@example.org"));

        var confirmed = await app.Client.PostAsync(link.AbsolutePath, null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("active", await app.StatusOfAsync("reader@example.org"));

        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=reader@example.org");
        Assert.Equal(["code-models"], subscriber.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("DPO\nmaking inference cheaper", subscriber.GetProperty("interests").GetString());
        Assert.Equal("weekly", subscriber.GetProperty("frequency").GetString());

        var welcome = await app.Smtp.WaitForAsync("reader@example.org", "Welcome");
        Assert.Contains("/preferences/", welcome.TextBody, StringComparison.Ordinal);
        Assert.Contains("making inference cheaper", welcome.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfirmationEmail_CarriesNoUserTextButTheAddress_AndIsProperMultipart()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAsync("someone@example.org", interests: "BUY CHEAP PILLS at spam.example");
        var message = await app.Smtp!.WaitForAsync("someone@example.org", "Confirm");

        Assert.DoesNotContain("PILLS", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("PILLS", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("someone@example.org", message.TextBody, StringComparison.Ordinal);
        Assert.Equal("multipart/alternative", message.Body!.ContentType.MimeType);
        Assert.NotNull(message.HtmlBody);
        Assert.NotNull(message.TextBody);
        Assert.Equal("digest@newsletter.test", message.From.Mailboxes.Single().Address);
        Assert.EndsWith("@newsletter.test", message.MessageId, StringComparison.Ordinal);
        Assert.True(message.Date > DateTimeOffset.UtcNow.AddMinutes(-5));
        // CSS was inlined for mail clients that drop <style>.
        Assert.Contains("style=\"", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfirmLink_FetchedWithGetOnly_ChangesNothing()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAsync("scanned@example.org");
        var link = new Uri(TestApp.LinkIn(await app.Smtp!.WaitForAsync("scanned@example.org", "Confirm"), "/confirm/"));

        for (var i = 0; i < 3; i++)
        {
            (await app.Client.GetAsync(link.AbsolutePath)).EnsureSuccessStatusCode();
        }

        Assert.Equal("pending", await app.StatusOfAsync("scanned@example.org"));
    }

    [Fact]
    public async Task ConfirmTwice_SecondTimeSaysAlreadyConfirmed_AndSendsOneWelcome()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAsync("twice@example.org");
        var path = new Uri(TestApp.LinkIn(await app.Smtp!.WaitForAsync("twice@example.org", "Confirm"), "/confirm/")).AbsolutePath;
        (await app.Client.PostAsync(path, null)).EnsureSuccessStatusCode();
        var second = await app.Client.PostAsync(path, null);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("Already confirmed", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await app.Smtp.WaitForAsync("twice@example.org", "Welcome");
        await Task.Delay(1500);
        Assert.Single(app.Smtp.To("twice@example.org"), m => m.Subject!.Contains("Welcome", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WelcomeEmail_HasOneClickUnsubscribeHeaders_AndTheirPostEndsTheSubscriptionWithoutCookies()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("leaver@example.org", ["code-models"]);

        var header = welcome.Headers["List-Unsubscribe"]!;
        Assert.Equal("List-Unsubscribe=One-Click", welcome.Headers["List-Unsubscribe-Post"]);
        Assert.StartsWith($"<{app.BaseAddress.ToString().TrimEnd('/')}/unsubscribe/", header, StringComparison.Ordinal);
        var url = new Uri(header.Trim('<', '>'));

        // What a mail client does (RFC 8058): a bare form POST, no cookies, no antiforgery token.
        using var oneClick = app.NewClient(cookies: false);
        var response = await oneClick.PostAsync(url.AbsolutePath, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("unsubscribed", await app.StatusOfAsync("leaver@example.org"));
    }

    [Fact]
    public async Task UnsubscribeLink_InWelcomeEmail_ShowsPageThenButtonEndsSubscription()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("pagefirst@example.org");
        var path = new Uri(TestApp.LinkIn(welcome, "/unsubscribe/")).AbsolutePath;

        var page = await app.Client.GetAsync(path);
        Assert.Contains("Unsubscribe from everything", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("active", await app.StatusOfAsync("pagefirst@example.org"));

        (await app.Client.PostAsync(path, new FormUrlEncodedContent([]))).EnsureSuccessStatusCode();
        Assert.Equal("unsubscribed", await app.StatusOfAsync("pagefirst@example.org"));
    }

    [Fact]
    public async Task UnsubscribeFromOneTopic_KeepsTheOtherTopicsAndTheSubscription()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("picky@example.org", ["code-models", "long-context"]);
        var path = new Uri(TestApp.LinkIn(welcome, "/unsubscribe/")).AbsolutePath;

        var page = await (await app.Client.GetAsync($"{path}?topic=long-context")).Content.ReadAsStringAsync();
        Assert.Contains("Only stop", page, StringComparison.Ordinal);
        (await app.Client.PostAsync(path, new FormUrlEncodedContent([new("topic", "long-context")]))).EnsureSuccessStatusCode();

        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=picky@example.org");
        Assert.Equal("active", subscriber.GetProperty("status").GetString());
        Assert.Equal(["code-models"], subscriber.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task ComingBackAfterUnsubscribing_NeedsANewConfirmation()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("returner@example.org", ["code-models"]);
        var unsubscribe = new Uri(TestApp.LinkIn(welcome, "/unsubscribe/")).AbsolutePath;
        (await app.Client.PostAsync(unsubscribe, new FormUrlEncodedContent([]))).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Accepted, (await app.SubscribeAsync("returner@example.org", ["long-context"])).StatusCode);
        await WaitUntilAsync(() => app.Smtp!.To("returner@example.org").Count(m => m.Subject!.Contains("Confirm", StringComparison.Ordinal)) == 2);
        Assert.Equal("unsubscribed", await app.StatusOfAsync("returner@example.org"));

        var second = app.Smtp!.To("returner@example.org").Where(m => m.Subject!.Contains("Confirm", StringComparison.Ordinal)).Last();
        (await app.Client.PostAsync(new Uri(TestApp.LinkIn(second, "/confirm/")).AbsolutePath, null)).EnsureSuccessStatusCode();
        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=returner@example.org");
        Assert.Equal("active", subscriber.GetProperty("status").GetString());
        Assert.Equal(["long-context"], subscriber.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task SubscribingAnActiveAddress_AnswersTheSame_ChangesNothing_AndTellsTheOwner()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("owner@example.org", ["code-models"], "my own words");

        var known = await app.SubscribeAsync("owner@example.org", ["long-context"], "attacker words");
        var unknown = await app.SubscribeAsync("nobody-yet@example.org", ["long-context"], "attacker words");

        Assert.Equal(unknown.StatusCode, known.StatusCode);
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await known.Content.ReadAsStringAsync());
        var notice = await app.Smtp!.WaitForAsync("owner@example.org", "already subscribed");
        Assert.DoesNotContain("attacker", notice.TextBody, StringComparison.Ordinal);
        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=owner@example.org");
        Assert.Equal(["code-models"], subscriber.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("my own words", subscriber.GetProperty("interests").GetString());
    }

    [Fact]
    public async Task InternationalDomain_IsStoredInAsciiForm_AndFoundEitherWay()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await app.SubscribeAsync("Ana@Bücher.example")).StatusCode);
        // MimeKit shows the received domain in Unicode again; what matters is that it arrived and is stored once.
        await app.Smtp!.WaitForAsync("ana@bücher.example", "Confirm");
        Assert.Equal(1, app.CountRows("subscribers"));
        Assert.Equal("pending", await app.StatusOfAsync("ana@bücher.example"));
        Assert.Equal("pending", await app.StatusOfAsync("ANA@xn--bcher-kva.example"));
    }

    [Fact]
    public async Task ConsentTrail_RecordsRequestConfirmationAndUnsubscribe_WithClientDetails()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("audited@example.org", ["code-models"]);
        (await app.Client.PostAsync(new Uri(TestApp.LinkIn(welcome, "/unsubscribe/")).AbsolutePath, new FormUrlEncodedContent([]))).EnsureSuccessStatusCode();

        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=audited@example.org");
        var events = subscriber.GetProperty("consent").EnumerateArray().ToList();
        Assert.Equal(["subscription-requested", "confirmed", "unsubscribed"], events.Select(e => e.GetProperty("kind").GetString()));
        Assert.All(events, e => Assert.Equal("127.0.0.1", e.GetProperty("clientIp").GetString()));
        Assert.Contains("code-models", events[1].GetProperty("detail").GetRawText(), StringComparison.Ordinal);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(100);
        }
    }
}
