using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Email.MailCatcher;

namespace Newsletter.Email;

/// <summary>
/// Sends through MailKit to the configured relay, or to the built-in mail catcher when no relay is set.
/// </summary>
public sealed class MailKitEmailSender(IOptions<SmtpOptions> options, MailCatcherServer catcher, ReturnPath returnPath, ILogger<MailKitEmailSender> logger) : IEmailSender
{
    private readonly SmtpOptions smtp = options.Value;

    public Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default) => SendAsync(message, returnPath.Plain(), cancellationToken);

    public async Task SendAsync(MimeMessage message, MailboxAddress envelopeSender, CancellationToken cancellationToken = default)
    {
        using var client = await ConnectAsync(cancellationToken);
        await client.SendAsync(message, envelopeSender, message.To.Mailboxes, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        logger.LogInformation("Sent {MessageId} to the SMTP server", message.MessageId);
    }

    public async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var (host, port, security) = smtp.UsesMailCatcher
            ? ("127.0.0.1", catcher.Port, SecureSocketOptions.None)
            : (smtp.Host!, smtp.Port, ToMailKit(smtp.Security));

        var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        if (smtp.HeloName is { Length: > 0 } helo)
        {
            client.LocalDomain = helo; // else MailKit announces the machine name
        }

        try
        {
            // MailKit leaves Nagle's algorithm on; a message larger than one segment then waits ~40 ms
            // for a delayed ACK. Connecting our own socket with NoDelay removes that wait.
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                // Linux would wait ~2 minutes for an unanswered SYN; the SMTP timeout bounds it instead.
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                connectTimeout.CancelAfter(smtp.Timeout);
                await socket.ConnectAsync(host, port, connectTimeout.Token);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            await client.ConnectAsync(socket, host, port, security, cancellationToken);
            if (smtp.DisablePipelining)
            {
                client.Capabilities &= ~SmtpCapabilities.Pipelining;
            }

            if (!smtp.UsesMailCatcher && smtp.Username is { Length: > 0 })
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
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
