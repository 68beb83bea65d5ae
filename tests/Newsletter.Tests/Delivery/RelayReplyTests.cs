using SmtpServer.Protocol;
using Newsletter.Tests.Infrastructure;
using static Newsletter.Tests.Delivery.DigestDeliveryTests;

namespace Newsletter.Tests.Delivery;

/// <summary>What a relay's replies do to a run: a refusal of us pauses it, only a gone address bounces, a slow domain is slowed alone.</summary>
[Collection(AppCollection.Name)]
public sealed class RelayReplyTests
{
    [Fact]
    public async Task ARelayThatRefusesEveryRecipientWithABare550_PausesTheRun_SaysWhy_AndBouncesNoOne()
    {
        await using var app = await TestApp.StartAsync();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await app.SubscribeAndConfirmAsync($"{name}@example.org");
        }

        await PostEntriesAsync(app, DigestTestData.FirstDay);
        app.Smtp!.RecipientLog.Clear();   // the confirmations and welcomes are done; only the digests count
        app.Smtp.RecipientReply = _ => new SmtpResponse((SmtpReplyCode)550, "relay not permitted");

        var paused = await RunAsync(app, until: "paused");

        Assert.Contains("relay not permitted", paused.GetProperty("pausedReason").GetString(), StringComparison.Ordinal);
        Assert.Equal((0, 3), (paused.GetProperty("failed").GetInt32(), paused.GetProperty("pending").GetInt32()));
        Assert.Single(app.Smtp.RecipientLog);   // paused at the first refusal, not after trying the whole list
        foreach (var name in new[] { "a", "b", "c" })
        {
            Assert.Equal("active", await app.StatusOfAsync($"{name}@example.org"));
        }
    }

    [Fact]
    public async Task PostfixsUserUnknownInRelayRecipientTable_BouncesThatAddressOnly_AndTheRunGoesOn()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("gone@example.org");
        await app.SubscribeAndConfirmAsync("here@example.org");
        await PostEntriesAsync(app, DigestTestData.FirstDay);
        app.Smtp!.RecipientLog.Clear();   // the confirmations and welcomes are done; only the digests count
        app.Smtp.RecipientReply = address => address == "gone@example.org"
            ? new SmtpResponse((SmtpReplyCode)550, "5.1.1 <gone@example.org>: Recipient address rejected: User unknown in relay recipient table")
            : null;

        var run = await RunAsync(app);

        Assert.Equal((1, 1), (run.GetProperty("sent").GetInt32(), run.GetProperty("failed").GetInt32()));
        Assert.Equal("bounced", await app.StatusOfAsync("gone@example.org"));
        Assert.Equal("active", await app.StatusOfAsync("here@example.org"));
    }

    [Fact]
    public async Task A451FromOneDomain_SpacesThatDomainsNextMessages_WhileOtherDomainsGoOnAtOnce_AndAllArrive()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["Delivery:RetryDelays:0"] = "00:00:01",
            ["Hangfire:SchedulePollingInterval"] = "00:00:01",
        });
        // Sent in this order (deliveries go by id): the first slow.example one is told to slow down.
        foreach (var address in new[] { "one@slow.example", "one@fast.example", "two@slow.example", "three@slow.example" })
        {
            await app.SubscribeAndConfirmAsync(address);
        }

        await PostEntriesAsync(app, DigestTestData.FirstDay);
        var slowedDown = 0;
        app.Smtp!.RecipientLog.Clear();
        app.Smtp.RecipientReply = address => address.EndsWith("@slow.example", StringComparison.Ordinal) && Interlocked.Exchange(ref slowedDown, 1) == 0
            ? new SmtpResponse((SmtpReplyCode)451, "4.7.1 Too many messages from your IP, slow down")
            : null;

        var run = await RunAsync(app, seconds: 40);

        Assert.Equal((4, 0), (run.GetProperty("sent").GetInt32(), run.GetProperty("failed").GetInt32()));
        var log = app.Smtp.RecipientLog.ToList();
        var refusedAt = log.Single(r => r.Code == 451).At;
        // The other domain was not held back ...
        Assert.True(log.First(r => r.Address == "one@fast.example").At - refusedAt < TimeSpan.FromSeconds(0.8), string.Join("\n", log));
        // ... while slow.example's next messages came at least a second apart after its 451.
        var slowAfter = log.Where(r => r.Address.EndsWith("@slow.example", StringComparison.Ordinal) && r.Code == 250).Select(r => r.At).Order().ToList();
        Assert.Equal(3, slowAfter.Count);
        Assert.All(slowAfter.Zip(slowAfter.Skip(1)).Prepend((refusedAt, slowAfter[0])), pair => Assert.True(pair.Item2 - pair.Item1 >= TimeSpan.FromSeconds(0.9), string.Join("\n", log)));
    }

    [Fact]
    public async Task PerDomainMessagesPerSecond_SpacesMessagesToOneDomain()
    {
        await using var app = await TestApp.StartAsync(new() { ["Delivery:PerDomainMessagesPerSecond"] = "4" });
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await app.SubscribeAndConfirmAsync($"{name}@capped.example");
        }

        await PostEntriesAsync(app, DigestTestData.FirstDay);
        app.Smtp!.RecipientLog.Clear();

        var run = await RunAsync(app);

        Assert.Equal(4, run.GetProperty("sent").GetInt32());
        var times = app.Smtp.RecipientLog.Where(r => r.Address.EndsWith("@capped.example", StringComparison.Ordinal) && r.Code == 250)
            .Select(r => r.At).Order().ToList();
        Assert.Equal(4, times.Count);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(0.2), string.Join("\n", times)));
    }
}
