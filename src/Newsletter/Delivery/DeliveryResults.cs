namespace Newsletter.Delivery;

/// <summary>What becomes of one claimed delivery once its chunk is over.</summary>
public enum Disposition
{
    /// <summary>The relay accepted it.</summary>
    Sent,

    /// <summary>Refused for good, or out of attempts: its entries go back to the subscriber's next digest.</summary>
    Failed,

    /// <summary>A 4xx or a dropped connection: queued again, not before its next attempt time.</summary>
    RetryLater,

    /// <summary>The whole message went out but no reply came: it may have been delivered, so it is never re-sent.</summary>
    Uncertain,

    /// <summary>Never handed to the relay (the run paused, the process is stopping): queued again, the attempt not counted.</summary>
    Released,

    /// <summary>Not handed to the relay yet: its recipient's domain is being paced. Queued again for its next slot, the attempt not counted.</summary>
    Deferred,
}

/// <summary>What a reply says about the run, beyond this one delivery.</summary>
public enum RunSignal
{
    /// <summary>A message went out: any streak of failures ends.</summary>
    Success,

    /// <summary>This recipient's problem (a refused or full mailbox): says nothing about the relay.</summary>
    RecipientProblem,

    /// <summary>The connection, the sender or the relay's policy failed: a streak of these pauses the run.</summary>
    RunLevelFailure,

    /// <summary>The relay refused the sender or the message for good: the run pauses at once.</summary>
    RelayRefusesUs,
}

/// <summary>One delivery's result, kept in memory until the chunk is recorded in one write.</summary>
/// <param name="NotBefore">For <see cref="Disposition.Deferred"/>: when its domain's next slot comes.</param>
public sealed record DeliveryResult(Outgoing Delivery, Disposition Disposition, RunSignal Signal, string? MessageId = null, string? Error = null, bool Bounced = false, DateTime? NotBefore = null)
{
    public static DeliveryResult Released(Outgoing delivery) => new(delivery, Disposition.Released, RunSignal.RecipientProblem);

    public static DeliveryResult Deferred(Outgoing delivery, DateTime until) => new(delivery, Disposition.Deferred, RunSignal.RecipientProblem, NotBefore: until);
}
