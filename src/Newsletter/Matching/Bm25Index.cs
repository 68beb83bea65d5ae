using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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

    /// <summary>For each entry, its place in the statistics sample, or -1.</summary>
    private readonly int[] samplePlace;

    /// <param name="sample">Entry positions whose scores <see cref="ScoreSampleInto"/> computes on their own.</param>
    public Bm25Index(IReadOnlyList<MatchableEntry> entries, IReadOnlyList<int>? sample = null)
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

        samplePlace = new int[entries.Count];
        Array.Fill(samplePlace, -1);
        for (var k = 0; k < (sample?.Count ?? 0); k++)
        {
            samplePlace[sample![k]] = k;
        }
    }

    public int Count { get; }

    /// <summary>
    /// Raises <paramref name="into"/>[doc] to the query's 0..1 score where that is higher (so wordings
    /// of one interest combine by max), for the first <paramref name="limit"/> entries only: postings
    /// are in entry order, so the walk stops there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScoreInto(string query, Span<float> into, int limit = int.MaxValue)
    {
        limit = Math.Min(limit, Count);
        var (terms, idfs, normaliser) = Prepare(query);
        if (terms.Count == 0 || limit == 0)
        {
            return;
        }

        var sums = System.Buffers.ArrayPool<float>.Shared.Rent(limit);
        try
        {
            Array.Clear(sums, 0, limit);
            for (var i = 0; i < terms.Count; i++)
            {
                if (postings.TryGetValue(terms[i], out var list))
                {
                    var idf = (float)idfs[i];
                    for (var p = 0; p < list.Docs.Length && list.Docs[p] < limit; p++)
                    {
                        sums[list.Docs[p]] += idf * list.Weights[p];
                    }
                }
            }

            RaiseTo(sums.AsSpan(0, limit), normaliser, into);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(sums);
        }
    }

    /// <summary>As <see cref="ScoreInto"/>, for the statistics sample given at construction: <paramref name="into"/>[k] is sample entry k's score.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScoreSampleInto(string query, Span<float> into)
    {
        var (terms, idfs, normaliser) = Prepare(query);
        if (terms.Count == 0 || into.IsEmpty)
        {
            return;
        }

        var sums = System.Buffers.ArrayPool<float>.Shared.Rent(into.Length);
        try
        {
            Array.Clear(sums, 0, into.Length);
            for (var i = 0; i < terms.Count; i++)
            {
                if (postings.TryGetValue(terms[i], out var list))
                {
                    // A sequential walk of the postings with one array lookup each: no hashing per entry.
                    var idf = (float)idfs[i];
                    for (var p = 0; p < list.Docs.Length; p++)
                    {
                        var place = samplePlace[list.Docs[p]];
                        if (place >= 0)
                        {
                            sums[place] += idf * list.Weights[p];
                        }
                    }
                }
            }

            RaiseTo(sums.AsSpan(0, into.Length), normaliser, into);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(sums);
        }
    }

    /// <summary><c>into[i] = max(into[i], min(1, sums[i] / normaliser))</c>, eight at a time: exact operations, so the same values as one at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RaiseTo(ReadOnlySpan<float> sums, float normaliser, Span<float> into)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var divisor = Vector256.Create(normaliser);
            for (; i <= sums.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.Max(Vector256.Create(into[i..]), Vector256.Min(Vector256<float>.One, Vector256.Create(sums[i..]) / divisor)).CopyTo(into[i..]);
            }
        }

        for (; i < sums.Length; i++)
        {
            into[i] = Math.Max(into[i], Math.Min(1, sums[i] / normaliser));
        }
    }

    private (List<string> Terms, List<double> Idfs, float Normaliser) Prepare(string query)
    {
        var terms = Tokenizer.Terms(query).Distinct(StringComparer.Ordinal).ToList();
        var idfs = terms.Select(Idf).ToList();
        return (terms, idfs, (float)((K1 + 1) * idfs.OrderDescending().Take(NormalisingTerms).Sum()));
    }

    private double Idf(string term)
    {
        var df = postings.TryGetValue(term, out var list) ? list.Docs.Length : 0;
        return Math.Log(1 + ((Count - df + 0.5) / (df + 0.5)));
    }
}
