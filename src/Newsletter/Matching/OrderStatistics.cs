using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Newsletter.Matching;

/// <summary>
/// Exact medians of a few hundred floats, found by counting instead of reordering: a binary search
/// over the values' bit patterns, each step one vectorised count of how many lie at or below the
/// guess. About 30 steps of 64 vector compares for 512 values; quickselect's data-dependent
/// branches took several times as long, twice per item per pass (the largest cost of a selection
/// after the similarity kernel). The values found are the very elements a sort would put in the
/// middle, so the median is the same to the bit.
/// </summary>
internal static class OrderStatistics
{
    /// <summary>An int whose order is the float's order (negative floats have their magnitude bits flipped); its own inverse.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Key(float value)
    {
        var bits = BitConverter.SingleToInt32Bits(value);
        return bits ^ ((bits >> 31) & int.MaxValue);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Value(int key) => BitConverter.Int32BitsToSingle(key ^ ((key >> 31) & int.MaxValue));

    /// <summary>The median of the values whose <see cref="Key"/>s these are: the middle one, or the mean of the middle two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Median(ReadOnlySpan<int> keys)
    {
        var middle = keys.Length / 2;
        var upper = Smallest(keys, middle);
        if (keys.Length % 2 == 1)
        {
            return Value(upper);
        }

        // The lower middle is the upper one again when enough copies of it reach below the middle,
        // else the largest value under it.
        var lower = upper == int.MinValue || CountAtMost(keys, upper - 1) < middle ? upper : LargestBelow(keys, upper);
        return (Value(lower) + Value(upper)) / 2;
    }

    /// <summary>The <paramref name="k"/>-th smallest key (from 0): the least key with more than k keys at or below it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Smallest(ReadOnlySpan<int> keys, int k)
    {
        long low = int.MaxValue, high = int.MinValue;
        foreach (var key in keys)
        {
            low = Math.Min(low, key);
            high = Math.Max(high, key);
        }

        while (low < high)
        {
            var guess = low + ((high - low) / 2);
            if (CountAtMost(keys, (int)guess) > k)
            {
                high = guess;
            }
            else
            {
                low = guess + 1;
            }
        }

        return (int)low;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CountAtMost(ReadOnlySpan<int> keys, int bound)
    {
        var i = 0;
        var count = 0;
        if (Vector256.IsHardwareAccelerated && keys.Length >= Vector256<int>.Count)
        {
            ref var start = ref MemoryMarshal.GetReference(keys);
            var limit = Vector256.Create(bound);
            var below = Vector256<int>.Zero; // minus the count per lane: a true comparison is all ones
            for (; i <= keys.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                below += Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref start, (nuint)i), limit);
            }

            count = -Vector256.Sum(below);
        }

        for (; i < keys.Length; i++)
        {
            count += keys[i] <= bound ? 1 : 0;
        }

        return count;
    }

    private static int LargestBelow(ReadOnlySpan<int> keys, int bound)
    {
        var largest = int.MinValue;
        foreach (var key in keys)
        {
            if (key < bound)
            {
                largest = Math.Max(largest, key);
            }
        }

        return largest;
    }
}
