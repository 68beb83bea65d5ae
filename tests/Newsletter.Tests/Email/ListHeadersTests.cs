using Microsoft.Extensions.Configuration;
using Newsletter.Configuration;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Email;

/// <summary>Headers as the relay receives them (the real test SMTP server), and the settings that shape them.</summary>
[Collection(AppCollection.Name)]
public sealed class ListHeadersTests
{
    [Fact]
    public async Task Digests_HaveRandomMessageIdsOnTheFromDomain_AndAFeedbackIdOfRunListAndSender()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("one@example.org");
        await app.SubscribeAndConfirmAsync("two@example.org");
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        var run = await DigestDeliveryTests.RunAsync(app);
        var digests = new[] { "one@example.org", "two@example.org" }.Select(a => Assert.Single(DigestDeliveryTests.Digests(app, a))).ToList();

        var ids = digests.Select(d => d.MessageId).ToList();
        Assert.All(ids, id => Assert.Matches(@"^[A-Z0-9.]{20,}@newsletter\.test$", id)); // no counter, no delivery number
        Assert.NotEqual(ids[0], ids[1]);
        Assert.All(ids, id => Assert.Equal(1L, app.Database.Scalar<long>("SELECT COUNT(*) FROM deliveries WHERE message_id = @Id", new { Id = id })));
        Assert.All(digests, d => Assert.Equal($"run-{run.GetProperty("id").GetInt64()}:digest:paper-digest", d.Headers["Feedback-ID"]));
    }

    [Fact]
    public async Task ListId_IsOnDigestsAndTheWelcome_NotOnTheConfirmationOrTheAlreadySubscribedNotice()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("lists@example.org");
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        await DigestDeliveryTests.RunAsync(app);
        await app.SubscribeAsync("lists@example.org");
        var notice = await app.Smtp!.WaitForAsync("lists@example.org", "already subscribed");

        const string listId = "\"Paper Digest\" <digest.newsletter.test>";
        Assert.Equal(listId, welcome.Headers["List-Id"]);
        Assert.Equal(listId, Assert.Single(DigestDeliveryTests.Digests(app, "lists@example.org")).Headers["List-Id"]);
        Assert.Null(app.Smtp.To("lists@example.org").Single(m => m.Subject?.StartsWith("Confirm", StringComparison.Ordinal) == true).Headers["List-Id"]);
        Assert.Null(notice.Headers["List-Id"]);
    }

    [Fact]
    public async Task SmtpHeloName_IsWhatTheRelaySeesInEhlo()
    {
        await using var app = await TestApp.StartAsync(new() { ["Smtp:HeloName"] = "mail.newsletter.test" });
        await app.SubscribeAsync("helo@example.org");
        await app.Smtp!.WaitForAsync("helo@example.org", "Confirm");

        Assert.Equal("mail.newsletter.test", Assert.Single(app.Smtp.HeloNames.Distinct()));
    }

    [Fact]
    public async Task BadHeloName_RefusesStart_NamingTheKey()
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => TestApp.StartAsync(new() { ["Smtp:HeloName"] = "not a host" }));
        Assert.Contains("Smtp:HeloName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainHttpPublicBaseUrl_OnAPublicHost_WithARelay_RefusesStart_NamingTheKey()
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => TestApp.StartAsync(new() { ["Newsletter:PublicBaseUrl"] = "http://digest.example.org" }));
        Assert.Contains("Newsletter:PublicBaseUrl must be https", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://digest.example.org", "relay.example.org")]
    [InlineData("http://localhost:5000", "relay.example.org")]
    [InlineData("http://127.0.0.1:8080", "relay.example.org")]
    [InlineData("http://[::1]:8080", "relay.example.org")]
    [InlineData("http://digest.example.org", null)]
    public void PublicBaseUrl_IsAccepted_OverHttps_OnLoopback_OrWithTheMailCatcher(string baseUrl, string? relay)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Newsletter:PublicBaseUrl"] = baseUrl,
            ["Smtp:Host"] = relay,
            ["Smtp:From"] = "Paper Digest <digest@newsletter.test>",
        }).Build();

        Assert.Equal(baseUrl, StartupSettings.Read(configuration, AppContext.BaseDirectory).Newsletter.PublicBaseUrl);
    }
}
