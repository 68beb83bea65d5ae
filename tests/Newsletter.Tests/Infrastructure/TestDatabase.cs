using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Newsletter.Tests.Infrastructure;

/// <summary>
/// The application database of one test: a SQLite file in the test's data directory, or, when the
/// run is on PostgreSQL (<c>NEWSLETTER_TEST_PROVIDER=Postgres</c>, set by scripts/test for its second
/// pass), a fresh database in the run's throwaway cluster. Tests read and age rows through it in
/// SQL both dialects understand.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? postgres;
    private PostgresCluster? ownCluster;
    private readonly string dataDirectory;

    private TestDatabase(string dataDirectory, string? postgres)
    {
        this.dataDirectory = dataDirectory;
        this.postgres = postgres;
    }

    /// <summary>True when this run's tests use PostgreSQL.</summary>
    public static bool RunOnPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("NEWSLETTER_TEST_PROVIDER"), "Postgres", StringComparison.OrdinalIgnoreCase);

    public bool IsPostgres => postgres is not null;

    /// <summary>The configuration that points the service at this database (none for SQLite: the data directory's file).</summary>
    public IReadOnlyDictionary<string, string?> Settings => postgres is null
        ? new Dictionary<string, string?>()
        : new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Newsletter"] = postgres };

    /// <summary>The same settings as command-line options, for verbs.</summary>
    public string[] Arguments => [.. Settings.SelectMany(s => new[] { $"--{s.Key}", s.Value! })];

    public static async Task<TestDatabase> CreateAsync(string dataDirectory, bool? postgres = null) =>
        new(dataDirectory, postgres ?? RunOnPostgres ? await PostgresCluster.Shared.CreateDatabaseAsync() : null);

    /// <summary>A database in a cluster of the test's own (dropped with the cluster).</summary>
    public static async Task<TestDatabase> CreateAsync(string dataDirectory, PostgresCluster cluster) =>
        new(dataDirectory, await cluster.CreateDatabaseAsync()) { ownCluster = cluster };

    public void Execute(string sql)
    {
        using var connection = Open();
        connection.Execute(sql);
    }

    public long CountRows(string tableAndCondition)
    {
        using var connection = Open();
        return connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM {tableAndCondition}");
    }

    public T? Scalar<T>(string sql, object? parameters = null)
    {
        using var connection = Open();
        return connection.ExecuteScalar<T>(sql, parameters);
    }

    public bool TableExists(string table)
    {
        if (postgres is null && !File.Exists(Path.Combine(dataDirectory, "newsletter.db")))
        {
            return false;
        }

        return Scalar<long>(postgres is null
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @Table"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = @Table", new { Table = table }) > 0;
    }

    private DbConnection Open()
    {
        DbConnection connection = postgres is null
            ? new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "newsletter.db")};Pooling=False")
            : new NpgsqlConnection(postgres);
        connection.Open();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (postgres is not null && ownCluster is null)
        {
            await PostgresCluster.Shared.DropDatabaseAsync(postgres);
        }
    }
}
