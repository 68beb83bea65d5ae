using System.Globalization;
using Newsletter.Subscriptions.Pages;
using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Reader;

/// <summary>
/// <c>GET /</c>: the reader's home, in the spirit of a daily-papers page. Without <c>?day=</c> it
/// shows the newest days that have entries, grouped by day; with <c>?day=YYYY-MM-DD</c> that one
/// day, with links to the nearest older and newer days that have any. A trending box ranks the
/// week up to the last day shown by upvotes; <c>?topic=slug</c> narrows everything to one topic.
/// Days are UTC days. The subscribe box posts to the form's own endpoint (<c>POST /subscribe</c>).
/// </summary>
public static class PapersPage
{
    public const int DaysOnFirstPage = 3;
    public const int TrendingCount = 6;
    private const int MostPerDay = 200;
    private static readonly TimeSpan TrendingSpan = TimeSpan.FromDays(7);

    public static string TopicUrl(string slug) => $"/?topic={Uri.EscapeDataString(slug)}";

    public static async Task<IResult> RenderAsync(HttpContext context, string? topic, string? day, ReaderStore papers, TopicStore topics, PageRenderer pages, CancellationToken ct)
    {
        // An empty value (a form that sent "?topic=") means no filter.
        topic = string.IsNullOrEmpty(topic) ? null : topic;
        day = string.IsNullOrEmpty(day) ? null : day;
        var all = await topics.ListActiveAsync(ct);
        Topic? current = null;
        if (topic is not null && (current = await topics.FindAsync(topic, ct)) is null)
        {
            return await pages.MessageAsync(context, StatusCodes.Status404NotFound, "No such topic",
                "There is no topic with that name. Pick one from the list on the papers page.", "/", "All papers");
        }

        DateTime? date = null;
        if (day is not null)
        {
            if (!DateTime.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
            {
                const string detail = "day must be a date written as YYYY-MM-DD, such as 2026-12-01.";
                return PageRenderer.WantsHtml(context.Request)
                    ? await pages.MessageAsync(context, StatusCodes.Status400BadRequest, "That is not a date", detail, "/", "The newest papers")
                    : JsonBody.Invalid("day", detail);
            }

            date = DateTime.SpecifyKind(parsed.Date, DateTimeKind.Utc);
        }

        var topicId = current?.Id;
        var days = date is { } d ? await OneDayAsync(papers, d, topicId, ct) : await NewestDaysAsync(papers, topicId, ct);
        var shown = days.SelectMany(x => x.Rows).ToList();
        var trendingEnd = (days.Count > 0 ? days[0].Day : date ?? DateTime.UtcNow.Date).AddDays(1);
        var trending = await papers.TrendingAsync(trendingEnd - TrendingSpan, trendingEnd, topicId, TrendingCount, ct);
        var chips = await papers.TopicsOfAsync([.. shown.Select(r => r.Id), .. trending.Select(r => r.Id)], ct);

        var older = days.Count > 0 ? await papers.NewestBeforeAsync(days[^1].Day, topicId, ct) : date is { } o ? await papers.NewestBeforeAsync(o, topicId, ct) : null;
        var newer = date is { } n ? await papers.OldestFromAsync(n.AddDays(1), topicId, ct) : null;
        var model = new PapersModel(
            current is null ? null : new TopicChip(current.Slug, current.Name, TopicUrl(current.Slug), true),
            current?.Description,
            all.Select(t => new TopicChip(t.Slug, t.Name, TopicUrl(t.Slug), t.Slug == current?.Slug)).ToList(),
            days.Select(x => new PaperDay(Iso(x.Day), Label(x.Day), DayUrl(x.Day, current?.Slug), x.Rows.Select(r => PaperView.From(r, chips)).ToList())).ToList(),
            trending.Select(r => PaperView.From(r, chips)).ToList(),
            date is { } single ? Label(single) : null,
            older is { } before ? DayUrl(before.Date, current?.Slug) : null,
            older is { } b ? Label(b.Date) : null,
            newer is { } after ? DayUrl(after.Date, current?.Slug) : date is not null ? (current is null ? "/" : TopicUrl(current.Slug)) : null,
            newer is { } a ? Label(a.Date) : "The newest papers",
            current is null ? "/" : TopicUrl(current.Slug),
            Feeds(current),
            SubscribePage.HoneypotField);
        var title = current is null ? "Papers" : $"Papers on {current.Name}";
        return await pages.RenderAsync(context, "papers", model, title: date is { } t ? $"{title}, {Label(t)}" : title);
    }

    private static IReadOnlyList<FeedLink> Feeds(Topic? topic) => topic is null
        ? [new FeedLink("All papers (Atom)", AtomFeeds.AllPath)]
        : [new FeedLink($"{topic.Name} (Atom)", AtomFeeds.TopicPath(topic.Slug)), new FeedLink("All papers (Atom)", AtomFeeds.AllPath)];

    private static async Task<List<(DateTime Day, List<PaperRow> Rows)>> OneDayAsync(ReaderStore papers, DateTime day, long? topicId, CancellationToken ct)
    {
        var rows = await papers.InSpanAsync(day, day.AddDays(1), topicId, MostPerDay, ct);
        return rows.Count == 0 ? [] : [(day, ByUpvotes(rows))];
    }

    /// <summary>The newest days that have entries: read back a fortnight from the newest, then group.</summary>
    private static async Task<List<(DateTime Day, List<PaperRow> Rows)>> NewestDaysAsync(ReaderStore papers, long? topicId, CancellationToken ct)
    {
        if (await papers.LatestAsync(topicId, ct) is not { } latest)
        {
            return [];
        }

        var end = latest.Date.AddDays(1);
        var rows = await papers.InSpanAsync(end.AddDays(-14), end, topicId, MostPerDay * DaysOnFirstPage, ct);
        return rows.GroupBy(r => r.ShownAt.Date).OrderByDescending(g => g.Key).Take(DaysOnFirstPage)
            .Select(g => (DateTime.SpecifyKind(g.Key, DateTimeKind.Utc), ByUpvotes(g))).ToList();
    }

    // Within a day the most upvoted come first, as on a daily-papers page.
    private static List<PaperRow> ByUpvotes(IEnumerable<PaperRow> rows) => rows.OrderByDescending(r => r.Upvotes).ThenByDescending(r => r.ShownAt).ToList();

    private static string Iso(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Label(DateTime day) => day.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);

    private static string DayUrl(DateTime day, string? topic) =>
        topic is null ? $"/?day={Iso(day)}" : $"/?topic={Uri.EscapeDataString(topic)}&day={Iso(day)}";
}

/// <param name="SingleDay">The day asked for with <c>?day=</c>; null on the newest days.</param>
public sealed record PapersModel(
    TopicChip? Topic,
    string? TopicDescription,
    IReadOnlyList<TopicChip> Topics,
    IReadOnlyList<PaperDay> Days,
    IReadOnlyList<PaperView> Trending,
    string? SingleDay,
    string? OlderUrl,
    string? OlderLabel,
    string? NewerUrl,
    string? NewerLabel,
    string AllDaysUrl,
    IReadOnlyList<FeedLink> AtomFeeds,
    string HoneypotField)
{
    public string PageClass => "papers";
}
