using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Newsletter.Feeds;

/// <summary>
/// Reads RSS 2.0, RSS 1.0 (RDF) and Atom into entries in our JSON shape, so they pass through the
/// same validation and deduplication as entries from the API or a file. arXiv's feeds are read
/// with care: their ids ("oai:arXiv.org:2411.12345v1") keep the version, and the "arXiv:… Announce
/// Type: new Abstract:" preamble is taken off the abstract. DTDs are refused (no XXE).
/// </summary>
public static partial class FeedParser
{
    /// <param name="feedName">Non-arXiv ids (GUIDs, tags) are only unique within their feed, so they are prefixed with it.</param>
    public static IReadOnlyList<JsonElement> Parse(Stream xml, string? feedName = null)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        using var reader = XmlReader.Create(xml, settings);
        var document = XDocument.Load(reader);
        var items = document.Descendants().Where(e => e.Name.LocalName is "item" or "entry");
        return items.Select(i => ToEntry(i, feedName)).Where(e => e is not null).Select(e => e!.Value).ToList();
    }

    private static JsonElement? ToEntry(XElement item, string? feedName)
    {
        var title = Text(item, "title");
        if (string.IsNullOrWhiteSpace(title))
        {
            return null;
        }

        var link = Link(item);
        var id = Identifier(Text(item, "guid") ?? Text(item, "id"));
        if (id is not null && feedName is not null && !Entries.SourceKeys.ForId(id).Key.StartsWith("arxiv:", StringComparison.Ordinal))
        {
            id = $"{feedName}:{id}";
        }

        var entry = new Dictionary<string, object?>
        {
            ["title"] = Collapse(WebUtility.HtmlDecode(title)),
            ["abstract"] = Abstract(Text(item, "description") ?? Text(item, "summary") ?? Text(item, "content")),
            ["url"] = link,
            ["authors"] = Authors(item),
        };
        if (id is not null)
        {
            entry["id"] = id;
        }

        if (Date(Text(item, "pubDate") ?? Text(item, "published") ?? Text(item, "updated") ?? Text(item, "date")) is { } published)
        {
            entry["publishedAt"] = published.ToString("O", CultureInfo.InvariantCulture);
        }

        return JsonSerializer.SerializeToElement(entry);
    }

    private static string? Text(XElement item, string localName) =>
        item.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;

    private static string? Link(XElement item)
    {
        var links = item.Elements().Where(e => e.Name.LocalName == "link").ToList();
        var atom = links.FirstOrDefault(l => l.Attribute("href") is not null && (string?)l.Attribute("rel") is null or "alternate");
        var href = (string?)atom?.Attribute("href") ?? links.Select(l => l.Value.Trim()).FirstOrDefault(v => v.Length > 0);
        return href is not null && Uri.TryCreate(href, UriKind.Absolute, out _) ? href : null;
    }

    /// <summary>A feed's own id when it identifies the entry (arXiv's oai ids), not when it is just a URL.</summary>
    private static string? Identifier(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        id = id.Trim();
        var arxiv = id.IndexOf("arXiv.org:", StringComparison.OrdinalIgnoreCase);
        if (arxiv >= 0)
        {
            return id[(arxiv + "arXiv.org:".Length)..];
        }

        var isWebAddress = Uri.TryCreate(id, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        return isWebAddress || id.Length > 200 ? null : id;
    }

    private static List<string> Authors(XElement item)
    {
        var names = item.Elements().Where(e => e.Name.LocalName == "author")
            .Select(a => a.Elements().FirstOrDefault(e => e.Name.LocalName == "name")?.Value ?? a.Value)
            .ToList();
        if (names.Count == 0 && Text(item, "creator") is { } creators)
        {
            names = creators.Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries).ToList();
        }

        return names.Select(n => Collapse(WebUtility.HtmlDecode(n))).Where(n => n.Length is > 0 and <= 300).Take(500).ToList();
    }

    private static string Abstract(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return "";
        }

        var text = SpaceBeforePunctuation().Replace(Collapse(WebUtility.HtmlDecode(Tags().Replace(html, " "))), "$1");
        var match = ArxivPreamble().Match(text);
        text = match.Success ? text[match.Length..] : text;
        return text.Length <= 20_000 ? text : text[..20_000];
    }

    private static DateTimeOffset? Date(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        string[] rfc822 = ["ddd, dd MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm:ss zzz", "dd MMM yyyy HH:mm:ss zzz", "ddd, dd MMM yyyy HH:mm zzz"];
        // RFC 822 writes offsets as -0500; .NET's zzz wants -05:00.
        var normalised = OffsetWithoutColon().Replace(text, "$1$2:$3");
        if (DateTimeOffset.TryParseExact(normalised, rfc822, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var exact))
        {
            return exact.ToUniversalTime();
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed.ToUniversalTime() : null;
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"\s+([.,;:!?])")]
    private static partial Regex SpaceBeforePunctuation();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"^arXiv:\S+\s+Announce Type:\s*\S+\s+Abstract:\s*", RegexOptions.IgnoreCase)]
    private static partial Regex ArxivPreamble();

    [GeneratedRegex(@"(\s)([+-]\d{2})(\d{2})$")]
    private static partial Regex OffsetWithoutColon();
}
