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
        // Reads through a memory map and a 16 MB page cache: a digest run reads the same entries,
        // subscribers and ledger pages over and over, and each page read otherwise costs a system call.
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 268435456; PRAGMA cache_size = -16000;";
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
