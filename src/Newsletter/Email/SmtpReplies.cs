using System.Text.RegularExpressions;
using MailKit.Net.Smtp;

namespace Newsletter.Email;

/// <summary>What an SMTP refusal says about the recipient's address (RFC 3463 enhanced status codes).</summary>
public static partial class SmtpReplies
{
    /// <summary>
    /// True only when the relay says the address itself is bad for good: 5.1.x (no such mailbox or
    /// domain) or 5.2.x (mailbox disabled or full for good), or, from relays that send no enhanced
    /// code, 550/551/553 to RCPT TO. A 5.7.x (policy, "relay access denied", missing authentication)
    /// is our problem, not the subscriber's, and must not end their subscription.
    /// </summary>
    public static bool IsPermanentAddressFailure(SmtpCommandException e)
    {
        if (e.ErrorCode != SmtpErrorCode.RecipientNotAccepted || (int)e.StatusCode < 500)
        {
            return false;
        }

        var enhanced = EnhancedCode().Match(e.Message);
        return enhanced.Success
            ? enhanced.Groups[1].Value is "1" or "2"
            : (int)e.StatusCode is 550 or 551 or 553;
    }

    /// <summary>A 5.7.x reply: refused by policy (relaying, authentication, sender reputation), not for the address.</summary>
    public static bool IsPolicyRefusal(SmtpCommandException e)
    {
        var enhanced = EnhancedCode().Match(e.Message);
        return (int)e.StatusCode >= 500 && enhanced.Success && enhanced.Groups[1].Value == "7";
    }

    [GeneratedRegex(@"^\s*5\.(\d{1,3})\.\d{1,3}\b")]
    private static partial Regex EnhancedCode();
}
