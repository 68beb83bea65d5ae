using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Subscriptions;

[Collection(AppCollection.Name)]
public sealed class LifecycleEdgeTests
{
    [Fact]
    public async Task Honeypot_FilledByABot_LooksLikeSuccess_ButStoresAndSendsNothing()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewClient(cookies: true);
        var form = await browser.GetStringAsync("/subscribe");

        var response = await browser.PostAsync("/subscribe", new FormUrlEncodedContent(
        [
            new("__antiforgery", TestApp.AntiforgeryToken(form)),
            new("email", "bot-target@example.org"),
            new("website", "http://spam.example"),
        ]));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/subscribe/sent", response.Headers.Location!.ToString());
        Assert.Equal(0, app.CountRows("subscribers"));
        await Task.Delay(1000);
        Assert.Empty(app.Smtp!.Messages);
    }

    [Fact]
    public async Task FormPost_ByAClientThatDoesNotAskForHtml_GetsProblemDetailsNamingTheField()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = app.NewClient(cookies: true);
        var form = await browser.GetStringAsync("/subscribe");

        var response = await browser.PostAsync("/subscribe", new FormUrlEncodedContent(
        [
            new("__antiforgery", TestApp.AntiforgeryToken(form)),
            new("email", "not-an-address"),
        ]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task ConfirmPage_ShowsWhatWillBeAgreedTo_BeforeTheButton()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAsync("shown@example.org", ["code-models"], "<b>bold</b> claims", "weekly");
        var path = new Uri(TestApp.LinkIn(await app.Smtp!.WaitForAsync("shown@example.org", "Confirm"), "/confirm/")).AbsolutePath;

        var page = await app.Client.GetStringAsync(path);

        Assert.Contains("Code generation and code models", page, StringComparison.Ordinal);
        Assert.Contains("weekly", page, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt; claims", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold</b>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredConfirmationLink_Answers410_AndChangesNothing()
    {
        await using var app = await TestApp.StartAsync(new() { ["Newsletter:ConfirmationLinkLifetime"] = "00:00:01" });
        await app.SubscribeAsync("slow@example.org");
        var path = new Uri(TestApp.LinkIn(await app.Smtp!.WaitForAsync("slow@example.org", "Confirm"), "/confirm/")).AbsolutePath;
        await Task.Delay(1500);

        Assert.Equal(HttpStatusCode.Gone, (await app.Client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await app.Client.PostAsync(path, null)).StatusCode);
        Assert.Equal("pending", await app.StatusOfAsync("slow@example.org"));
    }

    [Fact]
    public async Task OlderConfirmationLink_AfterANewerOneWasUsed_DoesNotOverwriteTheSettings()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAsync("changer@example.org", ["code-models"]);
        await app.Smtp!.WaitForAsync("changer@example.org", "Confirm");
        await app.SubscribeAsync("changer@example.org", ["long-context"]);
        await LifecycleTests.WaitUntilAsync(() => app.Smtp.To("changer@example.org").Count() == 2);
        var links = app.Smtp.To("changer@example.org").Select(m => new Uri(TestApp.LinkIn(m, "/confirm/")).AbsolutePath).ToList();

        (await app.Client.PostAsync(links[1], null)).EnsureSuccessStatusCode();
        var old = await app.Client.PostAsync(links[0], null);

        Assert.Contains("Already confirmed", await old.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=changer@example.org");
        Assert.Equal(["long-context"], subscriber.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task OldConfirmationLink_AfterUnsubscribing_DoesNotResubscribe()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAsync("gone@example.org");
        var confirm = new Uri(TestApp.LinkIn(await app.Smtp!.WaitForAsync("gone@example.org", "Confirm"), "/confirm/")).AbsolutePath;
        (await app.Client.PostAsync(confirm, null)).EnsureSuccessStatusCode();
        var welcome = await app.Smtp.WaitForAsync("gone@example.org", "Welcome");
        (await app.Client.PostAsync(new Uri(TestApp.LinkIn(welcome, "/unsubscribe/")).AbsolutePath, null)).EnsureSuccessStatusCode();

        var again = await app.Client.PostAsync(confirm, null);

        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Equal("unsubscribed", await app.StatusOfAsync("gone@example.org"));
    }

    [Fact]
    public async Task PreferencesPost_WithoutFrequency_IsRejected_AndKeepsTheOldOne()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAsync("weekly@example.org", frequency: "weekly");
        var confirm = new Uri(TestApp.LinkIn(await app.Smtp!.WaitForAsync("weekly@example.org", "Confirm"), "/confirm/")).AbsolutePath;
        (await app.Client.PostAsync(confirm, null)).EnsureSuccessStatusCode();
        var path = new Uri(TestApp.LinkIn(await app.Smtp.WaitForAsync("weekly@example.org", "Welcome"), "/preferences/")).AbsolutePath;
        using var browser = app.NewClient(cookies: true);
        var form = await browser.GetStringAsync(path);

        var response = await browser.PostAsync(path, new FormUrlEncodedContent(
        [
            new("__antiforgery", TestApp.AntiforgeryToken(form)),
            new("delivery_hour", "8"),
            new("time_zone", "UTC"),
        ]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=weekly@example.org");
        Assert.Equal("weekly", subscriber.GetProperty("frequency").GetString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(path + "?saved=1")).StatusCode);
    }

    [Fact]
    public async Task WelcomeEmail_LinksEachTopicToItsOwnStopPage()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("topics@example.org", ["code-models", "long-context"]);

        var stop = Regex.Match(welcome.TextBody ?? "", @"stop this topic:\s+(\S+\?topic=long-context)").Groups[1].Value;
        var page = await app.Client.GetStringAsync(new Uri(stop).PathAndQuery);

        Assert.Contains("Only stop “Long-context models”", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_WhileTheRelayIsDown_StillDeliversTheQueuedConfirmation()
    {
        await using var app = await TestApp.StartAsync(new() { ["Hangfire:SchedulePollingInterval"] = "00:00:01" });
        app.Smtp!.TemporaryFailuresLeft = 1000;
        await app.SubscribeAsync("patient@example.org");
        await LifecycleTests.WaitUntilAsync(() => !app.Smtp.Refusals.IsEmpty);

        await app.RestartAsync();
        app.Smtp.TemporaryFailuresLeft = 0;

        await app.Smtp.WaitForAsync("patient@example.org", "Confirm", TimeSpan.FromSeconds(60));
        Assert.Single(app.Smtp.To("patient@example.org"));
    }

    [Fact]
    public async Task Mailbox_ThroughAProxy_NeedsTheAdminKey()
    {
        await using var app = await TestApp.StartAsync(useMailCatcher: true);
        var proxied = new HttpRequestMessage(HttpMethod.Get, "/dev/mailbox/messages");
        proxied.Headers.Add("X-Forwarded-For", "198.51.100.9");

        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client.SendAsync(proxied)).StatusCode);
        var withKey = new HttpRequestMessage(HttpMethod.Get, "/dev/mailbox/messages");
        withKey.Headers.Add("X-Forwarded-For", "198.51.100.9");
        withKey.Headers.Add("X-Api-Key", TestApp.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(withKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/dev/mailbox/messages")).StatusCode);
    }

    [Theory]
    [InlineData(new byte[] { 0x7b, 0x22, 0x65, 0x6d, 0x61, 0x69, 0x6c, 0x22, 0x3a, 0x22, 0xff, 0x40, 0x78, 0x2e, 0x6f, 0x72, 0x67, 0x22, 0x7d }, "body")]
    public async Task InvalidUtf8_IsA400NamingTheBody(byte[] body, string field)
    {
        await using var app = await TestApp.StartAsync();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        var response = await app.Client.PostAsync("/api/subscriptions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("{\"email\":\"\\ud800@example.org\"}", "email")]
    [InlineData("{\"interests\":\"a\\udc00b\",\"email\":\"x@example.org\"}", "interests")]
    [InlineData("{\"topics\":[\"\\ud800\"],\"email\":\"x@example.org\"}", "topics")]
    [InlineData("{\"\\ud800\":1}", "body")]
    public async Task LoneSurrogatesInJsonStrings_AreA400NamingTheField(string json, string field)
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Client.PostAsync("/api/subscriptions", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), field);
        Assert.Equal(0, app.CountRows("subscribers"));
    }

    [Fact]
    public async Task TopicPositions_AreCapped_SoTheNextTopicCannotOverflow()
    {
        await using var app = await TestApp.StartAsync();
        var admin = app.AdminClient();

        var huge = await admin.PostAsJsonAsync("/api/topics", new { slug = "huge", name = "Huge", description = "d", position = int.MaxValue });
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/topics", new { slug = "last", name = "Last", description = "d", position = 100_000 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/topics", new { slug = "after", name = "After", description = "d" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/subscribe")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/api/topics")).StatusCode);
    }
}
