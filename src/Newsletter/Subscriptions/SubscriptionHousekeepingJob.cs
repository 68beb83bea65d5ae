using Microsoft.Extensions.Options;
using Newsletter.Configuration;

namespace Newsletter.Subscriptions;

/// <summary>
/// Recurring: forgets what we have no reason to keep. The per-address mail log after a day; and,
/// a day after the confirmation link lifetime, unconfirmed requests and addresses that never confirmed.
/// </summary>
public sealed class SubscriptionHousekeepingJob(
    SubscriberStore subscribers,
    SubscriptionRequestStore requests,
    IOptions<NewsletterOptions> newsletter,
    TimeProvider clock,
    ILogger<SubscriptionHousekeepingJob> logger)
{
    public static readonly TimeSpan KeepAddressMailLog = TimeSpan.FromDays(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var expired = now - newsletter.Value.ConfirmationLinkLifetime - TimeSpan.FromDays(1);
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        var mailLog = await requests.PurgeAddressMailsAsync(connection, now - KeepAddressMailLog);
        var addresses = await requests.PurgeNeverConfirmedAsync(connection, expired);
        var stale = await requests.PurgeExpiredRequestsAsync(connection, expired);
        logger.LogInformation(
            "Housekeeping removed {MailLog} address mail log rows, {Addresses} never-confirmed addresses and {Requests} expired requests",
            mailLog, addresses, stale);
    }
}
