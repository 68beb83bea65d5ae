using System.Net.Http.Json;
using System.Text.Json;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Scale;

/// <summary>Several processes on one PostgreSQL: one web-only process and two workers, real OS processes.</summary>
[Collection(AppCollection.Name)]
[Trait("Category", "PostgresOnly")]
public sealed class ScaleOutTests
{
    private const int Subscribers = 300;
    private const string SigningKey = "c2NhbGUtb3V0LXRlc3Qtc2lnbmluZy1rZXktMDEyMzQ1Njc4OQ==";

    [Fact]
    public async Task AWebProcessAndTwoWorkers_ShareOneRun_AndTheSurvivorTakesOverAWorkerKilledMidRun()
    {
        await using var web = await TestApp.StartAsync(new() { ["Jobs:Server"] = "false", ["Newsletter:SigningKey"] = SigningKey }, postgres: true);
        // Readers without topics or interests get the most popular new entries: no model needed to plan them.
        web.Execute($"""
            INSERT INTO subscribers (email, status, created_at, updated_at, confirmed_at)
            SELECT 'reader' || g || '@scale.test', 'active', now(), now(), now() FROM generate_series(1, {Subscribers}) g
            """);
        (await web.AdminClient().PostAsJsonAsync("/api/entries", new[]
        {
            new { id = "scale-1", title = "Sharded ledgers", upvotes = 9 },
            new { id = "scale-2", title = "Leases that expire", upvotes = 5 },
        })).EnsureSuccessStatusCode();

        var logs = Path.Combine(web.DataDirectory, "logs");
        Directory.CreateDirectory(logs);
        await using var first = await StartWorkerAsync(web, Path.Combine(logs, "worker-1.log"));
        await using var second = await StartWorkerAsync(web, Path.Combine(logs, "worker-2.log"));

        var started = await web.AdminClient().PostAsJsonAsync("/api/digests", new { force = true });
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await WaitAsync(() => web.Smtp!.Messages.Count >= Subscribers / 4, TimeSpan.FromSeconds(60), "a quarter of the run went out");
        first.Kill();
        var killedAt = web.Smtp!.Messages.Count;

        var run = await WaitForRunAsync(web, runId, TimeSpan.FromSeconds(150), first, second);

        var perReader = web.Smtp.Messages.SelectMany(m => m.To.Mailboxes).GroupBy(a => a.Address).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(perReader.Values.All(count => count == 1), "no reader got two digests");
        var uncertain = run.GetProperty("uncertain").GetInt32();
        Assert.Equal(Subscribers, run.GetProperty("sent").GetInt32() + uncertain);
        // Only the chunk the killed worker had in flight is uncertain: at most a chunk per connection.
        Assert.InRange(uncertain, 0, 2 * 5);
        Assert.True(perReader.Count >= Subscribers - uncertain, $"{perReader.Count} readers got their digest, {uncertain} uncertain");
        Assert.True(web.Smtp.Messages.Count > killedAt, "the surviving worker sent after the kill");
    }

    private static Task<ServiceProcess> StartWorkerAsync(TestApp web, string log) => ServiceProcess.StartAsync("worker", new Dictionary<string, string?>(web.Database.Settings.Select(s => KeyValuePair.Create(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
    {
        ["Newsletter__DataDirectory"] = Path.Combine(web.DataDirectory, Path.GetFileNameWithoutExtension(log)),
        ["Newsletter__SigningKey"] = SigningKey,
        ["Newsletter__PublicBaseUrl"] = web.BaseAddress.ToString(),
        ["Admin__ApiKey"] = TestApp.AdminKey,
        ["Smtp__Host"] = "127.0.0.1",
        ["Smtp__Port"] = web.Smtp!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp__Security"] = "None",
        ["Smtp__DisablePipelining"] = "true",
        ["Smtp__From"] = "Paper Digest <digest@newsletter.test>",
        ["Delivery__BatchSize"] = "20",
        ["Delivery__ChunkSize"] = "5",
        ["Delivery__Connections"] = "4",
        ["Delivery__MessagesPerSecond"] = "60",
        ["Delivery__BatchLease"] = "00:00:04",
        ["Delivery__SendingTimeout"] = "00:00:04",
        ["Hangfire__QueuePollInterval"] = "00:00:00.200",
        ["Hangfire__SchedulePollingInterval"] = "00:00:01",
        ["Hangfire__InvisibilityTimeout"] = "00:00:15",
        ["Logging__LogLevel__Default"] = "Warning",
    }, log);

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> WaitForRunAsync(TestApp web, long id, TimeSpan timeout, params ServiceProcess[] workers)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = await web.AdminClient().GetFromJsonAsync<JsonElement>($"/api/digests/{id}");
            if (run.GetProperty("status").GetString() == "completed")
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Run {id} did not complete: {run}\n{string.Join("\n---\n", workers.Select(w => w.Log))}");
            await Task.Delay(250);
        }
    }
}
