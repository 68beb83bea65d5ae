using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Newsletter.Tests.Infrastructure;

/// <summary>
/// A real SMTP server in the test process (the SmtpServer package) on a free loopback port.
/// It keeps every message MailKit delivers, parsed with MimeKit, and can be told to refuse
/// recipients with a given reply code.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> messages = new();
    private readonly SemaphoreSlim arrived = new(0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;

    public TestSmtpServer()
    {
        Port = FreePort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("test-smtp")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new RecipientFilter(this));
        var server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, session) => session.Context.CommandExecuting += (_, command) =>
        {
            if (command.Command is EhloCommand ehlo)
            {
                HeloNames.Enqueue(ehlo.DomainOrAddress);
            }
        };
        running = server.StartAsync(stop.Token);
    }

    public int Port { get; }

    /// <summary>When set, every message is refused with this reply (e.g. 550).</summary>
    public SmtpResponse? RefuseWith { get; set; }

    /// <summary>Addresses refused at RCPT TO with 550, as a relay does for a mailbox that does not exist.</summary>
    public ConcurrentDictionary<string, bool> RefusedRecipients { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When true, every RCPT TO gets "554 5.7.1 Relay access denied": the relay's policy, not the address.</summary>
    public bool DenyRelaying { get; set; }

    /// <summary>The reply to one RCPT TO (the address as given), or null to accept it: any code and text a relay may send.</summary>
    public Func<string, SmtpResponse?>? RecipientReply { get; set; }

    /// <summary>Every RCPT TO, when it came and the code it got, in order.</summary>
    public ConcurrentQueue<(DateTime At, string Address, int Code)> RecipientLog { get; } = new();

    private int temporaryFailuresLeft;

    /// <summary>How many of the next messages get a temporary 451 after DATA.</summary>
    public int TemporaryFailuresLeft
    {
        get => Volatile.Read(ref temporaryFailuresLeft);
        set => Volatile.Write(ref temporaryFailuresLeft, value);
    }

    /// <summary>Every reply of 4xx or 5xx this server gave, to check that a refusal really happened.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    public IReadOnlyList<MimeMessage> Messages => messages.ToArray();

    /// <summary>The names clients announced in EHLO, in order.</summary>
    public ConcurrentQueue<string> HeloNames { get; } = new();

    private readonly ConcurrentDictionary<MimeMessage, byte[]> raw = new(ReferenceEqualityComparer.Instance);

    /// <summary>The message's bytes exactly as they arrived (after the DATA dot-unstuffing), e.g. for a DKIM verifier.</summary>
    public byte[] RawOf(MimeMessage message) => raw[message];

    /// <summary>The envelope sender (MAIL FROM) each message came with, by Message-ID.</summary>
    public ConcurrentDictionary<string, string> EnvelopeSenders { get; } = new();

    public string EnvelopeSenderOf(MimeMessage message) => EnvelopeSenders[message.MessageId ?? ""];

    public IEnumerable<MimeMessage> To(string address) =>
        Messages.Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Waits until a message to <paramref name="address"/> matching <paramref name="subjectContains"/> has arrived.</summary>
    public async Task<MimeMessage> WaitForAsync(string address, string subjectContains, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = To(address).FirstOrDefault(m => m.Subject?.Contains(subjectContains, StringComparison.OrdinalIgnoreCase) == true);
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    $"No message to {address} with '{subjectContains}' in its subject; got: {string.Join("; ", Messages.Select(m => $"{m.To} / {m.Subject}"))}");
            }

            await arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
        arrived.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RecipientFilter(TestSmtpServer server) : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, SmtpServer.Mail.IMailbox to, SmtpServer.Mail.IMailbox from, CancellationToken cancellationToken)
        {
            var address = $"{to.User}@{to.Host}";
            if (server.RecipientReply?.Invoke(address) is { } reply)
            {
                server.RecipientLog.Enqueue((DateTime.UtcNow, address, (int)reply.ReplyCode));
                server.Refusals.Enqueue($"{(int)reply.ReplyCode} at RCPT TO {address}");
                throw new SmtpResponseException(reply);
            }

            server.RecipientLog.Enqueue((DateTime.UtcNow, address, 250));
            if (server.DenyRelaying)
            {
                server.Refusals.Enqueue($"554 at RCPT TO {to.User}@{to.Host}");
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)554, "5.7.1 Relay access denied"));
            }

            var refused = server.RefusedRecipients.ContainsKey($"{to.User}@{to.Host}");
            if (refused)
            {
                server.Refusals.Enqueue($"550 at RCPT TO {to.User}@{to.Host}");
            }

            return Task.FromResult(!refused);
        }
    }

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (server.RefuseWith is { } refusal)
            {
                server.Refusals.Enqueue($"{(int)refusal.ReplyCode} at DATA");
                return refusal;
            }

            if (Interlocked.Decrement(ref server.temporaryFailuresLeft) >= 0)
            {
                server.Refusals.Enqueue("451 at DATA");
                return new SmtpResponse((SmtpReplyCode)451, "4.3.0 Try again later");
            }

            var bytes = buffer.ToArray();
            using var stream = new MemoryStream(bytes);
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            server.raw[message] = bytes;
            server.EnvelopeSenders[message.MessageId ?? ""] = transaction.From is { } from ? $"{from.User}@{from.Host}" : "";
            server.messages.Enqueue(message);
            server.arrived.Release();
            return SmtpResponse.Ok;
        }
    }
}
