using System.Text;
using System.Xml;
using Newsletter.Entries;
using Newsletter.Feeds;

namespace Newsletter.Tests.Feeds;

public sealed class FeedParserTests
{
    internal const string ArxivStyleRss = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
          <channel>
            <title>cs.CL updates</title>
            <item>
              <title>Sparse Attention for Long Documents</title>
              <link>https://arxiv.org/abs/2611.00001</link>
              <description>arXiv:2611.00001v2 Announce Type: replace
        Abstract: We make &lt;b&gt;attention&lt;/b&gt; sparse for long documents.</description>
              <guid isPermaLink="false">oai:arXiv.org:2611.00001v2</guid>
              <dc:creator>Ada Lovelace, Alan Turing</dc:creator>
              <pubDate>Mon, 30 Nov 2026 00:00:00 -0500</pubDate>
            </item>
            <item>
              <title>A Second Paper</title>
              <link>https://arxiv.org/abs/2611.00002</link>
              <description>arXiv:2611.00002v1 Announce Type: new
        Abstract: Something else.</description>
              <guid isPermaLink="false">oai:arXiv.org:2611.00002v1</guid>
            </item>
          </channel>
        </rss>
        """;

    private const string Atom = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>A lab blog</title>
          <entry>
            <title>Our new model</title>
            <link rel="alternate" href="https://lab.example.org/posts/new-model"/>
            <id>tag:lab.example.org,2026:1</id>
            <updated>2026-11-29T10:00:00Z</updated>
            <summary type="html">&lt;p&gt;It is &lt;em&gt;fast&lt;/em&gt;.&lt;/p&gt;</summary>
            <author><name>Grace Hopper</name></author>
          </entry>
        </feed>
        """;

    private static List<EntryInput> Entries(string xml) =>
        FeedParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml.Trim())))
            .Select(e => EntryParser.Parse(e, out _)!)
            .ToList();

    [Fact]
    public void ArxivRss_GivesVersionedArxivKeys_CleanAbstracts_AuthorsAndDates()
    {
        var entries = Entries(ArxivStyleRss);

        Assert.Equal(2, entries.Count);
        var first = entries[0];
        Assert.Equal(("arxiv:2611.00001", 2), (first.SourceKey, first.Version));
        Assert.Equal("We make attention sparse for long documents.", first.Abstract);
        Assert.Equal(["Ada Lovelace", "Alan Turing"], first.Authors);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 5, 0, 0, TimeSpan.Zero), first.PublishedAt);
        Assert.Equal("https://arxiv.org/abs/2611.00001", first.Url);
    }

    [Fact]
    public void Atom_IsReadToo()
    {
        var entry = Assert.Single(Entries(Atom));

        Assert.Equal("Our new model", entry.Title);
        Assert.Equal("It is fast.", entry.Abstract);
        Assert.Equal("https://lab.example.org/posts/new-model", entry.Url);
        Assert.Equal(["Grace Hopper"], entry.Authors);
        Assert.Equal("id:tag:lab.example.org,2026:1", entry.SourceKey);
    }

    [Fact]
    public void AFeedWithADtd_IsRefused()
    {
        const string xxe = """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title></item></channel></rss>""";
        Assert.Throws<XmlException>(() => FeedParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xxe))));
    }
}
