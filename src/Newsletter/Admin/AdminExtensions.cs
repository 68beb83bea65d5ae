namespace Newsletter.Admin;

public static class AdminExtensions
{
    /// <summary>Puts the admin key check in front of every endpoint of the group.</summary>
    public static RouteGroupBuilder RequireAdminKey(this RouteGroupBuilder group) => group.AddEndpointFilter<AdminKeyFilter>();
}
