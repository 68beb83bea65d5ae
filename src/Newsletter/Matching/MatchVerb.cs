using System.Globalization;
using System.Text.Json;
using Newsletter.Entries;

namespace Newsletter.Matching;

/// <summary>
/// <c>match --entries FILE.jsonl --interests FILE.txt [--top N] [--format json|table] [--Matching:Mode Lexical]</c>:
/// ranks the entries for each interest line with the digest's own matcher, as a subscriber with that
/// one interest, the file being the window. JSON lines by default, one per interest in input order:
/// <c>{"interest", "results": [{"id", "title", "score", "why", "wouldSend"}]}</c>, best first;
/// <c>--format table</c> prints the same for people. The <c>Matching:*</c> and <c>Digest:*</c> settings
/// apply as they do in the service.
/// </summary>
public static class MatchVerb
{
    private const string Usage = "Usage: match --entries FILE.jsonl --interests FILE.txt [--top N] [--format json|table] [--Matching:Mode Hybrid|Lexical|Semantic] [--Digest:Threshold p]";

    public static async Task<int> RunAsync(string[] args)
    {
        var entriesPath = Option(args, "--entries");
        var interestsPath = Option(args, "--interests");
        var topText = Option(args, "--top");
        var format = Option(args, "--format") ?? "json";
        var top = 10;
        if (entriesPath is null || interestsPath is null || (topText is not null && (!int.TryParse(topText, out top) || top < 1)) || format is not ("json" or "table"))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        if (!await Cli.Verbs.FileExistsAsync(entriesPath) || !await Cli.Verbs.FileExistsAsync(interestsPath))
        {
            return 2;
        }

        if (VerbMatching.FromArguments(args) is not { } configured)
        {
            return 2;
        }

        if (await EntryFile.ReadForVerbAsync(entriesPath) is not { } file)
        {
            return 1;
        }

        var matching = new VerbMatching(configured.Options, configured.Glossary);

        using (file)
        {
            var entries = new List<MatchableEntry>();
            var ids = new List<string>();
            foreach (var (position, element) in file.Entries)
            {
                if (EntryParser.Parse(element, out var reason) is { } entry)
                {
                    entries.Add(new MatchableEntry(entries.Count, entry.Title, entry.Abstract));
                    ids.Add(entry.SourceId ?? entry.Url ?? $"#{position}");
                }
                else
                {
                    await Console.Error.WriteLineAsync($"{entriesPath}:{position}: skipped: {reason}");
                }
            }

            if (entries.Count == 0)
            {
                await Console.Error.WriteLineAsync($"{entriesPath}: no entries to rank.");
                return 1;
            }

            var corpus = matching.Matcher.Index(matching.Embed(entries));
            foreach (var line in await File.ReadAllLinesAsync(interestsPath))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var item = (await matching.Interests.PrepareAsync([new InterestItem(line.Trim(), line.Trim())]))[0];
                // The whole ranking, best first; wouldSend says whether the entry reaches the digest's
                // threshold (a digest then sends at most Digest:MaxEntries of those, best first).
                var ranked = corpus.Rank([item]);
                var results = ranked.Take(top)
                    .Select(m => new MatchLine(ids[(int)m.Entry.Id], m.Entry.Title, m.Score, MatchExplanation.Describe(m), m.Score >= configured.Threshold))
                    .ToList();
                if (format == "table")
                {
                    PrintTable(item.Label, results, ranked.Count(m => m.Score >= configured.Threshold), entries.Count);
                }
                else
                {
                    Console.WriteLine(JsonSerializer.Serialize(new { interest = item.Label, results }, JsonSerializerOptions.Web));
                }
            }
        }

        return 0;
    }

    private static void PrintTable(string interest, IReadOnlyList<MatchLine> results, int wouldSend, int entries)
    {
        Console.WriteLine($"{interest}: {wouldSend} of the {entries} entries would be sent; the best {results.Count}:");
        Console.WriteLine($"  {"#",3} {"score",5} {"send",4}  {"id",-18} {"title",-60} why");
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {i + 1,3} {r.Score,5:0.00} {(r.WouldSend ? "yes" : ""),4}  {Clip(r.Id, 18),-18} {Clip(r.Title, 60),-60} {r.Why}"));
        }

        Console.WriteLine();
    }

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private sealed record MatchLine(string Id, string Title, double Score, string Why, bool WouldSend);
}
