using System.Globalization;
using Newsletter.Delivery;

namespace Newsletter.Matching.Evaluation;

/// <summary>
/// <c>eval [--set DIR] [--Matching:Key value]</c>: measures matching on a labelled relevance set (the
/// built-in one unless <c>--set</c> names a folder with <c>corpus.jsonl</c> and <c>interests.json</c>).
/// Prints nDCG@10, precision@5 and recall@10 for keywords alone, embeddings alone and the fusions,
/// with and without the glossary, side by side; then the simulated reader's precision after 1, 3
/// and 10 digests, with and without learning from ratings.
/// </summary>
public static class EvalVerb
{
    public static async Task<int> RunAsync(string[] args)
    {
        var setAt = Array.IndexOf(args, "--set");
        var directory = setAt >= 0 && setAt + 1 < args.Length ? args[setAt + 1] : null;
        if (directory is not null && !Directory.Exists(directory))
        {
            await Console.Error.WriteLineAsync($"{directory}: no such folder (it should hold corpus.jsonl and interests.json).");
            return 2;
        }

        if (VerbMatching.FromArguments(args) is not { } configured)
        {
            return 2;
        }

        var set = RelevanceSet.Load(directory);
        var baseOptions = configured.Options;
        var embedded = new VerbMatching(baseOptions, configured.Glossary).Embed(set.Corpus.Select(c => c.Entry).ToList());
        var noGlossary = Glossary.Glossary.Empty;

        Console.WriteLine($"Relevance set: {set.Corpus.Count} entries, {set.Interests.Count} interests ({Kinds(set)}).");
        Console.WriteLine();
        Console.WriteLine($"{"Matcher",-34} {"nDCG@10",8} {"P@5",6} {"R@10",6}   nDCG@10 by kind");
        var configurations = new (string Name, MatchingOptions Options, Glossary.Glossary Glossary)[]
        {
            ("BM25 alone (no glossary)", With(baseOptions, MatchingMode.Lexical), noGlossary),
            ("BM25 + glossary", With(baseOptions, MatchingMode.Lexical), configured.Glossary),
            ("Embeddings alone (no glossary)", With(baseOptions, MatchingMode.Semantic), noGlossary),
            ("Embeddings + glossary", With(baseOptions, MatchingMode.Semantic), configured.Glossary),
            ("Hybrid, reciprocal rank fusion", With(baseOptions, MatchingMode.Hybrid, Fusion.ReciprocalRank), configured.Glossary),
            ($"Hybrid, blend {baseOptions.LexicalWeight:0.##}/{1 - baseOptions.LexicalWeight:0.##}", With(baseOptions, MatchingMode.Hybrid, Fusion.Blend), configured.Glossary),
        };

        foreach (var (name, options, glossary) in configurations)
        {
            var matching = new VerbMatching(options, glossary);
            var corpus = matching.Matcher.Index(embedded);
            var rows = new List<(string Kind, double Ndcg, double P5, double R10)>();
            foreach (var interest in set.Interests)
            {
                var item = (await matching.Interests.PrepareAsync([new InterestItem(interest.Interest, interest.Interest)]))[0];
                var grades = corpus.Rank([item]).Select(m => interest.Grade(set.Corpus[(int)m.Entry.Id].Id)).ToList();
                rows.Add((interest.Kind,
                    RankingMetrics.Ndcg(grades, interest.Judgements.Values, 10),
                    RankingMetrics.PrecisionAt(grades, 5),
                    RankingMetrics.RecallAt(grades, interest.RelevantCount, 10)));
            }

            var byKind = string.Join("  ", rows.GroupBy(r => r.Kind).Select(g => $"{g.Key} {g.Average(r => r.Ndcg):0.000}"));
            Console.WriteLine($"{name,-34} {rows.Average(r => r.Ndcg),8:0.000} {rows.Average(r => r.P5),6:0.000} {rows.Average(r => r.R10),6:0.000}   {byKind}");
        }

        Console.WriteLine();
        await ReportFloorsAsync(set, embedded, baseOptions, configured.Glossary);
        Console.WriteLine();
        ReportSimulatedReader(set, embedded, baseOptions, configured.Glossary);
        return 0;
    }

    /// <summary>
    /// What an absolute floor (Digest:Threshold) would let through: over every (interest, entry) pair,
    /// the share of pairs at or above each score that are relevant, and the share of relevant pairs kept.
    /// </summary>
    private static async Task ReportFloorsAsync(RelevanceSet set, IReadOnlyList<MatchableEntry> embedded, MatchingOptions options, Glossary.Glossary glossary)
    {
        var matching = new VerbMatching(options, glossary);
        var corpus = matching.Matcher.Index(embedded);
        var pairs = new List<(double Score, bool Relevant)>();
        foreach (var interest in set.Interests)
        {
            var item = (await matching.Interests.PrepareAsync([new InterestItem(interest.Interest, interest.Interest)]))[0];
            var scored = corpus.Rank([item]).ToDictionary(m => m.Entry.Id, m => m.Score);
            pairs.AddRange(embedded.Select(e => (scored.GetValueOrDefault(e.Id), interest.Grade(set.Corpus[(int)e.Id].Id) > 0)));
        }

        var relevant = pairs.Count(p => p.Relevant);
        Console.WriteLine($"Floor (Digest:Threshold) on the default hybrid score, over all {pairs.Count:N0} interest-entry pairs ({relevant} relevant):");
        Console.WriteLine(string.Join("   ", new[] { 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5 }.Select(floor =>
        {
            var kept = pairs.Where(p => p.Score >= floor).ToList();
            var precision = kept.Count == 0 ? 0 : kept.Count(p => p.Relevant) / (double)kept.Count;
            return string.Create(CultureInfo.InvariantCulture, $"{floor:0.00}: P {precision:0.00} R {kept.Count(p => p.Relevant) / (double)relevant:0.00}");
        })));
    }

    private static void ReportSimulatedReader(RelevanceSet set, IReadOnlyList<MatchableEntry> embedded, MatchingOptions options, Glossary.Glossary glossary)
    {
        var matching = new VerbMatching(options, glossary);
        var digest = new DigestOptions { TrendingSlot = false };
        Console.WriteLine($"Simulated reader: hidden interest = each of the {set.Interests.Count} labelled interests; subscribes with a broader line (KD: \"{set.Interests.FirstOrDefault(i => i.Id == "kd")?.Stated}\");");
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

    /// <summary>The configured options with another mode and fusion; every other setting carries over, new ones included.</summary>
    private static MatchingOptions With(MatchingOptions options, MatchingMode mode, Fusion fusion = Fusion.Blend)
    {
        var copy = options.Copy();
        copy.Mode = mode;
        copy.Fusion = fusion;
        return copy;
    }

    private static string Kinds(RelevanceSet set) => string.Join(", ", set.Interests.GroupBy(i => i.Kind).Select(g => $"{g.Count()} {g.Key}"));
}
