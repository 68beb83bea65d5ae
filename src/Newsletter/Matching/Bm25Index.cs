namespace Newsletter.Matching;

/// <summary>
/// Okapi BM25 over each entry's title (counted twice: a title word says more than an abstract word)
/// and abstract, with the light stemmer of <see cref="Tokenizer"/>.
/// </summary>
/// <remarks>
/// BM25 scores are not comparable between queries of different lengths, and a relevance threshold
/// needs them to be. Each query's score is therefore divided by what a document matching the query's
/// five most specific terms (highest IDF) fully would score, and capped at 1: a short interest
/// ("DPO") and a long topic (name plus a dozen keywords) land on one 0..1 scale.
/// </remarks>
public sealed class Bm25Index
{
    public const double K1 = 1.2;
    public const double B = 0.75;
    public const int NormalisingTerms = 5;

    /// <summary>Per term, the documents holding it and each one's saturated, length-normalised term frequency, computed once at indexing.</summary>
    private readonly Dictionary<string, (int[] Docs, float[] Weights)> postings = new(StringComparer.Ordinal);

    public Bm25Index(IReadOnlyList<MatchableEntry> entries)
    {
        Count = entries.Count;
        var lengths = new int[entries.Count];
        var termCounts = new List<Dictionary<string, int>>(entries.Count);
        for (var doc = 0; doc < entries.Count; doc++)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var title = Tokenizer.Terms(entries[doc].Title);
            foreach (var term in title.Concat(title).Concat(Tokenizer.Terms(entries[doc].Abstract)))
            {
                counts[term] = counts.GetValueOrDefault(term) + 1;
                lengths[doc]++;
            }

            termCounts.Add(counts);
        }

        var averageLength = entries.Count == 0 ? 1 : Math.Max(1, lengths.Average());
        var building = new Dictionary<string, (List<int> Docs, List<float> Weights)>(StringComparer.Ordinal);
        for (var doc = 0; doc < entries.Count; doc++)
        {
            var norm = K1 * (1 - B + (B * lengths[doc] / averageLength));
            foreach (var (term, tf) in termCounts[doc])
            {
                if (!building.TryGetValue(term, out var list))
                {
                    building[term] = list = ([], []);
                }

                list.Docs.Add(doc);
                list.Weights.Add((float)(tf * (K1 + 1) / (tf + norm)));
            }
        }

        foreach (var (term, (docs, weights)) in building)
        {
            postings[term] = (docs.ToArray(), weights.ToArray());
        }
    }

    public int Count { get; }

    /// <summary>Raises <paramref name="into"/>[doc] to the query's 0..1 score where that is higher (so wordings of one interest combine by max).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void ScoreInto(string query, Span<float> into)
    {
        var terms = Tokenizer.Terms(query).Distinct(StringComparer.Ordinal).ToList();
        if (terms.Count == 0)
        {
            return;
        }

        var idfs = terms.Select(Idf).ToList();
        var normaliser = (float)((K1 + 1) * idfs.OrderDescending().Take(NormalisingTerms).Sum());
        var sums = System.Buffers.ArrayPool<float>.Shared.Rent(Count);
        try
        {
            Array.Clear(sums, 0, Count);
            for (var i = 0; i < terms.Count; i++)
            {
                if (postings.TryGetValue(terms[i], out var list))
                {
                    var idf = (float)idfs[i];
                    for (var p = 0; p < list.Docs.Length; p++)
                    {
                        sums[list.Docs[p]] += idf * list.Weights[p];
                    }
                }
            }

            for (var doc = 0; doc < Count; doc++)
            {
                into[doc] = Math.Max(into[doc], Math.Min(1, sums[doc] / normaliser));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(sums);
        }
    }

    private double Idf(string term)
    {
        var df = postings.TryGetValue(term, out var list) ? list.Docs.Length : 0;
        return Math.Log(1 + ((Count - df + 0.5) / (df + 0.5)));
    }
}
