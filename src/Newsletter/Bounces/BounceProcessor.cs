using Microsoft.Extensions.Options;
using Newsletter.Email;
using Newsletter.Subscriptions;

namespace Newsletter.Bounces;

/// <summary>
/// Acts on one report: finds the subscriber (a verified VERP tag first, then the original message's
/// Message-ID or unsubscribe token, then the report's recipient addresses) and records a bounce, a
/// soft bounce, a complaint or an unsubscribe through the same lifecycle steps as the rest of the
/// service, so status and consent trail agree. Every step is idempotent: a report read twice changes
/// nothing the second time.
/// </summary>
public sealed class BounceProcessor(
    ReturnPath returnPath,
    BounceStore store,
    SubscriberStore subscribers,
    SubscriberTokens tokens,
    SubscriptionService lifecycle,
    IOptions<BounceOptions> options,
    TimeProvider clock,
    ILogger<BounceProcessor> logger)
{
    /// <returns>The counts this report adds; <c>Ignored = 1</c> when it must stay in the mailbox.</returns>
    public async Task<BounceCheckResult> ApplyAsync(BounceReport report, CancellationToken cancellationToken)
    {
        var ignored = BounceCheckResult.Empty with { Ignored = 1 };
        if (report.Kind == ReportKind.Unrecognised)
        {
            return ignored;
        }

        var (tag, forged) = await TaggedSubscriberAsync(report.AddressedTo, cancellationToken);
        if (forged)
        {
            logger.LogWarning("Report {ReportId} carries a VERP tag that does not verify: left alone", report.ReportId);
            return ignored;
        }

        if (report.Kind == ReportKind.UnsubscribeRequest)
        {
            return await UnsubscribeAsync(report, tag, cancellationToken) ? BounceCheckResult.Empty with { Processed = 1, Unsubscribed = 1 } : ignored;
        }

        var known = tag is { Kind: not 'u' } ? tag.Value.SubscriberId : await FromOriginalHeadersAsync(report, cancellationToken);
        var result = BounceCheckResult.Empty;
        var matched = false;
        foreach (var recipient in report.Recipients)
        {
            if ((known ?? await ByAddressAsync(recipient.Address, cancellationToken)) is not { } subscriberId)
            {
                continue;
            }

            matched = true;
            result = result.Add(await ApplyAsync(report, recipient, subscriberId, cancellationToken));
        }

        Operations.NewsletterMetrics.MessagesBounced.Add(result.Bounced);
        return matched ? result with { Processed = 1 } : ignored;
    }

    private async Task<BounceCheckResult> ApplyAsync(BounceReport report, RecipientStatus recipient, long subscriberId, CancellationToken cancellationToken)
    {
        if (report.Kind == ReportKind.Complaint)
        {
            if (report.FeedbackType == "not-spam")
            {
                return BounceCheckResult.Empty;
            }

            await lifecycle.RecordComplaintAsync(subscriberId, report.FeedbackType ?? "abuse", cancellationToken);
            return BounceCheckResult.Empty with { Complained = 1 };
        }

        if (recipient.IsHardBounce)
        {
            await lifecycle.RecordBounceAsync(subscriberId, $"{recipient.Status} in a delivery report", cancellationToken, via: "dsn");
            return BounceCheckResult.Empty with { Bounced = 1 };
        }

        if (!recipient.IsSoftBounce)
        {
            return BounceCheckResult.Empty; // delivered, relayed, expanded: nothing wrong
        }

        var bounces = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var recent = await store.AddSoftBounceAsync(subscriberId, report.ReportId, recipient.Status, now, now.AddDays(-bounces.SoftBounceDays), cancellationToken);
        logger.LogInformation("Soft bounce {Status} for subscriber {SubscriberId}: {Count} within {Days} days", recipient.Status, subscriberId, recent, bounces.SoftBounceDays);
        if (recent < bounces.SoftBounceLimit)
        {
            return BounceCheckResult.Empty with { SoftBounced = 1 };
        }

        await lifecycle.RecordBounceAsync(subscriberId,
            $"{recent} soft bounces within {bounces.SoftBounceDays} days, the last {recipient.Status}", cancellationToken, via: "dsn");
        return BounceCheckResult.Empty with { SoftBounced = 1, Bounced = 1 };
    }

    /// <summary>Only the subscriber whose address sent the request, and, when the request was sent to a
    /// tagged mailto: address, only if the tag names that same subscriber.</summary>
    private async Task<bool> UnsubscribeAsync(BounceReport report, (char Kind, long SubscriberId)? tag, CancellationToken cancellationToken)
    {
        if (await ByAddressAsync(report.Sender, cancellationToken) is not { } subscriberId || (tag is { } t && (t.Kind != 'u' || t.SubscriberId != subscriberId)))
        {
            return false;
        }

        await lifecycle.UnsubscribeAsync(subscriberId, topic: null, "mailto", new ClientInfo(null, "email"), cancellationToken);
        return true;
    }

    private async Task<((char Kind, long SubscriberId)? Tag, bool Forged)> TaggedSubscriberAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        foreach (var address in addresses)
        {
            switch (returnPath.Check(address, out var kind, out var id))
            {
                case TagCheck.Forged:
                    return (null, true);
                case TagCheck.Valid when kind == 'd':
                    return await store.SubscriberOfDeliveryAsync(id, cancellationToken) is { } owner ? (('d', owner), false) : (null, false);
                case TagCheck.Valid:
                    return ((kind, id), false);
            }
        }

        return (null, false);
    }

    private async Task<long?> FromOriginalHeadersAsync(BounceReport report, CancellationToken cancellationToken)
    {
        if (report.OriginalMessageId is { Length: > 0 } messageId && await store.SubscriberOfMessageIdAsync(messageId, cancellationToken) is { } owner)
        {
            return owner;
        }

        return tokens.TryRead(report.OriginalUnsubscribeToken, TokenPurpose.Unsubscribe, out var subscriberId, out _) ? subscriberId : null;
    }

    private async Task<long?> ByAddressAsync(string? address, CancellationToken cancellationToken) =>
        EmailAddress.Normalise(address, out _) is { } normalised && await subscribers.FindByEmailAsync(normalised, cancellationToken) is { } subscriber
            ? subscriber.Id
            : null;
}
