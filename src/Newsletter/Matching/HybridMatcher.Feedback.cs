using System.Runtime.CompilerServices;
using Newsletter.Matching.Embeddings;

namespace Newsletter.Matching;

public sealed partial class HybridMatcher
{
    /// <summary>Pseudo-relevance feedback: moving each interest's query towards what the first pass found, and scoring the moved query.</summary>
    private sealed partial class Corpus
    {
        /// <summary>
        /// Pseudo-relevance feedback: each query moves towards the entries of the window that the first
        /// pass found most likely relevant (at most <see cref="MatchingOptions.PseudoRelevanceEntries"/>,
        /// each at least <see cref="MatchingOptions.PseudoRelevanceMinimum"/>), and the moved queries are
        /// scored again. A field named in a few words ("speech processing") is described far better by
        /// the papers that plainly belong to it than by its name. A window with nothing that clears the
        /// minimum moves no query, so an interest with nothing relevant is not dragged onto whatever is nearest.
        /// </summary>
        /// <remarks>
        /// The rows' cosines are as <see cref="Pass"/> laid them out; a row that does not move gets its
        /// window's model (<see cref="ItemRow.Window"/>): its cosines stay as they are. The moved rows
        /// are scored again together, from the entry-to-entry cosines or in one more pass of the kernel.
        /// </remarks>
        private void ExpandQueries(List<ItemRow> rows, float[] queries, float[] cosines, float[] sampleCosines)
        {
            var n = Entries.Count;
            var moved = new List<ItemRow>();
            Span<int> feedback = stackalloc int[options.PseudoRelevanceEntries];
            var similarities = Similarities();
            foreach (var row in rows)
            {
                var rowSample = sampleCosines.AsSpan(row.Place * sample.Length, sample.Length);
                var rowCosines = cosines.AsSpan(row.Offset, row.Span);
                var (found, share, norm, window) = Expand(SampleLexical(row), rowSample, queries.AsSpan(row.Place * dimensions, dimensions), feedback);
                if (found == 0)
                {
                    row.Window = window;
                    continue;
                }

                if (similarities is null)
                {
                    moved.Add(row);
                    continue;
                }

                // q'·d = (q·d + share·Σ e_j·d) / |q + share·Σ e_j|: the entry-to-entry cosines turn a
                // second pass over the matrix into a few rows of additions.
                Moved(rowCosines, similarities, feedback[..found], share, norm);
                if (row.Span == sample.Length)
                {
                    rowCosines.CopyTo(rowSample); // the sample is every entry, in order
                }
                else
                {
                    Moved(rowSample, similarities, feedback[..found], share, norm);
                }
            }

            if (moved.Count == 0)
            {
                return;
            }

            var spans = moved.Select(r => r.Span).ToArray(); // still longest first
            var movedQueries = Scratch.MovedQueries(moved.Count * dimensions);
            var movedCosines = Scratch.MovedCosines(spans.Sum());
            var movedSample = Scratch.MovedSampleCosines(moved.Count * sample.Length);
            for (var m = 0; m < moved.Count; m++)
            {
                queries.AsSpan(moved[m].Place * dimensions, dimensions).CopyTo(movedQueries.AsSpan(m * dimensions));
            }

            Pass(movedQueries.AsSpan(0, moved.Count * dimensions), spans, movedCosines, movedSample);
            var offset = 0;
            for (var m = 0; m < moved.Count; m++)
            {
                movedCosines.AsSpan(offset, moved[m].Span).CopyTo(cosines.AsSpan(moved[m].Offset));
                movedSample.AsSpan(m * sample.Length, sample.Length).CopyTo(sampleCosines.AsSpan(moved[m].Place * sample.Length));
                offset += moved[m].Span;
            }
        }

        /// <summary>
        /// The row's keyword scores on the statistics sample: those it already has when the sample is
        /// every entry and the row spans them all, else measured on the sample.
        /// </summary>
        private ReadOnlySpan<float> SampleLexical(ItemRow row)
        {
            if (sample.Length == Entries.Count && row.Span == sample.Length)
            {
                return row.Scores!.Lexical.AsSpan(0, sample.Length);
            }

            var sampleLexical = Scratch.SampleLexical(sample.Length).AsSpan(0, sample.Length);
            sampleLexical.Clear();
            if (bm25 is not null)
            {
                foreach (var wording in row.Item.Wordings)
                {
                    bm25.ScoreSampleInto(wording, sampleLexical);
                }
            }

            return sampleLexical;
        }

        /// <summary>Rewrites first-pass cosines as the moved query's, from the entry-to-entry cosines (entry positions and sample places coincide here).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Moved(Span<float> cosines, float[] similarities, ReadOnlySpan<int> feedback, float share, float norm)
        {
            var n = Entries.Count;
            var lanes = System.Numerics.Vector<float>.Count;
            var whole = cosines.Length - (cosines.Length % lanes);
            var scale = new System.Numerics.Vector<float>(share);
            foreach (var doc in feedback)
            {
                var row = similarities.AsSpan(doc * n, cosines.Length);
                for (var d = 0; d < whole; d += lanes)
                {
                    (new System.Numerics.Vector<float>(cosines[d..]) + (scale * new System.Numerics.Vector<float>(row[d..]))).CopyTo(cosines[d..]);
                }

                for (var d = whole; d < cosines.Length; d++)
                {
                    cosines[d] += share * row[d];
                }
            }

            var inverse = 1 / norm;
            var scaled = new System.Numerics.Vector<float>(inverse);
            for (var d = 0; d < whole; d += lanes)
            {
                (new System.Numerics.Vector<float>(cosines[d..]) * scaled).CopyTo(cosines[d..]);
            }

            for (var d = whole; d < cosines.Length; d++)
            {
                cosines[d] *= inverse;
            }
        }

        /// <summary>
        /// Every entry's cosine with every other, when the whole span is its own statistics sample (up to
        /// 2,000 entries: 16 MB, one kernel call of about 40 ms, made the first time feedback needs it).
        /// Larger spans score moved queries with a second pass of the kernel instead.
        /// </summary>
        private float[]? Similarities()
        {
            var n = Entries.Count;
            if (!options.PrecomputedSimilarities || sample.Length != n)
            {
                return null;
            }

            return similarities.Value;
        }

        /// <summary>
        /// Moves <paramref name="query"/> halfway to the centroid of its feedback entries (written to
        /// <paramref name="feedback"/>); returns how many there were (0: not moved), each one's share
        /// and the length of the moved query before it was normalised.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private (int Found, float Share, float Norm, WindowModel Window) Expand(ReadOnlySpan<float> sampleLexical, ReadOnlySpan<float> sampleCosines, Span<float> query, Span<int> best)
        {
            var window = ModelFor(sampleCosines);
            var (model, stats, withStanding) = window;
            var wanted = best.Length;
            // Compared as log-odds: the same order and the same cut, without an exponential per entry.
            var minimum = ScoreModel.LogitOf(options.PseudoRelevanceMinimum);
            Span<float> bestScores = stackalloc float[wanted];
            var logits = Scratch.SampleLogits(sample.Length).AsSpan(0, sample.Length);
            CalibratedScores.Logits(model, sampleCosines, sampleLexical, withStanding ? stats : null, logits);
            var found = 0;
            for (var k = 0; k < sample.Length; k++)
            {
                var p = logits[k];
                if (!(p >= minimum) || !hasVector[sample[k]] || (found == wanted && p <= bestScores[found - 1]))
                {
                    continue;
                }

                // Insertion into the short list of the best so far, kept in descending order.
                var at = found < wanted ? found++ : found - 1;
                while (at > 0 && bestScores[at - 1] < p)
                {
                    best[at] = best[at - 1];
                    bestScores[at] = bestScores[at - 1];
                    at--;
                }

                best[at] = sample[k];
                bestScores[at] = p;
            }

            if (found == 0)
            {
                return (0, 0, 1, window);
            }

            // The query and the centroid weigh the same: the interest's own words keep their say.
            var share = 1f / found;
            foreach (var doc in best[..found])
            {
                var row = matrix.AsSpan(doc * dimensions, dimensions);
                for (var d = 0; d < dimensions; d++)
                {
                    query[d] += share * row[d];
                }
            }

            var norm = MathF.Sqrt(VectorMath.Dot(query, query));
            for (var d = 0; d < dimensions; d++)
            {
                query[d] /= norm;
            }

            return (found, share, norm, window);
        }
    }
}
