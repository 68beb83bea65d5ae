using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Newsletter.Data;

/// <summary>
/// SQLite connections with the settings every connection needs: foreign keys are off by default in
/// SQLite and a busy database fails at once unless a timeout is set, so each connection sets both.
/// WAL (set once, it is stored in the file) lets readers work while a writer commits.
/// </summary>
public sealed class SqliteConnectionFactory(string connectionString) : IDbConnectionFactory
{
    public const string DialectName = "Sqlite";

    public string ConnectionString { get; } = connectionString;

    public string Dialect => DialectName;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE: the one write lock, taken at the start.</summary>
    public async Task<DbTransaction> BeginSerializedAsync(DbConnection connection, WriteOrder order, CancellationToken cancellationToken = default) =>
        await connection.BeginTransactionAsync(cancellationToken);

    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode = WAL;";
        await wal.ExecuteNonQueryAsync(cancellationToken);
    }

    public static string ForFile(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();
}
