namespace Newsletter.Bench;

/// <summary>
/// What the measured rate means for a list of 1,000,000: on this box, and on N worker boxes like it
/// behind one PostgreSQL, capped by the relay's rate when one is given. A projection from one
/// measurement, not a measurement: it assumes the database keeps up (two short write transactions
/// per chunk of deliveries) and that each worker box has this one's cores.
/// </summary>
public static class ScaleProjection
{
    private const double ListSize = 1_000_000;

    public static void Print(double digestsPerSecond, int cores, bool postgres, double relayCap)
    {
        Console.WriteLine();
        Console.WriteLine($"projected for 1,000,000 subscribers (from {digestsPerSecond:N0} digests/s on this {cores}-core box{(relayCap > 0 ? $", relay capped at {relayCap:N0}/s" : ", no relay cap given: --relay-rate N")})");
        int[] workers = postgres ? [1, 2, 4, 8] : [1];
        foreach (var n in workers)
        {
            var rate = relayCap > 0 ? Math.Min(n * digestsPerSecond, relayCap) : n * digestsPerSecond;
            var bound = relayCap > 0 && n * digestsPerSecond >= relayCap ? "  (the relay's rate)" : "";
            Console.WriteLine($"  {n} {(n == 1 ? "box   " : "boxes ")} {Duration(ListSize / rate),10}   {rate,9:N0} /s{bound}");
        }

        if (!postgres)
        {
            Console.WriteLine("  (SQLite is one box; Database__Provider=Postgres projects several workers)");
        }
    }

    private static string Duration(double seconds) =>
        seconds >= 3600 ? $"{seconds / 3600:N1} h" : seconds >= 60 ? $"{seconds / 60:N1} min" : $"{seconds:N0} s";
}
