namespace Newsletter.Bounces;

/// <summary>
/// One reading of the bounce mailbox. <c>Processed</c>: messages acted on and moved out of the folder;
/// <c>Ignored</c>: messages left there, unseen (not a report, malformed, about nobody we know, or a forged
/// tag). The other counts are reports of each kind among the processed ones.
/// </summary>
public sealed record BounceCheckResult(int Processed, int Bounced, int SoftBounced, int Complained, int Unsubscribed, int Ignored)
{
    public static readonly BounceCheckResult Empty = new(0, 0, 0, 0, 0, 0);

    public BounceCheckResult Add(BounceCheckResult other) => new(
        Processed + other.Processed,
        Bounced + other.Bounced,
        SoftBounced + other.SoftBounced,
        Complained + other.Complained,
        Unsubscribed + other.Unsubscribed,
        Ignored + other.Ignored);
}
