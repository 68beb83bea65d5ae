using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.ComponentModel;

namespace Newsletter.Email.MailCatcher;

/// <summary>
/// The built-in mail catcher: a real SMTP server on loopback (the SmtpServer package) that MailKit
/// delivers to when no relay is configured. Each message lands as an <c>.eml</c> file in
/// <c>{data}/mailbox</c>, shown at <c>/dev/mailbox</c>. It does nothing when a relay is configured.
/// </summary>
public sealed class MailCatcherServer : IHostedService, IDisposable
{
    private readonly SmtpOptions smtp;
    private readonly Mailbox mailbox;
    private readonly ILogger<MailCatcherServer> logger;
    private CancellationTokenSource? stopping;
    private Task? running;

    public MailCatcherServer(IOptions<SmtpOptions> options, Mailbox mailbox, ILogger<MailCatcherServer> logger)
    {
        smtp = options.Value;
        this.mailbox = mailbox;
        this.logger = logger;
        // The port is chosen now, not at start, so the sender knows it whichever starts first.
        Port = smtp.UsesMailCatcher ? (smtp.CatcherPort > 0 ? smtp.CatcherPort : FreeLoopbackPort()) : 0;
    }

    public int Port { get; }

    public bool Enabled => smtp.UsesMailCatcher;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return Task.CompletedTask;
        }

        var options = new SmtpServerOptionsBuilder()
            .ServerName("newsletter-mail-catcher")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .MaxMessageSize(25 * 1024 * 1024)
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new MailboxMessageStore(mailbox));
        var server = new SmtpServer.SmtpServer(options, services);
        stopping = new CancellationTokenSource();
        running = server.StartAsync(stopping.Token);
        logger.LogInformation("No Smtp:Host is set: mail goes to the built-in mail catcher on 127.0.0.1:{Port}, shown at /dev/mailbox", Port);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (stopping is null || running is null)
        {
            return;
        }

        await stopping.CancelAsync();
        try
        {
            await running.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Expected: the server ends by cancellation.
        }
    }

    public void Dispose() => stopping?.Dispose();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
