using System.Net.Sockets;
using System.Text;
using Newsletter.Email;

namespace Newsletter.Operations;

/// <summary>
/// Whether the SMTP relay answers: a TCP connect, its 220 greeting, EHLO and QUIT, with a short
/// timeout. Cached for <see cref="CacheFor"/> and shared by concurrent probes, so a load balancer
/// polling /health/ready every second does not open a relay connection every second.
/// On TLS-on-connect (port 465) the TCP connect alone is the check: the greeting comes after TLS.
/// </summary>
public sealed class SmtpReachability(SmtpOptions smtp, TimeProvider clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly Lock gate = new();
    private Task<SmtpCheck>? current;
    private DateTimeOffset checkedAt = DateTimeOffset.MinValue;

    public Task<SmtpCheck> CheckAsync()
    {
        if (smtp.UsesMailCatcher)
        {
            return Task.FromResult(new SmtpCheck("catcher", null));
        }

        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (current is null || (current.IsCompleted && now - checkedAt > CacheFor))
            {
                checkedAt = now;
                current = ProbeAsync();
            }

            return current;
        }
    }

    private async Task<SmtpCheck> ProbeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(smtp.Host!, smtp.Port, timeout.Token);
            if (smtp.Security == SmtpSecurity.SslOnConnect || (smtp.Security == SmtpSecurity.Auto && smtp.Port == 465))
            {
                return new SmtpCheck("reachable", null);
            }

            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var greeting = await ReplyAsync(reader, timeout.Token);
            if (!greeting.StartsWith("220", StringComparison.Ordinal))
            {
                return new SmtpCheck("unreachable", $"greeting: {greeting}");
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes($"EHLO {Environment.MachineName}\r\n"), timeout.Token);
            var ehlo = await ReplyAsync(reader, timeout.Token);
            await stream.WriteAsync("QUIT\r\n"u8.ToArray(), timeout.Token);
            return ehlo.StartsWith("250", StringComparison.Ordinal) ? new SmtpCheck("reachable", null) : new SmtpCheck("unreachable", $"EHLO: {ehlo}");
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return new SmtpCheck("unreachable", e is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : e.Message);
        }
    }

    /// <summary>The last line of a (possibly multi-line) reply: "250-..." lines continue, "250 ..." ends it.</summary>
    private static async Task<string> ReplyAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("the relay closed the connection");
            if (line.Length < 4 || line[3] != '-')
            {
                return line.Length > 120 ? line[..120] : line;
            }
        }
    }
}

/// <param name="State"><c>reachable</c>, <c>unreachable</c>, or <c>catcher</c> (no relay: the built-in mail catcher).</param>
public sealed record SmtpCheck(string State, string? Error);
