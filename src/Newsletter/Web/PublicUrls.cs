using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Newsletter.Configuration;

namespace Newsletter.Web;

/// <summary>
/// Absolute links for emails. Newsletter:PublicBaseUrl when set, else the first address the server
/// listens on, read when a link is made (so port 0 in tests resolves to the real port).
/// </summary>
public sealed class PublicUrls(IOptions<NewsletterOptions> options, IServer server)
{
    public string BaseUrl =>
        (options.Value.PublicBaseUrl is { Length: > 0 } configured
            ? configured
            : Reachable(server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5000"))
        .TrimEnd('/');

    /// <summary>
    /// Kestrel reports wildcard bindings (<c>http://+:80</c>, <c>http://0.0.0.0:80</c>, <c>http://[::]:80</c>)
    /// as they were given; no one can open those, so links use localhost instead. Behind a proxy or on
    /// a public host, Newsletter:PublicBaseUrl must be set (the README says so).
    /// </summary>
    internal static string Reachable(string address)
    {
        foreach (var wildcard in new[] { "://+:", "://*:", "://0.0.0.0:", "://[::]:" })
        {
            if (address.Contains(wildcard, StringComparison.Ordinal))
            {
                return address.Replace(wildcard, "://localhost:", StringComparison.Ordinal);
            }
        }

        return address;
    }

    public string Host => new Uri(BaseUrl).Host;

    public string Confirm(string token) => $"{BaseUrl}/confirm/{token}";

    public string Preferences(string token) => $"{BaseUrl}/preferences/{token}";

    public string Unsubscribe(string token) => $"{BaseUrl}/unsubscribe/{token}";

    public string DigestView(string token) => $"{BaseUrl}/digests/{token}";
}
