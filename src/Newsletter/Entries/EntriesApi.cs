using System.Text.Json;
using Newsletter.Admin;
using Newsletter.Operations;
using Newsletter.Web;

namespace Newsletter.Entries;

/// <summary><c>POST /api/entries</c> (admin): a JSON array of entries in, what happened to each out.</summary>
public static class EntriesApi
{
    public const int MaxBatch = 5_000;
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    public static RouteGroupBuilder MapEntriesApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/entries").RequireAdminKey().DisableAntiforgery().WithTags("Admin");
        admin.MapPost("/", IngestAsync)
            .ApiDoc<IngestionResult>($"Add entries (at most {MaxBatch:N0} a request): what was created, updated, duplicated or rejected", StatusCodes.Status200OK, 400, 415)
            .Accepts<EntryJson[]>("application/json");
        return admin;
    }

    private static async Task<IResult> IngestAsync(HttpContext context, EntryIngestion ingestion, CancellationToken ct)
    {
        var (document, problem) = await JsonBody.ReadAsync(context.Request, MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return JsonBody.Invalid("body", "Send a JSON array of entries: [{\"id\", \"title\", \"abstract\", \"url\", \"authors\", \"publishedAt\", \"upvotes\"}].");
            }

            if (root.GetArrayLength() > MaxBatch)
            {
                return JsonBody.Invalid("body", $"Send at most {MaxBatch:N0} entries a request (got {root.GetArrayLength():N0}).");
            }

            var result = await ingestion.IngestAsync(root.EnumerateArray().Select((e, i) => (i, e)), "api", ct);
            return TypedResults.Ok(result);
        }
    }
}
