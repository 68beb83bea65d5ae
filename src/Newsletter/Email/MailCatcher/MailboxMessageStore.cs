using System.Buffers;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Newsletter.Email.MailCatcher;

/// <summary>Writes each message the catcher receives into the mailbox folder.</summary>
internal sealed class MailboxMessageStore(Mailbox mailbox) : MessageStore
{
    public override async Task<SmtpResponse> SaveAsync(
        ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        await mailbox.SaveAsync(buffer, cancellationToken);
        return SmtpResponse.Ok;
    }
}
