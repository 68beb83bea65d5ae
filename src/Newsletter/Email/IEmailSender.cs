using MimeKit;

namespace Newsletter.Email;

/// <summary>Hands messages to an SMTP server. Throws <see cref="MailKit.Net.Smtp.SmtpCommandException"/>
/// with the server's status code when the server refuses, so callers can tell 4xx from 5xx.</summary>
public interface IEmailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default);

    /// <summary>Sends with this envelope sender (MAIL FROM), where bounces of this message go; see <see cref="ReturnPath"/>.</summary>
    Task SendAsync(MimeMessage message, MailboxAddress envelopeSender, CancellationToken cancellationToken = default);
}
