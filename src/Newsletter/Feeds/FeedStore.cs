using Dapper;
using Newsletter.Data;

namespace Newsletter.Feeds;

public sealed class FeedState
{
    public string Name { get; init; } = "";
    public string Url { get; init; } = "";
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
}

public sealed class FeedStore(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string get = sql["get-feed-state"];
    private readonly string save = sql["save-feed-state"];

    public async Task<FeedState?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<FeedState>(get, new { Name = name });
    }

    public async Task SaveAsync(FeedSource source, int status, string? etag, string? lastModified, string? error, int seen, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(save, new
        {
            source.Name,
            source.Url,
            ETag = etag,
            LastModified = lastModified,
            Now = now,
            Status = status,
            Error = error,
            Seen = seen,
        });
    }
}
