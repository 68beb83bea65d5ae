using Dapper;
using Newsletter.Data;
using Newsletter.Matching.Embeddings;

namespace Newsletter.Matching.Learning;

/// <summary>An entry the subscriber rated, with its vector.</summary>
public sealed record RatedEntry(long EntryId, bool Liked, string Title, float[] Vector);

/// <summary>Reads the thumbs a subscriber gave (the whole of what is learned) and forgets them on request.</summary>
public sealed class ThumbsStore(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string listRated = sql["list-rated-entry-embeddings"];
    private readonly string forgetFeedback = sql["forget-feedback"];
    private readonly string listFeedback = sql["list-feedback"];
    private readonly string withThumbs = sql["list-subscribers-with-thumbs"];

    /// <summary>Which of these subscribers rated anything: the others have nothing to learn from.</summary>
    public async Task<IReadOnlySet<long>> SubscribersWithThumbsAsync(System.Data.Common.DbConnection connection, IReadOnlyCollection<long> ids) =>
        (await connection.QueryAsync<long>(withThumbs, new { Ids = ids.ToArray() })).ToHashSet();

    /// <summary>The latest thumbs with the rated entries' vectors, for learning the subscriber's taste.</summary>
    public async Task<IReadOnlyList<RatedEntry>> RatedEntriesAsync(string model, long subscriberId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long EntryId, long Vote, string Title, byte[] Vector)>(listRated, new { Model = model, SubscriberId = subscriberId });
        return rows.Select(r => new RatedEntry(r.EntryId, r.Vote > 0, r.Title, VectorBlob.Unpack(r.Vector))).ToList();
    }

    /// <summary>Every thumb with the entry's title, newest first, for the preferences page.</summary>
    public async Task<IReadOnlyList<(string Title, bool Liked)>> FeedbackAsync(long subscriberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<(string Title, long Vote)>(listFeedback, new { SubscriberId = subscriberId })).Select(r => (r.Title, r.Vote > 0)).ToList();
    }

    public async Task ForgetFeedbackAsync(long subscriberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(forgetFeedback, new { SubscriberId = subscriberId });
    }
}
