using System.Globalization;
using Newsletter.Web;

namespace Newsletter.Admin.Pages;

/// <summary><c>/admin/entries</c>: search by title, page by id; hide (and show again) or delete an entry.</summary>
public static class EntryPages
{
    public const int PageSize = 30;

    public static void MapEntryPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/entries", async (string? q, long? after, long? before, string? done, HttpContext context, AdminEntryQueries entries, PageRenderer pages, CancellationToken ct) =>
        {
            var search = q is { Length: > 200 } ? q[..200] : q;
            var page = await entries.SearchAsync(search, after, before, PageSize, ct);
            var query = SubscriberPages.Query(("q", search?.Trim()));
            var joiner = query.Length > 0 ? "&" : "?";
            return await pages.RenderAsync(context, "admin/entries", new
            {
                Nav = "entries",
                Flash = AdminFlash.For(done),
                Q = search,
                Here = "/admin/entries" + SubscriberPages.Query(("q", search?.Trim()), ("after", after?.ToString(CultureInfo.InvariantCulture)), ("before", before?.ToString(CultureInfo.InvariantCulture))),
                Rows = page.Items.Select(e => new
                {
                    e.Id, e.SourceId, e.Title, e.Url, Upvotes = AdminText.Count(e.Upvotes), Arrived = AdminText.Time(e.ArrivedAt), Hidden = e.HiddenAt is not null,
                }).ToList(),
                Paged = after is not null || before is not null,
                FirstUrl = "/admin/entries" + query,
                OlderUrl = page.OlderAfter is { } o ? $"/admin/entries{query}{joiner}after={o}" : null,
                NewerUrl = page.NewerBefore is { } n ? $"/admin/entries{query}{joiner}before={n}" : null,
            }, title: "Entries");
        });

        admin.MapPost("/entries/{id:long}/hide", async (long id, HttpContext context, AdminEntryQueries entries, CancellationToken ct) =>
            AdminForms.Done(context, BackTo(context), await entries.HideAsync(id, ct) ? "hidden" : "nothing"));
        admin.MapPost("/entries/{id:long}/show", async (long id, HttpContext context, AdminEntryQueries entries, CancellationToken ct) =>
            AdminForms.Done(context, BackTo(context), await entries.ShowAsync(id, ct) ? "shown" : "nothing"));
        admin.MapGet("/entries/{id:long}/delete", (long id, HttpContext context, PageRenderer pages) =>
            pages.RenderAsync(context, "admin/confirm", new ConfirmAction("entries", "Delete entry",
                $"Delete entry {id} for good?", "It disappears from past digests' records and from every subscriber's thumbs. To keep it out of digests only, hide it instead.",
                $"/admin/entries/{id}/delete", "Delete for good", Danger: true, "/admin/entries"), title: "Delete entry"));
        admin.MapPost("/entries/{id:long}/delete", async (long id, HttpContext context, AdminEntryQueries entries, CancellationToken ct) =>
            AdminForms.Done(context, "/admin/entries", await entries.DeleteAsync(id, ct) ? "deleted" : "nothing"));
    }

    /// <summary>Back to the list the form was on (a local /admin/entries URL from the form), else its first page.</summary>
    private static string BackTo(HttpContext context)
    {
        var back = context.Request.Form["back"].ToString();
        return back.StartsWith("/admin/entries", StringComparison.Ordinal) && AdminSession.SafeReturnUrl(back) == back && !back.Contains("done=", StringComparison.Ordinal)
            ? back
            : "/admin/entries";
    }
}
