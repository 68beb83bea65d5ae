using System.Data.Common;
using Newsletter.Configuration;
using Npgsql;

namespace Newsletter.Data;

/// <summary>
/// PostgreSQL connections from one pooled <see cref="NpgsqlDataSource"/>. Sessions run in UTC, so
/// a time written without a zone (by an operator in psql, say) means what it means in the service.
/// </summary>
public sealed class PostgresConnectionFactory : IDbConnectionFactory, IAsyncDisposable
{
    public const string DialectName = "Postgres";

    /// <summary>Advisory lock keys: "NL" in the high bytes keeps them clear of other applications' keys.</summary>
    private const long AdvisoryLockBase = 0x4E4C_0000;

    private readonly NpgsqlDataSource dataSource;

    public PostgresConnectionFactory(string connectionString)
    {
        ConnectionString = WithSessionDefaults(connectionString);
        dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string ConnectionString { get; }

    public string Dialect => DialectName;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public async Task<DbTransaction> BeginSerializedAsync(DbConnection connection, WriteOrder order, CancellationToken cancellationToken = default)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_advisory_xact_lock(@key)";
        command.Parameters.Add(new NpgsqlParameter("key", AdvisoryLockBase + (long)order));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    /// <summary>Fails the start with one line naming the key when the server cannot be reached or refuses us.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            var target = new NpgsqlConnectionStringBuilder(ConnectionString);
            var reason = (e.InnerException?.Message ?? e.Message).Split('\n')[0].Trim();
            throw new ConfigurationException(
                $"ConnectionStrings:Newsletter: cannot open the PostgreSQL database '{target.Database}' on {target.Host}:{target.Port} ({reason}).");
        }
    }

    /// <summary>The message for a connection string Npgsql cannot read, or null when it can.</summary>
    public static string? Check(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "ConnectionStrings:Newsletter must be set when Database:Provider is 'Postgres' "
                + "(e.g. 'Host=127.0.0.1;Port=5432;Database=newsletter;Username=newsletter;Password=...').";
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrEmpty(builder.Host)
                ? "ConnectionStrings:Newsletter must name the PostgreSQL server with Host=."
                : null;
        }
        catch (ArgumentException e)
        {
            // The message names the bad keyword, never the password.
            return $"ConnectionStrings:Newsletter is not a PostgreSQL connection string: {e.Message.Split('\n')[0]}";
        }
    }

    private static string WithSessionDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Timezone ??= "UTC";
        if (builder.MaxAutoPrepare == 0)
        {
            // The service runs the same few dozen statements over and over (a digest run, thousands of
            // times each): prepared once per connection, the server stops parsing and planning them.
            builder.MaxAutoPrepare = 64;
        }

        return builder.ConnectionString;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
