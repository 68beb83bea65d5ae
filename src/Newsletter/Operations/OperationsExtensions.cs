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
        // A start that fails (port in use, bad URL) is told in one line by Cli.ServiceStart; the host's own
        // account of it is a stack trace, and the hosted services it cancels add more. Quiet until started.
        var started = new StartedFlag();
        builder.Services.AddSingleton(started);
        // This rule, being the most specific, replaces the configured level for the category: keep Information's floor.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level >= LogLevel.Information && (started.IsSet || level < LogLevel.Error));
        return builder;
    }

    /// <summary>/metrics in every process (workers send the mail); the API description only where the API is.</summary>
    public static WebApplication MapOperations(this WebApplication app, ProcessRole role)
    {
        var started = app.Services.GetRequiredService<StartedFlag>();
        app.Lifetime.ApplicationStarted.Register(() => started.IsSet = true);
        app.MapMetrics();
        if (role == ProcessRole.Serve)
        {
            app.MapApiDocs();
        }

        return app;
    }
}

internal sealed class StartedFlag
{
    private volatile bool isSet;

    public bool IsSet
    {
        get => isSet;
        set => isSet = value;
    }
}
