using System.Net;
using System.Net.Http.Json;
using System.Text;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Web;

[Collection(AppCollection.Name)]
public sealed class SecurityTests
{
    public static TheoryData<string, string> AdminEndpoints => new()
    {
        { "GET", "/api/subscribers?email=someone@example.org" },
        { "POST", "/api/topics" },
        { "PUT", "/api/topics/code-models" },
        { "DELETE", "/api/topics/code-models" },
        { "GET", "/hangfire" },
        { "GET", "/hangfire/jobs/enqueued" },
    };

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task AdminEndpoints_WithoutTheKey_Answer401(string method, string path)
    {
        await using var app = await TestApp.StartAsync();
        var body = new StringContent("{\"slug\":\"x\",\"name\":\"X\",\"description\":\"d\"}", Encoding.UTF8, "application/json");

        var none = await app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "GET" or "DELETE" ? null : body });
        var wrong = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "GET" or "DELETE" ? null : body };
        wrong.Headers.Add("X-Api-Key", TestApp.AdminKey + "x");
        var wrongKey = await app.Client.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        var topics = await app.Client.GetStringAsync("/api/topics");
        Assert.Contains("\"code-models\"", topics, StringComparison.Ordinal);
        Assert.DoesNotContain("\"x\"", topics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangfireDashboard_WithTheKey_InHeaderOrBasicAuth_Opens()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.AdminClient().GetAsync("/hangfire")).StatusCode);

        var basic = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        basic.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{TestApp.AdminKey}")));
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(basic)).StatusCode);

        var prompt = await app.Client.GetAsync("/hangfire");
        Assert.Contains("Basic", prompt.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopicsAdminApi_CreatesEditsAndArchives_AndTheFormFollows()
    {
        await using var app = await TestApp.StartAsync();
        var admin = app.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/topics", new { slug = "graph-learning", name = "Graph learning", description = "GNNs and friends.", keywords = new[] { "gnn" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/topics", new { slug = "graph-learning", name = "Again", description = "d" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/topics/graph-learning", new { name = "Graph neural networks", description = "GNNs." })).StatusCode);
        Assert.Contains("Graph neural networks", await app.Client.GetStringAsync("/subscribe"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/topics/graph-learning")).StatusCode);
        Assert.DoesNotContain("graph-learning", await app.Client.GetStringAsync("/api/topics"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.SubscribeAsync("g@example.org", ["graph-learning"])).StatusCode);
    }

    [Fact]
    public async Task Pages_SendSecurityHeaders_ThatForbidFramingAndReferrers()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Client.GetAsync("/subscribe");

        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Logs_NeverContainLinkTokensOrTheAdminKey()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("quiet@example.org", ["code-models"]);
        var unsubscribe = new Uri(TestApp.LinkIn(welcome, "/unsubscribe/")).AbsolutePath;
        var preferences = new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath;
        (await app.Client.GetAsync(preferences)).EnsureSuccessStatusCode();
        (await app.Client.PostAsync(unsubscribe, new FormUrlEncodedContent([]))).EnsureSuccessStatusCode();
        await app.Client.GetAsync("/confirm/not-a-real-token");

        var confirmToken = TestApp.LinkIn(app.Smtp!.To("quiet@example.org").First(), "/confirm/").Split('/')[^1];
        var tokens = new[] { confirmToken, unsubscribe.Split('/')[^1], preferences.Split('/')[^1], TestApp.AdminKey };
        Assert.NotEmpty(app.Logs);
        foreach (var line in app.Logs)
        {
            foreach (var secret in tokens)
            {
                Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Subscriptions_FloodFromOneClient_Answers429WithRetryAfter()
    {
        await using var app = await TestApp.StartAsync(new() { ["RateLimiting:SubscriptionsPerClientPerMinute"] = "5" });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 8; i++)
        {
            last = await app.SubscribeAsync($"flood{i}@example.org");
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.NotNull(last!.Headers.RetryAfter);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType!.MediaType);
        Assert.Equal(5, app.CountRows("subscribers"));
    }

    [Fact]
    public async Task ConfirmationsToOneAddress_AreLimitedPerHour_AndTheRefusedRequestStoresNothing()
    {
        await using var app = await TestApp.StartAsync(new() { ["RateLimiting:ConfirmationsPerAddressPerHour"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await app.SubscribeAsync("target@example.org")).StatusCode);
        }

        var refused = await app.SubscribeAsync("target@example.org");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter!.Delta > TimeSpan.FromMinutes(50));
        Assert.Equal(3, app.CountRows("subscription_requests"));
        Assert.Equal(3, app.CountRows("address_mail_log"));

        // Another address from the same client is not affected.
        Assert.Equal(HttpStatusCode.Accepted, (await app.SubscribeAsync("other@example.org")).StatusCode);
        await Newsletter.Tests.Subscriptions.LifecycleTests.WaitUntilAsync(() => app.Smtp!.To("target@example.org").Count() == 3);
    }
}
