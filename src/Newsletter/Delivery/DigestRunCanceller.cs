using Dapper;
using Newsletter.Data;

namespace Newsletter.Delivery;

/// <summary>
/// Cancels a queued, running or paused run: the run ends 'failed' with the reason "cancelled by the
/// operator", what is still queued becomes 'skipped' (final), and a queued delivery whose entries were
/// already chosen gives them back, so the subscriber's next digest can hold them. Deliveries being
/// sent at that moment finish as they are (the relay may already have them).
/// </summary>
public sealed class DigestRunCanceller(DeliveryStore store, SqlCatalog sql, TimeProvider clock, ILogger<DigestRunCanceller> logger)
{
    public const string Reason = "cancelled by the operator";
    private readonly string failRun = sql["fail-run"];
    private readonly string listSelected = sql["admin-list-selected-queued-deliveries"];
    private readonly string skipOne = sql["skip-queued-delivery"];
    private readonly string skipRest = sql["admin-skip-queued-run-deliveries"];

    /// <returns>false when the run does not exist or has already ended.</returns>
    public async Task<bool> CancelAsync(long runId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        // First, so batch jobs see a run that is no longer live and stop claiming.
        if (await connection.ExecuteAsync(failRun, new { Id = runId, Reason, Now = now }, tx) != 1)
        {
            return false;
        }

        foreach (var (deliveryId, subscriberId) in await connection.QueryAsync<(long, long)>(listSelected, new { RunId = runId }, tx))
        {
            if (await connection.ExecuteAsync(skipOne, new { Id = deliveryId, Error = Reason, Now = now }, tx) == 1)
            {
                await store.GiveBackEntriesAsync(tx, deliveryId, subscriberId);
            }
        }

        var skipped = await connection.ExecuteAsync(skipRest, new { RunId = runId, Error = Reason, Now = now }, tx);
        await tx.CommitAsync(cancellationToken);
        logger.LogWarning("Digest run {RunId} cancelled by the operator; {Skipped} queued deliveries skipped", runId, skipped);
        return true;
    }
}
