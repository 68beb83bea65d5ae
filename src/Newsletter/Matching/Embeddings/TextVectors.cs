using Newsletter.Matching;

namespace Newsletter.Matching.Embeddings;

/// <summary>
/// Vectors of interest texts (an interest line or a topic, after glossary expansion), each distinct
/// text embedded once and kept in the database. Subscriptions embed their texts when saved; a text
/// met for the first time while planning (a topic edited since) is embedded then, once.
/// </summary>
public sealed class TextVectors(EmbeddingStore store, ITextEmbedder embedder) : IInterestVectorSource
{
    // Texts embedded inside a write transaction, where writing them would wait on our own lock.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, float[]> unsaved = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, float[]>> GetAsync(IReadOnlyCollection<string> texts, bool persist, CancellationToken cancellationToken)
    {
        var distinct = texts.Distinct(StringComparer.Ordinal).ToList();
        var found = await store.TextEmbeddingsAsync(embedder.Model, distinct, cancellationToken);
        foreach (var text in distinct.Where(t => !found.ContainsKey(t)))
        {
            if (unsaved.TryGetValue(text, out var vector))
            {
                found[text] = vector;
            }
        }

        var missing = distinct.Where(t => !found.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            var vectors = await Task.Run(() => embedder.Embed(missing, cancellationToken), cancellationToken);
            if (persist)
            {
                await store.SaveTextEmbeddingsAsync(embedder.Model, missing.Zip(vectors).ToList(), cancellationToken);
            }

            foreach (var (text, vector) in missing.Zip(vectors))
            {
                found[text] = vector;
                if (!persist && unsaved.Count < 10_000)
                {
                    unsaved[text] = vector;
                }
            }
        }

        return found;
    }
}
