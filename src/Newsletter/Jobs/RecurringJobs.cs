using Hangfire;
using Newsletter.Subscriptions;

namespace Newsletter.Jobs;

/// <summary>
/// Every recurring job, in one place, with a stable id: registering again at each start updates the
/// schedule instead of adding a second copy, and several instances on one database share one job.
/// </summary>
public static class RecurringJobs
{
    public static WebApplication RegisterRecurringJobs(this WebApplication app)
    {
        var jobs = app.Services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<SubscriptionHousekeepingJob>("subscription-housekeeping", j => j.RunAsync(CancellationToken.None), Cron.Hourly());
        return app;
    }
}
