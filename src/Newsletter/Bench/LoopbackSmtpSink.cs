using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Newsletter.Bench;

/// <summary>
/// A minimal SMTP sink on loopback for the bench: answers every command with success and discards
/// message bodies, counting them. It does as little as an SMTP server can, so the bench measures
/// our sending, not the receiver (the in-process SmtpServer package answers in ~40 ms a message).
/// </summary>
public sealed class LoopbackSmtpSink : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private long messages;

    public LoopbackSmtpSink()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public long Messages => Interlocked.Read(ref messages);

    private async Task AcceptAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                client.NoDelay = true;
                _ = Task.Run(() => ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 bench-sink ESMTP");
                string? line;
                while ((line = await reader.ReadLineAsync(stop.Token)) is not null)
                {
                    var command = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                    switch (command)
                    {
                        case "EHLO":
                            await writer.WriteAsync("250-bench-sink\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 go ahead");
                            while ((line = await reader.ReadLineAsync(stop.Token)) is not null && line != ".")
                            {
                            }

                            Interlocked.Increment(ref messages);
                            await writer.WriteLineAsync("250 2.0.0 queued");
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 bye");
                            return;
                        default:
                            await writer.WriteLineAsync("250 ok");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The sender closed the connection.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}
