using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Newsletter.Configuration;

namespace Newsletter.Web;

/// <summary>
/// Forwarded headers (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>) are believed only from the
/// proxies named in <c>ForwardedHeaders:KnownProxies</c> (addresses) and
/// <c>ForwardedHeaders:KnownNetworks</c> (CIDR), loopback when neither is set. A client that
/// reaches the port directly and claims <c>X-Forwarded-For: 127.0.0.1</c> keeps its own address,
/// for the rate limits, the consent trail and the mail catcher's page alike.
/// Switched on by <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c> (the host's own switch, which
/// alone would trust every proxy) or <c>ForwardedHeaders:Enabled=true</c>.
/// </summary>
public static class ProxyTrust
{
    public const string Section = "ForwardedHeaders";

    public static WebApplicationBuilder AddProxyTrust(this WebApplicationBuilder builder)
    {
        var (proxies, networks) = Read(builder.Configuration.GetSection(Section));
        var ownSwitch = builder.Configuration.GetValue<bool>($"{Section}:Enabled");
        // Runs after the host's setup for ASPNETCORE_FORWARDEDHEADERS_ENABLED, which empties both lists (trust everyone).
        builder.Services.PostConfigure<ForwardedHeadersOptions>(options =>
        {
            if (ownSwitch)
            {
                options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            }

            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        // First of all startup filters, so outside the host's forwarded-headers middleware: it sees the socket's peer.
        builder.Services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, SocketPeerStartupFilter>());
        return builder;
    }

    /// <summary>Our switch adds the middleware here; the host's switch has added it already, first in the pipeline.</summary>
    public static WebApplication UseProxyTrust(this WebApplication app)
    {
        var enabled = app.Configuration.GetValue<bool>($"{Section}:Enabled") || app.Configuration.GetValue<bool>("ForwardedHeaders_Enabled");
        var https = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NewsletterOptions>>().Value.PublicBaseUrl?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) == true;
        if (https && !enabled)
        {
            app.Logger.LogWarning("Newsletter:PublicBaseUrl is https but forwarded headers are off: behind a TLS proxy, requests look like http, "
                + "so the antiforgery cookie is not Secure and the client address is the proxy's. Set ASPNETCORE_FORWARDEDHEADERS_ENABLED=true.");
        }

        if (app.Configuration.GetValue<bool>($"{Section}:Enabled") && !app.Configuration.GetValue<bool>("ForwardedHeaders_Enabled"))
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    internal static (IReadOnlyList<IPAddress> Proxies, IReadOnlyList<System.Net.IPNetwork> Networks) Read(IConfiguration section)
    {
        var errors = new List<string>();
        var proxies = Values(section, "KnownProxies").Select(value => IPAddress.TryParse(value, out var address) ? address : Bad(errors, "KnownProxies", value, "an IP address"))
            .OfType<IPAddress>().ToList();
        var networks = Values(section, "KnownNetworks").Select(value => System.Net.IPNetwork.TryParse(value, out var network) ? network : (System.Net.IPNetwork?)Bad(errors, "KnownNetworks", value, "a network in CIDR form, e.g. 10.0.0.0/8"))
            .OfType<System.Net.IPNetwork>().ToList();
        if (errors.Count > 0)
        {
            throw new ConfigurationException("Invalid configuration:\n  " + string.Join("\n  ", errors));
        }

        if (proxies.Count == 0 && networks.Count == 0)
        {
            proxies = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }

        return (proxies, networks);
    }

    /// <summary>A list as <c>a,b</c> in one value (environment) or as <c>KEY__0</c>, <c>KEY__1</c> (JSON arrays).</summary>
    private static IEnumerable<string> Values(IConfiguration section, string key)
    {
        var single = section[key] ?? "";
        var items = section.GetSection(key).GetChildren().Select(c => c.Value ?? "");
        return single.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Concat(items.Where(i => i.Length > 0));
    }

    private static object? Bad(List<string> errors, string key, string value, string what)
    {
        errors.Add($"{Section}:{key} must hold {what} (got '{value}').");
        return null;
    }
}

/// <summary>The TCP peer of a request and whether it arrived carrying forwarded headers, before any proxy rewriting.</summary>
public sealed record SocketPeer(IPAddress? Address, bool CameThroughAProxy)
{
    /// <summary>A browser on this machine talking to us directly: loopback socket, no forwarded headers.</summary>
    public bool IsDirectLoopback => Address is not null && IPAddress.IsLoopback(Address) && !CameThroughAProxy;

    public static SocketPeer Of(HttpContext context) =>
        context.Features.Get<SocketPeer>() ?? new SocketPeer(context.Connection.RemoteIpAddress, context.Request.Headers.ContainsKey("X-Forwarded-For"));
}

internal sealed class SocketPeerStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            var headers = context.Request.Headers;
            context.Features.Set(new SocketPeer(context.Connection.RemoteIpAddress, headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded")));
            return nextMiddleware(context);
        });
        next(app);
    };
}
