using System.Net;
using Newsletter.Tests.Infrastructure;
using Newsletter.Tests.Subscriptions;

namespace Newsletter.Tests.Email;

[Collection(AppCollection.Name)]
public sealed class DeliveryFailureTests
{
    [Fact]
    public async Task ConfirmationRefusedWith451_IsRetried_AndArrivesOnce()
    {
        await using var app = await TestApp.StartAsync(new() { ["Hangfire:SchedulePollingInterval"] = "00:00:01" });
        app.Smtp!.TemporaryFailuresLeft = 1;

        Assert.Equal(HttpStatusCode.Accepted, (await app.SubscribeAsync("later@example.org")).StatusCode);

        await app.Smtp.WaitForAsync("later@example.org", "Confirm", TimeSpan.FromSeconds(40));
        Assert.Equal(["451 at DATA"], app.Smtp.Refusals);
        await Task.Delay(2000);
        Assert.Single(app.Smtp.To("later@example.org"));
    }

    [Fact]
    public async Task RelayPolicyRefusal554_5_7_1_BouncesNoOne()
    {
        await using var app = await TestApp.StartAsync();
        app.Smtp!.DenyRelaying = true;

        Assert.Equal(HttpStatusCode.Accepted, (await app.SubscribeAsync("innocent@example.org")).StatusCode);

        await LifecycleTests.WaitUntilAsync(() => !app.Smtp.Refusals.IsEmpty);
        await Task.Delay(1000);
        // The relay's 554 5.7.1 really reached the sender (not, say, a dropped connection) ...
        Assert.Contains(app.Logs, line => line.Contains("refused the confirmation email", StringComparison.Ordinal) && line.Contains("554", StringComparison.Ordinal));
        // ... and still nobody was marked bounced.
        Assert.Equal("pending", await app.StatusOfAsync("innocent@example.org"));
    }

    [Fact]
    public async Task ConfirmationRefusedWith550ForTheRecipient_MarksTheSubscriberBounced_AndIsNotRetried()
    {
        await using var app = await TestApp.StartAsync(new() { ["Hangfire:SchedulePollingInterval"] = "00:00:01" });
        app.Smtp!.RefusedRecipients["nobody@example.org"] = true;

        Assert.Equal(HttpStatusCode.Accepted, (await app.SubscribeAsync("nobody@example.org")).StatusCode);

        await LifecycleTests.WaitUntilAsync(() => app.StatusOfAsync("nobody@example.org").GetAwaiter().GetResult() == "bounced");
        await Task.Delay(7000);
        Assert.Single(app.Smtp.Refusals);
        Assert.Empty(app.Smtp.Messages);
    }
}
