using System.Text.Json;
using Newsletter.Admin;
using Newsletter.Subscriptions;
using Newsletter.Web;

namespace Newsletter.Delivery;

/// <summary>Admin API for digests: start a run, watch it, resume a paused one or cancel it, preview a subscriber's next digest.</summary>
public static class DigestsApi
{
    public static RouteGroupBuilder MapDigestsApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/digests").RequireAdminKey().DisableAntiforgery().WithTags("Admin");
        admin.MapPost("/", StartAsync);
        admin.MapGet("/{id:long}", async (long id, DigestRunStore runs, CancellationToken ct) =>
            await runs.GetAsync(id, ct) is { } run
                ? Results.Ok(View(run))
                : Results.Problem(title: "Not found", detail: $"No digest run {id}.", statusCode: StatusCodes.Status404NotFound));
        admin.MapPost("/{id:long}/resume", async (long id, DigestRuns digestRuns, DigestRunStore runs, CancellationToken ct) =>
        {
            if (!await digestRuns.ResumeAsync(id, ct))
            {
                return Results.Problem(title: "Not paused", detail: $"Digest run {id} does not exist or is not paused.", statusCode: StatusCodes.Status409Conflict);
            }

            return Results.Ok(View((await runs.GetAsync(id, ct))!));
        });
        admin.MapPost("/{id:long}/cancel", async (long id, DigestRunCanceller canceller, DigestRunStore runs, CancellationToken ct) =>
            await canceller.CancelAsync(id, ct)
                ? Results.Ok(View((await runs.GetAsync(id, ct))!))
                : Results.Problem(title: "Not live", detail: $"Digest run {id} does not exist or has already ended.", statusCode: StatusCodes.Status409Conflict));
        admin.MapGet("/preview", PreviewAsync);
        return admin;
    }

    private static async Task<IResult> StartAsync(HttpContext context, DigestRuns runs, CancellationToken ct)
    {
        var force = false;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var (document, problem) = await JsonBody.ReadAsync(context.Request);
            if (problem is not null)
            {
                return problem;
            }

            using (document)
            {
                var root = document!.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return JsonBody.Invalid("body", "Send {\"force\": true} or {\"force\": false}.");
                }

                if (root.TryGetProperty("force", out var f))
                {
                    if (f.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        return JsonBody.Invalid("force", "force must be true or false.");
                    }

                    force = f.GetBoolean();
                }
            }
        }

        var id = force ? await runs.StartForcedAsync(ct) : (await runs.StartScheduledAsync(ct))!.Value;
        return Results.Accepted($"/api/digests/{id}", new { id });
    }

    private static async Task<IResult> PreviewAsync(
        string? email, string? format, SubscriberStore subscribers, DigestPlanner planner, DeliveryStore store, DigestComposer composer,
        TimeProvider clock, CancellationToken ct)
    {
        var normalised = EmailAddress.Normalise(email, out var error);
        if (normalised is null)
        {
            return JsonBody.Invalid("email", error!);
        }

        if (await subscribers.FindByEmailAsync(normalised, ct) is not { } subscriber)
        {
            return Results.Problem(title: "Not found", detail: "email: no subscriber has this address.", statusCode: StatusCodes.Status404NotFound);
        }

        await using var connection = await store.OpenAsync(ct);
        var picks = await planner.PlanAsync(connection, subscriber, clock.GetUtcNow().UtcDateTime);
        var rows = await store.RowsForAsync(connection, picks);
        var message = rows.Count > 0 ? await composer.ComposeAsync(subscriber, rows) : null;
        if (format == "html")
        {
            return message is null
                ? Results.Problem(title: "Nothing to send", detail: "No new entry qualifies for this subscriber's next digest.", statusCode: StatusCodes.Status404NotFound)
                : Results.Content(message.HtmlBody, "text/html; charset=utf-8");
        }

        return Results.Ok(new
        {
            email = subscriber.Email,
            subject = message?.Subject,
            entries = rows.Select(r => new { id = r.Id, sourceId = r.SourceId, r.Title, score = Math.Round(r.Score, 4), r.Reason }),
            text = message?.TextBody,
        });
    }

    private static object View(DigestRun run) => new
    {
        run.Id,
        run.Kind,
        run.Status,
        run.Recipients,
        run.Sent,
        run.Failed,
        run.Skipped,
        run.Uncertain,
        run.Pending,
        run.PausedReason,
        CreatedAt = DateTime.SpecifyKind(run.CreatedAt, DateTimeKind.Utc),
        CompletedAt = run.CompletedAt is { } c ? DateTime.SpecifyKind(c, DateTimeKind.Utc) : (DateTime?)null,
    };
}
