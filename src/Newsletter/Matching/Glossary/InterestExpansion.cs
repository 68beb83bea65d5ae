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
            wordings.AddRange(term.LongForms.Select(longForm => Replace(query, word, longForm)));
            embedding = Regex.Replace(embedding, $@"(?<![\w(]){Regex.Escape(word.Value)}(?![\w)])", $"{term.LongForms[0]} ({term.Acronym})");
        }

        foreach (var term in glossary.Terms)
        {
            foreach (var longForm in term.LongForms)
            {
                var at = IndexOfPhrase(query, longForm);
                if (at >= 0)
                {
                    terms.Add(term);
                    wordings.Add(string.Concat(query.AsSpan(0, at), term.Acronym, query.AsSpan(at + longForm.Length)));
                    embedding = $"{embedding} ({term.Acronym})";
                }
            }
        }

        return new ExpandedInterest(wordings.Distinct(StringComparer.Ordinal).ToList(), embedding, terms.Distinct().ToList());
    }

    private static bool LooksLikeAcronym(string word, Term term) =>
        word.All(c => !char.IsLetter(c) || char.IsLower(c))
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

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9\-]*")]
    private static partial Regex WordPattern();
}
