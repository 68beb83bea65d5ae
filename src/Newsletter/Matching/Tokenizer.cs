using System.Text;

namespace Newsletter.Matching;

/// <summary>
/// Splits text into lower-case terms for BM25: letters and digits, hyphenated words also split into
/// their parts, English stop words dropped, and a light suffix stemmer so "models", "modeling" and
/// "modelled" meet "model". Deliberately simple; the relevance work replaces it with a real stemmer.
/// </summary>
public static class Tokenizer
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "for", "from", "has", "have",
        "how", "i", "in", "into", "is", "it", "its", "me", "more", "my", "not", "of", "on", "or", "our", "over",
        "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to",
        "under", "up", "us", "using", "via", "was", "we", "were", "what", "when", "which", "while", "who", "why",
        "will", "with", "without", "you", "your", "also", "both", "each", "other", "some", "any", "all", "new",
        "paper", "papers", "propose", "proposed", "show", "shows", "approach", "method", "methods", "work", "study",
    };

    public static List<string> Terms(string text) => Words(text).Select(w => w.Term).ToList();

    /// <summary>Each term with the word it came from, so reasons can show "retrieval", not "retriev".</summary>
    public static List<(string Term, string Word)> Words(string text)
    {
        var words = new List<(string, string)>();
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else
            {
                Flush(word, words);
            }
        }

        Flush(word, words);
        return words;
    }

    private static void Flush(StringBuilder word, List<(string, string)> words)
    {
        if (word.Length == 0)
        {
            return;
        }

        var text = word.ToString();
        word.Clear();
        if (text.Length > 1 && !StopWords.Contains(text))
        {
            words.Add((Stem(text), text));
        }
    }

    /// <summary>Strips the commonest English inflections; keeps short words and acronyms (DPO, KD) whole.</summary>
    internal static string Stem(string term)
    {
        if (term.Length <= 4)
        {
            return term;
        }

        foreach (var (suffix, replacement) in Suffixes)
        {
            if (term.EndsWith(suffix, StringComparison.Ordinal) && term.Length - suffix.Length >= 3)
            {
                return term[..^suffix.Length] + replacement;
            }
        }

        return term;
    }

    private static readonly (string Suffix, string Replacement)[] Suffixes =
    [
        ("ational", "ate"), ("ization", "ize"), ("isation", "ize"), ("ations", "ate"), ("ation", "ate"),
        ("nesses", ""), ("ness", ""), ("ments", ""), ("ment", ""),
        ("ingly", ""), ("edly", ""), ("lling", "l"), ("lled", "l"), ("ling", "l"), ("ing", ""),
        ("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ers", ""), ("er", ""), ("ed", ""), ("ly", ""),
        ("es", ""), ("s", ""),
    ];
}
