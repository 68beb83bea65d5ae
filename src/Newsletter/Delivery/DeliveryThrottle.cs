using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Newsletter.Delivery;

/// <summary>
/// The relay's limits in this process: at most <see cref="DeliveryOptions.Connections"/> SMTP
/// connections at once, and one token bucket for messages a second shared by every batch (not one
/// per worker, which would multiply the rate by the worker count).
/// </summary>
public sealed class DeliveryThrottle : IDisposable
{
    private readonly SemaphoreSlim connections;
    private readonly TokenBucketRateLimiter? messages;

    public DeliveryThrottle(IOptions<DeliveryOptions> options)
    {
        var o = options.Value;
        connections = new SemaphoreSlim(o.Connections, o.Connections);
        if (o.MessagesPerSecond > 0)
        {
            var perTick = Math.Max(1, (int)Math.Round(o.MessagesPerSecond / 10));
            messages = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = perTick,
                TokensPerPeriod = perTick,
                ReplenishmentPeriod = TimeSpan.FromSeconds(perTick / o.MessagesPerSecond),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }
    }

    public async Task<IDisposable> ConnectionAsync(CancellationToken cancellationToken)
    {
        await connections.WaitAsync(cancellationToken);
        return new Release(connections);
    }

    public async Task MessageAsync(CancellationToken cancellationToken)
    {
        if (messages is not null)
        {
            using var lease = await messages.AcquireAsync(1, cancellationToken);
        }
    }

    public void Dispose()
    {
        connections.Dispose();
        messages?.Dispose();
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
