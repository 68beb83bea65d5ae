namespace Newsletter.Feeds;

/// <summary>One configured feed: <c>Feeds__Sources__0__Name=arxiv-cs-cl</c>, <c>Feeds__Sources__0__Url=https://rss.arxiv.org/rss/cs.CL</c>.</summary>
public sealed class FeedSource
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
}

/// <summary>The <c>Feeds</c> configuration section: RSS/Atom feeds polled for entries.</summary>
public sealed class FeedOptions
{
    public const string Section = "Feeds";

    public List<FeedSource> Sources { get; set; } = [];

    /// <summary>How often the feeds are polled (cron).</summary>
    public string PollCron { get; set; } = "*/30 * * * *";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        for (var i = 0; i < Sources.Count; i++)
        {
            var source = Sources[i];
            if (string.IsNullOrWhiteSpace(source.Name) || source.Name.Length > 100)
            {
                yield return $"Feeds:Sources:{i}:Name must be a short name such as 'arxiv-cs-cl'.";
            }

            if (!Uri.TryCreate(source.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return $"Feeds:Sources:{i}:Url must be an absolute http(s) URL (got '{source.Url}').";
            }
        }

        if (Sources.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != Sources.Count)
        {
            yield return "Feeds:Sources: every feed needs its own Name.";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return "Feeds:Timeout must be positive.";
        }
    }
}
