using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Data;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Data;

public sealed class SqlAndMigrationTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));

    public SqlAndMigrationTests() => Directory.CreateDirectory(folder);

    [Fact]
    public void Catalog_SplitsFilesIntoNamedQueries()
    {
        var parsed = SqlCatalog.Parse("-- name: a\n-- why a\nSELECT 1;\n\n-- name: b\nSELECT 2;\n").ToList();
        Assert.Equal(["a", "b"], parsed.Select(p => p.Name));
        Assert.Equal("-- why a\nSELECT 1;", parsed[0].Sql.Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Catalog_UnknownName_FailsNamingIt()
    {
        var catalog = SqlCatalog.Load("Sqlite");
        var error = Assert.Throws<InvalidOperationException>(() => catalog["no-such-query"]);
        Assert.Contains("no-such-query", error.Message, StringComparison.Ordinal);
        Assert.Contains("SELECT", catalog["get-subscriber"], StringComparison.Ordinal);
    }

    [Fact]
    public void EveryQueryAndMigration_ExistsInBothDialects()
    {
        var sqlite = SqlCatalog.Load(SqliteConnectionFactory.DialectName);
        var postgres = SqlCatalog.Load(PostgresConnectionFactory.DialectName);
        Assert.NotEmpty(sqlite.Names);
        Assert.Equal(sqlite.Names.Order(StringComparer.Ordinal), postgres.Names.Order(StringComparer.Ordinal));
        Assert.Equal(
            Migrator.Migrations(SqliteConnectionFactory.DialectName).Select(m => m.Version),
            Migrator.Migrations(PostgresConnectionFactory.DialectName).Select(m => m.Version));
    }

    [Fact]
    public async Task Migrations_RunTwice_ApplyOnce_AndEnforceForeignKeys_OnSqlite()
    {
        var factory = new SqliteConnectionFactory(SqliteConnectionFactory.ForFile(Path.Combine(folder, "db.sqlite")));
        await AssertMigrationsApplyOnceAsync(factory);
    }

    [Fact]
    public async Task Migrations_RunTwice_ApplyOnce_AndEnforceForeignKeys_OnPostgres()
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync();
        try
        {
            await using var factory = new PostgresConnectionFactory(connectionString);
            await AssertMigrationsApplyOnceAsync(factory);
        }
        finally
        {
            await PostgresCluster.Shared.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task Migrations_FromTwoProcessesAtOnce_ApplyOnce_OnPostgres()
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync();
        try
        {
            // Two factories, as two processes would have, racing on an empty database.
            await using var first = new PostgresConnectionFactory(connectionString);
            await using var second = new PostgresConnectionFactory(connectionString);
            await Task.WhenAll(
                new Migrator(first, NullLogger<Migrator>.Instance).MigrateAsync(),
                new Migrator(second, NullLogger<Migrator>.Instance).MigrateAsync());

            await using var connection = await first.OpenAsync();
            Assert.Equal(Migrator.Migrations(first.Dialect).Count(), await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
        }
        finally
        {
            await PostgresCluster.Shared.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task Ledger_GoesWithTheSubscriberDeliveryOrEntryItNames_OnSqlite()
    {
        var factory = new SqliteConnectionFactory(SqliteConnectionFactory.ForFile(Path.Combine(folder, "db.sqlite")));
        await AssertLedgerFollowsItsParentsAsync(factory);
    }

    [Fact]
    public async Task Ledger_GoesWithTheSubscriberDeliveryOrEntryItNames_OnPostgres()
    {
        // PostgreSQL cascades the ledger by triggers, not foreign keys (migration 0010): the same promise.
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync();
        try
        {
            await using var factory = new PostgresConnectionFactory(connectionString);
            await AssertLedgerFollowsItsParentsAsync(factory);
        }
        finally
        {
            await PostgresCluster.Shared.DropDatabaseAsync(connectionString);
        }
    }

    private static async Task AssertLedgerFollowsItsParentsAsync(IDbConnectionFactory factory)
    {
        await factory.PrepareAsync();
        await new Migrator(factory, NullLogger<Migrator>.Instance).MigrateAsync();
        await using var connection = await factory.OpenAsync();
        var now = DateTime.UtcNow;
        await connection.ExecuteAsync("""
            INSERT INTO subscribers (id, email, created_at, updated_at) VALUES (1, 'a@example.org', @now, @now), (2, 'b@example.org', @now, @now);
            INSERT INTO entries (id, source_key, title, source, arrived_at, updated_at)
                VALUES (10, 'id:10', 'Ten', 'api', @now, @now), (11, 'id:11', 'Eleven', 'api', @now, @now);
            INSERT INTO digest_runs (id, kind, cutoff_at, created_at) VALUES (1, 'forced', @now, @now);
            INSERT INTO delivery_batches (id, run_id) VALUES (1, 1);
            INSERT INTO deliveries (id, run_id, batch_id, subscriber_id, updated_at) VALUES (100, 1, 1, 1, @now), (200, 1, 1, 2, @now);
            INSERT INTO delivery_entries (delivery_id, entry_id, position, score, reason)
                VALUES (100, 10, 0, 1, 'r'), (100, 11, 1, 1, 'r'), (200, 10, 0, 1, 'r'), (200, 11, 1, 1, 'r');
            INSERT INTO sent_entries (subscriber_id, entry_id, delivery_id, created_at)
                VALUES (1, 10, 100, @now), (1, 11, 100, @now), (2, 10, 200, @now), (2, 11, 200, @now);
            """, new { now });

        async Task<(long Digest, long Sent)> LedgerRowsAsync(string digestWhere, string sentWhere) => (
            await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM delivery_entries WHERE {digestWhere}"),
            await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM sent_entries WHERE {sentWhere}"));

        await connection.ExecuteAsync("DELETE FROM entries WHERE id = 10");
        Assert.Equal((0, 0), await LedgerRowsAsync("entry_id = 10", "entry_id = 10"));
        Assert.Equal((2, 2), await LedgerRowsAsync("entry_id = 11", "entry_id = 11"));

        await connection.ExecuteAsync("DELETE FROM subscribers WHERE id = 1");   // its delivery goes with it, and that delivery's digest
        Assert.Equal((0, 0), await LedgerRowsAsync("delivery_id = 100", "subscriber_id = 1"));
        Assert.Equal((1, 1), await LedgerRowsAsync("delivery_id = 200", "subscriber_id = 2"));

        await connection.ExecuteAsync("DELETE FROM digest_runs WHERE id = 1");   // deliveries cascade; what was sent stays sent
        Assert.Equal((0, 1), await LedgerRowsAsync("1 = 1", "1 = 1"));
    }

    private static async Task AssertMigrationsApplyOnceAsync(IDbConnectionFactory factory)
    {
        await factory.PrepareAsync();
        var migrator = new Migrator(factory, NullLogger<Migrator>.Instance);
        await migrator.MigrateAsync();
        await migrator.MigrateAsync();

        await using var connection = await factory.OpenAsync();
        Assert.Equal(Migrator.Migrations(factory.Dialect).Count(), await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
        await Assert.ThrowsAnyAsync<Exception>(() => connection.ExecuteAsync(
            "INSERT INTO subscriber_topics (subscriber_id, topic_id) VALUES (999, 999)"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
