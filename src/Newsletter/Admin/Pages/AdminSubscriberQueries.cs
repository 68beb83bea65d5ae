using Dapper;
using Newsletter.Data;

namespace Newsletter.Admin.Pages;

public sealed class SubscriberListRow
{
    public long Id { get; init; }
    public string Email { get; init; } = "";
    public string Status { get; init; } = "";
    public string Frequency { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime? ConfirmedAt { get; init; }
}

public sealed class SubscriberDeliveryRow
{
    public long Id { get; init; }
    public long RunId { get; init; }
    public string State { get; init; } = "";
    public long Attempts { get; init; }
    public string? LastError { get; init; }
    public DateTime UpdatedAt { get; init; }
    public long Entries { get; init; }
}

public sealed class SubscriberThumbRow
{
    public long EntryId { get; init; }
    public string Title { get; init; } = "";
    public long Vote { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>The admin pages' reads of subscribers: search with keyset paging, counts, a subscriber's digests and thumbs.</summary>
public sealed class AdminSubscriberQueries(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string countByStatus = sql["admin-count-subscribers-by-status"];
    private readonly string older = sql["admin-search-subscribers-older"];
    private readonly string newer = sql["admin-search-subscribers-newer"];
    private readonly string deliveries = sql["admin-list-subscriber-deliveries"];
    private readonly string thumbs = sql["admin-list-subscriber-thumbs"];

    public async Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<(string Status, long Count)>(countByStatus)).ToDictionary(r => r.Status, r => r.Count);
    }

    public Task<KeysetPage<SubscriberListRow>> SearchAsync(SubscriberFilter filter, long? after, long? before, int size, CancellationToken cancellationToken) =>
        KeysetPage.LoadAsync<SubscriberListRow>(after, before, size, r => r.Id,
            (a, limit) => QueryAsync(older, new { After = a, filter.Pattern, filter.Status, filter.Topic, Limit = limit }, cancellationToken),
            (b, limit) => QueryAsync(newer, new { Before = b, filter.Pattern, filter.Status, filter.Topic, Limit = limit }, cancellationToken));

    public async Task<IReadOnlyList<SubscriberDeliveryRow>> DeliveriesAsync(long subscriberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<SubscriberDeliveryRow>(deliveries, new { SubscriberId = subscriberId })).AsList();
    }

    public async Task<IReadOnlyList<SubscriberThumbRow>> ThumbsAsync(long subscriberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<SubscriberThumbRow>(thumbs, new { SubscriberId = subscriberId })).AsList();
    }

    private async Task<IReadOnlyList<SubscriberListRow>> QueryAsync(string query, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<SubscriberListRow>(query, parameters)).AsList();
    }
}

/// <summary>What the subscriber list is narrowed to; null parts do not narrow it.</summary>
public sealed record SubscriberFilter(string? Search, string? Status, string? Topic)
{
    /// <summary>A substring of the address as a LIKE pattern (addresses are stored in lower case); % and _ match themselves.</summary>
    public string? Pattern => Like(Search);

    internal static string? Like(string? search) =>
        string.IsNullOrWhiteSpace(search)
            ? null
            : "%" + search.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
