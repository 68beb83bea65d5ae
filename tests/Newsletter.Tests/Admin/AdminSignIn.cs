using System.Net;
using System.Text.RegularExpressions;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Admin;

/// <summary>A browser-like client of the admin pages: keeps cookies, posts forms with their antiforgery token.</summary>
internal sealed class AdminSignIn(TestApp app, HttpClient client)
{
    public HttpClient Client { get; } = client;

    public static async Task<AdminSignIn> StartAsync(TestApp app, string key = TestApp.AdminKey)
    {
        var session = new AdminSignIn(app, app.NewClient(cookies: true));
        var answer = await session.PostFormAsync("/admin/login", "/admin/login", new() { ["key"] = key });
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        return session;
    }

    public async Task<string> GetPageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await Client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"GET {path}: {(int)response.StatusCode}\n{html}");
        return html;
    }

    /// <summary>Loads <paramref name="formPage"/> for its token, then posts <paramref name="fields"/> to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, Dictionary<string, string> fields)
    {
        var html = await (await Client.GetAsync(formPage)).Content.ReadAsStringAsync();
        var token = TestApp.AntiforgeryToken(html);
        Assert.False(string.IsNullOrEmpty(token), $"No antiforgery token on {formPage}:\n{html}");
        fields["__antiforgery"] = token;
        return await Client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>The subscriber ids and addresses listed on a page of /admin/subscribers, in order.</summary>
    public static List<(long Id, string Email)> ListedSubscribers(string html) =>
        Regex.Matches(html, "<a href=\"/admin/subscribers/(\\d+)\">([^<]+)</a>")
            .Select(m => (long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), WebUtility.HtmlDecode(m.Groups[2].Value)))
            .ToList();

    /// <summary>The href of the link with the given rel (the pager's prev/next), decoded.</summary>
    public static string? Link(string html, string rel) =>
        Regex.Match(html, $"<a rel=\"{rel}\" href=\"([^\"]+)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    public TestApp App { get; } = app;
}
