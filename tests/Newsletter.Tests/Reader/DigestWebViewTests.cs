using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Subscriptions;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Reader;

/// <summary>"View in your browser": every digest links to <c>/digests/{token}</c>, a page with the same entries, reasons and vote links.</summary>
[Collection(AppCollection.Name)]
public sealed partial class DigestWebViewTests
{
    [Fact]
    public async Task Digest_LinksToItsWebView_InBothParts_AndThePageShowsTheSameEntriesReasonsAndVoteLinks()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("viewer@example.org", ["code-models"]);
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        await DigestDeliveryTests.RunAsync(app);
        var digest = Assert.Single(DigestDeliveryTests.Digests(app, "viewer@example.org"));

        var textLink = TestApp.LinkIn(digest, "/digests/");
        var htmlLink = WebViewHref().Match(digest.HtmlBody ?? "").Groups[1].Value;
        Assert.Equal(textLink, WebUtility.HtmlDecode(htmlLink));
        Assert.Matches($@"View in your browser:\s+{Regex.Escape(textLink)}", digest.TextBody);

        var (status, html) = await PapersPageTests.PageAsync(app, new Uri(textLink).AbsolutePath);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("noindex, nofollow", (await app.Client.GetAsync(new Uri(textLink).AbsolutePath)).Headers.GetValues("X-Robots-Tag").Single());
        Assert.Contains("viewer@example.org", html, StringComparison.Ordinal);
        var emailVotes = VoteLinks().Matches(digest.TextBody ?? "").Select(m => m.Value).ToList();
        Assert.NotEmpty(emailVotes);
        foreach (var vote in emailVotes)
        {
            Assert.Contains($"href=\"{WebUtility.HtmlEncode(vote)}\"", html, StringComparison.Ordinal);
        }

        foreach (var title in new[] { "Program synthesis with large code models", "Repairing bugs" })
        {
            Assert.Contains(title, digest.TextBody, StringComparison.Ordinal);
            Assert.Contains(title, html, StringComparison.Ordinal);
        }

        Assert.Contains("Because you follow Code generation and code models", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Protein", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebView_ForgedTamperedOrOtherPurposeToken_Is404Page_ErasedSubscriberIs410Page()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("first@example.org", ["code-models"]);
        await app.SubscribeAndConfirmAsync("second@example.org", ["code-models"]);
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        await DigestDeliveryTests.RunAsync(app);
        var first = new Uri(TestApp.LinkIn(Assert.Single(DigestDeliveryTests.Digests(app, "first@example.org")), "/digests/")).AbsolutePath;
        var tokens = app.Services.GetRequiredService<SubscriberTokens>();
        Assert.True(tokens.TryRead(first["/digests/".Length..], TokenPurpose.DigestView, out var deliveryId, out var subscriberId));

        var forged = new[]
        {
            "/digests/not-a-token",
            "/digests/" + new string('A', 64),
            // The neighbour's delivery with the first subscriber's id, or any id signed for another purpose.
            "/digests/" + tokens.Create(TokenPurpose.Feedback, deliveryId + 1, subscriberId),
            "/digests/" + tokens.Create(TokenPurpose.Preferences, deliveryId, subscriberId),
            first[..^2] + (first[^2] == 'A' ? "B" : "A") + first[^1],
        };
        foreach (var path in forged)
        {
            var (status, html) = await PapersPageTests.PageAsync(app, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Contains("This link is not valid", html, StringComparison.Ordinal);
            Assert.DoesNotContain("first@example.org", html, StringComparison.Ordinal);
            Assert.DoesNotContain("second@example.org", html, StringComparison.Ordinal);
        }

        // Even a signed token that paired the first one's digest with the second subscriber would show nothing.
        var second = new Uri(TestApp.LinkIn(Assert.Single(DigestDeliveryTests.Digests(app, "second@example.org")), "/digests/")).AbsolutePath;
        Assert.True(tokens.TryRead(second["/digests/".Length..], TokenPurpose.DigestView, out _, out var secondId));
        var (crossed, crossedPage) = await PapersPageTests.PageAsync(app, "/digests/" + tokens.Create(TokenPurpose.DigestView, deliveryId, secondId));
        Assert.Equal(HttpStatusCode.NotFound, crossed);
        Assert.DoesNotContain("example.org", crossedPage, StringComparison.Ordinal);

        app.Execute("DELETE FROM subscribers WHERE email = 'first@example.org'");
        var (gone, page) = await PapersPageTests.PageAsync(app, first);
        Assert.Equal(HttpStatusCode.Gone, gone);
        Assert.Contains("This digest is no longer here", page, StringComparison.Ordinal);
        Assert.Contains("/static/site.css", page, StringComparison.Ordinal);

        using var api = new HttpRequestMessage(HttpMethod.Get, first);
        api.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var problem = await app.Client.SendAsync(api);
        Assert.Equal(HttpStatusCode.Gone, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
    }

    [GeneratedRegex("<a href=\"([^\"]*/digests/[^\"]+)\"[^>]*>View in your browser</a>")]
    private static partial Regex WebViewHref();

    [GeneratedRegex(@"https?://\S+/feedback/\S+")]
    private static partial Regex VoteLinks();
}
