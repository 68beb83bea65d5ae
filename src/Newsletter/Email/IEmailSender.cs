using MimeKit;

namespace Newsletter.Email;

/// <summary>Hands messages to an SMTP server. Throws <see cref="MailKit.Net.Smtp.SmtpCommandException"/>
/// with the server's status code when the server refuses, so callers can tell 4xx from 5xx.</summary>
public interface IEmailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default);
}
