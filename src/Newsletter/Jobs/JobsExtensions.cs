using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Newsletter.Admin;
using Newsletter.Configuration;

namespace Newsletter.Jobs;

/// <summary>
/// Hangfire: storage beside the application data (its own SQLite file in the data directory, or the
/// <c>hangfire</c> schema of the PostgreSQL database), a job server in this process unless
/// <c>Jobs:Server=false</c>, the dashboard behind the admin key.
/// </summary>
public static class JobsExtensions
{
    /// <summary>How soon a job whose process died is run again on SQLite.</summary>
    public static readonly TimeSpan SqliteInvisibilityTimeout = TimeSpan.FromMinutes(2);

    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder, StartupSettings settings)
    {
        builder.Services.AddHangfire(configuration =>
        {
            configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (settings.Database.IsPostgres)
            {
                configuration.UsePostgreSqlStorage(
                    options => options.UseNpgsqlConnection(settings.ConnectionString),
                    new PostgreSqlStorageOptions
                    {
                        SchemaName = "hangfire",
                        QueuePollInterval = settings.Jobs.QueuePollInterval,
                        // A job whose process died is fetched again after this long; the sliding timeout
                        // keeps a long job invisible while its process is alive, so the short value is safe.
                        InvisibilityTimeout = settings.Jobs.InvisibilityTimeout,
                        UseSlidingInvisibilityTimeout = true,
                        PrepareSchemaIfNecessary = true,
                    });
            }
            else
            {
                configuration.UseSQLiteStorage(
                    Path.Combine(settings.DataDirectory, "hangfire.db"),
                    new SQLiteStorageOptions
                    {
                        QueuePollInterval = settings.Jobs.QueuePollInterval,
                        // No sliding renewal here: a job still running after this long would be fetched a
                        // second time, so it must exceed the longest email job (a few SMTP timeouts of
                        // 30 s); batch jobs are guarded by their lease. Hangfire's default is 30 minutes.
                        InvisibilityTimeout = SqliteInvisibilityTimeout,
                    });
            }
        });

        if (settings.JobServer.Server)
        {
            builder.Services.AddHangfireServer(options =>
            {
                options.WorkerCount = settings.Jobs.WorkerCount;
                options.SchedulePollingInterval = settings.Jobs.SchedulePollingInterval;
                options.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
        }

        return builder;
    }

    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new HangfireDashboardAuthorization(app.Services.GetRequiredService<AdminKey>())],
            DashboardTitle = "Newsletter jobs",
        });
        return app;
    }
}
