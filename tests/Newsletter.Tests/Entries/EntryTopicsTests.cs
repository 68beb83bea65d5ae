using System.Net.Http.Json;
using System.Text.Json;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Entries;

/// <summary>The optional <c>topics</c> of an entry: known slugs tag it, unknown ones are ignored, a malformed list rejects it.</summary>
[Collection(AppCollection.Name)]
public sealed class EntryTopicsTests
{
    [Fact]
    public async Task Entries_WithTopics_AreTaggedWithTheKnownOnes_ADuplicateAddsItsTopics_AndABadListIsRejected()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.AdminClient().PostAsJsonAsync("/api/entries", new object[]
        {
            new { id = "a", title = "Tagged", topics = new[] { "code-models", "not-a-topic" } },
            new { id = "b", title = "Bad list", topics = "code-models" },
            new { id = "c", title = "Too many", topics = Enumerable.Range(0, 21).Select(i => $"t{i}").ToArray() },
        });

        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, result.GetProperty("created").GetInt32());
        Assert.Equal([1, 2], result.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(result.GetProperty("rejected").EnumerateArray(), r => Assert.StartsWith("topics must be an array", r.GetProperty("reason").GetString(), StringComparison.Ordinal));
        Assert.Equal(1, app.CountRows("entry_topics"));

        (await app.AdminClient().PostAsJsonAsync("/api/entries", new object[] { new { id = "a", title = "Tagged", topics = new[] { "long-context", "code-models" } } })).EnsureSuccessStatusCode();

        Assert.Equal(2, app.CountRows("entry_topics"));
        Assert.Equal(1, app.CountRows("entries"));
    }
}
