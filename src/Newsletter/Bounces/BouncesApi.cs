using Microsoft.AspNetCore.Http.HttpResults;
using Newsletter.Admin;
using Newsletter.Operations;

namespace Newsletter.Bounces;

/// <summary>Admin API: read the bounce mailbox now.</summary>
public static class BouncesApi
{
    public static RouteGroupBuilder MapBouncesApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/bounces").RequireAdminKey().DisableAntiforgery().WithTags("Admin");
        admin.MapPost("/check", CheckAsync).WithSummary("Read the bounce mailbox now (409: none configured; 502: the IMAP server failed)")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);
        // Called by a provider, which holds no admin key: the signature is its credential.
        routes.MapPost("/api/bounces/webhook", BounceWebhook.HandleAsync).DisableAntiforgery().WithTags("Bounces")
            .ApiDoc<BounceCheckResult>("Provider events (bounce, soft-bounce, complaint, unsubscribe), signed with Bounces:WebhookSecret (X-Webhook-Timestamp, X-Webhook-Signature)",
                StatusCodes.Status200OK, 400, 401, 404)
            .Accepts<System.Text.Json.JsonElement>("application/json");
        return admin;
    }

    /// <summary>409 when no mailbox is configured (a state of the service, not a bad request); 502 when
    /// the IMAP server cannot be reached or refuses us (its failure, not ours).</summary>
    private static async Task<Results<Ok<BounceCheckResult>, ProblemHttpResult>> CheckAsync(BounceMailbox mailbox, ILogger<BounceMailbox> logger, CancellationToken ct)
    {
        if (!mailbox.IsConfigured)
        {
            return TypedResults.Problem(title: "No bounce mailbox", detail: "Set Bounces:Imap:Host (and its username and password) to read a bounce mailbox.",
                statusCode: StatusCodes.Status409Conflict);
        }

        try
        {
            return TypedResults.Ok(await mailbox.CheckAsync(ct));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("The bounce mailbox could not be read: {Error}", $"{e.GetType().Name}: {e.Message}");
            return TypedResults.Problem(title: "The bounce mailbox could not be read", detail: $"{e.GetType().Name}: {e.Message}",
                statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
