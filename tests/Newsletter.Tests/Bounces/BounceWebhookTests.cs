using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Bounces;

[Collection(AppCollection.Name)]
public sealed class BounceWebhookTests
{
    private const string Secret = "webhook-secret-0123456789abcdef0123456789";

    [Fact]
    public async Task SignedEvents_BounceAndComplain_WhileABadSignatureOrAStaleTimestampChangesNothing()
    {
        await using var app = await TestApp.StartAsync(new() { ["Bounces:WebhookSecret"] = Secret });
        await app.SubscribeAndConfirmAsync("hard@example.org");
        await app.SubscribeAndConfirmAsync("spam@example.org");
        const string body = """{"events": [{"id": "e1", "type": "bounce", "email": "hard@example.org", "status": "5.1.1"}, {"id": "e2", "type": "complaint", "email": "spam@example.org"}, {"id": "e3", "type": "bounce", "email": "stranger@example.org"}]}""";

        var forged = await PostAsync(app, body, DateTimeOffset.UtcNow, "another-secret-0123456789abcdef0123456789");
        var stale = await PostAsync(app, body, DateTimeOffset.UtcNow.AddMinutes(-10), Secret);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (forged.StatusCode, stale.StatusCode));
        Assert.Equal(("active", "active"), (await app.StatusOfAsync("hard@example.org"), await app.StatusOfAsync("spam@example.org")));

        var accepted = await PostAsync(app, body, DateTimeOffset.UtcNow, Secret);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("""{"processed":2,"bounced":1,"softBounced":0,"complained":1,"unsubscribed":0,"ignored":1}""",
            (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetRawText());
        Assert.Equal(("bounced", "complained"), (await app.StatusOfAsync("hard@example.org"), await app.StatusOfAsync("spam@example.org")));
    }

    [Fact]
    public async Task AnEventOfUnknownType_Is400NamingTheField_AndWithoutASecretTheWebhookIsOff()
    {
        await using (var off = await TestApp.StartAsync())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(off, """{"events": []}""", DateTimeOffset.UtcNow, Secret)).StatusCode);
        }

        await using var app = await TestApp.StartAsync(new() { ["Bounces:WebhookSecret"] = Secret });
        var response = await PostAsync(app, """{"events": [{"type": "explode", "email": "a@example.org"}]}""", DateTimeOffset.UtcNow, Secret);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("events[0].type", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostAsync(TestApp app, string body, DateTimeOffset at, string secret)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bounces/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Webhook-Timestamp", timestamp);
        request.Headers.Add("X-Webhook-Signature", $"sha256={signature}");
        return await app.Client.SendAsync(request);
    }
}
