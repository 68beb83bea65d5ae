using System.Collections.Concurrent;

namespace Newsletter.Delivery;

/// <summary>
/// The entries digests show, kept from chunk to chunk: a run sends the same few hundred entries to
/// thousands of readers, and reading every digest's titles, abstracts and authors again was most of
/// what a chunk read from the database. An entry is read again once its <c>updated_at</c> moves (a new
/// version, more upvotes), so a digest never shows older text than reading it afresh would.
/// </summary>
public sealed class EntryRowCache
{
    /// <summary>A bound, not a policy: past it the cache starts again (a month of a busy feed is far below it).</summary>
    private const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<long, VersionedEntryRow> rows = new();

    public bool TryGet(long entryId, string version, out DigestEntryRow row)
    {
        if (rows.TryGetValue(entryId, out var cached) && cached.Version == version)
        {
            row = cached;
            return true;
        }

        row = null!;
        return false;
    }

    public void Add(VersionedEntryRow row)
    {
        if (rows.Count >= MaxEntries)
        {
            rows.Clear();
        }

        rows[row.Id] = row;
    }
}

/// <summary>An entry as digests show it, with the <c>updated_at</c> it was read at.</summary>
public sealed class VersionedEntryRow : DigestEntryRow
{
    public string Version { get; init; } = "";
}

/// <summary>One entry of one digest of a chunk: which, in what place, and why.</summary>
public sealed class ChunkPickRow
{
    public long DeliveryId { get; init; }
    public long EntryId { get; init; }
    public string Version { get; init; } = "";
    public double Score { get; init; }
    public string Reason { get; init; } = "";
}
