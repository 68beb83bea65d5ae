using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Email;

namespace Newsletter.Bounces;

/// <summary>
/// Reads the bounce mailbox over IMAP: every unseen message in <c>Bounces:Imap:Folder</c> is parsed
/// (fetched with BODY.PEEK, so reading marks nothing), acted on, then flagged \Seen and moved to
/// <c>Bounces:Imap:ProcessedFolder</c>. What is not acted on stays where it is, unseen; nothing is
/// ever deleted. The database is written before the move: a crash in between reads the report again,
/// which changes nothing (every step is idempotent).
/// </summary>
public sealed class BounceMailbox(IOptions<BounceOptions> options, BounceProcessor processor, ILogger<BounceMailbox> logger)
{
    /// <summary>Reports left in the mailbox are logged the first time only, not at every poll (per process).</summary>
    private static readonly ConcurrentDictionary<string, bool> LoggedOnce = new();

    public bool IsConfigured => options.Value.Imap.IsConfigured;

    public async Task<BounceCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var imap = options.Value.Imap;
        using var client = new ImapClient { Timeout = (int)imap.Timeout.TotalMilliseconds };
        await client.ConnectAsync(imap.Host!, imap.EffectivePort, ToMailKit(imap.Security), cancellationToken);
        await client.AuthenticateAsync(imap.Username!, imap.Password!, cancellationToken);
        var folder = await client.GetFolderAsync(imap.Folder, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        IMailFolder? processed = null;
        var total = BounceCheckResult.Empty;
        foreach (var uid in await folder.SearchAsync(SearchQuery.NotSeen, cancellationToken))
        {
            var outcome = await ApplyAsync(await folder.GetMessageAsync(uid, cancellationToken), cancellationToken);
            total = total.Add(outcome);
            if (outcome.Processed == 0)
            {
                continue;
            }

            processed ??= await ProcessedFolderAsync(client, imap.ProcessedFolder, cancellationToken);
            await folder.StoreAsync(uid, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen) { Silent = true }, cancellationToken);
            await folder.MoveToAsync(uid, processed, cancellationToken);
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
        logger.LogInformation("Bounce mailbox read: {Result}", total);
        return total;
    }

    private async Task<BounceCheckResult> ApplyAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using (message)
        {
            var report = BounceReportParser.Parse(message);
            var outcome = await processor.ApplyAsync(report, cancellationToken);
            if (outcome.Ignored > 0 && LoggedOnce.TryAdd(report.ReportId, true))
            {
                if (LoggedOnce.Count > 10_000)
                {
                    LoggedOnce.Clear(); // a bound, not a policy: a mailbox that full is logged again
                }

                logger.LogInformation("Left in the bounce mailbox: message {ReportId} ({Kind}{Problem})",
                    report.ReportId, report.Kind, report.Problem is null ? "" : $": {report.Problem}");
            }

            return outcome;
        }
    }

    private static async Task<IMailFolder> ProcessedFolderAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetFolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            return await root.CreateAsync(name, isMessageFolder: true, cancellationToken) ?? throw new InvalidOperationException($"The IMAP server did not create the folder {name}.");
        }
    }

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
