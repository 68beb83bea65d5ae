using Microsoft.AspNetCore.WebUtilities;

namespace Newsletter.Web;

/// <summary>
/// Errors without a body of their own (an unknown URL, an unhandled exception): a browser gets a
/// page in the site's look, everything else problem details, as before. API paths always get
/// problem details, whatever the Accept header says: their clients parse them.
/// </summary>
public static class ErrorPages
{
    public static WebApplication UseErrorPages(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // The middleware has logged the exception; the visitor learns only that it failed.
            ExceptionHandler = context => WriteAsync(context, StatusCodes.Status500InternalServerError),
        });
        app.UseStatusCodePages(new StatusCodePagesOptions { HandleAsync = s => WriteAsync(s.HttpContext, s.HttpContext.Response.StatusCode) });
        return app;
    }

    public static bool WantsPage(HttpRequest request) =>
        PageRenderer.WantsHtml(request) && !request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private static async Task WriteAsync(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        if (WantsPage(context.Request))
        {
            var (title, detail) = Describe(status);
            var pages = context.RequestServices.GetRequiredService<PageRenderer>();
            var page = await pages.RenderAsync(context, "error", new ErrorPage(status, title, detail), status, title);
            await page.ExecuteAsync(context);
            return;
        }

        // Problem details whatever the Accept header names (the stock writer stays silent for text/html).
        await TypedResults.Problem(statusCode: status, title: ReasonPhrases.GetReasonPhrase(status)).ExecuteAsync(context);
    }

    private static (string Title, string Detail) Describe(int status) => status switch
    {
        StatusCodes.Status404NotFound => ("Page not found", "There is nothing at this address. It may have been mistyped, or the page has moved."),
        StatusCodes.Status410Gone => ("This page is gone", "What was here has been removed and will not come back."),
        StatusCodes.Status405MethodNotAllowed => ("Not possible here", "This address does not take that kind of request."),
        StatusCodes.Status429TooManyRequests => ("Too many requests", "Please wait a minute and try again."),
        >= 500 => ("Something went wrong on our side", "The error has been logged. Please try again in a moment."),
        _ => (ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error", "The request could not be completed."),
    };
}

/// <summary>The model of <c>pages/error.liquid</c>.</summary>
public sealed record ErrorPage(int Status, string Title, string Detail)
{
    public string PageClass => "error-page";
}
