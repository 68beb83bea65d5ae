using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MimeKit;
using Newsletter.Tests.Infrastructure;
using static Newsletter.Tests.Delivery.DigestDeliveryTests;

namespace Newsletter.Tests.Bounces;

/// <summary>The bounce mailbox read over IMAP from a real Dovecot, with reports written as receiving servers write them.</summary>
[Collection(AppCollection.Name)]
public sealed class BounceMailboxTests
{
    private const string ReturnPath = "bounces@newsletter.test";

    [Fact]
    public async Task Dsn511ForADigestsVerpAddress_BouncesTheSubscriber_AndMovesTheReportToProcessedAsSeen()
    {
        using var dovecot = DovecotServer.Start();
        await using var app = await StartAsync(dovecot, verp: true);
        var digest = await SendDigestAsync(app, "gone@example.org");
        var envelope = app.Smtp!.EnvelopeSenderOf(digest);

        await dovecot.AppendAsync(BounceMessages.DeliveryStatus(envelope, "gone@example.org", "5.1.1"));
        var result = await CheckAsync(app);

        Assert.Equal((1, 1, 0), (result.GetProperty("processed").GetInt32(), result.GetProperty("bounced").GetInt32(), result.GetProperty("ignored").GetInt32()));
        Assert.Equal("bounced", await app.StatusOfAsync("gone@example.org"));
        Assert.Empty(await dovecot.ListAsync("INBOX"));
        var moved = Assert.Single(await dovecot.ListAsync("Processed"));
        Assert.True(moved.Seen);
    }

    [Fact]
    public async Task DigestsAndLifecycleEmails_GoOutWithTheReturnPathAsEnvelopeSender_SignedPerDeliveryOrSubscriberWithVerp()
    {
        await using (var plain = await TestApp.StartAsync(new() { ["Smtp:ReturnPath"] = ReturnPath }))
        {
            var welcome = await plain.SubscribeAndConfirmAsync("plain@example.org");
            Assert.Equal(ReturnPath, plain.Smtp!.EnvelopeSenderOf(welcome));
            Assert.Equal("digest@newsletter.test", welcome.From.Mailboxes.Single().Address);
        }

        await using var verp = await TestApp.StartAsync(new() { ["Smtp:ReturnPath"] = ReturnPath, ["Bounces:Verp"] = "true" });
        var digest = await SendDigestAsync(verp, "tagged@example.org");
        var confirmation = verp.Smtp!.To("tagged@example.org").First(m => m.Subject?.Contains("Confirm", StringComparison.Ordinal) == true);
        Assert.Matches(@"^bounces\+d[0-9]+-[0-9a-f]{16}@newsletter\.test$", verp.Smtp.EnvelopeSenderOf(digest));
        Assert.Matches(@"^bounces\+s[0-9]+-[0-9a-f]{16}@newsletter\.test$", verp.Smtp.EnvelopeSenderOf(confirmation));
    }

    [Fact]
    public async Task SoftBounces_AreCounted_AndTheThirdWithinSevenDaysBounces_WhileOlderOnesDoNotCount()
    {
        using var dovecot = DovecotServer.Start();
        await using var app = await StartAsync(dovecot, verp: false);
        await app.SubscribeAndConfirmAsync("full@example.org");

        await dovecot.AppendAsync(BounceMessages.DeliveryStatus(ReturnPath, "full@example.org", "4.2.2"));
        await dovecot.AppendAsync(BounceMessages.DeliveryStatus(ReturnPath, "full@example.org", "4.4.7", action: "delayed"));
        var first = await CheckAsync(app);
        Assert.Equal((2, 2, 0), (first.GetProperty("processed").GetInt32(), first.GetProperty("softBounced").GetInt32(), first.GetProperty("bounced").GetInt32()));
        Assert.Equal("active", await app.StatusOfAsync("full@example.org"));

        // One of the two is from long ago: the next one makes two within the window, not three.
        app.Execute("UPDATE soft_bounces SET received_at = '2000-01-01 00:00:00' WHERE id = (SELECT MIN(id) FROM soft_bounces)");
        await dovecot.AppendAsync(BounceMessages.DeliveryStatus(ReturnPath, "full@example.org", "4.2.2"));
        Assert.Equal(0, (await CheckAsync(app)).GetProperty("bounced").GetInt32());
        Assert.Equal("active", await app.StatusOfAsync("full@example.org"));

        await dovecot.AppendAsync(BounceMessages.DeliveryStatus(ReturnPath, "full@example.org", "4.2.2"));
        var third = await CheckAsync(app);
        Assert.Equal((1, 1), (third.GetProperty("softBounced").GetInt32(), third.GetProperty("bounced").GetInt32()));
        Assert.Equal("bounced", await app.StatusOfAsync("full@example.org"));
        Assert.Equal(4, app.CountRows("soft_bounces"));
    }

    [Fact]
    public async Task ArfComplaintMatchedByTheDigestsMessageId_MarksComplained_AndNoFurtherDigestIsSent()
    {
        using var dovecot = DovecotServer.Start();
        await using var app = await StartAsync(dovecot, verp: false);
        var digest = await SendDigestAsync(app, "annoyed@example.org");
        await app.SubscribeAndConfirmAsync("happy@example.org");

        // The feedback loop redacts the recipient: only the quoted Message-ID says whose digest it was.
        await dovecot.AppendAsync(BounceMessages.Complaint(ReturnPath, "redacted@isp.example.net", BounceMessages.HeadersOf(digest)));
        var result = await CheckAsync(app);

        Assert.Equal((1, 1), (result.GetProperty("processed").GetInt32(), result.GetProperty("complained").GetInt32()));
        Assert.Equal("complained", await app.StatusOfAsync("annoyed@example.org"));
        await PostEntriesAsync(app, Delivery.DigestTestData.SecondDay);
        await RunAsync(app);
        Assert.Single(Digests(app, "annoyed@example.org"));
        Assert.NotEmpty(Digests(app, "happy@example.org"));
    }

    [Fact]
    public async Task ABounceWithAForgedVerpTag_ChangesNothing_AndStaysUnseenInTheInbox()
    {
        using var dovecot = DovecotServer.Start();
        await using var app = await StartAsync(dovecot, verp: true);
        await app.SubscribeAndConfirmAsync("victim@example.org");

        await dovecot.AppendAsync(BounceMessages.DeliveryStatus("bounces+d1-0123456789abcdef@newsletter.test", "victim@example.org", "5.1.1"));
        var result = await CheckAsync(app);

        Assert.Equal((0, 0, 1), (result.GetProperty("processed").GetInt32(), result.GetProperty("bounced").GetInt32(), result.GetProperty("ignored").GetInt32()));
        Assert.Equal("active", await app.StatusOfAsync("victim@example.org"));
        Assert.False(Assert.Single(await dovecot.ListAsync("INBOX")).Seen);
    }

    [Fact]
    public async Task Check_AnswersTheCounts_LeavesUnrelatedMailUnseen_AndAReadingTwiceChangesNothingMore()
    {
        using var dovecot = DovecotServer.Start();
        await using var app = await StartAsync(dovecot, verp: false);
        await app.SubscribeAndConfirmAsync("hard@example.org");
        await app.SubscribeAndConfirmAsync("soft@example.org");
        await dovecot.AppendAsync(BounceMessages.DeliveryStatus(ReturnPath, "hard@example.org", "5.1.1"));
        await dovecot.AppendAsync(BounceMessages.DeliveryStatus(ReturnPath, "soft@example.org", "4.2.2"));
        await dovecot.AppendAsync(BounceMessages.Unrelated(ReturnPath));
        await dovecot.AppendAsync(BounceMessages.DeliveryStatus(ReturnPath, "stranger@example.org", "5.1.1"));

        var first = await CheckAsync(app);
        var second = await CheckAsync(app);

        Assert.Equal("""{"processed":2,"bounced":1,"softBounced":1,"complained":0,"unsubscribed":0,"ignored":2}""", first.GetRawText());
        Assert.Equal("""{"processed":0,"bounced":0,"softBounced":0,"complained":0,"unsubscribed":0,"ignored":2}""", second.GetRawText());
        Assert.Equal(1, app.CountRows("soft_bounces"));
        Assert.Equal(["Lunch on Friday?", "Undelivered Mail Returned to Sender"], (await dovecot.ListAsync("INBOX")).Select(m => m.Subject).Order());
        Assert.All(await dovecot.ListAsync("INBOX"), m => Assert.False(m.Seen));
        Assert.Equal(2, (await dovecot.ListAsync("Processed")).Count);
    }

    [Fact]
    public async Task AMalformedDeliveryReport_ChangesNoOne_StaysUnseen_AndIsLoggedOnce()
    {
        using var dovecot = DovecotServer.Start();
        await using var app = await StartAsync(dovecot, verp: false);
        await app.SubscribeAndConfirmAsync("fine@example.org");
        await dovecot.AppendAsync(BounceMessages.MalformedDeliveryStatus(ReturnPath, "fine@example.org"));

        var first = await CheckAsync(app);
        var second = await CheckAsync(app);

        Assert.Equal((0, 1), (first.GetProperty("processed").GetInt32(), first.GetProperty("ignored").GetInt32()));
        Assert.Equal((0, 1), (second.GetProperty("processed").GetInt32(), second.GetProperty("ignored").GetInt32()));
        Assert.Equal("active", await app.StatusOfAsync("fine@example.org"));
        Assert.False(Assert.Single(await dovecot.ListAsync("INBOX")).Seen);
        Assert.Single(app.Logs, line => line.Contains("Left in the bounce mailbox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMailToTheListUnsubscribeMailto_FromTheSubscriber_Unsubscribes_ButNotFromAnotherAddress()
    {
        using var dovecot = DovecotServer.Start();
        await using var app = await StartAsync(dovecot, verp: false, new() { ["Bounces:Address"] = ReturnPath });
        var digest = await SendDigestAsync(app, "leaving@example.org");
        var mailto = System.Text.RegularExpressions.Regex.Match(digest.Headers["List-Unsubscribe"] ?? "", "<mailto:([^?>]+)\\?subject=unsubscribe>").Groups[1].Value;
        Assert.Matches(@"^bounces\+u[0-9]+-[0-9a-f]{16}@newsletter\.test$", mailto);

        await dovecot.AppendAsync(BounceMessages.Unsubscribe("someone-else@example.org", mailto));
        Assert.Equal(1, (await CheckAsync(app)).GetProperty("ignored").GetInt32());
        Assert.Equal("active", await app.StatusOfAsync("leaving@example.org"));

        await dovecot.AppendAsync(BounceMessages.Unsubscribe("Leaving <leaving@example.org>", mailto));
        Assert.Equal(1, (await CheckAsync(app)).GetProperty("unsubscribed").GetInt32());
        Assert.Equal("unsubscribed", await app.StatusOfAsync("leaving@example.org"));
    }

    [Fact]
    public async Task Check_WithoutAMailbox_Is409_AndWithTheMailboxDown_Is502()
    {
        await using (var none = await TestApp.StartAsync())
        {
            var response = await none.AdminClient().PostAsync("/api/bounces/check", null);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains("Bounces:Imap:Host", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Dictionary<string, string?> settings;
        using (var stopped = DovecotServer.Start())
        {
            settings = stopped.Settings;
        }

        await using var app = await TestApp.StartAsync(settings);
        var down = await app.AdminClient().PostAsync("/api/bounces/check", null);
        Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
        Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.PostAsync("/api/bounces/check", null)).StatusCode);
    }

    private static Task<TestApp> StartAsync(DovecotServer dovecot, bool verp, Dictionary<string, string?>? more = null)
    {
        var settings = dovecot.Settings;
        settings["Smtp:ReturnPath"] = ReturnPath;
        settings["Bounces:Verp"] = verp ? "true" : "false";
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return TestApp.StartAsync(settings);
    }

    private static async Task<MimeMessage> SendDigestAsync(TestApp app, string email)
    {
        await app.SubscribeAndConfirmAsync(email);
        await PostEntriesAsync(app, Delivery.DigestTestData.FirstDay);
        await RunAsync(app);
        return Assert.Single(Digests(app, email));
    }

    private static async Task<JsonElement> CheckAsync(TestApp app)
    {
        var response = await app.AdminClient().PostAsync("/api/bounces/check", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
