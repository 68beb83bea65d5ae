using Newsletter.Configuration;
using Newsletter.Data;

namespace Newsletter.Bench;

/// <summary>
/// Where the bench keeps its generated list: SQLite in its own temp folder, or, with
/// <c>Database:Provider=Postgres</c>, a scratch database created on the configured server and
/// dropped afterwards. The operator's own data is never touched.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly ScratchDatabase? scratch;
    private readonly string folder;

    private BenchDatabase(ScratchDatabase? scratch, string folder)
    {
        this.scratch = scratch;
        this.folder = folder;
    }

    /// <summary>Named explicitly either way: a connection string in the environment must not lead the bench to the operator's database.</summary>
    public string[] Arguments => scratch is null
        ? ["--Database:Provider", "Sqlite", "--ConnectionStrings:Newsletter", SqliteConnectionFactory.ForFile(Path.Combine(folder, "newsletter.db"))]
        : ["--Database:Provider", "Postgres", "--ConnectionStrings:Newsletter", scratch.ConnectionString];

    public bool IsPostgres => scratch is not null;

    public string Description => scratch is null ? "SQLite" : $"PostgreSQL (scratch database {scratch.Name})";

    /// <param name="folder">The bench's own temp folder, where its SQLite files go.</param>
    public static async Task<BenchDatabase> CreateAsync(string[] args, string folder)
    {
        // The same sources as the service: environment variables, then options on the command line.
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args.Where(a => a != "matching").ToArray()).Build();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (!database.IsPostgres)
        {
            return new BenchDatabase(null, folder);
        }

        var connectionString = configuration.GetConnectionString("Newsletter");
        if (PostgresConnectionFactory.Check(connectionString) is { } error)
        {
            throw new ConfigurationException(error);
        }

        return new BenchDatabase(await ScratchDatabase.CreateAsync(connectionString!, "newsletter_bench"), folder);
    }

    public async ValueTask DisposeAsync()
    {
        if (scratch is not null)
        {
            await scratch.DisposeAsync();
        }
    }
}
