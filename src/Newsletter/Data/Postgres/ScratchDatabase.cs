using Newsletter.Configuration;
using Npgsql;

namespace Newsletter.Data;

/// <summary>
/// A database of its own beside the configured one, for a run that must not touch the operator's
/// data (<c>bench</c>); dropped, with whatever sessions still use it, when disposed.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string serverConnectionString;

    private ScratchDatabase(string serverConnectionString, string name, string connectionString)
    {
        this.serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<ScratchDatabase> CreateAsync(string configuredConnectionString, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        try
        {
            await ExecuteAsync(configuredConnectionString, $"CREATE DATABASE {name}");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new ConfigurationException(
                $"ConnectionStrings:Newsletter: the user may not create databases ({e.MessageText}); the bench needs a scratch database of its own (grant CREATEDB).");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            var target = new NpgsqlConnectionStringBuilder(configuredConnectionString);
            throw new ConfigurationException(
                $"ConnectionStrings:Newsletter: cannot reach PostgreSQL on {target.Host}:{target.Port} ({(e.InnerException ?? e).Message.Split('\n')[0].Trim()}).");
        }

        var builder = new NpgsqlConnectionStringBuilder(configuredConnectionString) { Database = name };
        return new ScratchDatabase(configuredConnectionString, name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(serverConnectionString, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
