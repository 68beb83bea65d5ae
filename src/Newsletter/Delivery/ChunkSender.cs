using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using Newsletter.Email;

namespace Newsletter.Delivery;

/// <summary>
/// Sends a claimed chunk over one SMTP connection (kept from chunk to chunk of a batch) and says
/// what became of each delivery, without touching the database: the batch job records the whole
/// chunk in one write. The SMTP reply decides: a 4xx or a dropped connection → later (same
/// content); a 5xx for the recipient → failed, and a bounce when the reply condemns the address; a
/// 5xx for the sender or the message, or a streak of run-level failures, stops the chunk (the rest
/// is released) so the run can pause.
/// </summary>
public sealed class ChunkSender(
    DigestComposer composer, MailKitEmailSender smtp, ReturnPath returnPath, DeliveryThrottle throttle, DomainPacer domains, TimeProvider clock,
    IOptions<DeliveryOptions> options, ILogger<ChunkSender> logger)
    : IAsyncDisposable
{
    /// <summary>A paced domain's next slot closer than this is waited for in the chunk; a later one defers the delivery.</summary>
    private static readonly TimeSpan LongestWaitInChunk = TimeSpan.FromSeconds(2);

    private readonly DeliveryOptions delivery = options.Value;
    private SmtpClient? client;

    /// <param name="runId">The run the chunk belongs to, named in each digest's Feedback-ID.</param>
    /// <param name="streak">The run's failures in a row so far; updated as the chunk goes.</param>
    /// <param name="shutdown">Checked between messages only: a message being sent is finished (MailKit's timeouts bound it).</param>
    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(long runId, IReadOnlyList<Outgoing> chunk, Streak streak, CancellationToken shutdown)
    {
        var results = new List<DeliveryResult>(chunk.Count);
        foreach (var outgoing in chunk)
        {
            if (shutdown.IsCancellationRequested || streak.StopReason is not null)
            {
                results.Add(DeliveryResult.Released(outgoing));
                continue;
            }

            var domain = DomainPacer.DomainOf(outgoing.Subscriber.Email);
            var wait = domains.NextSlot(domain) - clock.GetUtcNow().UtcDateTime;
            if (wait > LongestWaitInChunk)
            {
                // Its domain asked us to slow down: the delivery waits in the queue, not the whole chunk here.
                results.Add(DeliveryResult.Deferred(outgoing, clock.GetUtcNow().UtcDateTime + wait));
                continue;
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, CancellationToken.None);
            }

            domains.Take(domain);
            await throttle.MessageAsync(CancellationToken.None);
            var result = await SendOneAsync(runId, outgoing, domain);
            streak.Add(result, delivery.PauseAfterFailures);
            results.Add(result);
        }

        return results;
    }

    private async Task<DeliveryResult> SendOneAsync(long runId, Outgoing outgoing, string domain)
    {
        var progress = new TransferProgress();
        try
        {
            // Disposed once sent: its body's memory blocks go back to MimeKit's pool for the next digest.
            using var message = await composer.ComposeAsync(outgoing.Subscriber, outgoing.Entries, runId, outgoing.Due.Id);
            client ??= await smtp.ConnectAsync(CancellationToken.None);
            await client.SendAsync(message, returnPath.ForDelivery(outgoing.Due.Id), message.To.Mailboxes, CancellationToken.None, progress);
            domains.Accepted(domain);
            return new DeliveryResult(outgoing, Disposition.Sent, RunSignal.Success, message.MessageId);
        }
        catch (SmtpCommandException e)
        {
            if ((int)e.StatusCode is 421 or 451)
            {
                domains.SlowDown(domain);   // "slow down", greylisting: that recipient's domain alone
            }

            return SmtpReplies.Classify(e) switch
            {
                SmtpVerdict.AddressGone => new DeliveryResult(outgoing, Disposition.Failed, RunSignal.RecipientProblem, Error: Reply(e), Bounced: true),
                SmtpVerdict.RecipientRefused => new DeliveryResult(outgoing, Disposition.Failed, RunSignal.RecipientProblem, Error: Reply(e)),
                // Relaying, policy, authentication, the sender or the message: our relay's rules, not the
                // subscriber's address. The delivery waits and the run pauses at once, saying why.
                SmtpVerdict.RefusesUs => Later(outgoing, Reply(e), RunSignal.RelayRefusesUs),
                // A 4xx for one recipient says nothing about the relay; for the sender or the message it may.
                _ => Later(outgoing, Reply(e), e.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? RunSignal.RecipientProblem : RunSignal.RunLevelFailure),
            };
        }
        catch (Exception e)
        {
            // Connection lost, TLS or authentication failure, a template error: the row must not stay 'sending'.
            await DisconnectQuietlyAsync();
            logger.LogWarning("Delivery {DeliveryId} did not go out: {Error}", outgoing.Due.Id, $"{e.GetType().Name}: {e.Message}");
            // The relay got every byte and may have queued the message before the line dropped:
            // sending it again could deliver it twice, so it is final and counted instead.
            return progress.WholeMessageSent
                ? new DeliveryResult(outgoing, Disposition.Uncertain, RunSignal.RunLevelFailure, Error: $"the connection failed after the whole message was sent: {e.Message}")
                : Later(outgoing, $"{e.GetType().Name}: {e.Message}", RunSignal.RunLevelFailure);
        }
    }

    /// <summary>Another attempt later, or failed once the attempts are used up.</summary>
    private DeliveryResult Later(Outgoing outgoing, string error, RunSignal signal) =>
        outgoing.Due.Attempts >= delivery.MaxAttempts
            ? new DeliveryResult(outgoing, Disposition.Failed, signal, Error: $"gave up after {outgoing.Due.Attempts} attempts: {error}")
            : new DeliveryResult(outgoing, Disposition.RetryLater, signal, Error: error);

    private static string Reply(SmtpCommandException e) => $"{(int)e.StatusCode} {e.Message}";

    private async Task DisconnectQuietlyAsync()
    {
        if (client is null)
        {
            return;
        }

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
            client = null;
        }
    }

    public async ValueTask DisposeAsync() => await DisconnectQuietlyAsync();

    /// <summary>Tells whether MailKit wrote the whole message before a failure.</summary>
    private sealed class TransferProgress : ITransferProgress
    {
        public bool WholeMessageSent { get; private set; }

        public void Report(long bytesTransferred, long totalSize) => WholeMessageSent |= totalSize > 0 && bytesTransferred >= totalSize;

        public void Report(long bytesTransferred)
        {
        }
    }
}

/// <summary>
/// The run's failures in a row, followed across a chunk in memory and written once with it: any
/// success ends it; run-level failures extend it; reaching the limit, or a refusal of us, stops the chunk.
/// </summary>
public sealed class Streak(long start)
{
    public long Current { get; private set; } = start;

    public bool AnySuccess { get; private set; }

    /// <summary>Run-level failures since the chunk's last success (or its start).</summary>
    public int Trailing { get; private set; }

    public string? StopReason { get; private set; }

    public void Add(DeliveryResult result, int pauseAfter)
    {
        switch (result.Signal)
        {
            case RunSignal.Success:
                (Current, Trailing, AnySuccess) = (0, 0, true);
                break;
            case RunSignal.RelayRefusesUs:
                StopReason = $"the relay refused the sender or the message: {result.Error}";
                break;
            case RunSignal.RunLevelFailure:
                (Current, Trailing) = (Current + 1, Trailing + 1);
                if (Current >= pauseAfter)
                {
                    StopReason = $"{pauseAfter} deliveries failed in a row; the last: {result.Error}";
                }

                break;
        }
    }
}
