namespace Newsletter.Operations;

/// <summary>Marks an endpoint outside <c>/api</c> and <c>/health</c> as part of the OpenAPI document.</summary>
public sealed class InApiDocsMetadata;

/// <summary>Metadata on every endpoint behind the admin key; the OpenAPI document turns it into the security requirement.</summary>
public sealed class AdminKeyRequirement;

/// <summary>
/// One line per endpoint to describe it in <c>/openapi/v1.json</c>:
/// <code>group.MapPost("/x", Handler).ApiDoc&lt;XResult&gt;("Does x", StatusCodes.Status202Accepted, 400, 404).Accepts&lt;XRequest&gt;("application/json");</code>
/// Handlers that return <c>Results&lt;…&gt;</c> types are described by their signature already.
/// </summary>
public static class ApiDocsExtensions
{
    /// <summary>A summary, the success answer's shape and status, and the problem-details answers it may give.</summary>
    public static RouteHandlerBuilder ApiDoc<TResponse>(this RouteHandlerBuilder endpoint, string summary, int status = StatusCodes.Status200OK, params int[] problems) =>
        endpoint.WithSummary(summary).Produces<TResponse>(status).Problems(problems);

    /// <summary>As <see cref="ApiDoc{TResponse}"/> for an answer without a body (204) or with a non-JSON body.</summary>
    public static RouteHandlerBuilder ApiDoc(this RouteHandlerBuilder endpoint, string summary, int status, string? contentType = null, params int[] problems) =>
        endpoint.WithSummary(summary).Produces(status, contentType: contentType).Problems(problems);

    /// <summary>Puts an endpoint whose path is outside /api and /health into the document.</summary>
    public static TBuilder InApiDocs<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new InApiDocsMetadata());

    private static RouteHandlerBuilder Problems(this RouteHandlerBuilder endpoint, int[] problems)
    {
        foreach (var status in problems)
        {
            endpoint = status == StatusCodes.Status400BadRequest ? endpoint.ProducesValidationProblem() : endpoint.ProducesProblem(status);
        }

        return endpoint;
    }
}
