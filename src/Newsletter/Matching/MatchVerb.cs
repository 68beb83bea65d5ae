using System.Text.Json;
using Newsletter.Entries;

namespace Newsletter.Matching;

/// <summary>
/// <c>match --entries FILE.jsonl --interests FILE.txt [--top N] [--Matching:Mode Lexical]</c>: ranks
/// the entries for each interest line with the digest's own matcher and prints one JSON line per
/// interest, in input order: <c>{"interest", "results": [{"id", "score", "why"}]}</c>, best first.
/// The <c>Matching:*</c> settings apply as they do in the service.
/// </summary>
public static class MatchVerb
{
    private const string Usage = "Usage: match --entries FILE.jsonl --interests FILE.txt [--top N] [--Matching:Mode Hybrid|Lexical|Semantic]";

    public static async Task<int> RunAsync(string[] args)
    {
        var entriesPath = Option(args, "--entries");
        var interestsPath = Option(args, "--interests");
        var topText = Option(args, "--top");
        var top = 10;
        if (entriesPath is null || interestsPath is null || (topText is not null && (!int.TryParse(topText, out top) || top < 1)))
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

            var corpus = matching.Matcher.Index(matching.Embed(entries));
            foreach (var line in await File.ReadAllLinesAsync(interestsPath))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var item = (await matching.Interests.PrepareAsync([new InterestItem(line.Trim(), line.Trim())]))[0];
                // Below the digest's floor an entry is no match at all; above it, wouldSend says whether it
                // also clears the interest's adaptive bar, as a digest needs.
                var results = corpus.Rank([item]).Where(m => m.Score >= configured.Floor).Take(top)
                    .Select(m => new MatchLine(ids[(int)m.Entry.Id], m.Score, MatchExplanation.Describe(m), m.Score >= Math.Max(configured.Floor, m.Bar)));
                Console.WriteLine(JsonSerializer.Serialize(new { interest = item.Label, results }, JsonSerializerOptions.Web));
            }
        }

        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private sealed record MatchLine(string Id, double Score, string Why, bool WouldSend);
}
