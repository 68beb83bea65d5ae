using Microsoft.AspNetCore.Antiforgery;
using Newsletter.Web;

namespace Newsletter.Admin.Pages;

/// <summary>
/// In front of every admin page but the sign-in form: without a session, a page redirects (302) to
/// the sign-in form with the page as its return URL, and the JSON endpoints under /admin/api answer 401.
/// Every POST must then carry a valid antiforgery token, else 400 and nothing changes.
/// </summary>
public sealed class AdminPageFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!await AdminSession.AuthenticateAsync(http))
        {
            if (http.Request.Path.StartsWithSegments("/admin/api"))
            {
                return TypedResults.Problem(title: "Unauthorized", detail: "Sign in at /admin/login first.", statusCode: StatusCodes.Status401Unauthorized);
            }

            var here = HttpMethods.IsGet(http.Request.Method) ? http.Request.Path + http.Request.QueryString : "/admin";
            return TypedResults.Redirect("/admin/login?returnUrl=" + Uri.EscapeDataString(AdminSession.SafeReturnUrl(here)));
        }

        if (HttpMethods.IsPost(http.Request.Method) && await AdminForms.RefuseAsync(http) is { } refusal)
        {
            return refusal;
        }

        return await next(context);
    }
}

/// <summary>Form checks shared by every admin POST.</summary>
public static class AdminForms
{
    /// <returns>A 400 answer when the form is unreadable or its antiforgery token is missing or invalid; null when it may be acted on.</returns>
    public static async Task<IResult?> RefuseAsync(HttpContext context)
    {
        var (form, problem) = await FormBody.ReadAsync(context.Request, context.RequestAborted);
        if (form is null)
        {
            return problem;
        }

        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (await antiforgery.IsRequestValidAsync(context))
        {
            return null;
        }

        return await context.RequestServices.GetRequiredService<PageRenderer>().MessageAsync(context, StatusCodes.Status400BadRequest,
            "The form has expired", "Nothing was changed. Go back, reload the page and send the form again.", "/admin", "Back to the admin pages");
    }

    /// <summary>Field errors as templates read them: <c>{{ errors.slug }}</c>.</summary>
    public static Dictionary<string, object> ForPage(FieldErrors errors) =>
        errors.ToDictionary(e => e.Key, e => (object)string.Join(" ", e.Value), StringComparer.Ordinal);

    /// <summary>303 to a page with one of the fixed messages of <see cref="AdminFlash"/> (never text from the request).</summary>
    public static IResult Done(HttpContext context, string url, string flash) =>
        PageRenderer.SeeOther(context, url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "done=" + flash);
}

/// <summary>The messages shown after an action, chosen by a key in the URL.</summary>
public static class AdminFlash
{
    private static readonly Dictionary<string, string> Messages = new(StringComparer.Ordinal)
    {
        ["unsubscribed"] = "The subscriber was unsubscribed from everything.",
        ["erased"] = "The subscriber was erased, with everything held about them.",
        ["resumed"] = "The run was resumed.",
        ["cancelled"] = "The run was cancelled; what was still queued will not be sent.",
        ["started"] = "A digest run was started.",
        ["hidden"] = "The entry is hidden: no digest or public list will show it.",
        ["shown"] = "The entry is shown again.",
        ["deleted"] = "The entry was deleted.",
        ["created"] = "The topic was created.",
        ["saved"] = "The topic was saved.",
        ["archived"] = "The topic was archived: the subscription form no longer offers it.",
        ["nothing"] = "Nothing changed: it was already done, or no longer exists.",
    };

    public static string? For(string? key) => key is not null && Messages.TryGetValue(key, out var message) ? message : null;
}
