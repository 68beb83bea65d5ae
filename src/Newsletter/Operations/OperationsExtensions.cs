using Newsletter.Configuration;

namespace Newsletter.Operations;

public static class OperationsExtensions
{
    /// <summary>Health checks, metrics, the API description, and the server's own hardening (no banner, no request lines in the log).</summary>
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder, StartupSettings settings)
    {
        builder.Services.AddSingleton(sp => new SmtpReachability(settings.Smtp, sp.GetRequiredService<TimeProvider>()));
        builder.AddApiDocs();
        builder.AddMetrics();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        // "Request starting GET /preferences/{token}" is logged at Information: token URLs must never reach a log,
        // whatever appsettings.json says or whether it was found. HTTP metrics and the proxy's log cover requests.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", level => level >= LogLevel.Warning);
        return builder;
    }

    /// <summary>/metrics in every process (workers send the mail); the API description only where the API is.</summary>
    public static WebApplication MapOperations(this WebApplication app, ProcessRole role)
    {
        app.MapMetrics();
        if (role == ProcessRole.Serve)
        {
            app.MapApiDocs();
        }

        return app;
    }
}
