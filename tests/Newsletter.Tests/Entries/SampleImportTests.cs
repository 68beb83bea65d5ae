using System.Text.Json;
using Newsletter.Entries;
using Newsletter.Entries.Samples;
using Newsletter.Subscriptions.Topics;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Entries;

/// <summary><c>import --sample</c>: the invented papers that ship, over every default topic, dated relative to now.</summary>
[Collection(AppCollection.Name)]
public sealed class SampleImportTests : IAsyncLifetime
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));
    private TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync(dataDirectory);

    [Fact]
    public async Task ImportSample_LoadsOverAHundredEntriesAcrossEveryDefaultTopic_AndASecondImportAddsNothing()
    {
        var (code, output) = await RunAsync();

        Assert.Equal(0, code);
        var first = JsonDocument.Parse(output).RootElement;
        Assert.True(first.GetProperty("created").GetInt32() >= 100, output);
        Assert.Empty(first.GetProperty("rejected").EnumerateArray());
        Assert.Equal(first.GetProperty("created").GetInt32(), database.CountRows("entries WHERE source = 'sample'"));
        Assert.Equal(DefaultTopics.Load().Count, database.CountRows("topics t WHERE EXISTS (SELECT 1 FROM entry_topics et WHERE et.topic_id = t.id)"));
        Assert.Equal(0, database.CountRows("entries WHERE url NOT LIKE 'https://papers.example.org/samples/%'"));

        (code, output) = await RunAsync();

        Assert.Equal(0, code);
        var second = JsonDocument.Parse(output).RootElement;
        Assert.Equal((0, 0), (second.GetProperty("created").GetInt32(), second.GetProperty("updated").GetInt32()));
        Assert.Equal(first.GetProperty("created").GetInt32(), second.GetProperty("duplicates").GetInt32());
        Assert.Equal(first.GetProperty("created").GetInt32(), database.CountRows("entries"));
    }

    [Fact]
    public void SampleEntries_AreDatedOverTheLastTenDays_NoneInTheFuture_AndMarkedAsSamples()
    {
        var now = DateTimeOffset.UtcNow;

        var entries = SampleEntries.Load(now);

        var dates = entries.Select(e => e.Element.GetProperty("publishedAt").GetDateTimeOffset()).ToList();
        Assert.All(dates, d => Assert.InRange(d, now.AddDays(-11), now));
        Assert.True(dates.Max() > now.AddHours(-1));
        Assert.True(dates.Select(d => d.UtcDateTime.Date).Distinct().Count() >= 9);
        Assert.All(entries, e =>
        {
            Assert.True(e.Element.GetProperty("sample").GetBoolean());
            Assert.StartsWith("sample-", e.Element.GetProperty("id").GetString(), StringComparison.Ordinal);
            var parsed = EntryParser.Parse(e.Element, out var reason);
            Assert.True(parsed is not null, reason);
            Assert.NotEmpty(parsed.Authors);
            Assert.NotEmpty(parsed.Topics!);
            Assert.InRange(parsed.Abstract.Count(c => c == '.'), 2, 6);
        });
    }

    private async Task<(int Code, string Output)> RunAsync()
    {
        var output = new StringWriter();
        var (originalOut, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(new StringWriter());
        try
        {
            // Lexical: the embeddings are not what this test is about, and they take a while.
            var code = await ImportVerb.RunAsync(["--sample", "--Newsletter:DataDirectory", dataDirectory, "--Admin:ApiKey", TestApp.AdminKey, "--Matching:Mode", "Lexical", .. database.Arguments]);
            return (code, output.ToString());
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
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
