using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Newsletter.Configuration;

namespace Newsletter.Web;

/// <summary>
/// The per-client limit on subscription requests (form and API): a fixed window a minute per
/// client address, answered with 429, Retry-After and problem details (or a page, for the form).
/// The per-address limit on confirmation emails lives in <see cref="Subscriptions.SubscriptionService"/>,
/// because it needs the database.
/// </summary>
public static class SubscriptionRateLimits
{
    public const string Policy = "subscriptions";

    public static IServiceCollection AddSubscriptionRateLimits(this IServiceCollection services, RateLimitingOptions limits) =>
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Policy, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientKey(context.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.SubscriptionsPerClientPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var result = await TooManyRequestsAsync(rejected.HttpContext, retryAfter);
                await result.ExecuteAsync(rejected.HttpContext);
            };
        });

    /// <summary>
    /// One partition per IPv4 address, but per IPv6 /64: a single host is usually given a whole /64,
    /// so counting each of its addresses apart would let it subscribe without limit.
    /// </summary>
    internal static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>The 429 answer, for both limits.</summary>
    public static Task<IResult> TooManyRequestsAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return context.RequestServices.GetRequiredService<PageRenderer>().MessageAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            "Too many requests",
            $"Too many subscription requests. Try again in {Describe(seconds)}.");
    }

    private static string Describe(int seconds) => seconds < 120 ? $"{seconds} seconds" : $"{(seconds + 59) / 60} minutes";
}
