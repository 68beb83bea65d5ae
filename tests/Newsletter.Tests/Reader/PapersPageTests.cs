using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Newsletter.Tests.Infrastructure;
using static Newsletter.Tests.Reader.ReaderTestData;

namespace Newsletter.Tests.Reader;

/// <summary><c>GET /</c>: the reader's papers page, with its topic and day filters and the subscribe box.</summary>
[Collection(AppCollection.Name)]
public sealed partial class PapersPageTests
{
    [Fact]
    public async Task Home_ShowsTheNewestThreeDaysGroupedByDay_MostUpvotedFirst_WithTrendingChipsAndSubscribeBox()
    {
        await using var app = await TestApp.StartAsync();
        await PostAsync(app, FourDays);

        var (status, html) = await PageAsync(app, "/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([Iso(0), Iso(1), Iso(2)], DayHeadings(html));
        // Within a day the most upvoted comes first.
        Assert.True(html.IndexOf("Today on long context, many votes", StringComparison.Ordinal) < html.IndexOf("Today on code, few votes", StringComparison.Ordinal));
        Assert.DoesNotContain("Five days ago on code", Days(html), StringComparison.Ordinal);
        // Trending: the week by upvotes, the five-day-old paper first.
        Assert.Equal(["Five days ago on code", "Today on long context, many votes", "Two days ago on long context", "Yesterday on code", "Today on code, few votes"], TrendingTitles(html));
        Assert.Contains("<a href=\"https://papers.example.org/test/t-3\">Yesterday on code</a>", html, StringComparison.Ordinal);
        Assert.Contains("Ada Example, Bo Sample", html, StringComparison.Ordinal);
        Assert.Contains("An abstract for Yesterday on code.", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"chip small\" href=\"/?topic=evaluation-benchmarks\">Evaluation and benchmarks</a>", html, StringComparison.Ordinal);
        // The subscribe box comes before the papers and posts to the form's endpoint with its antiforgery token.
        Assert.True(html.IndexOf("action=\"/subscribe\"", StringComparison.Ordinal) < html.IndexOf("class=\"day\"", StringComparison.Ordinal));
        Assert.NotEmpty(TestApp.AntiforgeryToken(html));
        Assert.Contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"All papers (Atom)\" href=\"/feed.atom\">", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/?day={Iso(5)}\" rel=\"prev\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_AndFeed_LeaveOutEntriesTheOperatorHid()
    {
        await using var app = await TestApp.StartAsync();
        await PostAsync(app, FourDays);
        app.Execute("UPDATE entries SET hidden_at = arrived_at WHERE title = 'Yesterday on code'");

        var (_, html) = await PageAsync(app, "/");
        var feed = await app.Client.GetStringAsync("/feed.atom");

        Assert.Contains("Today on code, few votes", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Yesterday on code", html, StringComparison.Ordinal);
        Assert.Contains("Today on code, few votes", feed, StringComparison.Ordinal);
        Assert.DoesNotContain("Yesterday on code", feed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_LabelsTheInventedSampleEntries_AndOnlyThem()
    {
        await using var app = await TestApp.StartAsync();
        await PostAsync(app, FourDays);
        app.Execute("UPDATE entries SET source = 'sample' WHERE title = 'Yesterday on code'");

        var (_, html) = await PageAsync(app, "/");

        Assert.Single(Regex.Matches(html, "<span class=\"sample-label\""));
        Assert.Matches("Yesterday on code</a> <span class=\"sample-label\"", html);
    }

    [Fact]
    public async Task Home_TopicFilter_ShowsOnlyThatTopicsEntries_AndItsFeed_UnknownTopicIs404Page()
    {
        await using var app = await TestApp.StartAsync();
        await PostAsync(app, FourDays);

        var (status, html) = await PageAsync(app, "/?topic=long-context");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Today on long context, many votes", html, StringComparison.Ordinal);
        Assert.Contains("Two days ago on long context", html, StringComparison.Ordinal);
        Assert.DoesNotContain("on code", html, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"page\">Long-context models</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/topics/long-context/feed.atom\"", html, StringComparison.Ordinal);
        // Its subscribe box subscribes to that topic.
        Assert.Contains("<input type=\"hidden\" name=\"topics\" value=\"long-context\">", html, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await PageAsync(app, "/?topic=&day=")).Status);   // empty means no filter

        var (unknown, page) = await PageAsync(app, "/?topic=no-such-topic");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains("<h1>No such topic</h1>", page, StringComparison.Ordinal);
        Assert.Contains("/static/site.css", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_DayParameter_ShowsThatDayOnly_WithLinksToTheNearestDaysThatHaveEntries_BadDateIs400()
    {
        await using var app = await TestApp.StartAsync();
        await PostAsync(app, FourDays);

        var (status, html) = await PageAsync(app, $"/?day={Iso(2)}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([Iso(2)], DayHeadings(html));
        Assert.Contains($"href=\"/?day={Iso(5)}\" rel=\"prev\"", html, StringComparison.Ordinal);  // days 3 and 4 are empty
        Assert.Contains($"href=\"/?day={Iso(1)}\" rel=\"next\"", html, StringComparison.Ordinal);

        var (topicDay, filtered) = await PageAsync(app, $"/?topic=code-models&day={Iso(1)}");
        Assert.Equal(HttpStatusCode.OK, topicDay);
        Assert.Contains($"href=\"/?topic=code-models&amp;day={Iso(5)}\" rel=\"prev\"", filtered, StringComparison.Ordinal);
        Assert.Contains($"href=\"/?topic=code-models&amp;day={Iso(0)}\" rel=\"next\"", filtered, StringComparison.Ordinal);

        var (empty, nothing) = await PageAsync(app, $"/?day={Iso(3)}");
        Assert.Equal(HttpStatusCode.OK, empty);
        Assert.Contains("No papers on this day", nothing, StringComparison.Ordinal);

        foreach (var bad in new[] { "2026-13-01", "yesterday", "2026-1-1", "<script>" })
        {
            var (badStatus, badPage) = await PageAsync(app, $"/?day={Uri.EscapeDataString(bad)}");
            Assert.Equal(HttpStatusCode.BadRequest, badStatus);
            Assert.Contains("<h1>That is not a date</h1>", badPage, StringComparison.Ordinal);
        }

        var json = await app.Client.GetAsync("/?day=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"day\"", await json.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_EscapesEntryText()
    {
        await using var app = await TestApp.StartAsync();
        await PostAsync(app, [new
        {
            id = "x-1",
            title = "<script>alert('title')</script> & more",
            @abstract = "<img src=x onerror=alert(1)>",
            url = "https://papers.example.org/x?a=1&b=\"2\"",
            authors = new[] { "<b>Mallory</b>" },
            upvotes = 5,
        }]);

        var (_, html) = await PageAsync(app, "/");

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Mallory", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; &amp; more", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;Mallory&lt;/b&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_WithNoEntries_SaysSo()
    {
        await using var app = await TestApp.StartAsync();

        var (status, html) = await PageAsync(app, "/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("No papers yet", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscribeBox_PostsTheForm_AndAConfirmationIsSent()
    {
        await using var app = await TestApp.StartAsync();
        var client = app.NewClient(cookies: true);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var home = await client.GetStringAsync("/?topic=code-models");
        var form = new Dictionary<string, string>
        {
            ["__antiforgery"] = TestApp.AntiforgeryToken(home),
            ["email"] = "home.box@example.org",
            ["frequency"] = Regex.Match(home, "name=\"frequency\" value=\"([^\"]+)\"").Groups[1].Value,
            ["topics"] = Regex.Match(home, "name=\"topics\" value=\"([^\"]+)\"").Groups[1].Value,
        };

        var response = await client.PostAsync("/subscribe", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/subscribe/sent", response.Headers.Location?.OriginalString);
        await app.Smtp!.WaitForAsync("home.box@example.org", "Confirm");
        Assert.Equal("pending", await app.StatusOfAsync("home.box@example.org"));
    }

    internal static async Task<(HttpStatusCode Status, string Html)> PageAsync(TestApp app, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var response = await app.Client.SendAsync(request);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static List<string> DayHeadings(string html) => DayHeading().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private static string Days(string html) => html[html.IndexOf("class=\"days\"", StringComparison.Ordinal)..];

    private static List<string> TrendingTitles(string html)
    {
        var list = html[html.IndexOf("class=\"trending-list\"", StringComparison.Ordinal)..html.IndexOf("</ol>", StringComparison.Ordinal)];
        return TrendingTitle().Matches(list).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex("<h2 id=\"day-(\\d{4}-\\d{2}-\\d{2})\"")]
    private static partial Regex DayHeading();

    [GeneratedRegex("<a href=\"[^\"]+\">([^<]+)</a>")]
    private static partial Regex TrendingTitle();
}
