using Dapper;
using Newsletter.Data;

namespace Newsletter.Operations;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: it can do its work, the database
/// answers (503 otherwise). Both public and JSON, for load balancers and container health checks;
/// they say nothing an outsider could use.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app, bool runsJobServer)
    {
        var group = app.MapGroup("/health");
        group.MapGet("/live", () => TypedResults.Ok(new HealthReport("live", null, null)));
        var jobServer = runsJobServer ? "running" : "off";
        group.MapGet("/ready", async (IDbConnectionFactory connections, CancellationToken cancellationToken) =>
        {
            try
            {
                await using var connection = await connections.OpenAsync(cancellationToken);
                await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
                return Results.Json(new HealthReport("ready", "ok", jobServer));
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
            {
                return Results.Json(new HealthReport("unavailable", "unreachable", jobServer), statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }
}

public sealed record HealthReport(string Status, string? Database, string? JobServer);
