using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Newsletter.Configuration;
using Newsletter.Templating;

namespace Newsletter.Web;

/// <summary>Server-rendered HTML pages from <c>templates/pages/*.liquid</c>, inside <c>pages/_layout</c>.</summary>
public sealed class PageRenderer(TemplateRenderer templates, IAntiforgery antiforgery, IOptions<NewsletterOptions> newsletter)
{
    public async Task<ContentHttpResult> RenderAsync(HttpContext context, string name, object model, int status = StatusCodes.Status200OK, string? title = null)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var globals = new Dictionary<string, object?>
        {
            ["site_name"] = newsletter.Value.SiteName,
            ["page_title"] = title ?? newsletter.Value.SiteName,
            ["antiforgery_field"] = tokens.FormFieldName,
            ["antiforgery_token"] = tokens.RequestToken,
        };
        var html = await templates.RenderAsync($"pages/{name}", model, html: true, globals);
        // Pages behind token links must not be cached by shared caches or the browser's history.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>A message page (invalid link, done, ...): HTML for browsers, problem details for everything else.</summary>
    public async Task<IResult> MessageAsync(HttpContext context, int status, string title, string detail, string? linkUrl = null, string? linkText = null)
    {
        if (!WantsHtml(context.Request))
        {
            return TypedResults.Problem(title: title, detail: detail, statusCode: status);
        }

        return await RenderAsync(context, "message", new MessagePage(title, detail, linkUrl, linkText), status, title);
    }

    /// <summary>The one answer for every link whose token does not verify, whatever the reason (no hints for guessers).</summary>
    public Task<IResult> InvalidLinkAsync(HttpContext context) =>
        MessageAsync(context, StatusCodes.Status404NotFound, "This link is not valid",
            "The link may be incomplete. Copy the whole link from the email, or subscribe again.", "/subscribe", "Go to the subscription page");

    /// <summary>303: after a form POST, the browser GETs the result page; a reload does not post again.</summary>
    public static IResult SeeOther(HttpContext context, string url)
    {
        context.Response.Headers.Location = url;
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }

    public static bool WantsHtml(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}

public sealed record MessagePage(string Title, string Detail, string? LinkUrl = null, string? LinkText = null);
