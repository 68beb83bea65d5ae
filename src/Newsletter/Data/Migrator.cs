using Dapper;

namespace Newsletter.Data;

/// <summary>
/// Applies the ordered migration files (<c>Data/Migrations/{dialect}/NNNN_name.sql</c>) that the
/// database has not seen yet, each in its own transaction, and records them in schema_migrations.
/// Run at every start; running it twice changes nothing.
/// </summary>
public sealed class Migrator(IDbConnectionFactory connections, ILogger<Migrator> logger)
{
    /// <returns>The versions this call applied.</returns>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var applied = new List<string>();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using (var create = await connections.BeginSerializedAsync(connection, WriteOrder.Schema, cancellationToken))
        {
            // Under the lock too: PostgreSQL's IF NOT EXISTS is not safe against a second process creating the table at the same moment.
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)", transaction: create);
            await create.CommitAsync(cancellationToken);
        }

        foreach (var (version, sql) in Migrations(connections.Dialect))
        {
            // Checked inside the serialised transaction: of two processes starting together,
            // the second waits, then sees the migration applied and skips it.
            await using var transaction = await connections.BeginSerializedAsync(connection, WriteOrder.Schema, cancellationToken);
            var seen = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @version", new { version }, transaction);
            if (seen > 0)
            {
                continue;
            }

            await connection.ExecuteAsync(sql, transaction: transaction);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @now)",
                new { version, now = DateTime.UtcNow.ToString("O") },
                transaction);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Applied database migration {Version}", version);
            applied.Add(version);
        }

        return applied;
    }

    internal static IEnumerable<(string Version, string Sql)> Migrations(string dialect)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Data.Migrations.{dialect}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => (n[prefix.Length..^".sql".Length], SqlCatalog.ReadResource(assembly, n)));
    }
}
