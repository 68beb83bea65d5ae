using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
        /// <summary>
        /// Items shared by many subscribers (topics, common interests) are scored once per corpus, up to
        /// 2,000 items or 48 MB of scores (three floats per entry per item), whichever comes first: a
        /// 30-day window of a busy feed holds tens of thousands of entries.
        /// </summary>
        private const int MaxCachedItems = 2_000;
        private const long CacheBytes = 48L << 20;

        /// <summary>
        /// An item's bar is estimated from at most this many entries spread evenly over the span: the
        /// mean and deviation of 2,000 scores are as good as of 30,000, at a fifteenth of the cost per
        /// subscriber.
        /// </summary>
        private const int StatisticsSample = 2_000;

        private readonly MatchingOptions options;
        private readonly FusionRules fusion;
        private readonly Bm25Index? bm25;
        private readonly float[] matrix = [];
        private readonly bool[] hasVector = [];
        private readonly int dimensions;
        private readonly int[] sample;
        private readonly float[] sampleMatrix = [];
        private readonly Dictionary<long, int> positions = [];
        private readonly ConcurrentDictionary<(string Query, string EmbeddingText, int Wordings, string? LastWording, bool HasVector), ItemScores> cache = new();
        private readonly int cachedItems;
        private int cachedCount;

        public Corpus(IReadOnlyList<MatchableEntry> entries, MatchingOptions options)
        {
            Entries = entries;
            this.options = options;
            var n = entries.Count;
            cachedItems = (int)Math.Min(MaxCachedItems, CacheBytes / (12L * Math.Max(1, n)));
            for (var i = 0; i < n; i++)
            {
                positions.TryAdd(entries[i].Id, i);
            }

            var sampled = Math.Min(n, StatisticsSample);
            sample = Enumerable.Range(0, sampled).Select(k => (int)((long)k * n / sampled)).ToArray();
            if (options.Mode != MatchingMode.Semantic)
            {
                bm25 = new Bm25Index(entries, sample);
            }

            fusion = new FusionRules(options, hasKeywords: bm25 is not null);

            if (options.Mode != MatchingMode.Lexical && entries.FirstOrDefault(e => e.Vector is { Length: > 0 })?.Vector is { } first)
            {
                dimensions = first.Length;
                matrix = new float[n * dimensions];
                hasVector = new bool[n];
                for (var i = 0; i < n; i++)
                {
                    if (entries[i].Vector is { } vector && VectorMath.IsUsable(vector, dimensions))
                    {
                        vector.CopyTo(matrix.AsSpan(i * dimensions));
                        hasVector[i] = true;
                    }
                }

                sampleMatrix = new float[sample.Length * dimensions];
                for (var k = 0; k < sample.Length; k++)
                {
                    matrix.AsSpan(sample[k] * dimensions, dimensions).CopyTo(sampleMatrix.AsSpan(k * dimensions));
                }
            }
        }

        public IReadOnlyList<MatchableEntry> Entries { get; }

        public int IndexOf(long entryId) => positions.GetValueOrDefault(entryId, -1);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Score(IReadOnlyList<InterestItem> items, ScoreSheet sheet, int limit = int.MaxValue)
        {
            var n = Entries.Count;
            limit = Math.Clamp(limit, 0, n);
            sheet.Reset(n);
            var scores = ScoresOf(items, limit);
            for (var i = 0; i < items.Count; i++)
            {
                var item = scores[i];
                sheet.Bars.Add(item.Bar);
                for (var doc = 0; doc < limit; doc++)
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

            foreach (var item in scores)
            {
                Scratch.Return(item);
            }
        }

        private ItemScores[] ScoresOf(IReadOnlyList<InterestItem> items, int limit)
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

            // While the cache has room, items are scored over the whole corpus and kept (the next
            // subscriber with that topic needs other entries); after that only as far as this one needs.
            var cacheable = Volatile.Read(ref cachedCount) < cachedItems;
            var span = cacheable ? n : limit;

            // Cosines of every uncached item with a vector, in one pass of the kernel over the matrix
            // (the entries this subscriber can be sent) and one over the statistics sample.
            var withVectors = uncached.Where(i => HasVector(items[i])).ToList();
            var cosines = Scratch.Cosines(withVectors.Count * span);
            var sampleCosines = Scratch.SampleCosines(withVectors.Count * sample.Length);
            var queries = Scratch.Queries(withVectors.Count * dimensions);
            for (var k = 0; k < withVectors.Count; k++)
            {
                items[withVectors[k]].Vector.AsSpan().CopyTo(queries.AsSpan(k * dimensions));
            }

            if (withVectors.Count > 0)
            {
                var query = queries.AsSpan(0, withVectors.Count * dimensions);
                SimilarityKernel.Score(query, matrix.AsSpan(0, span * dimensions), dimensions, cosines);
                if (span == n)
                {
                    // Every sampled entry was just scored: read its cosine instead of computing it twice.
                    for (var q = 0; q < withVectors.Count; q++)
                    {
                        for (var k = 0; k < sample.Length; k++)
                        {
                            sampleCosines[(q * sample.Length) + k] = cosines[(q * n) + sample[k]];
                        }
                    }
                }
                else
                {
                    SimilarityKernel.Score(query, sampleMatrix, dimensions, sampleCosines);
                }
            }

            foreach (var i in uncached)
            {
                var k = withVectors.IndexOf(i);
                var item = Scratch.Rent(n);
                Fill(items[i], item, span, hasSemantic: k >= 0,
                    k >= 0 ? cosines.AsSpan(k * span, span) : default,
                    k >= 0 ? sampleCosines.AsSpan(k * sample.Length, sample.Length) : default);
                // ConcurrentDictionary.Count takes every lock of the dictionary: count the adds ourselves.
                if (span == n && Volatile.Read(ref cachedCount) < cachedItems && cache.TryAdd(Key(items[i]), item))
                {
                    Interlocked.Increment(ref cachedCount);
                    item.MarkCached();
                }

                scores[i] = item;
            }

            return scores;
        }

        /// <summary>
        /// An item's scores for the first <paramref name="span"/> entries, and its bar from the
        /// statistics sample; nothing is computed for the entries in between.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Fill(InterestItem item, ItemScores into, int span, bool hasSemantic, ReadOnlySpan<float> cosines, ReadOnlySpan<float> sampleCosines)
        {
            var n = Entries.Count;
            var lexical = into.Lexical.AsSpan(0, span);
            var semantic = into.Semantic.AsSpan(0, span);
            var fused = into.Fused.AsSpan(0, span);
            var sampleLexical = Scratch.SampleLexical(sample.Length).AsSpan(0, sample.Length);
            lexical.Clear();
            sampleLexical.Clear();
            if (bm25 is not null)
            {
                foreach (var wording in item.Wordings)
                {
                    bm25.ScoreInto(wording, lexical, span);
                    if (span < n)
                    {
                        bm25.ScoreSampleInto(wording, sampleLexical);
                    }
                }

                if (span == n)
                {
                    for (var k = 0; k < sample.Length; k++)
                    {
                        sampleLexical[k] = lexical[sample[k]];
                    }
                }
            }

            for (var doc = 0; doc < span; doc++)
            {
                semantic[doc] = hasSemantic && hasVector[doc] ? fusion.Normalise(cosines[doc]) : 0;
            }

            if (options.Mode == MatchingMode.Hybrid && hasSemantic && options.Fusion == Fusion.ReciprocalRank)
            {
                // Ranks need the whole list; eval is the one user and always scores everything.
                FusionRules.ReciprocalRank(into.Lexical, into.Semantic, span, fused);
                into.Bar = n >= options.MinEntriesForBar ? FusionRules.AdaptiveBar(fused, options.BarDeviations) : 0;
                return;
            }

            for (var doc = 0; doc < span; doc++)
            {
                fused[doc] = fusion.Fuse(lexical[doc], semantic[doc], hasSemantic, hasSemantic && hasVector[doc]);
            }

            if (n < options.MinEntriesForBar)
            {
                into.Bar = 0;
                return;
            }

            var sampled = Scratch.SampleFused(sample.Length).AsSpan(0, sample.Length);
            for (var k = 0; k < sample.Length; k++)
            {
                var doc = sample[k];
                var sem = hasSemantic && hasVector[doc] ? fusion.Normalise(sampleCosines[k]) : 0;
                sampled[k] = fusion.Fuse(sampleLexical[k], sem, hasSemantic, hasSemantic && hasVector[doc]);
            }

            into.Bar = FusionRules.AdaptiveBar(sampled, options.BarDeviations);
        }

        // What the scores depend on: the same query expanded differently is a different item. The
        // wordings are derived from the query, so their count and last one tell expansions apart
        // without building a string per lookup.
        private (string, string, int, string?, bool) Key(InterestItem item) =>
            (item.Query, item.EmbeddingText, item.Wordings.Count, item.Wordings.Count > 0 ? item.Wordings[^1] : null, HasVector(item));

        /// <summary>Items' vectors are checked where they are prepared (<see cref="InterestPreparation"/>); here only their size.</summary>
        private bool HasVector(InterestItem item) => dimensions > 0 && item.Vector?.Length == dimensions;
    }
}
