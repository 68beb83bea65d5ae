using System.Text.Json;
using Dapper;
using Newsletter.Data;

namespace Newsletter.Subscriptions.Topics;

public sealed record TopicInput(string Slug, string Name, string Description, IReadOnlyList<string> Keywords, int? Position);

public sealed class TopicStore(IDbConnectionFactory connections, SqlCatalog sql, TimeProvider clock)
{
    private readonly string listActive = sql["list-active-topics"];
    private readonly string getBySlug = sql["get-topic-by-slug"];
    private readonly string insert = sql["insert-topic"];
    private readonly string update = sql["update-topic"];
    private readonly string archive = sql["archive-topic"];
    private readonly string getSetting = sql["get-setting"];
    private readonly string putSetting = sql["put-setting"];

    public async Task<IReadOnlyList<Topic>> ListActiveAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<Topic>(listActive)).AsList();
    }

    public async Task<Topic?> FindAsync(string slug, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Topic>(getBySlug, new { Slug = slug });
    }

    /// <returns>false when a topic with that slug already exists.</returns>
    public async Task<bool> CreateAsync(TopicInput topic, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(insert, Parameters(topic)) == 1;
    }

    /// <returns>false when no topic has that slug.</returns>
    public async Task<bool> UpdateAsync(TopicInput topic, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(update, Parameters(topic)) == 1;
    }

    public async Task<bool> ArchiveAsync(string slug, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(archive, new { Slug = slug, Now = clock.GetUtcNow().UtcDateTime }) == 1;
    }

    /// <summary>
    /// Seeds the default topics on the very first start only: an operator who later archives them
    /// all does not get them back on the next restart.
    /// </summary>
    public async Task SeedDefaultsOnceAsync(IEnumerable<TopicInput> defaults, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // Two instances starting at once seed once.
        await using var transaction = await connections.BeginSerializedAsync(connection, WriteOrder.TopicSeeding, cancellationToken);
        if (await connection.QuerySingleOrDefaultAsync<string>(getSetting, new { Key = "topics-seeded" }, transaction) is not null)
        {
            return;
        }

        foreach (var topic in defaults)
        {
            await connection.ExecuteAsync(insert, Parameters(topic), transaction);
        }

        await connection.ExecuteAsync(putSetting, new { Key = "topics-seeded", Value = clock.GetUtcNow().ToString("O") }, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private object Parameters(TopicInput topic) => new
    {
        topic.Slug,
        topic.Name,
        topic.Description,
        Keywords = JsonSerializer.Serialize(topic.Keywords),
        topic.Position,
        Now = clock.GetUtcNow().UtcDateTime,
    };
}
