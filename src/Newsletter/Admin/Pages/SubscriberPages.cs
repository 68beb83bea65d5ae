using System.Text.Json;
using Newsletter.Subscriptions;
using Newsletter.Subscriptions.Erasure;
using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Admin.Pages;

/// <summary>
/// <c>/admin/subscribers</c>: search by address, filter by status and topic, page by id; one
/// subscriber's consent trail, digests and thumbs; unsubscribe and erase, each behind a confirmation.
/// </summary>
public static class SubscriberPages
{
    public const int PageSize = 25;

    /// <summary>Every subscriber status, in the order the pages list them.</summary>
    internal static readonly string[] Statuses =
        [SubscriberStatus.Active, SubscriberStatus.Pending, SubscriberStatus.Unsubscribed, SubscriberStatus.Bounced, SubscriberStatus.Complained];

    public static void MapSubscriberPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/subscribers", ListAsync);
        admin.MapGet("/subscribers/{id:long}", DetailAsync);
        admin.MapGet("/subscribers/{id:long}/unsubscribe", async (long id, HttpContext context, SubscriberStore store, PageRenderer pages, CancellationToken ct) =>
            await store.GetAsync(id, ct) is not { } s
                ? await NotFoundAsync(context, pages)
                : await pages.RenderAsync(context, "admin/confirm", new ConfirmAction("subscribers", "Unsubscribe",
                    $"Unsubscribe {s.Email} from everything?", "No more digests are sent to this address. The consent trail records that the operator did it.",
                    $"/admin/subscribers/{id}/unsubscribe", "Unsubscribe", Danger: false, $"/admin/subscribers/{id}"), title: "Unsubscribe"));
        admin.MapPost("/subscribers/{id:long}/unsubscribe", async (long id, HttpContext context, SubscriptionService subscriptions, CancellationToken ct) =>
        {
            var outcome = await subscriptions.UnsubscribeAsync(id, topic: null, "admin", ClientInfo.From(context), ct);
            return AdminForms.Done(context, $"/admin/subscribers/{id}", outcome == UnsubscribeOutcome.Unsubscribed ? "unsubscribed" : "nothing");
        });
        admin.MapGet("/subscribers/{id:long}/erase", async (long id, HttpContext context, SubscriberStore store, PageRenderer pages, CancellationToken ct) =>
            await store.GetAsync(id, ct) is not { } s
                ? await NotFoundAsync(context, pages)
                : await pages.RenderAsync(context, "admin/confirm", new ConfirmAction("subscribers", "Erase",
                    $"Erase {s.Email} and everything held about them?",
                    "The address, its settings, consent trail, digests and thumbs are deleted for good; only a keyed hash of the address stays, so a later import without new consent skips it. This cannot be undone.",
                    $"/admin/subscribers/{id}/erase", "Erase for good", Danger: true, $"/admin/subscribers/{id}"), title: "Erase"));
        admin.MapPost("/subscribers/{id:long}/erase", async (long id, HttpContext context, SubscriberEraser eraser, CancellationToken ct) =>
            AdminForms.Done(context, "/admin/subscribers", await eraser.EraseAsync(id, "operator (admin pages)", ct) == EraseOutcome.Erased ? "erased" : "nothing"));
    }

    private static async Task<IResult> ListAsync(
        string? q, string? status, string? topic, long? after, long? before, string? done,
        HttpContext context, AdminSubscriberQueries queries, TopicStore topics, PageRenderer pages, CancellationToken ct)
    {
        var allTopics = await topics.ListActiveAsync(ct);
        var errors = new FieldErrors();
        if (!string.IsNullOrEmpty(status) && !Statuses.Contains(status))
        {
            errors.Add("status", "Choose a status from the list.");
        }

        if (!string.IsNullOrEmpty(topic) && allTopics.All(t => t.Slug != topic))
        {
            errors.Add("topic", "Choose a topic from the list.");
        }

        if (q is { Length: > 254 })
        {
            errors.Add("q", "Search for at most 254 characters.");
        }

        var filter = new SubscriberFilter(q, NullIfEmpty(status), NullIfEmpty(topic));
        var page = errors.Count > 0
            ? new KeysetPage<SubscriberListRow>([], null, null)
            : await queries.SearchAsync(filter, after, before, PageSize, ct);
        var query = Query(("q", q?.Trim()), ("status", filter.Status), ("topic", filter.Topic));
        var model = new
        {
            Nav = "subscribers",
            Flash = AdminFlash.For(done),
            Q = q,
            Status = status,
            Topic = topic,
            Errors = AdminForms.ForPage(errors),
            HasErrors = errors.Count > 0,
            Statuses = Statuses,
            Topics = allTopics.Select(t => new { t.Slug, t.Name }).ToList(),
            Rows = page.Items.Select(r => new
            {
                r.Id, r.Email, r.Status, r.Frequency, Created = AdminText.Time(r.CreatedAt), Confirmed = AdminText.Time(r.ConfirmedAt),
            }).ToList(),
            Filtered = filter.Pattern is not null || filter.Status is not null || filter.Topic is not null,
            Paged = after is not null || before is not null,
            FirstUrl = "/admin/subscribers" + Query(("q", q?.Trim()), ("status", filter.Status), ("topic", filter.Topic)),
            OlderUrl = page.OlderAfter is { } o ? $"/admin/subscribers{query}{(query.Length > 0 ? "&" : "?")}after={o}" : null,
            NewerUrl = page.NewerBefore is { } n ? $"/admin/subscribers{query}{(query.Length > 0 ? "&" : "?")}before={n}" : null,
        };
        return await pages.RenderAsync(context, "admin/subscribers", model, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK, "Subscribers");
    }

    private static async Task<IResult> DetailAsync(
        long id, string? done, HttpContext context, SubscriberStore store, SubscriptionRequestStore requests, AdminSubscriberQueries queries,
        TopicStore topics, PageRenderer pages, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } subscriber)
        {
            return await NotFoundAsync(context, pages);
        }

        var settings = await store.GetSettingsAsync(id, ct);
        var names = (await topics.ListActiveAsync(ct)).ToDictionary(t => t.Slug, t => t.Name, StringComparer.Ordinal);
        IReadOnlyList<ConsentEvent> consent;
        await using (var connection = await store.OpenAsync(ct))
        {
            consent = await requests.ListConsentAsync(connection, id);
        }

        var model = new
        {
            Nav = "subscribers",
            Flash = AdminFlash.For(done),
            subscriber.Id,
            subscriber.Email,
            subscriber.Status,
            subscriber.Frequency,
            subscriber.DeliveryHour,
            subscriber.TimeZone,
            subscriber.Paused,
            Created = AdminText.Time(subscriber.CreatedAt),
            Confirmed = AdminText.Time(subscriber.ConfirmedAt),
            Unsubscribed = AdminText.Time(subscriber.UnsubscribedAt),
            Topics = settings.Topics.Select(slug => names.GetValueOrDefault(slug, slug)).ToList(),
            settings.Interests,
            Consent = consent.Select(c => new { c.Kind, Detail = Compact(c.Detail), c.ClientIp, c.UserAgent, At = AdminText.Time(c.OccurredAt) }).ToList(),
            Deliveries = (await queries.DeliveriesAsync(id, ct)).Select(d => new
            {
                d.Id, d.RunId, d.State, d.Attempts, d.LastError, d.Entries, At = AdminText.Time(d.UpdatedAt),
            }).ToList(),
            Thumbs = (await queries.ThumbsAsync(id, ct)).Select(t => new { t.EntryId, t.Title, Up = t.Vote > 0, At = AdminText.Time(t.CreatedAt) }).ToList(),
            CanUnsubscribe = subscriber.Status is SubscriberStatus.Active or SubscriberStatus.Pending,
        };
        return await pages.RenderAsync(context, "admin/subscriber", model, title: subscriber.Email);
    }

    internal static async Task<IResult> NotFoundAsync(HttpContext context, PageRenderer pages) =>
        await pages.RenderAsync(context, "admin/message",
            new { Nav = "none", Title = "Not found", Detail = "There is nothing here: it may have been erased or deleted.", LinkUrl = "/admin", LinkText = "Back to the overview" },
            StatusCodes.Status404NotFound, "Not found");

    private static readonly JsonSerializerOptions ReadableJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The consent detail as one line of JSON, whatever spacing it was stored with.</summary>
    private static string Compact(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, ReadableJson);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static string Query(params (string Name, string? Value)[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join("&", present);
    }
}
