using System.Data.Common;
using System.Net.Sockets;
using Hangfire;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using Newsletter.Email;
using Newsletter.Subscriptions;

namespace Newsletter.Delivery;

/// <summary>
/// Sends one batch of a run over one SMTP connection. Each delivery is claimed with a conditional
/// update (queued → sending); its entries are chosen and written to the sent-entries ledger in the
/// claim's transaction, before the message goes out; then it is marked sent. The SMTP reply decides
/// the rest: 4xx or a dropped connection → queued again for a later attempt (same content); a 5xx
/// that condemns the address → failed and the subscriber bounced; any other 5xx → failed. A run
/// whose deliveries fail <see cref="DeliveryOptions.PauseAfterFailures"/> times in a row pauses.
/// </summary>
[AutomaticRetry(Attempts = 0)] // retries are per delivery, below; a crashed job is picked up by the supervisor
public sealed class DeliveryBatchJob(
    DeliveryStore store,
    DigestRunStore runs,
    SubscriberStore subscribers,
    DigestPlanner planner,
    DigestComposer composer,
    MailKitEmailSender smtp,
    SubscriptionService lifecycle,
    DeliveryThrottle throttle,
    IBackgroundJobClient jobs,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    ILogger<DeliveryBatchJob> logger)
{
    private readonly DeliveryOptions delivery = options.Value;

    public async Task RunAsync(long batchId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        if (await store.RunOfBatchAsync(connection, batchId) is not { } runId)
        {
            return;
        }

        using var slot = await throttle.ConnectionAsync(cancellationToken);
        if (!await store.LeaseAsync(connection, batchId, Now(), delivery.BatchLease))
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
            await store.ReleaseAsync(connection, batchId);
            if (await store.NextRetryAsync(connection, batchId) is { } retryAt && retryAt > Now())
            {
                jobs.Schedule<DeliveryBatchJob>(j => j.RunAsync(batchId, CancellationToken.None), DateTime.SpecifyKind(retryAt, DateTimeKind.Utc) - Now());
            }

            await runs.CompleteIfDoneAsync(runId, Now(), CancellationToken.None);
        }
    }

    private async Task SendAsync(DbConnection connection, long runId, long batchId, CancellationToken cancellationToken)
    {
        SmtpClient? client = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await store.RunStateAsync(connection, runId) is not { IsLive: true } run)
                {
                    return; // paused (or gone): leave the rest queued
                }

                await store.RenewLeaseAsync(connection, batchId, Now() + delivery.BatchLease);
                if (await store.NextDueAsync(connection, batchId, Now()) is not { } due)
                {
                    return;
                }

                // The rate limit is waited out before the claim, so a row is 'sending' only while it really is.
                await throttle.MessageAsync(cancellationToken);
                var message = await PrepareAsync(connection, due, run.CutoffAt, cancellationToken);
                if (message is null)
                {
                    continue;
                }

                (client, var failed) = await DeliverAsync(connection, client, due, message, cancellationToken);
                if (failed && await store.RecordFailureAsync(connection, runId) >= delivery.PauseAfterFailures)
                {
                    var reason = $"{delivery.PauseAfterFailures} deliveries failed in a row; the last: {message.Error}";
                    await store.PauseAsync(connection, runId, reason);
                    logger.LogWarning("Paused digest run {RunId}: {Reason}", runId, reason);
                    return;
                }

                if (!failed)
                {
                    await store.RecordSuccessAsync(connection, runId);
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
    private async Task<Outgoing?> PrepareAsync(DbConnection connection, DueDelivery candidate, DateTime cutoff, CancellationToken cancellationToken)
    {
        var now = Now();
        var due = candidate;
        var subscriber = await subscribers.GetAsync(connection, due.SubscriberId);
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (await store.ClaimAsync(tx, due.Id, now) is not { } claimed)
            {
                return null; // another worker took it
            }

            due = claimed;

            if (subscriber is not { IsActive: true, Paused: false })
            {
                await store.FinishAsync(connection, due.Id, "skipped", null, "no longer subscribed or paused", now, tx);
                await tx.CommitAsync(cancellationToken);
                return null;
            }

            if (due.SelectedAt is null)
            {
                var picks = await planner.PlanAsync(connection, subscriber, cutoff, tx);
                await store.RecordSelectionAsync(tx, due.Id, subscriber.Id, picks, cutoff, now);
                if (picks.Count == 0)
                {
                    await store.FinishAsync(connection, due.Id, "skipped", null, "nothing new matched", now, tx);
                    await tx.CommitAsync(cancellationToken);
                    return null;
                }
            }

            await tx.CommitAsync(cancellationToken);
        }

        var entries = await store.EntriesOfAsync(connection, due.Id);
        return new Outgoing(subscriber, await composer.ComposeAsync(subscriber, entries), due.Attempts);
    }

    /// <returns>The connection to reuse (null after it broke), and whether this delivery failed.</returns>
    private async Task<(SmtpClient? Client, bool Failed)> DeliverAsync(
        DbConnection connection, SmtpClient? client, DueDelivery due, Outgoing outgoing, CancellationToken cancellationToken)
    {
        var progress = new TransferProgress();
        try
        {
            client ??= await smtp.ConnectAsync(cancellationToken);
            await client.SendAsync(outgoing.Message, cancellationToken, progress);
            await store.FinishAsync(connection, due.Id, "sent", outgoing.Message.MessageId, null, Now());
            return (client, false);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            outgoing.Error = $"{(int)e.StatusCode} {e.Message}";
            await store.FinishAsync(connection, due.Id, "failed", null, outgoing.Error, Now());
            if (SmtpReplies.IsPermanentAddressFailure(e))
            {
                await lifecycle.RecordBounceAsync(due.SubscriberId, outgoing.Error, cancellationToken);
            }

            return (client, true);
        }
        catch (SmtpCommandException e)
        {
            outgoing.Error = $"{(int)e.StatusCode} {e.Message}";
            await RetryOrFailAsync(connection, due, outgoing);
            return (client, true);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException
                                      or ServiceNotAuthenticatedException or TimeoutException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            outgoing.Error = $"connection: {e.Message}";
            if (progress.WholeMessageSent)
            {
                // The relay got every byte and may have queued the message before the line dropped:
                // sending it again could deliver it twice, so it is final and counted instead.
                await store.FinishAsync(connection, due.Id, "uncertain", outgoing.Message.MessageId,
                    $"the connection failed after the whole message was sent: {e.Message}", Now());
            }
            else
            {
                await RetryOrFailAsync(connection, due, outgoing);
            }

            if (client is not null)
            {
                await DisconnectQuietlyAsync(client);
            }

            return (null, true);
        }
    }

    private async Task RetryOrFailAsync(DbConnection connection, DueDelivery due, Outgoing outgoing)
    {
        if (outgoing.Attempt >= delivery.MaxAttempts)
        {
            await store.FinishAsync(connection, due.Id, "failed", null, $"gave up after {outgoing.Attempt} attempts: {outgoing.Error}", Now());
            return;
        }

        var delays = delivery.Delays;
        var delay = delays[Math.Min(outgoing.Attempt - 1, delays.Length - 1)];
        await store.RetryLaterAsync(connection, due.Id, Now() + delay, outgoing.Error!, Now());
        logger.LogInformation("Delivery {DeliveryId} will be retried in {Delay}: {Error}", due.Id, delay, outgoing.Error);
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
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
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

    private sealed class Outgoing(Subscriber subscriber, MimeKit.MimeMessage message, long attempt)
    {
        public Subscriber Subscriber { get; } = subscriber;
        public MimeKit.MimeMessage Message { get; } = message;
        public long Attempt { get; } = attempt;
        public string? Error { get; set; }
    }
}
