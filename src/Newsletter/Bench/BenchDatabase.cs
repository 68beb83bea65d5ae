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

    private BenchDatabase(ScratchDatabase? scratch) => this.scratch = scratch;

    public string[] Arguments => scratch is null
        ? ["--Database:Provider", "Sqlite"]
        : ["--Database:Provider", "Postgres", "--ConnectionStrings:Newsletter", scratch.ConnectionString];

    public bool IsPostgres => scratch is not null;

    public string Description => scratch is null ? "SQLite" : $"PostgreSQL (scratch database {scratch.Name})";

    public static async Task<BenchDatabase> CreateAsync(string[] args)
    {
        // The same sources as the service: environment variables, then options on the command line.
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args.Where(a => a != "matching").ToArray()).Build();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (!database.IsPostgres)
        {
            return new BenchDatabase(null);
        }

        var connectionString = configuration.GetConnectionString("Newsletter");
        if (PostgresConnectionFactory.Check(connectionString) is { } error)
        {
            throw new ConfigurationException(error);
        }

        return new BenchDatabase(await ScratchDatabase.CreateAsync(connectionString!, "newsletter_bench"));
    }

    public async ValueTask DisposeAsync()
    {
        if (scratch is not null)
        {
            await scratch.DisposeAsync();
        }
    }
}
