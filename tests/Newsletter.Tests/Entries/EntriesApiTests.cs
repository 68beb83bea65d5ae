using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Newsletter.Entries;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Entries;

[Collection(AppCollection.Name)]
public sealed class EntriesApiTests
{
    [Fact]
    public async Task PostEntries_CreatesNewOnes_CountsDuplicates_AndRejectsBadOnesOneByOne()
    {
        await using var app = await TestApp.StartAsync();
        var admin = app.AdminClient();

        var first = await admin.PostAsJsonAsync("/api/entries", new object[]
        {
            new { id = "2401.00001v1", title = "Entry one", @abstract = "About retrieval.", authors = new[] { "A. Author" }, upvotes = 3 },
            new { id = "seed-x", title = "Entry two", summary = "Summary as abstract." },
            new { id = "bad", title = "" },
            new { url = "https://blog.example.org/post?utm_source=feed", title = "A post" },
        });
        var result = await first.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(3, result.GetProperty("created").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(2, rejected.GetProperty("index").GetInt32());
        Assert.Equal("bad", rejected.GetProperty("id").GetString());
        Assert.Contains("title", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);

        var again = await (await admin.PostAsJsonAsync("/api/entries", new object[]
        {
            new { id = "2401.00001", title = "Entry one, no version" },
            new { url = "http://blog.example.org/post/", title = "The same post, other URL spelling" },
            new { id = "seed-x", title = "Entry two again" },
        })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(0, again.GetProperty("created").GetInt32());
        Assert.Equal(3, again.GetProperty("duplicates").GetInt32());
        Assert.Equal(3, app.CountRows("entries"));
    }

    [Fact]
    public async Task NewerArxivVersion_UpdatesTheEntry_KeepsItsArrivalTime_AndDoesNotDuplicate()
    {
        await using var app = await TestApp.StartAsync();
        var admin = app.AdminClient();
        await admin.PostAsJsonAsync("/api/entries", new object[] { new { id = "2401.00002v1", title = "Old title", @abstract = "Old.", authors = new[] { "A" } } });
        app.Execute("UPDATE entries SET arrived_at = '2026-01-01 00:00:00'");

        var result = await (await admin.PostAsJsonAsync("/api/entries", new object[]
        {
            new { id = "arXiv:2401.00002v2", title = "New title", @abstract = "New." },
        })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(1, result.GetProperty("updated").GetInt32());
        Assert.Equal(1, app.CountRows("entries"));
        Assert.Equal(1, app.CountRows("entries WHERE title = 'New title' AND version = 2 AND arrived_at = '2026-01-01 00:00:00' AND authors = '[\"A\"]'"));

        // An older version arriving late changes nothing.
        var late = await (await admin.PostAsJsonAsync("/api/entries", new object[] { new { id = "2401.00002v1", title = "Old title" } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, late.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, app.CountRows("entries WHERE title = 'New title'"));
    }

    [Fact]
    public async Task EntryTitlesWithMarkup_AreStoredAsGiven_ForTheTemplatesToEscape()
    {
        await using var app = await TestApp.StartAsync();
        await app.AdminClient().PostAsJsonAsync("/api/entries", new object[] { new { id = "x1", title = "<script>alert(1)</script> & more" } });
        Assert.Equal(1, app.CountRows("entries WHERE title = '<script>alert(1)</script> & more'"));
    }

    [Theory]
    [InlineData("{\"id\": \"x\", \"title\": \"t\"}", "body")]
    [InlineData("[{\"title\": \"t\"}", "body")]
    [InlineData("", "body")]
    public async Task PostEntries_WithABodyThatIsNotAnArray_Is400_AndStoresNothing(string body, string field)
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.AdminClient().PostAsync("/api/entries", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(0, app.CountRows("entries"));
    }

    [Fact]
    public async Task PostEntries_WithoutTheAdminKey_Is401()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Client.PostAsJsonAsync("/api/entries", new object[] { new { title = "t" } });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, app.CountRows("entries"));
    }
}
