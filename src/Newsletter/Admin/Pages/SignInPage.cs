using System.Globalization;
using Newsletter.Web;

namespace Newsletter.Admin.Pages;

/// <summary>
/// <c>/admin/login</c>: one password field for the admin key. A right key starts a session and goes
/// to the return URL (a local /admin URL only); a wrong one waits a second and says only that it was
/// wrong; too many wrong ones from one client are refused for a while (<see cref="SignInThrottle"/>).
/// </summary>
public static class SignInPage
{
    public static void MapSignInPage(this RouteGroupBuilder admin)
    {
        foreach (var path in new[] { "/login", "/sign-in" })
        {
            admin.MapGet(path, async (string? returnUrl, HttpContext context, PageRenderer pages) =>
                await AdminSession.AuthenticateAsync(context)
                    ? TypedResults.Redirect(AdminSession.SafeReturnUrl(returnUrl))
                    : await FormAsync(context, pages, returnUrl, error: null, StatusCodes.Status200OK));
            admin.MapPost(path, SignInAsync);
        }

        foreach (var path in new[] { "/logout", "/sign-out" })
        {
            admin.MapPost(path, async (HttpContext context) =>
            {
                if (await AdminSession.AuthenticateAsync(context))
                {
                    if (await AdminForms.RefuseAsync(context) is { } refusal)
                    {
                        return refusal;
                    }

                    await AdminSession.SignOutAsync(context);
                }

                return PageRenderer.SeeOther(context, "/admin/login?signedOut=1");
            });
        }
    }

    private static async Task<IResult> SignInAsync(HttpContext context, AdminKey key, SignInThrottle throttle, PageRenderer pages)
    {
        if (await AdminForms.RefuseAsync(context) is { } refusal)
        {
            return refusal;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? returnUrl = form["returnUrl"];
        var client = context.Connection.RemoteIpAddress;
        if (throttle.WaitFor(client) is { } wait)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return await FormAsync(context, pages, returnUrl,
                $"Too many wrong keys from your address. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.", StatusCodes.Status429TooManyRequests);
        }

        if (!key.Matches(form["key"]))
        {
            // The same answer, after the same wait, for every wrong key: nothing tells a guesser how close it was.
            await Task.Delay(SignInThrottle.WrongKeyDelay, context.RequestAborted);
            throttle.RecordFailure(client);
            return await FormAsync(context, pages, returnUrl, "That is not the admin key.", StatusCodes.Status401Unauthorized);
        }

        throttle.Forget(client);
        await AdminSession.SignInAsync(context);
        return PageRenderer.SeeOther(context, AdminSession.SafeReturnUrl(returnUrl));
    }

    private static async Task<IResult> FormAsync(HttpContext context, PageRenderer pages, string? returnUrl, string? error, int status) =>
        await pages.RenderAsync(context, "admin/login", new
        {
            Nav = (string?)null,
            ReturnUrl = AdminSession.SafeReturnUrl(returnUrl),
            Error = error,
            SignedOut = context.Request.Query.ContainsKey("signedOut") && error is null,
        }, status, "Sign in");
}
