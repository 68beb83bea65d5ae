namespace Newsletter.Bounces;

public enum ReportKind
{
    /// <summary>Not a report we act on (or a malformed one): left unseen in the mailbox.</summary>
    Unrecognised,

    /// <summary>RFC 3464: multipart/report; report-type=delivery-status.</summary>
    DeliveryStatus,

    /// <summary>RFC 5965 (ARF): multipart/report; report-type=feedback-report.</summary>
    Complaint,

    /// <summary>A mail to the <c>mailto:</c> of List-Unsubscribe.</summary>
    UnsubscribeRequest,
}

/// <summary>
/// What one message in the bounce mailbox says, read without touching the database.
/// <paramref name="AddressedTo"/>: where the report itself was delivered (To, Delivered-To, ...), which
/// holds the VERP tag; <paramref name="OriginalMessageId"/> and <paramref name="OriginalUnsubscribeToken"/>
/// come from the original message's headers quoted in the report.
/// </summary>
public sealed record BounceReport(
    ReportKind Kind,
    string ReportId,
    IReadOnlyList<string> AddressedTo,
    IReadOnlyList<RecipientStatus> Recipients,
    string? OriginalMessageId = null,
    string? OriginalUnsubscribeToken = null,
    string? Sender = null,
    string? FeedbackType = null,
    string? Problem = null);

/// <summary>One recipient of a delivery report: its address (Final-Recipient, Original-Rcpt-To), Action and Status.</summary>
public sealed record RecipientStatus(string? Address, string Action, string Status)
{
    /// <summary>RFC 3464: the delivery failed, and the status class says for good.</summary>
    public bool IsHardBounce => Action.Equals("failed", StringComparison.OrdinalIgnoreCase) && Status.StartsWith("5.", StringComparison.Ordinal);

    /// <summary>A transient failure (4.x.x), or the relay still trying ("delayed").</summary>
    public bool IsSoftBounce =>
        !IsHardBounce && (Action.Equals("delayed", StringComparison.OrdinalIgnoreCase)
            || (Action.Equals("failed", StringComparison.OrdinalIgnoreCase) && Status.StartsWith("4.", StringComparison.Ordinal)));
}
