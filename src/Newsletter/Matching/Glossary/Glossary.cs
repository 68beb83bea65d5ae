using System.Text.RegularExpressions;

namespace Newsletter.Matching.Glossary;

/// <summary>
/// The field's acronyms and their long forms. Keyword matching cannot see that "DPO" and "direct
/// preference optimization" are one thing, and the embedding model barely knows most acronyms
/// (cosine 0.14 between the two here), so interests are expanded with this list before matching.
/// The built-in list covers machine learning; operators add or override lines with their own file.
/// </summary>
public sealed partial class Glossary
{
    private readonly Dictionary<string, Term> byAcronym = new(StringComparer.OrdinalIgnoreCase);

    private Glossary() { }

    public IReadOnlyCollection<Term> Terms => byAcronym.Values;

    public static Glossary BuiltIn { get; } = Parse(ReadBuiltIn(), "built-in glossary");

    public static Glossary Empty { get; } = new();

    /// <summary>What the configuration asks for: none, the built-in list, or that list with the operator's file over it.</summary>
    public static Glossary For(MatchingOptions options) => options.UseGlossary ? Load(options.GlossaryFile) : Empty;

    /// <summary>The built-in list with an operator's file laid over it (a repeated acronym replaces the built-in one).</summary>
    public static Glossary Load(string? operatorFile)
    {
        if (string.IsNullOrWhiteSpace(operatorFile))
        {
            return BuiltIn;
        }

        // Parsed on its own, so an error names the line of the operator's file, then laid over.
        var merged = new Glossary();
        foreach (var glossary in new[] { BuiltIn, Parse(File.ReadAllText(operatorFile), operatorFile) })
        {
            foreach (var term in glossary.byAcronym.Values)
            {
                merged.byAcronym.Remove(term.Acronym);
                merged.byAcronym[term.Acronym] = term;
            }
        }

        return merged;
    }

    /// <exception cref="FormatException">A line that is neither a comment nor <c>ACRONYM = long form</c>; names the line.</exception>
    public static Glossary Parse(string text, string source)
    {
        var glossary = new Glossary();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = LinePattern().Match(line);
            var longForms = match.Success ? match.Groups["long"].Value.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];
            if (longForms.Length == 0)
            {
                throw new FormatException($"{source}: line {number}: expected 'ACRONYM = long form [| another]', got '{line}'");
            }

            var acronym = match.Groups["acronym"].Value;
            glossary.byAcronym.Remove(acronym); // a later line wins, and its spelling with it
            glossary.byAcronym[acronym] = new Term(acronym, longForms);
        }

        return glossary;
    }

    public Term? Find(string word)
    {
        if (byAcronym.TryGetValue(word, out var term))
        {
            return term;
        }

        // "LLMs", "GNNs", "llms": a plural of an acronym.
        return word.Length > 2 && word[^1] == 's' && byAcronym.TryGetValue(word[..^1], out term) ? term : null;
    }

    private static string ReadBuiltIn()
    {
        using var stream = typeof(Glossary).Assembly.GetManifestResourceStream("Newsletter.Matching.Glossary.glossary.txt")
            ?? throw new InvalidOperationException("The built-in glossary is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<acronym>[A-Za-z][A-Za-z0-9\-]{0,15})\s*=\s*(?<long>.+)$")]
    private static partial Regex LinePattern();
}

/// <param name="Acronym">As the field writes it ("LoRA", "ViT").</param>
/// <param name="LongForms">The first is the one shown and embedded.</param>
public sealed record Term(string Acronym, IReadOnlyList<string> LongForms);
