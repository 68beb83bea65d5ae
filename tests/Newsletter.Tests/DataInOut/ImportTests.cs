using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Newsletter.Tests.Infrastructure;
using static Newsletter.Tests.DataInOut.ImportClient;

namespace Newsletter.Tests.DataInOut;

[Collection(AppCollection.Name)]
public sealed class ImportTests
{
    [Fact]
    public async Task Import_RowsWithConsentEvidence_BecomeActive_WithTheEvidenceInTheirTrail_AndGetNoEmail()
    {
        await using var app = await TestApp.StartAsync();
        var progress = await ImportAsync(app, $"""
            {Header}
            ada@example.org,code-models|long-context,making inference cheaper|DPO,weekly,2025-03-01T09:30:00Z,signup form at PyCon 2025
            bo@example.org,,,,2025-04-02,old newsletter tool (export of 2025-04)
            """);

        Assert.Equal("completed", progress.GetProperty("status").GetString());
        Assert.Equal(2, Count(progress, "rowsRead"));
        Assert.Equal(2, Count(progress, "importedActive"));
        Assert.Equal(0, Count(progress, "pendingConfirmation"));

        var ada = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=ada@example.org");
        Assert.Equal("active", ada.GetProperty("status").GetString());
        Assert.Equal(["code-models", "long-context"], ada.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("making inference cheaper\nDPO", ada.GetProperty("interests").GetString());
        Assert.Equal("weekly", ada.GetProperty("frequency").GetString());
        var evidence = ada.GetProperty("consent").EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "consent-imported");
        Assert.Equal("signup form at PyCon 2025", evidence.GetProperty("detail").GetProperty("consentSource").GetString());
        Assert.Equal(new DateTime(2025, 3, 1, 9, 30, 0, DateTimeKind.Utc), evidence.GetProperty("detail").GetProperty("consentedAt").GetDateTime().ToUniversalTime());
        Assert.Equal(new DateTime(2025, 3, 1, 9, 30, 0, DateTimeKind.Utc), ada.GetProperty("confirmedAt").GetDateTime().ToUniversalTime());
        Assert.Equal("active", await app.StatusOfAsync("bo@example.org"));

        await Task.Delay(1000);
        Assert.Empty(app.Smtp!.Messages);
        Assert.False(Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "imports")).Any(), "The upload is deleted once imported.");
    }

    [Fact]
    public async Task Import_RowsWithoutConsent_GetARateLimitedConfirmationEmail_AndBecomeActiveOnlyWhenConfirmed()
    {
        await using var app = await TestApp.StartAsync(new() { ["Import:ConfirmationsPerSecond"] = "4" });
        var rows = Enumerable.Range(1, 6).Select(i => $"reader{i}@example.org,code-models,,daily,,");
        var progress = await ImportAsync(app, Header + "\n" + string.Join("\n", rows) + "\n");

        Assert.Equal(6, Count(progress, "pendingConfirmation"));
        Assert.Equal(6, Count(progress, "confirmationsSent"));
        Assert.Equal(0, Count(progress, "importedActive"));
        Assert.Equal("pending", await app.StatusOfAsync("reader1@example.org"));

        var confirmation = await app.Smtp!.WaitForAsync("reader1@example.org", "Confirm");
        var sends = app.Smtp.RecipientLog.Where(r => r.Address.StartsWith("reader", StringComparison.Ordinal)).Select(r => r.At).Order().ToList();
        Assert.Equal(6, sends.Count);
        // Four a second: six sends span five intervals of a quarter second.
        Assert.True(sends[^1] - sends[0] >= TimeSpan.FromSeconds(1.1), $"Sends were not paced: {sends[^1] - sends[0]}");

        var path = new Uri(TestApp.LinkIn(confirmation, "/confirm/")).AbsolutePath;
        (await app.Client.PostAsync(path, null)).EnsureSuccessStatusCode();
        var reader = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=reader1@example.org");
        Assert.Equal("active", reader.GetProperty("status").GetString());
        Assert.Equal(["code-models"], reader.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Import_BadRows_AreReportedByLineAndReason_AndTheOtherRowsAreImported()
    {
        await using var app = await TestApp.StartAsync();
        var future = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var progress = await ImportAsync(app, $"""
            {Header}
            good1@example.org,,,,2025-01-01T00:00:00Z,form
            not-an-address,,,,2025-01-01T00:00:00Z,form
            "good2@example.org",code-models,"a line, with a comma
            and a second line",daily,2025-01-01T00:00:00Z,form
            unknown-topic@example.org,no-such-topic,,,2025-01-01T00:00:00Z,form
            future@example.org,,,,{future},form
            half@example.org,,,,2025-01-01T00:00:00Z,
            short@example.org,,
            badfreq@example.org,,,hourly,2025-01-01T00:00:00Z,form
            good3@example.org,,,,2025-01-01T00:00:00Z,form
            """);

        Assert.Equal("completed", progress.GetProperty("status").GetString());
        Assert.Equal(9, Count(progress, "rowsRead"));
        Assert.Equal(3, Count(progress, "importedActive"));
        Assert.Equal(6, Count(progress, "badRowCount"));
        var bad = progress.GetProperty("badRows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("line").GetInt64(), r => r.GetProperty("reason").GetString()!);
        Assert.Equal([3L, 6, 7, 8, 9, 10], bad.Keys.Order());
        Assert.StartsWith("email:", bad[3], StringComparison.Ordinal);
        Assert.Contains("no-such-topic", bad[6], StringComparison.Ordinal);
        Assert.Contains("in the future", bad[7], StringComparison.Ordinal);
        Assert.Contains("consent_source", bad[8], StringComparison.Ordinal);
        Assert.Contains("3 fields", bad[9], StringComparison.Ordinal);
        Assert.StartsWith("frequency:", bad[10], StringComparison.Ordinal);
        Assert.False(progress.GetProperty("badRowsTruncated").GetBoolean());

        foreach (var good in new[] { "good1@example.org", "good2@example.org", "good3@example.org" })
        {
            Assert.Equal("active", await app.StatusOfAsync(good));
        }

        Assert.Equal(3, app.CountRows("subscribers"));
        var good2 = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=good2@example.org");
        // A line break inside a quoted field separates interests too, like the bar.
        Assert.Equal("a line, with a comma\nand a second line", good2.GetProperty("interests").GetString());
    }

    [Theory]
    [InlineData("email,topics,colour\nx@example.org,,blue\n", "colour")]
    [InlineData("address,topics\nx@example.org,\n", "address")]
    [InlineData("topics,frequency\ncode-models,daily\n", "email")]
    [InlineData("email,consented_at\nx@example.org,2025-01-01\n", "consent_source")]
    [InlineData("", "empty")]
    public async Task Import_WrongHeader_Answers400NamingTheColumn_AndImportsNothing(string csv, string named)
    {
        await using var app = await TestApp.StartAsync();
        var response = await PostAsync(app, Csv(csv));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await ProblemAsync(response);
        Assert.Contains(named, problem.GetProperty("errors").GetProperty("header")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, app.CountRows("subscriber_imports"));
        Assert.Equal(0, app.CountRows("subscribers"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "imports")));
    }

    [Fact]
    public async Task Import_NonUtf8File_Answers400NamingTheLineAndByte_AndImportsNothing()
    {
        await using var app = await TestApp.StartAsync();
        var text = $"{Header}\nfirst@example.org,,,,2025-01-01,form\nrené@example.org,,,,2025-01-01,form\n";
        var latin1 = Encoding.Latin1.GetBytes(text);
        var badOffset = Array.IndexOf(latin1, (byte)0xE9);

        var response = await PostAsync(app, Csv(latin1));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await ProblemAsync(response)).GetProperty("errors").GetProperty("body")[0].GetString()!;
        Assert.Contains("not UTF-8", message, StringComparison.Ordinal);
        Assert.Contains("line 3", message, StringComparison.Ordinal);
        Assert.Contains($"byte {badOffset}", message, StringComparison.Ordinal);
        Assert.Equal(0, app.CountRows("subscriber_imports"));
        Assert.Equal(0, app.CountRows("subscribers"));
    }

    [Fact]
    public async Task Import_LargerThanTheLimit_Answers413NamingTheLimit_WithOrWithoutContentLength_AndImportsNothing()
    {
        await using var app = await TestApp.StartAsync(new() { ["Import:MaxBytes"] = "4096" });
        var rows = string.Concat(Enumerable.Range(0, 400).Select(i => $"big{i}@example.org,,,,2025-01-01,form\n"));
        var bytes = Encoding.UTF8.GetBytes(Header + "\n" + rows);
        Assert.True(bytes.Length > 4096);

        var declared = await PostAsync(app, Csv(bytes));
        var streamed = await PostAsync(app, new GatedCsvContent(bytes[..3000], bytes[3000..], () => Task.CompletedTask));

        foreach (var response in new[] { declared, streamed })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var problem = await ProblemAsync(response);
            Assert.Contains("Import:MaxBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("4,096", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, app.CountRows("subscriber_imports"));
        Assert.Equal(0, app.CountRows("subscribers"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "imports")));
    }

    [Fact]
    public async Task Import_Body_IsWrittenToDiskAsItArrives_NotBufferedInMemoryFirst()
    {
        await using var app = await TestApp.StartAsync();
        var first = Encoding.UTF8.GetBytes(Header + "\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"early{i}@example.org,,,,2025-01-01,form\n")));
        var rest = Encoding.UTF8.GetBytes("late@example.org,,,,2025-01-01,form\n");
        var folder = Path.Combine(app.DataDirectory, "imports");
        long seenWhileUploading = 0;

        // The rest of the body is held back until the server has written the first part to disk.
        var content = new GatedCsvContent(first, rest, async () =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (DateTime.UtcNow < deadline)
            {
                seenWhileUploading = Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length) : 0;
                if (seenWhileUploading >= first.Length)
                {
                    return;
                }

                await Task.Delay(50);
            }
        });
        var response = await PostAsync(app, content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(first.Length, seenWhileUploading);
        var progress = await WaitForAsync(app, response.Headers.Location!.OriginalString, 120);
        Assert.Equal(5001, Count(progress, "importedActive"));
    }

    [Fact]
    public async Task Import_ExistingActiveSubscriber_IsNotDowngradedChangedOrMailedAgain()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("owner@example.org", ["code-models"], "my own words");
        var before = app.Smtp!.Messages.Count;

        var progress = await ImportAsync(app, $"{Header}\nowner@example.org,long-context,imported words,weekly,,\nOWNER@example.org,,,,2025-01-01,form\n");

        Assert.Equal(2, Count(progress, "skippedAlreadySubscribed"));
        Assert.Equal(0, Count(progress, "pendingConfirmation"));
        var owner = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=owner@example.org");
        Assert.Equal("active", owner.GetProperty("status").GetString());
        Assert.Equal(["code-models"], owner.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("my own words", owner.GetProperty("interests").GetString());
        Assert.Equal("daily", owner.GetProperty("frequency").GetString());
        await Task.Delay(1000);
        Assert.Equal(before, app.Smtp.Messages.Count);
    }

    [Fact]
    public async Task ImportProgress_AnswersTheCountsWhileRunning_401WithoutTheKey_And404ForAnUnknownId()
    {
        await using var app = await TestApp.StartAsync(new() { ["Import:ConfirmationsPerSecond"] = "2" });
        var response = await PostAsync(app, Csv($"{Header}\nslow1@example.org,,,,,\nslow2@example.org,,,,,\nslow3@example.org,,,,,\n"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.Matches(@"^/api/subscribers/imports/\d+$", location);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("queued", accepted.GetProperty("status").GetString());

        // Two a second: the import is still sending while we look.
        JsonElement running;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            running = await app.AdminClient().GetFromJsonAsync<JsonElement>(location);
            Assert.True(DateTime.UtcNow < deadline, running.ToString());
            await Task.Delay(50);
        }
        while (Count(running, "confirmationsSent") == 0);

        Assert.Equal("running", running.GetProperty("status").GetString());
        Assert.Equal(3, Count(running, "rowsRead"));
        Assert.True(Count(running, "confirmationsSent") < 3);

        var done = await WaitForAsync(app, location);
        Assert.Equal(3, Count(done, "confirmationsSent"));
        Assert.NotNull(done.GetProperty("completedAt").GetString());

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.GetAsync(location)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.PostAsync("/api/subscribers/import", Csv($"{Header}\n"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.AdminClient().GetAsync("/api/subscribers/imports/999999")).StatusCode);
    }

    [Fact]
    public async Task Import_WithAnotherContentType_Answers415_AndImportsNothing()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.AdminClient().PostAsync("/api/subscribers/import", new StringContent($"{Header}\nx@example.org,,,,,\n", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("text/csv", (await ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, app.CountRows("subscriber_imports"));
    }
}

/// <summary>A chunked CSV body (no Content-Length) sent in two parts, with a pause the test controls between them.</summary>
internal sealed class GatedCsvContent : HttpContent
{
    private readonly byte[] first;
    private readonly byte[] rest;
    private readonly Func<Task> between;

    public GatedCsvContent(byte[] first, byte[] rest, Func<Task> between)
    {
        this.first = first;
        this.rest = rest;
        this.between = between;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await stream.WriteAsync(first);
        await stream.FlushAsync();
        await between();
        await stream.WriteAsync(rest);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

[Collection(AppCollection.Name)]
public sealed class ImportResumeTests
{
    [Fact]
    public async Task Import_InterruptedByARestart_ResumesFromItsCheckpoint_WithoutCountingRowsTwice_AndSendsEveryConfirmation()
    {
        await using var app = await TestApp.StartAsync(new() { ["Import:ConfirmationsPerSecond"] = "1" });
        var addresses = Enumerable.Range(1, 6).Select(i => $"resume{i}@example.org").ToList();
        var response = await PostAsync(app, Csv(Header + "\n" + string.Join("\n", addresses.Select(a => $"{a},,,,,")) + "\n"));
        var location = response.Headers.Location!.OriginalString;
        await Subscriptions.LifecycleTests.WaitUntilAsync(() => app.Smtp!.Messages.Count >= 2);
        var before = await app.AdminClient().GetFromJsonAsync<JsonElement>(location);
        Assert.Equal("running", before.GetProperty("status").GetString());
        Assert.True(Count(before, "confirmationsSent") < 6);

        await app.RestartAsync();
        Assert.NotEqual("completed", (await app.AdminClient().GetFromJsonAsync<JsonElement>(location)).GetProperty("status").GetString());
        var done = await WaitForAsync(app, location, 60);

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(6, Count(done, "rowsRead"));
        Assert.Equal(6, Count(done, "pendingConfirmation"));
        Assert.Equal(6, app.CountRows("subscribers"));
        Assert.Equal(6, app.CountRows("subscription_requests"));
        foreach (var address in addresses)
        {
            await app.Smtp!.WaitForAsync(address, "Confirm");
        }
    }
}
