using System.Text.Json;

namespace Newsletter.Entries;

/// <summary><c>import FILE</c>: loads entries from a .jsonl or .json file straight into the database; <c>import --sample</c> the sample entries that ship.</summary>
public static class ImportVerb
{
    public const string SampleOption = "--sample";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains(SampleOption))
        {
            return await IngestAsync([.. args.Where(a => a != SampleOption)], Samples.SampleEntries.Load(DateTimeOffset.UtcNow), Samples.SampleEntries.Source);
        }

        // The file is the first argument that is not an option or an option's value.
        var file = args.Where((a, i) => !a.StartsWith('-') && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal))).FirstOrDefault();
        if (file is null)
        {
            await Console.Error.WriteLineAsync("Usage: import FILE.jsonl|FILE.json [configuration options]");
            return 2;
        }

        if (!await Cli.Verbs.FileExistsAsync(file))
        {
            return 2;
        }

        if (await EntryFile.ReadForVerbAsync(file) is not { } entries)
        {
            return 1;
        }

        using (entries)
        {
            return await IngestAsync([.. args.Where(a => a != file)], entries.Entries, $"file:{Path.GetFileName(file)}");
        }
    }

    private static async Task<int> IngestAsync(string[] configuration, List<(int Position, JsonElement Element)> entries, string source)
    {
        // Standard output carries the result (JSON); the service's informational logs would only clutter it.
        string[] quiet = ["--Logging:LogLevel:Default", "Warning"];
        await using var app = await Program.BuildAppAsync([.. configuration, .. quiet]);
        var result = await app.Services.GetRequiredService<EntryIngestion>().IngestAsync(entries, source, CancellationToken.None);
        // Inline, so `match`, the preview and the next digest see the vectors at once.
        var embeddings = app.Services.GetRequiredService<Matching.Embeddings.EntryEmbeddings>();
        var embedded = await embeddings.EmbedPendingAsync(CancellationToken.None, new Progress<int>(n => Console.Error.Write($"\rembedded {n} entries")));
        if (embedded > 0)
        {
            await Console.Error.WriteLineAsync();
        }

        Console.WriteLine(JsonSerializer.Serialize(result, JsonSerializerOptions.Web));
        return 0;
    }
}
