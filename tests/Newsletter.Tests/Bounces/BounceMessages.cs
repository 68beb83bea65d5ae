namespace Newsletter.Tests.Bounces;

/// <summary>
/// Reports as receiving servers write them: RFC 3464 delivery status notifications, RFC 5965 (ARF)
/// feedback reports, and a plain mail to the mailto: of List-Unsubscribe. Raw text, so the tests show
/// exactly what the reader must understand.
/// </summary>
internal static class BounceMessages
{
    /// <param name="to">Where the report is delivered: the envelope sender of the original (a VERP address, say).</param>
    /// <param name="originalHeaders">The original message's headers, quoted as text/rfc822-headers; none when null.</param>
    public static string DeliveryStatus(string to, string finalRecipient, string status, string action = "failed", string? originalHeaders = null) => $"""
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: {to}
        Subject: Undelivered Mail Returned to Sender
        Date: Wed, 02 Dec 2026 10:00:00 +0000
        Message-ID: <dsn-{Guid.NewGuid():N}@mx.example.net>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"

        --dsn-boundary
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.example.net.
        I'm sorry to have to inform you that your message could not be delivered.

        --dsn-boundary
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net
        Arrival-Date: Wed, 02 Dec 2026 09:59:58 +0000

        Final-Recipient: rfc822; {finalRecipient}
        Original-Recipient: rfc822;{finalRecipient}
        Action: {action}
        Status: {status}
        Remote-MTA: dns; mailbox.example.net
        Diagnostic-Code: smtp; {(status.StartsWith('5') ? "550 5.1.1 user unknown" : "452 4.2.2 mailbox full")}

        --dsn-boundary
        Content-Type: text/rfc822-headers

        {originalHeaders ?? "Subject: (headers not quoted)"}

        --dsn-boundary--

        """.ReplaceLineEndings("\r\n");

    /// <summary>A delivery report whose status part is broken: a recipient, but no Action or Status a reader could trust.</summary>
    public static string MalformedDeliveryStatus(string to, string finalRecipient) => $"""
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: {to}
        Subject: Broken report
        Message-ID: <broken-{Guid.NewGuid():N}@mx.example.net>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b"

        --b
        Content-Type: text/plain

        Something went wrong.
        --b
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; {finalRecipient}
        this line is not a field
        --b--

        """.ReplaceLineEndings("\r\n");

    /// <summary>An ARF report (RFC 5965) as a mailbox provider's feedback loop sends it.</summary>
    public static string Complaint(string to, string originalRcptTo, string originalHeaders) => $"""
        From: Feedback Loop <fbl@isp.example.net>
        To: {to}
        Subject: Abuse report
        Date: Wed, 02 Dec 2026 10:00:00 +0000
        Message-ID: <arf-{Guid.NewGuid():N}@isp.example.net>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="arf-boundary"

        --arf-boundary
        Content-Type: text/plain; charset=us-ascii

        This is an email abuse report for an email message received from IP 192.0.2.1.

        --arf-boundary
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: ExampleFBL/1.0
        Version: 1
        Original-Mail-From: <digest@newsletter.test>
        Original-Rcpt-To: <{originalRcptTo}>
        Arrival-Date: Wed, 02 Dec 2026 09:00:00 +0000
        Source-IP: 192.0.2.1

        --arf-boundary
        Content-Type: text/rfc822-headers

        {originalHeaders}

        --arf-boundary--

        """.ReplaceLineEndings("\r\n");

    public static string Unsubscribe(string from, string to, string subject = "unsubscribe") => $"""
        From: {from}
        To: {to}
        Subject: {subject}
        Date: Wed, 02 Dec 2026 10:00:00 +0000
        Message-ID: <unsub-{Guid.NewGuid():N}@example.org>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=us-ascii

        unsubscribe

        """.ReplaceLineEndings("\r\n");

    public static string Unrelated(string to) => $"""
        From: A Person <person@example.org>
        To: {to}
        Subject: Lunch on Friday?
        Date: Wed, 02 Dec 2026 10:00:00 +0000
        Message-ID: <lunch-{Guid.NewGuid():N}@example.org>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=us-ascii

        Are you free on Friday?

        """.ReplaceLineEndings("\r\n");

    /// <summary>The headers of a message as a report quotes them (text/rfc822-headers).</summary>
    public static string HeadersOf(MimeKit.MimeMessage message) =>
        string.Join("\r\n", message.Headers.Where(h => h.Field is "From" or "To" or "Subject" or "Message-ID" or "List-Unsubscribe" or "Date")
            .Select(h => $"{h.Field}: {h.Value.Trim()}"));
}
