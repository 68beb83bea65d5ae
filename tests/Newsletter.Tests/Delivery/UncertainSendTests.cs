using System.Net;
using System.Net.Sockets;
using System.Text;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Delivery;

[Collection(AppCollection.Name)]
public sealed class UncertainSendTests
{
    [Fact]
    public async Task AConnectionLostAfterTheWholeMessageWasSent_MakesTheDeliveryUncertain_NotRetried()
    {
        await using var relay = new RelayThatHangsUpAfterData();
        await using var app = await TestApp.StartAsync(new()
        {
            ["Smtp:Port"] = relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Delivery:RetryDelays:0"] = "00:00:01",
            ["Hangfire:SchedulePollingInterval"] = "00:00:01",
        });
        app.Execute("INSERT INTO subscribers (email, status, created_at, updated_at, confirmed_at) VALUES ('edge@example.org', 'active', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')");
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);

        var run = await DigestDeliveryTests.RunAsync(app);

        Assert.Equal((1, 0, 0), (run.GetProperty("uncertain").GetInt32(), run.GetProperty("sent").GetInt32(), run.GetProperty("failed").GetInt32()));
        await Task.Delay(2500);
        Assert.Equal(1, relay.MessagesReceived);
    }

    /// <summary>Takes the whole message, then closes the connection instead of answering 250.</summary>
    private sealed class RelayThatHangsUpAfterData : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly Task serving;
        private int received;

        public RelayThatHangsUpAfterData()
        {
            listener.Start();
            serving = ServeAsync();
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public int MessagesReceived => Volatile.Read(ref received);

        private async Task ServeAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII);
                    await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                    await writer.WriteLineAsync("220 hang-up relay");
                    string? line;
                    while ((line = await reader.ReadLineAsync(stop.Token)) is not null)
                    {
                        if (line.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase))
                        {
                            await writer.WriteLineAsync("250 hang-up relay");
                        }
                        else if (line.Equals("DATA", StringComparison.OrdinalIgnoreCase))
                        {
                            await writer.WriteLineAsync("354 go on");
                            while ((line = await reader.ReadLineAsync(stop.Token)) is not null && line != ".")
                            {
                            }

                            Interlocked.Increment(ref received);
                            break; // hang up without a reply
                        }
                        else
                        {
                            await writer.WriteLineAsync("250 ok");
                        }
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            await serving;
            stop.Dispose();
        }
    }
}
