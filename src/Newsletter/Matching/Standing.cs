using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Newsletter.Matching;

/// <summary>Where an entry stands among the window's entries for one item.</summary>
public static class Standing
{
    /// <summary>Robust deviations are floored here: a window of near-identical cosines would otherwise make every tiny difference look huge.</summary>
    public const float MinimumScale = 0.02f;

    /// <summary>Standings are clamped to ±this: one outlier cannot outweigh every other signal.</summary>
    public const float Limit = 8;

    /// <returns>The median of <paramref name="cosines"/> and 1.4826 × their median absolute deviation (at least <see cref="MinimumScale"/>).</returns>
    /// <param name="scratch">At least as long as <paramref name="cosines"/>; overwritten.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (float Median, float Scale) Of(ReadOnlySpan<float> cosines, Span<float> scratch)
    {
        if (cosines.IsEmpty)
        {
            return (0, 1);
        }

        var keys = MemoryMarshal.Cast<float, int>(scratch[..cosines.Length]);
        OrderStatistics.Keys(cosines, keys);
        var median = OrderStatistics.Median(keys);
        OrderStatistics.DeviationKeys(cosines, median, keys);
        return (median, Math.Max(MinimumScale, 1.4826f * OrderStatistics.Median(keys)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float cosine, (float Median, float Scale) window) => Math.Clamp((cosine - window.Median) / window.Scale, -Limit, Limit);
}
