using Newsletter.Web;

namespace Newsletter.Admin.Pages;

/// <summary>
/// <c>/admin/templates</c>: a preview of every email with sample data. The HTML part is shown in a
/// sandboxed frame from <c>/admin/templates/{name}/html</c>, whose own policy allows only the email's
/// inline styles (the admin pages' policy forbids them); the text part is shown as text.
/// </summary>
public static class TemplatePages
{
    public static void MapTemplatePages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/templates", async (string? name, HttpContext context, TemplatePreviews previews, PageRenderer pages) =>
        {
            var chosen = TemplatePreviews.All.FirstOrDefault(t => t.Name == name);
            if (chosen.Name is null)
            {
                chosen = TemplatePreviews.All[0];
            }

            var message = (await previews.ComposeAsync(chosen.Name))!;
            return await pages.RenderAsync(context, "admin/templates", new
            {
                Nav = "templates",
                Templates = TemplatePreviews.All.Select(t => new { t.Name, t.Title, t.When, Current = t.Name == chosen.Name }).ToList(),
                chosen.Name,
                chosen.Title,
                chosen.When,
                message.Subject,
                From = message.From.ToString(),
                To = message.To.ToString(),
                Text = TemplatePreviews.Part(message, html: false) ?? "",
            }, title: $"Template: {chosen.Title}");
        });

        admin.MapGet("/templates/{name}/html", async (string name, HttpContext context, TemplatePreviews previews) =>
        {
            if (await previews.ComposeAsync(name) is not { } message || TemplatePreviews.Part(message, html: true) is not { } html)
            {
                return Results.NotFound();
            }

            context.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'";
            context.Response.Headers.XFrameOptions = "SAMEORIGIN";
            context.Response.Headers.CacheControl = "no-store";
            return Results.Content(html, "text/html; charset=utf-8");
        });
    }
}
