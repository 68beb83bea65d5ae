using System.Globalization;
using Newsletter.Delivery;

namespace Newsletter.Reader;

/// <summary>One entry as the papers page shows it (all text is escaped by the template engine).</summary>
public sealed record PaperView(string Title, string? Url, string Authors, string Summary, long Upvotes, string Time, IReadOnlyList<TopicChip> Topics, bool IsSample)
{
    public static PaperView From(PaperRow row, ILookup<long, PaperTopic> topics) => new(
        row.Title,
        row.Url,
        DigestComposer.Authors(row.Authors),
        DigestComposer.Summary(row.Abstract),
        row.Upvotes,
        row.ShownAt.ToString("HH:mm", CultureInfo.InvariantCulture),
        topics[row.Id].Select(t => new TopicChip(t.Slug, t.Name, PapersPage.TopicUrl(t.Slug), false)).ToList(),
        row.IsSample);
}

/// <summary>A topic as a link: on an entry, and in the page's filter row.</summary>
public sealed record TopicChip(string Slug, string Name, string Url, bool Current);

/// <summary>The entries shown on one day (UTC).</summary>
public sealed record PaperDay(string Date, string Label, string Url, IReadOnlyList<PaperView> Entries);

/// <summary>An Atom feed named in the page's head (<c>&lt;link rel="alternate"&gt;</c>).</summary>
public sealed record FeedLink(string Title, string Url);
