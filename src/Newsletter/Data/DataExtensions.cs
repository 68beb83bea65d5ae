using Newsletter.Configuration;

namespace Newsletter.Data;

public static class DataExtensions
{
    /// <summary>The application database: SQLite in the data directory unless ConnectionStrings:Newsletter says otherwise.</summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder, StartupSettings settings)
    {
        var connectionString = settings.ConnectionString is { Length: > 0 } configured
            ? configured
            : SqliteConnectionFactory.ForFile(Path.Combine(settings.DataDirectory, "newsletter.db"));
        const string dialect = "Sqlite";
        builder.Services.AddSingleton<IDbConnectionFactory>(new SqliteConnectionFactory(connectionString));
        builder.Services.AddSingleton(SqlCatalog.Load(dialect));
        builder.Services.AddSingleton(sp => new Migrator(sp.GetRequiredService<IDbConnectionFactory>(), dialect, sp.GetRequiredService<ILogger<Migrator>>()));
        return builder;
    }

    /// <summary>Turns on WAL (kept in the file) and applies pending migrations, before the server takes requests.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        var connections = app.Services.GetRequiredService<IDbConnectionFactory>();
        await using (var connection = await connections.OpenAsync())
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync();
        }

        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
    }
}
