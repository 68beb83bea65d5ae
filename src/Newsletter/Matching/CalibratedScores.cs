using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Newsletter.Matching;

/// <summary>
/// <see cref="ScoreModel"/> over a row of entries at once: the log-odds eight at a time, then the
/// exponentials. Each lane does the very operations <see cref="ScoreModel.Logit"/> does, in its order
/// (no fused multiply-add), so every value is the same to the bit as one entry at a time.
/// </summary>
internal static class CalibratedScores
{
    /// <summary>The log-odds of each entry, from its cosine, its keyword score and, given the window's median and scale, where the cosine stands.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Logits(ScoreModel model, ReadOnlySpan<float> cosines, ReadOnlySpan<float> keywords, (float Median, float Scale)? standing, Span<float> into)
    {
        var length = into.Length;
        var (median, scale) = standing ?? (0f, 1f);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var c = ref MemoryMarshal.GetReference(cosines);
            ref var k = ref MemoryMarshal.GetReference(keywords);
            ref var o = ref MemoryMarshal.GetReference(into);
            var intercept = Vector256.Create((float)model.Intercept);
            var cosineWeight = Vector256.Create((float)model.Cosine);
            var keywordsWeight = Vector256.Create((float)model.Keywords);
            var standingWeight = Vector256.Create((float)model.Standing);
            var centre = Vector256.Create(median);
            var spread = Vector256.Create(scale);
            var low = Vector256.Create(-Standing.Limit);
            var high = Vector256.Create(Standing.Limit);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var cosine = Vector256.LoadUnsafe(ref c, (nuint)i);
                var stands = standing is null ? Vector256<float>.Zero : Vector256.Min(Vector256.Max((cosine - centre) / spread, low), high);
                var logit = intercept + (cosineWeight * cosine) + (keywordsWeight * Vector256.LoadUnsafe(ref k, (nuint)i)) + (standingWeight * stands);
                logit.StoreUnsafe(ref o, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            into[i] = model.Logit(cosines[i], keywords[i], standing is { } window ? Standing.Of(cosines[i], window) : 0);
        }
    }

    /// <summary>Log-odds to probabilities, in place, as <see cref="ScoreModel.Probability"/> computes them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Probabilities(Span<float> logits)
    {
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = 1 / (1 + MathF.Exp(-logits[i]));
        }
    }
}
