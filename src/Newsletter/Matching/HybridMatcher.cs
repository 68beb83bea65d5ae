using System.Collections.Concurrent;
using Newsletter.Matching.Embeddings;

namespace Newsletter.Matching;

/// <summary>
/// Matching v2: BM25 (with the glossary's wordings of each interest) and embedding similarity, fused.
/// Keywords catch exact terms and acronyms the model does not know; embeddings catch paraphrases
/// that share no word. Each item's fused scores over the indexed span also give its adaptive bar.
/// </summary>
public sealed class HybridMatcher(MatchingOptions options) : IEntryMatcher
{
    public HybridMatcher() : this(new MatchingOptions()) { }

    public MatchingOptions Options => options;

    public IMatchingCorpus Index(IReadOnlyList<MatchableEntry> entries) => new Corpus(entries, options);

    /// <summary>An index of entries: BM25 postings and one contiguous matrix of their vectors. Safe to share between threads.</summary>
    private sealed class Corpus : IMatchingCorpus
    {
        /// <summary>Items shared by many subscribers (topics, common interests) are scored once per corpus.</summary>
        private const int CachedItems = 2_000;

        private readonly MatchingOptions options;
        private readonly Bm25Index? bm25;
        private readonly float[] matrix = [];
        private readonly bool[] hasVector = [];
        private readonly int dimensions;
        private readonly Dictionary<long, int> positions = [];
        private readonly ConcurrentDictionary<(string Query, string EmbeddingText, int Wordings, string? LastWording, bool HasVector), ItemScores> cache = new();
        private int cachedCount;

        public Corpus(IReadOnlyList<MatchableEntry> entries, MatchingOptions options)
        {
            Entries = entries;
            this.options = options;
            for (var i = 0; i < entries.Count; i++)
            {
                positions.TryAdd(entries[i].Id, i);
            }

            if (options.Mode != MatchingMode.Semantic)
            {
                bm25 = new Bm25Index(entries);
            }

            if (options.Mode != MatchingMode.Lexical && entries.FirstOrDefault(e => e.Vector is not null)?.Vector is { } first)
            {
                dimensions = first.Length;
                matrix = new float[entries.Count * dimensions];
                hasVector = new bool[entries.Count];
                for (var i = 0; i < entries.Count; i++)
                {
                    if (entries[i].Vector is { } vector && vector.Length == dimensions)
                    {
                        vector.CopyTo(matrix.AsSpan(i * dimensions));
                        hasVector[i] = true;
                    }
                }
            }
        }

        public IReadOnlyList<MatchableEntry> Entries { get; }

        public int IndexOf(long entryId) => positions.GetValueOrDefault(entryId, -1);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void Score(IReadOnlyList<InterestItem> items, ScoreSheet sheet)
        {
            var n = Entries.Count;
            sheet.Reset(n);
            var scores = ScoresOf(items);
            for (var i = 0; i < items.Count; i++)
            {
                var item = scores[i];
                sheet.Bars.Add(item.Bar);
                for (var doc = 0; doc < n; doc++)
                {
                    // The item that wins an entry is the one it clears by most, not the one with the
                    // highest raw score: a broad topic scores everything higher than a narrow interest.
                    var score = item.Fused[doc];
                    var winner = sheet.Item[doc];
                    if (score > 0 && (winner < 0 || score - item.Bar > sheet.Score[doc] - sheet.Bars[winner]))
                    {
                        sheet.Score[doc] = score;
                        sheet.Lexical[doc] = item.Lexical[doc];
                        sheet.Semantic[doc] = item.Semantic[doc];
                        sheet.Item[doc] = i;
                    }
                }
            }

            foreach (var item in scores.Where(s => !s.Cached))
            {
                item.Return();
            }
        }

        private ItemScores[] ScoresOf(IReadOnlyList<InterestItem> items)
        {
            var n = Entries.Count;
            var scores = new ItemScores[items.Count];
            var uncached = new List<int>();
            for (var i = 0; i < items.Count; i++)
            {
                if (cache.TryGetValue(Key(items[i]), out var cached))
                {
                    scores[i] = cached;
                }
                else
                {
                    uncached.Add(i);
                }
            }

            if (uncached.Count == 0)
            {
                return scores;
            }

            // Cosines of every uncached item with a vector, in one pass of the kernel over the matrix.
            var withVectors = uncached.Where(i => items[i].Vector is { } v && v.Length == dimensions && dimensions > 0).ToList();
            var cosines = Scratch.Cosines(withVectors.Count * n);
            var queries = Scratch.Queries(withVectors.Count * dimensions);
            {
                for (var k = 0; k < withVectors.Count; k++)
                {
                    items[withVectors[k]].Vector.AsSpan().CopyTo(queries.AsSpan(k * dimensions));
                }

                SimilarityKernel.Score(queries.AsSpan(0, withVectors.Count * dimensions), matrix, Math.Max(1, dimensions), cosines);
                foreach (var i in uncached)
                {
                    var k = withVectors.IndexOf(i);
                    var item = Scratch.Rent(n);
                    Fill(items[i], item, k >= 0 ? cosines.AsSpan(k * n, n) : default);
                    // ConcurrentDictionary.Count takes every lock of the dictionary: count the adds ourselves.
                    if (Volatile.Read(ref cachedCount) < CachedItems && cache.TryAdd(Key(items[i]), item))
                    {
                        Interlocked.Increment(ref cachedCount);
                        item.MarkCached();
                    }

                    scores[i] = item;
                }
            }

            return scores;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void Fill(InterestItem item, ItemScores into, ReadOnlySpan<float> cosines)
        {
            var n = Entries.Count;
            var lexical = into.Lexical.AsSpan(0, n);
            var semantic = into.Semantic.AsSpan(0, n);
            var fused = into.Fused.AsSpan(0, n);
            lexical.Clear();
            if (cosines.IsEmpty)
            {
                semantic.Clear();
            }

            if (bm25 is not null)
            {
                foreach (var wording in item.Wordings)
                {
                    bm25.ScoreInto(wording, lexical);
                }
            }

            var hasSemantic = !cosines.IsEmpty;
            if (hasSemantic)
            {
                var floor = (float)options.SemanticFloor;
                var span = (float)(options.SemanticCeiling - options.SemanticFloor);
                for (var doc = 0; doc < n; doc++)
                {
                    semantic[doc] = hasVector[doc] ? Math.Clamp((cosines[doc] - floor) / span, 0, 1) : 0;
                }
            }

            var mode = options.Mode;
            if (mode == MatchingMode.Lexical || (mode == MatchingMode.Hybrid && !hasSemantic))
            {
                lexical.CopyTo(fused);
            }
            else if (mode == MatchingMode.Semantic || bm25 is null)
            {
                semantic.CopyTo(fused);
            }
            else if (options.Fusion == Fusion.ReciprocalRank)
            {
                ReciprocalRank(into.Lexical, into.Semantic, fused);
            }
            else
            {
                var w = (float)options.LexicalWeight;
                for (var doc = 0; doc < n; doc++)
                {
                    fused[doc] = (w * lexical[doc]) + ((1 - w) * semantic[doc]);
                }
            }

            into.Bar = n >= options.MinEntriesForBar ? AdaptiveBar(fused, options.BarDeviations) : 0;
        }

        /// <summary>1/(60 + rank) summed over both rankings, scaled so first in both is 1; entries a ranking scores 0 get nothing from it.</summary>
        private void ReciprocalRank(float[] lexical, float[] semantic, Span<float> fused)
        {
            const double k = 60;
            fused.Clear();
            var n = Entries.Count;
            foreach (var scores in new[] { lexical, semantic })
            {
                var order = Enumerable.Range(0, n).Where(d => scores[d] > 0).OrderByDescending(d => scores[d]).ToList();
                for (var rank = 0; rank < order.Count; rank++)
                {
                    fused[order[rank]] += (float)(1 / (k + rank + 1) / (2 / (k + 1)));
                }
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static float AdaptiveBar(ReadOnlySpan<float> fused, double deviations)
        {
            if (fused.Length < 2)
            {
                return 0;
            }

            double sum = 0, squares = 0;
            foreach (var s in fused)
            {
                sum += s;
                squares += s * s;
            }

            var mean = sum / fused.Length;
            var variance = Math.Max(0, (squares - (fused.Length * mean * mean)) / (fused.Length - 1));
            return (float)(mean + (deviations * Math.Sqrt(variance)));
        }

        // What the scores depend on: the same query expanded differently is a different item. The
        // wordings are derived from the query, so their count and last one tell expansions apart
        // without building a string per lookup.
        private (string, string, int, string?, bool) Key(InterestItem item) =>
            (item.Query, item.EmbeddingText, item.Wordings.Count, item.Wordings.Count > 0 ? item.Wordings[^1] : null, item.Vector is not null && item.Vector.Length == dimensions && dimensions > 0);
    }

    /// <summary>
    /// Per-thread buffers, grown as needed and reused from subscriber to subscriber: the shared
    /// ArrayPool's per-core stacks take a lock once a thread rents more than one array of a size,
    /// and two threads then queue on it.
    /// </summary>
    private static class Scratch
    {
        [ThreadStatic]
        private static float[]? cosines;

        [ThreadStatic]
        private static float[]? queries;

        [ThreadStatic]
        private static Stack<ItemScores>? free;

        public static float[] Cosines(int length) => Grown(ref cosines, length);

        public static float[] Queries(int length) => Grown(ref queries, length);

        public static ItemScores Rent(int n) =>
            (free ??= new()).TryPop(out var scores) && scores.Fused.Length >= n ? scores : ItemScores.Allocate(n);

        public static void Return(ItemScores scores)
        {
            if ((free ??= new()).Count < 64)
            {
                free.Push(scores);
            }
        }

        private static float[] Grown(ref float[]? buffer, int length) =>
            buffer is not null && buffer.Length >= length ? buffer : buffer = new float[Math.Max(1, length)];
    }

    /// <summary>One item's scores over the corpus. Reused per thread unless cached: most items are one subscriber's own.</summary>
    private sealed class ItemScores
    {
        private ItemScores(float[] lexical, float[] semantic, float[] fused)
        {
            Lexical = lexical;
            Semantic = semantic;
            Fused = fused;
        }

        public float[] Lexical { get; }
        public float[] Semantic { get; }
        public float[] Fused { get; }
        public float Bar { get; set; }
        public bool Cached { get; private set; }

        public static ItemScores Allocate(int n) => new(new float[n], new float[n], new float[n]);

        /// <summary>Marks the scores as owned by the cache: never returned to the pool.</summary>
        public void MarkCached() => Cached = true;

        public void Return() => Scratch.Return(this);
    }
}
