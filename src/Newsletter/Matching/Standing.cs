using System.Runtime.CompilerServices;

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

        var work = scratch[..cosines.Length];
        cosines.CopyTo(work);
        var median = Median(work);
        for (var i = 0; i < work.Length; i++)
        {
            work[i] = Math.Abs(work[i] - median);
        }

        return (median, Math.Max(MinimumScale, 1.4826f * Median(work)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float cosine, (float Median, float Scale) window) => Math.Clamp((cosine - window.Median) / window.Scale, -Limit, Limit);

    /// <summary>The median, by selection rather than a full sort (this runs per item per subscriber); reorders <paramref name="values"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Median(Span<float> values)
    {
        var upper = Select(values, values.Length / 2);
        if (values.Length % 2 == 1)
        {
            return upper;
        }

        // After selection everything left of the middle is at most it: the lower middle is their maximum.
        var lower = float.MinValue;
        foreach (var v in values[..(values.Length / 2)])
        {
            lower = Math.Max(lower, v);
        }

        return (lower + upper) / 2;
    }

    /// <summary>Quickselect (Hoare partition, median-of-three pivot): the k-th smallest, with smaller values left of it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Select(Span<float> values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (left < right)
        {
            var middle = left + ((right - left) / 2);
            var pivot = MedianOfThree(values[left], values[middle], values[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j) right = j;
            else if (k >= i) left = i;
            else return values[k];
        }

        return values[k];
    }

    private static float MedianOfThree(float a, float b, float c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
