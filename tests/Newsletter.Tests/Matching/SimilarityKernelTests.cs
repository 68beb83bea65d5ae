using Newsletter.Matching.Embeddings;

namespace Newsletter.Tests.Matching;

/// <summary>The blocked kernel against a plain double-precision dot product, over shapes that reach every path: the 4x2 block, the 1x4 block, their remainders, and more than one 64-entry tile.</summary>
public sealed class SimilarityKernelTests
{
    [Theory]
    [InlineData(384)]
    [InlineData(8)]
    [InlineData(20)]
    [InlineData(3)]
    public void Score_EqualsANaiveDotProduct_ForEveryQueryAndEntryCount(int dimensions)
    {
        var random = new Random(dimensions);
        var queries = UnitRows(random, 9, dimensions);
        var entries = UnitRows(random, 70, dimensions);
        var scores = new float[9 * 70];

        for (var queryCount = 1; queryCount <= 9; queryCount++)
        {
            for (var entryCount = 1; entryCount <= 70; entryCount++)
            {
                Array.Fill(scores, float.NaN);
                SimilarityKernel.Score(queries.AsSpan(0, queryCount * dimensions), entries.AsSpan(0, entryCount * dimensions), dimensions, scores);

                for (var q = 0; q < queryCount; q++)
                {
                    for (var e = 0; e < entryCount; e++)
                    {
                        var expected = NaiveDot(queries.AsSpan(q * dimensions, dimensions), entries.AsSpan(e * dimensions, dimensions));
                        var actual = scores[(q * entryCount) + e];
                        if (!(Math.Abs(expected - actual) < 1e-4))
                        {
                            Assert.Fail($"{queryCount} queries x {entryCount} entries x {dimensions} dims: score[{q}, {e}] was {actual}, expected {expected}");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Score_WritesNothingPastQueriesTimesEntries()
    {
        var random = new Random(3);
        const int Dimensions = 16;
        var scores = new float[(5 * 66) + 10];
        Array.Fill(scores, -7f);

        SimilarityKernel.Score(UnitRows(random, 5, Dimensions), UnitRows(random, 66, Dimensions), Dimensions, scores);

        Assert.All(scores.AsSpan(5 * 66).ToArray(), s => Assert.Equal(-7f, s));
        Assert.DoesNotContain(-7f, scores.AsSpan(0, 5 * 66).ToArray());
    }

    /// <summary>Chunked scoring relies on this: a query scores the same, to the bit, alone or among others, over a short span or a long one.</summary>
    [Theory]
    [InlineData(384)]
    [InlineData(20)]
    public void Score_GivesEachPairTheSameBits_WhateverElseTheCallHolds(int dimensions)
    {
        var random = new Random(dimensions + 1);
        var queries = UnitRows(random, 9, dimensions);
        var entries = UnitRows(random, 70, dimensions);
        var alone = new float[70];
        var together = new float[9 * 70];

        for (var q = 0; q < 9; q++)
        {
            SimilarityKernel.Score(queries.AsSpan(q * dimensions, dimensions), entries, dimensions, alone);
            for (var queryCount = q + 1; queryCount <= 9; queryCount++)
            {
                for (var entryCount = 1; entryCount <= 70; entryCount++)
                {
                    SimilarityKernel.Score(queries.AsSpan(0, queryCount * dimensions), entries.AsSpan(0, entryCount * dimensions), dimensions, together);
                    for (var e = 0; e < entryCount; e++)
                    {
                        if (BitConverter.SingleToInt32Bits(together[(q * entryCount) + e]) != BitConverter.SingleToInt32Bits(alone[e]))
                        {
                            Assert.Fail($"query {q} of {queryCount}, entry {e} of {entryCount}: {together[(q * entryCount) + e]:R} together, {alone[e]:R} alone");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Score_RejectsAScoreBufferSmallerThanQueriesTimesEntries()
    {
        var random = new Random(4);

        Assert.Throws<ArgumentException>(() => SimilarityKernel.Score(UnitRows(random, 3, 8), UnitRows(random, 4, 8), 8, new float[11]));
    }

    internal static float[] UnitRows(Random random, int rows, int dimensions)
    {
        var matrix = new float[rows * dimensions];
        for (var r = 0; r < rows; r++)
        {
            var row = matrix.AsSpan(r * dimensions, dimensions);
            double norm = 0;
            for (var i = 0; i < dimensions; i++)
            {
                row[i] = (float)((random.NextDouble() * 2) - 1);
                norm += row[i] * row[i];
            }

            for (var i = 0; i < dimensions; i++)
            {
                row[i] = (float)(row[i] / Math.Sqrt(norm));
            }
        }

        return matrix;
    }

    internal static double NaiveDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }
}
