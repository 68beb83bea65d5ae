using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Newsletter.Bounces;

/// <summary>Reads delivery reports (RFC 3464), feedback reports (RFC 5965) and mailto unsubscribes from a message.</summary>
public static partial class BounceReportParser
{
    /// <summary>Headers that say where the report itself was delivered: the envelope recipient, i.e. our VERP address.</summary>
    private static readonly string[] DeliveryHeaders = ["Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Cc"];

    public static BounceReport Parse(MimeMessage message)
    {
        try
        {
            return Read(message);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // A report MimeKit cannot read (a broken status part, say) changes no one; it stays in the mailbox.
            return new BounceReport(ReportKind.Unrecognised, message.MessageId ?? Digest(message), [], [], Problem: $"unreadable: {e.Message}");
        }
    }

    private static BounceReport Read(MimeMessage message)
    {
        var reportId = message.MessageId is { Length: > 0 } id ? id : Digest(message);
        var addressed = AddressedTo(message);
        if (message.Body is MultipartReport report)
        {
            var original = report.OfType<MessagePart>().FirstOrDefault()?.Message;
            var originalId = original?.MessageId;
            var token = original?.Headers[HeaderId.ListUnsubscribe] is { } listUnsubscribe && UnsubscribeLink().Match(listUnsubscribe) is { Success: true } m
                ? m.Groups[1].Value
                : null;
            return report.ReportType?.ToLowerInvariant() switch
            {
                "delivery-status" => DeliveryStatus(report, reportId, addressed, originalId, token),
                "feedback-report" => Feedback(report, reportId, addressed, originalId, token),
                _ => new BounceReport(ReportKind.Unrecognised, reportId, addressed, [], Problem: $"a report of type '{report.ReportType}'"),
            };
        }

        if (message.Subject?.Trim().StartsWith("unsubscribe", StringComparison.OrdinalIgnoreCase) == true
            || addressed.Any(a => MailtoTag().IsMatch(a)))
        {
            return new BounceReport(ReportKind.UnsubscribeRequest, reportId, addressed, [], Sender: message.From.Mailboxes.FirstOrDefault()?.Address);
        }

        return new BounceReport(ReportKind.Unrecognised, reportId, addressed, []);
    }

    private static BounceReport DeliveryStatus(MultipartReport report, string reportId, IReadOnlyList<string> addressed, string? originalId, string? token)
    {
        var status = report.OfType<MessageDeliveryStatus>().FirstOrDefault();
        // The first group holds the per-message fields; each later one is a recipient.
        var recipients = status?.StatusGroups.Skip(1)
            .Where(g => g["Action"] is { Length: > 0 } && g["Status"] is { Length: > 0 })
            .Select(g => new RecipientStatus(
                AddressOf(g["Final-Recipient"]) ?? AddressOf(g["Original-Recipient"]),
                g["Action"]!.Trim(),
                g["Status"]!.Trim().Split(' ', 2)[0]))
            .ToList() ?? [];
        return recipients.Count == 0
            ? new BounceReport(ReportKind.Unrecognised, reportId, addressed, [], Problem: "a delivery report without a recipient's Action and Status")
            : new BounceReport(ReportKind.DeliveryStatus, reportId, addressed, recipients, originalId, token);
    }

    private static BounceReport Feedback(MultipartReport report, string reportId, IReadOnlyList<string> addressed, string? originalId, string? token)
    {
        var feedback = report.OfType<MessageFeedbackReport>().FirstOrDefault();
        if (feedback is null || feedback.Fields["Feedback-Type"] is not { Length: > 0 } type)
        {
            return new BounceReport(ReportKind.Unrecognised, reportId, addressed, [], Problem: "a feedback report without a Feedback-Type");
        }

        var recipients = feedback.Fields.Where(h => h.Field.Equals("Original-Rcpt-To", StringComparison.OrdinalIgnoreCase))
            .Select(h => new RecipientStatus(AddressOf(h.Value), "complaint", ""))
            .DefaultIfEmpty(new RecipientStatus(null, "complaint", ""))
            .ToList();
        // "not-spam" is the opposite of a complaint: nothing to do, yet handled.
        return new BounceReport(ReportKind.Complaint, reportId, addressed, recipients, originalId, token, FeedbackType: type.Trim().ToLowerInvariant());
    }

    private static List<string> AddressedTo(MimeMessage message) =>
        DeliveryHeaders.SelectMany(name => message.Headers.Where(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)))
            .SelectMany(h => InternetAddressList.TryParse(h.Value, out var list) ? list.Mailboxes.Select(m => m.Address) : [])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>"rfc822; someone@example.org" → the address.</summary>
    private static string? AddressOf(string? field) =>
        field?.Split(';', 2) is [_, var address] && address.Trim() is { Length: > 0 } trimmed ? trimmed.Trim('<', '>') : null;

    /// <summary>A report without a Message-ID is still counted once: its headers name it.</summary>
    private static string Digest(MimeMessage message) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", message.Headers.Select(h => $"{h.Field}: {h.Value}")))))[..32];

    /// <summary>The shape of a mailto: unsubscribe tag (ReturnPath verifies it); "+urgent@" is not one.</summary>
    [GeneratedRegex(@"\+u[0-9]{1,18}-[0-9a-f]{16}@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MailtoTag();

    [GeneratedRegex(@"/unsubscribe/([A-Za-z0-9_-]{20,})", RegexOptions.CultureInvariant)]
    private static partial Regex UnsubscribeLink();
}
