namespace Newsletter.Matching.Evaluation;

/// <summary>
/// Fits the calibrated models (<see cref="ScoreModel"/>) to labelled pairs: logistic regression by
/// Newton's method (iteratively reweighted least squares) with a light ridge on the weights, so a set
/// of a few hundred pairs cannot push them to infinity. Relevant means graded 1 or more.
/// </summary>
public static class Calibrator
{
    /// <summary>One (interest, entry) pair's signals.</summary>
    public readonly record struct Pair(float Cosine, float Keywords, float Standing, bool HasVector, bool Relevant);

    private const double Ridge = 1.0;
    private const int Iterations = 50;

    /// <summary>The signals of every pair of the interests over the corpus, as the hybrid matcher computes them.</summary>
    public static async Task<IReadOnlyList<Pair>> PairsAsync(LabelledSet set, IEnumerable<JudgedInterest> interests, IReadOnlyList<MatchableEntry> embedded, VerbMatching matching)
    {
        var corpus = matching.Matcher.Index(embedded);
        var pairs = new List<Pair>();
        var scratch = new float[embedded.Count];
        foreach (var interest in interests)
        {
            var item = (await matching.Interests.PrepareAsync([new InterestItem(interest.Interest, interest.Interest)]))[0];
            var ranked = corpus.Rank([item]);
            var withVectors = ranked.Where(m => m.Entry.Vector is not null && item.Vector is not null).Select(m => (float)m.Semantic).ToArray();
            var window = Standing.Of(withVectors, scratch);
            pairs.AddRange(ranked.Select(m =>
            {
                var hasVector = m.Entry.Vector is not null && item.Vector is not null;
                return new Pair((float)m.Semantic, (float)m.Lexical, hasVector ? Standing.Of((float)m.Semantic, window) : 0, hasVector,
                    interest.Grade(set.Corpus[(int)m.Entry.Id].Id) > 0);
            }));

            // The ranking leaves out entries with no signal at all; they are pairs too (keywords 0), and
            // the keywords-only model must see them to learn what no keyword means.
            var seen = ranked.Select(m => m.Entry.Id).ToHashSet();
            pairs.AddRange(embedded.Where(e => !seen.Contains(e.Id)).Select(e => new Pair(0, 0, 0, false, interest.Grade(set.Corpus[(int)e.Id].Id) > 0)));
        }

        return pairs;
    }

    /// <returns>The fitted model, or null when the pairs cannot teach one: none has the signals (nothing was embedded), or all of them are relevant, or none is.</returns>
    public static ScoreModel? Fit(IReadOnlyList<Pair> pairs, SignalSet signals)
    {
        Func<Pair, double[]> features = signals switch
        {
            SignalSet.Hybrid => p => [1, p.Cosine, p.Keywords, p.Standing],
            SignalSet.HybridNoStanding => p => [1, p.Cosine, p.Keywords],
            SignalSet.Semantic => p => [1, p.Cosine, p.Standing],
            SignalSet.SemanticNoStanding => p => [1, p.Cosine],
            _ => p => [1, p.Keywords],
        };
        var rows = pairs.Where(p => p.HasVector || signals == SignalSet.Lexical).Select(p => (X: features(p), Y: p.Relevant ? 1.0 : 0.0)).ToList();
        if (!rows.Any(r => r.Y == 1) || !rows.Any(r => r.Y == 0))
        {
            return null;
        }

        var w = Solve(rows);
        return signals switch
        {
            SignalSet.Hybrid => new ScoreModel(w[0], w[1], w[2], w[3]),
            SignalSet.HybridNoStanding => new ScoreModel(w[0], w[1], w[2], 0),
            SignalSet.Semantic => new ScoreModel(w[0], w[1], 0, w[2]),
            SignalSet.SemanticNoStanding => new ScoreModel(w[0], w[1], 0, 0),
            _ => new ScoreModel(w[0], 0, w[1], 0),
        };
    }

    private static double[] Solve(List<(double[] X, double Y)> rows)
    {
        var k = rows[0].X.Length;
        var w = new double[k];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var gradient = new double[k];
            var hessian = new double[k, k];
            foreach (var (x, y) in rows)
            {
                var p = 1 / (1 + Math.Exp(-x.Select((v, j) => v * w[j]).Sum()));
                for (var a = 0; a < k; a++)
                {
                    gradient[a] += (p - y) * x[a];
                    for (var b = 0; b < k; b++)
                    {
                        hessian[a, b] += p * (1 - p) * x[a] * x[b];
                    }
                }
            }

            // The intercept is left free: the ridge is there to tame the weights, not the base rate.
            for (var a = 1; a < k; a++)
            {
                gradient[a] += Ridge * w[a];
                hessian[a, a] += Ridge;
            }

            var step = Gauss(hessian, gradient);
            for (var a = 0; a < k; a++)
            {
                w[a] -= step[a];
            }

            if (step.Max(Math.Abs) < 1e-9)
            {
                break;
            }
        }

        return w;
    }

    /// <summary>Solves m · x = v by Gaussian elimination with partial pivoting (k is at most 4).</summary>
    private static double[] Gauss(double[,] m, double[] v)
    {
        var k = v.Length;
        var a = new double[k, k + 1];
        for (var r = 0; r < k; r++)
        {
            for (var c = 0; c < k; c++)
            {
                a[r, c] = m[r, c];
            }

            a[r, k] = v[r];
        }

        for (var c = 0; c < k; c++)
        {
            var pivot = Enumerable.Range(c, k - c).MaxBy(r => Math.Abs(a[r, c]));
            for (var j = 0; j < k + 1; j++)
            {
                (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
            }

            for (var r = 0; r < k; r++)
            {
                if (r != c && a[c, c] != 0)
                {
                    var f = a[r, c] / a[c, c];
                    for (var j = c; j < k + 1; j++)
                    {
                        a[r, j] -= f * a[c, j];
                    }
                }
            }
        }

        return Enumerable.Range(0, k).Select(r => a[r, r] == 0 ? 0 : a[r, k] / a[r, r]).ToArray();
    }
}
