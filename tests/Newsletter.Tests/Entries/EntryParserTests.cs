using System.Text.Json;
using Newsletter.Entries;

namespace Newsletter.Tests.Entries;

public sealed class EntryParserTests
{
    private static EntryInput? Parse(string json, out string? reason)
    {
        using var document = JsonDocument.Parse(json);
        return EntryParser.Parse(document.RootElement.Clone(), out reason);
    }

    [Fact]
    public void ContractShape_IsReadWhole()
    {
        var entry = Parse("""
            {"id": "2401.01234v2", "title": "Sparse  attention\n for all", "abstract": "We show.", "url": "https://arxiv.org/abs/2401.01234v2",
             "authors": ["Ada Lovelace", "Alan Turing"], "publishedAt": "2026-11-29T08:00:00Z", "upvotes": 12}
            """, out var reason)!;

        Assert.Null(reason);
        Assert.Equal("arxiv:2401.01234", entry.SourceKey);
        Assert.Equal(2, entry.Version);
        Assert.Equal("Sparse attention for all", entry.Title);
        Assert.Equal(["Ada Lovelace", "Alan Turing"], entry.Authors);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero), entry.PublishedAt);
        Assert.Equal(12, entry.Upvotes);
        Assert.Equal("2401.01234v2", entry.SourceId);
    }

    [Fact]
    public void HuggingFaceDailyPapersShape_IsRead_WithSummaryAsAbstract_AndAnArxivLink()
    {
        var entry = Parse("""
            {"paper": {"id": "2411.00001", "title": "T", "summary": "S", "authors": [{"name": "Grace Hopper", "hidden": false}], "upvotes": 40},
             "publishedAt": "2026-11-28T10:00:00.000Z", "numComments": 3}
            """, out _)!;

        Assert.Equal("arxiv:2411.00001", entry.SourceKey);
        Assert.Equal("S", entry.Abstract);
        Assert.Equal(["Grace Hopper"], entry.Authors);
        Assert.Equal(40, entry.Upvotes);
        Assert.Equal("https://arxiv.org/abs/2411.00001", entry.Url);
        Assert.NotNull(entry.PublishedAt);
    }

    [Theory]
    [InlineData("""{"id": "x"}""", "title is required")]
    [InlineData("""{"title": "  "}""", "title is required")]
    [InlineData("""{"title": 5}""", "title must be a string")]
    [InlineData("""{"title": "t", "url": "ftp://example.org/x"}""", "url must be an absolute http(s) URL")]
    [InlineData("""{"title": "t", "url": "/relative"}""", "url must be an absolute http(s) URL")]
    [InlineData("""{"title": "t", "authors": "Ada"}""", "authors must be an array")]
    [InlineData("""{"title": "t", "authors": [1]}""", "authors must hold names")]
    [InlineData("""{"title": "t", "publishedAt": "yesterday"}""", "publishedAt must be an ISO 8601 date")]
    [InlineData("""{"title": "t", "upvotes": -1}""", "upvotes must be a whole number")]
    [InlineData("""{"title": "t", "upvotes": 1.5}""", "upvotes must be a whole number")]
    [InlineData("""{"title": "t\u0000"}""", "title contains control characters")]
    [InlineData("""[1, 2]""", "must be a JSON object")]
    public void InvalidEntries_AreRejectedWithAReason(string json, string reason)
    {
        Assert.Null(Parse(json, out var why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void TooLongFields_AreRejected()
    {
        Assert.Null(Parse(JsonSerializer.Serialize(new { title = new string('t', EntryParser.MaxTitle + 1) }), out var why));
        Assert.Contains("title is longer", why, StringComparison.Ordinal);
        Assert.Null(Parse(JsonSerializer.Serialize(new { title = "t", @abstract = new string('a', EntryParser.MaxAbstract + 1) }), out why));
        Assert.Contains("abstract is longer", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2401.01234", "arxiv:2401.01234", 0)]
    [InlineData("2401.01234v3", "arxiv:2401.01234", 3)]
    [InlineData("arXiv:2401.01234v1", "arxiv:2401.01234", 1)]
    [InlineData("hep-th/9901001v2", "arxiv:hep-th/9901001", 2)]
    [InlineData("seed-07", "id:seed-07", 0)]
    [InlineData("10.1000/xyz123", "id:10.1000/xyz123", 0)]
    public void Ids_AreKeyedWithoutTheirArxivVersion(string id, string key, int version) =>
        Assert.Equal((key, version), SourceKeys.ForId(id));

    [Theory]
    [InlineData("HTTP://Example.ORG/Paper/?utm_source=x&b=2&a=1#top", "https://example.org/Paper?a=1&b=2")]
    [InlineData("https://example.org/", "https://example.org")]
    [InlineData("https://example.org:8443/x", "https://example.org:8443/x")]
    public void Urls_AreCanonicalised(string url, string canonical) => Assert.Equal(canonical, SourceKeys.CanonicalUrl(url));

    [Theory]
    [InlineData("https://arxiv.org/abs/2401.01234v2", "arxiv:2401.01234", 2)]
    [InlineData("https://arxiv.org/pdf/2401.01234v2.pdf", "arxiv:2401.01234", 2)]
    [InlineData("https://huggingface.co/papers/2401.01234", "arxiv:2401.01234", 0)]
    [InlineData("https://blog.example.org/post", "url:https://blog.example.org/post", 0)]
    public void UrlsOfArxivPapers_AreKeyedLikeTheirIds(string url, string key, int version) =>
        Assert.Equal((key, version), SourceKeys.ForUrl(SourceKeys.CanonicalUrl(url)!));
}
