using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;
using Newsletter.Configuration;
using Newsletter.Templating;
using Newsletter.Web;

namespace Newsletter.Email;

/// <summary>
/// Builds a complete message from the pair of templates <c>email/{name}.html</c> and
/// <c>email/{name}.text</c> (each inside its layout): multipart/alternative, with the CSS already
/// inlined in the templates (mail clients drop style sheets), a Message-ID on the From domain and a Date.
/// </summary>
public sealed class EmailComposer(
    TemplateRenderer templates,
    PublicUrls urls,
    IOptions<SmtpOptions> smtp,
    IOptions<NewsletterOptions> newsletter,
    TimeProvider clock)
{
    public async Task<MimeMessage> ComposeAsync(string name, object model, string to, string subject, string? unsubscribeUrl = null, bool isList = false)
    {
        var globals = new Dictionary<string, object?>
        {
            ["site_name"] = newsletter.Value.SiteName,
            ["base_url"] = urls.BaseUrl,
            ["subject"] = subject,
            ["unsubscribe_url"] = unsubscribeUrl,
        };
        // The templates' CSS was inlined when they were loaded (EmailCssInliner), not per message.
        var html = await templates.RenderAsync($"email/{name}.html", model, html: true, globals);
        var text = await templates.RenderAsync($"email/{name}.text", model, html: false, globals);

        var from = From();
        var message = new MimeMessage
        {
            Subject = subject,
            Date = clock.GetUtcNow(),
            MessageId = MimeUtils.GenerateMessageId(from.Domain),
            Body = new BodyBuilder { HtmlBody = html, TextBody = text }.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(to));
        if (unsubscribeUrl is not null)
        {
            // RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to this URL.
            message.Headers.Add("List-Unsubscribe", $"<{unsubscribeUrl}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        if (isList)
        {
            // RFC 2919: lets mail clients and filters recognise every digest as one list.
            message.Headers.Add("List-Id", $"\"{newsletter.Value.SiteName}\" <digest.{from.Domain}>");
        }

        return message;
    }

    public MailboxAddress From() =>
        smtp.Value.From is { Length: > 0 } configured
            ? MailboxAddress.Parse(configured)
            : new MailboxAddress(newsletter.Value.SiteName, $"digest@{urls.Host}");
}
