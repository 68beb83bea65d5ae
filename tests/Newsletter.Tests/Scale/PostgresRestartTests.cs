using System.Net.Http.Json;
using System.Text.Json;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Scale;

/// <summary>The database server goes away in the middle of a run, as a failover or a restart would take it.</summary>
[Collection(AppCollection.Name)]
[Trait("Category", "PostgresOnly")]
public sealed class PostgresRestartTests
{
    private const int Subscribers = 200;

    [Fact]
    public async Task PostgresRestartedMidRun_TheRunResumesByItself_AndNothingIsSentTwice()
    {
        using var cluster = PostgresCluster.StartPrivate();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));
        await using var app = await TestApp.StartOnAsync(await TestDatabase.CreateAsync(dataDirectory, cluster), new()
        {
            ["Delivery:BatchSize"] = "20",
            ["Delivery:ChunkSize"] = "5",
            ["Delivery:MessagesPerSecond"] = "40",
            ["Delivery:BatchLease"] = "00:00:04",
            ["Delivery:SendingTimeout"] = "00:00:04",
            ["Hangfire:SchedulePollingInterval"] = "00:00:01",
        });
        app.Execute($"""
            INSERT INTO subscribers (email, status, created_at, updated_at, confirmed_at)
            SELECT 'reader' || g || '@restart.test', 'active', now(), now(), now() FROM generate_series(1, {Subscribers}) g
            """);
        (await app.AdminClient().PostAsJsonAsync("/api/entries", new[] { new { id = "restart-1", title = "Failover without duplicates", upvotes = 4 } })).EnsureSuccessStatusCode();

        var started = await app.AdminClient().PostAsJsonAsync("/api/digests", new { force = true });
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        while (app.Smtp!.Messages.Count < Subscribers / 4)
        {
            await Task.Delay(50);
        }

        cluster.Restart(downtime: TimeSpan.FromSeconds(3));

        var deadline = DateTime.UtcNow.AddSeconds(150);
        JsonElement run;
        while (true)
        {
            try
            {
                run = await app.AdminClient().GetFromJsonAsync<JsonElement>($"/api/digests/{runId}");
                if (run.GetProperty("status").GetString() == "completed")
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // The API answers 5xx while the database is down; the run goes on regardless.
            }

            Assert.True(DateTime.UtcNow < deadline, "The run did not complete after the database came back.");
            await Task.Delay(250);
        }

        var perReader = app.Smtp.Messages.SelectMany(m => m.To.Mailboxes).GroupBy(a => a.Address).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(perReader.Values.All(count => count == 1), "no reader got two digests");
        var uncertain = run.GetProperty("uncertain").GetInt32();
        Assert.Equal(Subscribers, run.GetProperty("sent").GetInt32() + uncertain);
        Assert.True(perReader.Count >= Subscribers - uncertain, $"{perReader.Count} readers got their digest, {uncertain} uncertain");
    }
}
