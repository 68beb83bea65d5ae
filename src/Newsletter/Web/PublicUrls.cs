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
            : server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5000")
        .TrimEnd('/');

    public string Host => new Uri(BaseUrl).Host;

    public string Confirm(string token) => $"{BaseUrl}/confirm/{token}";

    public string Preferences(string token) => $"{BaseUrl}/preferences/{token}";

    public string Unsubscribe(string token) => $"{BaseUrl}/unsubscribe/{token}";

    public string Subscribe => $"{BaseUrl}/subscribe";
}
