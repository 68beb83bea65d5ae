using System.Net;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Operations;

/// <summary>
/// Forwarded headers switched on as deploy/newsletter.env.example does
/// (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>), with Kestrel on this machine's own
/// non-loopback address so the tests' client really is "someone else": a client that reaches the
/// port directly and sends <c>X-Forwarded-For: 127.0.0.1</c> is not believed.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ProxyTrustTests
{
    [Fact]
    public async Task DirectClient_ClaimingLoopback_NeitherReadsTheMailbox_NorFakesItsAddress_NorDodgesTheLimit()
    {
        var (address, trusted) = OwnAddress();
        await using var app = await StartBehindProxiesAsync(address, new()
        {
            ["RateLimiting:SubscriptionsPerClientPerMinute"] = "2",
            ["ForwardedHeaders:KnownProxies"] = trusted,
        });

        var mailbox = await SendAsync(app, HttpMethod.Get, "/dev/mailbox", forwardedFor: "127.0.0.1");
        Assert.Equal(HttpStatusCode.Forbidden, mailbox.StatusCode);

        var statuses = new List<HttpStatusCode>();
        foreach (var (email, claimed) in new[] { ("one@example.org", "127.0.0.1"), ("two@example.org", "203.0.113.1"), ("three@example.org", "203.0.113.2") })
        {
            statuses.Add((await SendAsync(app, HttpMethod.Post, "/api/subscriptions", claimed, JsonContent.Create(new { email }))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(address.ToString(), await ConsentIpAsync(app, "one@example.org"));
        Assert.Equal(address.ToString(), await ConsentIpAsync(app, "two@example.org"));
    }

    [Fact]
    public async Task ConfiguredProxy_IsBelieved_ButTheMailboxStillJudgesTheSocket()
    {
        var (address, _) = OwnAddress();
        await using var app = await StartBehindProxiesAsync(address, new() { ["ForwardedHeaders:KnownProxies"] = address.ToString() });

        Assert.Equal(HttpStatusCode.Accepted,
            (await SendAsync(app, HttpMethod.Post, "/api/subscriptions", "203.0.113.9", JsonContent.Create(new { email = "proxied@example.org" }))).StatusCode);
        Assert.Equal("203.0.113.9", await ConsentIpAsync(app, "proxied@example.org"));

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(app, HttpMethod.Get, "/dev/mailbox", forwardedFor: "127.0.0.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.AdminClient().GetAsync("/dev/mailbox")).StatusCode);
    }

    [Fact]
    public async Task Mailbox_OpensToADirectLoopbackBrowser_NotToOneThroughALocalProxy()
    {
        await using var app = await StartBehindProxiesAsync(IPAddress.Loopback, []);

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/dev/mailbox")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(app, HttpMethod.Get, "/dev/mailbox", forwardedFor: "198.51.100.4")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(app, HttpMethod.Get, "/dev/mailbox", forwardedFor: "127.0.0.1")).StatusCode);
    }

    [Fact]
    public async Task BadProxySetting_FailsTheStart_NamingTheKey()
    {
        var error = await Assert.ThrowsAsync<Newsletter.Configuration.ConfigurationException>(() =>
            TestApp.StartAsync(new() { ["ForwardedHeaders:KnownNetworks"] = "10.0.0.0/99" }));
        Assert.Contains("ForwardedHeaders:KnownNetworks", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// This machine's first non-loopback IPv4 address, and the proxy list that trusts only loopback.
    /// Without one, Kestrel stays on loopback and the trusted proxy is an address that is not ours,
    /// which leaves the loopback client as untrusted as a stranger.
    /// </summary>
    private static (IPAddress Address, string TrustedProxies) OwnAddress()
    {
        var own = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return own is null ? (IPAddress.Loopback, "192.0.2.254") : (own, "127.0.0.1,::1");
    }

    /// <summary>The app with the host's own switch on, as the env example sets it (read from the environment at build time).</summary>
    private static async Task<TestApp> StartBehindProxiesAsync(IPAddress listen, Dictionary<string, string?> overrides)
    {
        overrides["urls"] = $"http://{listen}:0";
        Environment.SetEnvironmentVariable("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true");
        try
        {
            return await TestApp.StartAsync(overrides, useMailCatcher: true);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ASPNETCORE_FORWARDEDHEADERS_ENABLED", null);
        }
    }

    private static Task<HttpResponseMessage> SendAsync(TestApp app, HttpMethod method, string path, string forwardedFor, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return app.Client.SendAsync(request);
    }

    private static async Task<string?> ConsentIpAsync(TestApp app, string email)
    {
        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>($"/api/subscribers?email={Uri.EscapeDataString(email)}");
        return subscriber.GetProperty("consent")[0].GetProperty("clientIp").GetString();
    }
}
