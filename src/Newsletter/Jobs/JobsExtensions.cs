using Hangfire;
using Hangfire.Storage.SQLite;
using Newsletter.Admin;
using Newsletter.Configuration;

namespace Newsletter.Jobs;

/// <summary>Hangfire: storage in its own SQLite file of the data directory, a server in this process, the dashboard behind the admin key.</summary>
public static class JobsExtensions
{
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder, StartupSettings settings)
    {
        var storagePath = Path.Combine(settings.DataDirectory, "hangfire.db");
        builder.Services.AddHangfire(configuration => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseSQLiteStorage(storagePath, new SQLiteStorageOptions { QueuePollInterval = settings.Jobs.QueuePollInterval }));
        builder.Services.AddHangfireServer(options =>
        {
            options.WorkerCount = settings.Jobs.WorkerCount;
            options.SchedulePollingInterval = settings.Jobs.SchedulePollingInterval;
            options.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
        });
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
