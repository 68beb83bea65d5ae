namespace Newsletter.Admin;

public static class AdminExtensions
{
    /// <summary>
    /// Puts the admin key check in front of every endpoint of the group, and says so in the OpenAPI
    /// document (the <c>X-Api-Key</c> security requirement and the 401 answer).
    /// </summary>
    public static RouteGroupBuilder RequireAdminKey(this RouteGroupBuilder group) => group
        .AddEndpointFilter<AdminKeyFilter>()
        .WithMetadata(new Operations.AdminKeyRequirement())
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
