using Hangfire;
using Microsoft.OpenApi;
using Newsletter.Admin;
using OpenTelemetry.Metrics;

namespace Newsletter.Operations;

/// <summary>
/// OpenTelemetry metrics, scraped by Prometheus at <c>/metrics</c> behind the admin key (as
/// <c>X-Api-Key</c> or <c>Authorization: Bearer</c>): our <see cref="NewsletterMetrics"/>, the
/// ASP.NET Core server's own (<c>http_server_request_duration_seconds</c>, active requests) and
/// Kestrel's connections. Counts are per process: scrape each process.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static WebApplicationBuilder AddMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(NewsletterMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapMetrics(this WebApplication app)
    {
        var storage = app.Services.GetRequiredService<JobStorage>();
        NewsletterMetrics.ObserveQueueDepth(() => JobQueueDepth.Read(storage));
        var key = app.Services.GetRequiredService<AdminKey>();
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (key.IsPresentIn(context.Request))
            {
                await next(context);
                return;
            }

            await TypedResults.Problem(title: "Unauthorized", detail: $"Send the admin key as {AdminKey.HeaderName} or Authorization: Bearer.",
                statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
        }), optionsName: null);
        return app;
    }

    /// <summary>The scrape endpoint is middleware, not a route handler: described by hand.</summary>
    internal static void Describe(OpenApiDocument document)
    {
        var problem = new OpenApiResponse
        {
            Description = "No or a wrong admin key.",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
        };
        document.Paths ??= [];
        document.Paths[Path] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    Summary = "Prometheus metrics (series prefixed newsletter_, plus ASP.NET Core's http_server_*).",
                    Tags = new HashSet<OpenApiTagReference> { new("Operations", document) },
                    Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocs.SecurityScheme, document)] = [] }],
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "Prometheus text exposition format.",
                            Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() },
                        },
                        ["401"] = problem,
                    },
                },
            },
        };
    }
}
