using System.Text.RegularExpressions;
using MailKit.Net.Smtp;

namespace Newsletter.Email;

/// <summary>What a relay's refusal means for us, for the digests and the lifecycle emails alike.</summary>
public enum SmtpVerdict
{
    /// <summary>4xx: the same message later; nothing is wrong for good.</summary>
    TryLater,

    /// <summary>The address itself is gone (5.1.x, 5.2.1, "user unknown"): the subscriber bounces.</summary>
    AddressGone,

    /// <summary>Refused for this recipient but not for its address (a full mailbox, too large for them): this message fails, no one is condemned.</summary>
    RecipientRefused,

    /// <summary>The relay refuses us (relaying, policy, authentication, the sender or the message): the run pauses, no one is condemned.</summary>
    RefusesUs,
}

/// <summary>
/// The one reading of SMTP replies (RFC 5321 codes, RFC 3463 enhanced status codes). A relay that
/// refuses every recipient with a bare <c>550 relay not permitted</c> must pause the run, not mark the
/// whole list bounced: only a reply that names the address as the problem condemns it.
/// </summary>
public static partial class SmtpReplies
{
    public static SmtpVerdict Classify(SmtpCommandException e)
    {
        var code = (int)e.StatusCode;
        if (code < 500)
        {
            return SmtpVerdict.TryLater;
        }

        // MAIL FROM or DATA refused for good: the sender or the message, whoever the recipient.
        return e.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? ClassifyRecipientRefusal(e.Message) : SmtpVerdict.RefusesUs;
    }

    /// <summary>A 5xx to RCPT TO, from its text (the part after the code).</summary>
    public static SmtpVerdict ClassifyRecipientRefusal(string text)
    {
        var enhanced = EnhancedCode().Match(text);
        var (subject, detail) = enhanced.Success ? (enhanced.Groups[1].Value, enhanced.Groups[2].Value) : ("", "");
        if (subject == "7" || (subject == "1" && detail is "7" or "8"))
        {
            return SmtpVerdict.RefusesUs;    // 5.7.x policy and security; 5.1.7 and 5.1.8 are the sender's address
        }

        // Before the relay words: Postfix says "User unknown in relay recipient table" for a gone address.
        if (AddressPhrase().IsMatch(text))
        {
            return SmtpVerdict.AddressGone;
        }

        if (RefusalOfUsPhrase().IsMatch(text))
        {
            return SmtpVerdict.RefusesUs;
        }

        return subject switch
        {
            "1" => SmtpVerdict.AddressGone,                                   // bad destination mailbox, system or syntax
            "2" when detail == "1" => SmtpVerdict.AddressGone,                // mailbox disabled
            "" => SmtpVerdict.RefusesUs,                                      // a bare code that names no address: not proof against it
            _ => SmtpVerdict.RecipientRefused,                                // 5.2.2 full, 5.3.4 too big, 5.4.x routing ...
        };
    }

    [GeneratedRegex(@"^\s*5\.(\d{1,3})\.(\d{1,3})\b")]
    private static partial Regex EnhancedCode();

    [GeneratedRegex(@"user unknown|unknown user|no such (user|mailbox|recipient|account)|mailbox (unavailable|not found|does not exist|disabled)|(user|recipient|mailbox|address|account) (does not exist|doesn't exist|not found)|unknown (recipient|mailbox)|recipient unknown|invalid (recipient|mailbox)|account (disabled|has been disabled)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AddressPhrase();

    [GeneratedRegex(@"relay|policy|not permitted|access denied|authenticat|blocked|block ?list|black ?list|spam|reputation|rate limit|sender",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RefusalOfUsPhrase();
}
