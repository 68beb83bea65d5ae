using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Subscriptions;
using Newsletter.Tests.Infrastructure;
using Newsletter.Web;

namespace Newsletter.Tests.Subscriptions;

[Collection(AppCollection.Name)]
public sealed class HousekeepingTests
{
    [Fact]
    public async Task ARequestCommittedJustBeforeACrash_IsStillMailedAfterRestart_Once()
    {
        await using var app = await TestApp.StartAsync();
        // What a crash between the request's commit and the enqueue of its job leaves: the rows, no job.
        var tenMinutesAgo = DateTime.UtcNow.AddMinutes(-10).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        app.Execute($"INSERT INTO subscribers (email, status, created_at, updated_at) VALUES ('lost@example.org', 'pending', '{tenMinutesAgo}', '{tenMinutesAgo}')");
        app.Execute("INSERT INTO subscription_requests (subscriber_id, topics, interests, frequency, source, created_at) "
            + $"SELECT id, '[]', '', 'daily', 'api', '{tenMinutesAgo}' FROM subscribers WHERE email = 'lost@example.org'");

        await app.RestartAsync();

        var confirmation = await app.Smtp!.WaitForAsync("lost@example.org", "Confirm");
        Assert.Contains("/confirm/", confirmation.TextBody, StringComparison.Ordinal);
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConfirmationSweepJob>().RunAsync(CancellationToken.None);
        }

        await Task.Delay(1500);
        Assert.Single(app.Smtp.To("lost@example.org"));
    }

    [Fact]
    public async Task AddressMailLogCleanup_DropsRowsOlderThanADay_AndKeepsRecentOnes()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAsync("old@example.org");
        await app.SubscribeAsync("new@example.org");
        app.Execute("UPDATE address_mail_log SET created_at = '2000-01-01 00:00:00' WHERE email = 'old@example.org'");

        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<SubscriptionHousekeepingJob>().RunAsync(CancellationToken.None);
        }

        Assert.Equal(1, app.CountRows("address_mail_log WHERE email = 'new@example.org'"));
        Assert.Equal(0, app.CountRows("address_mail_log WHERE email = 'old@example.org'"));
    }

    [Fact]
    public async Task Housekeeping_ForgetsAddressesThatNeverConfirmed_AfterTheLinkExpired_AndKeepsEveryoneElse()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("member@example.org", ["code-models"]);
        await app.SubscribeAsync("member@example.org");            // active: a notice, no request
        await app.SubscribeAsync("stale@example.org");
        await app.SubscribeAsync("fresh@example.org");
        await app.Smtp!.WaitForAsync("stale@example.org", "Confirm");
        app.Execute("UPDATE subscription_requests SET created_at = '2000-01-01 00:00:00' WHERE subscriber_id IN (SELECT id FROM subscribers WHERE email IN ('stale@example.org', 'member@example.org'))");

        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<SubscriptionHousekeepingJob>().RunAsync(CancellationToken.None);
        }

        Assert.Null(await app.StatusOfAsync("stale@example.org"));
        Assert.Equal("pending", await app.StatusOfAsync("fresh@example.org"));
        Assert.Equal("active", await app.StatusOfAsync("member@example.org"));
        Assert.Equal(0, app.CountRows("consent_events WHERE subscriber_id NOT IN (SELECT id FROM subscribers)"));
        // The member's confirmed request stays: it is what they agreed to.
        Assert.Equal(1, app.CountRows("subscription_requests WHERE confirmed_at IS NOT NULL"));
    }

    [Fact]
    public async Task RecurringJobs_AreRegisteredOnceWithStableIds_AcrossRestarts()
    {
        await using var app = await TestApp.StartAsync();
        await app.RestartAsync();

        using var connection = app.Services.GetRequiredService<JobStorage>().GetConnection();
        var jobs = connection.GetRecurringJobs();
        Assert.Single(jobs, j => j.Id == "subscription-housekeeping");
    }

    [Theory]
    [InlineData("http://+:8080", "http://localhost:8080")]
    [InlineData("http://0.0.0.0:5000", "http://localhost:5000")]
    [InlineData("http://[::]:80", "http://localhost:80")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000")]
    public void LinksFromWildcardBindings_PointAtLocalhost(string listening, string expected) =>
        Assert.Equal(expected, PublicUrls.Reachable(listening));

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void RateLimitPartitions_ArePerIPv4AddressAndPerIPv6Slash64(string address, string key) =>
        Assert.Equal(key, SubscriptionRateLimits.ClientKey(System.Net.IPAddress.Parse(address)));
}
