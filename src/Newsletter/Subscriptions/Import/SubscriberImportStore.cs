using System.Data.Common;
using Dapper;
using Newsletter.Data;

namespace Newsletter.Subscriptions.Import;

/// <summary>A row of subscriber_imports: an upload, where its job got to, and what it counted.</summary>
public sealed class SubscriberImport
{
    public long Id { get; init; }
    public string Status { get; init; } = "queued";
    public string FileName { get; init; } = "";
    public long FileBytes { get; init; }
    public long RowsRead { get; init; }
    public long ImportedActive { get; init; }
    public long PendingConfirmation { get; init; }
    public long ConfirmationsSent { get; init; }
    public long SkippedExisting { get; init; }
    public long SkippedSuppressed { get; init; }
    public long BadRows { get; init; }
    public long LastLine { get; init; }
    public string? LastError { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? CompletedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

/// <summary>The counts an import job keeps, saved with each batch of rows (the checkpoint).</summary>
public sealed record ImportCounts
{
    public long RowsRead { get; set; }
    public long ImportedActive { get; set; }
    public long PendingConfirmation { get; set; }
    public long SkippedExisting { get; set; }
    public long SkippedSuppressed { get; set; }
    public long BadRows { get; set; }
    public long LastLine { get; set; }

    public static ImportCounts From(SubscriberImport import) => new()
    {
        RowsRead = import.RowsRead,
        ImportedActive = import.ImportedActive,
        PendingConfirmation = import.PendingConfirmation,
        SkippedExisting = import.SkippedExisting,
        SkippedSuppressed = import.SkippedSuppressed,
        BadRows = import.BadRows,
        LastLine = import.LastLine,
    };
}

public sealed record ImportBadRow(long Line, string Reason);

public sealed class SubscriberImportStore(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string insert = sql["insert-subscriber-import"];
    private readonly string get = sql["get-subscriber-import"];
    private readonly string listErrors = sql["list-subscriber-import-errors"];
    private readonly string claim = sql["claim-subscriber-import"];
    private readonly string saveProgress = sql["save-subscriber-import-progress"];
    private readonly string countConfirmation = sql["count-subscriber-import-confirmation"];
    private readonly string insertError = sql["insert-subscriber-import-error"];
    private readonly string complete = sql["complete-subscriber-import"];
    private readonly string fail = sql["fail-subscriber-import"];
    private readonly string noteError = sql["note-subscriber-import-error"];
    private readonly string listStalled = sql["list-stalled-subscriber-imports"];
    private readonly string listUnmailed = sql["list-unmailed-import-requests"];
    private readonly string release = sql["release-subscriber-import-lease"];

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => connections.OpenAsync(cancellationToken);

    public async Task<long> CreateAsync(string fileName, long bytes, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(insert, new { FileName = fileName, FileBytes = bytes, Now = now });
    }

    public async Task<SubscriberImport?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SubscriberImport>(get, new { Id = id });
    }

    public async Task<IReadOnlyList<ImportBadRow>> BadRowsAsync(long id, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ImportBadRow>(listErrors, new { Id = id, Limit = limit })).AsList();
    }

    /// <returns>true when this job holds the import's lease until <paramref name="until"/>.</returns>
    public async Task<bool> ClaimAsync(long id, string owner, DateTime now, DateTime until, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(claim, new { Id = id, Owner = owner, Now = now, Until = until }) == 1;
    }

    /// <returns>false when the lease was lost (another job carries on).</returns>
    public async Task<bool> SaveProgressAsync(DbTransaction tx, long id, string owner, ImportCounts counts, DateTime now, DateTime until) =>
        await tx.Connection!.ExecuteAsync(saveProgress, new
        {
            Id = id,
            Owner = owner,
            counts.RowsRead,
            counts.ImportedActive,
            counts.PendingConfirmation,
            counts.SkippedExisting,
            counts.SkippedSuppressed,
            counts.BadRows,
            counts.LastLine,
            Now = now,
            Until = until,
        }, tx) == 1;

    public Task RecordBadRowAsync(DbTransaction tx, long id, long line, string reason) =>
        tx.Connection!.ExecuteAsync(insertError, new { Id = id, Line = line, Reason = reason.Length > 500 ? reason[..500] + "…" : reason }, tx);

    public async Task CountConfirmationAsync(long id, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(countConfirmation, new { Id = id, Now = now });
    }

    public async Task<IReadOnlyList<(long RequestId, long SubscriberId)>> UnmailedAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<(long, long)>(listUnmailed, new { Id = id })).AsList();
    }

    public Task CompleteAsync(long id, DateTime now, CancellationToken cancellationToken) => RunAsync(complete, new { Id = id, Now = now }, cancellationToken);

    public Task FailAsync(long id, string error, DateTime now, CancellationToken cancellationToken) => RunAsync(fail, new { Id = id, Error = error, Now = now }, cancellationToken);

    public Task NoteErrorAsync(long id, string error, DateTime now, CancellationToken cancellationToken) => RunAsync(noteError, new { Id = id, Error = error, Now = now }, cancellationToken);

    public Task ReleaseAsync(long id, string owner) => RunAsync(release, new { Id = id, Owner = owner }, CancellationToken.None);

    public async Task<IReadOnlyList<long>> StalledAsync(DateTime now, DateTime updatedBefore, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(listStalled, new { Now = now, Before = updatedBefore })).AsList();
    }

    private async Task RunAsync(string query, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(query, parameters);
    }
}
