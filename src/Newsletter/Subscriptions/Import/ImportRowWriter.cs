using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Newsletter.Configuration;
using Newsletter.Data;
using Newsletter.Subscriptions.Erasure;

namespace Newsletter.Subscriptions.Import;

public enum RowOutcome { ImportedActive, PendingConfirmation, SkippedExisting, SkippedSuppressed }

/// <summary>
/// What one good row does, inside the batch's transaction. The rules, in order:
/// an active subscriber is left as is (not downgraded, not mailed); bounced or complained addresses
/// are never revived by a file; an unsubscribed or erased address comes back only with consent
/// evidence dated after it left; otherwise evidence makes the address active with that evidence in
/// its consent trail, and no evidence means a subscription request whose confirmation the import
/// job sends (double opt-in), unless one is already waiting.
/// </summary>
public sealed class ImportRowWriter(
    SqlCatalog sql, SubscriberStore subscribers, SubscriptionRequestStore requests, AddressSuppression suppression, IOptions<NewsletterOptions> newsletter)
{
    private static readonly ClientInfo ImportClient = new(null, "import");
    private readonly string activate = sql["activate-imported-subscriber"];
    private readonly string insertRequest = sql["insert-import-subscription-request"];
    private readonly string hasOpenRequest = sql["has-open-subscription-request"];
    private readonly string closeOpenRequests = sql["close-open-subscription-requests"];

    /// <returns>The outcome, and the request whose confirmation is owed when it is <see cref="RowOutcome.PendingConfirmation"/>.</returns>
    public async Task<(RowOutcome Outcome, long? RequestId, long SubscriberId)> WriteAsync(DbTransaction tx, long importId, ImportRow row, DateTime now)
    {
        var connection = tx.Connection!;
        var email = row.Subscription.Email;
        if (row.StatusInFile is SubscriberStatus.Unsubscribed or SubscriberStatus.Bounced or SubscriberStatus.Complained)
        {
            // An export from elsewhere says this address left: it is not mailed from here either.
            return (RowOutcome.SkippedSuppressed, null, 0);
        }

        var existing = await connection.QuerySingleOrDefaultAsync<Subscriber>(sql["find-subscriber-by-email"], new { Email = email }, tx);
        var consent = row.Consent;
        if (existing is not null)
        {
            switch (existing.Status)
            {
                case SubscriberStatus.Active:
                    return (RowOutcome.SkippedExisting, null, existing.Id);
                case SubscriberStatus.Bounced or SubscriberStatus.Complained:
                    return (RowOutcome.SkippedSuppressed, null, existing.Id);
                case SubscriberStatus.Unsubscribed when consent is null || consent.ConsentedAt <= Utc(existing.UnsubscribedAt ?? existing.UpdatedAt):
                    return (RowOutcome.SkippedSuppressed, null, existing.Id);
            }
        }

        // Erased, then perhaps asked again on the form without confirming: still not mailed on a file's word.
        if (existing is null or { Status: SubscriberStatus.Pending }
            && await suppression.ErasedAtAsync(connection, email, tx) is { } erasedAt && (consent is null || consent.ConsentedAt <= erasedAt))
        {
            return (RowOutcome.SkippedSuppressed, null, 0);
        }

        var subscriber = existing ?? await subscribers.FindOrCreatePendingAsync(tx, email, now);
        if (consent is not null)
        {
            await connection.ExecuteAsync(activate, new { subscriber.Id, row.Subscription.Frequency, consent.ConsentedAt, Now = now }, tx);
            await connection.ExecuteAsync(closeOpenRequests, new { SubscriberId = subscriber.Id, Now = now }, tx);
            await subscribers.ReplaceInterestsAsync(tx, subscriber.Id, row.Subscription.Topics, row.Subscription.Interests);
            await requests.RecordConsentAsync(tx, subscriber.Id, "consent-imported", new
            {
                importId,
                line = row.Line,
                consentedAt = consent.ConsentedAt,
                consentSource = consent.Source,
                row.Subscription.Topics,
                row.Subscription.Interests,
                row.Subscription.Frequency,
            }, ImportClient, now);
            return (RowOutcome.ImportedActive, null, subscriber.Id);
        }

        var since = now - newsletter.Value.ConfirmationLinkLifetime;
        if (await connection.ExecuteScalarAsync<long>(hasOpenRequest, new { subscriber.Id, Since = since }, tx) > 0)
        {
            return (RowOutcome.SkippedExisting, null, subscriber.Id);
        }

        var requestId = await connection.ExecuteScalarAsync<long>(insertRequest, new
        {
            SubscriberId = subscriber.Id,
            Topics = JsonSerializer.Serialize(row.Subscription.Topics),
            Interests = string.Join('\n', row.Subscription.Interests),
            row.Subscription.Frequency,
            Now = now,
            ImportId = importId,
        }, tx);
        await requests.RecordConsentAsync(tx, subscriber.Id, "subscription-requested", new
        {
            requestId,
            row.Subscription.Topics,
            row.Subscription.Interests,
            row.Subscription.Frequency,
            source = "import",
            importId,
            line = row.Line,
        }, ImportClient, now);
        return (RowOutcome.PendingConfirmation, requestId, subscriber.Id);
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
