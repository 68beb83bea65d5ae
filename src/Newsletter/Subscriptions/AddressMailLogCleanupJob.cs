namespace Newsletter.Subscriptions;

/// <summary>Recurring: drops per-address mail log rows older than a day, so the table stays small.</summary>
public sealed class AddressMailLogCleanupJob(SubscriberStore subscribers, SubscriptionRequestStore requests, TimeProvider clock, ILogger<AddressMailLogCleanupJob> logger)
{
    public static readonly TimeSpan Keep = TimeSpan.FromDays(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        var removed = await requests.PurgeAddressMailsAsync(connection, clock.GetUtcNow().UtcDateTime - Keep);
        logger.LogInformation("Removed {Count} address mail log rows older than {Keep}", removed, Keep);
    }
}
