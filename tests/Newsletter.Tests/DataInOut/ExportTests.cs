using System.Net;
using System.Text;
using Newsletter.Subscriptions.Import;
using Newsletter.Tests.Infrastructure;
using static Newsletter.Tests.DataInOut.ImportClient;

namespace Newsletter.Tests.DataInOut;

[Collection(AppCollection.Name)]
public sealed class ExportTests
{
    [Fact]
    public async Task Export_StreamsEverySubscriber_GuardsCellsAgainstFormulas_AndImportsBackUnchanged()
    {
        var rows = Enumerable.Range(0, 2100).Select(i => $"reader{i:0000}@example.org,code-models,topic {i},weekly,2025-02-03T04:05:06Z,form at the meetup").ToList();
        rows.Add("-dash@example.org,long-context|code-models,\"=HYPERLINK(\"\"http://evil.example\"\")|@sum\",daily,2025-02-03T04:05:06Z,+ form");
        rows.Add("waiting@example.org,,,daily,,");
        string first;
        await using (var app = await TestApp.StartAsync())
        {
            var progress = await ImportAsync(app, Header + "\n" + string.Join("\n", rows) + "\n", 180);
            Assert.Equal(2101, ImportClient.Count(progress, "importedActive"));
            await app.SubscribeAndConfirmAsync("confirmed@example.org", ["long-context"]);
            first = await ExportAsync(app, expectedRows: 2103);
        }

        var records = await ParseAsync(first);
        Assert.Equal("email,topics,interests,frequency,consented_at,consent_source,status,created_at,confirmed_at".Split(','), records[0]);
        var dash = records.Single(r => r[0] == "'-dash@example.org");
        Assert.Equal("'=HYPERLINK(\"http://evil.example\")|@sum", dash[2]);
        Assert.Equal("'+ form", dash[5]);
        Assert.Equal("code-models|long-context", dash[1]); // in the order of the form
        var reader = records.Single(r => r[0] == "reader0042@example.org");
        Assert.Equal(["code-models", "topic 42", "weekly", "2025-02-03T04:05:06Z", "form at the meetup", "active"], reader[1..7]);
        var confirmed = records.Single(r => r[0] == "confirmed@example.org");
        Assert.Equal("active", confirmed[6]);
        Assert.Equal("double opt-in (api)", confirmed[5]);
        Assert.Equal(confirmed[8], confirmed[4]);
        Assert.Equal("pending", records.Single(r => r[0] == "waiting@example.org")[6]);

        await using (var fresh = await TestApp.StartAsync())
        {
            var progress = await ImportAsync(fresh, first, 180);
            Assert.Equal(0, ImportClient.Count(progress, "badRowCount"));
            Assert.Equal(2102, ImportClient.Count(progress, "importedActive"));
            Assert.Equal(1, ImportClient.Count(progress, "pendingConfirmation"));
            var second = await ParseAsync(await ExportAsync(fresh, expectedRows: 2103));

            // Everything but created_at (the new instance's own) comes back as it was.
            static string Key(string[] r) => string.Join(',', r.Take(7).Append(r[8]));
            Assert.Equal(records.Skip(1).Select(Key).Order(), second.Skip(1).Select(Key).Order());
        }
    }

    [Fact]
    public async Task Export_WithoutTheKey_Answers401()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.GetAsync("/api/subscribers/export.csv")).StatusCode);
    }

    private static async Task<string> ExportAsync(TestApp app, int expectedRows)
    {
        using var response = await app.AdminClient().GetAsync("/api/subscribers/export.csv", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        // Written as it is read, page by page: no length is known up front.
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.TransferEncodingChunked);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(expectedRows + 1, (await ParseAsync(text)).Count);
        return text;
    }

    private static async Task<List<string[]>> ParseAsync(string csv)
    {
        var reader = new CsvRecordReader(new StringReader(csv));
        var records = new List<string[]>();
        while (await reader.ReadAsync() is { } record)
        {
            Assert.Null(record.Error);
            records.Add([.. record.Fields]);
        }

        return records;
    }
}
