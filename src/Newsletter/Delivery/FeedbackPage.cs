using Newsletter.Subscriptions;
using Newsletter.Subscriptions.Pages;
using Newsletter.Web;

namespace Newsletter.Delivery;

/// <summary>
/// <c>GET /feedback/{token}?entry=&amp;vote=up|down</c> shows the vote with a button; <c>POST</c>
/// records it. Only entries that were sent to the link's subscriber can be voted on. Like every link that acts, the GET changes nothing, so mail scanners that open every
/// link cannot vote for the reader. The latest vote for an entry counts.
/// </summary>
public static class FeedbackPage
{
    public static void MapFeedbackPage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/feedback/{token}", ShowAsync);
        routes.MapPost("/feedback/{token}", RecordAsync).DisableAntiforgery();
    }

    private static async Task<IResult> ShowAsync(string token, long? entry, string? vote, HttpContext context, LinkSubscriber links, DeliveryStore store, PageRenderer pages, CancellationToken ct)
    {
        if (await links.ResolveAsync(token, TokenPurpose.Feedback, ct) is not { } subscriber)
        {
            return await pages.InvalidLinkAsync(context);
        }

        if (Vote(vote) is not { } value || entry is null || await store.SentEntryTitleAsync(subscriber.Id, entry.Value, ct) is not { } title)
        {
            return JsonBody.Invalid(entry is null ? "entry" : "vote", "The link names no known entry, or a vote other than up or down.");
        }

        return await pages.RenderAsync(context, "feedback", new FeedbackForm($"/feedback/{token}", entry.Value, title, value > 0 ? "up" : "down"), title: "Your feedback");
    }

    private static async Task<IResult> RecordAsync(
        string token, HttpContext context, LinkSubscriber links, DeliveryStore store, PageRenderer pages, TimeProvider clock, CancellationToken ct)
    {
        if (await links.ResolveAsync(token, TokenPurpose.Feedback, ct) is not { } subscriber)
        {
            return await pages.InvalidLinkAsync(context);
        }

        var (form, problem) = await FormBody.ReadAsync(context.Request, ct);
        if (form is null)
        {
            return problem!;
        }

        if (!long.TryParse(form["entry"], out var entry) || await store.SentEntryTitleAsync(subscriber.Id, entry, ct) is null)
        {
            return JsonBody.Invalid("entry", "No entry with this id was sent to you.");
        }

        if (Vote(form["vote"]) is not { } value)
        {
            return JsonBody.Invalid("vote", "The vote must be up or down.");
        }

        await store.RecordFeedbackAsync(subscriber.Id, entry, value, clock.GetUtcNow().UtcDateTime, ct);
        return await pages.MessageAsync(context, StatusCodes.Status200OK, "Thank you",
            value > 0 ? "Noted: more like this." : "Noted: less like this.");
    }

    private static int? Vote(string? vote) => vote switch { "up" => 1, "down" => -1, _ => null };
}

public sealed record FeedbackForm(string Action, long Entry, string Title, string Vote);
