using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Newsletter.Matching.Embeddings;

namespace Newsletter.Matching;

/// <summary>
/// Matching v3: BM25 (with the glossary's wordings of each interest), embedding similarity, and where
/// the entry stands among the indexed span's entries for the same item, turned into one calibrated
/// probability of relevance (<see cref="ScoreModel"/>). Keywords catch exact terms and acronyms the
/// model does not know; embeddings catch paraphrases that share no word; the standing adapts to how
/// close everything in the window is to the interest.
/// </summary>
public sealed partial class HybridMatcher(MatchingOptions options) : IEntryMatcher
{
    public HybridMatcher() : this(new MatchingOptions()) { }

    public MatchingOptions Options => options;

    public IMatchingCorpus Index(IReadOnlyList<MatchableEntry> entries) => new Corpus(entries, options);

    /// <summary>An index of entries: BM25 postings and one contiguous matrix of their vectors. Safe to share between threads.</summary>
    private sealed partial class Corpus : IMatchingCorpus
    {
        /// <summary>
        /// Items shared by many subscribers (topics, common interests) are scored once per corpus, up to
        /// 2,000 items or 48 MB of scores (three floats per entry per item), whichever comes first: a
        /// 30-day window of a busy feed holds tens of thousands of entries.
        /// </summary>
        private const int MaxCachedItems = 2_000;
        private const long CacheBytes = 48L << 20;

        /// <summary>
        /// Where an entry stands is measured against at most this many entries spread evenly over the
        /// span: the median and deviation of 2,000 cosines are as good as of 30,000, at a fifteenth of
        /// the cost per subscriber.
        /// </summary>
        private const int StatisticsSample = 2_000;

        /// <summary>
        /// The median and deviation that say where an entry stands come from at most this many of the
        /// sampled entries, evenly spread: two medians of 1,000 values took 35 µs per item per pass,
        /// most of a subscriber's selection, and of 512 take half that, with the median off by well under
        /// a tenth of a deviation. (256 halved it again, but its noisier deviation let about 10% more
        /// entries from the far tail through in the matching bench.) Windows of up to 512 entries are
        /// measured whole; feedback entries are still chosen among the whole sample.
        /// </summary>
        public const int StandingSample = 512;
        private readonly MatchingOptions options;
        private readonly ScoreModel[] models;
        private readonly Bm25Index? bm25;
        private readonly float[] matrix = [];
        private readonly bool[] hasVector = [];

        /// <summary>Positions of the entries without a usable vector, in order.</summary>
        private readonly int[] withoutVector = [];
        private readonly int dimensions;
        private readonly int[] sample;

        /// <summary>Places in <see cref="sample"/> of the entries (with a vector) that the standing is measured on.</summary>
        private readonly int[] standingPlaces = [];
        private readonly float[] sampleMatrix = [];
        private readonly Dictionary<long, int> positions = [];
        private readonly ConcurrentDictionary<ItemKey, ItemScores> cache = new();
        private readonly int cachedItems;
        private readonly Lazy<float[]> similarities;
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

            models = Enum.GetValues<SignalSet>().Select(options.Calibration.For).ToArray();
            // Built once, by the first thread that needs it: the workers of a run all arrive at once.
            similarities = new Lazy<float[]>(() =>
            {
                var all = new float[n * n];
                SimilarityKernel.Score(matrix, matrix, dimensions, all);
                return all;
            }, LazyThreadSafetyMode.ExecutionAndPublication);

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

                withoutVector = Enumerable.Range(0, n).Where(i => !hasVector[i]).ToArray();
                var withVector = Enumerable.Range(0, sample.Length).Where(k => hasVector[sample[k]]).ToArray();
                var standing = Math.Min(withVector.Length, StandingSample);
                standingPlaces = Enumerable.Range(0, standing).Select(j => withVector[(int)((long)j * withVector.Length / standing)]).ToArray();

                sampleMatrix = new float[sample.Length * dimensions];
                for (var k = 0; k < sample.Length; k++)
                {
                    matrix.AsSpan(sample[k] * dimensions, dimensions).CopyTo(sampleMatrix.AsSpan(k * dimensions));
                }
            }
        }

        public IReadOnlyList<MatchableEntry> Entries { get; }

        public int IndexOf(long entryId) => positions.GetValueOrDefault(entryId, -1);

        /// <summary>The calibrated model for an item's window, and where its entries' cosines centre and spread.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private WindowModel ModelFor(ReadOnlySpan<float> sampleCosines)
        {
            var window = Scratch.WindowCosines(standingPlaces.Length).AsSpan(0, standingPlaces.Length);
            for (var i = 0; i < standingPlaces.Length; i++)
            {
                window[i] = sampleCosines[standingPlaces[i]];
            }

            var withStanding = window.Length >= options.MinEntriesForStanding;
            var stats = withStanding ? Standing.Of(window, Scratch.SortSpace(window.Length)) : (Median: 0f, Scale: 1f);
            var model = models[(int)((options.Mode, withStanding) switch
            {
                (MatchingMode.Semantic, true) => SignalSet.Semantic,
                (MatchingMode.Semantic, false) => SignalSet.SemanticNoStanding,
                (_, true) => SignalSet.Hybrid,
                _ => SignalSet.HybridNoStanding,
            })];
            return new WindowModel(model, stats, withStanding);
        }

        /// <summary>An item's keyword scores (the best of its wordings) for the first <paramref name="into"/>.Length entries.</summary>
        private void Lexical(InterestItem item, Span<float> into)
        {
            into.Clear();
            if (bm25 is not null)
            {
                foreach (var wording in item.Wordings)
                {
                    bm25.ScoreInto(wording, into, into.Length);
                }
            }
        }

        /// <summary>
        /// An item's calibrated probabilities for the first <paramref name="span"/> entries, from its
        /// keyword scores already in <paramref name="into"/>; where each entry stands is measured against
        /// the statistics sample. Nothing is computed for the entries in between.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Fill(ItemScores into, int span, WindowModel? known, bool hasSemantic, ReadOnlySpan<float> cosines, ReadOnlySpan<float> sampleCosines)
        {
            var lexical = into.Lexical.AsSpan(0, span);
            var semantic = into.Semantic.AsSpan(0, span);
            var fused = into.Fused.AsSpan(0, span);
            var keywordsOnly = models[(int)SignalSet.Lexical];
            if (!hasSemantic)
            {
                semantic.Clear();
                for (var doc = 0; doc < span; doc++)
                {
                    fused[doc] = lexical[doc] > 0 ? keywordsOnly.Probability(0, lexical[doc], 0) : 0;
                }

                return;
            }

            var (model, stats, withStanding) = known ?? ModelFor(sampleCosines);
            cosines[..span].CopyTo(semantic);
            CalibratedScores.Logits(model, cosines, lexical, withStanding ? stats : null, fused);
            CalibratedScores.Probabilities(fused);
            foreach (var doc in withoutVector)
            {
                if (doc >= span)
                {
                    break;
                }

                // An entry without a vector yet (it arrived moments before the cutoff) is judged by its
                // keywords alone, with the model calibrated for that: it would otherwise never qualify,
                // and the subscriber's window moves past it for good.
                semantic[doc] = 0;
                fused[doc] = lexical[doc] > 0 ? keywordsOnly.Probability(0, lexical[doc], 0) : 0;
            }
        }

        // What the scores depend on: the same query expanded differently is a different item. The
        // wordings are derived from the query, so their count and last one tell expansions apart
        // without building a string per lookup.
        private ItemKey Key(InterestItem item) =>
            new(item.Query, item.EmbeddingText, item.Wordings.Count, item.Wordings.Count > 0 ? item.Wordings[^1] : null, HasVector(item));

        /// <summary>Items' vectors are checked where they are prepared (<see cref="InterestPreparation"/>); here only their size.</summary>
        private bool HasVector(InterestItem item) => dimensions > 0 && item.Vector?.Length == dimensions;
    }
}

/// <summary>The calibrated model for an item's window, and where the window's cosines centre and spread.</summary>
internal readonly record struct WindowModel(ScoreModel Model, (float Median, float Scale) Stats, bool WithStanding);

/// <summary>What an item's scores depend on (see <c>Corpus.Key</c>).</summary>
internal readonly record struct ItemKey(string Query, string EmbeddingText, int Wordings, string? LastWording, bool HasVector);
