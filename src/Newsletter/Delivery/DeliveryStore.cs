using System.Data.Common;
using Dapper;
using Newsletter.Data;

namespace Newsletter.Delivery;

public sealed class RunState
{
    public string Status { get; init; } = "";
    public DateTime CutoffAt { get; init; }
    public long ConsecutiveFailures { get; init; }

    public bool IsLive => Status is "queued" or "running";
}

public sealed class DueDelivery
{
    public long Id { get; init; }
    public long SubscriberId { get; init; }
    public long Attempts { get; init; }
    public DateTime? SelectedAt { get; init; }
}

/// <summary>A stored entry as a digest shows it.</summary>
public sealed class DigestEntryRow
{
    public long Id { get; init; }
    public string Title { get; init; } = "";
    public string Abstract { get; init; } = "";
    public string? Url { get; init; }
    public string Authors { get; init; } = "[]";
    public long Upvotes { get; init; }
    public string? SourceId { get; init; }
    public DateTime ArrivedAt { get; init; }
    public double Score { get; init; }
    public string Reason { get; init; } = "";

    public DigestEntryRow With(double score, string reason) => new()
    {
        Id = Id, Title = Title, Abstract = Abstract, Url = Url, Authors = Authors, Upvotes = Upvotes,
        SourceId = SourceId, ArrivedAt = ArrivedAt, Score = score, Reason = reason,
    };
}

/// <summary>The queries a batch job works with: leases, claims, the digest's content and the ledger.</summary>
public sealed class DeliveryStore(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string leaseBatch = sql["lease-batch"];
    private readonly string releaseBatch = sql["release-batch"];
    private readonly string batchRun = sql["get-batch-run"];
    private readonly string nextDue = sql["next-due-delivery"];
    private readonly string claim = sql["claim-delivery"];
    private readonly string markSelected = sql["mark-delivery-selected"];
    private readonly string finish = sql["finish-delivery"];
    private readonly string retryLater = sql["retry-delivery-later"];
    private readonly string nextRetry = sql["next-retry-in-batch"];
    private readonly string staleToUncertain = sql["mark-stale-sending-uncertain"];
    private readonly string stalledBatches = sql["list-stalled-batches"];
    private readonly string windowEntries = sql["list-window-entries"];
    private readonly string sentInWindow = sql["list-sent-in-window"];
    private readonly string runState = sql["get-run-state"];
    private readonly string renewLease = sql["renew-batch-lease"];
    private readonly string insertDeliveryEntry = sql["insert-delivery-entry"];
    private readonly string insertSentEntry = sql["insert-sent-entry"];
    private readonly string advanceWindow = sql["advance-digest-window"];
    private readonly string deliveryEntries = sql["list-delivery-entries"];
    private readonly string entriesByIds = sql["list-entries-by-ids"];
    private readonly string deliveryId = sql["get-delivery-id"];
    private readonly string upsertFeedback = sql["upsert-feedback"];
    private readonly string entryTitle = sql["get-sent-entry-title"];
    private readonly string startRun = sql["start-run"];
    private readonly string recordSuccess = sql["record-run-success"];
    private readonly string recordFailure = sql["record-run-failure"];
    private readonly string pauseRun = sql["pause-run"];

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) => connections.OpenAsync(cancellationToken);

    public async Task<bool> LeaseAsync(DbConnection c, long batchId, string owner, DateTime now, TimeSpan lease) =>
        await c.ExecuteAsync(leaseBatch, new { Id = batchId, Owner = owner, Now = now, Until = now + lease }) == 1;

    public Task ReleaseAsync(DbConnection c, long batchId, string owner) => c.ExecuteAsync(releaseBatch, new { Id = batchId, Owner = owner });

    public Task<long?> RunOfBatchAsync(DbConnection c, long batchId) => c.ExecuteScalarAsync<long?>(batchRun, new { Id = batchId });

    public Task StartRunAsync(DbConnection c, long runId) => c.ExecuteAsync(startRun, new { Id = runId });

    public Task<DueDelivery?> NextDueAsync(DbConnection c, long batchId, DateTime now) =>
        c.QuerySingleOrDefaultAsync<DueDelivery>(nextDue, new { BatchId = batchId, Now = now });

    /// <returns>The claimed row as it is after the claim, or null when another worker has it.</returns>
    public Task<DueDelivery?> ClaimAsync(DbTransaction tx, long deliveryId, DateTime now) =>
        tx.Connection!.QuerySingleOrDefaultAsync<DueDelivery>(claim, new { Id = deliveryId, Now = now }, tx);

    public async Task<IReadOnlyList<CandidateEntry>> WindowEntriesAsync(DbConnection c, DateTime start, DateTime cutoff, string model, DbTransaction? tx = null) =>
        (await c.QueryAsync<CandidateEntry>(windowEntries, new { Start = start, Cutoff = cutoff, Model = model }, tx)).AsList();

    public async Task<HashSet<long>> SentInWindowAsync(DbConnection c, long subscriberId, DateTime start, DateTime cutoff, DbTransaction? tx = null) =>
        (await c.QueryAsync<long>(sentInWindow, new { SubscriberId = subscriberId, Start = start, Cutoff = cutoff }, tx)).ToHashSet();

    public Task<RunState?> RunStateAsync(DbConnection c, long runId) => c.QuerySingleOrDefaultAsync<RunState>(runState, new { Id = runId });

    public async Task<bool> RenewLeaseAsync(DbConnection c, long batchId, string owner, DateTime until) =>
        await c.ExecuteAsync(renewLease, new { Id = batchId, Owner = owner, Until = until }) == 1;

    /// <summary>
    /// Records the sent-entries ledger, the digest's content and the subscriber's next window, in the
    /// claim's transaction. An entry the ledger refuses (already sent) is left out of the digest.
    /// </summary>
    /// <returns>How many entries the digest holds.</returns>
    public async Task<int> RecordSelectionAsync(DbTransaction tx, long deliveryId, long subscriberId, IReadOnlyList<DigestPick> picks, DateTime cutoff, DateTime now)
    {
        var c = tx.Connection!;
        var position = 0;
        foreach (var pick in picks)
        {
            var taken = await c.QuerySingleOrDefaultAsync<long?>(insertSentEntry, new { SubscriberId = subscriberId, pick.EntryId, DeliveryId = deliveryId, Now = now }, tx);
            if (taken is not null)
            {
                await c.ExecuteAsync(insertDeliveryEntry, new { DeliveryId = deliveryId, pick.EntryId, Position = position++, pick.Score, pick.Reason }, tx);
            }
        }

        await c.ExecuteAsync(advanceWindow, new { SubscriberId = subscriberId, Cutoff = cutoff }, tx);
        await c.ExecuteAsync(markSelected, new { Id = deliveryId, Now = now }, tx);
        return position;
    }

    public async Task<IReadOnlyList<DigestEntryRow>> EntriesOfAsync(DbConnection c, long deliveryId) =>
        (await c.QueryAsync<DigestEntryRow>(deliveryEntries, new { DeliveryId = deliveryId })).AsList();

    /// <summary>Planned picks as rows, in the picks' order, for the admin preview (nothing recorded).</summary>
    public async Task<IReadOnlyList<DigestEntryRow>> RowsForAsync(DbConnection c, IReadOnlyList<DigestPick> picks)
    {
        if (picks.Count == 0)
        {
            return [];
        }

        var rows = (await c.QueryAsync<DigestEntryRow>(entriesByIds, new { Ids = picks.Select(p => p.EntryId).ToArray() })).ToDictionary(r => r.Id);
        return picks.Where(p => rows.ContainsKey(p.EntryId))
            .Select(p => rows[p.EntryId].With(p.Score, p.Reason))
            .ToList();
    }

    public Task<long?> DeliveryIdAsync(DbConnection c, long runId, long subscriberId) =>
        c.ExecuteScalarAsync<long?>(deliveryId, new { RunId = runId, SubscriberId = subscriberId });

    /// <returns>The title of an entry that was sent to this subscriber, else null.</returns>
    public async Task<string?> SentEntryTitleAsync(long subscriberId, long entryId, CancellationToken cancellationToken)
    {
        await using var c = await connections.OpenAsync(cancellationToken);
        return await c.ExecuteScalarAsync<string?>(entryTitle, new { Id = entryId, SubscriberId = subscriberId });
    }

    public async Task RecordFeedbackAsync(long subscriberId, long entryId, int vote, DateTime now, CancellationToken cancellationToken)
    {
        await using var c = await connections.OpenAsync(cancellationToken);
        await c.ExecuteAsync(upsertFeedback, new { SubscriberId = subscriberId, EntryId = entryId, Vote = vote, Now = now });
    }

    public Task FinishAsync(DbConnection c, long deliveryId, string state, string? messageId, string? error, DateTime now, DbTransaction? tx = null) =>
        c.ExecuteAsync(finish, new { Id = deliveryId, State = state, MessageId = messageId, Error = error, Now = now }, tx);

    public Task RetryLaterAsync(DbConnection c, long deliveryId, DateTime at, string error, DateTime now) =>
        c.ExecuteAsync(retryLater, new { Id = deliveryId, At = at, Error = error, Now = now });

    public Task<DateTime?> NextRetryAsync(DbConnection c, long batchId) => c.ExecuteScalarAsync<DateTime?>(nextRetry, new { BatchId = batchId });

    public Task RecordSuccessAsync(DbConnection c, long runId) => c.ExecuteAsync(recordSuccess, new { Id = runId });

    public Task<long> RecordFailureAsync(DbConnection c, long runId) => c.ExecuteScalarAsync<long>(recordFailure, new { Id = runId });

    public Task PauseAsync(DbConnection c, long runId, string reason) => c.ExecuteAsync(pauseRun, new { Id = runId, Reason = reason });

    public Task<int> MarkStaleSendingUncertainAsync(DbConnection c, DateTime before, DateTime now) =>
        c.ExecuteAsync(staleToUncertain, new { Before = before, Now = now });

    public async Task<IReadOnlyList<long>> StalledBatchesAsync(DbConnection c, DateTime now, DateTime quietSince) =>
        (await c.QueryAsync<long>(stalledBatches, new { Now = now, QuietSince = quietSince })).AsList();
}
