using Hangfire;
using Newsletter.Configuration;
using Newsletter.Delivery;
using Newsletter.Feeds;
using Newsletter.Subscriptions;

namespace Newsletter.Jobs;

/// <summary>
/// Every recurring job, in one place, with a stable id: registering again at each start updates the
/// schedule instead of adding a second copy, and several instances on one database share one job.
/// </summary>
public static class RecurringJobs
{
    public static WebApplication RegisterRecurringJobs(this WebApplication app, StartupSettings settings)
    {
        var jobs = app.Services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<SubscriptionHousekeepingJob>("subscription-housekeeping", j => j.RunAsync(CancellationToken.None), Cron.Hourly());
        jobs.AddOrUpdate<ConfirmationSweepJob>("confirmation-sweep", j => j.RunAsync(CancellationToken.None), "*/5 * * * *");
        jobs.AddOrUpdate<Subscriptions.Import.StalledImportsJob>("stalled-imports", j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        try
        {
            jobs.AddOrUpdate<DigestScheduleJob>("digest-schedule", j => j.RunAsync(CancellationToken.None), settings.Delivery.ScheduleCron);
        }
        catch (ArgumentException)
        {
            throw new ConfigurationException(
                $"Invalid configuration:\n  Delivery:ScheduleCron is not a cron expression such as '*/5 * * * *' (got '{settings.Delivery.ScheduleCron}').");
        }

        jobs.AddOrUpdate<DeliverySupervisorJob>("delivery-supervisor", j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        if (settings.Feeds.Sources.Count > 0)
        {
            jobs.AddOrUpdate<FeedPollJob>("poll-feeds", j => j.RunAsync(CancellationToken.None), settings.Feeds.PollCron);
        }
        else
        {
            jobs.RemoveIfExists("poll-feeds");
        }

        var bounces = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Bounces.BounceOptions>>().Value;
        if (bounces.Imap.IsConfigured)
        {
            AddOrFail<Bounces.BounceMailboxJob>(jobs, "bounce-mailbox", j => j.RunAsync(CancellationToken.None), bounces.PollCron, "Bounces:PollCron");
        }
        else
        {
            jobs.RemoveIfExists("bounce-mailbox");
        }

        // Once at every start too: a crash may have left rows in 'sending' and batches without a worker.
        var background = app.Services.GetRequiredService<IBackgroundJobClient>();
        background.Enqueue<DeliverySupervisorJob>(j => j.RunAsync(CancellationToken.None));
        background.Enqueue<ConfirmationSweepJob>(j => j.RunAsync(CancellationToken.None));
        // Entries that arrived while a round of embedding was cut short get their vectors.
        if (settings.Matching.Mode != Matching.MatchingMode.Lexical)
        {
            background.Enqueue<Matching.Embeddings.EntryEmbeddingJob>(j => j.RunAsync(CancellationToken.None));
        }
        return app;
    }

    private static void AddOrFail<T>(IRecurringJobManager jobs, string id, System.Linq.Expressions.Expression<Func<T, Task>> job, string cron, string key)
    {
        try
        {
            jobs.AddOrUpdate(id, job, cron);
        }
        catch (ArgumentException)
        {
            throw new ConfigurationException($"Invalid configuration:\n  {key} is not a cron expression such as '*/5 * * * *' (got '{cron}').");
        }
    }
}
