using Dapper;
using Newsletter.Data;

namespace Newsletter.Admin.Pages;

public sealed class RunProgressRow
{
    public long Id { get; init; }
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime? CompletedAt { get; init; }
    public string? PausedReason { get; init; }
    public long Recipients { get; init; }
    public long Sent { get; init; }
    public long Failed { get; init; }
    public long Skipped { get; init; }
    public long Uncertain { get; init; }
    public long Queued { get; init; }
    public long Sending { get; init; }
}

public sealed class RunProblemRow
{
    public long Id { get; init; }
    public string State { get; init; } = "";
    public long Attempts { get; init; }
    public string? LastError { get; init; }
    public DateTime UpdatedAt { get; init; }
    public long SubscriberId { get; init; }
    public string Email { get; init; } = "";
}

/// <summary>The admin pages' reads of digest runs: progress counts, failed and uncertain deliveries, the chart's daily figures.</summary>
public sealed class AdminRunQueries(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string latest = sql["admin-list-latest-runs"];
    private readonly string problems = sql["admin-list-run-problems"];
    private readonly string signupsPerDay = sql["admin-signups-per-day"];
    private readonly string sendsPerDay = sql["admin-sends-per-day"];

    public async Task<IReadOnlyList<RunProgressRow>> LatestAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<RunProgressRow>(latest, new { Id = (long?)null, Limit = count })).AsList();
    }

    public async Task<RunProgressRow?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RunProgressRow>(latest, new { Id = (long?)id, Limit = 1 });
    }

    public async Task<IReadOnlyList<RunProblemRow>> ProblemsAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<RunProblemRow>(problems, new { RunId = runId })).AsList();
    }

    /// <returns>Per UTC day since <paramref name="since"/> (yyyy-MM-dd): new addresses and digests sent.</returns>
    public async Task<(IReadOnlyDictionary<string, long> Signups, IReadOnlyDictionary<string, long> Sends)> PerDayAsync(DateTime since, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var signups = (await connection.QueryAsync<(string Day, long Count)>(signupsPerDay, new { Since = since })).ToDictionary(r => r.Day, r => r.Count);
        var sends = (await connection.QueryAsync<(string Day, long Count)>(sendsPerDay, new { Since = since })).ToDictionary(r => r.Day, r => r.Count);
        return (signups, sends);
    }
}
