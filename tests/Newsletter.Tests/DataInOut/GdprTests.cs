using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Infrastructure;
using static Newsletter.Tests.DataInOut.ImportClient;

namespace Newsletter.Tests.DataInOut;

[Collection(AppCollection.Name)]
public sealed class GdprTests
{
    /// <summary>Tables that hold something of one subscriber, by the column that names them.</summary>
    private static readonly string[] LinkedTables =
        ["subscriber_topics", "interests", "subscription_requests", "consent_events", "deliveries", "sent_entries", "feedback", "soft_bounces"];

    [Fact]
    public async Task MyDataExport_IsADownloadOfEverythingHeld_RequestsConsentDigestsThumbsAndReports()
    {
        await using var app = await TestApp.StartAsync();
        var (preferences, id) = await SubscriberWithHistoryAsync(app, "owner@example.org");

        var response = await app.Client.GetAsync($"{preferences}/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.EndsWith(".json", response.Content.Headers.ContentDisposition.FileName!.Trim('"'), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var data = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("owner@example.org", data.GetProperty("subscriber").GetProperty("email").GetString());
        Assert.Equal("active", data.GetProperty("subscriber").GetProperty("status").GetString());
        Assert.Equal(["code-models"], data.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["program synthesis"], data.GetProperty("interests").EnumerateArray().Select(t => t.GetString()));
        var request = Assert.Single(data.GetProperty("subscriptionRequests").EnumerateArray());
        Assert.Equal("api", request.GetProperty("source").GetString());
        Assert.Equal("127.0.0.1", request.GetProperty("clientIp").GetString());
        var kinds = data.GetProperty("consentTrail").EnumerateArray().Select(c => c.GetProperty("kind").GetString()).ToList();
        Assert.Contains("subscription-requested", kinds);
        Assert.Contains("confirmed", kinds);
        var digest = Assert.Single(data.GetProperty("digests").EnumerateArray());
        Assert.Equal("sent", digest.GetProperty("state").GetString());
        Assert.Contains(digest.GetProperty("entries").EnumerateArray(), e => e.GetProperty("title").GetString() == "Program synthesis with large code models");
        var thumb = Assert.Single(data.GetProperty("feedback").EnumerateArray());
        Assert.Equal("up", thumb.GetProperty("vote").GetString());
        Assert.Equal("4.2.2", Assert.Single(data.GetProperty("deliveryReports").EnumerateArray()).GetProperty("status").GetString());
        Assert.Contains(data.GetProperty("emailsCausedByRequests").EnumerateArray(), m => m.GetProperty("kind").GetString() == "confirmation");

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/preferences/not-a-token/export")).StatusCode);
        Assert.True(id > 0);
    }

    [Fact]
    public async Task DeleteMyData_AfterConfirming_ErasesEverythingLinked_LeavingOnlyAKeyedSuppressionEntry()
    {
        await using var app = await TestApp.StartAsync();
        var (preferences, id) = await SubscriberWithHistoryAsync(app, "leaver@example.org");
        await app.SubscribeAndConfirmAsync("stayer@example.org", ["code-models"]);
        var deliveryIds = string.Join(',', Enumerable.Range(0, (int)app.CountRows($"deliveries WHERE subscriber_id = {id}"))
            .Select(i => app.Database.Scalar<long>($"SELECT id FROM deliveries WHERE subscriber_id = {id} ORDER BY id LIMIT 1 OFFSET {i}")));
        Assert.True(app.CountRows($"delivery_entries WHERE delivery_id IN ({deliveryIds})") > 0);
        foreach (var table in LinkedTables)
        {
            Assert.True(app.CountRows($"{table} WHERE subscriber_id = {id}") > 0, $"The test subscriber has no rows in {table}.");
        }

        using var browser = app.NewClient(cookies: true);
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var page = await browser.GetStringAsync(preferences);
        Assert.Contains($"{preferences}/delete", page, StringComparison.Ordinal);
        Assert.Contains($"{preferences}/export", page, StringComparison.Ordinal);
        var confirmPage = await browser.GetStringAsync($"{preferences}/delete");
        Assert.Contains("Delete my data", confirmPage, StringComparison.Ordinal);
        Assert.Equal(1, app.CountRows("subscribers WHERE email = 'leaver@example.org'"));

        var deleted = await browser.PostAsync($"{preferences}/delete", new FormUrlEncodedContent(
            [new("__antiforgery", TestApp.AntiforgeryToken(confirmPage)), new("confirm", "yes")]));

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Contains("Your data is deleted", await deleted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, app.CountRows($"subscribers WHERE id = {id}"));
        foreach (var table in LinkedTables)
        {
            Assert.Equal(0, app.CountRows($"{table} WHERE subscriber_id = {id}"));
        }

        Assert.Equal(0, app.CountRows($"delivery_entries WHERE delivery_id IN ({deliveryIds})"));
        Assert.Equal(0, app.CountRows("address_mail_log WHERE email = 'leaver@example.org'"));
        var hash = app.Database.Scalar<string>("SELECT address_hash FROM suppressed_addresses")!;
        Assert.Equal(1, app.CountRows("suppressed_addresses"));
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("leaver@example.org"))), hash);
        Assert.Equal(1, app.CountRows("subscribers WHERE email = 'stayer@example.org'"));
        Assert.True(app.CountRows("subscriber_topics") > 0, "The other subscriber keeps their topics.");

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(preferences)).StatusCode);
        Assert.Null(await app.StatusOfAsync("leaver@example.org"));
    }

    [Fact]
    public async Task DeleteMyData_WithoutTheAntiforgeryToken_OrWithoutTheConfirmTick_DeletesNothing()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("careful@example.org");
        var preferences = new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath;
        using var browser = app.NewClient(cookies: true);
        var confirmPage = await browser.GetStringAsync($"{preferences}/delete");

        var forged = await app.Client.PostAsync($"{preferences}/delete", new FormUrlEncodedContent([new("confirm", "yes")]));
        var unticked = await browser.PostAsync($"{preferences}/delete", new FormUrlEncodedContent([new("__antiforgery", TestApp.AntiforgeryToken(confirmPage))]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unticked.StatusCode);
        Assert.Equal("active", await app.StatusOfAsync("careful@example.org"));
        Assert.Equal(0, app.CountRows("suppressed_addresses"));
    }

    [Fact]
    public async Task ErasedAddress_IsNotReimportedWithoutNewConsent_NorWithConsentOlderThanTheErasure_ButIsWithConsentGivenSince()
    {
        await using var app = await TestApp.StartAsync();
        await ImportAsync(app, $"{Header}\nerased@example.org,code-models,,,2025-01-01T00:00:00Z,form\n");
        Assert.Equal(HttpStatusCode.NoContent, (await app.AdminClient().DeleteAsync("/api/subscribers?email=erased@example.org")).StatusCode);

        var withoutConsent = await ImportAsync(app, $"{Header}\nErased@Example.org,code-models,,,,\n");
        var oldConsent = await ImportAsync(app, $"{Header}\nerased@example.org,code-models,,,2025-01-01T00:00:00Z,form\n");

        Assert.Equal(1, Count(withoutConsent, "skippedSuppressed"));
        Assert.Equal(0, Count(withoutConsent, "pendingConfirmation"));
        Assert.Equal(1, Count(oldConsent, "skippedSuppressed"));
        Assert.Equal(0, app.CountRows("subscribers"));
        await Task.Delay(1000);
        Assert.Empty(app.Smtp!.To("erased@example.org"));

        var since = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        await Task.Delay(20);
        var newConsent = await ImportAsync(app, $"{Header}\nerased@example.org,code-models,,,{since},new signup at the conference\n");
        Assert.Equal(1, Count(newConsent, "importedActive"));
        Assert.Equal("active", await app.StatusOfAsync("erased@example.org"));
    }

    [Fact]
    public async Task PublicSubscribe_AfterErasure_IsFreshConsent_ThroughDoubleOptIn_AndTheOldLinksStayDead()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("back@example.org");
        var oldPreferences = new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath;
        Assert.Equal(HttpStatusCode.NoContent, (await app.AdminClient().DeleteAsync("/api/subscribers?email=back@example.org")).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await app.SubscribeAsync("back@example.org", ["long-context"])).StatusCode);
        await LifecycleWait(() => app.Smtp!.To("back@example.org").Count(m => m.Subject!.Contains("Confirm", StringComparison.Ordinal)) == 2);
        var confirmation = app.Smtp!.To("back@example.org").Last(m => m.Subject!.Contains("Confirm", StringComparison.Ordinal));
        (await app.Client.PostAsync(new Uri(TestApp.LinkIn(confirmation, "/confirm/")).AbsolutePath, null)).EnsureSuccessStatusCode();

        Assert.Equal("active", await app.StatusOfAsync("back@example.org"));
        // The erased subscriber's links name an id no one else may ever get (SQLite would reuse the highest).
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(oldPreferences)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(new Uri(TestApp.LinkIn(welcome, "/unsubscribe/")).AbsolutePath)).StatusCode);
    }

    [Fact]
    public async Task ErasingTheNewestSubscriber_DoesNotHandTheirLinksToTheNextSignup()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("first@example.org");
        var oldPreferences = new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath;
        Assert.Equal(HttpStatusCode.NoContent, (await app.AdminClient().DeleteAsync("/api/subscribers?email=first@example.org")).StatusCode);

        await app.SubscribeAndConfirmAsync("second@example.org");

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(oldPreferences)).StatusCode);
    }

    private static Task LifecycleWait(Func<bool> condition) => Subscriptions.LifecycleTests.WaitUntilAsync(condition);

    [Fact]
    public async Task DeleteApi_ErasesByAddress_Answers404ForAnUnknownAddress_400ForABadOne_401WithoutTheKey()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("gone@example.org", ["code-models"], "some interest");

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.DeleteAsync("/api/subscribers?email=gone@example.org")).StatusCode);
        Assert.Equal("active", await app.StatusOfAsync("gone@example.org"));

        Assert.Equal(HttpStatusCode.NoContent, (await app.AdminClient().DeleteAsync("/api/subscribers?email=GONE@example.org")).StatusCode);
        Assert.Null(await app.StatusOfAsync("gone@example.org"));
        Assert.Equal(0, app.CountRows("subscribers"));
        Assert.Equal(0, app.CountRows("consent_events"));
        Assert.Equal(0, app.CountRows("interests"));
        Assert.Equal(1, app.CountRows("suppressed_addresses"));

        var unknown = await app.AdminClient().DeleteAsync("/api/subscribers?email=gone@example.org");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var bad = await app.AdminClient().DeleteAsync("/api/subscribers?email=not-an-address");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await ProblemAsync(bad)).GetProperty("errors").TryGetProperty("email", out _));
    }

    /// <summary>
    /// A subscriber with something in every table: a confirmed request, a digest with entries (and the
    /// sent-entries ledger), a thumb up, and a soft bounce report (written as the bounce reader would).
    /// </summary>
    private static async Task<(string Preferences, long Id)> SubscriberWithHistoryAsync(TestApp app, string email)
    {
        var welcome = await app.SubscribeAndConfirmAsync(email, ["code-models"], "program synthesis");
        var preferences = new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath;
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        await DigestDeliveryTests.RunAsync(app);
        var digest = DigestDeliveryTests.Digests(app, email).Single();
        var up = new Uri(Regex.Match(digest.TextBody ?? "", @"More like this:\s+(\S+)").Groups[1].Value);
        var entry = System.Web.HttpUtility.ParseQueryString(up.Query)["entry"]!;
        (await app.Client.PostAsync(up.AbsolutePath, new FormUrlEncodedContent([new("entry", entry), new("vote", "up")]))).EnsureSuccessStatusCode();
        var id = app.Database.Scalar<long>("SELECT id FROM subscribers WHERE email = @Email", new { Email = email });
        app.Execute($"INSERT INTO soft_bounces (subscriber_id, report_id, status, received_at) VALUES ({id}, '<report-1@mx.example>', '4.2.2', CURRENT_TIMESTAMP)");
        return (preferences, id);
    }
}
