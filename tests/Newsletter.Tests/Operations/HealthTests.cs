using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class HealthTests
{
    [Fact]
    public async Task Ready_ReportsTheDatabase_ThisProcesssJobServer_AndTheRelay()
    {
        await using var app = await TestApp.StartAsync();

        var ready = await WaitForAsync(app, r => r.GetProperty("jobServer").GetString() == "running");

        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("ok", ready.GetProperty("database").GetString());
        Assert.True(ready.GetProperty("jobServers").GetInt32() >= 1);
        Assert.Equal("reachable", ready.GetProperty("smtp").GetString());
        var live = await app.Client.GetFromJsonAsync<JsonElement>("/health/live");
        Assert.Equal("live", live.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_ChecksTheRelay_OnceForManyProbes()
    {
        await using var app = await TestApp.StartAsync();

        for (var i = 0; i < 10; i++)
        {
            (await app.Client.GetAsync("/health/ready")).EnsureSuccessStatusCode();
        }

        // One EHLO from the check, none from sending (nothing was sent).
        Assert.Single(app.Smtp!.HeloNames);
    }

    [Fact]
    public async Task Ready_WithTheRelayDown_SaysSo_AndStaysReady()
    {
        using var closed = new TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now
        await using var app = await TestApp.StartAsync(new() { ["Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var response = await app.Client.GetAsync("/health/ready");
        var ready = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("unreachable", ready.GetProperty("smtp").GetString());
        Assert.False(string.IsNullOrEmpty(ready.GetProperty("smtpError").GetString()));
    }

    [Fact]
    public async Task Ready_OnAWebOnlyProcess_DoesNotNeedAJobServer()
    {
        await using var app = await TestApp.StartAsync(new() { ["Jobs:Server"] = "false" });

        var response = await app.Client.GetAsync("/health/ready");
        var ready = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("off", ready.GetProperty("jobServer").GetString());
    }

    private static async Task<JsonElement> WaitForAsync(TestApp app, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var ready = await (await app.Client.GetAsync("/health/ready")).Content.ReadFromJsonAsync<JsonElement>();
            if (condition(ready) || DateTime.UtcNow > deadline)
            {
                return ready;
            }

            await Task.Delay(200);
        }
    }
}
