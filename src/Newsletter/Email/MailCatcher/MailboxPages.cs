using Microsoft.Extensions.Options;
using Newsletter.Configuration;
using Newsletter.Admin;
using Newsletter.Web;

namespace Newsletter.Email.MailCatcher;

/// <summary>
/// <c>/dev/mailbox</c>: what the built-in mail catcher received. Mapped only while the catcher is
/// in use (no Smtp:Host), and, because caught mail holds working confirmation links, answered
/// without the admin key only to a browser on this machine: a loopback socket peer whose request
/// carried no forwarded headers (judged before forwarded-header processing, see <see cref="SocketPeer"/>),
/// while the public base URL, if set, is itself on loopback.
/// </summary>
public static class MailboxPages
{
    public static RouteGroupBuilder MapMailbox(this IEndpointRouteBuilder routes)
    {
        var mailbox = routes.MapGroup("/dev/mailbox").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            return IsLocalDeveloper(http) || http.RequestServices.GetRequiredService<AdminKey>().IsPresentIn(http.Request)
                ? await next(context)
                : TypedResults.Problem(title: "Forbidden", detail: "The mailbox is shown only on this machine or with the admin key.", statusCode: StatusCodes.Status403Forbidden);
        });

        mailbox.MapGet("/", async (HttpContext context, Mailbox box, PageRenderer pages) =>
            await pages.RenderAsync(context, "mailbox", new { Messages = box.List() }, title: "Mailbox"));

        mailbox.MapGet("/messages", (Mailbox box) => TypedResults.Ok(box.List()));

        mailbox.MapGet("/{id}", async (string id, HttpContext context, Mailbox box, PageRenderer pages) =>
        {
            var message = box.Load(id);
            if (message is null)
            {
                return await pages.MessageAsync(context, StatusCodes.Status404NotFound, "No such message", "The mail catcher holds no message with this id.");
            }

            var headers = message.Headers
                .Where(h => h.Field.StartsWith("List-", StringComparison.OrdinalIgnoreCase) || h.Field is "Message-ID" or "Date" or "Reply-To")
                .Select(h => new { Name = h.Field, h.Value })
                .ToList();
            return await pages.RenderAsync(context, "mailbox-message", new
            {
                Message = Mailbox.Summarise(id, message),
                Headers = headers,
                Text = message.TextBody ?? "",
                HasHtml = message.HtmlBody is not null,
            }, title: message.Subject);
        });

        mailbox.MapGet("/{id}/html", (string id, HttpContext context, Mailbox box) =>
        {
            if (box.Load(id)?.HtmlBody is not { } html)
            {
                return Results.NotFound();
            }

            // The email's own HTML, shown in a frame of our page: sandboxed, no scripts, inline styles only.
            context.Response.Headers.ContentSecurityPolicy = "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https: http:; frame-ancestors 'self'";
            context.Response.Headers.XFrameOptions = "SAMEORIGIN";
            // Links open in a new tab: the pages they lead to refuse to be framed.
            const string openLinksOutside = "<base target=\"_blank\">";
            var head = html.IndexOf("<head>", StringComparison.OrdinalIgnoreCase);
            html = head >= 0 ? html.Insert(head + "<head>".Length, openLinksOutside) : openLinksOutside + html;
            return Results.Content(html, "text/html; charset=utf-8");
        });

        mailbox.MapGet("/{id}.eml", (string id, Mailbox box) =>
            box.PathFor(id) is { } path && File.Exists(path)
                ? Results.File(path, "message/rfc822", id + ".eml")
                : Results.NotFound());
        return mailbox;
    }

    private static bool IsLocalDeveloper(HttpContext http)
    {
        // The socket's peer, not the forwarded one: a proxy on this machine must not make every visitor local.
        if (!SocketPeer.Of(http).IsDirectLoopback)
        {
            return false;
        }

        var publicBase = http.RequestServices.GetRequiredService<IOptions<NewsletterOptions>>().Value.PublicBaseUrl;
        return string.IsNullOrEmpty(publicBase) || (Uri.TryCreate(publicBase, UriKind.Absolute, out var uri) && uri.IsLoopback);
    }
}
