using System.Data.Common;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Newsletter.Delivery;

/// <summary>
/// Sends one batch of a run, a chunk at a time, over one SMTP connection, as a pipeline: while one
/// chunk is being sent, the next is prepared (<see cref="DeliveryClaimer.PrepareAsync"/>: planned
/// outside any lock, its digests recorded, its rows still queued). Between the two, one short write
/// records the sent chunk's outcomes and claims the prepared one for sending; the lease is renewed
/// once a chunk. After a crash the rows left 'sending' are at most the chunk in flight, and become
/// 'uncertain': counted, never re-sent. A prepared chunk stays queued and is sent later.
/// </summary>
[Queue(DeliveryQueue)]
[AutomaticRetry(Attempts = 0)] // retries are per delivery; a crashed job is picked up by the supervisor
public sealed class DeliveryBatchJob(
    DeliveryStore store,
    DigestRunStore runs,
    DeliveryClaimer claimer,
    ChunkSender sender,
    Subscriptions.SubscriptionService lifecycle,
    DeliveryThrottle throttle,
    IBackgroundJobClient jobs,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    ILogger<DeliveryBatchJob> logger)
{
    /// <summary>Batch jobs run on their own Hangfire queue, so a long run never delays confirmations or retries.</summary>
    public const string DeliveryQueue = "delivery";

    private readonly DeliveryOptions delivery = options.Value;
    private readonly string leaseOwner = Guid.NewGuid().ToString("N");

    /// <param name="cancellationToken">Hangfire's shutdown token: the chunk in hand is finished and recorded, the rest left queued.</param>
    public async Task RunAsync(long batchId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(CancellationToken.None);
        if (await store.RunOfBatchAsync(connection, batchId) is not { } runId)
        {
            return;
        }

        using var slot = await throttle.ConnectionAsync(cancellationToken);
        if (!await store.LeaseAsync(connection, batchId, leaseOwner, Now(), delivery.BatchLease))
        {
            return; // another worker holds this batch
        }

        try
        {
            await store.StartRunAsync(connection, runId);
            await SendBatchAsync(connection, runId, batchId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RecordFailureAsync(runId, batchId, e);
            throw;
        }
        finally
        {
            await sender.DisposeAsync();
            await store.ReleaseAsync(connection, batchId, leaseOwner);
            await ScheduleRetriesAsync(connection, batchId);
            await runs.CompleteIfDoneAsync(runId, Now(), CancellationToken.None);
        }
    }

    /// <summary>
    /// The pipeline: record the chunk just sent and claim the prepared one (one write), then send it
    /// while preparing the next. Ends when the batch has nothing more to send now, the run stopped or
    /// paused, the lease was lost, or the process is stopping.
    /// </summary>
    private async Task SendBatchAsync(DbConnection connection, long runId, long batchId, CancellationToken shutdown)
    {
        var prepared = await PrepareNextAsync(connection, runId, batchId);
        IReadOnlyList<DeliveryResult> sent = [];
        Streak? streak = null;
        while (true)
        {
            var (chunk, streakSoFar, stop) = await RecordAndClaimAsync(connection, runId, sent, streak, shutdown.IsCancellationRequested ? null : prepared);
            await RecordBouncesAsync(sent);
            if (stop is not null)
            {
                await store.PauseAsync(connection, runId, stop);
                logger.LogWarning("Paused digest run {RunId}: {Reason}", runId, stop);
                return;
            }

            if (prepared is not { DueCount: > 0 } || shutdown.IsCancellationRequested)
            {
                return;
            }

            streak = new Streak(streakSoFar);
            var sending = sender.SendAsync(runId, chunk, streak, shutdown);
            var preparing = PrepareNextAsync(connection, runId, batchId);
            try
            {
                await Task.WhenAll(sending, preparing);
            }
            catch when (sending.IsCompletedSuccessfully)
            {
                // Preparing failed (the database went away?): what was sent is recorded before the job gives up.
                await RecordAndClaimAsync(connection, runId, sending.Result, streak, prepared: null);
                throw;
            }

            sent = sending.Result;
            prepared = preparing.Result;
        }
    }

    /// <returns>The next chunk, prepared; null when the run is no longer live or the lease was lost.</returns>
    private async Task<PreparedChunk?> PrepareNextAsync(DbConnection connection, long runId, long batchId)
    {
        if (await store.RunStateAsync(connection, runId) is not { IsLive: true } run)
        {
            return null; // paused (or gone): leave the rest queued
        }

        if (!await store.RenewLeaseAsync(connection, batchId, leaseOwner, Now() + delivery.BatchLease))
        {
            return null; // the lease expired and another worker took the batch over
        }

        var due = await store.DueAsync(connection, batchId, Now(), delivery.ChunkFor(throttle.MessagesPerSecond));
        return await claimer.PrepareAsync(connection, due, run.CutoffAt);
    }

    /// <summary>
    /// One write transaction: every outcome of the chunk just sent and the run's failure streak; then,
    /// unless those outcomes stop the run, the prepared chunk moves to sending.
    /// </summary>
    /// <returns>What to send now, the run's failure streak, and why the run must pause (else null).</returns>
    private async Task<(IReadOnlyList<Outgoing> Chunk, long Streak, string? Stop)> RecordAndClaimAsync(
        DbConnection connection, long runId, IReadOnlyList<DeliveryResult> sent, Streak? streak, PreparedChunk? prepared)
    {
        var now = Now();
        await using var tx = await connection.BeginTransactionAsync();
        var total = streak is null ? await store.RunFailuresAsync(tx, runId) : await RecordAsync(tx, runId, sent, streak, now);
        var stop = streak?.StopReason ?? (total >= delivery.PauseAfterFailures ? $"{delivery.PauseAfterFailures} deliveries failed in a row" : null);
        var chunk = stop is null && prepared is not null ? await claimer.ClaimAsync(tx, prepared, now) : [];
        await tx.CommitAsync();
        if (streak is not null)
        {
            CountOutcomes(sent);
        }

        return (chunk, total, stop);
    }

    /// <summary>Every outcome of a chunk, and the run's failure streak, inside the caller's transaction.</summary>
    /// <returns>The run's streak of failures after this chunk.</returns>
    private async Task<long> RecordAsync(DbTransaction tx, long runId, IReadOnlyList<DeliveryResult> results, Streak streak, DateTime now)
    {
        var connection = tx.Connection!;
        await store.MarkSentAsync(tx, results.Where(r => r.Disposition == Disposition.Sent).Select(r => (r.Delivery.Due.Id, r.MessageId)).ToList(), now);
        foreach (var result in results)
        {
            var id = result.Delivery.Due.Id;
            switch (result.Disposition)
            {
                case Disposition.Uncertain:
                    await store.FinishAsync(connection, id, "uncertain", null, result.Error, now, tx);
                    break;
                case Disposition.Failed:
                    await store.FinishAsync(connection, id, "failed", null, result.Error, now, tx);
                    await store.GiveBackEntriesAsync(tx, id, result.Delivery.Subscriber.Id);
                    break;
                case Disposition.RetryLater:
                    var delays = delivery.Delays;
                    var delay = delays[(int)Math.Min(result.Delivery.Due.Attempts - 1, delays.Length - 1)];
                    await store.RetryLaterAsync(connection, id, now + delay, result.Error!, now, tx);
                    logger.LogInformation("Delivery {DeliveryId} will be retried in {Delay}: {Error}", id, delay, result.Error);
                    break;
                case Disposition.Released:
                    await store.ReleaseAsync(tx, [id], now);
                    break;
                case Disposition.Deferred:
                    await store.ReleaseAsync(tx, [id], now, result.NotBefore);
                    break;
            }
        }

        return await store.RecordStreakAsync(tx, runId, streak.AnySuccess, streak.Trailing);
    }

    /// <summary>The metrics follow the ledger: counted once the chunk's outcomes are committed.</summary>
    private static void CountOutcomes(IReadOnlyList<DeliveryResult> results)
    {
        foreach (var result in results)
        {
            var counter = result.Disposition switch
            {
                Disposition.Sent => Operations.NewsletterMetrics.MessagesSent,
                Disposition.Failed => Operations.NewsletterMetrics.MessagesFailed,
                Disposition.Uncertain => Operations.NewsletterMetrics.MessagesUncertain,
                _ => null,
            };
            counter?.Add(1);
            if (result.Bounced)
            {
                Operations.NewsletterMetrics.MessagesBounced.Add(1);
            }
        }
    }

    private async Task RecordBouncesAsync(IReadOnlyList<DeliveryResult> results)
    {
        foreach (var bounce in results.Where(r => r.Bounced))
        {
            await lifecycle.RecordBounceAsync(bounce.Delivery.Subscriber.Id, bounce.Error!, CancellationToken.None);
        }
    }

    /// <summary>
    /// The job itself threw (not a relay's reply, which is handled per delivery): tried again after a
    /// wait, and after <see cref="DeliveryOptions.BatchAttempts"/> failures the run is marked failed
    /// with the reason instead of looping. A database that is down cannot record this; the
    /// supervisor picks the batch up again once it is back.
    /// </summary>
    private async Task RecordFailureAsync(long runId, long batchId, Exception e)
    {
        var error = $"{e.GetType().Name}: {e.Message}";
        logger.LogError(e, "Delivery batch {BatchId} of run {RunId} failed", batchId, runId);
        try
        {
            await using var connection = await store.OpenAsync(CancellationToken.None);
            var failures = await store.RecordBatchFailureAsync(connection, batchId, error);
            if (failures >= delivery.BatchAttempts)
            {
                var reason = $"batch {batchId} failed {failures} times; the last: {error}";
                await store.FailRunAsync(connection, runId, reason, Now());
                logger.LogError("Digest run {RunId} failed: {Reason}", runId, reason);
                return;
            }

            var delays = delivery.Delays;
            jobs.Schedule<DeliveryBatchJob>(j => j.RunAsync(batchId, CancellationToken.None), delays[(int)Math.Min(failures - 1, delays.Length - 1)]);
        }
        catch (Exception secondary) when (secondary is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            logger.LogWarning("Could not record the failure of batch {BatchId}: {Error}", batchId, secondary.Message);
        }
    }

    private async Task ScheduleRetriesAsync(DbConnection connection, long batchId)
    {
        if (await store.NextRetryAsync(connection, batchId) is not { } retryAt)
        {
            return;
        }

        var wait = DateTime.SpecifyKind(retryAt, DateTimeKind.Utc) - Now();
        if (wait > TimeSpan.Zero)
        {
            jobs.Schedule<DeliveryBatchJob>(j => j.RunAsync(batchId, CancellationToken.None), wait);
        }
        else
        {
            jobs.Enqueue<DeliveryBatchJob>(j => j.RunAsync(batchId, CancellationToken.None));
        }
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
