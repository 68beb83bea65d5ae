using Microsoft.Extensions.Options;

namespace Newsletter.Delivery;

/// <summary>
/// Pacing per recipient domain, in this process. A domain that answers 421 or 451 ("slow down",
/// "too many connections", greylisting) is slowed on its own: its messages are spaced twice as far
/// apart at each such reply (1 second at first, at most 10 minutes), and each message it accepts
/// halves the spacing again, back to the cap. The cap, <see cref="DeliveryOptions.PerDomainMessagesPerSecond"/>,
/// is shared by all processes like the relay's rate (each takes an equal share). Other domains go on
/// at full speed: one slow provider does not hold back a run.
/// </summary>
public sealed class DomainPacer(IOptions<DeliveryOptions> options, DeliveryThrottle throttle, TimeProvider clock)
{
    private static readonly TimeSpan FirstSlowdown = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestSpacing = TimeSpan.FromMinutes(10);
    private readonly Lock gate = new();
    private readonly Dictionary<string, Pace> domains = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The spacing the cap alone asks for (zero without a cap).</summary>
    private TimeSpan CapSpacing => options.Value.PerDomainMessagesPerSecond is > 0 and var cap
        ? TimeSpan.FromSeconds(1 / throttle.ShareOf(cap))
        : TimeSpan.Zero;

    /// <summary>When a message to this domain may go: now, or the domain's next free slot. Takes nothing.</summary>
    public DateTime NextSlot(string domain)
    {
        lock (gate)
        {
            return domains.TryGetValue(domain, out var pace) ? pace.NextAt : DateTime.MinValue;
        }
    }

    /// <summary>A message to this domain leaves now: the next one waits one spacing.</summary>
    public void Take(string domain)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var cap = CapSpacing;
        lock (gate)
        {
            var pace = domains.GetValueOrDefault(domain) ?? new Pace(cap, DateTime.MinValue);
            if (pace.Spacing <= TimeSpan.Zero && cap <= TimeSpan.Zero)
            {
                domains.Remove(domain);   // an unpaced domain leaves no state behind
                return;
            }

            domains[domain] = pace with { NextAt = Later(pace.NextAt, now) + pace.Spacing };
        }
    }

    /// <summary>The domain accepted a message: its spacing halves, back towards the cap.</summary>
    public void Accepted(string domain)
    {
        var cap = CapSpacing;
        lock (gate)
        {
            if (domains.TryGetValue(domain, out var pace) && pace.Spacing > cap)
            {
                var halved = pace.Spacing / 2;
                domains[domain] = pace with { Spacing = halved < FirstSlowdown ? cap : halved };
            }
        }
    }

    /// <summary>The domain said 421 or 451: its messages are spaced twice as far apart from now on.</summary>
    public void SlowDown(string domain)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var cap = CapSpacing;
        lock (gate)
        {
            var pace = domains.GetValueOrDefault(domain) ?? new Pace(cap, DateTime.MinValue);
            var spacing = pace.Spacing * 2;
            spacing = spacing < FirstSlowdown ? FirstSlowdown : spacing > LongestSpacing ? LongestSpacing : spacing;
            domains[domain] = new Pace(spacing, Later(pace.NextAt, now + spacing));
        }
    }

    public static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..];

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;

    private sealed record Pace(TimeSpan Spacing, DateTime NextAt);
}
