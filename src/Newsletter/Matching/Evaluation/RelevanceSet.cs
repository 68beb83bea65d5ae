using System.Text.Json;
using Newsletter.Entries;

namespace Newsletter.Matching.Evaluation;

/// <summary>One labelled interest: graded judgements (2 squarely on it, 1 related, absent 0) over the set's corpus.</summary>
/// <param name="Stated">A broader line a reader with this real interest might subscribe with (the simulated reader uses it).</param>
public sealed record JudgedInterest(string Id, string Interest, string Kind, string Stated, IReadOnlyDictionary<string, int> Judgements)
{
    public int Grade(string entryId) => Judgements.GetValueOrDefault(entryId);

    public int RelevantCount => Judgements.Values.Count(g => g > 0);
}

/// <summary>
/// The labelled relevance set: a corpus of entries we wrote (our entry format, in arrival order) and
/// interests with graded judgements. The built-in one is embedded in the assembly (README beside the
/// files says how it was made); <c>eval --set DIR</c> reads another with the same two files.
/// </summary>
public sealed record RelevanceSet(IReadOnlyList<(string Id, MatchableEntry Entry, long Upvotes)> Corpus, IReadOnlyList<JudgedInterest> Interests)
{
    public static RelevanceSet Load(string? directory)
    {
        var corpusText = directory is null ? ReadBuiltIn("corpus.jsonl") : File.ReadAllText(Path.Combine(directory, "corpus.jsonl"));
        var interestsText = directory is null ? ReadBuiltIn("interests.json") : File.ReadAllText(Path.Combine(directory, "interests.json"));
        var corpus = new List<(string, MatchableEntry, long)>();
        var lineNumber = 0;
        foreach (var line in corpusText.Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var entry = EntryParser.Parse(document.RootElement, out var reason)
                ?? throw new FormatException($"corpus.jsonl:{lineNumber}: {reason}");
            corpus.Add((entry.SourceId ?? $"#{lineNumber}", new MatchableEntry(corpus.Count, entry.Title, entry.Abstract), entry.Upvotes));
        }

        var interests = JsonSerializer.Deserialize<List<InterestFile>>(interestsText, JsonSerializerOptions.Web)
            ?? throw new FormatException("interests.json: expected an array of interests.");
        return new RelevanceSet(corpus, interests.Select(i => new JudgedInterest(i.Id, i.Interest, i.Kind, i.Stated ?? i.Interest, i.Judgements)).ToList());
    }

    private static string ReadBuiltIn(string name)
    {
        using var stream = typeof(RelevanceSet).Assembly.GetManifestResourceStream($"Newsletter.Matching.Evaluation.RelevanceSet.{name}")
            ?? throw new InvalidOperationException($"The built-in relevance set's {name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed record InterestFile(string Id, string Interest, string Kind, string? Stated, Dictionary<string, int> Judgements);
}
