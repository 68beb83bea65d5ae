using Hangfire;
using Microsoft.Extensions.Options;
using Newsletter.Configuration;

namespace Newsletter.Subscriptions;

/// <summary>
/// Recurring, and once at every start: a subscription request is committed first and its confirmation
/// job enqueued after, so a crash in between would leave it unmailed. Requests still unmailed after
/// <see cref="Grace"/> (their job would have run by then) get their job enqueued again, once each;
/// the job itself skips a request whose email went out meanwhile.
/// </summary>
public sealed class ConfirmationSweepJob(
    SubscriberStore subscribers,
    SubscriptionRequestStore requests,
    IBackgroundJobClient jobs,
    IOptions<NewsletterOptions> newsletter,
    TimeProvider clock,
    ILogger<ConfirmationSweepJob> logger)
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        var swept = 0;
        foreach (var (id, subscriberId) in await requests.UnmailedAsync(connection, now - newsletter.Value.ConfirmationLinkLifetime, now - Grace))
        {
            if (await requests.MarkSweptAsync(connection, id, now))
            {
                jobs.Enqueue<SubscriptionEmailJobs>(j => j.SendConfirmationAsync(subscriberId, id, CancellationToken.None));
                swept++;
            }
        }

        if (swept > 0)
        {
            logger.LogWarning("{Count} subscription requests had no confirmation email after {Grace}; enqueued it again", swept, Grace);
        }
    }
}
