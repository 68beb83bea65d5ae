using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Newsletter.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: initdb into a temp folder, loopback only, a free
/// port, durability off (nothing here must survive a power cut), stopped when the test process
/// exits. initdb and postgres refuse to run as root, so under root they run as the postgres user.
/// One cluster serves the run; every test gets its own database in it.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private static readonly Lazy<PostgresCluster> SharedCluster = new(() => Start(durable: false));
    private readonly string binaries;
    private readonly string folder;

    private readonly bool durable;

    private PostgresCluster(string binaries, string folder, int port, bool durable)
    {
        this.binaries = binaries;
        this.folder = folder;
        this.durable = durable;
        Port = port;
    }

    /// <summary>The cluster of this test run, started on first use.</summary>
    public static PostgresCluster Shared => SharedCluster.Value;

    public int Port { get; }

    private string DataFolder => Path.Combine(folder, "data");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Timeout = 15,
        IncludeErrorDetail = true,
    }.ConnectionString;

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Drops a database, ending whatever sessions still use it.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Stops the server at once (as a crash would) and starts it again on the same data.</summary>
    public void Restart(TimeSpan downtime)
    {
        PgCtl("stop -m immediate");
        Thread.Sleep(downtime);
        StartServer();
    }

    /// <summary>
    /// A cluster of the caller's own, for a test that stops or restarts the server; disposing it stops it.
    /// It keeps what it commits (fsync and synchronous commits on), as a production server does: a crash
    /// of the shared, fast cluster could lose the last commits, which no application can make up for.
    /// </summary>
    public static PostgresCluster StartPrivate() => Start(durable: true);

    public void Dispose() => Stop();

    private static PostgresCluster Start(bool durable)
    {
        var binaries = FindBinaries();
        var folder = Path.Combine(Path.GetTempPath(), $"newsletter-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(folder);
        var cluster = new PostgresCluster(binaries, folder, FreePort(), durable);
        if (IsRoot)
        {
            Run("chown", $"-R postgres:postgres {folder}");
        }

        cluster.RunAsOwner("initdb", $"-D {cluster.DataFolder} -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync");
        cluster.StartServer();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        return cluster;
    }

    private void StartServer()
    {
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} -c max_connections=400 -c shared_buffers=64MB -c timezone=UTC"
            + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        PgCtl($"-l {Path.Combine(folder, "server.log")} -o \"{options}\" -w -t 60 start");
    }

    private void Stop()
    {
        try
        {
            PgCtl("stop -m immediate");
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the folder still goes.
        }

        // The server's last files may vanish a moment after pg_ctl returns: a few tries.
        for (var attempt = 0; attempt < 20 && Directory.Exists(folder); attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }

    private void PgCtl(string arguments) => RunAsOwner("pg_ctl", $"-D {DataFolder} {arguments}");

    private void RunAsOwner(string program, string arguments)
    {
        var path = Path.Combine(binaries, program);
        if (IsRoot)
        {
            Run("runuser", $"-u postgres -- {path} {arguments}");
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static void Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {error.Result}{output.Result}");
        }
    }

    /// <summary>PostgreSQL's programs: on the PATH, or where Debian's packages put them.</summary>
    private static string FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, "initdb"))
            .FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            var resolved = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
            return Path.GetDirectoryName(resolved)!;
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;
        return debian ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no initdb on the PATH or under /usr/lib/postgresql): `apt-get install -y postgresql`, or run scripts/test, which installs it.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
