using Newsletter.Matching;

namespace Newsletter.Matching.Embeddings;

/// <summary>
/// Vectors of interest texts (an interest line or a topic, after glossary expansion), each distinct
/// text embedded once and kept in the database. A subscriber's texts are embedded when they confirm
/// or change them (<see cref="Delivery.InterestVectorsJob"/>), and every text before a run; one met
/// for the first time while planning (a topic edited a moment ago) is embedded then, kept in memory
/// while the claim's transaction is open, and written the next time writing is allowed.
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

        // Vectors computed inside a transaction earlier are written now that writing is allowed.
        var toSave = persist ? distinct.Where(t => found.ContainsKey(t) && unsaved.TryRemove(t, out _)).Select(t => (t, found[t])).ToList() : [];
        var missing = distinct.Where(t => !found.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            var vectors = await Task.Run(() => embedder.Embed(missing, cancellationToken), cancellationToken);
            if (persist)
            {
                toSave.AddRange(missing.Zip(vectors));
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

        if (toSave.Count > 0)
        {
            await store.SaveTextEmbeddingsAsync(embedder.Model, toSave, cancellationToken);
        }

        return found;
    }
}
