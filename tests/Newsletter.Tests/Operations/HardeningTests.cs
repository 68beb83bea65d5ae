using System.Net;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class HardeningTests
{
    [Fact]
    public async Task AntiforgeryCookie_IsSecure_UnderHttps_AndTheFormStillWorksOverPlainHttp()
    {
        Environment.SetEnvironmentVariable("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true");
        TestApp app;
        try
        {
            app = await TestApp.StartAsync(new() { ["Newsletter:PublicBaseUrl"] = "https://digest.example.org" });
        }
        finally
        {
            Environment.SetEnvironmentVariable("ASPNETCORE_FORWARDEDHEADERS_ENABLED", null);
        }

        await using (app)
        {
            var plain = (await app.Client.GetAsync("/subscribe")).Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("newsletter-antiforgery", StringComparison.Ordinal));
            Assert.DoesNotContain("secure", plain, StringComparison.OrdinalIgnoreCase);

            // Through a proxy on this machine that terminated TLS: the request was https, so the cookie is Secure.
            var viaTls = new HttpRequestMessage(HttpMethod.Get, "/subscribe");
            viaTls.Headers.Add("X-Forwarded-For", "198.51.100.7");
            viaTls.Headers.Add("X-Forwarded-Proto", "https");
            var secure = (await app.Client.SendAsync(viaTls)).Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("newsletter-antiforgery", StringComparison.Ordinal));
            Assert.Contains("secure", secure, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", secure, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Responses_CarryNoServerBanner()
    {
        await using var app = await TestApp.StartAsync();

        foreach (var path in new[] { "/subscribe", "/api/topics", "/health/live", "/no-such-page" })
        {
            var response = await app.Client.GetAsync(path);
            Assert.False(response.Headers.Contains("Server"), $"{path} sent Server: {string.Join(",", response.Headers.Server)}");
        }

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/health/live")).StatusCode);
    }
}
