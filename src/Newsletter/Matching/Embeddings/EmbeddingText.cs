namespace Newsletter.Matching.Embeddings;

/// <summary>What of an entry the model reads.</summary>
public static class EmbeddingText
{
    /// <summary>
    /// all-MiniLM-L6-v2 was trained on 128 word pieces and sentence-transformers cuts its input at 256;
    /// the package's tokenizer does not cut at all, so a long abstract would cost quadratic attention
    /// time for text the reference model never sees. 180 words stay under 256 word pieces for English
    /// prose, and the title and opening sentences carry what a paper is about.
    /// </summary>
    public const int MaxWords = 180;

    public static string ForEntry(string title, string @abstract) => Truncate($"{title.Trim()}. {@abstract.Trim()}");

    public static string Truncate(string text)
    {
        var words = text.Split((char[]?)null, MaxWords + 1, StringSplitOptions.RemoveEmptyEntries);
        return words.Length <= MaxWords ? string.Join(' ', words) : string.Join(' ', words.Take(MaxWords));
    }
}
