using Hangfire;

namespace Newsletter.Subscriptions.Import;

/// <summary>
/// Recurring: an import whose job died with its process (its lease ran out, nothing updated it for a
/// while) gets its job enqueued again; the job resumes from the checkpoint.
/// </summary>
public sealed class StalledImportsJob(SubscriberImportStore imports, IBackgroundJobClient jobs, TimeProvider clock, ILogger<StalledImportsJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var id in await imports.StalledAsync(now, now - SubscriberImportJob.Lease, cancellationToken))
        {
            jobs.Enqueue<SubscriberImportJob>(j => j.RunAsync(id, null, CancellationToken.None));
            logger.LogWarning("Subscriber import {ImportId} had no live job; enqueued it again", id);
        }
    }
}
