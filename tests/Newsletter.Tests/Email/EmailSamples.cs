using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Newsletter.Delivery;
using Newsletter.Email;
using Newsletter.Subscriptions;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Email;

/// <summary>
/// Every kind of email the service sends, as the test SMTP server received it from a running app:
/// the confirmation, the welcome for someone following all 20 default topics, the already-subscribed
/// notice, and a digest of ten entries (rendered by the app's own DigestComposer and sent by its own
/// sender, with the entries given here so the test controls titles, reasons and lengths).
/// </summary>
internal static class EmailSamples
{
    public const string Reader = "reader@example.org";

    public static readonly string[] AllTopics =
    [
        "llm-agents-tool-use", "reasoning-chain-of-thought", "alignment-rlhf-preference-optimization", "retrieval-augmented-generation",
        "multimodal-vision-language-models", "evaluation-benchmarks", "efficient-inference", "in-context-learning-prompting",
        "ai-safety-red-teaming", "code-models", "parameter-efficient-fine-tuning", "data-curation-synthetic-data", "instruction-tuning",
        "long-context", "mixture-of-experts-scaling-laws", "interpretability", "efficient-training", "multilingual-models",
        "continual-pretraining-domain-adaptation", "speech-audio-diffusion-models",
    ];

    public static async Task<(MimeMessage Confirmation, MimeMessage Welcome)> SubscribeToEverythingAsync(TestApp app)
    {
        var welcome = await app.SubscribeAndConfirmAsync(Reader, AllTopics, "DPO and preference learning\nretrieval for code");
        return (app.Smtp!.To(Reader).First(m => m.Subject!.Contains("Confirm", StringComparison.Ordinal)), welcome);
    }

    public static async Task<MimeMessage> AlreadySubscribedAsync(TestApp app)
    {
        await app.SubscribeAsync(Reader, ["code-models"]);
        return await app.Smtp!.WaitForAsync(Reader, "already subscribed");
    }

    public static async Task<MimeMessage> DigestAsync(TestApp app, int count = 10, string firstTitle = "Extending the context window of large language models to a million tokens without retraining")
    {
        var subscriber = new Subscriber { Id = 7, Email = "digest.reader@example.org", Frequency = "weekly", Status = SubscriberStatus.Active, TokenVersion = 1 };
        var message = await app.Services.GetRequiredService<DigestComposer>().ComposeAsync(subscriber, Entries(count, firstTitle));
        await app.Services.GetRequiredService<IEmailSender>().SendAsync(message);
        return await app.Smtp!.WaitForAsync(subscriber.Email, "");
    }

    private static List<DigestEntryRow> Entries(int count, string firstTitle)
    {
        string[] reasons =
        [
            "Because you follow Long-context models", "Matches your interest “DPO and preference learning”",
            "Because you follow Code generation and code models", "Trending",
        ];
        const string abstractText =
            "We study how far a pretrained transformer can be pushed past the context length it was trained on. " +
            "By rescaling rotary position embeddings and adding a short phase of continued pretraining on long documents, " +
            "the model keeps its perplexity flat up to one million tokens and answers needle-in-a-haystack questions at every depth we tried, " +
            "at a fraction of the cost of training a long-context model from scratch.";
        return Enumerable.Range(0, count).Select(i => new DigestEntryRow
        {
            Id = 1000 + i,
            Title = i == 0 ? firstTitle : $"Paper number {i + 1}: sparse mixture of experts routing that balances load without auxiliary losses",
            Abstract = abstractText,
            Url = i % 3 == 2 ? null : $"https://arxiv.org/abs/2411.{10000 + i}",
            Authors = JsonSerializer.Serialize(i % 2 == 0 ? ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"] : new[] { "Barbara Liskov" }),
            Upvotes = i * 7,
            Reason = reasons[i % reasons.Length],
        }).ToList();
    }
}
