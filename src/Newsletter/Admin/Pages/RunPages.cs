using Newsletter.Delivery;
using Newsletter.Web;

namespace Newsletter.Admin.Pages;

/// <summary>
/// <c>/admin/runs</c>: the latest digest runs with their counts; one run's failed and uncertain
/// deliveries with their reasons; start a run, resume a paused one, cancel one (each confirmed first).
/// </summary>
public static class RunPages
{
    public static void MapRunPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/runs", async (string? done, HttpContext context, AdminRunQueries runs, PageRenderer pages, CancellationToken ct) =>
            await pages.RenderAsync(context, "admin/runs", new
            {
                Nav = "runs",
                Flash = AdminFlash.For(done),
                Runs = (await runs.LatestAsync(50, ct)).Select(RunView.From).ToList(),
            }, title: "Runs"));

        admin.MapGet("/runs/start", async (HttpContext context, PageRenderer pages) =>
            await pages.RenderAsync(context, "admin/confirm", new ConfirmAction("runs", "Send digests now",
                "Send a digest now to every active subscriber with something new?",
                "Subscribers whose schedule is not due yet get one too. Nobody gets an entry twice.",
                "/admin/runs/start", "Send now", Danger: false, "/admin/runs"), title: "Send digests now"));
        admin.MapPost("/runs/start", async (HttpContext context, DigestRuns digestRuns, CancellationToken ct) =>
            AdminForms.Done(context, $"/admin/runs/{await digestRuns.StartForcedAsync(ct)}", "started"));

        admin.MapGet("/runs/{id:long}", async (long id, string? done, HttpContext context, AdminRunQueries runs, PageRenderer pages, CancellationToken ct) =>
        {
            if (await runs.GetAsync(id, ct) is not { } run)
            {
                return await SubscriberPages.NotFoundAsync(context, pages);
            }

            return await pages.RenderAsync(context, "admin/run", new
            {
                Nav = "runs",
                Flash = AdminFlash.For(done),
                Run = RunView.From(run),
                Problems = (await runs.ProblemsAsync(id, ct)).Select(p => new
                {
                    p.Id, p.State, p.Attempts, p.LastError, p.SubscriberId, p.Email, At = AdminText.Time(p.UpdatedAt),
                }).ToList(),
            }, title: $"Run {id}");
        });

        admin.MapGet("/runs/{id:long}/resume", (long id, HttpContext context, PageRenderer pages) =>
            pages.RenderAsync(context, "admin/confirm", new ConfirmAction("runs", "Resume",
                $"Resume run {id}?", "Its batches start sending again where they stopped; the failure streak starts from zero.",
                $"/admin/runs/{id}/resume", "Resume", Danger: false, $"/admin/runs/{id}"), title: "Resume"));
        admin.MapPost("/runs/{id:long}/resume", async (long id, HttpContext context, DigestRuns digestRuns, CancellationToken ct) =>
            AdminForms.Done(context, $"/admin/runs/{id}", await digestRuns.ResumeAsync(id, ct) ? "resumed" : "nothing"));

        admin.MapGet("/runs/{id:long}/cancel", (long id, HttpContext context, PageRenderer pages) =>
            pages.RenderAsync(context, "admin/confirm", new ConfirmAction("runs", "Cancel",
                $"Cancel run {id}?", "What is still queued is not sent; entries already chosen for those digests go back to their subscribers' next one. Messages being sent right now finish.",
                $"/admin/runs/{id}/cancel", "Cancel the run", Danger: true, $"/admin/runs/{id}"), title: "Cancel"));
        admin.MapPost("/runs/{id:long}/cancel", async (long id, HttpContext context, DigestRunCanceller canceller, CancellationToken ct) =>
            AdminForms.Done(context, $"/admin/runs/{id}", await canceller.CancelAsync(id, ct) ? "cancelled" : "nothing"));
    }
}
