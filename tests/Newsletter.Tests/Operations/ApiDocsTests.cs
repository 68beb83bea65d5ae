using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Newsletter.Tests.Browser;
using Newsletter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Newsletter.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class ApiDocsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OpenApiDocument_DescribesEveryApiEndpoint_AndNoPage()
    {
        await using var app = await TestApp.StartAsync(useMailCatcher: true);
        var document = await app.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        // Every route the app maps under /api and /health, with each of its methods.
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw.StartsWith("/health", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: Normalise(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .Distinct().ToList();
        Assert.True(routes.Count >= 14, $"only {routes.Count} API routes found");
        foreach (var (path, method) in routes)
        {
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out _), $"{method.ToUpperInvariant()} {path} is missing from the document");
        }

        Assert.True(paths.TryGetProperty("/metrics", out _));
        foreach (var page in new[] { "/subscribe", "/confirm/{token}", "/preferences/{token}", "/unsubscribe/{token}", "/feedback/{token}", "/dev/mailbox", "/hangfire", "/docs", "/openapi/v1.json" })
        {
            Assert.False(paths.TryGetProperty(page, out _), $"{page} is a page, not API");
        }

        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/hangfire", StringComparison.Ordinal) || p.Name.StartsWith("/dev/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenApiDocument_GivesShapes_Problems_AndTheAdminKeyRequirement()
    {
        await using var app = await TestApp.StartAsync();
        var document = await app.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("AdminKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());

        var subscribe = paths.GetProperty("/api/subscriptions").GetProperty("post");
        Assert.False(subscribe.TryGetProperty("security", out _), "subscribing needs no key");
        Assert.Equal(["202", "400", "415", "429"], subscribe.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order().ToArray());
        Assert.Contains("email", Schema(document, subscribe.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"))
            .GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.True(subscribe.GetProperty("responses").GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));

        foreach (var (path, method, problems) in new[]
        {
            ("/api/topics", "post", new[] { "400", "401", "409" }),
            ("/api/topics/{slug}", "put", ["400", "401", "404"]),
            ("/api/digests/{id}", "get", ["401", "404"]),
            ("/api/digests/{id}/resume", "post", ["401", "409"]),
            ("/api/subscribers", "get", ["400", "401", "404"]),
            ("/api/entries", "post", ["400", "401"]),
            ("/api/bounces/check", "post", ["401", "409", "502"]),
        })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            var requirement = operation.GetProperty("security")[0];
            Assert.True(requirement.TryGetProperty("AdminKey", out _), $"{method} {path} does not require the key");
            var responses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            Assert.All(problems, p => Assert.Contains(p, responses));
        }

        var run = Schema(document, paths.GetProperty("/api/digests/{id}").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Contains("uncertain", run.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.True(paths.GetProperty("/metrics").GetProperty("get").GetProperty("security")[0].TryGetProperty("AdminKey", out _));
        Assert.False(paths.GetProperty("/api/bounces/webhook").GetProperty("post").TryGetProperty("security", out _), "the webhook is signed, not keyed");
    }

    [Fact]
    public async Task DocsPage_InChromium_ShowsTheReference_WithNothingFetchedFromElsewhere()
    {
        await using var app = await TestApp.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var shots = new Screenshots(output);
        foreach (var phone in new[] { false, true })
        {
            await using var context = await chromium.NewContextAsync(app.BaseAddress, phone);
            var page = await context.NewPageAsync();
            var elsewhere = new List<string>();
            var violations = new List<string>();
            page.Request += (_, request) =>
            {
                if (!request.Url.StartsWith(app.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                {
                    elsewhere.Add(request.Url);
                }
            };
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    violations.Add(message.Text);
                }
            };

            await page.GotoAsync("/docs");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            violations.ForEach(v => output.WriteLine("console: " + v));
            elsewhere.ForEach(v => output.WriteLine("elsewhere: " + v));
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Newsletter API" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Subscriptions").First).ToBeAttachedAsync();
            await Assertions.Expect(page.GetByText("The process answers.").First).ToBeAttachedAsync();
            await shots.TakeAsync(page, phone ? "docs-phone" : "docs-desktop");

            Assert.Empty(elsewhere);
            Assert.DoesNotContain(violations, v => v.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Route patterns as the document writes them: no constraints (<c>{id:long}</c> is <c>{id}</c>), no trailing slash.</summary>
    private static string Normalise(string raw)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(raw, @"\{([^}:?]+)[^}]*\}", "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    private static JsonElement Schema(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;
}
