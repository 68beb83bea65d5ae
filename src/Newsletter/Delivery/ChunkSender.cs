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
public sealed class ChunkSender(DigestComposer composer, MailKitEmailSender smtp, ReturnPath returnPath, DeliveryThrottle throttle, IOptions<DeliveryOptions> options, ILogger<ChunkSender> logger)
    : IAsyncDisposable
{
    private readonly DeliveryOptions delivery = options.Value;
    private SmtpClient? client;

    /// <param name="streak">The run's failures in a row so far; updated as the chunk goes.</param>
    /// <param name="shutdown">Checked between messages only: a message being sent is finished (MailKit's timeouts bound it).</param>
    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(IReadOnlyList<Outgoing> chunk, Streak streak, CancellationToken shutdown)
    {
        var results = new List<DeliveryResult>(chunk.Count);
        foreach (var outgoing in chunk)
        {
            if (shutdown.IsCancellationRequested || streak.StopReason is not null)
            {
                results.Add(DeliveryResult.Released(outgoing));
                continue;
            }

            await throttle.MessageAsync(CancellationToken.None);
            var result = await SendOneAsync(outgoing);
            streak.Add(result, delivery.PauseAfterFailures);
            results.Add(result);
        }

        return results;
    }

    private async Task<DeliveryResult> SendOneAsync(Outgoing outgoing)
    {
        var progress = new TransferProgress();
        try
        {
            // Disposed once sent: its body's memory blocks go back to MimeKit's pool for the next digest.
            using var message = await composer.ComposeAsync(outgoing.Subscriber, outgoing.Entries, outgoing.Due.Id);
            client ??= await smtp.ConnectAsync(CancellationToken.None);
            await client.SendAsync(message, returnPath.ForDelivery(outgoing.Due.Id), message.To.Mailboxes, CancellationToken.None, progress);
            return new DeliveryResult(outgoing, Disposition.Sent, RunSignal.Success, message.MessageId);
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && SmtpReplies.IsPolicyRefusal(e))
        {
            // 5.7.x to RCPT TO ("relay access denied", "authentication required"): our relay's rules,
            // not the subscriber's address. The delivery waits, and a streak of these pauses the run.
            return Later(outgoing, Reply(e), RunSignal.RunLevelFailure);
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted)
        {
            return (int)e.StatusCode >= 500
                ? new DeliveryResult(outgoing, Disposition.Failed, RunSignal.RecipientProblem, Error: Reply(e), Bounced: SmtpReplies.IsPermanentAddressFailure(e))
                : Later(outgoing, Reply(e), RunSignal.RecipientProblem);
        }
        catch (SmtpCommandException e)
        {
            // The sender or the message was refused: our relay's configuration, not this subscriber.
            return Later(outgoing, Reply(e), (int)e.StatusCode >= 500 ? RunSignal.RelayRefusesUs : RunSignal.RunLevelFailure);
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
