using Newsletter.Configuration;

namespace Newsletter.Data;

public static class DataExtensions
{
    /// <summary>The application database opened at start (<see cref="AppDatabase"/>), its queries, and the shared key ring on PostgreSQL.</summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder, AppDatabase database)
    {
        // A factory, not an instance, so the container disposes the connection pool with the app.
        builder.Services.AddSingleton(_ => database.Connections);
        builder.Services.AddSingleton(database.Sql);
        builder.Services.AddSingleton(database);
        return builder;
    }

    public static IDbConnectionFactory CreateConnectionFactory(StartupSettings settings) =>
        settings.Database.IsPostgres
            ? new PostgresConnectionFactory(settings.ConnectionString!)
            : new SqliteConnectionFactory(settings.ConnectionString is { Length: > 0 } configured
                ? configured
                : SqliteConnectionFactory.ForFile(Path.Combine(settings.DataDirectory, "newsletter.db")));

    /// <summary>Says which migrations this start applied, now that there is a logger.</summary>
    public static void LogAppliedMigrations(this WebApplication app)
    {
        foreach (var version in app.Services.GetRequiredService<AppDatabase>().AppliedMigrations)
        {
            app.Logger.LogInformation("Applied database migration {Version}", version);
        }
    }
}
