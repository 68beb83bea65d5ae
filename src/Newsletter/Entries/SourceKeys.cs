using System.Text.RegularExpressions;

namespace Newsletter.Entries;

/// <summary>
/// How we recognise the same entry arriving twice. arXiv identifiers are compared without their
/// version (2401.01234v2 is 2401.01234, version 2), whether given as an id, as "arXiv:…" or inside
/// an arxiv.org or huggingface.co/papers URL. Other ids are compared as given. URLs are compared in a
/// canonical form: lower-case scheme and host, no fragment, no tracking parameters, no trailing slash.
/// </summary>
public static partial class SourceKeys
{
    public static (string Key, int Version) ForId(string id)
    {
        var trimmed = id.Trim();
        if (ArxivId(trimmed) is { } arxiv)
        {
            return ($"arxiv:{arxiv.Id}", arxiv.Version);
        }

        return ($"id:{trimmed}", 0);
    }

    /// <summary>The key when an entry has no id: its URL's arXiv id if it has one, else the canonical URL.</summary>
    public static (string Key, int Version) ForUrl(string canonicalUrl)
    {
        var match = ArxivUrl().Match(canonicalUrl);
        return match.Success && ArxivId(match.Groups["id"].Value) is { } arxiv
            ? ($"arxiv:{arxiv.Id}", arxiv.Version)
            : ($"url:{canonicalUrl}", 0);
    }

    public static string ForTitle(string title) =>
        "title:" + string.Join(' ', title.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <returns>The canonical form of an absolute http(s) URL, or null when it is not one.</returns>
    public static string? CanonicalUrl(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return null;
        }

        var query = string.Join('&', uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) && !p.StartsWith("ref=", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal));
        var path = uri.AbsolutePath.Length > 1 ? uri.AbsolutePath.TrimEnd('/') : "";
        var port = uri.IsDefaultPort ? "" : $":{uri.Port}";
        // http and https name the same document for dedup purposes.
        return $"https://{uri.Host.ToLowerInvariant()}{port}{path}{(query.Length > 0 ? "?" + query : "")}";
    }

    private static (string Id, int Version)? ArxivId(string text)
    {
        var match = ArxivIdPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var version = match.Groups["v"].Success ? int.Parse(match.Groups["v"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (match.Groups["id"].Value.ToLowerInvariant(), version);
    }

    // New style 2401.01234 (4 or 5 digits after the dot) and old style hep-th/9901001, with an optional vN.
    [GeneratedRegex(@"^(?:arxiv:)?(?<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})(?:v(?<v>\d{1,3}))?$", RegexOptions.IgnoreCase)]
    private static partial Regex ArxivIdPattern();

    [GeneratedRegex(@"^https://(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)|huggingface\.co/papers)/(?<id>[^?#]+?)(?:\.pdf)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ArxivUrl();
}
