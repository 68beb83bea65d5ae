using System.Globalization;
using System.Text.Json;

namespace Newsletter.Entries;

/// <summary>
/// Reads one entry from JSON, in our own shape (CONTRACT.md: id, title, abstract or summary, url,
/// authors, publishedAt, upvotes, and our optional topics) or in the Hugging Face daily-papers shape (the same inside a
/// "paper" object, authors as {"name"}). Unknown fields are ignored: feeds carry more than we use.
/// </summary>
public static class EntryParser
{
    public const int MaxTitle = 1_000;
    public const int MaxAbstract = 20_000;
    public const int MaxId = 200;
    public const int MaxUrl = 2_048;
    public const int MaxAuthors = 500;
    public const int MaxAuthorName = 300;
    public const int MaxTopics = 20;
    public const int MaxTopicSlug = 100;

    /// <returns>The entry, or null with <paramref name="reason"/> saying what is wrong.</returns>
    public static EntryInput? Parse(JsonElement element, out string? reason)
    {
        reason = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            reason = "An entry must be a JSON object.";
            return null;
        }

        // Hugging Face daily papers: {"paper": {...}, "publishedAt": ...}
        var paper = element.TryGetProperty("paper", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : element;
        var fields = new Reader(paper, element);

        var id = fields.Text("id", MaxId);
        var title = Collapse(fields.Text("title", MaxTitle));
        var abstractText = Collapse(fields.Text("abstract", MaxAbstract) ?? fields.Text("summary", MaxAbstract)) ?? "";
        var url = fields.Text("url", MaxUrl);
        var authors = fields.Authors();
        var published = fields.Date("publishedAt");
        var upvotes = fields.Count("upvotes");
        var topics = fields.Topics();
        if (fields.Error is not null)
        {
            reason = fields.Error;
            return null;
        }

        if (string.IsNullOrWhiteSpace(title))
        {
            reason = "title is required.";
            return null;
        }

        string? canonical = null;
        if (url is not null && (canonical = SourceKeys.CanonicalUrl(url)) is null)
        {
            reason = "url must be an absolute http(s) URL.";
            return null;
        }

        var (key, version) = id is not null ? SourceKeys.ForId(id)
            : canonical is not null ? SourceKeys.ForUrl(canonical)
            : (SourceKeys.ForTitle(title), 0);
        if (url is null && key.StartsWith("arxiv:", StringComparison.Ordinal))
        {
            url = $"https://arxiv.org/abs/{key["arxiv:".Length..]}";
            canonical = SourceKeys.CanonicalUrl(url);
        }

        return new EntryInput(key, canonical, id?.Trim(), version, title, abstractText, url?.Trim(), authors, published, upvotes, topics);
    }

    private static string? Collapse(string? text) =>
        text is null ? null : string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Reads typed fields, remembering the first error so the caller reports one clear reason.</summary>
    private sealed class Reader(JsonElement primary, JsonElement outer)
    {
        public string? Error { get; private set; }

        public string? Text(string name, int max)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Fail($"{name} must be a string.");
                return null;
            }

            var text = value.GetString()!;
            if (text.Length > max)
            {
                Fail($"{name} is longer than {max:N0} characters.");
                return null;
            }

            if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            {
                Fail($"{name} contains control characters.");
                return null;
            }

            return text;
        }

        public List<string> Authors()
        {
            if (!TryGet("authors", out var value))
            {
                return [];
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                Fail("authors must be an array of names.");
                return [];
            }

            var names = new List<string>();
            foreach (var author in value.EnumerateArray())
            {
                var name = author.ValueKind switch
                {
                    JsonValueKind.String => author.GetString(),
                    JsonValueKind.Object when author.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
                    _ => null,
                };
                if (name is null || name.Length > MaxAuthorName || name.Any(char.IsControl))
                {
                    Fail($"authors must hold names (strings of at most {MaxAuthorName} characters, or {{\"name\": ...}} objects).");
                    return [];
                }

                if (!string.IsNullOrWhiteSpace(name))
                {
                    names.Add(name.Trim());
                }
            }

            if (names.Count > MaxAuthors)
            {
                Fail($"authors holds more than {MaxAuthors} names.");
                return [];
            }

            return names;
        }

        /// <summary>Optional <c>topics</c>: slugs of our topics (an addition to the entry format; the sample entries carry it).</summary>
        public List<string> Topics()
        {
            if (!TryGet("topics", out var value))
            {
                return [];
            }

            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxTopics
                || value.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String || t.GetString()!.Length is 0 or > MaxTopicSlug))
            {
                Fail($"topics must be an array of at most {MaxTopics} topic slugs.");
                return [];
            }

            return value.EnumerateArray().Select(t => t.GetString()!.Trim()).Distinct(StringComparer.Ordinal).ToList();
        }

        public DateTimeOffset? Date(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                Fail($"{name} must be an ISO 8601 date such as 2026-11-29T08:00:00Z.");
                return null;
            }

            return date.ToUniversalTime();
        }

        public long Count(string name)
        {
            if (!TryGet(name, out var value))
            {
                return 0;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var count) || count is < 0 or > 1_000_000_000)
            {
                Fail($"{name} must be a whole number from 0.");
                return 0;
            }

            return count;
        }

        // A field of the paper object, else of the outer object (HF puts publishedAt outside "paper").
        private bool TryGet(string name, out JsonElement value) =>
            (primary.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
            || (outer.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null);

        private void Fail(string message) => Error ??= message;
    }
}
