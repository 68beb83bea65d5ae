using Newsletter.Bench;

namespace Newsletter.Tests.Matching;

/// <summary>Runs the matching bench small, to keep it working; what it measures is read, not asserted (no timing asserts).</summary>
[Collection(Newsletter.Tests.Infrastructure.AppCollection.Name)]
public sealed class MatchingBenchTests
{
    [Fact]
    public async Task BenchMatching_Succeeds_AndPrintsTheArithmeticFloorAndTheRatioToIt()
    {
        var (code, output, _) = await VerbConsole.RunAsync(() => BenchVerb.RunAsync(["matching", "--subscribers", "300", "--entries", "80"]));

        Assert.Equal(0, code);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("arithmetic floor", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ratio to floor", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("bench matching: 300 subscribers x 2 items x 80 new entries", StringComparison.Ordinal));
    }
}
