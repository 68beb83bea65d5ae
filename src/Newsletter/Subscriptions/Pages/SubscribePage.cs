using Microsoft.AspNetCore.Antiforgery;
using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Subscriptions.Pages;

/// <summary>
/// <c>GET/POST /subscribe</c>: the form that works without JavaScript. Errors come back next to
/// their fields with the values kept; success redirects (303) to a "check your inbox" page, so a
/// reload does not submit twice.
/// </summary>
public static class SubscribePage
{
    /// <summary>A field people cannot see; bots that fill every field fill this one too.</summary>
    public const string HoneypotField = "website";

    /// <summary>The form field that carries the antiforgery token (see WebExtensions).</summary>
    public const string AntiforgeryField = "__antiforgery";

    public static void MapSubscribePage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/subscribe", async (HttpContext context, TopicStore topics, PageRenderer pages, CancellationToken ct) =>
            await pages.RenderAsync(context, "subscribe", await FormAsync(topics, new SubscriptionInput(null, [], null, "daily"), new FieldErrors(), ct), title: "Subscribe"));
        routes.MapPost("/subscribe", SubmitAsync).RequireRateLimiting(SubscriptionRateLimits.Policy).DisableAntiforgery();
        routes.MapGet("/subscribe/sent", async (HttpContext context, PageRenderer pages) =>
            await pages.RenderAsync(context, "subscribe-sent", new { }, title: "Check your inbox"));
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext context, IAntiforgery antiforgery, TopicStore topicStore, SubscriptionService subscriptions, PageRenderer pages, CancellationToken ct)
    {
        var (form, problem) = await FormBody.ReadAsync(context.Request, ct);
        if (form is null)
        {
            return problem!;
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return PageRenderer.WantsHtml(context.Request)
                ? await pages.MessageAsync(context, StatusCodes.Status400BadRequest, "The form has expired",
                    "Reload the subscription page and send the form again.", "/subscribe", "Back to the form")
                : JsonBody.Invalid(AntiforgeryField, "The antiforgery token is missing or invalid; load /subscribe and post its form.");
        }

        if (!string.IsNullOrEmpty(form[HoneypotField]))
        {
            // Answer as if it worked so the bot learns nothing; store nothing, send nothing.
            return PageRenderer.SeeOther(context, "/subscribe/sent");
        }

        var input = new SubscriptionInput(form["email"], form["topics"].Where(t => t is not null).Select(t => t!).ToList(), form["interests"], form["frequency"]);
        var errors = new FieldErrors();
        var knownTopics = await topicStore.ListActiveAsync(ct);
        var valid = SubscriptionValidator.Validate(input, knownTopics.Select(t => t.Slug).ToHashSet(StringComparer.Ordinal), errors);
        if (valid is null && !PageRenderer.WantsHtml(context.Request))
        {
            return JsonBody.Invalid(errors);
        }

        if (valid is null)
        {
            return await pages.RenderAsync(context, "subscribe", await FormAsync(topicStore, input, errors, ct), StatusCodes.Status400BadRequest, "Subscribe");
        }

        var wait = await subscriptions.RequestAsync(valid, "form", ClientInfo.From(context), ct);
        if (wait is { } retryAfter)
        {
            return await SubscriptionRateLimits.TooManyRequestsAsync(context, retryAfter);
        }

        return PageRenderer.SeeOther(context, "/subscribe/sent");
    }

    private static async Task<SubscribeForm> FormAsync(TopicStore topicStore, SubscriptionInput input, FieldErrors errors, CancellationToken ct)
    {
        var chosen = input.Topics ?? [];
        var topics = (await topicStore.ListActiveAsync(ct))
            .Select(t => new TopicOption(t.Slug, t.Name, t.Description, chosen.Contains(t.Slug)))
            .ToList();
        return new SubscribeForm(
            topics,
            input.Email ?? "",
            input.Interests ?? "",
            input.Frequency is "weekly" ? "weekly" : "daily",
            new FormErrors(errors.For("email"), errors.For("topics"), errors.For("interests"), errors.For("frequency")),
            HoneypotField,
            SubscriptionValidator.MaxInterestLines,
            SubscriptionValidator.MaxInterestCharacters);
    }
}

public sealed record TopicOption(string Slug, string Name, string Description, bool Checked);

public sealed record FormErrors(string? Email, string? Topics, string? Interests, string? Frequency, string? TimeZone = null, string? DeliveryHour = null)
{
    public bool Any => Email is not null || Topics is not null || Interests is not null || Frequency is not null || TimeZone is not null || DeliveryHour is not null;
}

public sealed record SubscribeForm(
    IReadOnlyList<TopicOption> Topics, string Email, string Interests, string Frequency, FormErrors Errors,
    string HoneypotField, int MaxInterestLines, int MaxInterestCharacters);
