using Hangfire;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using Newsletter.Configuration;
using Newsletter.Email;
using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Subscriptions;

/// <summary>
/// Hangfire jobs for the lifecycle emails. A refused connection or a 4xx reply throws, and Hangfire
/// retries with backoff (the first retry after seconds, the last about a day later); a 5xx reply is
/// final: logged, not retried, and when it says the address itself is bad the subscriber is marked bounced.
/// </summary>
[AutomaticRetry(Attempts = 12, DelaysInSeconds = [5, 30, 120, 300, 900, 1800, 3600, 3600, 7200, 7200, 14400, 14400])]
public sealed class SubscriptionEmailJobs(
    SubscriptionService lifecycle,
    SubscriberStore subscribers,
    SubscriptionRequestStore requests,
    TopicStore topics,
    EmailComposer composer,
    IEmailSender sender,
    ReturnPath returnPath,
    SubscriberTokens tokens,
    PublicUrls urls,
    IOptions<NewsletterOptions> newsletter,
    TimeProvider clock,
    ILogger<SubscriptionEmailJobs> logger)
{
    /// <summary>
    /// The confirmation email carries nothing the requester typed except the address itself, so the
    /// form cannot be used to send someone else words of the requester's choosing.
    /// </summary>
    public async Task SendConfirmationAsync(long subscriberId, long requestId, CancellationToken cancellationToken)
    {
        await using var connection = await subscribers.OpenAsync(cancellationToken);
        var subscriber = await subscribers.GetAsync(connection, subscriberId);
        var request = await requests.GetAsync(connection, subscriberId, requestId);
        if (subscriber is null || request is null || request.ClosedAt is not null || request.EmailSentAt is not null)
        {
            return;
        }

        var days = (int)Math.Round(newsletter.Value.ConfirmationLinkLifetime.TotalDays);
        var model = new ConfirmationEmail(
            EmailAddress.ForDisplay(subscriber.Email),
            urls.Confirm(tokens.Create(TokenPurpose.Confirm, subscriberId, requestId)),
            days < 1 ? "a day" : days == 1 ? "1 day" : $"{days} days",
            $"Confirm your subscription to {newsletter.Value.SiteName}: one click, and nothing is sent until you do.");
        var message = await composer.ComposeAsync("confirm", model, subscriber.Email, $"Confirm your subscription to {newsletter.Value.SiteName}");
        if (await SendAsync(message, subscriberId, "confirmation", cancellationToken))
        {
            // Marked after sending: a crash in between sends the confirmation again, never not at all.
            await requests.MarkEmailSentAsync(connection, requestId, clock.GetUtcNow().UtcDateTime);
        }
    }

    public async Task SendWelcomeAsync(long subscriberId, CancellationToken cancellationToken)
    {
        var subscriber = await subscribers.GetAsync(subscriberId, cancellationToken);
        if (subscriber is not { IsActive: true })
        {
            return;
        }

        var settings = await subscribers.GetSettingsAsync(subscriberId, cancellationToken);
        var allTopics = await topics.ListActiveAsync(cancellationToken);
        var unsubscribe = urls.Unsubscribe(tokens.Create(TokenPurpose.Unsubscribe, subscriberId, subscriber.TokenVersion));
        var followed = allTopics.Where(t => settings.Topics.Contains(t.Slug))
            .Select(t => new TopicLink(t.Name, $"{unsubscribe}?topic={Uri.EscapeDataString(t.Slug)}"))
            .ToList();
        var model = new WelcomeEmail(
            EmailAddress.ForDisplay(subscriber.Email),
            followed,
            settings.Interests,
            subscriber.Frequency,
            urls.Preferences(tokens.Create(TokenPurpose.Preferences, subscriberId, subscriber.TokenVersion)),
            unsubscribe,
            WelcomePreheader(subscriber.Frequency, followed.Count, settings.Interests.Count));
        // List mail: the list's first message, with its unsubscribe headers; a filter on List-Id catches it
        // with the digests. The confirmation and the already-subscribed notice answer a request instead.
        var message = await composer.ComposeAsync("welcome", model, subscriber.Email, $"Welcome to {newsletter.Value.SiteName}", unsubscribe, isList: true);
        await SendAsync(message, subscriberId, "welcome", cancellationToken);
    }

    /// <summary>Someone asked to subscribe an address that is already active: tell its owner, change nothing.</summary>
    public async Task SendAlreadySubscribedAsync(long subscriberId, CancellationToken cancellationToken)
    {
        var subscriber = await subscribers.GetAsync(subscriberId, cancellationToken);
        if (subscriber is not { IsActive: true })
        {
            return;
        }

        var unsubscribe = urls.Unsubscribe(tokens.Create(TokenPurpose.Unsubscribe, subscriberId, subscriber.TokenVersion));
        var model = new AlreadySubscribedEmail(
            EmailAddress.ForDisplay(subscriber.Email),
            urls.Preferences(tokens.Create(TokenPurpose.Preferences, subscriberId, subscriber.TokenVersion)),
            unsubscribe,
            $"This address is already subscribed to {newsletter.Value.SiteName}, so nothing has changed.");
        var message = await composer.ComposeAsync("already-subscribed", model, subscriber.Email, $"You are already subscribed to {newsletter.Value.SiteName}", unsubscribe);
        await SendAsync(message, subscriberId, "already-subscribed", cancellationToken);
    }

    /// <summary>Counts, not names: the preview line stays short however many topics and interests there are.</summary>
    private static string WelcomePreheader(string frequency, int topics, int interests)
    {
        var what = (topics, interests) switch
        {
            (0, 0) => "the most popular new papers",
            (_, 0) => $"new papers on the {Plural(topics, "topic")} you follow",
            (0, _) => $"new papers that match your {Plural(interests, "interest")}",
            _ => $"new papers on your {Plural(topics, "topic")} and {Plural(interests, "interest")}",
        };
        return $"You are subscribed: a {frequency} digest of {what}.";
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <returns>true when the server accepted the message; false when it refused it for good (5xx).</returns>
    private async Task<bool> SendAsync(MimeKit.MimeMessage message, long subscriberId, string kind, CancellationToken cancellationToken)
    {
        try
        {
            await sender.SendAsync(message, returnPath.ForSubscriber(subscriberId), cancellationToken);
            logger.LogInformation("Sent the {Kind} email to subscriber {SubscriberId}", kind, subscriberId);
            return true;
        }
        catch (SmtpCommandException e) when (SmtpReplies.Classify(e) is var verdict && verdict != SmtpVerdict.TryLater)
        {
            logger.LogWarning("The SMTP server refused the {Kind} email to subscriber {SubscriberId}: {Status} {Reason}",
                kind, subscriberId, (int)e.StatusCode, e.Message);
            if (verdict == SmtpVerdict.RefusesUs)
            {
                // The relay refuses us, not this address (relaying, policy, authentication): the email is
                // not lost; the job fails and Hangfire tries it again later, as for a 4xx.
                throw;
            }

            if (verdict == SmtpVerdict.AddressGone)
            {
                await lifecycle.RecordBounceAsync(subscriberId, $"{(int)e.StatusCode} {e.Message}", cancellationToken);
            }

            return false;
        }
    }
}

/// <summary>Every email model has a Preheader: the preview text mail clients show in the inbox list.</summary>
public sealed record ConfirmationEmail(string Email, string ConfirmUrl, string ExpiresIn, string Preheader);

/// <summary>A followed topic and the link that stops just that topic.</summary>
public sealed record TopicLink(string Name, string StopUrl);

public sealed record WelcomeEmail(
    string Email, IReadOnlyList<TopicLink> Topics, IReadOnlyList<string> Interests, string Frequency, string PreferencesUrl, string UnsubscribeUrl, string Preheader);

public sealed record AlreadySubscribedEmail(string Email, string PreferencesUrl, string UnsubscribeUrl, string Preheader);
