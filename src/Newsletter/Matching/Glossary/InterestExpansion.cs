using System.Text.RegularExpressions;

namespace Newsletter.Matching.Glossary;

/// <summary>
/// An interest as matching sees it: the wordings keyword matching tries (the interest itself, and
/// the interest with each acronym spelled out or each long form abbreviated) and the one text the
/// embedding model reads (acronyms spelled out, the acronym kept in brackets).
/// </summary>
public sealed record ExpandedInterest(IReadOnlyList<string> Wordings, string EmbeddingText, IReadOnlyList<Term> Terms);

public static partial class InterestExpansion
{
    public static ExpandedInterest Expand(string query, Glossary glossary)
    {
        var wordings = new List<string> { query };
        var embedding = query;
        var terms = new List<Term>();

        foreach (Match word in WordPattern().Matches(query))
        {
            // "kd" or "KD" is the acronym; "Rag" in a sentence is a word. Mixed case counts only as the
            // glossary writes it ("LoRA"), so ordinary capitalised words are left alone.
            if (glossary.Find(word.Value) is not { } term || !LooksLikeAcronym(word.Value, term))
            {
                continue;
            }

            terms.Add(term);
            if (term.LongForms.Any(longForm => IndexOfPhrase(query, longForm) >= 0))
            {
                continue; // "DPO (direct preference optimization)": both are there already
            }

            wordings.AddRange(term.LongForms.Select(longForm => Replace(query, word, longForm)));
            embedding = Regex.Replace(embedding, $@"(?<![\w(]){Regex.Escape(word.Value)}(?![\w)])", $"{term.LongForms[0]} ({term.Acronym})");
        }

        // Long forms written out: the longest first, and none inside one already taken, so "large
        // language model" adds "LLM" and not also "large LM"; none for a term the acronym already brought.
        var found = glossary.Terms
            .SelectMany(term => term.LongForms.Select(longForm => (Term: term, LongForm: longForm, At: IndexOfPhrase(query, longForm))))
            .Where(f => f.At >= 0 && !terms.Contains(f.Term))
            .OrderByDescending(f => f.LongForm.Length)
            .ToList();
        var taken = new List<(int Start, int End)>();
        foreach (var (term, longForm, at) in found)
        {
            if (taken.Any(t => at < t.End && at + longForm.Length > t.Start) || terms.Contains(term))
            {
                continue;
            }

            taken.Add((at, at + longForm.Length));
            terms.Add(term);
            wordings.Add(string.Concat(query.AsSpan(0, at), term.Acronym, query.AsSpan(at + longForm.Length)));
            embedding = $"{embedding} ({term.Acronym})";
        }

        return new ExpandedInterest(wordings.Distinct(StringComparer.Ordinal).ToList(), embedding, terms.Distinct().ToList());
    }

    /// <summary>Acronyms that are also English words: in lower case they are the word ("video clip retrieval").</summary>
    private static readonly HashSet<string> EnglishWords = new(StringComparer.Ordinal) { "clip", "rag", "slam", "cot", "nerf", "sam", "nas", "ir", "cv", "mt", "lm" };

    private static bool LooksLikeAcronym(string word, Term term) =>
        (word.All(c => !char.IsLetter(c) || char.IsLower(c)) && !EnglishWords.Contains(word) && !EnglishWords.Contains(word.TrimEnd('s')))
        || word.All(c => !char.IsLetter(c) || char.IsUpper(c) || c == 's')
        || word.StartsWith(term.Acronym, StringComparison.Ordinal);

    private static string Replace(string query, Match word, string with) =>
        string.Concat(query.AsSpan(0, word.Index), with, query.AsSpan(word.Index + word.Length));

    private static int IndexOfPhrase(string text, string phrase)
    {
        var at = text.IndexOf(phrase, StringComparison.OrdinalIgnoreCase);
        while (at >= 0)
        {
            var startsWord = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
            var end = at + phrase.Length;
            var endsWord = end == text.Length || !char.IsLetterOrDigit(text[end]);
            if (startsWord && endsWord)
            {
                return at;
            }

            at = text.IndexOf(phrase, at + 1, StringComparison.OrdinalIgnoreCase);
        }

        return -1;
    }

    // Hyphens split words, so "KD-based" holds the acronym "KD".
    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9]*")]
    private static partial Regex WordPattern();
}
