using System.Data.Common;
using Hangfire;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using Newsletter.Email;

namespace Newsletter.Delivery;

/// <summary>
/// Sends one batch of a run over one SMTP connection. Each delivery is claimed with a conditional
/// update (queued → sending); its entries are chosen and written to the sent-entries ledger in the
/// claim's transaction, before the message goes out; then it is marked sent. The SMTP reply decides
/// the rest: a 4xx or a dropped connection → queued again for a later attempt (same content); a 5xx
/// for the recipient → failed, and the subscriber bounced when the reply condemns the address; a
/// 5xx for the sender or the message is our relay's problem → the delivery waits and the run pauses.
/// Run-level failures (connection, sender, message) <see cref="DeliveryOptions.PauseAfterFailures"/>
/// times in a row pause the run; a single recipient's refusals never do.
/// </summary>
[Queue(DeliveryQueue)]
[AutomaticRetry(Attempts = 0)] // retries are per delivery, below; a crashed job is picked up by the supervisor
public sealed class DeliveryBatchJob(
    DeliveryStore store,
    DigestRunStore runs,
    Subscriptions.SubscriberStore subscribers,
    DigestPlanner planner,
    DigestComposer composer,
    MailKitEmailSender smtp,
    Subscriptions.SubscriptionService lifecycle,
    DeliveryThrottle throttle,
    IBackgroundJobClient jobs,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    ILogger<DeliveryBatchJob> logger)
{
    /// <summary>Batch jobs run on their own Hangfire queue, so a long run never delays confirmations or retries.</summary>
    public const string DeliveryQueue = "delivery";

    private readonly DeliveryOptions delivery = options.Value;
    private readonly string leaseOwner = Guid.NewGuid().ToString("N");

    /// <param name="cancellationToken">Hangfire's shutdown token: checked between messages only, so a
    /// message being sent is finished (MailKit's own timeouts bound that) rather than abandoned mid-way.</param>
    public async Task RunAsync(long batchId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(CancellationToken.None);
        if (await store.RunOfBatchAsync(connection, batchId) is not { } runId)
        {
            return;
        }

        using var slot = await throttle.ConnectionAsync(cancellationToken);
        if (!await store.LeaseAsync(connection, batchId, leaseOwner, Now(), delivery.BatchLease))
        {
            return; // another worker holds this batch
        }

        try
        {
            await store.StartRunAsync(connection, runId);
            await SendAsync(connection, runId, batchId, cancellationToken);
        }
        finally
        {
            await store.ReleaseAsync(connection, batchId, leaseOwner);
            if (await store.NextRetryAsync(connection, batchId) is { } retryAt)
            {
                var wait = DateTime.SpecifyKind(retryAt, DateTimeKind.Utc) - Now();
                if (wait > TimeSpan.Zero)
                {
                    jobs.Schedule<DeliveryBatchJob>(j => j.RunAsync(batchId, CancellationToken.None), wait);
                }
                else
                {
                    jobs.Enqueue<DeliveryBatchJob>(j => j.RunAsync(batchId, CancellationToken.None));
                }
            }

            await runs.CompleteIfDoneAsync(runId, Now(), CancellationToken.None);
        }
    }

    private async Task SendAsync(DbConnection connection, long runId, long batchId, CancellationToken shutdown)
    {
        SmtpClient? client = null;
        try
        {
            while (!shutdown.IsCancellationRequested)
            {
                if (await store.RunStateAsync(connection, runId) is not { IsLive: true } run)
                {
                    return; // paused (or gone): leave the rest queued
                }

                // The rate limit is waited out before the claim, so a row is 'sending' only while it really is.
                await throttle.MessageAsync(shutdown);
                if (!await store.RenewLeaseAsync(connection, batchId, leaseOwner, Now() + delivery.BatchLease))
                {
                    return; // the lease expired and another worker took the batch over
                }

                if (await store.NextDueAsync(connection, batchId, Now()) is not { } due)
                {
                    return;
                }

                var outgoing = await PrepareAsync(connection, due, run.CutoffAt);
                if (outgoing is null)
                {
                    continue;
                }

                Outcome outcome;
                (client, outcome) = await DeliverAsync(connection, client, outgoing);
                if (outcome == Outcome.Sent && run.ConsecutiveFailures > 0)
                {
                    // Only when there is a streak to end: a write per message would queue on SQLite's one write lock.
                    await store.RecordSuccessAsync(connection, runId);
                }
                else if (outcome == Outcome.RelayRefusesUs)
                {
                    await PauseAsync(connection, runId, $"the relay refused the sender or the message: {outgoing.Error}");
                    return;
                }
                else if (outcome == Outcome.RunLevelFailure
                         && await store.RecordFailureAsync(connection, runId) >= delivery.PauseAfterFailures)
                {
                    await PauseAsync(connection, runId, $"{delivery.PauseAfterFailures} deliveries failed in a row; the last: {outgoing.Error}");
                    return;
                }
            }
        }
        finally
        {
            if (client is not null)
            {
                await DisconnectQuietlyAsync(client);
            }
        }
    }

    /// <summary>Claims the delivery and, the first time, chooses and records its entries. Null: nothing to send.</summary>
    private async Task<Outgoing?> PrepareAsync(DbConnection connection, DueDelivery candidate, DateTime cutoff)
    {
        if (candidate.SelectedAt is null)
        {
            // Learning from the subscriber's thumbs reads and trains: done before the write lock is taken.
            await planner.LearnAsync(candidate.SubscriberId);
        }

        var now = Now();
        await using var tx = await connection.BeginTransactionAsync();
        if (await store.ClaimAsync(tx, candidate.Id, now) is not { } due)
        {
            return null; // another worker took it
        }

        // Read under the write lock: an unsubscribe, or another run's digest, may have landed since.
        var subscriber = await subscribers.GetAsync(connection, due.SubscriberId, tx);
        if (subscriber is not { IsActive: true, Paused: false })
        {
            await store.FinishAsync(connection, due.Id, "skipped", null, "no longer subscribed or paused", now, tx);
            await tx.CommitAsync();
            return null;
        }

        if (due.SelectedAt is null)
        {
            var picks = await planner.PlanAsync(connection, subscriber, cutoff, tx);
            var recorded = await store.RecordSelectionAsync(tx, due.Id, subscriber.Id, picks, cutoff, now);
            if (recorded == 0)
            {
                await store.FinishAsync(connection, due.Id, "skipped", null, "nothing new matched", now, tx);
                await tx.CommitAsync();
                return null;
            }
        }

        await tx.CommitAsync();
        return new Outgoing(due, subscriber);
    }

    private enum Outcome { Sent, RecipientProblem, RunLevelFailure, RelayRefusesUs }

    /// <summary>
    /// Everything after the claim. Whatever happens here, the row leaves 'sending' unless the process
    /// dies: sent, retried later, failed, or (when the whole message went out but no reply came) uncertain.
    /// </summary>
    private async Task<(SmtpClient? Client, Outcome Outcome)> DeliverAsync(DbConnection connection, SmtpClient? client, Outgoing outgoing)
    {
        var progress = new TransferProgress();
        try
        {
            var entries = await store.EntriesOfAsync(connection, outgoing.Due.Id);
            var message = await composer.ComposeAsync(outgoing.Subscriber, entries, outgoing.Due.Id);
            client ??= await smtp.ConnectAsync(CancellationToken.None);
            await client.SendAsync(message, CancellationToken.None, progress);
            await store.FinishAsync(connection, outgoing.Due.Id, "sent", message.MessageId, null, Now());
            return (client, Outcome.Sent);
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && SmtpReplies.IsPolicyRefusal(e))
        {
            // 5.7.x to RCPT TO ("relay access denied", "authentication required"): our relay's rules,
            // not the subscriber's address. The delivery waits, and a streak of these pauses the run.
            outgoing.Error = $"{(int)e.StatusCode} {e.Message}";
            await RetryOrFailAsync(connection, outgoing);
            return (client, Outcome.RunLevelFailure);
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted)
        {
            outgoing.Error = $"{(int)e.StatusCode} {e.Message}";
            if ((int)e.StatusCode >= 500)
            {
                await store.FinishAsync(connection, outgoing.Due.Id, "failed", null, outgoing.Error, Now());
                if (SmtpReplies.IsPermanentAddressFailure(e))
                {
                    await lifecycle.RecordBounceAsync(outgoing.Subscriber.Id, outgoing.Error, CancellationToken.None);
                }
            }
            else
            {
                await RetryOrFailAsync(connection, outgoing);
            }

            return (client, Outcome.RecipientProblem);
        }
        catch (SmtpCommandException e)
        {
            // The sender or the message was refused: our relay's configuration, not this subscriber.
            outgoing.Error = $"{(int)e.StatusCode} {e.Message}";
            await RetryOrFailAsync(connection, outgoing);
            return (client, (int)e.StatusCode >= 500 ? Outcome.RelayRefusesUs : Outcome.RunLevelFailure);
        }
        catch (Exception e)
        {
            // Connection lost, TLS or authentication failure, a template error: the row must not stay 'sending'.
            outgoing.Error = $"{e.GetType().Name}: {e.Message}";
            if (progress.WholeMessageSent)
            {
                // The relay got every byte and may have queued the message before the line dropped:
                // sending it again could deliver it twice, so it is final and counted instead.
                await store.FinishAsync(connection, outgoing.Due.Id, "uncertain", null,
                    $"the connection failed after the whole message was sent: {e.Message}", Now());
            }
            else
            {
                await RetryOrFailAsync(connection, outgoing);
            }

            if (client is not null)
            {
                await DisconnectQuietlyAsync(client);
            }

            logger.LogWarning("Delivery {DeliveryId} did not go out: {Error}", outgoing.Due.Id, outgoing.Error);
            return (null, Outcome.RunLevelFailure);
        }
    }

    private async Task RetryOrFailAsync(DbConnection connection, Outgoing outgoing)
    {
        var attempt = outgoing.Due.Attempts;
        if (attempt >= delivery.MaxAttempts)
        {
            await store.FinishAsync(connection, outgoing.Due.Id, "failed", null, $"gave up after {attempt} attempts: {outgoing.Error}", Now());
            return;
        }

        var delays = delivery.Delays;
        var delay = delays[(int)Math.Min(attempt - 1, delays.Length - 1)];
        await store.RetryLaterAsync(connection, outgoing.Due.Id, Now() + delay, outgoing.Error!, Now());
        logger.LogInformation("Delivery {DeliveryId} will be retried in {Delay}: {Error}", outgoing.Due.Id, delay, outgoing.Error);
    }

    private async Task PauseAsync(DbConnection connection, long runId, string reason)
    {
        await store.PauseAsync(connection, runId, reason);
        logger.LogWarning("Paused digest run {RunId}: {Reason}", runId, reason);
    }

    private static async Task DisconnectQuietlyAsync(SmtpClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true);
            }
        }
        catch (Exception)
        {
            // The connection is already gone; nothing more to close.
        }
        finally
        {
            client.Dispose();
        }
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    /// <summary>Tells whether MailKit wrote the whole message before a failure.</summary>
    private sealed class TransferProgress : ITransferProgress
    {
        public bool WholeMessageSent { get; private set; }

        public void Report(long bytesTransferred, long totalSize) => WholeMessageSent |= totalSize > 0 && bytesTransferred >= totalSize;

        public void Report(long bytesTransferred)
        {
        }
    }

    private sealed class Outgoing(DueDelivery due, Subscriptions.Subscriber subscriber)
    {
        public DueDelivery Due { get; } = due;
        public Subscriptions.Subscriber Subscriber { get; } = subscriber;
        public string? Error { get; set; }
    }
}
