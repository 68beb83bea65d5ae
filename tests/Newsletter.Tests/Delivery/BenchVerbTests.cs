using Newsletter.Bench;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Delivery;

/// <summary>Runs the bench small, to keep the verb working; what it measures is read, not asserted (no timing asserts).</summary>
[Collection(AppCollection.Name)]
public sealed class BenchVerbTests
{
    [Fact]
    public async Task Bench_RunsARealDigestRunAndTheBaseline_AndPrintsBothRatesAndTheRatio()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, await BenchVerb.RunAsync(["--subscribers", "40", "--entries", "30", "--connections", "2"]));
        }
        finally
        {
            Console.SetOut(original);
        }

        var text = output.ToString();
        Assert.Contains("end-to-end digests", text, StringComparison.Ordinal);
        Assert.Contains("bare MailKit", text, StringComparison.Ordinal);
        Assert.Matches(@"ratio\s+\d+[.,]\d\d of bare MailKit", text);
        Assert.Matches(@"end-to-end digests\s+40 in", text);
    }
}
