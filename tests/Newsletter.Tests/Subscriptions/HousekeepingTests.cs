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
    public async Task AddressMailLogCleanup_DropsRowsOlderThanADay_AndKeepsRecentOnes()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAsync("old@example.org");
        await app.SubscribeAsync("new@example.org");
        app.Execute("UPDATE address_mail_log SET created_at = '2000-01-01 00:00:00' WHERE email = 'old@example.org'");

        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AddressMailLogCleanupJob>().RunAsync(CancellationToken.None);
        }

        Assert.Equal(1, app.CountRows("address_mail_log WHERE email = 'new@example.org'"));
        Assert.Equal(0, app.CountRows("address_mail_log WHERE email = 'old@example.org'"));
    }

    [Fact]
    public async Task RecurringJobs_AreRegisteredOnceWithStableIds_AcrossRestarts()
    {
        await using var app = await TestApp.StartAsync();
        await app.RestartAsync();

        using var connection = app.Services.GetRequiredService<JobStorage>().GetConnection();
        var jobs = connection.GetRecurringJobs();
        Assert.Single(jobs, j => j.Id == "purge-address-mail-log");
    }

    [Theory]
    [InlineData("http://+:8080", "http://localhost:8080")]
    [InlineData("http://0.0.0.0:5000", "http://localhost:5000")]
    [InlineData("http://[::]:80", "http://localhost:80")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000")]
    public void LinksFromWildcardBindings_PointAtLocalhost(string listening, string expected) =>
        Assert.Equal(expected, PublicUrls.Reachable(listening));
}
