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
