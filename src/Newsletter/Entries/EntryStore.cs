using System.Data.Common;
using System.Text.Json;
using Dapper;
using Newsletter.Data;

namespace Newsletter.Entries;

public enum EntryOutcome { Created, Updated, Duplicate }

/// <summary>Writes entries, recognising ones we already hold by source key or canonical URL.</summary>
public sealed class EntryStore(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string findByKeys = sql["find-entry-by-keys"];
    private readonly string insert = sql["insert-entry"];
    private readonly string updateVersion = sql["update-entry-version"];
    private readonly string refreshUpvotes = sql["refresh-entry-upvotes"];
    private readonly string forgetEmbedding = sql["forget-entry-embedding"];
    private readonly string tagTopic = sql["tag-entry-topic"];

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) => connections.OpenAsync(cancellationToken);

    /// <summary>The transaction arrivals are written in: ordered against digest-run cutoffs (<see cref="WriteOrder.EntryArrivals"/>).</summary>
    public Task<DbTransaction> BeginArrivalsAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        connections.BeginSerializedAsync(connection, WriteOrder.EntryArrivals, cancellationToken);

    public async Task<EntryOutcome> UpsertAsync(DbTransaction tx, EntryInput entry, string source, DateTime now)
    {
        var outcome = await WriteAsync(tx, entry, source, now);
        foreach (var slug in entry.Topics ?? [])
        {
            // Added, never removed: a later copy without topics keeps the ones an earlier copy gave.
            await tx.Connection!.ExecuteAsync(tagTopic, new { entry.SourceKey, entry.UrlKey, Slug = slug }, tx);
        }

        return outcome;
    }

    private async Task<EntryOutcome> WriteAsync(DbTransaction tx, EntryInput entry, string source, DateTime now)
    {
        var connection = tx.Connection!;
        var existing = await connection.QuerySingleOrDefaultAsync<StoredEntryKeys>(findByKeys, new { entry.SourceKey, entry.UrlKey }, tx);
        if (existing is null)
        {
            await connection.ExecuteAsync(insert, Parameters(entry, source, now, id: 0), tx);
            return EntryOutcome.Created;
        }

        if (entry.Version > existing.Version)
        {
            await connection.ExecuteAsync(updateVersion, Parameters(entry, source, now, existing.Id), tx);
            await connection.ExecuteAsync(forgetEmbedding, new { existing.Id }, tx);
            return EntryOutcome.Updated;
        }

        await connection.ExecuteAsync(refreshUpvotes, new { existing.Id, entry.Upvotes, Now = now }, tx);
        return EntryOutcome.Duplicate;
    }


    private static object Parameters(EntryInput entry, string source, DateTime now, long id) => new
    {
        Id = id,
        entry.SourceKey,
        entry.UrlKey,
        entry.SourceId,
        entry.Version,
        entry.Title,
        entry.Abstract,
        entry.Url,
        Authors = JsonSerializer.Serialize(entry.Authors),
        PublishedAt = entry.PublishedAt?.UtcDateTime,
        entry.Upvotes,
        Source = source,
        Now = now,
    };

    private sealed class StoredEntryKeys
    {
        public long Id { get; init; }
        public string SourceKey { get; init; } = "";
        public string? UrlKey { get; init; }
        public long Version { get; init; }
        public long Upvotes { get; init; }
    }
}
