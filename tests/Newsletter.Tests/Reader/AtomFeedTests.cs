using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Newsletter.Feeds;
using Newsletter.Tests.Infrastructure;
using static Newsletter.Tests.Reader.ReaderTestData;

namespace Newsletter.Tests.Reader;

/// <summary>The Atom feeds of all entries and of one topic: valid Atom 1.0 that our own feed reader reads back.</summary>
[Collection(AppCollection.Name)]
public sealed class AtomFeedTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    [Fact]
    public async Task AllEntriesFeed_IsAtomWithEveryRequiredElement_AndReadsBackAsTheEntries()
    {
        await using var app = await TestApp.StartAsync();
        await PostAsync(app, FourDays);

        var response = await app.Client.GetAsync("/feed.atom");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var feed = XDocument.Load(new MemoryStream(bytes)).Root!;
        AssertValidAtom(feed);
        Assert.Equal($"{app.BaseAddress.ToString().TrimEnd('/')}/feed.atom", feed.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "self").Attribute("href")!.Value);
        var entries = feed.Elements(Atom + "entry").ToList();
        Assert.Equal(5, entries.Count);
        Assert.Equal("Today on long context, many votes", entries[0].Element(Atom + "title")!.Value);   // newest first
        // In the topics' own order (the form's), not the order the source gave.
        Assert.Equal(["evaluation-benchmarks", "code-models"], entries.Single(e => e.Element(Atom + "title")!.Value == "Yesterday on code").Elements(Atom + "category").Select(c => c.Attribute("term")!.Value));

        var read = FeedParser.Parse(new MemoryStream(bytes));
        Assert.Equal(5, read.Count);
        var yesterday = read.Single(e => e.GetProperty("title").GetString() == "Yesterday on code");
        Assert.Equal("https://papers.example.org/test/t-3", yesterday.GetProperty("url").GetString());
        Assert.Equal(["Ada Example", "Bo Sample"], yesterday.GetProperty("authors").EnumerateArray().Select(a => a.GetString()));
        Assert.StartsWith("An abstract for Yesterday on code.", yesterday.GetProperty("abstract").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(Iso(1), yesterday.GetProperty("publishedAt").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopicFeed_HoldsOnlyThatTopic_UnknownTopicIs404()
    {
        await using var app = await TestApp.StartAsync();
        await PostAsync(app, FourDays);

        var response = await app.Client.GetAsync("/topics/long-context/feed.atom");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var feed = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        AssertValidAtom(feed);
        Assert.Equal("Paper Digest: Long-context models", feed.Element(Atom + "title")!.Value);
        Assert.Equal(["Today on long context, many votes", "Two days ago on long context"], feed.Elements(Atom + "entry").Select(e => e.Element(Atom + "title")!.Value));

        var unknown = await app.Client.GetAsync("/topics/no-such-topic/feed.atom");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Feed_EscapesMarkupInEntries()
    {
        await using var app = await TestApp.StartAsync();
        await PostAsync(app, [new { id = "x", title = "A <b>bold</b> & \"quoted\" title", @abstract = "]]> <script>" }]);

        var text = await app.Client.GetStringAsync("/feed.atom");

        var entry = XDocument.Parse(text).Root!.Element(Atom + "entry")!;
        Assert.Equal("A <b>bold</b> & \"quoted\" title", entry.Element(Atom + "title")!.Value);
        Assert.Equal("]]> <script>", entry.Element(Atom + "summary")!.Value);
        Assert.DoesNotContain("<b>", text, StringComparison.Ordinal);
    }

    /// <summary>RFC 4287's musts: a feed has one id, title and updated, an author (or every entry has one); so does each entry, with a link or content.</summary>
    private static void AssertValidAtom(XElement feed)
    {
        Assert.Equal(Atom + "feed", feed.Name);
        foreach (var name in new[] { "id", "title", "updated" })
        {
            Assert.Single(feed.Elements(Atom + name));
        }

        Assert.True(Uri.IsWellFormedUriString(feed.Element(Atom + "id")!.Value, UriKind.Absolute));
        AssertRfc3339(feed.Element(Atom + "updated")!.Value);
        Assert.NotEmpty(feed.Elements(Atom + "author").Elements(Atom + "name"));
        foreach (var entry in feed.Elements(Atom + "entry"))
        {
            foreach (var name in new[] { "id", "title", "updated" })
            {
                Assert.Single(entry.Elements(Atom + name));
            }

            Assert.True(Uri.IsWellFormedUriString(entry.Element(Atom + "id")!.Value, UriKind.Absolute), entry.Element(Atom + "id")!.Value);
            AssertRfc3339(entry.Element(Atom + "updated")!.Value);
            Assert.True(entry.Elements(Atom + "link").Any(l => (string?)l.Attribute("rel") is null or "alternate") || entry.Element(Atom + "content") is not null);
        }
    }

    private static void AssertRfc3339(string value) =>
        Assert.True(DateTimeOffset.TryParseExact(value, "yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out _), value);
}
