using Microsoft.AspNetCore.Antiforgery;
using Newsletter.Matching;
using Newsletter.Matching.Embeddings;
using Newsletter.Matching.Learning;
using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Subscriptions.Pages;

/// <summary><c>GET/POST /preferences/{token}</c>: topics, interests, frequency, delivery hour and time zone, pause.</summary>
public static class PreferencesPage
{
    private static readonly Lazy<IReadOnlyList<string>> TimeZones = new(() =>
        TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/') || id == "UTC").Order(StringComparer.Ordinal).ToList());

    public static void MapPreferencesPage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/preferences/{token}", ShowAsync);
        routes.MapPost("/preferences/{token}", SaveAsync).DisableAntiforgery();
        routes.MapPost("/preferences/{token}/learning/reset", ResetLearningAsync).DisableAntiforgery();
    }

    /// <summary>Forgets every thumb: the learned profile is rebuilt from them, so nothing learned remains.</summary>
    private static async Task<IResult> ResetLearningAsync(
        string token, HttpContext context, IAntiforgery antiforgery, LinkSubscriber links, ThumbsStore thumbs, PageRenderer pages, CancellationToken ct)
    {
        var subscriber = await links.ResolveAsync(token, TokenPurpose.Preferences, ct);
        if (subscriber is null)
        {
            return await pages.InvalidLinkAsync(context);
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return PageRenderer.WantsHtml(context.Request)
                ? await pages.MessageAsync(context, StatusCodes.Status400BadRequest, "The form has expired",
                    "Open your preferences link again and reset once more.", $"/preferences/{token}", "Open my preferences")
                : JsonBody.Invalid(SubscribePage.AntiforgeryField, "The antiforgery token is missing or invalid; load the preferences page and post its form.");
        }

        await thumbs.ForgetFeedbackAsync(subscriber.Id, ct);
        return PageRenderer.SeeOther(context, $"/preferences/{token}?reset=true#learned");
    }

    private static async Task<IResult> ShowAsync(
        string token, string? saved, string? reset, HttpContext context, LinkSubscriber links, SubscriberStore subscribers, TopicStore topics,
        ThumbsStore thumbs, MatchingOptions matching, PageRenderer pages, CancellationToken ct)
    {
        var subscriber = await links.ResolveAsync(token, TokenPurpose.Preferences, ct);
        if (subscriber is null)
        {
            return await pages.InvalidLinkAsync(context);
        }

        if (!subscriber.IsActive)
        {
            return await NotSubscribedAsync(context, pages, token);
        }

        var settings = await subscribers.GetSettingsAsync(subscriber.Id, ct);
        var current = new Preferences(settings.Topics, settings.Interests, subscriber.Frequency, subscriber.DeliveryHour, subscriber.TimeZone, subscriber.Paused);
        var form = await FormAsync(token, subscriber, links, topics, current, string.Join('\n', settings.Interests), new FieldErrors(), saved is not null, ct);
        var learned = await LearnedSummary.ForAsync(thumbs, matching, subscriber.Id, $"/preferences/{token}/learning/reset", reset is not null, ct);
        return await pages.RenderAsync(context, "preferences", form with { Learned = learned }, title: "Your preferences");
    }

    private static async Task<IResult> SaveAsync(
        string token, HttpContext context, IAntiforgery antiforgery, LinkSubscriber links, SubscriptionService subscriptions,
        TopicStore topics, PageRenderer pages, CancellationToken ct)
    {
        var subscriber = await links.ResolveAsync(token, TokenPurpose.Preferences, ct);
        if (subscriber is null)
        {
            return await pages.InvalidLinkAsync(context);
        }

        var (form, problem) = await FormBody.ReadAsync(context.Request, ct);
        if (form is null)
        {
            return problem!;
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return PageRenderer.WantsHtml(context.Request)
                ? await pages.MessageAsync(context, StatusCodes.Status400BadRequest, "The form has expired",
                    "Open your preferences link again and save once more.", $"/preferences/{token}", "Open my preferences")
                : JsonBody.Invalid(SubscribePage.AntiforgeryField, "The antiforgery token is missing or invalid; load the preferences page and post its form.");
        }

        if (!subscriber.IsActive)
        {
            return await NotSubscribedAsync(context, pages, token);
        }

        var errors = new FieldErrors();
        var known = (await topics.ListActiveAsync(ct)).Select(t => t.Slug).ToHashSet(StringComparer.Ordinal);
        var chosenTopics = SubscriptionValidator.ValidateTopics(form["topics"].Where(t => t is not null).Select(t => t!).ToList(), known, errors);
        var interests = SubscriptionValidator.ValidateInterests(form["interests"], errors);
        var frequency = SubscriptionValidator.ValidateFrequency(form["frequency"], errors, required: true);
        var hour = int.TryParse(form["delivery_hour"], out var h) && h is >= 0 and <= 23 ? h : -1;
        if (hour < 0)
        {
            errors.Add("delivery_hour", "Choose an hour from 0 to 23.");
        }

        var timeZone = form["time_zone"].ToString();
        if (!TimeZones.Value.Contains(timeZone, StringComparer.Ordinal))
        {
            errors.Add("time_zone", "Choose a time zone from the list, such as Europe/Berlin.");
        }

        var preferences = new Preferences(chosenTopics, interests, frequency ?? subscriber.Frequency, Math.Max(hour, 0), timeZone,
            form["paused"] is { Count: > 0 } paused && paused[0] is "on" or "true");
        if (errors.Count > 0 && !PageRenderer.WantsHtml(context.Request))
        {
            return JsonBody.Invalid(errors);
        }

        if (errors.Count > 0)
        {
            return await pages.RenderAsync(context, "preferences",
                await FormAsync(token, subscriber, links, topics, preferences, form["interests"].ToString(), errors, false, ct),
                StatusCodes.Status400BadRequest, "Your preferences");
        }

        await subscriptions.UpdatePreferencesAsync(subscriber.Id, preferences, ClientInfo.From(context), ct);
        return PageRenderer.SeeOther(context, $"/preferences/{token}?saved=true");
    }

    private static async Task<PreferencesForm> FormAsync(
        string token, Subscriber subscriber, LinkSubscriber links, TopicStore topics, Preferences values, string interestsText,
        FieldErrors errors, bool saved, CancellationToken ct)
    {
        var options = (await topics.ListActiveAsync(ct))
            .Select(t => new TopicOption(t.Slug, t.Name, t.Description, values.Topics.Contains(t.Slug)))
            .ToList();
        return new PreferencesForm(
            $"/preferences/{token}",
            EmailAddress.ForDisplay(subscriber.Email),
            options,
            interestsText,
            values.Frequency,
            Enumerable.Range(0, 24).Select(h => new HourOption(h, $"{h:00}:00", h == values.DeliveryHour)).ToList(),
            TimeZones.Value.Select(z => new TimeZoneOption(z, z == values.TimeZone)).ToList(),
            values.Paused,
            saved,
            new FormErrors(null, errors.For("topics"), errors.For("interests"), errors.For("frequency"), errors.For("time_zone"), errors.For("delivery_hour")),
            $"/unsubscribe/{links.TokenFor(subscriber, TokenPurpose.Unsubscribe)}",
            SubscriptionValidator.MaxInterestLines,
            SubscriptionValidator.MaxInterestCharacters);
    }

    // What is held about a former subscriber can still be downloaded or erased from here.
    private static Task<IResult> NotSubscribedAsync(HttpContext context, PageRenderer pages, string token) =>
        pages.MessageAsync(context, StatusCodes.Status200OK, "You are not subscribed",
            "This address gets no digests from us, so it has no preferences to change. You can still download or delete the data we hold about it.",
            $"/preferences/{token}/delete", "Download or delete my data");
}

public sealed record HourOption(int Value, string Label, bool Selected);

public sealed record TimeZoneOption(string Id, bool Selected);

public sealed record PreferencesForm(
    string Action, string Email, IReadOnlyList<TopicOption> Topics, string Interests, string Frequency,
    IReadOnlyList<HourOption> Hours, IReadOnlyList<TimeZoneOption> TimeZones, bool Paused, bool Saved, FormErrors Errors,
    string UnsubscribeUrl, int MaxInterestLines, int MaxInterestCharacters)
{
    /// <summary>Shown on the page as loaded, not after a failed save (the form is the point then).</summary>
    public LearnedSummary? Learned { get; init; }
}
