using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Newsletter.Matching;

/// <summary>
/// Exact medians of a few hundred floats, found by counting instead of reordering: the range that
/// holds the middle is halved by value, each step one vectorised count of how many lie at or below the
/// guess, until a few values are left in it; those are sorted. Values crowd around the middle, so a
/// handful of steps leave a few dozen. Quickselect's data-dependent branches took several times as
/// long, twice per item per pass (the largest cost of a selection after the similarity kernel). The
/// values found are the very elements a sort would put in the middle: the median is the same to the bit.
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

    /// <summary>Each value's <see cref="Key"/>, eight at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Keys(ReadOnlySpan<float> values, Span<int> keys)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var magnitude = Vector256.Create(int.MaxValue);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var bits = Vector256.Create(values[i..]).AsInt32();
                (bits ^ (Vector256.ShiftRightArithmetic(bits, 31) & magnitude)).CopyTo(keys[i..]);
            }
        }

        for (; i < values.Length; i++)
        {
            keys[i] = Key(values[i]);
        }
    }

    /// <summary>The <see cref="Key"/> of each value's distance from <paramref name="centre"/>, eight at a time (a distance is never negative: its bits are its key).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DeviationKeys(ReadOnlySpan<float> values, float centre, Span<int> keys)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var middle = Vector256.Create(centre);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.Abs(Vector256.Create(values[i..]) - middle).AsInt32().CopyTo(keys[i..]);
            }
        }

        for (; i < values.Length; i++)
        {
            keys[i] = Key(Math.Abs(values[i] - centre));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Value(int key) => BitConverter.Int32BitsToSingle(key ^ ((key >> 31) & int.MaxValue));

    /// <summary>Few enough values to sort: the search stops when the range holding the middle has no more.</summary>
    private const int Few = 32;

    /// <summary>The median of the (finite) values whose <see cref="Key"/>s these are: the middle one, or the mean of the middle two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Median(ReadOnlySpan<int> keys)
    {
        var middle = keys.Length / 2;
        var (lowest, highest) = Range(keys);

        // Invariant: fewer than middle + 1 keys are at or below `below`, at least middle + 1 at or below `top`.
        long below = lowest - 1L, top = highest;
        int countBelow = 0, countTop = keys.Length;
        while (countTop - countBelow > Few && top - below > 1)
        {
            var guess = Halfway(below, top);
            var count = CountAtMost(keys, guess);
            if (count > middle)
            {
                (top, countTop) = (guess, count);
            }
            else
            {
                (below, countBelow) = (guess, count);
            }
        }

        // What lies in (below, top], in order; when they are adjacent, that is `top` alone, repeated.
        Span<int> few = stackalloc int[Few + 1];
        var gathered = 0;
        if (top - below > 1)
        {
            gathered = Inside(keys, (int)below, (int)top, few);
            few[..gathered].Sort();
        }

        var upper = gathered > 0 ? few[middle - countBelow] : (int)top;
        if (keys.Length % 2 == 1)
        {
            return Value(upper);
        }

        var lower = middle - 1 < countBelow ? LargestBelow(keys, (int)below + 1) : gathered > 0 ? few[middle - 1 - countBelow] : (int)top;
        return (Value(lower) + Value(upper)) / 2;
    }

    /// <summary>
    /// Copies the keys in (<paramref name="below"/>, <paramref name="top"/>] to <paramref name="into"/>,
    /// eight compared at once: a branch per key on whether it is inside mispredicted so often that
    /// this pass cost more than all the counting.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Inside(ReadOnlySpan<int> keys, int below, int top, Span<int> into)
    {
        var i = 0;
        var found = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(keys);
            var low = Vector256.Create(below);
            var high = Vector256.Create(top);
            for (; i <= keys.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var lanes = (Vector256.GreaterThan(v, low) & Vector256.LessThanOrEqual(v, high)).ExtractMostSignificantBits();
                while (lanes != 0)
                {
                    into[found++] = keys[i + System.Numerics.BitOperations.TrailingZeroCount(lanes)];
                    lanes &= lanes - 1;
                }
            }
        }

        for (; i < keys.Length; i++)
        {
            if (keys[i] > below && keys[i] <= top)
            {
                into[found++] = keys[i];
            }
        }

        return found;
    }

    /// <summary>A key strictly between the two: halfway by value where that is one (values spread evenly), else halfway by key.</summary>
    private static int Halfway(long below, long top)
    {
        if (below >= int.MinValue)
        {
            var low = (double)Value((int)below);
            var guess = Key((float)(low + (((double)Value((int)top) - low) / 2)));
            if (guess > below && guess < top)
            {
                return guess;
            }
        }

        return (int)(below + ((top - below) / 2));
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
