using System.Text;
using System.Text.Json;
using Newsletter.Entries;

namespace Newsletter.Matching.Evaluation;

/// <summary>An entry of a labelled set: its id as the labels name it, and what matching reads.</summary>
public sealed record LabelledEntry(string Id, MatchableEntry Entry, long Upvotes);

/// <summary>One labelled interest: graded judgements (2 squarely on it, 1 related, absent 0) over the set's corpus.</summary>
/// <param name="Stated">A broader line a reader with this real interest might subscribe with (the simulated reader uses it).</param>
/// <param name="Split"><c>tuning</c> (settings may be chosen on it) or <c>held-out</c> (only ever measured).</param>
public sealed record JudgedInterest(string Id, string Interest, string Kind, string Stated, string Split, IReadOnlyDictionary<string, int> Judgements)
{
    public const string Tuning = "tuning";
    public const string HeldOut = "held-out";

    public int Grade(string entryId) => Judgements.GetValueOrDefault(entryId);

    public int RelevantCount => Judgements.Values.Count(g => g > 0);
}

/// <summary>
/// A labelled relevance set: a corpus of entries (in arrival order) and interests with graded
/// judgements over it. Two are built in (embedded in the assembly; the README beside each says how it
/// was made): <c>RelevanceSet</c>, split into tuning and held-out interests, and <c>FieldSet</c>, written
/// later in another style and never tuned on. <c>eval --entries F --labels L</c> reads an operator's.
/// </summary>
public sealed record LabelledSet(string Name, IReadOnlyList<LabelledEntry> Corpus, IReadOnlyList<JudgedInterest> Interests)
{
    public const int MaxGrade = 3;

    public static LabelledSet BuiltIn(string folder, string name)
    {
        var corpus = new List<LabelledEntry>();
        var lineNumber = 0;
        foreach (var line in ReadBuiltIn(folder, "corpus.jsonl").Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var entry = EntryParser.Parse(document.RootElement, out var reason) ?? throw new FormatException($"{folder}/corpus.jsonl:{lineNumber}: {reason}");
            corpus.Add(new LabelledEntry(entry.SourceId ?? $"#{lineNumber}", new MatchableEntry(corpus.Count, entry.Title, entry.Abstract), entry.Upvotes));
        }

        return new LabelledSet(name, corpus, ParseLabels(Encoding.UTF8.GetBytes(ReadBuiltIn(folder, "interests.json")), $"{folder}/interests.json", corpus));
    }

    /// <summary>An operator's set: an entries file in our entry format and a labels file (README, "Measuring on your own data").</summary>
    /// <exception cref="FormatException">The files cannot be used; the message names the file, the line and the reason.</exception>
    public static LabelledSet FromFiles(string entriesPath, string labelsPath)
    {
        var corpus = new List<LabelledEntry>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var file = EntryFile.Read(entriesPath))
        {
            foreach (var (position, element) in file.Entries)
            {
                var entry = ParseEntry(element, $"{entriesPath}:{position}");
                var id = entry.SourceId ?? entry.Url ?? $"#{position}";
                if (!seen.TryAdd(id, position))
                {
                    throw new FormatException($"{entriesPath}:{position}: the id \"{id}\" was already used on line {seen[id]}; labels could not tell the two apart.");
                }

                corpus.Add(new LabelledEntry(id, new MatchableEntry(corpus.Count, entry.Title, entry.Abstract), entry.Upvotes));
            }
        }

        if (corpus.Count == 0)
        {
            throw new FormatException($"{entriesPath}: the file holds no entries; there is nothing to rank.");
        }

        var bytes = File.ReadAllBytes(labelsPath);
        try
        {
            new UTF8Encoding(false, true).GetCharCount(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"{labelsPath}: not valid UTF-8.");
        }

        return new LabelledSet(Path.GetFileNameWithoutExtension(labelsPath), corpus, ParseLabels(bytes, labelsPath, corpus));
    }

    /// <summary>The interests of a labels file, each checked against the corpus; the first problem stops the load with its line.</summary>
    public static IReadOnlyList<JudgedInterest> ParseLabels(byte[] file, string source, IReadOnlyList<LabelledEntry> corpus)
    {
        var ids = corpus.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        // Editors on some systems start a UTF-8 file with a byte-order mark; JSON readers do not expect one.
        var bytes = file.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? file.AsSpan(Encoding.UTF8.Preamble.Length) : file.AsSpan();
        var interests = new List<JudgedInterest>();
        var interestIds = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FormatException($"{source}:1: expected a JSON array of interests, [{{\"interest\": \"...\", \"judgements\": {{\"entry id\": 2}}}}, ...].");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var line = 1 + bytes[..(int)reader.TokenStartIndex].Count((byte)'\n');
                using var document = JsonDocument.ParseValue(ref reader);
                var at = $"{source}:{line}";
                JudgedInterest interest;
                try
                {
                    interest = ParseInterest(document.RootElement, interests.Count + 1, ids, at);
                }
                catch (InvalidOperationException)
                {
                    // GetString() refuses text that is not Unicode, such as a lone surrogate escape ("\ud800").
                    throw new FormatException($"{at}: interest {interests.Count + 1} holds text that is not valid Unicode (an escape such as \\ud800 alone).");
                }

                if (!interestIds.Add(interest.Id))
                {
                    throw new FormatException($"{at}: the interest id \"{interest.Id}\" is used twice.");
                }

                interests.Add(interest);
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]})");
        }

        if (interests.Count == 0)
        {
            throw new FormatException($"{source}: no interests; nothing to measure.");
        }

        return interests;
    }

    private static JudgedInterest ParseInterest(JsonElement element, int number, HashSet<string> ids, string at)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{at}: interest {number} must be a JSON object.");
        }

        string? Text(string name) => element.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim()
            : throw new FormatException($"{at}: interest {number}: \"{name}\" must be a string.") : null;

        var query = Text("interest");
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new FormatException($"{at}: interest {number}: \"interest\" (the interest's text) is required.");
        }

        var split = Text("split") ?? JudgedInterest.HeldOut;
        if (split is not (JudgedInterest.Tuning or JudgedInterest.HeldOut))
        {
            throw new FormatException($"{at}: interest {number} (\"{query}\"): \"split\" must be \"tuning\" or \"held-out\" (got \"{split}\").");
        }

        if (!element.TryGetProperty("judgements", out var judged) || judged.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{at}: interest {number} (\"{query}\"): \"judgements\" must be an object of entry id → grade (1 related, 2 squarely on it).");
        }

        var judgements = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var grade in judged.EnumerateObject())
        {
            if (!ids.Contains(grade.Name))
            {
                throw new FormatException($"{at}: interest {number} (\"{query}\"): judges \"{grade.Name}\", which is not an id in the entries.");
            }

            if (grade.Value.ValueKind != JsonValueKind.Number || !grade.Value.TryGetInt32(out var value) || value is < 0 or > MaxGrade)
            {
                throw new FormatException($"{at}: interest {number} (\"{query}\"): the grade of \"{grade.Name}\" must be a whole number from 0 to {MaxGrade} (got {grade.Value.GetRawText()}).");
            }

            judgements[grade.Name] = value;
        }

        if (!judgements.Values.Any(g => g > 0))
        {
            throw new FormatException($"{at}: interest {number} (\"{query}\"): no entry is judged relevant (grade 1 or more); nothing could be measured.");
        }

        return new JudgedInterest(Text("id") ?? query, query, Text("kind") ?? "interest", Text("stated") ?? query, split, judgements);
    }

    private static EntryInput ParseEntry(JsonElement element, string at)
    {
        try
        {
            return EntryParser.Parse(element, out var reason) ?? throw new FormatException($"{at}: {reason}");
        }
        catch (InvalidOperationException)
        {
            throw new FormatException($"{at}: the entry holds text that is not valid Unicode (an escape such as \\ud800 alone).");
        }
    }

    private static string ReadBuiltIn(string folder, string name)
    {
        using var stream = typeof(LabelledSet).Assembly.GetManifestResourceStream($"Newsletter.Matching.Evaluation.{folder}.{name}")
            ?? throw new InvalidOperationException($"The built-in set's {folder}/{name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
