using Hangfire;
using Microsoft.OpenApi;
using Newsletter.Admin;
using Newsletter.Operations;

namespace Newsletter.Subscriptions.Import;

/// <summary>
/// <c>POST /api/subscribers/import</c> (a CSV file, streamed to disk, then one job) and
/// <c>GET /api/subscribers/imports/{id}</c> (its progress). Admin key required.
/// </summary>
public static class SubscriberImportsApi
{
    private const int BadRowsShown = 1000;

    public static RouteGroupBuilder MapSubscriberImportsApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/subscribers").RequireAdminKey().WithTags("Admin");
        admin.MapPost("/import", ImportAsync).DisableAntiforgery()
            .ApiDoc<ImportView>("Imports subscribers from a CSV file (email,topics,interests,frequency,consented_at,consent_source) as one job", StatusCodes.Status202Accepted, 400, 413, 415)
            // Described here, not by .Accepts("text/csv"): routing would then answer other types 415 itself,
            // without the problem details naming the header.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "UTF-8 CSV with a header row: email (required), topics, interests, frequency, consented_at, consent_source; several topics or interests in a cell are separated by |.",
                    Content = new Dictionary<string, OpenApiMediaType> { ["text/csv"] = new() },
                };
                return Task.CompletedTask;
            });
        admin.MapGet("/imports/{id:long}", async (long id, SubscriberImportStore imports, CancellationToken ct) =>
            await imports.GetAsync(id, ct) is { } import
                ? Results.Ok(await ViewAsync(import, imports, ct))
                : TypedResults.Problem(title: "Not found", detail: "id: no import has this id.", statusCode: StatusCodes.Status404NotFound))
            .ApiDoc<ImportView>("An import's progress: rows read, imported, pending confirmation, skipped, and bad rows by line", StatusCodes.Status200OK, 404);
        return admin;
    }

    private static async Task<IResult> ImportAsync(
        HttpContext context, ImportUpload upload, SubscriberImportStore imports, IBackgroundJobClient jobs, TimeProvider clock, CancellationToken ct)
    {
        var (file, problem) = await upload.ReceiveAsync(context.Request, ct);
        if (file is null)
        {
            return problem!;
        }

        long id;
        try
        {
            id = await imports.CreateAsync(Path.GetFileName(file.Path), file.Bytes, clock.GetUtcNow().UtcDateTime, ct);
        }
        catch
        {
            File.Delete(file.Path);
            throw;
        }

        jobs.Enqueue<SubscriberImportJob>(j => j.RunAsync(id, null, CancellationToken.None));
        var import = await imports.GetAsync(id, ct);
        return TypedResults.Accepted($"/api/subscribers/imports/{id}", await ViewAsync(import!, imports, ct));
    }

    private static async Task<ImportView> ViewAsync(SubscriberImport import, SubscriberImportStore imports, CancellationToken ct)
    {
        var bad = import.BadRows > 0 ? await imports.BadRowsAsync(import.Id, BadRowsShown, ct) : [];
        return new ImportView(
            import.Id, import.Status, import.FileBytes, import.RowsRead, import.ImportedActive, import.PendingConfirmation, import.ConfirmationsSent,
            import.SkippedExisting, import.SkippedSuppressed, import.BadRows, bad, bad.Count < import.BadRows, import.LastError,
            Utc(import.CreatedAt), Utc(import.StartedAt), Utc(import.CompletedAt));
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static DateTime? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}

/// <summary>An import's progress: rows read so far and what became of them; bad rows by line (the list is capped, the count is not).</summary>
public sealed record ImportView(
    long Id, string Status, long FileBytes, long RowsRead, long ImportedActive, long PendingConfirmation, long ConfirmationsSent,
    long SkippedAlreadySubscribed, long SkippedSuppressed, long BadRowCount, IReadOnlyList<ImportBadRow> BadRows, bool BadRowsTruncated,
    string? LastError, DateTime CreatedAt, DateTime? StartedAt, DateTime? CompletedAt);
