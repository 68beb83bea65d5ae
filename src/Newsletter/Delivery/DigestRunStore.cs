using Dapper;
using Newsletter.Data;

namespace Newsletter.Delivery;

/// <summary>A run and its progress, as <c>GET /api/digests/{id}</c> shows it.</summary>
public sealed class DigestRun
{
    public long Id { get; init; }
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTime CutoffAt { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? CompletedAt { get; init; }
    public long ConsecutiveFailures { get; init; }
    public string? PausedReason { get; init; }
    public long Recipients { get; init; }
    public long Sent { get; init; }
    public long Failed { get; init; }
    public long Skipped { get; init; }
    public long Uncertain { get; init; }
    public long Pending { get; init; }
}

public sealed class ScheduleCandidate
{
    public long Id { get; init; }
    public string Frequency { get; init; } = "daily";
    public int DeliveryHour { get; init; }
    public string TimeZone { get; init; } = "UTC";
    public DateTime? LastSlotAt { get; init; }
    public DateTime? ConfirmedAt { get; init; }
}

/// <summary>Creates runs with their batches and delivery rows, and reports on them.</summary>
public sealed class DigestRunStore(IDbConnectionFactory connections, SqlCatalog sql, TimeProvider clock)
{
    private readonly string insertRun = sql["insert-digest-run"];
    private readonly string insertBatch = sql["insert-delivery-batch"];
    private readonly string insertDeliveries = sql["insert-deliveries"];
    private readonly string listSendable = sql["list-sendable-subscribers"];
    private readonly string listScheduleCandidates = sql["list-schedule-candidates"];
    private readonly string setLastSlot = sql["set-last-slot"];
    private readonly string getRun = sql["get-digest-run"];
    private readonly string getStatus = sql["get-run-status"];
    private readonly string listBatches = sql["list-run-batches"];
    private readonly string completeIfDone = sql["complete-run-if-done"];
    private readonly string getCreatedAt = sql["get-run-created-at"];
    private readonly string resume = sql["resume-run"];
    private readonly string listUnfinished = sql["list-unfinished-runs"];

    /// <summary>
    /// Writes the run, its batches and one delivery row per subscriber in one transaction (and, for
    /// scheduled runs, each subscriber's slot), so a crash leaves either the whole run or none of it.
    /// </summary>
    /// <remarks>
    /// The cutoff is read under the arrivals lock (<see cref="WriteOrder.EntryArrivals"/>): an entry import that commits after this run was
    /// created also took its arrival time after, so it can never land behind the cutoff unseen.
    /// A scheduled recipient is included only if this transaction is the one that takes their slot.
    /// </remarks>
    public async Task<(long RunId, IReadOnlyList<long> Batches)> CreateAsync(
        string kind, IReadOnlyList<(long SubscriberId, DateTime? Slot)> recipients, int batchSize, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connections.BeginSerializedAsync(connection, WriteOrder.EntryArrivals, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var taken = new List<long>();
        foreach (var (subscriberId, slot) in recipients)
        {
            if (slot is null || await connection.ExecuteAsync(setLastSlot, new { Id = subscriberId, Slot = slot }, tx) == 1)
            {
                taken.Add(subscriberId);
            }
        }

        var runId = await connection.ExecuteScalarAsync<long>(insertRun, new { Kind = kind, Now = now }, tx);
        var batches = new List<long>();
        foreach (var chunk in taken.Chunk(batchSize))
        {
            var batchId = await connection.ExecuteScalarAsync<long>(insertBatch, new { RunId = runId }, tx);
            batches.Add(batchId);
            // One statement a batch: on PostgreSQL a statement per row would be a round trip per subscriber.
            await connection.ExecuteAsync(insertDeliveries, new { RunId = runId, BatchId = batchId, SubscriberIds = System.Text.Json.JsonSerializer.Serialize(chunk), Now = now }, tx);
        }

        await connection.ExecuteAsync(completeIfDone, new { Id = runId, Now = now }, tx);
        await tx.CommitAsync(cancellationToken);
        return (runId, batches);
    }

    public async Task<IReadOnlyList<long>> SendableSubscribersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(listSendable)).AsList();
    }

    public async Task<IReadOnlyList<ScheduleCandidate>> ScheduleCandidatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ScheduleCandidate>(listScheduleCandidates)).AsList();
    }

    public async Task<DigestRun?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DigestRun>(getRun, new { Id = id });
    }

    /// <summary>Only the run's status: cheap at any size (<see cref="GetAsync"/> counts the run's deliveries).</summary>
    public async Task<string?> StatusAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(getStatus, new { Id = id });
    }

    public async Task<IReadOnlyList<long>> BatchesAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(listBatches, new { RunId = runId })).AsList();
    }

    public async Task<bool> ResumeAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(resume, new { Id = id }) == 1;
    }

    public async Task CompleteIfDoneAsync(long id, DateTime now, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        if (await connection.ExecuteAsync(completeIfDone, new { Id = id, Now = now }) == 1
            && await connection.QuerySingleOrDefaultAsync<DateTime?>(getCreatedAt, new { Id = id }) is { } createdAt)
        {
            // Only the process whose update completed the run records its duration: once per run.
            Operations.NewsletterMetrics.RunDuration.Record(Math.Max(0, (now - createdAt).TotalSeconds));
        }
    }

    public async Task<IReadOnlyList<long>> UnfinishedRunsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(listUnfinished)).AsList();
    }
}
