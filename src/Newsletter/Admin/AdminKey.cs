using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;

namespace Newsletter.Admin;

/// <summary>
/// The admin key check, shared by the admin API, /metrics and the Hangfire dashboard. The key comes in the
/// <c>X-Api-Key</c> header, as <c>Authorization: Bearer</c> (what Prometheus sends), or, so a browser
/// can open /hangfire, as the password of HTTP Basic authentication (any user name). Compared in constant time.
/// </summary>
public sealed class AdminKey(string key)
{
    public const string HeaderName = "X-Api-Key";
    private readonly byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public bool IsPresentIn(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.Count == 1)
        {
            return Matches(header[0]);
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Matches(authorization["Bearer ".Length..].Trim());
        }

        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon >= 0 && Matches(decoded[(colon + 1)..]);
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return false;
    }

    // Hashing both sides first makes the comparison constant-time whatever the lengths.
    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));
}

/// <summary>Answers 401 problem details to admin endpoints called without the key.</summary>
public sealed class AdminKeyFilter(AdminKey key) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (key.IsPresentIn(context.HttpContext.Request))
        {
            return await next(context);
        }

        return TypedResults.Problem(
            title: "Unauthorized",
            detail: $"Send the admin key in the {AdminKey.HeaderName} header.",
            statusCode: StatusCodes.Status401Unauthorized);
    }
}

/// <summary>Lets only admin-key holders into /hangfire; a browser is asked for the key by a Basic prompt.</summary>
public sealed class HangfireDashboardAuthorization(AdminKey key) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (key.IsPresentIn(http.Request))
        {
            return true;
        }

        http.Response.Headers.WWWAuthenticate = "Basic realm=\"Newsletter admin\", charset=\"UTF-8\"";
        return false;
    }
}
