using System.Text.Json;
using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Configuration;
using Newsletter.Delivery;
using Newsletter.Email;
using Newsletter.Subscriptions;
using Newsletter.Web;

namespace Newsletter.Admin.Pages;

/// <summary>
/// Every email the service sends, composed by the real composers and templates from sample data
/// (nothing from the database, no real token): what a subscriber would receive today.
/// </summary>
public sealed class TemplatePreviews(EmailComposer composer, DigestComposer digests, PublicUrls urls, IOptions<NewsletterOptions> newsletter)
{
    public const string SampleAddress = "reader@example.org";

    public static readonly IReadOnlyList<(string Name, string Title, string When)> All =
    [
        ("confirm", "Confirmation", "After someone subscribes: the link that confirms the address."),
        ("welcome", "Welcome", "Right after confirming: what they follow, and how to change it."),
        ("already-subscribed", "Already subscribed", "When someone asks to subscribe an address that is already active."),
        ("digest", "Digest", "The digest itself: the entries picked for the subscriber, with reasons and thumbs."),
    ];

    public async Task<MimeMessage?> ComposeAsync(string name)
    {
        var site = newsletter.Value.SiteName;
        var sample = $"{urls.BaseUrl}/preview-sample-link";
        return name switch
        {
            "confirm" => await composer.ComposeAsync("confirm",
                new ConfirmationEmail(SampleAddress, $"{sample}/confirm", "7 days", $"Confirm your subscription to {site}: one click, and nothing is sent until you do."),
                SampleAddress, $"Confirm your subscription to {site}"),
            "welcome" => await composer.ComposeAsync("welcome",
                new WelcomeEmail(SampleAddress,
                    [new TopicLink("Long-context models", $"{sample}/unsubscribe?topic=long-context"), new TopicLink("Code generation and code models", $"{sample}/unsubscribe?topic=code-models")],
                    ["DPO and preference learning", "retrieval for code"], "daily", $"{sample}/preferences", $"{sample}/unsubscribe",
                    "You follow 2 topics and 2 interests; the first digest comes tomorrow."),
                SampleAddress, $"Welcome to {site}", $"{sample}/unsubscribe", isList: true),
            "already-subscribed" => await composer.ComposeAsync("already-subscribed",
                new AlreadySubscribedEmail(SampleAddress, $"{sample}/preferences", $"{sample}/unsubscribe", $"This address is already subscribed to {site}, so nothing has changed."),
                SampleAddress, $"You are already subscribed to {site}", $"{sample}/unsubscribe"),
            "digest" => await digests.ComposeAsync(
                new Subscriber { Id = 0, Email = SampleAddress, Frequency = "daily", Status = SubscriberStatus.Active, TokenVersion = 1 }, SampleEntries()),
            _ => null,
        };
    }

    /// <summary>The message's text or HTML part (MimeMessage.TextBody and HtmlBody answer null for a message composed in memory).</summary>
    public static string? Part(MimeMessage message, bool html) =>
        message.BodyParts.OfType<TextPart>().FirstOrDefault(p => html ? p.IsHtml : p.IsPlain)?.Text;

    private static List<DigestEntryRow> SampleEntries() =>
    [
        Entry(1, "Sample: stretching a model's context to a million tokens without retraining",
            "A sample abstract. Rescaling rotary position embeddings and a short phase of continued pretraining keep perplexity flat far past the trained length.",
            ["Ada Example", "Alan Sample"], 42, "Because you follow Long-context models"),
        Entry(2, "Sample: preference optimisation from a handful of comparisons",
            "A sample abstract. Direct preference optimisation with a learned prior reaches the quality of a full reward model with a tenth of the labels.",
            ["Grace Placeholder"], 17, "Matches your interest “DPO and preference learning”"),
        Entry(3, "Sample: retrieval that reads the repository before writing code",
            "A sample abstract. Retrieving call sites and tests before generation halves the compile errors of a code model on unseen repositories.",
            ["Edsger Instance", "Barbara Mock", "Donald Stub"], 8, "Because you follow Code generation and code models"),
    ];

    private static DigestEntryRow Entry(long id, string title, string summary, string[] authors, long upvotes, string reason) => new()
    {
        Id = id, Title = title, Abstract = summary, Url = $"https://papers.example.org/sample-{id}", Authors = JsonSerializer.Serialize(authors),
        Upvotes = upvotes, Reason = reason,
    };
}
