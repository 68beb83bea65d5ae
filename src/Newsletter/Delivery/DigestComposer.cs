using System.Text.Json;
using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Configuration;
using Newsletter.Email;
using Newsletter.Subscriptions;
using Newsletter.Web;

namespace Newsletter.Delivery;

/// <summary>Renders a digest (templates/email/digest.*) from the entries chosen for it.</summary>
public sealed class DigestComposer(EmailComposer composer, ReturnPath returnPath, SubscriberTokens tokens, PublicUrls urls, IOptions<NewsletterOptions> newsletter)
{
    public const int SummaryLength = 260;

    private readonly string senderId = SenderId(newsletter.Value.SiteName);

    /// <summary>Each entry's author line and summary, made once: a run sends the same entries to thousands of subscribers.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long Id, string Authors, string Abstract), (string Authors, string Summary)> shown = new();
    private int shownCount;

    /// <param name="runId">The run sending it, named in Feedback-ID (none for a preview). The Message-ID is
    /// random on the From domain: unguessable, never repeated across installs, and silent about volume.</param>
    /// <param name="deliveryId">The delivery it is sent for: its "view in your browser" link names it (none for a preview).</param>
    public async Task<MimeMessage> ComposeAsync(Subscriber subscriber, IReadOnlyList<DigestEntryRow> entries, long? runId = null, long? deliveryId = null)
    {
        var model = Model(subscriber, entries, deliveryId is { } id ? urls.DigestView(WebViewToken(id, subscriber.Id)) : null);
        var subject = entries.Count == 1
            ? $"{newsletter.Value.SiteName}: {Shorten(entries[0].Title, 90)}"
            : $"{newsletter.Value.SiteName}: {Shorten(entries[0].Title, 70)} and {entries.Count - 1} more";
        return await composer.ComposeAsync("digest", model, subscriber.Email, subject, model.UnsubscribeUrl, isList: true, FeedbackId(runId), returnPath.UnsubscribeMailto(subscriber.Id));
    }

    /// <summary>The token of a digest's web view: the delivery, signed together with its subscriber.</summary>
    public string WebViewToken(long deliveryId, long subscriberId) => tokens.Create(TokenPurpose.DigestView, deliveryId, subscriberId);

    /// <summary>What the digest shows, for the email and for its web view alike.</summary>
    public DigestEmail Model(Subscriber subscriber, IReadOnlyList<DigestEntryRow> entries, string? webViewUrl)
    {
        var feedback = tokens.Create(TokenPurpose.Feedback, subscriber.Id, subscriber.TokenVersion);
        return new DigestEmail(
            EmailAddress.ForDisplay(subscriber.Email),
            entries.Select(e => (Entry: e, Shown: Shown(e))).Select(x => new DigestEmailEntry(
                x.Entry.Title,
                x.Entry.Url,
                x.Shown.Authors,
                x.Shown.Summary,
                x.Entry.Reason,
                x.Entry.Upvotes,
                $"{urls.BaseUrl}/feedback/{feedback}?entry={x.Entry.Id}&vote=up",
                $"{urls.BaseUrl}/feedback/{feedback}?entry={x.Entry.Id}&vote=down")).ToList(),
            urls.Preferences(tokens.Create(TokenPurpose.Preferences, subscriber.Id, subscriber.TokenVersion)),
            urls.Unsubscribe(tokens.Create(TokenPurpose.Unsubscribe, subscriber.Id, subscriber.TokenVersion)),
            subscriber.Frequency == "weekly" ? "weekly" : "daily",
            DigestPreheader.For(entries),
            webViewUrl);
    }

    /// <summary>
    /// campaign:list:sender, the variable fields first and the constant sender id last, as Gmail asks;
    /// nothing in it identifies the subscriber.
    /// </summary>
    private string? FeedbackId(long? runId) => runId is { } id ? $"run-{id}:digest:{senderId}" : null;

    /// <summary>"Paper Digest" → "paper-digest": Feedback-ID fields may not hold colons or spaces.</summary>
    internal static string SenderId(string siteName)
    {
        var slug = System.Text.RegularExpressions.Regex.Replace(siteName.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
        return slug.Length > 0 ? slug : "newsletter";
    }

    private (string Authors, string Summary) Shown(DigestEntryRow entry)
    {
        // Keyed by the text too: a new version of an entry changes it under the same id.
        return shown.GetOrAdd((entry.Id, entry.Authors, entry.Abstract), _ =>
        {
            if (Interlocked.Increment(ref shownCount) % 20_000 == 0)
            {
                shown.Clear(); // a bound, not a policy: the next digests fill it again
            }

            return (Authors(entry.Authors), Summary(entry.Abstract));
        });
    }

    /// <summary>"A, B, C et al." — enough to recognise a paper without a wall of names.</summary>
    internal static string Authors(string json)
    {
        var names = JsonSerializer.Deserialize<string[]>(json) ?? [];
        return names.Length <= 3 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(3))} et al.";
    }

    /// <summary>The abstract's opening, cut at a word boundary.</summary>
    internal static string Summary(string text) => Shorten(text, SummaryLength);

    private static string Shorten(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', max);
        return text[..(cut > max / 2 ? cut : max)].TrimEnd(',', ';', ':', '.', ' ') + "…";
    }
}

public sealed record DigestEmailEntry(string Title, string? Url, string Authors, string Summary, string Reason, long Upvotes, string UpUrl, string DownUrl);

/// <param name="Preheader">The preview text mail clients show in the inbox list (hidden in the message itself).</param>
/// <param name="WebViewUrl">"View in your browser" (<c>/digests/{token}</c>); null in a preview, which no delivery backs.</param>
public sealed record DigestEmail(string Email, IReadOnlyList<DigestEmailEntry> Entries, string PreferencesUrl, string UnsubscribeUrl, string Frequency, string Preheader, string? WebViewUrl = null);
