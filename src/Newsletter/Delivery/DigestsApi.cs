using System.Text.Json;
using Newsletter.Admin;
using Newsletter.Operations;
using Newsletter.Subscriptions;
using Newsletter.Web;

namespace Newsletter.Delivery;

/// <summary>Admin API for digests: start a run, watch it, resume a paused one or cancel it, preview a subscriber's next digest.</summary>
public static class DigestsApi
{
    public static RouteGroupBuilder MapDigestsApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/digests").RequireAdminKey().DisableAntiforgery().WithTags("Admin");
        admin.MapPost("/", StartAsync)
            .ApiDoc<DigestStarted>("Start a digest run: with force, for every active subscriber now; else for those due", StatusCodes.Status202Accepted, 400, 415)
            .Accepts<DigestStartRequest>("application/json");
        admin.MapGet("/{id:long}", async (long id, DigestRunStore runs, CancellationToken ct) =>
            await runs.GetAsync(id, ct) is { } run
                ? Results.Ok(View(run))
                : Results.Problem(title: "Not found", detail: $"No digest run {id}.", statusCode: StatusCodes.Status404NotFound))
            .ApiDoc<DigestRunView>("A digest run and its progress", StatusCodes.Status200OK, 404);
        admin.MapPost("/{id:long}/resume", async (long id, DigestRuns digestRuns, DigestRunStore runs, CancellationToken ct) =>
        {
            if (!await digestRuns.ResumeAsync(id, ct))
            {
                return Results.Problem(title: "Not paused", detail: $"Digest run {id} does not exist or is not paused.", statusCode: StatusCodes.Status409Conflict);
            }

            return Results.Ok(View((await runs.GetAsync(id, ct))!));
        }).ApiDoc<DigestRunView>("Resume a paused run", StatusCodes.Status200OK, 409);
        admin.MapPost("/{id:long}/cancel", async (long id, DigestRunCanceller canceller, DigestRunStore runs, CancellationToken ct) =>
            await canceller.CancelAsync(id, ct)
                ? Results.Ok(View((await runs.GetAsync(id, ct))!))
                : Results.Problem(title: "Not live", detail: $"Digest run {id} does not exist or has already ended.", statusCode: StatusCodes.Status409Conflict))
            .ApiDoc<DigestRunView>("Cancel a live run: what is still queued is skipped and its chosen entries go back to the subscribers' next digests", StatusCodes.Status200OK, 409);
        admin.MapGet("/preview", PreviewAsync)
            .ApiDoc<DigestPreview>("A subscriber's next digest, without sending or recording anything (format=html: the HTML)", StatusCodes.Status200OK, 400, 404)
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
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
        return Results.Accepted($"/api/digests/{id}", new DigestStarted(id));
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

        return Results.Ok(new DigestPreview(
            subscriber.Email,
            message?.Subject,
            rows.Select(r => new DigestPreviewEntry(r.Id, r.SourceId, r.Title, Math.Round(r.Score, 4), r.Reason)).ToList(),
            message?.TextBody));
    }

    private static DigestRunView View(DigestRun run) => new(
        run.Id, run.Kind, run.Status, run.Recipients, run.Sent, run.Failed, run.Skipped, run.Uncertain, run.Pending, run.PausedReason,
        DateTime.SpecifyKind(run.CreatedAt, DateTimeKind.Utc),
        run.CompletedAt is { } c ? DateTime.SpecifyKind(c, DateTimeKind.Utc) : null);
}

/// <summary>The body of <c>POST /api/digests</c> (optional).</summary>
public sealed record DigestStartRequest(bool Force);

public sealed record DigestStarted(long Id);

/// <param name="Status"><c>queued</c>, <c>running</c>, <c>completed</c>, <c>paused</c> or <c>failed</c>.</param>
public sealed record DigestRunView(
    long Id, string Kind, string Status, long Recipients, long Sent, long Failed, long Skipped, long Uncertain, long Pending, string? PausedReason,
    DateTime CreatedAt, DateTime? CompletedAt);

public sealed record DigestPreview(string Email, string? Subject, IReadOnlyList<DigestPreviewEntry> Entries, string? Text);

public sealed record DigestPreviewEntry(long Id, string? SourceId, string Title, double Score, string Reason);
