using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Configuration;

namespace Newsletter.Data;

/// <summary>
/// The database as a process starts: the configured provider's connections and queries, checked
/// reachable and migrated before the host is built, because the keys every process shares are kept
/// in it (<see cref="SharedSecrets"/>).
/// </summary>
public sealed record AppDatabase(IDbConnectionFactory Connections, SqlCatalog Sql, IReadOnlyList<string> AppliedMigrations)
{
    public static async Task<AppDatabase> OpenAsync(StartupSettings settings, CancellationToken cancellationToken = default)
    {
        var connections = DataExtensions.CreateConnectionFactory(settings);
        try
        {
            await connections.PrepareAsync(cancellationToken);
            // No logger exists yet; the service logs what was applied once it has one (DataExtensions).
            var applied = await new Migrator(connections, NullLogger<Migrator>.Instance).MigrateAsync(cancellationToken);
            return new AppDatabase(connections, SqlCatalog.Load(connections.Dialect), applied);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            // SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_CANTOPEN, SQLITE_READONLY...: say which file, and what to do.
            throw new StartupException(
                $"The database {settings.ConnectionString ?? Path.Combine(settings.DataDirectory, "newsletter.db")} cannot be used: {e.Message} "
                + "(restore it from a backup, or move it aside to start empty).", e);
        }
    }
}
