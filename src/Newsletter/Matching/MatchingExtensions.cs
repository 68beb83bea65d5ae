using Newsletter.Configuration;
using Newsletter.Matching.Embeddings;

namespace Newsletter.Matching;

public static class MatchingExtensions
{
    public static WebApplicationBuilder AddMatching(this WebApplicationBuilder builder, StartupSettings settings)
    {
        var options = settings.Matching;
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(Glossary.Glossary.For(options));
        builder.Services.AddSingleton<ITextEmbedder>(new MiniLmEmbedder(options.EmbeddingThreads));
        builder.Services.AddSingleton<EmbeddingStore>();
        builder.Services.AddSingleton<Learning.ThumbsStore>();
        builder.Services.AddSingleton<EntryEmbeddings>();
        builder.Services.AddTransient<EntryEmbeddingJob>();
        builder.Services.AddSingleton<TextVectors>();
        builder.Services.AddSingleton<IInterestVectorSource>(s => s.GetRequiredService<TextVectors>());
        builder.Services.AddSingleton<InterestPreparation>();
        builder.Services.AddSingleton<IEntryMatcher>(new HybridMatcher(options));
        return builder;
    }
}
