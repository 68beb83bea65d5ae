using Newsletter.Entries;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Entries;

/// <summary>The verb builds the service itself (as `dotnet run -- import` does), so no TestApp runs beside it.</summary>
[Collection(AppCollection.Name)]
public sealed class ImportVerbTests : IAsyncLifetime
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));
    private readonly string files = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));

    private TestDatabase database = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(files);
        database = await TestDatabase.CreateAsync(dataDirectory);
    }

    [Fact]
    public async Task Import_LoadsAJsonlFile_ThenAHuggingFaceJsonFile_Deduplicating()
    {
        var jsonl = Path.Combine(files, "entries.jsonl");
        await File.WriteAllTextAsync(jsonl, """
            {"id": "2402.00001v1", "title": "One", "abstract": "a"}

            {"id": "2402.00002", "title": "Two", "summary": "b", "upvotes": 4}
            {"id": "2402.00003", "title": ""}
            """);
        var hf = Path.Combine(files, "daily.json");
        await File.WriteAllTextAsync(hf, """
            [{"paper": {"id": "2402.00002", "title": "Two", "summary": "b", "authors": [{"name": "N"}], "upvotes": 9}, "publishedAt": "2026-11-29T00:00:00Z"},
             {"paper": {"id": "2402.00004", "title": "Four", "summary": "d", "authors": []}, "publishedAt": "2026-11-29T00:00:00Z"}]
            """);

        var (code, output, _) = await RunAsync(jsonl);
        Assert.Equal(0, code);
        Assert.Contains("\"created\":2", output, StringComparison.Ordinal);
        Assert.Contains("\"index\":4", output, StringComparison.Ordinal);   // the line of the entry without a title

        (code, output, _) = await RunAsync(hf);
        Assert.Equal(0, code);
        Assert.Contains("\"created\":1,\"updated\":0,\"duplicates\":1", output, StringComparison.Ordinal);
        Assert.Equal(3, database.CountRows("entries"));
        Assert.Equal(1, database.CountRows("entries WHERE source_key = 'arxiv:2402.00002' AND upvotes = 9"));
    }

    [Fact]
    public async Task Import_MalformedFile_ImportsNothing_AndSaysWhichLine()
    {
        var file = Path.Combine(files, "broken.jsonl");
        await File.WriteAllTextAsync(file, "{\"id\": \"a\", \"title\": \"fine\"}\n{\"id\": \"b\", \"title\": \"fine too\"}\n{\"id\": \"c\", \"title\": \n");

        var (code, _, error) = await RunAsync(file);

        Assert.Equal(1, code);
        Assert.Contains("broken.jsonl:3", error, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported", error, StringComparison.Ordinal);
        // The verb stops before it opens the database: no schema, let alone entries.
        Assert.False(database.TableExists("entries"));
    }

    [Fact]
    public async Task Import_JsonFileThatIsNotAnArray_ImportsNothing()
    {
        var file = Path.Combine(files, "object.json");
        await File.WriteAllTextAsync(file, "{\"id\": \"a\", \"title\": \"fine\"}");

        var (code, _, error) = await RunAsync(file);

        Assert.Equal(1, code);
        Assert.Contains("must hold an array", error, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(string file)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (originalOut, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = await ImportVerb.RunAsync([file, "--Newsletter:DataDirectory", dataDirectory, "--Admin:ApiKey", TestApp.AdminKey, .. database.Arguments]);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        foreach (var folder in new[] { dataDirectory, files })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
