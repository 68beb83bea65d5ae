using System.Globalization;
using Newsletter.Delivery;
using Newsletter.Subscriptions;
using Newsletter.Web;

namespace Newsletter.Reader;

/// <summary>
/// <c>GET /digests/{token}</c>: one digest as a web page ("view in your browser"), with the same
/// entries, reasons and vote links as the email. The token is signed over the delivery and its
/// subscriber, so it cannot be guessed or turned into another reader's digest. A token that does
/// not verify is the usual invalid-link 404; a digest whose reader erased their data is 410.
/// </summary>
public static class DigestWebView
{
    public static void MapDigestWebView(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/digests/{token}", RenderAsync);

    private static async Task<IResult> RenderAsync(
        HttpContext context, string token, SubscriberTokens tokens, ReaderStore reader, DeliveryStore deliveries,
        SubscriberStore subscribers, DigestComposer composer, PageRenderer pages, CancellationToken ct)
    {
        if (!tokens.TryRead(token, TokenPurpose.DigestView, out var deliveryId, out var subscriberId))
        {
            return await pages.InvalidLinkAsync(context);
        }

        // Search engines have no business with a reader's digest, even if a link leaks.
        context.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        await using var connection = await deliveries.OpenAsync(ct);
        var delivery = await reader.FindDeliveryAsync(connection, deliveryId);
        var subscriber = await subscribers.GetAsync(connection, subscriberId);
        if (delivery is not null && delivery.SubscriberId != subscriberId)
        {
            return await pages.InvalidLinkAsync(context);
        }

        if (subscriber is null || delivery is null)
        {
            // The token was ours, so the digest existed: it is gone, not unknown.
            return await pages.MessageAsync(context, StatusCodes.Status410Gone, "This digest is no longer here",
                "Its reader's data has been deleted, and the digest with it.", "/", "See the newest papers");
        }

        var rows = (await deliveries.EntriesOfAsync(connection, [deliveryId]))[deliveryId].ToList();
        var email = composer.Model(subscriber, rows, webViewUrl: null);
        var sentOn = DateTime.SpecifyKind(delivery.CreatedAt, DateTimeKind.Utc).ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
        return await pages.RenderAsync(context, "digest", new DigestPage(email, sentOn), title: $"Your {email.Frequency} digest of {sentOn}");
    }
}

/// <summary>The web view's model: the email's own, and the day its run started.</summary>
public sealed record DigestPage(DigestEmail Digest, string SentOn)
{
    public string PageClass => "digest-view";
}
