using System.Text.Json;
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
public class DigestEntryRow
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

/// <summary>A claimed delivery with the entries planned for it.</summary>
public sealed record PlannedDelivery(long DeliveryId, long SubscriberId, IReadOnlyList<DigestPick> Picks);

/// <summary>The queries a batch job works with: leases, claims, the digest's content and the ledger.</summary>
public sealed class DeliveryStore(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string leaseBatch = sql["lease-batch"];
    private readonly string releaseBatch = sql["release-batch"];
    private readonly string batchRun = sql["get-batch-run"];
    private readonly string markSelected = sql["mark-deliveries-selected"];
    private readonly string markSent = sql["mark-deliveries-sent"];
    private readonly string finish = sql["finish-delivery"];
    private readonly string skipQueued = sql["skip-queued-delivery"];
    private readonly string retryLater = sql["retry-delivery-later"];
    private readonly string nextRetry = sql["next-retry-in-batch"];
    private readonly string staleToUncertain = sql["mark-stale-sending-uncertain"];
    private readonly string stalledBatches = sql["list-stalled-batches"];
    private readonly string windowEntries = sql["list-window-entries"];
    private readonly string runState = sql["get-run-state"];
    private readonly string renewLease = sql["renew-batch-lease"];
    private readonly string insertDeliveryEntries = sql["insert-delivery-entries"];
    private readonly string insertSentEntries = sql["insert-sent-entries"];
    private readonly string recordedEntries = sql["list-recorded-entries"];
    private readonly string advanceWindows = sql["advance-digest-windows"];
    private readonly string sentSample = sql["sample-sent-deliveries"];
    private readonly string upsertFeedback = sql["upsert-feedback"];
    private readonly string entryTitle = sql["get-sent-entry-title"];
    private readonly string startRun = sql["start-run"];
    private readonly string pauseRun = sql["pause-run"];
    private readonly string listDue = sql["list-due-deliveries"];
    private readonly string claimMany = sql["claim-deliveries"];
    private readonly string release = sql["release-delivery"];
    private readonly string entriesOfMany = sql["list-entries-of-deliveries"];
    private readonly string entryTexts = sql["list-entry-texts"];
    private readonly EntryRowCache entryRows = new();

    // A chunk's rows go in one statement per kind of row. PostgreSQL takes them as typed arrays
    // (sent in binary, read with unnest); SQLite, which has no arrays, as one JSON array (json_each).
    private readonly bool rowsAsArrays = sql.Dialect == PostgresConnectionFactory.DialectName;
    private readonly string sentInWindows = sql["list-sent-in-windows"];
    private readonly string earliestEntry = sql["earliest-entry-of-delivery"];
    private readonly string returnSent = sql["return-sent-entries"];
    private readonly string rewindWindow = sql["rewind-digest-window"];
    private readonly string addFailures = sql["add-run-failures"];
    private readonly string batchFailure = sql["record-batch-failure"];
    private readonly string failRun = sql["fail-run"];
    private readonly string setFailures = sql["set-run-failures"];

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) => connections.OpenAsync(cancellationToken);

    public async Task<bool> LeaseAsync(DbConnection c, long batchId, string owner, DateTime now, TimeSpan lease) =>
        await c.ExecuteAsync(leaseBatch, new { Id = batchId, Owner = owner, Now = now, Until = now + lease }) == 1;

    public Task ReleaseAsync(DbConnection c, long batchId, string owner) => c.ExecuteAsync(releaseBatch, new { Id = batchId, Owner = owner });

    public Task<long?> RunOfBatchAsync(DbConnection c, long batchId) => c.ExecuteScalarAsync<long?>(batchRun, new { Id = batchId });

    public Task StartRunAsync(DbConnection c, long runId) => c.ExecuteAsync(startRun, new { Id = runId });

    public async Task<IReadOnlyList<DueDelivery>> DueAsync(DbConnection c, long batchId, DateTime now, int limit) =>
        (await c.QueryAsync<DueDelivery>(listDue, new { BatchId = batchId, Now = now, Limit = limit })).AsList();

    /// <returns>The rows this call moved to sending, as they are now; rows another worker holds are left out.</returns>
    public async Task<IReadOnlyList<DueDelivery>> ClaimAsync(DbTransaction tx, IReadOnlyCollection<long> deliveryIds, DateTime now) =>
        (await tx.Connection!.QueryAsync<DueDelivery>(claimMany, new { Ids = deliveryIds.ToArray(), Now = now }, tx)).AsList();

    /// <summary>Claimed but never handed to the relay: queued again, the attempt not counted.</summary>
    /// <param name="at">When they are due again; null for at once.</param>
    public Task ReleaseAsync(DbTransaction tx, IEnumerable<long> deliveryIds, DateTime now, DateTime? at = null) =>
        tx.Connection!.ExecuteAsync(release, deliveryIds.Select(id => new { Id = id, Now = now, At = at }), tx);

    /// <summary>What each of these digests holds, in order, keyed by delivery; the entries' text from <see cref="EntryRowCache"/>.</summary>
    public async Task<ILookup<long, DigestEntryRow>> EntriesOfAsync(DbConnection c, IReadOnlyCollection<long> deliveryIds)
    {
        var picks = (await c.QueryAsync<ChunkPickRow>(entriesOfMany, new { Ids = deliveryIds.ToArray() })).AsList();
        var missing = picks.Where(p => !entryRows.TryGet(p.EntryId, p.Version, out _)).Select(p => p.EntryId).Distinct().ToArray();
        var read = missing.Length == 0 ? [] : (await c.QueryAsync<VersionedEntryRow>(entryTexts, new { Ids = missing })).ToDictionary(r => r.Id);
        foreach (var row in read.Values)
        {
            entryRows.Add(row);
        }

        // An entry deleted meanwhile is left out, as the join did.
        return picks
            .Select(p => (p.DeliveryId, Row: read.GetValueOrDefault(p.EntryId) ?? (entryRows.TryGet(p.EntryId, p.Version, out var cached) ? cached : null), p.Score, p.Reason))
            .Where(p => p.Row is not null)
            .ToLookup(p => p.DeliveryId, p => p.Row!.With(p.Score, p.Reason));
    }

    /// <summary>The entries each subscriber was sent since <paramref name="start"/>, with their arrival (to cut each to their own window).</summary>
    public async Task<ILookup<long, (long EntryId, DateTime ArrivedAt)>> SentInWindowsAsync(DbConnection c, IReadOnlyCollection<long> subscriberIds, DateTime start, DateTime cutoff) =>
        (await c.QueryAsync<(long SubscriberId, long EntryId, DateTime ArrivedAt)>(sentInWindows, new { SubscriberIds = subscriberIds.ToArray(), Start = start, Cutoff = cutoff }))
            .ToLookup(r => r.SubscriberId, r => (r.EntryId, r.ArrivedAt));

    /// <summary>
    /// A delivery that ended failed never reached the reader: its entries leave the ledger and the
    /// subscriber's window reaches back to them, so their next digest can hold them.
    /// </summary>
    public async Task GiveBackEntriesAsync(DbTransaction tx, long deliveryId, long subscriberId)
    {
        var c = tx.Connection!;
        if (await c.ExecuteScalarAsync<DateTime?>(earliestEntry, new { Id = deliveryId }, tx) is not { } earliest)
        {
            return;
        }

        // Windows are open at their start (arrived_at > start): a millisecond earlier takes the earliest in.
        var start = DateTime.SpecifyKind(earliest, DateTimeKind.Utc) - TimeSpan.FromMilliseconds(1);
        await c.ExecuteAsync(returnSent, new { Id = deliveryId, SubscriberId = subscriberId }, tx);
        await c.ExecuteAsync(rewindWindow, new { SubscriberId = subscriberId, Start = start }, tx);
    }

    /// <summary>Adds a chunk's failures to the run's streak, or ends it at the failures after the chunk's last success.</summary>
    public async Task<long> RecordStreakAsync(DbTransaction tx, long runId, bool anySuccess, int failures)
    {
        var c = tx.Connection!;
        if (anySuccess)
        {
            await c.ExecuteAsync(setFailures, new { Id = runId, Count = failures }, tx);
            return failures;
        }

        return failures == 0 ? 0 : await c.ExecuteScalarAsync<long>(addFailures, new { Id = runId, Count = failures }, tx);
    }

    public async Task<IReadOnlyList<CandidateEntry>> WindowEntriesAsync(DbConnection c, DateTime start, DateTime cutoff, string model, DbTransaction? tx = null) =>
        (await c.QueryAsync<CandidateEntry>(windowEntries, new { Start = start, Cutoff = cutoff, Model = model }, tx)).AsList();

    public Task<RunState?> RunStateAsync(DbConnection c, long runId) => c.QuerySingleOrDefaultAsync<RunState>(runState, new { Id = runId });

    /// <summary>The run's deliveries that failed in a row so far (a batch's first chunk starts its streak there).</summary>
    public async Task<long> RunFailuresAsync(DbTransaction tx, long runId) =>
        (await tx.Connection!.QuerySingleOrDefaultAsync<RunState>(runState, new { Id = runId }, tx))?.ConsecutiveFailures ?? 0;

    public async Task<bool> RenewLeaseAsync(DbConnection c, long batchId, string owner, DateTime until) =>
        await c.ExecuteAsync(renewLease, new { Id = batchId, Owner = owner, Until = until }) == 1;

    /// <summary>
    /// Records the sent-entries ledger, each digest's content and each subscriber's next window, for a
    /// whole chunk in one transaction, in a handful of statements. An entry the ledger refuses
    /// (another digest sent it meanwhile) is left out of the digest.
    /// </summary>
    /// <returns>How many entries each delivery's digest holds, for the deliveries this call took (rows no longer queued or already chosen are left out).</returns>
    public async Task<IReadOnlyDictionary<long, int>> RecordSelectionsAsync(DbTransaction tx, IReadOnlyList<PlannedDelivery> planned, DateTime cutoff, DateTime now)
    {
        var c = tx.Connection!;
        var taken = (await c.QueryAsync<long>(markSelected, new { Ids = planned.Select(p => p.DeliveryId).ToArray(), Now = now }, tx)).ToHashSet();
        planned = planned.Where(p => taken.Contains(p.DeliveryId)).ToList();
        if (planned.Count == 0)
        {
            return new Dictionary<long, int>();
        }

        // One statement per kind of row for the whole chunk: on PostgreSQL a statement per row would
        // be a round trip per row.
        var ledger = planned.SelectMany(p => p.Picks.Select(pick => (s: p.SubscriberId, e: pick.EntryId, d: p.DeliveryId))).ToList();
        await c.ExecuteAsync(insertSentEntries, rowsAsArrays
            ? new { S = ledger.Select(r => r.s).ToArray(), E = ledger.Select(r => r.e).ToArray(), D = ledger.Select(r => r.d).ToArray(), Now = now }
            : new { Rows = JsonSerializer.Serialize(ledger.Select(r => new { r.s, r.e, r.d })), Now = now }, tx);
        var recorded = (await c.QueryAsync<(long DeliveryId, long EntryId)>(recordedEntries, new
        {
            SubscriberIds = planned.Select(p => p.SubscriberId).Distinct().ToArray(),
            DeliveryIds = planned.Select(p => p.DeliveryId).ToArray(),
        }, tx)).ToHashSet();
        var contents = planned.SelectMany(p => p.Picks.Where(pick => recorded.Contains((p.DeliveryId, pick.EntryId)))
            .Select((pick, position) => new { d = p.DeliveryId, e = pick.EntryId, p = position, score = pick.Score, reason = pick.Reason })).ToList();
        await c.ExecuteAsync(insertDeliveryEntries, rowsAsArrays
            ? new
            {
                D = contents.Select(r => r.d).ToArray(), E = contents.Select(r => r.e).ToArray(), P = contents.Select(r => r.p).ToArray(),
                Score = contents.Select(r => r.score).ToArray(), Reason = contents.Select(r => r.reason).ToArray(),
            }
            : new { Rows = JsonSerializer.Serialize(contents) }, tx);
        await c.ExecuteAsync(advanceWindows, new { SubscriberIds = planned.Select(p => p.SubscriberId).ToArray(), Cutoff = cutoff }, tx);
        var counts = contents.CountBy(e => e.d).ToDictionary();
        return planned.ToDictionary(p => p.DeliveryId, p => counts.GetValueOrDefault(p.DeliveryId));
    }

    /// <summary>A chunk's sent messages, in one statement.</summary>
    public Task MarkSentAsync(DbTransaction tx, IReadOnlyCollection<(long DeliveryId, string? MessageId)> sent, DateTime now) =>
        sent.Count == 0
            ? Task.CompletedTask
            : tx.Connection!.ExecuteAsync(markSent, rowsAsArrays
                ? new { Ids = sent.Select(s => s.DeliveryId).ToArray(), MessageIds = sent.Select(s => s.MessageId).ToArray(), Now = now }
                : new { Rows = JsonSerializer.Serialize(sent.Select(s => new { id = s.DeliveryId, message_id = s.MessageId })), Now = now }, tx);

    /// <summary>Planned picks as rows, in the picks' order, for the admin preview (nothing recorded).</summary>
    public async Task<IReadOnlyList<DigestEntryRow>> RowsForAsync(DbConnection c, IReadOnlyList<DigestPick> picks)
    {
        if (picks.Count == 0)
        {
            return [];
        }

        var rows = (await c.QueryAsync<VersionedEntryRow>(entryTexts, new { Ids = picks.Select(p => p.EntryId).ToArray() })).ToDictionary(r => r.Id);
        return picks.Where(p => rows.ContainsKey(p.EntryId))
            .Select(p => rows[p.EntryId].With(p.Score, p.Reason))
            .ToList();
    }

    /// <summary>Some sent deliveries of a run and their subscribers: the bench renders them again for its baseline.</summary>
    public async Task<IReadOnlyList<(long DeliveryId, long SubscriberId)>> SentSampleAsync(DbConnection c, long runId, int count) =>
        (await c.QueryAsync<(long, long)>(sentSample, new { RunId = runId, Count = count })).AsList();

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

    /// <summary>A queued delivery that will not be sent, with the reason.</summary>
    public Task SkipQueuedAsync(DbTransaction tx, long deliveryId, string reason, DateTime now) =>
        tx.Connection!.ExecuteAsync(skipQueued, new { Id = deliveryId, Error = reason, Now = now }, tx);

    public Task RetryLaterAsync(DbConnection c, long deliveryId, DateTime at, string error, DateTime now, DbTransaction? tx = null) =>
        c.ExecuteAsync(retryLater, new { Id = deliveryId, At = at, Error = error, Now = now }, tx);

    public Task<DateTime?> NextRetryAsync(DbConnection c, long batchId) => c.ExecuteScalarAsync<DateTime?>(nextRetry, new { BatchId = batchId });

    /// <returns>How many times the batch's job has now failed.</returns>
    public Task<long> RecordBatchFailureAsync(DbConnection c, long batchId, string error) =>
        c.ExecuteScalarAsync<long>(batchFailure, new { Id = batchId, Error = error });

    public Task FailRunAsync(DbConnection c, long runId, string reason, DateTime now) =>
        c.ExecuteAsync(failRun, new { Id = runId, Reason = reason, Now = now });

    public Task PauseAsync(DbConnection c, long runId, string reason) => c.ExecuteAsync(pauseRun, new { Id = runId, Reason = reason });

    public Task<int> MarkStaleSendingUncertainAsync(DbConnection c, DateTime before, DateTime now) =>
        c.ExecuteAsync(staleToUncertain, new { Before = before, Now = now });

    public async Task<IReadOnlyList<long>> StalledBatchesAsync(DbConnection c, DateTime now, DateTime quietSince) =>
        (await c.QueryAsync<long>(stalledBatches, new { Now = now, QuietSince = quietSince })).AsList();
}
