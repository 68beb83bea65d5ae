namespace Newsletter.Delivery;

/// <summary>The <c>Delivery</c> configuration section: how digests are sent.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Recipients per Hangfire batch job (one SMTP connection each).</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// Deliveries a batch job claims, plans and records together: one write transaction to claim and
    /// one to record per chunk instead of several per message. After a crash, the uncertain
    /// deliveries are at most one chunk per batch in flight.
    /// </summary>
    public int ChunkSize { get; set; } = 50;

    /// <summary>The chunk to claim at this rate: at most ten seconds' worth of sending, so a claimed row is 'sending' only briefly.</summary>
    public int ChunkFor(double messagesPerSecond) =>
        messagesPerSecond > 0 ? (int)Math.Clamp(messagesPerSecond * 10, 1, ChunkSize) : ChunkSize;

    /// <summary>SMTP connections this process opens at once (batches beyond it wait their turn).</summary>
    public int Connections { get; set; } = 4;

    /// <summary>Messages a second to the relay from this process; 0 for no limit.</summary>
    public double MessagesPerSecond { get; set; }

    /// <summary>
    /// Messages a second to any one recipient domain, across all processes; 0 for no cap. A domain
    /// that answers 421 or 451 is slowed further on its own (<see cref="DomainPacer"/>).
    /// </summary>
    public double PerDomainMessagesPerSecond { get; set; }

    /// <summary>Attempts per delivery before a 4xx streak makes it failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// Times a batch job may throw (an error of ours or of the data, not a relay's reply) before its run
    /// is marked failed with the reason; between them it waits <see cref="RetryDelays"/>.
    /// </summary>
    public int BatchAttempts { get; set; } = 5;

    /// <summary>Failures in a row (any delivery of the run) that pause the run.</summary>
    public int PauseAfterFailures { get; set; } = 25;

    private static readonly TimeSpan[] DefaultRetryDelays =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)];

    /// <summary>Waits before attempt 2, 3, …; the last repeats. The first is under a minute (CONTRACT.md).</summary>
    /// <remarks>Null by default because the configuration binder appends to an array that already has items.</remarks>
    public TimeSpan[]? RetryDelays { get; set; }

    public TimeSpan[] Delays => RetryDelays is { Length: > 0 } configured ? configured : DefaultRetryDelays;

    /// <summary>A row still 'sending' this long after its claim lost its worker: it becomes 'uncertain'.</summary>
    /// <remarks>Well above the worst SMTP exchange (connect and command timeouts of 30 s each), so a slow but live send is never declared lost.</remarks>
    public TimeSpan SendingTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a batch job holds its batch without renewing; a dead worker's batch is free after it.</summary>
    public TimeSpan BatchLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the scheduler and the supervisor run.</summary>
    public string ScheduleCron { get; set; } = "*/5 * * * *";

    public IEnumerable<string> Validate()
    {
        if (BatchSize is < 1 or > 10_000) yield return $"Delivery:BatchSize must be between 1 and 10000 (got {BatchSize}).";
        if (ChunkSize is < 1 or > 1_000) yield return $"Delivery:ChunkSize must be between 1 and 1000 (got {ChunkSize}).";
        if (Connections is < 1 or > 64) yield return $"Delivery:Connections must be between 1 and 64 (got {Connections}).";
        if (MessagesPerSecond < 0) yield return $"Delivery:MessagesPerSecond must be 0 (no limit) or more (got {MessagesPerSecond}).";
        if (PerDomainMessagesPerSecond < 0) yield return $"Delivery:PerDomainMessagesPerSecond must be 0 (no cap) or more (got {PerDomainMessagesPerSecond}).";
        if (MaxAttempts is < 1 or > 100) yield return $"Delivery:MaxAttempts must be between 1 and 100 (got {MaxAttempts}).";
        if (BatchAttempts is < 1 or > 100) yield return $"Delivery:BatchAttempts must be between 1 and 100 (got {BatchAttempts}).";
        if (PauseAfterFailures < 1) yield return $"Delivery:PauseAfterFailures must be at least 1 (got {PauseAfterFailures}).";
        if (Delays.Any(d => d <= TimeSpan.Zero)) yield return "Delivery:RetryDelays must hold positive durations.";
        if (SendingTimeout <= TimeSpan.Zero) yield return "Delivery:SendingTimeout must be positive.";
        if (BatchLease <= TimeSpan.Zero) yield return "Delivery:BatchLease must be positive.";

    }
}

/// <summary>The <c>Digest</c> configuration section: what a digest holds.</summary>
public sealed class DigestOptions
{
    public const string Section = "Digest";

    /// <summary>Entries at most in one digest.</summary>
    public int MaxEntries { get; set; } = 10;

    /// <summary>
    /// The calibrated probability of relevance (0..1) an entry needs to be sent. The default gave the
    /// best mean F1 of the sent set on the tuning interests (`eval` prints the table); higher sends
    /// fewer, surer entries.
    /// </summary>
    public double Threshold { get; set; } = 0.2;

    /// <summary>How far back a subscriber's first digest looks.</summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Add the most popular new entry (by upvotes) to digests that do not already hold it.</summary>
    public bool TrendingSlot { get; set; } = true;

    public IEnumerable<string> Validate()
    {
        if (MaxEntries is < 1 or > 100) yield return $"Digest:MaxEntries must be between 1 and 100 (got {MaxEntries}).";
        if (!(Threshold is >= 0 and <= 1)) yield return $"Digest:Threshold must be between 0 and 1 (got {Threshold}).";
        if (Lookback <= TimeSpan.Zero) yield return "Digest:Lookback must be positive, e.g. 7.00:00:00.";
    }
}
