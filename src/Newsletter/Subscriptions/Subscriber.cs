namespace Newsletter.Subscriptions;

/// <summary>A row of the subscribers table. Times are UTC.</summary>
public sealed class Subscriber
{
    public long Id { get; init; }
    public string Email { get; init; } = "";
    public string Status { get; init; } = SubscriberStatus.Pending;
    public string Frequency { get; init; } = "daily";
    public int DeliveryHour { get; init; }
    public string TimeZone { get; init; } = "UTC";
    public bool Paused { get; init; }
    public long TokenVersion { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? ConfirmedAt { get; init; }
    public DateTime? UnsubscribedAt { get; init; }

    /// <summary>Entries that arrived after this belong to the next digest; null until the first one.</summary>
    public DateTime? DigestWindowStart { get; init; }

    public bool IsActive => Status == SubscriberStatus.Active;
}

public static class SubscriberStatus
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Unsubscribed = "unsubscribed";
    public const string Bounced = "bounced";
    public const string Complained = "complained";
}

/// <summary>A row of subscription_requests: what a signup asked for, until it is confirmed.</summary>
public sealed class SubscriptionRequestRow
{
    public long Id { get; init; }
    public long SubscriberId { get; init; }
    public string Topics { get; init; } = "[]";
    public string Interests { get; init; } = "";
    public string Frequency { get; init; } = "daily";
    public string Source { get; init; } = "api";
    public DateTime CreatedAt { get; init; }
    public DateTime? EmailSentAt { get; init; }
    public DateTime? ConfirmedAt { get; init; }
    public DateTime? ClosedAt { get; init; }
}
