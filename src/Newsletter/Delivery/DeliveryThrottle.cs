using Hangfire;
using Microsoft.Extensions.Options;

namespace Newsletter.Delivery;

/// <summary>
/// The relay's limits, shared by every process on the database: <see cref="DeliveryOptions.Connections"/>
/// SMTP connections and <see cref="DeliveryOptions.MessagesPerSecond"/> in all. Each process takes an
/// equal share (at least one connection), counting the live delivery servers in Hangfire's storage every
/// 30 seconds; within a process, one pacing clock is shared by every batch, not one per worker.
/// A process that joins or leaves changes the shares within half a minute.
/// </summary>
public sealed class DeliveryThrottle(IOptions<DeliveryOptions> options, JobStorage storage, TimeProvider clock, ILogger<DeliveryThrottle> logger)
{
    private static readonly TimeSpan Recount = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AliveWithin = TimeSpan.FromMinutes(1);
    private readonly DeliveryOptions delivery = options.Value;
    private readonly Lock gate = new();
    private int servers = 1;
    private DateTime countedAt = DateTime.MinValue;
    private int openConnections;
    private DateTime nextMessageAt = DateTime.MinValue;

    /// <summary>This process's share of the rate, in messages a second; 0 for no limit.</summary>
    public double MessagesPerSecond => ShareOf(delivery.MessagesPerSecond);

    /// <summary>This process's share of a rate that holds across all processes.</summary>
    public double ShareOf(double rate) => rate / Servers();

    /// <summary>This process's share of the connections.</summary>
    public int Connections => Math.Max(1, delivery.Connections / Servers());

    public async Task<IDisposable> ConnectionAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (gate)
            {
                if (openConnections < Connections)
                {
                    openConnections++;
                    return new Release(this);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>Waits for this message's turn: messages leave evenly spaced at this process's share of the rate.</summary>
    public async Task MessageAsync(CancellationToken cancellationToken)
    {
        var rate = MessagesPerSecond;
        if (rate <= 0)
        {
            return;
        }

        TimeSpan wait;
        lock (gate)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var at = nextMessageAt > now ? nextMessageAt : now;
            nextMessageAt = at + TimeSpan.FromSeconds(1 / rate);
            wait = at - now;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }
    }

    private int Servers()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        lock (gate)
        {
            if (now - countedAt < Recount)
            {
                return servers;
            }

            countedAt = now;
        }

        try
        {
            var alive = storage.GetMonitoringApi().Servers()
                .Count(s => s.Queues.Contains(DeliveryBatchJob.DeliveryQueue) && s.Heartbeat is { } beat && now - beat < AliveWithin);
            lock (gate)
            {
                servers = Math.Max(1, alive);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Could not count the delivery servers; keeping the share of {Servers}", servers);
        }

        return servers;
    }

    private sealed class Release(DeliveryThrottle throttle) : IDisposable
    {
        public void Dispose()
        {
            lock (throttle.gate)
            {
                throttle.openConnections--;
            }
        }
    }
}
