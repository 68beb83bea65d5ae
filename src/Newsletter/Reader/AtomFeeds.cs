using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using Microsoft.Extensions.Options;
using Newsletter.Configuration;
using Newsletter.Operations;
using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Reader;

/// <summary>
/// Atom 1.0 feeds (RFC 4287) of the newest entries: <c>/feed.atom</c> for all of them and
/// <c>/topics/{slug}/feed.atom</c> for one topic, so a reader can follow the papers without subscribing.
/// </summary>
public static class AtomFeeds
{
    public const string AllPath = "/feed.atom";
    public const int EntriesPerFeed = 50;
    private const string AtomNamespace = "http://www.w3.org/2005/Atom";

    public static string TopicPath(string slug) => $"/topics/{Uri.EscapeDataString(slug)}/feed.atom";

    public static void MapAtomFeeds(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(AllPath, (ReaderStore papers, PublicUrls urls, IOptions<NewsletterOptions> site, CancellationToken ct) =>
            FeedAsync(papers, urls, site.Value.SiteName, null, ct))
            .InApiDocs().ApiDoc("Atom 1.0 feed of the newest entries", StatusCodes.Status200OK, "application/atom+xml");
        routes.MapGet("/topics/{slug}/feed.atom", async (HttpContext context, string slug, ReaderStore papers, TopicStore topics, PublicUrls urls, IOptions<NewsletterOptions> site, PageRenderer pages, CancellationToken ct) =>
            await topics.FindAsync(slug, ct) is { } topic
                ? await FeedAsync(papers, urls, site.Value.SiteName, topic, ct)
                : await pages.MessageAsync(context, StatusCodes.Status404NotFound, "No such topic", "There is no topic with that name, so it has no feed.", "/", "All papers"))
            .InApiDocs().ApiDoc("Atom 1.0 feed of the newest entries of one topic", StatusCodes.Status200OK, "application/atom+xml", 404);
    }

    private static async Task<IResult> FeedAsync(ReaderStore papers, PublicUrls urls, string siteName, Topic? topic, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var rows = await papers.InSpanAsync(DateTime.UnixEpoch, now.AddDays(1), topic?.Id, EntriesPerFeed, ct);
        var chips = await papers.TopicsOfAsync(rows.Select(r => r.Id).ToList(), ct);
        var baseUrl = urls.BaseUrl;
        var self = baseUrl + (topic is null ? AllPath : TopicPath(topic.Slug));
        var page = baseUrl + (topic is null ? "/" : PapersPage.TopicUrl(topic.Slug));

        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("feed", AtomNamespace);
            xml.WriteElementString("id", AtomNamespace, self);
            xml.WriteElementString("title", AtomNamespace, topic is null ? $"{siteName}: new papers" : $"{siteName}: {topic.Name}");
            if (topic is not null)
            {
                xml.WriteElementString("subtitle", AtomNamespace, topic.Description);
            }

            xml.WriteElementString("updated", AtomNamespace, Time(rows.Count > 0 ? rows.Max(r => r.ShownAt) : now));
            Link(xml, "self", self, "application/atom+xml");
            Link(xml, "alternate", page, "text/html");
            xml.WriteStartElement("author", AtomNamespace);
            xml.WriteElementString("name", AtomNamespace, siteName);
            xml.WriteEndElement();
            xml.WriteElementString("generator", AtomNamespace, "Newsletter");
            foreach (var row in rows)
            {
                Entry(xml, row, chips[row.Id], baseUrl);
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return TypedResults.Bytes(buffer.ToArray(), "application/atom+xml; charset=utf-8");
    }

    private static void Entry(XmlWriter xml, PaperRow row, IEnumerable<PaperTopic> topics, string baseUrl)
    {
        xml.WriteStartElement("entry", AtomNamespace);
        // A tag URI (RFC 4151) on our host: stable for the entry, whatever its link.
        xml.WriteElementString("id", AtomNamespace, $"tag:{new Uri(baseUrl).Host},2026:entry-{row.Id}");
        xml.WriteElementString("title", AtomNamespace, row.Title);
        xml.WriteElementString("published", AtomNamespace, Time(row.ShownAt));
        xml.WriteElementString("updated", AtomNamespace, Time(row.ShownAt));
        if (row.Url is not null)
        {
            Link(xml, "alternate", row.Url, null);
        }

        foreach (var name in JsonSerializer.Deserialize<string[]>(row.Authors) ?? [])
        {
            xml.WriteStartElement("author", AtomNamespace);
            xml.WriteElementString("name", AtomNamespace, name);
            xml.WriteEndElement();
        }

        foreach (var topic in topics)
        {
            xml.WriteStartElement("category", AtomNamespace);
            xml.WriteAttributeString("term", topic.Slug);
            xml.WriteAttributeString("label", topic.Name);
            xml.WriteAttributeString("scheme", $"{baseUrl}/?topic=");
            xml.WriteEndElement();
        }

        if (row.Abstract.Length > 0)
        {
            xml.WriteStartElement("summary", AtomNamespace);
            xml.WriteAttributeString("type", "text");
            xml.WriteString(row.Abstract);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void Link(XmlWriter xml, string rel, string href, string? type)
    {
        xml.WriteStartElement("link", AtomNamespace);
        xml.WriteAttributeString("rel", rel);
        if (type is not null)
        {
            xml.WriteAttributeString("type", type);
        }

        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static string Time(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
