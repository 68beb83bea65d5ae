using Newsletter.Matching.Embeddings;
using Newsletter.Matching.Glossary;

namespace Newsletter.Matching;

/// <summary>Where interest vectors come from: the database cache in the service, the model directly in verbs.</summary>
public interface IInterestVectorSource
{
    /// <param name="persist">False inside a write transaction: a vector computed then is kept in memory, not written.</param>
    Task<IReadOnlyDictionary<string, float[]>> GetAsync(IReadOnlyCollection<string> texts, bool persist, CancellationToken cancellationToken);
}

/// <summary>
/// Turns interest items into what the matcher needs: the glossary's wordings for keyword matching,
/// the expanded text for the model, and that text's vector.
/// </summary>
public sealed class InterestPreparation(Glossary.Glossary glossary, IInterestVectorSource? vectors, MatchingOptions options)
{
    public IReadOnlyList<InterestItem> Expand(IReadOnlyList<InterestItem> items) => items.Select(item =>
    {
        var expanded = InterestExpansion.Expand(item.Query, glossary);
        return item with { Wordings = expanded.Wordings, EmbeddingText = expanded.EmbeddingText };
    }).ToList();

    public async Task<IReadOnlyList<InterestItem>> PrepareAsync(IReadOnlyList<InterestItem> items, bool persist = true, CancellationToken cancellationToken = default)
    {
        var expanded = Expand(items);
        if (vectors is null || options.Mode == MatchingMode.Lexical || expanded.Count == 0)
        {
            return expanded;
        }

        // Checked once here, so the matcher can trust an item's vector on every lookup: a broken one
        // counts as none (the item is then matched by keywords).
        var found = await vectors.GetAsync(expanded.Select(i => i.EmbeddingText).ToList(), persist, cancellationToken);
        return expanded.Select(i => i with { Vector = found.GetValueOrDefault(i.EmbeddingText) is { } v && VectorMath.IsUsable(v, v.Length) ? v : null }).ToList();
    }
}

/// <summary>For verbs without a database: every text goes straight to the model.</summary>
public sealed class DirectVectorSource(ITextEmbedder embedder) : IInterestVectorSource
{
    public Task<IReadOnlyDictionary<string, float[]>> GetAsync(IReadOnlyCollection<string> texts, bool persist, CancellationToken cancellationToken)
    {
        var distinct = texts.Distinct(StringComparer.Ordinal).ToList();
        var vectors = embedder.Embed(distinct, cancellationToken);
        return Task.FromResult<IReadOnlyDictionary<string, float[]>>(distinct.Zip(vectors).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
    }
}
