using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Data;

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
    public async Task Migrations_RunTwice_ApplyOnce_AndEnforceForeignKeys()
    {
        var factory = new SqliteConnectionFactory(SqliteConnectionFactory.ForFile(Path.Combine(folder, "db.sqlite")));
        var migrator = new Migrator(factory, "Sqlite", NullLogger<Migrator>.Instance);
        await migrator.MigrateAsync();
        await migrator.MigrateAsync();

        await using var connection = await factory.OpenAsync();
        Assert.Equal(Migrator.Migrations("Sqlite").Count(), await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
        await Assert.ThrowsAnyAsync<Exception>(() => connection.ExecuteAsync(
            "INSERT INTO subscriber_topics (subscriber_id, topic_id) VALUES (999, 999)"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
