using Hangfire;
using Microsoft.Extensions.Options;
using Newsletter.Configuration;

namespace Newsletter.Subscriptions;

public enum ConfirmOutcome { Confirmed, AlreadyConfirmed, Expired, NotFound }

public enum UnsubscribeOutcome { Unsubscribed, TopicRemoved, NothingToDo }

/// <summary>
/// The subscription lifecycle: request, confirm, change preferences, unsubscribe. Each step is one
/// transaction; the emails it causes are enqueued as Hangfire jobs only after that transaction
/// commits, so a rolled-back step never mails anyone.
/// </summary>
public sealed class SubscriptionService(
    SubscriberStore subscribers,
    SubscriptionRequestStore requests,
    IBackgroundJobClient jobs,
    IOptions<RateLimitingOptions> limits,
    IOptions<NewsletterOptions> newsletter,
    TimeProvider clock,
    ILogger<SubscriptionService> logger)
{
    private static readonly TimeSpan AddressWindow = TimeSpan.FromHours(1);

    /// <summary>
    /// Records a signup and sends a confirmation, or, for an address that is already active, a notice
    /// with a link to its preferences. Both look the same to the caller (no address enumeration).
    /// </summary>
    /// <returns>null when accepted, else how long the address must wait (nothing was stored).</returns>
    public async Task<TimeSpan?> RequestAsync(ValidSubscription request, string source, ClientInfo client, CancellationToken cancellationToken)
    {
        Operations.NewsletterMetrics.SubscribeRequests.Add(1, new KeyValuePair<string, object?>("source", source));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var subscriber = await subscribers.FindOrCreatePendingAsync(tx, request.Email, now);

        var recent = await requests.CountAddressMailsAsync(tx, request.Email, now - AddressWindow);
        if (recent.Count >= limits.Value.ConfirmationsPerAddressPerHour)
        {
            await tx.RollbackAsync(cancellationToken);
            var wait = (recent.Oldest ?? now) + AddressWindow - now;
            logger.LogInformation("Subscription request for subscriber {SubscriberId} throttled for {Wait}", subscriber.Id, wait);
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        }

        if (subscriber.IsActive)
        {
            // Nothing about an active subscriber changes without a confirmed link: tell the owner instead.
            await requests.LogAddressMailAsync(tx, request.Email, "already-subscribed", now);
            await tx.CommitAsync(cancellationToken);
            jobs.Enqueue<SubscriptionEmailJobs>(j => j.SendAlreadySubscribedAsync(subscriber.Id, CancellationToken.None));
            return null;
        }

        var requestId = await requests.InsertAsync(tx, subscriber.Id, request, source, client, now);
        await requests.RecordConsentAsync(tx, subscriber.Id, "subscription-requested",
            new { requestId, request.Topics, request.Interests, request.Frequency, source }, client, now);
        await requests.LogAddressMailAsync(tx, request.Email, "confirmation", now);
        await tx.CommitAsync(cancellationToken);
        jobs.Enqueue<SubscriptionEmailJobs>(j => j.SendConfirmationAsync(subscriber.Id, requestId, CancellationToken.None));
        logger.LogInformation("Subscription request {RequestId} recorded for subscriber {SubscriberId}", requestId, subscriber.Id);
        return null;
    }

    /// <summary>Checks a confirmation link without using it (the GET page), and returns what it would agree to.</summary>
    public async Task<(ConfirmOutcome Outcome, Subscriber? Subscriber, SubscriptionRequestRow? Request)> CheckConfirmationAsync(
        long subscriberId, long requestId, CancellationToken cancellationToken)
    {
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        var subscriber = await subscribers.GetAsync(connection, subscriberId);
        var request = await requests.GetAsync(connection, subscriberId, requestId);
        return (Classify(subscriber, request), subscriber, request);
    }

    public async Task<ConfirmOutcome> ConfirmAsync(long subscriberId, long requestId, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var subscriber = await subscribers.GetAsync(connection, subscriberId, tx);
        var request = await requests.GetAsync(connection, subscriberId, requestId, tx);
        var outcome = Classify(subscriber, request);
        if (outcome != ConfirmOutcome.Confirmed || !await requests.MarkConfirmedAsync(tx, subscriberId, requestId, now))
        {
            return outcome == ConfirmOutcome.Confirmed ? ConfirmOutcome.AlreadyConfirmed : outcome;
        }

        var topics = System.Text.Json.JsonSerializer.Deserialize<string[]>(request!.Topics) ?? [];
        var interests = request.Interests.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await subscribers.ActivateAsync(tx, subscriberId, request.Frequency, now);
        await subscribers.ReplaceInterestsAsync(tx, subscriberId, topics, interests);
        await requests.RecordConsentAsync(tx, subscriberId, "confirmed",
            new { requestId, topics, interests, request.Frequency, request.Source, agreedTo = "digest emails of new entries matching these interests" },
            client, now);
        await tx.CommitAsync(cancellationToken);
        jobs.Enqueue<SubscriptionEmailJobs>(j => j.SendWelcomeAsync(subscriberId, CancellationToken.None));
        jobs.Enqueue<Delivery.InterestVectorsJob>(j => j.RunAsync(subscriberId, CancellationToken.None));
        logger.LogInformation("Subscriber {SubscriberId} confirmed request {RequestId}", subscriberId, requestId);
        return ConfirmOutcome.Confirmed;
    }

    /// <returns>false when the subscriber is not active (nothing changed).</returns>
    public async Task<bool> UpdatePreferencesAsync(long subscriberId, Preferences preferences, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (await subscribers.UpdatePreferencesAsync(tx, subscriberId, preferences, now) != 1)
        {
            return false;
        }

        await subscribers.ReplaceInterestsAsync(tx, subscriberId, preferences.Topics, preferences.Interests);
        await requests.RecordConsentAsync(tx, subscriberId, "preferences-updated", preferences, client, now);
        await tx.CommitAsync(cancellationToken);
        jobs.Enqueue<Delivery.InterestVectorsJob>(j => j.RunAsync(subscriberId, CancellationToken.None));
        return true;
    }

    /// <summary>Leaves one topic when <paramref name="topic"/> is given, else every subscription.</summary>
    public async Task<UnsubscribeOutcome> UnsubscribeAsync(long subscriberId, string? topic, string method, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        UnsubscribeOutcome outcome;
        if (topic is not null)
        {
            outcome = await subscribers.RemoveTopicAsync(tx, subscriberId, topic) == 1 ? UnsubscribeOutcome.TopicRemoved : UnsubscribeOutcome.NothingToDo;
        }
        else
        {
            outcome = await subscribers.UnsubscribeAsync(tx, subscriberId, now) == 1 ? UnsubscribeOutcome.Unsubscribed : UnsubscribeOutcome.NothingToDo;
        }

        if (outcome != UnsubscribeOutcome.NothingToDo)
        {
            await requests.RecordConsentAsync(tx, subscriberId,
                outcome == UnsubscribeOutcome.TopicRemoved ? "topic-unsubscribed" : "unsubscribed",
                new { topic, method }, client, now);
            await tx.CommitAsync(cancellationToken);
            logger.LogInformation("Subscriber {SubscriberId} {Outcome} by {Method}", subscriberId, outcome, method);
        }

        return outcome;
    }

    /// <summary>The address was refused for good (5xx to RCPT TO, or a 5.x.x delivery report): a bounce ends every subscription.</summary>
    /// <param name="via">Who said so: <c>smtp</c> (our relay's reply) or <c>dsn</c> (a report in the bounce mailbox).</param>
    /// <returns>true when this changed the subscriber (false: already bounced, unsubscribed or complained).</returns>
    public async Task<bool> RecordBounceAsync(long subscriberId, string smtpReply, CancellationToken cancellationToken, string via = "smtp")
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (await subscribers.MarkBouncedAsync(tx, subscriberId, now) != 1)
        {
            return false;
        }

        await requests.RecordConsentAsync(tx, subscriberId, "bounced", new { smtpReply }, new ClientInfo(null, via), now);
        await tx.CommitAsync(cancellationToken);
        logger.LogWarning("Subscriber {SubscriberId} bounced: the address was refused for good ({Via})", subscriberId, via);
        return true;
    }

    /// <summary>The recipient reported a message as spam (an ARF report): suppressed for good, every subscription ends.</summary>
    /// <returns>true when this changed the subscriber (false: already complained).</returns>
    public async Task<bool> RecordComplaintAsync(long subscriberId, string feedbackType, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (await subscribers.MarkComplainedAsync(tx, subscriberId, now) != 1)
        {
            return false;
        }

        await requests.RecordConsentAsync(tx, subscriberId, "complained", new { feedbackType }, new ClientInfo(null, "arf"), now);
        await tx.CommitAsync(cancellationToken);
        logger.LogWarning("Subscriber {SubscriberId} complained ({FeedbackType}): suppressed for good", subscriberId, feedbackType);
        return true;
    }

    private ConfirmOutcome Classify(Subscriber? subscriber, SubscriptionRequestRow? request)
    {
        if (subscriber is null || request is null)
        {
            return ConfirmOutcome.NotFound;
        }

        if (request.ClosedAt is not null)
        {
            // Used or superseded: harmless to press again while subscribed; after leaving, a new signup is needed.
            return subscriber.IsActive ? ConfirmOutcome.AlreadyConfirmed : ConfirmOutcome.Expired;
        }

        return clock.GetUtcNow().UtcDateTime - request.CreatedAt > newsletter.Value.ConfirmationLinkLifetime
            ? ConfirmOutcome.Expired
            : ConfirmOutcome.Confirmed;
    }
}
