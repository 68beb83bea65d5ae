using System.Globalization;
using System.Runtime.CompilerServices;

namespace Newsletter.Matching;

/// <summary>
/// A logistic model that turns one (interest item, entry) pair's signals into the probability that a
/// reader with that interest wants the entry:
/// <c>p = 1 / (1 + e^-(intercept + cosine·c + keywords·k + standing·s))</c>.
/// </summary>
/// <param name="Cosine">Weight of the embedding cosine (-1..1).</param>
/// <param name="Keywords">Weight of the BM25 score (0..1, see <see cref="Bm25Index"/>).</param>
/// <param name="Standing">
/// Weight of the entry's standing among the window's entries for the same item: its cosine's distance
/// from their median in robust standard deviations (1.4826 × the median absolute deviation). The median
/// stays in the bulk of the window until half of it is on-topic, so a window full of papers on the
/// interest does not raise the bar the way a mean plus two standard deviations did.
/// </param>
public readonly record struct ScoreModel(double Intercept, double Cosine, double Keywords, double Standing)
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Probability(float cosine, float keywords, float standing) => 1 / (1 + MathF.Exp(-Logit(cosine, keywords, standing)));

    /// <summary>The log-odds: ranks and compares like the probability, without the exponential.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Logit(float cosine, float keywords, float standing) =>
        (float)Intercept + ((float)Cosine * cosine) + ((float)Keywords * keywords) + ((float)Standing * standing);

    /// <summary>The log-odds of a probability (for comparing logits with a threshold).</summary>
    public static float LogitOf(double probability) => (float)Math.Log(probability / (1 - probability));

    /// <summary>"intercept cosine keywords standing", as <c>eval --calibrate</c> prints it and configuration takes it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Intercept:0.###} {Cosine:0.###} {Keywords:0.###} {Standing:0.###}");

    public static ScoreModel? Parse(string? text)
    {
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new double[4];
        if (parts.Length != 4)
        {
            return null;
        }

        for (var i = 0; i < 4; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                return null;
            }
        }

        return new ScoreModel(values[0], values[1], values[2], values[3]);
    }
}

/// <summary>Which signals a pair has, and so which of the calibrated models scores it.</summary>
public enum SignalSet
{
    /// <summary>Cosine, keywords and standing: the hybrid default once the window has enough entries.</summary>
    Hybrid,

    /// <summary>Cosine and keywords: a window too small to say where an entry stands.</summary>
    HybridNoStanding,

    /// <summary>Cosine and standing (<c>Matching:Mode Semantic</c>).</summary>
    Semantic,

    SemanticNoStanding,

    /// <summary>Keywords only: <c>Matching:Mode Lexical</c>, an item or an entry without a vector.</summary>
    Lexical,
}

/// <summary>
/// The configuration section <c>Matching:Calibration</c>: one model per <see cref="SignalSet"/>, as four
/// numbers. The defaults were fitted by <c>eval --calibrate</c> on the tuning interests of the built-in
/// relevance set (never on its held-out interests or on the field set); an operator can fit their own on
/// labelled data of theirs (<c>eval --entries F --labels L --calibrate</c>) and set them here.
/// </summary>
public sealed class CalibrationOptions
{
    public string Hybrid { get; set; } = "-5.109 3.153 2.35 1.006";
    public string HybridNoStanding { get; set; } = "-5.489 6.981 4.263 0";
    public string Semantic { get; set; } = "-5.046 3.183 0 1.149";
    public string SemanticNoStanding { get; set; } = "-5.646 8.766 0 0";
    public string Lexical { get; set; } = "-3.553 0 7.343 0";

    public CalibrationOptions MemberwiseCopy() => (CalibrationOptions)MemberwiseClone();

    public ScoreModel For(SignalSet signals) => ScoreModel.Parse(Text(signals)) ?? throw new InvalidOperationException($"Matching:Calibration:{signals} was not validated.");

    public string Text(SignalSet signals) => signals switch
    {
        SignalSet.Hybrid => Hybrid,
        SignalSet.HybridNoStanding => HybridNoStanding,
        SignalSet.Semantic => Semantic,
        SignalSet.SemanticNoStanding => SemanticNoStanding,
        _ => Lexical,
    };

    public void Set(SignalSet signals, ScoreModel model)
    {
        var text = model.ToString();
        switch (signals)
        {
            case SignalSet.Hybrid: Hybrid = text; break;
            case SignalSet.HybridNoStanding: HybridNoStanding = text; break;
            case SignalSet.Semantic: Semantic = text; break;
            case SignalSet.SemanticNoStanding: SemanticNoStanding = text; break;
            default: Lexical = text; break;
        }
    }

    public IEnumerable<string> Validate() => Enum.GetValues<SignalSet>()
        .Where(s => ScoreModel.Parse(Text(s)) is null)
        .Select(s => $"Matching:Calibration:{s} must be four numbers: intercept, cosine, keywords and standing weights (got \"{Text(s)}\").");
}

/// <summary>Where an entry stands among the window's entries for one item.</summary>
public static class Standing
{
    /// <summary>Robust deviations are floored here: a window of near-identical cosines would otherwise make every tiny difference look huge.</summary>
    public const float MinimumScale = 0.02f;

    /// <summary>Standings are clamped to ±this: one outlier cannot outweigh every other signal.</summary>
    public const float Limit = 8;

    /// <returns>The median of <paramref name="cosines"/> and 1.4826 × their median absolute deviation (at least <see cref="MinimumScale"/>).</returns>
    /// <param name="scratch">At least as long as <paramref name="cosines"/>; overwritten.</param>
    public static (float Median, float Scale) Of(ReadOnlySpan<float> cosines, Span<float> scratch)
    {
        if (cosines.IsEmpty)
        {
            return (0, 1);
        }

        var work = scratch[..cosines.Length];
        cosines.CopyTo(work);
        var median = Median(work);
        for (var i = 0; i < work.Length; i++)
        {
            work[i] = Math.Abs(work[i] - median);
        }

        return (median, Math.Max(MinimumScale, 1.4826f * Median(work)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float cosine, (float Median, float Scale) window) => Math.Clamp((cosine - window.Median) / window.Scale, -Limit, Limit);

    /// <summary>The median, by selection rather than a full sort (this runs per item per subscriber); reorders <paramref name="values"/>.</summary>
    private static float Median(Span<float> values)
    {
        var upper = Select(values, values.Length / 2);
        if (values.Length % 2 == 1)
        {
            return upper;
        }

        // After selection everything left of the middle is at most it: the lower middle is their maximum.
        var lower = float.MinValue;
        foreach (var v in values[..(values.Length / 2)])
        {
            lower = Math.Max(lower, v);
        }

        return (lower + upper) / 2;
    }

    /// <summary>Quickselect (Hoare partition, median-of-three pivot): the k-th smallest, with smaller values left of it.</summary>
    private static float Select(Span<float> values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (left < right)
        {
            var middle = left + ((right - left) / 2);
            var pivot = MedianOfThree(values[left], values[middle], values[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j) right = j;
            else if (k >= i) left = i;
            else return values[k];
        }

        return values[k];
    }

    private static float MedianOfThree(float a, float b, float c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
