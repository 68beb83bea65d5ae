using Newsletter.Matching;

namespace Newsletter.Tests.Matching;

public sealed class CalibrationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(2_001)]
    public void Standing_TakesTheMedianAndTheMedianAbsoluteDeviation_AsASortWould(int count)
    {
        var random = new Random(count);
        var values = Enumerable.Range(0, count).Select(_ => (float)Math.Round(random.NextDouble(), 2)).ToArray(); // ties included

        var (median, scale) = Standing.Of(values, new float[count]);

        Assert.Equal(SortedMedian(values), median, 5);
        var deviations = values.Select(v => Math.Abs(v - SortedMedian(values))).ToArray();
        Assert.Equal(Math.Max(Standing.MinimumScale, 1.4826f * SortedMedian(deviations)), scale, 4);
    }

    /// <summary>The median and deviation are the middle elements themselves, so they match a sort to the bit (ties, negatives, odd and even lengths).</summary>
    [Fact]
    public void Standing_MatchesASortToTheBit()
    {
        var random = new Random(5);
        foreach (var count in new[] { 1, 2, 3, 4, 5, 8, 9, 31, 64, 255, 511, 512, 513 })
        {
            for (var trial = 0; trial < 20; trial++)
            {
                var coarse = trial % 2 == 0; // rounded: many ties
                var values = Enumerable.Range(0, count).Select(_ => (float)(coarse ? Math.Round((random.NextDouble() * 1.2) - 0.4, 2) : (random.NextDouble() * 0.5) - 0.1)).ToArray();
                var median = SortedMedian(values);
                var expected = (median, Math.Max(Standing.MinimumScale, 1.4826f * SortedMedian(values.Select(v => Math.Abs(v - median)).ToArray())));

                var actual = Standing.Of(values, new float[count]);

                Assert.Equal(BitConverter.SingleToInt32Bits(expected.median), BitConverter.SingleToInt32Bits(actual.Median));
                Assert.Equal(BitConverter.SingleToInt32Bits(expected.Item2), BitConverter.SingleToInt32Bits(actual.Scale));
            }
        }
    }

    [Fact]
    public void Standing_OfAWindowOfEqualCosines_HasTheMinimumScale_AndIsClamped()
    {
        var window = Standing.Of([0.3f, 0.3f, 0.3f, 0.3f], new float[4]);

        Assert.Equal((0.3f, Standing.MinimumScale), window);
        Assert.Equal(Standing.Limit, Standing.Of(0.9f, window));
        Assert.Equal(-Standing.Limit, Standing.Of(-0.9f, window));
    }

    [Theory]
    [InlineData("1 2 3 4", true)]
    [InlineData("-4.5 0 7.25 -1e-3", true)]
    [InlineData("1 2 3", false)]
    [InlineData("1 2 3 x", false)]
    [InlineData("1 2 Infinity 4", false)]
    [InlineData("", false)]
    public void AModel_IsFourFiniteNumbers(string text, bool valid) => Assert.Equal(valid, ScoreModel.Parse(text) is not null);

    [Fact]
    public void AModelsProbability_IsTheLogisticOfItsLogit_AndTheLogitOfAProbabilityInvertsIt()
    {
        var model = new ScoreModel(-4, 10, 2, 0.5);

        Assert.Equal(-4 + 5 + 1 + 1, model.Logit(0.5f, 0.5f, 2), 5);
        Assert.Equal(1 / (1 + Math.Exp(-3)), model.Probability(0.5f, 0.5f, 2), 5);
        Assert.Equal(0.2, 1 / (1 + Math.Exp(-ScoreModel.LogitOf(0.2))), 5);
    }

    [Fact]
    public void TheShippedCalibration_IsValid_AndMoreCosineOrKeywordsNeverLowersAScore()
    {
        var calibration = new CalibrationOptions();
        Assert.Empty(calibration.Validate());
        foreach (var signals in Enum.GetValues<SignalSet>())
        {
            var model = calibration.For(signals);
            Assert.True(model.Cosine >= 0 && model.Keywords >= 0 && model.Standing >= 0, $"{signals}: {model}");
        }
    }

    private static float SortedMedian(float[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
