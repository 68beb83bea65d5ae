using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Newsletter.Cli;
using Newsletter.Configuration;
using Newsletter.Tests.Infrastructure;
using Newsletter.Tests.Matching;

namespace Newsletter.Tests.Scale;

/// <summary>Starting on PostgreSQL: faults at start, keys shared by processes, and the process roles.</summary>
[Collection(AppCollection.Name)]
[Trait("Category", "PostgresOnly")]
public sealed class PostgresStartupTests
{
    [Theory]
    [InlineData(null, "ConnectionStrings:Newsletter must be set")]
    [InlineData("Hots=127.0.0.1;Database=x", "ConnectionStrings:Newsletter is not a PostgreSQL connection string")]
    [InlineData("Database=x", "ConnectionStrings:Newsletter must name the PostgreSQL server")]
    public async Task BadConnectionString_FailsAtStart_NamingTheKey(string? connectionString, string expected)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => TestApp.StartAsync(
            new() { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Newsletter"] = connectionString }, postgres: false));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServer_StopsTheStart_WithOneLineNamingTheKey_AndNoStackTrace()
    {
        var closedPort = FreePort();
        var (code, _, error) = await VerbConsole.RunAsync(() => Verbs.RunAsync(
        [
            "--urls", "http://127.0.0.1:0", "--Newsletter:DataDirectory", Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N")),
            "--Database:Provider", "Postgres", "--ConnectionStrings:Newsletter", $"Host=127.0.0.1;Port={closedPort};Database=newsletter;Username=u;Password=secret-password;Timeout=3",
        ]));

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("ConnectionStrings:Newsletter", line, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closedPort}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-password", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsetKeys_LiveInTheDatabase_AndEveryProcessSharesThem()
    {
        await using var first = await TestApp.StartAsync(new() { ["Admin:ApiKey"] = null }, postgres: true);
        var adminKey = first.Database.Scalar<string>("SELECT value FROM settings WHERE key = 'admin-key'");
        Assert.False(string.IsNullOrEmpty(adminKey));
        Assert.False(File.Exists(Path.Combine(first.DataDirectory, "admin-key")), "on PostgreSQL the key is not a file of one machine");
        await first.SubscribeAsync("shared@example.org");
        var link = new Uri(TestApp.LinkIn(await first.Smtp!.WaitForAsync("shared@example.org", "Confirm"), "/confirm/")).AbsolutePath;

        // A second process, with a data directory of its own, as on another machine.
        await using var second = await TestApp.StartPeerAsync(first, ProcessRole.Serve, new() { ["Admin:ApiKey"] = null });
        (await second.Client.PostAsync(link, null)).EnsureSuccessStatusCode();
        using var admin = second.NewClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        var subscriber = await admin.GetFromJsonAsync<JsonElement>("/api/subscribers?email=shared@example.org");
        Assert.Equal("active", subscriber.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AProcessWithADifferentSigningKeyThanALivePeer_RefusesToStart()
    {
        await using var first = await TestApp.StartAsync(new() { ["Newsletter:SigningKey"] = Key(1) }, postgres: true);

        var error = await Assert.ThrowsAsync<ConfigurationException>(() =>
            TestApp.StartPeerAsync(first, ProcessRole.Serve, new() { ["Newsletter:SigningKey"] = Key(2) }));
        Assert.Contains("Newsletter:SigningKey: another process on this database uses a different key", error.Message, StringComparison.Ordinal);

        await using var same = await TestApp.StartPeerAsync(first, ProcessRole.Worker, new() { ["Newsletter:SigningKey"] = Key(1) });
    }

    [Fact]
    public async Task AFormServedByOneWebProcess_IsAcceptedByAnother_ThroughTheSharedKeyRing()
    {
        await using var first = await TestApp.StartAsync(postgres: true);
        await using var second = await TestApp.StartPeerAsync(first, ProcessRole.Serve);
        using var served = await first.Client.GetAsync("/subscribe");
        var form = await served.Content.ReadAsStringAsync();
        var cookie = string.Join("; ", served.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

        using var post = new HttpRequestMessage(HttpMethod.Post, "/subscribe")
        {
            Content = new FormUrlEncodedContent([new("__antiforgery", TestApp.AntiforgeryToken(form)), new("email", "roaming@example.org")]),
        };
        post.Headers.Add("Cookie", cookie);
        post.Headers.Add("Accept", "text/html");
        var answer = await second.Client.SendAsync(post);

        Assert.True(answer.IsSuccessStatusCode || answer.StatusCode == HttpStatusCode.SeeOther, $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        await first.Smtp!.WaitForAsync("roaming@example.org", "Confirm");
    }

    [Fact]
    public async Task WebOnlyProcess_LeavesJobsToAWorker_WhichServesHealthOnly()
    {
        await using var web = await TestApp.StartAsync(new() { ["Jobs:Server"] = "false" }, postgres: true);
        await web.SubscribeAsync("roles@example.org");
        await Task.Delay(1500);
        Assert.Empty(web.Smtp!.Messages);   // no job server: the confirmation waits in the queue

        await using var worker = await TestApp.StartPeerAsync(web, ProcessRole.Worker);
        await web.Smtp.WaitForAsync("roles@example.org", "Confirm");

        Assert.Equal(HttpStatusCode.NotFound, (await worker.Client.GetAsync("/subscribe")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.Client.PostAsJsonAsync("/api/subscriptions", new { email = "x@example.org" })).StatusCode);
        var ready = await worker.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("running", ready.GetProperty("jobServer").GetString());
        var webReady = await web.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("off", webReady.GetProperty("jobServer").GetString());
    }

    private static string Key(byte fill) => Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray());

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
