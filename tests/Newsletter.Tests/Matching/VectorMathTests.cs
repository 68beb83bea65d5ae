using Newsletter.Matching.Embeddings;

namespace Newsletter.Tests.Matching;

public sealed class VectorMathTests
{
    [Fact]
    public void Dot_EqualsANaiveDotProduct_ForEveryLengthUpTo100()
    {
        var random = new Random(5);
        for (var length = 0; length <= 100; length++)
        {
            var a = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            var b = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

            var expected = SimilarityKernelTests.NaiveDot(a, b);
            var actual = VectorMath.Dot(a, b);

            Assert.True(Math.Abs(expected - actual) < 1e-4, $"length {length}: {actual}, expected {expected}");
        }
    }

    [Fact]
    public void Dot_RejectsVectorsOfDifferentLengths() =>
        Assert.Throws<ArgumentException>(() => VectorMath.Dot(new float[4], new float[5]));

    [Fact]
    public void VectorBlob_UsesTwoBytesPerDimension_AndRoundTripsAUnitVectorAlmostExactly()
    {
        var vector = SimilarityKernelTests.UnitRows(new Random(7), 1, 384);

        var packed = VectorBlob.Pack(vector);
        var unpacked = VectorBlob.Unpack(packed);

        Assert.Equal(384 * 2, packed.Length);
        Assert.Equal(384, unpacked.Length);
        var cosine = SimilarityKernelTests.NaiveDot(vector, unpacked) / Math.Sqrt(SimilarityKernelTests.NaiveDot(unpacked, unpacked));
        Assert.True(cosine > 0.9999, $"cosine after round trip was {cosine}");
    }
}
