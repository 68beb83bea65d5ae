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
        await connections.PrepareAsync(cancellationToken);
        // No logger exists yet; the service logs what was applied once it has one (DataExtensions).
        var applied = await new Migrator(connections, NullLogger<Migrator>.Instance).MigrateAsync(cancellationToken);
        return new AppDatabase(connections, SqlCatalog.Load(connections.Dialect), applied);
    }
}
