using Newsletter.Web;

namespace Newsletter.Admin.Pages;

/// <summary>
/// <c>GET /admin</c>: subscribers by status, sign-ups and sends per day for 30 days, the latest runs
/// with progress bars; and the JSON the bars poll while a run is going (<c>/admin/api/runs/{id}</c>).
/// </summary>
public static class OverviewPage
{
    public const int ChartDays = 30;

    public static void MapOverviewPage(this RouteGroupBuilder admin)
    {
        admin.MapGet("", async (HttpContext context, AdminSubscriberQueries subscribers, AdminRunQueries runs, TimeProvider clock, PageRenderer pages, CancellationToken ct) =>
        {
            var counts = await subscribers.CountByStatusAsync(ct);
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var days = Enumerable.Range(0, ChartDays).Select(i => today.AddDays(i - ChartDays + 1)).ToList();
            var (signups, sends) = await runs.PerDayAsync(days[0].ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), ct);
            var model = new
            {
                Nav = "overview",
                Statuses = SubscriberPages.Statuses.Select(s => new { Name = s, Count = AdminText.Count(counts.GetValueOrDefault(s)) }).ToList(),
                Total = AdminText.Count(counts.Values.Sum()),
                Charts = new[]
                {
                    DailyChart.Build("signups", "Sign-ups per day", "sign-ups", days, signups),
                    DailyChart.Build("sends", "Digests sent per day", "digests sent", days, sends),
                },
                Runs = (await runs.LatestAsync(5, ct)).Select(RunView.From).ToList(),
            };
            return await pages.RenderAsync(context, "admin/overview", model, title: "Overview");
        });

        admin.MapGet("/api/runs/{id:long}", async (long id, AdminRunQueries runs, CancellationToken ct) =>
            await runs.GetAsync(id, ct) is { } run
                ? Results.Ok(RunView.From(run))
                : Results.Problem(title: "Not found", detail: $"No digest run {id}.", statusCode: StatusCodes.Status404NotFound));
    }
}
