using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Subscriptions.Pages;

/// <summary>
/// <c>GET /unsubscribe/{token}</c> shows the choice; <c>POST</c> acts. The POST is also the RFC 8058
/// one-click target named in List-Unsubscribe: mail clients send <c>List-Unsubscribe=One-Click</c>
/// with no cookies and no antiforgery token, so none is asked for; the signed token is the proof.
/// A <c>topic</c> form field (or query value on the page) leaves just that topic.
/// </summary>
public static class UnsubscribePage
{
    public static void MapUnsubscribePage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/unsubscribe/{token}", ShowAsync);
        routes.MapPost("/unsubscribe/{token}", UnsubscribeAsync).DisableAntiforgery();
    }

    private static async Task<IResult> ShowAsync(
        string token, string? topic, HttpContext context, LinkSubscriber links, SubscriberStore subscribers, TopicStore topics, PageRenderer pages, CancellationToken ct)
    {
        var subscriber = await links.ResolveAsync(token, TokenPurpose.Unsubscribe, ct);
        if (subscriber is null)
        {
            return await pages.InvalidLinkAsync(context);
        }

        if (!subscriber.IsActive)
        {
            return await AlreadyUnsubscribedAsync(context, pages);
        }

        var settings = await subscribers.GetSettingsAsync(subscriber.Id, ct);
        var topicToLeave = topic is not null && settings.Topics.Contains(topic) ? await topics.FindAsync(topic, ct) : null;
        return await pages.RenderAsync(context, "unsubscribe", new UnsubscribeForm(
            $"/unsubscribe/{token}",
            EmailAddress.ForDisplay(subscriber.Email),
            topicToLeave?.Slug,
            topicToLeave?.Name,
            topicToLeave is not null && settings.Topics.Count == 1 && settings.Interests.Count == 0,
            $"/preferences/{links.TokenFor(subscriber, TokenPurpose.Preferences)}"), title: "Unsubscribe");
    }

    private static async Task<IResult> UnsubscribeAsync(
        string token, HttpContext context, LinkSubscriber links, SubscriptionService subscriptions, TopicStore topics, PageRenderer pages, CancellationToken ct)
    {
        var subscriber = await links.ResolveAsync(token, TokenPurpose.Unsubscribe, ct);
        if (subscriber is null)
        {
            return await pages.InvalidLinkAsync(context);
        }

        // A bare POST with no body is a valid "unsubscribe from everything".
        IFormCollection? form = null;
        if (context.Request.HasFormContentType)
        {
            (form, var problem) = await FormBody.ReadAsync(context.Request, ct);
            if (form is null)
            {
                return problem!;
            }
        }

        var oneClick = form is not null && form["List-Unsubscribe"].ToString() == "One-Click";
        var topic = oneClick ? null : form?["topic"].ToString() is { Length: > 0 } t ? t : null;
        if (topic is not null && await topics.FindAsync(topic, ct) is null)
        {
            return JsonBody.Invalid("topic", "No topic has this slug; leave it out to unsubscribe from everything.");
        }

        var outcome = await subscriptions.UnsubscribeAsync(subscriber.Id, topic, oneClick ? "one-click" : "page", ClientInfo.From(context), ct);

        if (outcome == UnsubscribeOutcome.TopicRemoved)
        {
            var name = (await topics.FindAsync(topic!, ct))?.Name ?? topic!;
            return await pages.MessageAsync(context, StatusCodes.Status200OK, "Topic removed",
                $"You will no longer get entries for “{name}”. Your other topics and interests stay as they are.");
        }

        if (outcome == UnsubscribeOutcome.NothingToDo && topic is not null)
        {
            return await pages.MessageAsync(context, StatusCodes.Status200OK, "Nothing to change",
                "You were not following this topic; your subscription is unchanged.");
        }

        return await pages.MessageAsync(context, StatusCodes.Status200OK, "You are unsubscribed",
            "You will get no more digests from us. Changed your mind? You can subscribe again; we will ask you to confirm.",
            "/subscribe", "Subscribe again");
    }

    private static Task<IResult> AlreadyUnsubscribedAsync(HttpContext context, PageRenderer pages) =>
        pages.MessageAsync(context, StatusCodes.Status200OK, "You are not subscribed",
            "This address gets no digests from us. To subscribe again, use the subscription form; we will ask you to confirm.",
            "/subscribe", "Subscribe again");
}

public sealed record UnsubscribeForm(string Action, string Email, string? TopicSlug, string? TopicName, bool OnlyTopic, string PreferencesUrl);
