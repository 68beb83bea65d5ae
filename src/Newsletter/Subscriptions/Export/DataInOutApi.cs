using Newsletter.Admin;
using Newsletter.Operations;
using Newsletter.Subscriptions.Erasure;

namespace Newsletter.Subscriptions.Export;

/// <summary>The operator's side of data out: <c>GET /api/subscribers/export.csv</c> and <c>DELETE /api/subscribers?email=</c> (erasure).</summary>
public static class DataInOutApi
{
    public static RouteGroupBuilder MapDataInOutApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/subscribers").RequireAdminKey().WithTags("Admin");
        admin.MapGet("/export.csv", async (HttpContext context, SubscriberCsvExport export, TimeProvider clock, CancellationToken ct) =>
        {
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"subscribers-{clock.GetUtcNow():yyyy-MM-dd}.csv\"";
            await export.WriteAsync(context.Response.Body, ct);
            return TypedResults.Empty;
        }).ApiDoc("Every subscriber as CSV (the import's columns plus status, created_at, confirmed_at), streamed", StatusCodes.Status200OK, "text/csv");
        admin.MapDelete("/", async (string? email, SubscriberEraser eraser, CancellationToken ct) =>
        {
            var normalised = EmailAddress.Normalise(email, out var error);
            if (normalised is null)
            {
                return Web.JsonBody.Invalid("email", error!);
            }

            return await eraser.EraseAsync(normalised, "operator", ct) == EraseOutcome.Erased
                ? TypedResults.NoContent()
                : TypedResults.Problem(title: "Not found", detail: "email: no subscriber has this address.", statusCode: StatusCodes.Status404NotFound);
        }).ApiDoc("Erases a subscriber and everything linked, keeping only a keyed hash of the address so later imports skip it", StatusCodes.Status204NoContent, null, 400, 404);
        return admin;
    }
}
