using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Delivery;
using Newsletter.Tests.Infrastructure;
using Newsletter.Tests.Subscriptions;

namespace Newsletter.Tests.Delivery;

[Collection(AppCollection.Name)]
public sealed class DigestDeliveryTests
{
    private static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["Delivery:RetryDelays:0"] = "00:00:01",
        ["Hangfire:SchedulePollingInterval"] = "00:00:01",
    };

    [Fact]
    public async Task ForcedRun_SendsEachSubscriberOneDigestOfTheirEntries_ThenNothing_ThenOnlyWhatIsNew()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("coder@example.org", ["code-models"]);
        await app.SubscribeAndConfirmAsync("scaler@example.org", [], "mixture of experts\nlong context");
        await app.SubscribeAndConfirmAsync("browser@example.org");
        await PostEntriesAsync(app, DigestTestData.FirstDay);

        var first = await RunAsync(app);

        Assert.Equal(("completed", 3, 3), (first.GetProperty("status").GetString(), first.GetProperty("recipients").GetInt32(), first.GetProperty("sent").GetInt32()));
        var coder = Assert.Single(Digests(app, "coder@example.org"));
        Assert.Contains("Program synthesis with large code models", coder.TextBody, StringComparison.Ordinal);
        Assert.Contains("Repairing bugs", coder.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Protein", coder.TextBody, StringComparison.Ordinal);
        Assert.Contains("Because you follow Code generation and code models", coder.TextBody, StringComparison.Ordinal);
        var scaler = Assert.Single(Digests(app, "scaler@example.org"));
        Assert.Contains("Sparse mixture of experts routing", scaler.TextBody, StringComparison.Ordinal);
        Assert.Contains("Extending the context window", scaler.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Repairing bugs", scaler.TextBody, StringComparison.Ordinal);
        var browser = Assert.Single(Digests(app, "browser@example.org"));
        Assert.StartsWith("Paper Digest: Extending the context window", browser.Subject, StringComparison.Ordinal); // most upvoted first

        Assert.StartsWith($"<{app.BaseAddress.ToString().TrimEnd('/')}/unsubscribe/", coder.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", coder.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("\"Paper Digest\" <digest.newsletter.test>", coder.Headers["List-Id"]);
        Assert.Contains("/preferences/", coder.TextBody, StringComparison.Ordinal);

        var second = await RunAsync(app);
        Assert.Equal((0, 3), (second.GetProperty("sent").GetInt32(), second.GetProperty("skipped").GetInt32()));
        Assert.Single(Digests(app, "coder@example.org"));

        await PostEntriesAsync(app, DigestTestData.SecondDay);
        await RunAsync(app);
        var fresh = Digests(app, "coder@example.org").Last();
        Assert.Equal(2, Digests(app, "coder@example.org").Count);
        Assert.Contains("Code generation benchmarks revisited", fresh.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Program synthesis with large code models", fresh.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduledRun_SendsOnlyToSubscribersWhoseSlotIsDue_AndOnceAfterDowntime()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("due@example.org");
        await app.SubscribeAndConfirmAsync("fresh@example.org");
        await PostEntriesAsync(app, DigestTestData.FirstDay);
        // "due" confirmed a week ago and was last sent days ago (the service was down since); "fresh" just confirmed.
        app.Execute("UPDATE subscribers SET confirmed_at = '2000-01-01 00:00:00', last_slot_at = '2000-01-03 08:00:00' WHERE email = 'due@example.org'");

        var started = await app.AdminClient().PostAsJsonAsync("/api/digests", new { force = false });
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var run = await WaitForRunAsync(app, id, "completed");

        Assert.Equal((1, 1), (run.GetProperty("recipients").GetInt32(), run.GetProperty("sent").GetInt32()));
        Assert.Single(Digests(app, "due@example.org"));
        Assert.Empty(Digests(app, "fresh@example.org"));

        var again = await app.AdminClient().PostAsJsonAsync("/api/digests", new { force = false });
        var second = await WaitForRunAsync(app, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64(), "completed");
        Assert.Equal(0, second.GetProperty("recipients").GetInt32());
    }

    [Fact]
    public async Task EntryTitlesWithMarkup_AreEscapedInTheHtmlDigest()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("reader@example.org");
        await PostEntriesAsync(app, [new { id = "x-1", title = "<img src=x onerror=alert(1)> & <b>bold</b> claims", upvotes = 1 }]);

        await RunAsync(app);

        var html = Assert.Single(Digests(app, "reader@example.org")).HtmlBody;
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold</b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt; claims", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARelayThatAnswers451Once_StillDeliversTheDigestExactlyOnce()
    {
        await using var app = await TestApp.StartAsync(FastRetries);
        await app.SubscribeAndConfirmAsync("patient@example.org");
        await PostEntriesAsync(app, DigestTestData.FirstDay);
        app.Smtp!.TemporaryFailuresLeft = 1;

        var run = await RunAsync(app, seconds: 30);

        Assert.Equal(("completed", 1), (run.GetProperty("status").GetString(), run.GetProperty("sent").GetInt32()));
        Assert.Contains("451 at DATA", app.Smtp.Refusals);
        await Task.Delay(1500);
        Assert.Single(Digests(app, "patient@example.org"));
    }

    [Fact]
    public async Task ADeliveryThatEndsFailed_GivesItsEntriesBackToTheNextDigest()
    {
        await using var app = await TestApp.StartAsync(new() { ["Delivery:MaxAttempts"] = "1" });
        await app.SubscribeAndConfirmAsync("coder@example.org", ["code-models"]);
        await PostEntriesAsync(app, DigestTestData.FirstDay);
        app.Smtp!.TemporaryFailuresLeft = 1;

        var failed = await RunAsync(app);
        Assert.Equal((1, 0), (failed.GetProperty("failed").GetInt32(), failed.GetProperty("sent").GetInt32()));
        Assert.Empty(Digests(app, "coder@example.org"));

        var next = await RunAsync(app);
        Assert.Equal(1, next.GetProperty("sent").GetInt32());
        var digest = Assert.Single(Digests(app, "coder@example.org"));
        Assert.Contains("Program synthesis with large code models", digest.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABatchJobThatKeepsFailing_GivesUpAfterItsAttempts_AndMarksTheRunFailedWithTheReason()
    {
        await using var app = await TestApp.StartAsync(new(FastRetries) { ["Delivery:BatchAttempts"] = "3" });
        await app.SubscribeAndConfirmAsync("stuck@example.org", ["code-models"]);
        await PostEntriesAsync(app, DigestTestData.FirstDay);
        app.Execute("DROP TABLE feedback"); // planning reads the thumbs: every attempt of the batch now throws

        var run = await RunAsync(app, until: "failed", seconds: 40);

        var reason = run.GetProperty("pausedReason").GetString();
        Assert.Contains("failed 3 times", reason, StringComparison.Ordinal);
        Assert.Contains("feedback", reason, StringComparison.Ordinal);
        Assert.Empty(Digests(app, "stuck@example.org"));
        await Task.Delay(3000);
        Assert.Equal("failed", (await WaitForRunAsync(app, run.GetProperty("id").GetInt64(), "failed")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ARelayThatAnswers550_MarksTheSubscriberBounced_AndNoMoreMailGoesToThem()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("gone@example.org");
        await app.SubscribeAndConfirmAsync("here@example.org");
        await PostEntriesAsync(app, DigestTestData.FirstDay);
        app.Smtp!.RefusedRecipients["gone@example.org"] = true;

        var run = await RunAsync(app);

        Assert.Equal((1, 1), (run.GetProperty("sent").GetInt32(), run.GetProperty("failed").GetInt32()));
        Assert.Equal("bounced", await app.StatusOfAsync("gone@example.org"));
        await PostEntriesAsync(app, DigestTestData.SecondDay);
        var next = await RunAsync(app);
        Assert.Equal(1, next.GetProperty("recipients").GetInt32());
        Assert.Single(app.Smtp.Refusals);
    }

    [Fact]
    public async Task ARunThatFailsTooOftenInARow_Pauses_SaysWhy_AndResumes()
    {
        await using var app = await TestApp.StartAsync(new(FastRetries) { ["Delivery:PauseAfterFailures"] = "2" });
        foreach (var name in new[] { "a", "b", "c" })
        {
            await app.SubscribeAndConfirmAsync($"{name}@example.org");
        }

        await PostEntriesAsync(app, DigestTestData.FirstDay);
        app.Smtp!.DenyRelaying = true;

        var paused = await RunAsync(app, until: "paused");

        Assert.Contains("554", paused.GetProperty("pausedReason").GetString(), StringComparison.Ordinal);
        Assert.Equal((0, 3), (paused.GetProperty("failed").GetInt32(), paused.GetProperty("pending").GetInt32())); // refused ones wait to be retried
        Assert.Equal("active", await app.StatusOfAsync("a@example.org")); // a policy refusal bounces no one

        app.Smtp.DenyRelaying = false;
        var id = paused.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await app.AdminClient().PostAsync($"/api/digests/{id}/resume", null)).StatusCode);
        var done = await WaitForRunAsync(app, id, "completed");
        Assert.Equal(3, done.GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task ARowLeftSendingByACrash_BecomesUncertain_IsCounted_AndIsNotResent()
    {
        await using var app = await TestApp.StartAsync(new() { ["Delivery:SendingTimeout"] = "00:00:01" });
        await app.SubscribeAndConfirmAsync("inflight@example.org");
        await app.SubscribeAndConfirmAsync("after@example.org");
        await PostEntriesAsync(app, DigestTestData.FirstDay);
        var run = await RunAsync(app);
        var id = run.GetProperty("id").GetInt64();
        // What a SIGKILL during the SMTP exchange leaves: a claimed row still 'sending', run unfinished.
        app.Execute($"UPDATE deliveries SET state = 'sending', claimed_at = '2000-01-01 00:00:00' WHERE run_id = {id} AND subscriber_id = (SELECT id FROM subscribers WHERE email = 'inflight@example.org')");
        app.Execute($"UPDATE digest_runs SET status = 'running', completed_at = NULL WHERE id = {id}");

        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<DeliverySupervisorJob>().RunAsync(CancellationToken.None);
        }

        var after = await WaitForRunAsync(app, id, "completed");
        Assert.Equal((1, 1), (after.GetProperty("uncertain").GetInt32(), after.GetProperty("sent").GetInt32()));
        Assert.Single(Digests(app, "inflight@example.org"));
    }

    [Fact]
    public async Task AChunkPreparedWhenItsWorkerDied_IsSentLater_WithWhatWasChosen()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("held@example.org", ["code-models"]);
        await PostEntriesAsync(app, DigestTestData.FirstDay);
        var run = await RunAsync(app);
        var id = run.GetProperty("id").GetInt64();
        await PostEntriesAsync(app, DigestTestData.SecondDay);
        // What a SIGKILL while the chunk before was on the wire leaves: this chunk prepared (its digest
        // chosen and in the ledger) but never claimed, still queued, and the run unfinished.
        app.Execute($"UPDATE deliveries SET state = 'queued', attempts = 0, updated_at = '2000-01-01 00:00:00' WHERE run_id = {id}");
        app.Execute($"UPDATE digest_runs SET status = 'running', completed_at = NULL WHERE id = {id}");

        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<DeliverySupervisorJob>().RunAsync(CancellationToken.None);
        }

        var after = await WaitForRunAsync(app, id, "completed");
        Assert.Equal(1, after.GetProperty("sent").GetInt32());
        var resent = Digests(app, "held@example.org").Last();
        Assert.Equal(2, Digests(app, "held@example.org").Count); // the first copy stands for the one the crash cut off
        Assert.Contains("Program synthesis with large code models", resent.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Code generation benchmarks revisited", resent.TextBody, StringComparison.Ordinal); // not planned again
    }

    [Fact]
    public async Task DigestsApi_NeedsTheAdminKey_AndAnswers404ForAnUnknownRun()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.PostAsJsonAsync("/api/digests", new { force = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.GetAsync("/api/digests/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.AdminClient().GetAsync("/api/digests/999")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.AdminClient().PostAsJsonAsync("/api/digests", new { force = "yes" })).StatusCode);
        Assert.Equal(0, app.CountRows("digest_runs"));
    }

    [Fact]
    public async Task Preview_ShowsTheNextDigest_WithoutSendingOrRecordingAnything()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("curious@example.org", ["code-models"]);
        await PostEntriesAsync(app, DigestTestData.FirstDay);

        var preview = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/digests/preview?email=curious@example.org");

        Assert.Contains("Program synthesis", preview.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(preview.GetProperty("entries").GetArrayLength() >= 2);
        Assert.Equal(0, app.CountRows("sent_entries"));
        Assert.Empty(Digests(app, "curious@example.org"));
    }

    [Fact]
    public async Task FeedbackLink_GetShowsAButton_PostRecordsTheVote()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("voter@example.org");
        await PostEntriesAsync(app, DigestTestData.FirstDay);
        await RunAsync(app);
        var up = new Uri(System.Text.RegularExpressions.Regex.Match(Digests(app, "voter@example.org")[0].TextBody ?? "", @"More like this:\s+(\S+)").Groups[1].Value);

        var page = await app.Client.GetStringAsync(up.PathAndQuery);
        Assert.Contains("More like this?", page, StringComparison.Ordinal);
        Assert.Equal(0, app.CountRows("feedback"));

        var entry = System.Web.HttpUtility.ParseQueryString(up.Query)["entry"]!;
        (await app.Client.PostAsync(up.AbsolutePath, new FormUrlEncodedContent([new("entry", entry), new("vote", "up")]))).EnsureSuccessStatusCode();
        Assert.Equal(1, app.CountRows("feedback WHERE vote = 1"));

        // The link is signed for the subscriber, not the entry: it must not vote on entries they were never sent.
        var notSent = await app.Client.PostAsync(up.AbsolutePath, new FormUrlEncodedContent([new("entry", "999999"), new("vote", "down")]));
        Assert.Equal(HttpStatusCode.BadRequest, notSent.StatusCode);
        Assert.Equal(1, app.CountRows("feedback"));
    }

    internal static async Task PostEntriesAsync(TestApp app, object[] entries) =>
        (await app.AdminClient().PostAsJsonAsync("/api/entries", entries)).EnsureSuccessStatusCode();

    /// <summary>Digests carry a Feedback-ID naming their run; the welcome email is list mail too but has none.</summary>
    internal static List<MimeKit.MimeMessage> Digests(TestApp app, string email) =>
        app.Smtp!.To(email).Where(m => m.Headers["Feedback-ID"] is not null).ToList();

    /// <summary>Starts a forced run and waits until it reaches <paramref name="until"/>.</summary>
    internal static async Task<JsonElement> RunAsync(TestApp app, string until = "completed", int seconds = 20)
    {
        var started = await app.AdminClient().PostAsJsonAsync("/api/digests", new { force = true });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        return await WaitForRunAsync(app, id, until, seconds);
    }

    internal static async Task<JsonElement> WaitForRunAsync(TestApp app, long id, string until, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var run = await app.AdminClient().GetFromJsonAsync<JsonElement>($"/api/digests/{id}");
            if (run.GetProperty("status").GetString() == until)
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Run {id} did not reach '{until}': {run}");
            await Task.Delay(100);
        }
    }
}
