using System.Runtime.CompilerServices;

namespace Newsletter.Matching;

/// <summary>How keyword and embedding scores become one 0..1 score, and an item's scores its adaptive bar.</summary>
internal sealed class FusionRules(MatchingOptions options, bool hasKeywords)
{
    /// <summary>A cosine mapped onto 0..1 between the configured floor and ceiling.</summary>
    public float Normalise(float cosine) =>
        Math.Clamp((cosine - (float)options.SemanticFloor) / (float)(options.SemanticCeiling - options.SemanticFloor), 0, 1);

    /// <param name="itemHasSemantic">The item has a vector (else keywords decide, whatever the mode but Semantic).</param>
    /// <param name="entryHasSemantic">
    /// The entry has one too. An entry without (it arrived moments before the cutoff) is judged by its
    /// keywords alone, not by 0.4 of them: it would otherwise never reach a bar, and the subscriber's
    /// window moves past it for good.
    /// </param>
    public float Fuse(float lexical, float semantic, bool itemHasSemantic, bool entryHasSemantic) => options.Mode switch
    {
        MatchingMode.Lexical => lexical,
        MatchingMode.Semantic => semantic,
        _ when !hasKeywords => semantic,
        _ when !itemHasSemantic || !entryHasSemantic => lexical,
        _ => ((float)options.LexicalWeight * lexical) + ((1 - (float)options.LexicalWeight) * semantic),
    };

    /// <summary>1/(60 + rank) summed over both rankings, scaled so first in both is 1; entries a ranking scores 0 get nothing from it.</summary>
    public static void ReciprocalRank(float[] lexical, float[] semantic, int span, Span<float> fused)
    {
        const double k = 60;
        fused.Clear();
        foreach (var scores in new[] { lexical, semantic })
        {
            var order = Enumerable.Range(0, span).Where(d => scores[d] > 0).OrderByDescending(d => scores[d]).ToList();
            for (var rank = 0; rank < order.Count; rank++)
            {
                fused[order[rank]] += (float)(1 / (k + rank + 1) / (2 / (k + 1)));
            }
        }
    }

    /// <summary>The mean of the scores plus <paramref name="deviations"/> standard deviations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float AdaptiveBar(ReadOnlySpan<float> fused, double deviations)
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
        var bar = mean + (deviations * Math.Sqrt(variance));
        // Scores are finite by construction (vectors are checked); a bar that is not would switch
        // every comparison against it off, so it falls back to no bar rather than to "anything goes".
        return double.IsFinite(bar) ? (float)bar : 0;
    }
}
