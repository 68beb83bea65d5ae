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
