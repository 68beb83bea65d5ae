using System.Data.Common;
using Dapper;
using Newsletter.Data;

namespace Newsletter.Reader;

/// <summary>An entry as the papers page and the feeds show it.</summary>
public sealed class PaperRow
{
    public long Id { get; init; }
    public string Title { get; init; } = "";
    public string Abstract { get; init; } = "";
    public string? Url { get; init; }
    public string Authors { get; init; } = "[]";
    public long Upvotes { get; init; }
    public DateTime ShownAt { get; init; }

    /// <summary>Loaded by <c>import --sample</c>: invented, and labelled so on the page.</summary>
    public bool IsSample { get; init; }
}

public sealed record PaperTopic(long EntryId, string Slug, string Name);

public sealed class ViewedDelivery
{
    public long Id { get; init; }
    public long SubscriberId { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>What the reader's pages read (papers page, Atom feeds, digest web view); nothing here writes.</summary>
public sealed class ReaderStore(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string latest = sql["papers-latest-time"];
    private readonly string inSpan = sql["papers-in-span"];
    private readonly string trending = sql["papers-trending"];
    private readonly string before = sql["papers-time-before"];
    private readonly string from = sql["papers-time-from"];
    private readonly string topicsOf = sql["papers-entry-topics"];
    private readonly string digestDelivery = sql["digest-view-delivery"];

    /// <summary>The delivery a web-view link names, or null when it is no longer kept.</summary>
    public Task<ViewedDelivery?> FindDeliveryAsync(DbConnection c, long deliveryId) =>
        c.QuerySingleOrDefaultAsync<ViewedDelivery>(digestDelivery, new { Id = deliveryId });

    public async Task<DateTime?> LatestAsync(long? topicId, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        return Utc(await c.ExecuteScalarAsync<DateTime?>(latest, new { TopicId = topicId }));
    }

    public async Task<DateTime?> NewestBeforeAsync(DateTime time, long? topicId, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        return Utc(await c.ExecuteScalarAsync<DateTime?>(before, new { Before = time, TopicId = topicId }));
    }

    public async Task<DateTime?> OldestFromAsync(DateTime time, long? topicId, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        return Utc(await c.ExecuteScalarAsync<DateTime?>(from, new { From = time, TopicId = topicId }));
    }

    public Task<IReadOnlyList<PaperRow>> InSpanAsync(DateTime start, DateTime end, long? topicId, int limit, CancellationToken ct) =>
        ListAsync(inSpan, start, end, topicId, limit, ct);

    public Task<IReadOnlyList<PaperRow>> TrendingAsync(DateTime start, DateTime end, long? topicId, int limit, CancellationToken ct) =>
        ListAsync(trending, start, end, topicId, limit, ct);

    public async Task<ILookup<long, PaperTopic>> TopicsOfAsync(IReadOnlyCollection<long> entryIds, CancellationToken ct)
    {
        if (entryIds.Count == 0)
        {
            return Array.Empty<PaperTopic>().ToLookup(t => t.EntryId);
        }

        await using var c = await connections.OpenAsync(ct);
        return (await c.QueryAsync<PaperTopic>(topicsOf, new { Ids = entryIds.Distinct().ToArray() })).ToLookup(t => t.EntryId);
    }

    private async Task<IReadOnlyList<PaperRow>> ListAsync(string query, DateTime start, DateTime end, long? topicId, int limit, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        return (await c.QueryAsync<PaperRow>(query, new { Start = start, End = end, TopicId = topicId, Limit = limit }))
            .Select(r => new PaperRow { Id = r.Id, Title = r.Title, Abstract = r.Abstract, Url = r.Url, Authors = r.Authors, Upvotes = r.Upvotes, ShownAt = Utc(r.ShownAt), IsSample = r.IsSample })
            .ToList();
    }

    // SQLite hands times back without a kind; every time we store is UTC.
    private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);

    private static DateTime? Utc(DateTime? time) => time is { } t ? Utc(t) : null;
}
