using Newsletter.Matching.Embeddings;

namespace Newsletter.Matching;

/// <summary>
/// What the matching verbs share: the matcher and interest preparation the digest uses, built from
/// configuration, with the model run directly (no database).
/// </summary>
public sealed class VerbMatching
{
    private readonly ITextEmbedder embedder;

    public VerbMatching(MatchingOptions options, Glossary.Glossary glossary, ITextEmbedder? embedder = null)
    {
        Options = options;
        this.embedder = embedder ?? new MiniLmEmbedder(options.EmbeddingThreads);
        Matcher = new HybridMatcher(options);
        Interests = new InterestPreparation(glossary, new DirectVectorSource(this.embedder), options);
    }

    public MatchingOptions Options { get; }

    public HybridMatcher Matcher { get; }

    public InterestPreparation Interests { get; }

    /// <summary>Entries with their vectors (unless matching is keywords only); progress goes to standard error.</summary>
    public IReadOnlyList<MatchableEntry> Embed(IReadOnlyList<MatchableEntry> entries)
    {
        if (Options.Mode == MatchingMode.Lexical)
        {
            return entries;
        }

        var vectors = new float[entries.Count][];
        for (var start = 0; start < entries.Count; start += 64)
        {
            var chunk = entries.Skip(start).Take(64).ToList();
            embedder.Embed(chunk.Select(e => EmbeddingText.ForEntry(e.Title, e.Abstract)).ToList()).CopyTo(vectors, start);
            Console.Error.Write($"\rembedding entries: {Math.Min(entries.Count, start + 64)}/{entries.Count}");
        }

        Console.Error.WriteLine();
        return entries.Select((e, i) => e with { Vector = vectors[i] }).ToList();
    }

    /// <summary>Reads <c>Matching:*</c> from the verb's <c>--Matching:Key value</c> options and environment, as the service would.</summary>
    public static (MatchingOptions Options, Glossary.Glossary Glossary, double Threshold)? FromArguments(string[] args)
    {
        // Only the Matching and Digest keys (and their values) reach configuration; the verb's own options do not.
        var keys = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--Matching:", StringComparison.OrdinalIgnoreCase) || p.a.StartsWith("--Digest:", StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.i + 1 < args.Length ? new[] { p.a, args[p.i + 1] } : [p.a]).ToArray();
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(keys).Build();
        var options = new MatchingOptions();
        var digest = new Delivery.DigestOptions();
        try
        {
            configuration.GetSection(MatchingOptions.Section).Bind(options);
            configuration.GetSection(Delivery.DigestOptions.Section).Bind(digest);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"Invalid configuration: {e.Message}");
            return null;
        }

        var errors = options.Validate().Concat(digest.Validate()).Concat(MatchingOptions.Removed(configuration)).ToList();
        if (errors.Count > 0)
        {
            Console.Error.WriteLine("Invalid configuration:\n  " + string.Join("\n  ", errors));
            return null;
        }

        return (options, Glossary.Glossary.For(options), digest.Threshold);
    }
}
