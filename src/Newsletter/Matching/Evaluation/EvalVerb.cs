using System.Globalization;
using Newsletter.Delivery;
using Newsletter.Entries;

namespace Newsletter.Matching.Evaluation;

/// <summary>
/// <c>eval [--entries FILE.jsonl --labels FILE.json] [--calibrate] [--Matching:Key value] [--Digest:Threshold p]</c>:
/// measures matching on labelled sets: the built-in set's tuning and held-out interests and the field
/// set (never tuned on), or an operator's own files. Per set, per matcher and per kind of interest:
/// nDCG@10 of the ranking, nDCG@10 of the sent list, and precision, recall and F1 of the sent set;
/// then the threshold's trade-off on the tuning interests and the simulated reader. With
/// <c>--calibrate</c> it fits the calibrated models on the tuning interests instead, and prints them
/// as settings.
/// </summary>
public static class EvalVerb
{
    private const string Usage = "Usage: eval [--entries FILE.jsonl --labels FILE.json] [--calibrate] [--Matching:Key value] [--Digest:Threshold p]";

    public static async Task<int> RunAsync(string[] args)
    {
        var entriesPath = Option(args, "--entries");
        var labelsPath = Option(args, "--labels");
        if (Option(args, "--set") is { } folder)
        {
            // The older form: a folder with corpus.jsonl and interests.json.
            (entriesPath, labelsPath) = (Path.Combine(folder, "corpus.jsonl"), Path.Combine(folder, "interests.json"));
        }

        if ((entriesPath is null) != (labelsPath is null))
        {
            await Console.Error.WriteLineAsync($"--entries and --labels go together.\n{Usage}");
            return 2;
        }

        if (entriesPath is not null && (!await Cli.Verbs.FileExistsAsync(entriesPath) || !await Cli.Verbs.FileExistsAsync(labelsPath!)))
        {
            return 2;
        }

        if (VerbMatching.FromArguments(args) is not { } configured)
        {
            return 2;
        }

        IReadOnlyList<LabelledSet> sets;
        try
        {
            sets = entriesPath is null
                ? [LabelledSet.BuiltIn("RelevanceSet", "built-in set"), LabelledSet.BuiltIn("FieldSet", "field set")]
                : [LabelledSet.FromFiles(entriesPath, labelsPath!)];
        }
        catch (Exception e) when (e is FormatException or EntryFileException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }

        var embedder = new VerbMatching(configured.Options, configured.Glossary);
        var embedded = sets.ToDictionary(s => s, s => embedder.Embed(s.Corpus.Select(c => c.Entry).ToList()));
        var tuningSet = sets[0];
        var tuning = tuningSet.Interests.Where(i => i.Split == JudgedInterest.Tuning).ToList();
        var tuningName = "tuning interests";
        if (tuning.Count == 0)
        {
            (tuning, tuningName) = (tuningSet.Interests.ToList(), "interests (the labels mark none \"tuning\")");
        }

        if (args.Contains("--calibrate"))
        {
            await CalibrateAsync(tuningSet, tuning, tuningName, embedded[tuningSet], configured.Options, configured.Glossary);
            return 0;
        }

        var threshold = configured.Threshold;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sent = every entry whose calibrated probability of relevance reaches Digest:Threshold {threshold:0.00} (a digest then sends at most Digest:MaxEntries of them, best first)."));
        Console.WriteLine("nDCG@10 with gains 2^grade - 1; P, R and F1 of the sent set averaged over interests (P of an interest with nothing sent counts 0).");
        foreach (var set in sets)
        {
            foreach (var (name, interests) in Parts(set))
            {
                Console.WriteLine();
                await ReportAsync(set, name, interests, embedded[set], configured.Options, configured.Glossary, threshold);
            }
        }

        Console.WriteLine();
        await ReportThresholdsAsync(tuningSet, tuning, tuningName, embedded[tuningSet], configured.Options, configured.Glossary);
        if (entriesPath is null)
        {
            Console.WriteLine();
            ReportSimulatedReader(tuningSet, embedded[tuningSet], configured.Options, configured.Glossary, threshold);
        }

        return 0;
    }

    /// <summary>A set's interests as they are reported: tuning and held-out apart when the set has both.</summary>
    private static IEnumerable<(string Name, IReadOnlyList<JudgedInterest> Interests)> Parts(LabelledSet set)
    {
        var bySplit = set.Interests.GroupBy(i => i.Split).OrderByDescending(g => g.Key).ToList();
        if (bySplit.Count == 1)
        {
            var note = set.Name == "field set" ? ", never tuned on" : "";
            yield return ($"{set.Name}{note}", bySplit[0].ToList());
            yield break;
        }

        foreach (var split in bySplit)
        {
            yield return ($"{set.Name}, {split.Key} interests", split.ToList());
        }
    }

    private static (string Name, MatchingOptions Options, Glossary.Glossary Glossary)[] Matchers(MatchingOptions options, Glossary.Glossary glossary) =>
    [
        ("BM25 alone (no glossary)", With(options, MatchingMode.Lexical), Glossary.Glossary.Empty),
        ("BM25 + glossary", With(options, MatchingMode.Lexical), glossary),
        ("Embeddings alone (no glossary)", With(options, MatchingMode.Semantic), Glossary.Glossary.Empty),
        ("Embeddings + glossary", With(options, MatchingMode.Semantic), glossary),
        ("Hybrid (the default)", With(options, MatchingMode.Hybrid), glossary),
    ];

    private static async Task ReportAsync(LabelledSet set, string name, IReadOnlyList<JudgedInterest> interests, IReadOnlyList<MatchableEntry> embedded,
        MatchingOptions options, Glossary.Glossary glossary, double threshold)
    {
        Console.WriteLine($"{name}: {interests.Count} interests ({Kinds(interests)}) over {set.Corpus.Count} entries");
        Console.WriteLine($"{"",-34} {"ranking",8} {"sent list",10} {"sent set",-26}");
        Console.WriteLine($"{"Matcher",-34} {"nDCG@10",8} {"nDCG@10",10} {"P",6} {"R",6} {"F1",6} {"sent",6}");
        var byKind = new List<(string Matcher, IReadOnlyList<InterestOutcome> Outcomes)>();
        foreach (var (matcher, matcherOptions, matcherGlossary) in Matchers(options, glossary))
        {
            var outcomes = await SetMeasurement.MeasureAsync(set, interests, embedded, new VerbMatching(matcherOptions, matcherGlossary), threshold);
            Console.WriteLine($"{matcher,-34} {Row(outcomes)}");
            byKind.Add((matcher, outcomes));
        }

        if (interests.Select(i => i.Kind).Distinct().Count() > 1)
        {
            Console.WriteLine("  by kind of interest:");
            foreach (var kind in interests.Select(i => i.Kind).Distinct())
            {
                foreach (var (matcher, outcomes) in byKind)
                {
                    var ofKind = outcomes.Where(o => o.Interest.Kind == kind).ToList();
                    Console.WriteLine($"  {$"{kind} ({ofKind.Count})",-15} {matcher,-30} {Row(ofKind)}");
                }
            }
        }
    }

    private static string Row(IReadOnlyList<InterestOutcome> outcomes) => string.Create(CultureInfo.InvariantCulture,
        $"{outcomes.Average(o => o.RankNdcg),8:0.000} {outcomes.Average(o => o.SentNdcg),10:0.000} {outcomes.Average(o => o.Precision),6:0.00} {outcomes.Average(o => o.Recall),6:0.00} {outcomes.Average(o => o.F1),6:0.00} {outcomes.Average(o => o.Sent),6:0.0}");

    /// <summary>What each threshold would send, on the interests settings may be chosen on.</summary>
    private static async Task ReportThresholdsAsync(LabelledSet set, List<JudgedInterest> tuning, string tuningName, IReadOnlyList<MatchableEntry> embedded,
        MatchingOptions options, Glossary.Glossary glossary)
    {
        Console.WriteLine($"Digest:Threshold on the hybrid score, {set.Name}, {tuningName} ({tuning.Count}): mean P / R / F1 of the sent set");
        var ranked = await SetMeasurement.RankAsync(new VerbMatching(With(options, MatchingMode.Hybrid), glossary), embedded, tuning);

        Console.WriteLine(string.Join("\n", Thresholds.Select(t =>
        {
            var outcomes = ranked.Select(r => SetMeasurement.Outcome(set, r.Interest, r.Ranked, t)).ToList();
            return string.Create(CultureInfo.InvariantCulture, $"{t:0.00}: {outcomes.Average(o => o.Precision):0.00} / {outcomes.Average(o => o.Recall):0.00} / {outcomes.Average(o => o.F1):0.00}");
        }).Chunk(4).Select(c => string.Join("   ", c))));
    }

    private const int CalibrationRounds = 4;

    private static readonly double[] Thresholds = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7];

    private static async Task CalibrateAsync(LabelledSet set, List<JudgedInterest> tuning, string tuningName, IReadOnlyList<MatchableEntry> embedded,
        MatchingOptions options, Glossary.Glossary glossary)
    {
        // Pseudo-relevance feedback picks its entries with the models being fitted: a few rounds, each
        // fitted on the signals the previous round's models produce, settle them. The semantic models
        // are fitted on what Semantic mode computes (its feedback is chosen without keywords).
        var fitted = options.Copy();
        IReadOnlyList<Calibrator.Pair> pairs = [];
        var unfitted = new SortedSet<SignalSet>();
        for (var round = 0; round < CalibrationRounds; round++)
        {
            unfitted.Clear();
            foreach (var mode in new[] { MatchingMode.Hybrid, MatchingMode.Semantic })
            {
                var modePairs = await Calibrator.PairsAsync(set, tuning, embedded, new VerbMatching(With(fitted, mode), glossary));
                pairs = mode == MatchingMode.Hybrid ? modePairs : pairs;
                var signalSets = mode == MatchingMode.Hybrid
                    ? new[] { SignalSet.Hybrid, SignalSet.HybridNoStanding, SignalSet.Lexical }
                    : [SignalSet.Semantic, SignalSet.SemanticNoStanding];
                foreach (var signals in signalSets)
                {
                    if (Calibrator.Fit(modePairs, signals) is { } model)
                    {
                        fitted.Calibration.Set(signals, model);
                    }
                    else
                    {
                        unfitted.Add(signals);
                    }
                }
            }
        }

        Console.WriteLine($"Fitted on {set.Name}, {tuningName} ({tuning.Count}): {pairs.Count:N0} pairs, {pairs.Count(p => p.Relevant)} relevant.");

        // The threshold that gives the best mean F1 of the sent set with the new models, on the same interests.
        var ranked = await SetMeasurement.RankAsync(new VerbMatching(With(fitted, MatchingMode.Hybrid), glossary), embedded, tuning);
        var (best, f1) = Thresholds.Select(t => (t, ranked.Average(r => SetMeasurement.Outcome(set, r.Interest, r.Ranked, t).F1))).MaxBy(p => p.Item2);
        foreach (var signals in Enum.GetValues<SignalSet>())
        {
            var note = unfitted.Contains(signals) ? "    (not fitted: no pair had these signals, or all or none were relevant; the configured model is kept)" : "";
            Console.WriteLine($"--Matching:Calibration:{signals} \"{fitted.Calibration.Text(signals)}\"{note}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"--Digest:Threshold {best:0.00}    (mean F1 of the sent set on these interests: {f1:0.000})"));
    }

    private static void ReportSimulatedReader(LabelledSet set, IReadOnlyList<MatchableEntry> embedded, MatchingOptions options, Glossary.Glossary glossary, double threshold)
    {
        var matching = new VerbMatching(With(options, MatchingMode.Hybrid), glossary);
        var digest = new DigestOptions { TrendingSlot = false, Threshold = threshold };
        Console.WriteLine($"Simulated reader ({set.Name}): hidden interest = each of the {set.Interests.Count} labelled interests; subscribes with a broader line (KD: \"{set.Interests.FirstOrDefault(i => i.Id == "kd")?.Stated}\");");
        Console.WriteLine($"one digest per {SimulatedReader.EntriesPerDay} new entries; every entry shown is rated (up if judged relevant).");
        Console.WriteLine("P = relevant sent / sent, R = relevant sent / relevant among that day's entries, over all readers;");
        Console.WriteLine("n = entries per digest. Days 8-12 pooled for a steadier figure.");
        Console.WriteLine();
        Console.WriteLine($"{"",-22} {"digest 1",-20} {"digest 3",-20} {"digest 10",-20} {"digests 8-12",-20}");
        foreach (var learn in new[] { false, true })
        {
            var runs = set.Interests.Select(i =>
            {
                var stated = matching.Interests.PrepareAsync([new InterestItem($"Matches your interest “{i.Stated}”", i.Stated)]).GetAwaiter().GetResult()[0];
                return SimulatedReader.Run(set, embedded, i, stated, matching.Matcher, digest, learn);
            }).ToList();
            string At(int from, int to)
            {
                var days = runs.SelectMany(r => r.Skip(from - 1).Take(to - from + 1)).ToList();
                var sent = days.Sum(d => d.Sent);
                var precision = sent == 0 ? 0 : days.Sum(d => d.Relevant) / (double)sent;
                var recall = days.Sum(d => d.Relevant) / (double)Math.Max(1, days.Sum(d => d.Available));
                return string.Create(CultureInfo.InvariantCulture, $"P {precision:0.00} R {recall:0.00} n {sent / (double)days.Count:0.0}");
            }

            Console.WriteLine($"{(learn ? "learning from ratings" : "stated interest only"),-22} {At(1, 1),-20} {At(3, 3),-20} {At(10, 10),-20} {At(8, 12),-20}");
        }
    }

    /// <summary>The configured options in another mode; every other setting carries over, new ones included.</summary>
    private static MatchingOptions With(MatchingOptions options, MatchingMode mode)
    {
        var copy = options.Copy();
        copy.Mode = mode;
        return copy;
    }

    private static string Kinds(IEnumerable<JudgedInterest> interests) => string.Join(", ", interests.GroupBy(i => i.Kind).Select(g => $"{g.Count()} {g.Key}"));

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
