using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Newsletter.Matching.Embeddings;

/// <summary>
/// Dot products over float vectors, the one piece of arithmetic matching does at scale. Four
/// independent 256-bit accumulators keep the fused multiply-add units busy (one chain would stall on
/// each add's latency); other CPUs take the portable Vector path.
/// </summary>
public static class VectorMath
{
    /// <summary>Of the expected length, all finite, not all zero: one NaN would otherwise turn every comparison against a bar off.</summary>
    public static bool IsUsable(float[]? vector, int dimensions)
    {
        if (vector is null || vector.Length != dimensions || dimensions == 0)
        {
            return false;
        }

        var any = false;
        foreach (var x in vector)
        {
            if (!float.IsFinite(x))
            {
                return false;
            }

            any |= x != 0;
        }

        return any;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Vectors differ in length.", nameof(b));
        }

        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var i = 0;
        var sum = 0f;
        if (Fma.IsSupported && a.Length >= 32)
        {
            var s0 = Vector256<float>.Zero;
            var s1 = Vector256<float>.Zero;
            var s2 = Vector256<float>.Zero;
            var s3 = Vector256<float>.Zero;
            for (; i <= a.Length - 32; i += 32)
            {
                s0 = Fma.MultiplyAdd(Load(ref pa, i), Load(ref pb, i), s0);
                s1 = Fma.MultiplyAdd(Load(ref pa, i + 8), Load(ref pb, i + 8), s1);
                s2 = Fma.MultiplyAdd(Load(ref pa, i + 16), Load(ref pb, i + 16), s2);
                s3 = Fma.MultiplyAdd(Load(ref pa, i + 24), Load(ref pb, i + 24), s3);
            }

            sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        }
        else if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var width = System.Numerics.Vector<float>.Count;
            var acc = System.Numerics.Vector<float>.Zero;
            for (; i <= a.Length - width; i += width)
            {
                acc += new System.Numerics.Vector<float>(a.Slice(i, width)) * new System.Numerics.Vector<float>(b.Slice(i, width));
            }

            sum = System.Numerics.Vector.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float start, int offset) => Vector256.LoadUnsafe(ref start, (nuint)offset);
}
