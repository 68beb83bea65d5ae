using System.Collections.Concurrent;
using System.Net;

namespace Newsletter.Admin.Pages;

/// <summary>
/// Slows down guessing the admin key: every wrong key waits <see cref="WrongKeyDelay"/> before its
/// answer, and a client (an IPv4 address or an IPv6 /64) with <see cref="MaxFailures"/> wrong keys in
/// <see cref="Window"/> is refused without the key being checked until the oldest of them ages out.
/// Kept in memory: a restart forgets, which costs a guesser a restart of ours, not a bypass.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan WrongKeyDelay = TimeSpan.FromSeconds(1);
    private const int MaxClients = 10_000;
    private readonly ConcurrentDictionary<string, Queue<DateTime>> failures = new(StringComparer.Ordinal);

    /// <returns>How long the client must wait before trying again, or null when it may try now.</returns>
    public TimeSpan? WaitFor(IPAddress? client)
    {
        if (!failures.TryGetValue(Key(client), out var times))
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        lock (times)
        {
            Prune(times, now);
            return times.Count >= MaxFailures ? times.Peek() + Window - now : null;
        }
    }

    public void RecordFailure(IPAddress? client)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (failures.Count >= MaxClients)
        {
            // A flood of clients: forget those whose failures have all aged out.
            foreach (var (key, old) in failures)
            {
                lock (old)
                {
                    Prune(old, now);
                    if (old.Count == 0)
                    {
                        failures.TryRemove(key, out _);
                    }
                }
            }
        }

        var times = failures.GetOrAdd(Key(client), _ => new Queue<DateTime>());
        lock (times)
        {
            Prune(times, now);
            times.Enqueue(now);
        }
    }

    public void Forget(IPAddress? client) => failures.TryRemove(Key(client), out _);

    private static void Prune(Queue<DateTime> times, DateTime now)
    {
        while (times.Count > 0 && now - times.Peek() >= Window)
        {
            times.Dequeue();
        }
    }

    private static string Key(IPAddress? client) => Web.SubscriptionRateLimits.ClientKey(client);
}
