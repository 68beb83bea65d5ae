using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.IO;
using MimeKit.Utils;
using Newsletter.Configuration;
using Newsletter.Templating;
using Newsletter.Web;

namespace Newsletter.Email;

/// <summary>
/// Builds a complete message from the pair of templates <c>email/{name}.html</c> and
/// <c>email/{name}.text</c> (each inside its layout): multipart/alternative, with the CSS already
/// inlined in the templates (mail clients drop style sheets), a random Message-ID on the From domain and
/// a Date; DKIM-signed last, when configured, so every sender sends exactly what was signed.
/// </summary>
public sealed class EmailComposer(
    TemplateRenderer templates,
    PublicUrls urls,
    IOptions<SmtpOptions> smtp,
    IOptions<NewsletterOptions> newsletter,
    Dkim.DkimSigning dkim,
    TimeProvider clock)
{
    public async Task<MimeMessage> ComposeAsync(
        string name, object model, string to, string subject, string? unsubscribeUrl = null, bool isList = false, string? feedbackId = null, string? unsubscribeMailto = null)
    {
        var globals = new Dictionary<string, object?>
        {
            ["site_name"] = newsletter.Value.SiteName,
            ["base_url"] = urls.BaseUrl,
            ["subject"] = subject,
            ["unsubscribe_url"] = unsubscribeUrl,
        };
        // The templates' CSS was inlined when they were loaded (EmailCssInliner), not per message.
        var text = await PartAsync("plain", $"email/{name}.text", model, globals);
        var html = await PartAsync("html", $"email/{name}.html", model, globals);

        var from = From();
        var message = new MimeMessage
        {
            Subject = subject,
            Date = clock.GetUtcNow(),
            MessageId = MimeUtils.GenerateMessageId(from.Domain),
            Body = new Multipart("alternative") { text, html },
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(to));
        if (unsubscribeUrl is not null)
        {
            // RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to this URL.
            // The mailto: (only with Bounces:Address) is for clients that do not POST; the bounce mailbox reader acts on it.
            message.Headers.Add("List-Unsubscribe", unsubscribeMailto is null ? $"<{unsubscribeUrl}>" : $"<{unsubscribeUrl}>, <{unsubscribeMailto}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        if (isList)
        {
            // RFC 2919: lets mail clients and filters recognise every digest as one list.
            message.Headers.Add("List-Id", $"\"{newsletter.Value.SiteName}\" <digest.{from.Domain}>");
        }

        if (feedbackId is not null)
        {
            // Gmail's Feedback-ID (campaign:list:sender): complaint rates per campaign in Postmaster Tools.
            message.Headers.Add("Feedback-ID", feedbackId);
        }

        dkim.Sign(message);
        return message;
    }

    /// <summary>
    /// One body part, rendered straight into its UTF-8 content (no string of the whole body in between),
    /// quoted-printable: readable in the raw, safe for any relay, and set here so MimeKit does not scan
    /// every message for the best encoding when it is sent.
    /// </summary>
    private async Task<TextPart> PartAsync(string subtype, string template, object model, IReadOnlyDictionary<string, object?> globals)
    {
        var content = new MemoryBlockStream();
        await using (var writer = new StreamWriter(content, Utf8, bufferSize: 1024, leaveOpen: true))
        {
            await templates.RenderToAsync(writer, template, model, html: subtype == "html", globals);
        }

        content.Position = 0;
        var part = new TextPart(subtype) { Content = new MimeContent(content), ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.ContentType.Charset = "utf-8";
        return part;
    }

    private static readonly System.Text.UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public MailboxAddress From() =>
        smtp.Value.From is { Length: > 0 } configured
            ? MailboxAddress.Parse(configured)
            : new MailboxAddress(newsletter.Value.SiteName, $"digest@{urls.Host}");
}
