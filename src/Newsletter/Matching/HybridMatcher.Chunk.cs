using System.Runtime.CompilerServices;
using Newsletter.Matching.Embeddings;

namespace Newsletter.Matching;

public sealed partial class HybridMatcher
{
    /// <summary>Scoring a chunk of subscribers together: one kernel pass for all the items they need that are not cached.</summary>
    private sealed partial class Corpus
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void ScoreMany(IReadOnlyList<ScoringRequest> requests, ScoreSheet sheet, Action<int, ScoreSheet> scored)
        {
            var n = Entries.Count;
            var (plan, pending) = Plan(requests);
            Compute(pending);
            for (var r = 0; r < requests.Count; r++)
            {
                var limit = Math.Clamp(requests[r].Limit, 0, n);
                sheet.Reset(n);
                var rows = plan[r];
                for (var i = 0; i < rows.Length; i++)
                {
                    sheet.Take(rows[i].Scores!, i, limit);
                }

                scored(r, sheet);
            }

            foreach (var row in pending)
            {
                Scratch.Return(row.Scores!);
            }
        }

        /// <summary>
        /// Each request's items as rows: the cached ones with their scores, the rest to compute, one row
        /// per distinct item however many subscribers of the chunk share it, spanning the most entries
        /// any of them can be sent (or the whole corpus for as many as the cache has room for: the next
        /// subscriber with that item needs other entries).
        /// </summary>
        private (ItemRow[][] Plan, List<ItemRow> Pending) Plan(IReadOnlyList<ScoringRequest> requests)
        {
            var n = Entries.Count;
            var room = cachedItems - Volatile.Read(ref cachedCount);
            var plan = new ItemRow[requests.Count][];
            var pending = new List<ItemRow>();
            var rows = new Dictionary<ItemKey, ItemRow>();
            for (var r = 0; r < requests.Count; r++)
            {
                var items = requests[r].Items;
                var limit = Math.Clamp(requests[r].Limit, 0, n);
                plan[r] = new ItemRow[items.Count];
                for (var i = 0; i < items.Count; i++)
                {
                    var key = Key(items[i]);
                    if (!rows.TryGetValue(key, out var row))
                    {
                        row = new ItemRow(items[i], key, HasVector(items[i])) { Scores = cache.GetValueOrDefault(key) };
                        rows[key] = row;
                        if (row.Scores is null)
                        {
                            pending.Add(row);
                            row.Span = room-- > 0 ? n : 0;
                        }
                    }

                    row.Span = Math.Max(row.Span, limit);
                    plan[r][i] = row;
                }
            }

            return (plan, pending);
        }

        /// <summary>
        /// The rows' keyword scores, their cosines in one pass of the kernel over the entries (rows of one
        /// span together, longest first) and one over the statistics sample, pseudo-relevance feedback,
        /// then each row's calibrated probabilities; rows over the whole corpus are cached while there is room.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Compute(List<ItemRow> pending)
        {
            if (pending.Count == 0)
            {
                return;
            }

            var n = Entries.Count;
            foreach (var row in pending)
            {
                row.Scores = Scratch.Rent(row.Span);
                Lexical(row.Item, row.Scores.Lexical.AsSpan(0, row.Span));
            }

            var withVectors = pending.Where(r => r.HasVector).OrderByDescending(r => r.Span).ToList();
            var spans = withVectors.Select(r => r.Span).ToArray();
            var total = 0;
            foreach (var row in withVectors)
            {
                row.Offset = total;
                total += row.Span;
            }

            var cosines = Scratch.Cosines(total);
            var sampleCosines = Scratch.SampleCosines(withVectors.Count * sample.Length);
            var queries = Scratch.Queries(withVectors.Count * dimensions);
            for (var k = 0; k < withVectors.Count; k++)
            {
                withVectors[k].Item.Vector.AsSpan().CopyTo(queries.AsSpan(k * dimensions));
                withVectors[k].Place = k;
            }

            if (withVectors.Count > 0)
            {
                Pass(queries.AsSpan(0, withVectors.Count * dimensions), spans, cosines, sampleCosines);
                if (options.PseudoRelevanceEntries > 0)
                {
                    ExpandQueries(withVectors, queries, cosines, sampleCosines);
                }
            }

            foreach (var row in pending)
            {
                Fill(row.Scores!, row.Span, row.Window, row.HasVector,
                    row.HasVector ? cosines.AsSpan(row.Offset, row.Span) : default,
                    row.HasVector ? sampleCosines.AsSpan(row.Place * sample.Length, sample.Length) : default);
                // ConcurrentDictionary.Count takes every lock of the dictionary: count the adds ourselves.
                if (row.Span == n && Volatile.Read(ref cachedCount) < cachedItems && cache.TryAdd(row.Key, row.Scores!))
                {
                    Interlocked.Increment(ref cachedCount);
                    row.Scores!.MarkCached();
                }
            }
        }

        /// <summary>
        /// Cosines of the queries with the first entries (as many as each one's span; spans in descending
        /// order, each query's row right after the last) and with the statistics sample: one kernel call
        /// per distinct span, and one over the sample unless every sampled entry was just scored.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Pass(ReadOnlySpan<float> queries, ReadOnlySpan<int> spans, Span<float> cosines, Span<float> sampleCosines)
        {
            var n = Entries.Count;
            var offset = 0;
            var whole = 0; // queries spanning the whole corpus, which come first
            for (var first = 0; first < spans.Length;)
            {
                var span = spans[first];
                var end = first;
                while (end < spans.Length && spans[end] == span)
                {
                    end++;
                }

                var count = end - first;
                SimilarityKernel.Score(queries.Slice(first * dimensions, count * dimensions), matrix.AsSpan(0, span * dimensions), dimensions, cosines.Slice(offset, count * span));
                if (span == n)
                {
                    whole = end;
                }

                offset += count * span;
                first = end;
            }

            // Every sampled entry was just scored for the whole-corpus queries: read their cosines instead of computing them twice.
            if (sample.Length == n)
            {
                cosines[..(whole * n)].CopyTo(sampleCosines); // the sample is every entry, in order
            }
            else
            {
                for (var q = 0; q < whole; q++)
                {
                    for (var k = 0; k < sample.Length; k++)
                    {
                        sampleCosines[(q * sample.Length) + k] = cosines[(q * n) + sample[k]];
                    }
                }
            }

            if (whole < spans.Length)
            {
                SimilarityKernel.Score(queries[(whole * dimensions)..], sampleMatrix, dimensions, sampleCosines[(whole * sample.Length)..]);
            }
        }

        /// <summary>One distinct item of a chunk: its scores (cached, or computed for the chunk) and where its cosines are.</summary>
        private sealed class ItemRow(InterestItem item, ItemKey key, bool hasVector)
        {
            public InterestItem Item { get; } = item;

            public ItemKey Key { get; } = key;

            public bool HasVector { get; } = hasVector;

            public ItemScores? Scores { get; set; }

            /// <summary>How many entries (a prefix) the row's scores cover.</summary>
            public int Span { get; set; }

            /// <summary>Where the row's cosines start in the chunk's cosine buffer.</summary>
            public int Offset { get; set; }

            /// <summary>The row's place among the chunk's queries and sample cosines.</summary>
            public int Place { get; set; }

            /// <summary>Set where feedback already measured the cosines the probabilities use.</summary>
            public WindowModel? Window { get; set; }
        }
    }
}
