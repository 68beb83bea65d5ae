using System.Globalization;

namespace Newsletter.Admin.Pages;

/// <summary>
/// A bar chart of one figure per day, as coordinates for an inline SVG drawn by the page template
/// (no script, no library): a bar per day, the y axis from 0 to a round maximum, a few day labels.
/// </summary>
public sealed record DailyChart(string Id, string Title, string Description, string Unit, long Total, IReadOnlyList<ChartBar> Bars, IReadOnlyList<ChartTick> YTicks, IReadOnlyList<ChartTick> XTicks)
{
    public const int Width = 600;
    public const int Height = 190;
    public const int Left = 48;
    public const int Right = 572;
    public const int Top = 28;
    public const int Bottom = 158;

    public int PlotBottom => Bottom;
    public int PlotLeft => Left;
    public int PlotRight => Right;
    public int LabelY => Bottom + 22;

    public static DailyChart Build(string id, string title, string unit, IReadOnlyList<DateOnly> days, IReadOnlyDictionary<string, long> counts)
    {
        var values = days.Select(d => (Day: d, Count: counts.GetValueOrDefault(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))).ToList();
        var max = NiceMax(values.Count == 0 ? 0 : values.Max(v => v.Count));
        var slot = (double)(Right - Left) / Math.Max(1, values.Count);
        var barWidth = Math.Max(2, slot * 0.7);
        var bars = values.Select((v, i) =>
        {
            var height = (double)(Bottom - Top) * v.Count / max;
            var x = Left + i * slot + (slot - barWidth) / 2;
            return new ChartBar(F(x), F(Bottom - height), F(barWidth), F(height), $"{Day(v.Day)}: {AdminText.Count(v.Count)} {unit}");
        }).ToList();
        var yTicks = new[] { 0, max / 2, max }.Distinct()
            .Select(t => new ChartTick(F(Bottom - (double)(Bottom - Top) * t / max), AdminText.Count(t))).ToList();
        var xTicks = values.Select((v, i) => (v, i)).Where(p => (values.Count - 1 - p.i) % 7 == 0)
            .Select(p => new ChartTick(F(Left + p.i * slot + slot / 2), Day(p.v.Day))).ToList();
        var total = values.Sum(v => v.Count);
        var busiest = values.Count > 0 ? values.MaxBy(v => v.Count) : default;
        var description = values.Count == 0
            ? "No days to show."
            : $"{AdminText.Count(total)} {unit} in the {values.Count} days from {Day(values[0].Day)} to {Day(values[^1].Day)}; " +
              (busiest.Count > 0 ? $"the busiest day was {Day(busiest.Day)} with {AdminText.Count(busiest.Count)}." : "none on any day.");
        return new DailyChart(id, title, description, unit, total, bars, yTicks, xTicks);
    }

    /// <summary>The smallest of 1, 2, 5 times a power of ten at or above the largest value (at least 2, so the middle tick is whole).</summary>
    private static long NiceMax(long largest)
    {
        long step = 1;
        while (true)
        {
            foreach (var m in new[] { 2, 5, 10 })
            {
                if (step * m >= largest)
                {
                    return step * m;
                }
            }

            step *= 10;
        }
    }

    private static string Day(DateOnly day) => day.ToString("d MMM", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}

public sealed record ChartBar(string X, string Y, string Width, string Height, string Label);

public sealed record ChartTick(string Position, string Text);
