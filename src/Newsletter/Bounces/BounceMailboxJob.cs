using Hangfire;

namespace Newsletter.Bounces;

/// <summary>
/// The recurring read of the bounce mailbox. Not retried by Hangfire: a mailbox that is down is read
/// again at the next poll anyway, and a retry queue of stale polls would only pile up.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class BounceMailboxJob(BounceMailbox mailbox, ILogger<BounceMailboxJob> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!mailbox.IsConfigured)
        {
            return;
        }

        try
        {
            await mailbox.CheckAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("The bounce mailbox could not be read; trying again at the next poll: {Error}", $"{e.GetType().Name}: {e.Message}");
        }
    }
}
