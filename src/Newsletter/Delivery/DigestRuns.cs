using Hangfire;
using Microsoft.Extensions.Options;

namespace Newsletter.Delivery;

/// <summary>
/// Starts digest runs: forced (every active subscriber, now) or scheduled (those whose slot is due).
/// The run, its batches and delivery rows are committed first; only then is one Hangfire job
/// enqueued per batch (never one per email).
/// </summary>
public sealed class DigestRuns(DigestRunStore runs, PlanningWarmup warmup, IBackgroundJobClient jobs, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DigestRuns> logger)
{
    public async Task<long> StartForcedAsync(CancellationToken cancellationToken)
    {
        await WarmUpAsync(cancellationToken);
        var recipients = (await runs.SendableSubscribersAsync(cancellationToken)).Select(id => (id, (DateTime?)null)).ToList();
        return await StartAsync("forced", recipients, cancellationToken);
    }

    /// <param name="evenIfNobodyIsDue">The API answers with a run id either way; the recurring job does not fill the table with empty runs.</param>
    public async Task<long?> StartScheduledAsync(CancellationToken cancellationToken, bool evenIfNobodyIsDue = true)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = new List<(long, DateTime?)>();
        foreach (var c in await runs.ScheduleCandidatesAsync(cancellationToken))
        {
            if (DigestSchedule.DueSlot(c.Frequency, c.DeliveryHour, c.TimeZone, c.LastSlotAt, c.ConfirmedAt, now) is { } slot)
            {
                due.Add((c.Id, slot));
            }
        }

        if (due.Count == 0 && !evenIfNobodyIsDue)
        {
            return null;
        }

        await WarmUpAsync(cancellationToken);

        return await StartAsync("scheduled", due, cancellationToken);
    }

    /// <summary>Resumes a paused run: every batch gets a job again (a batch with nothing left ends at once).</summary>
    public async Task<bool> ResumeAsync(long runId, CancellationToken cancellationToken)
    {
        if (!await runs.ResumeAsync(runId, cancellationToken))
        {
            return false;
        }

        foreach (var batch in await runs.BatchesAsync(runId, cancellationToken))
        {
            jobs.Enqueue<DeliveryBatchJob>(j => j.RunAsync(batch, CancellationToken.None));
        }

        return true;
    }

    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        if (!await warmup.RunWithinAsync(PlanningWarmup.Budget, cancellationToken))
        {
            logger.LogWarning("Embedding was still behind after {Budget}; entries without a vector are matched by keywords in this run", PlanningWarmup.Budget);
        }
    }

    private async Task<long> StartAsync(string kind, List<(long SubscriberId, DateTime? Slot)> recipients, CancellationToken cancellationToken)
    {
        var (runId, batches) = await runs.CreateAsync(kind, recipients, options.Value.BatchSize, cancellationToken);
        foreach (var batch in batches)
        {
            jobs.Enqueue<DeliveryBatchJob>(j => j.RunAsync(batch, CancellationToken.None));
        }

        logger.LogInformation("Digest run {RunId} ({Kind}) for {Recipients} subscribers in {Batches} batches", runId, kind, recipients.Count, batches.Count);
        return runId;
    }
}

/// <summary>Recurring: starts the scheduled run for whoever is due.</summary>
public sealed class DigestScheduleJob(DigestRuns runs)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public Task RunAsync(CancellationToken cancellationToken) => runs.StartScheduledAsync(cancellationToken, evenIfNobodyIsDue: false);
}

/// <summary>
/// Recurring (and once at start): repairs what a crash leaves behind. Rows still 'sending' long after
/// their claim become 'uncertain' (final, counted, not re-sent); batches of live runs with due
/// deliveries and no live worker get a job again; runs with nothing left are marked completed.
/// </summary>
public sealed class DeliverySupervisorJob(DeliveryStore store, DigestRunStore runs, IBackgroundJobClient jobs, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DeliverySupervisorJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await store.OpenAsync(cancellationToken);
        var uncertain = await store.MarkStaleSendingUncertainAsync(connection, now - options.Value.SendingTimeout, now);
        if (uncertain > 0)
        {
            logger.LogWarning("{Count} deliveries were being sent when their worker stopped; they are now 'uncertain'", uncertain);
        }

        foreach (var batch in await store.StalledBatchesAsync(connection, now, now - options.Value.BatchLease))
        {
            jobs.Enqueue<DeliveryBatchJob>(j => j.RunAsync(batch, CancellationToken.None));
        }

        foreach (var run in await runs.UnfinishedRunsAsync(cancellationToken))
        {
            await runs.CompleteIfDoneAsync(run, now, cancellationToken);
        }
    }
}
