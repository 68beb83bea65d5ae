using System.Text;
using System.Text.Json;

namespace Newsletter.Entries;

/// <summary>
/// Reads an entries file whole before anything is stored: <c>.jsonl</c> (one entry a line, blank
/// lines skipped) or <c>.json</c> (an array, such as the Hugging Face daily-papers answer). A line
/// that is not JSON stops the import with its line number, so a broken file imports nothing.
/// </summary>
public sealed class EntryFile : IDisposable
{
    private readonly List<JsonDocument> documents = [];

    private EntryFile()
    {
    }

    /// <summary>The entries with their line number (.jsonl) or array index (.json).</summary>
    public List<(int Position, JsonElement Element)> Entries { get; } = [];

    /// <summary>Reads the file for a verb: null, with the reason on standard error, when it cannot be imported at all.</summary>
    public static async Task<EntryFile?> ReadForVerbAsync(string path)
    {
        try
        {
            return Read(path);
        }
        catch (EntryFileException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return null;
        }
    }

    public static EntryFile Read(string path)
    {
        var file = new EntryFile();
        try
        {
            if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
            {
                file.ReadLines(path);
            }
            else if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                file.ReadArray(path);
            }
            else
            {
                throw new EntryFileException($"{path}: the file must end in .jsonl or .json.");
            }

            return file;
        }
        catch (DecoderFallbackException)
        {
            file.Dispose();
            var at = file.Entries.Count > 0 ? $" after line {file.Entries[^1].Position}" : "";
            throw new EntryFileException($"{path}: not valid UTF-8{at}. Nothing was imported.");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var document in documents)
        {
            document.Dispose();
        }
    }

    private void ReadLines(string path)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path, new UTF8Encoding(false, throwOnInvalidBytes: true)))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var document = Parse(line, $"{path}:{number}");
            documents.Add(document);
            Entries.Add((number, document.RootElement));
        }
    }

    private void ReadArray(string path)
    {
        var document = Parse(File.ReadAllText(path, new UTF8Encoding(false, throwOnInvalidBytes: true)), path);
        documents.Add(document);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new EntryFileException($"{path}: a .json file must hold an array of entries.");
        }

        Entries.AddRange(document.RootElement.EnumerateArray().Select((e, i) => (i, e)));
    }

    private static JsonDocument Parse(string json, string where)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l && !where.Contains(':', StringComparison.Ordinal) ? $":{l + 1}" : "";
            throw new EntryFileException($"{where}{line}: not valid JSON ({e.Message.Split(" LineNumber", 2)[0]}). Nothing was imported.");
        }
    }
}

/// <summary>A file that cannot be imported at all; the message says where it broke.</summary>
public sealed class EntryFileException(string message) : Exception(message);
