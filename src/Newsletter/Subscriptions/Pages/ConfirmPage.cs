using System.Text.Json;
using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Subscriptions.Pages;

/// <summary>
/// <c>GET /confirm/{token}</c> shows a button; <c>POST</c> confirms. Mail scanners that fetch every
/// link in a message therefore confirm nothing. The POST needs no cookie or antiforgery token: the
/// signed token is the proof, and a second POST is harmless.
/// </summary>
public static class ConfirmPage
{
    public static void MapConfirmPage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/confirm/{token}", ShowAsync);
        routes.MapPost("/confirm/{token}", ConfirmAsync).DisableAntiforgery();
    }

    /// <summary>
    /// Shows what the person is about to agree to (topics, interests, frequency), since someone else
    /// may have filled in the form for their address. They are escaped like all page text.
    /// </summary>
    private static async Task<IResult> ShowAsync(
        string token, HttpContext context, SubscriberTokens tokens, SubscriptionService subscriptions, TopicStore topics, PageRenderer pages, CancellationToken ct)
    {
        if (!tokens.TryRead(token, TokenPurpose.Confirm, out var subscriberId, out var requestId))
        {
            return await pages.InvalidLinkAsync(context);
        }

        var (outcome, subscriber, request) = await subscriptions.CheckConfirmationAsync(subscriberId, requestId, ct);
        if (outcome != ConfirmOutcome.Confirmed)
        {
            return await ResultAsync(context, pages, outcome);
        }

        var slugs = JsonSerializer.Deserialize<string[]>(request!.Topics) ?? [];
        var topicNames = (await topics.ListActiveAsync(ct)).Where(t => slugs.Contains(t.Slug)).Select(t => t.Name).ToList();
        return await pages.RenderAsync(context, "confirm", new ConfirmForm(
            $"/confirm/{token}",
            EmailAddress.ForDisplay(subscriber!.Email),
            topicNames,
            request.Interests.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            request.Frequency), title: "Confirm your subscription");
    }

    private static async Task<IResult> ConfirmAsync(
        string token, HttpContext context, SubscriberTokens tokens, SubscriptionService subscriptions, SubscriberStore subscribers, PageRenderer pages, CancellationToken ct)
    {
        if (!tokens.TryRead(token, TokenPurpose.Confirm, out var subscriberId, out var requestId))
        {
            return await pages.InvalidLinkAsync(context);
        }

        var outcome = await subscriptions.ConfirmAsync(subscriberId, requestId, ClientInfo.From(context), ct);
        if (outcome == ConfirmOutcome.Confirmed && await subscribers.GetAsync(subscriberId, ct) is { } subscriber)
        {
            return await pages.MessageAsync(context, StatusCodes.Status200OK, "You are subscribed",
                "Thank you for confirming. A welcome email is on its way; your first digest follows on your schedule.",
                $"/preferences/{tokens.Create(TokenPurpose.Preferences, subscriber.Id, subscriber.TokenVersion)}", "Choose when it arrives and what it holds");
        }

        return await ResultAsync(context, pages, outcome);
    }

    private static Task<IResult> ResultAsync(HttpContext context, PageRenderer pages, ConfirmOutcome outcome) => outcome switch
    {
        ConfirmOutcome.AlreadyConfirmed => pages.MessageAsync(context, StatusCodes.Status200OK, "Already confirmed",
            "This subscription is already confirmed. There is nothing more to do."),
        ConfirmOutcome.Expired => pages.MessageAsync(context, StatusCodes.Status410Gone, "This link has expired",
            "Confirmation links work for a limited time. Subscribe again to get a new one.", "/subscribe", "Subscribe again"),
        _ => pages.InvalidLinkAsync(context),
    };
}

public sealed record ConfirmForm(string Action, string Email, IReadOnlyList<string> Topics, IReadOnlyList<string> Interests, string Frequency);
