using System.Net;
using System.Net.Http.Headers;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Web;

/// <summary>Browsers get styled error pages (404, 410, 500); API clients and /api/ paths keep problem details.</summary>
[Collection(AppCollection.Name)]
public sealed class ErrorPageTests
{
    [Fact]
    public async Task UnknownUrl_BrowserGetsStyled404Page_ApiClientsGetProblemJson()
    {
        await using var app = await TestApp.StartAsync();

        var page = await GetAsync(app, "/no/such/page", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Page not found</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/static/site.css\">", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/\"", html, StringComparison.Ordinal);

        foreach (var (path, accept) in new[] { ("/no/such/page", "application/json"), ("/no/such/page", "application/problem+json"), ("/no/such/page", null), ("/api/no-such-endpoint", "text/html") })
        {
            var problem = await GetAsync(app, path, accept);
            Assert.Equal(HttpStatusCode.NotFound, problem.StatusCode);
            Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"status\":404", await problem.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ServerError_BrowserGetsStyled500Page_ApiClientsGetProblemJson_NeitherShowsTheException()
    {
        await using var app = await TestApp.StartAsync();
        // Every page that reads entries now fails inside the database.
        app.Execute("ALTER TABLE entries RENAME TO entries_moved_away");

        var page = await GetAsync(app, "/", "text/html");
        Assert.Equal(HttpStatusCode.InternalServerError, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Something went wrong on our side</h1>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("entries", html, StringComparison.OrdinalIgnoreCase);

        var problem = await GetAsync(app, "/feed.atom", "application/json");
        Assert.Equal(HttpStatusCode.InternalServerError, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("entries", await problem.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<HttpResponseMessage> GetAsync(TestApp app, string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await app.Client.SendAsync(request);
    }
}
