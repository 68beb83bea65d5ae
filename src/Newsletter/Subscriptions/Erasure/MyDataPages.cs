using Microsoft.AspNetCore.Antiforgery;
using Newsletter.Subscriptions.Pages;
using Newsletter.Operations;
using Newsletter.Web;

namespace Newsletter.Subscriptions.Erasure;

/// <summary>
/// The subscriber's own GDPR rights behind their preferences link: <c>GET /preferences/{token}/export</c>
/// downloads everything held as JSON; <c>GET /preferences/{token}/delete</c> asks for confirmation and its
/// <c>POST</c> (with the antiforgery token) erases it all. Both work whatever the subscriber's status.
/// </summary>
public static class MyDataPages
{
    public static void MapMyDataPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/preferences/{token}/export", ExportAsync).InApiDocs()
            .ApiDoc("Everything held about the subscriber behind this preferences link, as a JSON download", StatusCodes.Status200OK, "application/json", 404);
        routes.MapGet("/preferences/{token}/delete", ConfirmAsync);
        routes.MapPost("/preferences/{token}/delete", DeleteAsync).DisableAntiforgery();
    }

    private static async Task<IResult> ExportAsync(
        string token, HttpContext context, LinkSubscriber links, SubscriberDataExport export, PageRenderer pages, TimeProvider clock, CancellationToken ct)
    {
        var subscriber = await links.ResolveAsync(token, TokenPurpose.Preferences, ct);
        if (subscriber is null)
        {
            return await pages.InvalidLinkAsync(context);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"my-newsletter-data-{now:yyyy-MM-dd}.json\"";
        await export.WriteAsync(subscriber, context.Response.Body, now, ct);
        return TypedResults.Empty;
    }

    private static async Task<IResult> ConfirmAsync(string token, HttpContext context, LinkSubscriber links, PageRenderer pages, CancellationToken ct)
    {
        var subscriber = await links.ResolveAsync(token, TokenPurpose.Preferences, ct);
        if (subscriber is null)
        {
            return await pages.InvalidLinkAsync(context);
        }

        return await pages.RenderAsync(context, "delete-data", new DeleteDataPage(
            EmailAddress.ForDisplay(subscriber.Email),
            $"/preferences/{token}/delete",
            $"/preferences/{token}/export",
            $"/preferences/{token}"), title: "Delete my data");
    }

    private static async Task<IResult> DeleteAsync(
        string token, HttpContext context, IAntiforgery antiforgery, LinkSubscriber links, SubscriberEraser eraser, PageRenderer pages, CancellationToken ct)
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
                    "Nothing was deleted. Open the page again and confirm once more.", $"/preferences/{token}/delete", "Delete my data")
                : JsonBody.Invalid(SubscribePage.AntiforgeryField, "The antiforgery token is missing or invalid; load the delete page and post its form.");
        }

        if (form["confirm"].ToString() != "yes")
        {
            return PageRenderer.WantsHtml(context.Request)
                ? await pages.MessageAsync(context, StatusCodes.Status400BadRequest, "Nothing was deleted",
                    "Tick the box that says you understand, then press the button.", $"/preferences/{token}/delete", "Delete my data")
                : JsonBody.Invalid("confirm", "Send confirm=yes to erase the data; nothing was deleted.");
        }

        await eraser.EraseAsync(subscriber.Id, "subscriber-request", ct);
        return await pages.MessageAsync(context, StatusCodes.Status200OK, "Your data is deleted",
            "We have erased your address, your settings, the digests we sent you and your ratings. We keep only a one-way fingerprint of the address, so that it is not added back to the list without your consent. You can subscribe again at any time.",
            "/subscribe", "Subscribe again");
    }
}

public sealed record DeleteDataPage(string Email, string Action, string ExportUrl, string PreferencesUrl);
