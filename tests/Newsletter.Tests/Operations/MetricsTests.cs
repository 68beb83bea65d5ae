using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_NeedTheAdminKey_AsXApiKeyOrBearer()
    {
        await using var app = await TestApp.StartAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.GetAsync("/metrics")).StatusCode);
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrong.Headers.Authorization = new("Bearer", TestApp.AdminKey + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.SendAsync(wrong)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await app.AdminClient().GetAsync("/metrics")).StatusCode);
        var bearer = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        bearer.Headers.Authorization = new("Bearer", TestApp.AdminKey);
        var scraped = await app.Client.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_CountSubscribeRequests_Sends_Failures_Bounces_AndRunDurations()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("counted@example.org");
        await app.SubscribeAndConfirmAsync("gone@example.org");
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        app.Smtp!.RefusedRecipients["gone@example.org"] = true;

        await DigestDeliveryTests.RunAsync(app);
        var metrics = await ScrapeAsync(app);

        Assert.Equal(2, Sum(metrics, "newsletter_subscribe_requests_total"));
        Assert.Equal(1, Sum(metrics, "newsletter_messages_sent_total"));
        Assert.Equal(1, Sum(metrics, "newsletter_messages_failed_total"));
        Assert.Equal(1, Sum(metrics, "newsletter_messages_bounced_total"));
        Assert.Equal(0, Sum(metrics, "newsletter_messages_uncertain_total"));
        Assert.Equal(1, Sum(metrics, "newsletter_digest_run_duration_seconds_count"));
    }

    [Fact]
    public async Task Metrics_ShowQueueDepth_OfJobsWaitingForAWorker()
    {
        await using var app = await TestApp.StartAsync(new() { ["Jobs:Server"] = "false" });
        await app.SubscribeAsync("waiting@example.org"); // its confirmation job waits: no job server here

        var metrics = await ScrapeAsync(app);

        Assert.True(Sum(metrics, "newsletter_jobs_enqueued") >= 1, metrics);
        Assert.Matches(new Regex(@"^newsletter_jobs_enqueued\{[^}]*queue=""", RegexOptions.Multiline), metrics);
    }

    private static async Task<string> ScrapeAsync(TestApp app) => await app.AdminClient().GetStringAsync("/metrics");

    /// <summary>The sum of every sample of a series (over its labels); 0 when it has none.</summary>
    private static double Sum(string metrics, string series) =>
        Regex.Matches(metrics, $@"^{Regex.Escape(series)}(\{{[^}}]*\}})? (\S+)", RegexOptions.Multiline)
            .Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
}
