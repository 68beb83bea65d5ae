using Dapper;
using Hangfire;
using Newsletter.Data;

namespace Newsletter.Operations;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: it can do its work. Ready needs the
/// database and, in a process that runs jobs, its own Hangfire server heartbeating (503 otherwise).
/// The SMTP relay is reported but does not decide readiness: a relay outage is ridden out by
/// retries, and taking the web out of rotation for it would lose sign-ups. Both public and JSON,
/// for load balancers and container health checks; they say nothing an outsider could use.
/// </summary>
public static class HealthApi
{
    /// <summary>Hangfire heartbeats every 30 s; a server silent for longer than this is gone.</summary>
    private static readonly TimeSpan HeartbeatWithin = TimeSpan.FromMinutes(2);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app, bool runsJobServer)
    {
        var group = app.MapGroup("/health").WithTags("Operations");
        group.MapGet("/live", () => TypedResults.Ok(new HealthReport("live", null, null)))
            .WithSummary("The process answers.");
        group.MapGet("/ready", async (IDbConnectionFactory connections, JobStorage storage, SmtpReachability smtp, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var database = await DatabaseAsync(connections, cancellationToken);
            var (jobServer, liveServers) = database == "ok" ? JobServers(storage, runsJobServer, clock.GetUtcNow().UtcDateTime) : (runsJobServer ? "unknown" : "off", (int?)null);
            var relay = await smtp.CheckAsync();
            var ready = database == "ok" && jobServer is "running" or "off";
            var report = new HealthReport(ready ? "ready" : "unavailable", database, jobServer)
            {
                JobServers = liveServers,
                Smtp = relay.State,
                SmtpError = relay.Error,
            };
            return ready ? Results.Json(report) : Results.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
        })
            .WithSummary("Ready to work: database reachable and, in a process that runs jobs, its job server heartbeating (else 503). Also reports the SMTP relay.")
            .Produces<HealthReport>()
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<string> DatabaseAsync(IDbConnectionFactory connections, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
            return "ok";
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            return "unreachable";
        }
    }

    /// <summary>This process's server by its name (<c>machine:pid</c>, see JobsExtensions), and how many servers heartbeat at all.</summary>
    private static (string State, int? Live) JobServers(JobStorage storage, bool runsJobServer, DateTime now)
    {
        try
        {
            var live = storage.GetMonitoringApi().Servers().Where(s => s.Heartbeat is { } beat && now - beat < HeartbeatWithin).ToList();
            var mine = $"{Environment.MachineName}:{Environment.ProcessId}:";
            var state = !runsJobServer ? "off" : live.Any(s => s.Name.StartsWith(mine, StringComparison.OrdinalIgnoreCase)) ? "running" : "not-running";
            return (state, live.Count);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return (runsJobServer ? "unknown" : "off", null);
        }
    }
}

/// <param name="JobServer"><c>running</c>, <c>off</c> (this process serves the web only), <c>not-running</c> or <c>unknown</c>.</param>
public sealed record HealthReport(string Status, string? Database, string? JobServer)
{
    /// <summary>Hangfire servers of every process on this storage that heartbeat.</summary>
    public int? JobServers { get; init; }

    /// <summary><c>reachable</c>, <c>unreachable</c> or <c>catcher</c>; checked at most every 30 s.</summary>
    public string? Smtp { get; init; }

    public string? SmtpError { get; init; }
}
