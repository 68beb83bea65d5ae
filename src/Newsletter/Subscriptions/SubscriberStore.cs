using System.Data.Common;
using Dapper;
using Newsletter.Data;

namespace Newsletter.Subscriptions;

/// <summary>
/// Reads and writes subscribers, their topics and interests. Methods that change several tables
/// take the caller's transaction, so a whole lifecycle step commits or rolls back as one.
/// </summary>
public sealed class SubscriberStore(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string insertIfNew = sql["insert-subscriber-if-new"];
    private readonly string findByEmail = sql["find-subscriber-by-email"];
    private readonly string lockByEmail = sql["lock-subscriber-by-email"];
    private readonly string listByIds = sql["list-subscribers-by-ids"];
    private readonly string listTopicSlugsOf = sql["list-topic-slugs-of-subscribers"];
    private readonly string listInterestsOf = sql["list-interests-of-subscribers"];
    private readonly string getById = sql["get-subscriber"];
    private readonly string listTopicSlugs = sql["list-subscriber-topic-slugs"];
    private readonly string listInterests = sql["list-subscriber-interests"];
    private readonly string deleteTopics = sql["delete-subscriber-topics"];
    private readonly string insertTopic = sql["insert-subscriber-topic"];
    private readonly string removeTopic = sql["remove-subscriber-topic"];
    private readonly string deleteInterests = sql["delete-subscriber-interests"];
    private readonly string insertInterest = sql["insert-subscriber-interest"];
    private readonly string activate = sql["activate-subscriber"];
    private readonly string updatePreferences = sql["update-subscriber-preferences"];
    private readonly string unsubscribe = sql["unsubscribe-subscriber"];
    private readonly string markBounced = sql["mark-subscriber-bounced"];
    private readonly string markComplained = sql["mark-subscriber-complained"];

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) => connections.OpenAsync(cancellationToken);

    /// <summary>
    /// Finds the subscriber with this normalised address, creating a pending one if there is none, and
    /// holds their row until the transaction ends: requests for one address are counted one at a time.
    /// </summary>
    public async Task<Subscriber> FindOrCreatePendingAsync(DbTransaction tx, string email, DateTime now)
    {
        await tx.Connection!.ExecuteAsync(insertIfNew, new { Email = email, Now = now }, tx);
        await tx.Connection!.ExecuteAsync(lockByEmail, new { Email = email }, tx);
        return await tx.Connection!.QuerySingleAsync<Subscriber>(findByEmail, new { Email = email }, tx);
    }

    public async Task<Subscriber?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Subscriber>(findByEmail, new { Email = email });
    }

    public async Task<Subscriber?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await GetAsync(connection, id);
    }

    public Task<Subscriber?> GetAsync(DbConnection connection, long id, DbTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Subscriber>(getById, new { Id = id }, tx);

    public async Task<IReadOnlyList<Subscriber>> ListByIdsAsync(DbConnection connection, IReadOnlyCollection<long> ids, DbTransaction? tx = null) =>
        (await connection.QueryAsync<Subscriber>(listByIds, new { Ids = ids.ToArray() }, tx)).AsList();

    /// <summary>The topics and interest lines of many subscribers, in two queries.</summary>
    public async Task<IReadOnlyDictionary<long, SubscriberSettings>> SettingsOfAsync(DbConnection connection, IReadOnlyCollection<long> ids)
    {
        var parameters = new { Ids = ids.ToArray() };
        var topics = (await connection.QueryAsync<(long SubscriberId, string Value)>(listTopicSlugsOf, parameters)).ToLookup(r => r.SubscriberId, r => r.Value);
        var interests = (await connection.QueryAsync<(long SubscriberId, string Value)>(listInterestsOf, parameters)).ToLookup(r => r.SubscriberId, r => r.Value);
        return ids.Distinct().ToDictionary(id => id, id => new SubscriberSettings(topics[id].ToList(), interests[id].ToList()));
    }

    public async Task<SubscriberSettings> GetSettingsAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var topics = (await connection.QueryAsync<string>(listTopicSlugs, new { Id = id })).AsList();
        var interests = (await connection.QueryAsync<string>(listInterests, new { Id = id })).AsList();
        return new SubscriberSettings(topics, interests);
    }

    public Task ActivateAsync(DbTransaction tx, long id, string frequency, DateTime now) =>
        tx.Connection!.ExecuteAsync(activate, new { Id = id, Frequency = frequency, Now = now }, tx);

    public Task<int> UpdatePreferencesAsync(DbTransaction tx, long id, Preferences preferences, DateTime now) =>
        tx.Connection!.ExecuteAsync(updatePreferences, new
        {
            Id = id,
            preferences.Frequency,
            preferences.DeliveryHour,
            preferences.TimeZone,
            preferences.Paused,
            Now = now,
        }, tx);

    /// <summary>Replaces the subscriber's topics and interest lines with the given ones.</summary>
    public async Task ReplaceInterestsAsync(DbTransaction tx, long id, IEnumerable<string> topicSlugs, IEnumerable<string> interestLines)
    {
        var connection = tx.Connection!;
        await connection.ExecuteAsync(deleteTopics, new { Id = id }, tx);
        await connection.ExecuteAsync(insertTopic, topicSlugs.Select(slug => new { Id = id, Slug = slug }), tx);
        await connection.ExecuteAsync(deleteInterests, new { Id = id }, tx);
        await connection.ExecuteAsync(insertInterest, interestLines.Select((text, i) => new { Id = id, Position = i, Text = text }), tx);
    }

    public Task<int> RemoveTopicAsync(DbTransaction tx, long id, string slug) =>
        tx.Connection!.ExecuteAsync(removeTopic, new { Id = id, Slug = slug }, tx);

    public Task<int> MarkBouncedAsync(DbTransaction tx, long id, DateTime now) =>
        tx.Connection!.ExecuteAsync(markBounced, new { Id = id, Now = now }, tx);

    public Task<int> MarkComplainedAsync(DbTransaction tx, long id, DateTime now) =>
        tx.Connection!.ExecuteAsync(markComplained, new { Id = id, Now = now }, tx);

    public Task<int> UnsubscribeAsync(DbTransaction tx, long id, DateTime now) =>
        tx.Connection!.ExecuteAsync(unsubscribe, new { Id = id, Now = now }, tx);
}

public sealed record SubscriberSettings(IReadOnlyList<string> Topics, IReadOnlyList<string> Interests);

public sealed record Preferences(
    IReadOnlyList<string> Topics,
    IReadOnlyList<string> Interests,
    string Frequency,
    int DeliveryHour,
    string TimeZone,
    bool Paused);
