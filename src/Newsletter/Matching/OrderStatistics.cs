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
        var (lowest, highest) = Range(keys);
        long low = lowest, high = highest;
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
    private static (int Lowest, int Highest) Range(ReadOnlySpan<int> keys)
    {
        var i = 0;
        int lowest = int.MaxValue, highest = int.MinValue;
        if (Vector256.IsHardwareAccelerated && keys.Length >= Vector256<int>.Count)
        {
            ref var start = ref MemoryMarshal.GetReference(keys);
            var low = Vector256.Create(int.MaxValue);
            var high = Vector256.Create(int.MinValue);
            for (; i <= keys.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                low = Vector256.Min(low, v);
                high = Vector256.Max(high, v);
            }

            for (var lane = 0; lane < Vector256<int>.Count; lane++)
            {
                lowest = Math.Min(lowest, low[lane]);
                highest = Math.Max(highest, high[lane]);
            }
        }

        for (; i < keys.Length; i++)
        {
            lowest = Math.Min(lowest, keys[i]);
            highest = Math.Max(highest, keys[i]);
        }

        return (lowest, highest);
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

    /// <summary>Branch-free (whether a value is below the middle is a coin toss: a branch on it mispredicts half the time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int LargestBelow(ReadOnlySpan<int> keys, int bound)
    {
        var i = 0;
        var largest = int.MinValue;
        if (Vector256.IsHardwareAccelerated && keys.Length >= Vector256<int>.Count)
        {
            ref var start = ref MemoryMarshal.GetReference(keys);
            var limit = Vector256.Create(bound);
            var floor = Vector256.Create(int.MinValue);
            var best = floor;
            for (; i <= keys.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                best = Vector256.Max(best, Vector256.ConditionalSelect(Vector256.LessThan(v, limit), v, floor));
            }

            for (var lane = 0; lane < Vector256<int>.Count; lane++)
            {
                largest = Math.Max(largest, best[lane]);
            }
        }

        for (; i < keys.Length; i++)
        {
            largest = Math.Max(largest, keys[i] < bound ? keys[i] : int.MinValue);
        }

        return largest;
    }
}
