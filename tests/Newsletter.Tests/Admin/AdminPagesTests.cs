using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Admin;

/// <summary>
/// The admin pages over HTTP, as a browser uses them: the session cookie, antiforgery tokens, the
/// redirect to sign-in, the actions and what they change in the database, search, filters and paging.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AdminPagesTests
{
    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/subscribers?status=active")]
    [InlineData("/admin/runs/1")]
    [InlineData("/admin/entries")]
    [InlineData("/admin/topics/new")]
    [InlineData("/admin/templates?name=digest")]
    public async Task AdminPages_WithoutASession_RedirectToSignIn_WithThePageAsReturnUrl(string path)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/admin/login?returnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.OriginalString);
        // The admin key header does not open the pages either: they are for a signed-in browser.
        Assert.Equal(HttpStatusCode.Redirect, (await app.AdminClient().GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.GetAsync("/admin/api/runs/1")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.Client.PostAsync("/admin/subscribers/1/erase", null)).StatusCode);
    }

    [Fact]
    public async Task SignIn_WithTheRightKey_SetsAStrictHttpOnlySessionCookie_AndGoesToTheReturnUrl()
    {
        await using var app = await TestApp.StartAsync();
        var session = new AdminSignIn(app, app.NewClient(cookies: true));

        var form = await session.GetPageAsync("/admin/login?returnUrl=%2Fadmin%2Fentries");
        Assert.Contains("type=\"password\"", form, StringComparison.Ordinal);
        var response = await session.PostFormAsync("/admin/login?returnUrl=%2Fadmin%2Fentries", "/admin/login",
            new() { ["key"] = TestApp.AdminKey, ["returnUrl"] = "/admin/entries" });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/admin/entries", response.Headers.Location!.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("newsletter-admin=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/admin", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain http here; https gets Secure
        Assert.Contains("<h1>Entries</h1>", await session.GetPageAsync("/admin/entries"), StringComparison.Ordinal);

        // Signing out ends the session: the pages redirect again.
        var signOut = await session.PostFormAsync("/admin", "/admin/logout", []);
        Assert.Equal(HttpStatusCode.SeeOther, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await session.Client.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task SignIn_WithAWrongKey_IsSlowed_SaysOnlyThatItIsWrong_AndTooManyAreRefused()
    {
        await using var app = await TestApp.StartAsync();
        var session = new AdminSignIn(app, app.NewClient(cookies: true));

        var clock = Stopwatch.StartNew();
        var wrong = await session.PostFormAsync("/admin/login", "/admin/login", new() { ["key"] = TestApp.AdminKey + "x" });
        clock.Stop();

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"A wrong key was answered in {clock.Elapsed}");
        Assert.Contains("That is not the admin key.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrong.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith("newsletter-admin=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await session.Client.GetAsync("/admin")).StatusCode);

        for (var i = 1; i < 10; i++)
        {
            await session.PostFormAsync("/admin/login", "/admin/login", new() { ["key"] = "guess-" + i });
        }

        // The eleventh try is refused even with the right key, and says when to try again.
        var locked = await session.PostFormAsync("/admin/login", "/admin/login", new() { ["key"] = TestApp.AdminKey });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.NotNull(locked.Headers.RetryAfter);
        Assert.Contains("Too many wrong keys", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await session.Client.GetAsync("/admin")).StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/admin")]
    [InlineData("https://evil.example/admin")]
    [InlineData("/\\evil.example")]
    [InlineData("/subscribe")]
    public async Task SignIn_WithAReturnUrlOffTheAdminPages_GoesToTheOverviewInstead(string returnUrl)
    {
        await using var app = await TestApp.StartAsync();
        var session = new AdminSignIn(app, app.NewClient(cookies: true));

        var response = await session.PostFormAsync("/admin/login", "/admin/login", new() { ["key"] = TestApp.AdminKey, ["returnUrl"] = returnUrl });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Posts_WithoutAValidAntiforgeryToken_AreRefused_AndChangeNothing()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("kept@example.org");
        var id = app.Database.Scalar<long>("SELECT id FROM subscribers WHERE email = 'kept@example.org'");
        var session = await AdminSignIn.StartAsync(app);

        var noToken = await session.Client.PostAsync($"/admin/subscribers/{id}/erase", new FormUrlEncodedContent([]));
        var badToken = await session.Client.PostAsync($"/admin/subscribers/{id}/unsubscribe", new FormUrlEncodedContent([new("__antiforgery", "forged")]));
        var signInWithout = await app.NewClient(cookies: true).PostAsync("/admin/login", new FormUrlEncodedContent([new("key", TestApp.AdminKey)]));

        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, signInWithout.StatusCode);
        Assert.False(signInWithout.Headers.Contains("Set-Cookie") && signInWithout.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("newsletter-admin=", StringComparison.Ordinal)));
        Assert.Equal("active", await app.StatusOfAsync("kept@example.org"));
    }

    [Fact]
    public async Task Unsubscribe_ThenErase_FromTheSubscriberPage_ChangeTheSubscriber()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("leaving@example.org", ["code-models"], "retrieval for <b>code</b>");
        var id = app.Database.Scalar<long>("SELECT id FROM subscribers WHERE email = 'leaving@example.org'");
        var session = await AdminSignIn.StartAsync(app);

        var detail = await session.GetPageAsync($"/admin/subscribers/{id}");
        Assert.Contains("retrieval for &lt;b&gt;code&lt;/b&gt;", detail, StringComparison.Ordinal); // user text is escaped
        Assert.Contains("confirmed", detail, StringComparison.Ordinal); // the consent trail

        var confirm = await session.GetPageAsync($"/admin/subscribers/{id}/unsubscribe");
        Assert.Contains("Unsubscribe leaving@example.org from everything?", confirm, StringComparison.Ordinal);
        Assert.Equal("active", await app.StatusOfAsync("leaving@example.org")); // the confirmation page changes nothing
        var unsubscribed = await session.PostFormAsync($"/admin/subscribers/{id}/unsubscribe", $"/admin/subscribers/{id}/unsubscribe", []);
        Assert.Equal(HttpStatusCode.SeeOther, unsubscribed.StatusCode);
        Assert.Equal("unsubscribed", await app.StatusOfAsync("leaving@example.org"));
        Assert.Equal(1, app.CountRows($"consent_events WHERE subscriber_id = {id} AND kind = 'unsubscribed' AND detail LIKE '%admin%'"));
        Assert.Contains("was unsubscribed", await session.GetPageAsync(unsubscribed.Headers.Location!.OriginalString), StringComparison.Ordinal);

        var erased = await session.PostFormAsync($"/admin/subscribers/{id}/erase", $"/admin/subscribers/{id}/erase", []);
        Assert.Equal(HttpStatusCode.SeeOther, erased.StatusCode);
        Assert.Null(await app.StatusOfAsync("leaving@example.org"));
        Assert.Equal(0, app.CountRows($"consent_events WHERE subscriber_id = {id}"));
        Assert.Equal(1, app.CountRows("suppressed_addresses")); // the same erasure as the GDPR one: a keyed hash stays, so an import skips the address
        await session.GetPageAsync($"/admin/subscribers/{id}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SubscriberList_SearchesFiltersAndPagesByKeyset()
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 1; i <= 60; i++)
        {
            var status = i % 3 == 0 ? "active" : i % 3 == 1 ? "pending" : "unsubscribed";
            app.Execute($"INSERT INTO subscribers (email, status, created_at, updated_at) VALUES ('reader{i:00}@{(i % 2 == 0 ? "even" : "odd")}.example.org', '{status}', '2026-11-20 10:00:00', '2026-11-20 10:00:00')");
        }

        app.Execute("INSERT INTO subscriber_topics (subscriber_id, topic_id) SELECT s.id, t.id FROM subscribers s, topics t WHERE t.slug = 'code-models' AND s.email LIKE 'reader1%'");
        var session = await AdminSignIn.StartAsync(app);

        // Three pages of 25, 25 and 10, newest first, each page continuing below the last id of the one before.
        var first = await session.GetPageAsync("/admin/subscribers");
        var page1 = AdminSignIn.ListedSubscribers(first);
        Assert.Equal(25, page1.Count);
        Assert.Equal("reader60@even.example.org", page1[0].Email);
        Assert.Null(AdminSignIn.Link(first, "prev"));
        var second = await session.GetPageAsync(AdminSignIn.Link(first, "next")!);
        var page2 = AdminSignIn.ListedSubscribers(second);
        Assert.Equal(Enumerable.Range(11, 25).Reverse().Select(i => $"reader{i:00}"), page2.Select(r => r.Email[..8]));
        var third = await session.GetPageAsync(AdminSignIn.Link(second, "next")!);
        Assert.Equal(10, AdminSignIn.ListedSubscribers(third).Count);
        Assert.Null(AdminSignIn.Link(third, "next"));
        var back = await session.GetPageAsync(AdminSignIn.Link(third, "prev")!);
        Assert.Equal(page2, AdminSignIn.ListedSubscribers(back));
        Assert.Equal(page1, AdminSignIn.ListedSubscribers(await session.GetPageAsync(AdminSignIn.Link(back, "prev")!)));

        var active = AdminSignIn.ListedSubscribers(await session.GetPageAsync("/admin/subscribers?status=active"));
        Assert.Equal(20, active.Count);
        Assert.All(active, r => Assert.Equal(0, int.Parse(r.Email[6..8], System.Globalization.CultureInfo.InvariantCulture) % 3));

        var search = AdminSignIn.ListedSubscribers(await session.GetPageAsync("/admin/subscribers?q=ODD.example&status=pending"));
        Assert.Equal(Enumerable.Range(1, 60).Where(i => i % 2 == 1 && i % 3 == 1).Reverse().Select(i => $"reader{i:00}@odd.example.org"), search.Select(r => r.Email));
        Assert.Empty(AdminSignIn.ListedSubscribers(await session.GetPageAsync("/admin/subscribers?q=reader_1")));  // _ is a character, not a wildcard

        var topic = AdminSignIn.ListedSubscribers(await session.GetPageAsync("/admin/subscribers?topic=code-models"));
        Assert.Equal(Enumerable.Range(10, 10).Reverse().Select(i => $"reader{i}"), topic.Select(r => r.Email[..8]));

        var bad = await session.GetPageAsync("/admin/subscribers?status=deleted&topic=no-such-topic", HttpStatusCode.BadRequest);
        Assert.Contains("Choose a status from the list.", bad, StringComparison.Ordinal);
        Assert.Contains("Choose a topic from the list.", bad, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HiddenEntries_StayOutOfDigests_AndDeletedOnesAreGone()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("trending@example.org");
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        var hiddenId = app.Database.Scalar<long>("SELECT id FROM entries WHERE title = 'Extending the context window to a million tokens'");
        var deletedId = app.Database.Scalar<long>("SELECT id FROM entries WHERE title = 'Sparse mixture of experts routing'");
        var session = await AdminSignIn.StartAsync(app);

        var list = await session.GetPageAsync("/admin/entries?q=CONTEXT");
        Assert.Contains("Extending the context window", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Sparse mixture", list, StringComparison.Ordinal);
        var hidden = await session.PostFormAsync("/admin/entries", $"/admin/entries/{hiddenId}/hide", new() { ["back"] = "/admin/entries?q=context" });
        Assert.Equal(HttpStatusCode.SeeOther, hidden.StatusCode);
        Assert.Equal("/admin/entries?q=context&done=hidden", hidden.Headers.Location!.OriginalString);
        Assert.Equal(1, app.CountRows($"entries WHERE id = {hiddenId} AND hidden_at IS NOT NULL"));
        var deleted = await session.PostFormAsync($"/admin/entries/{deletedId}/delete", $"/admin/entries/{deletedId}/delete", []);
        Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        Assert.Equal(0, app.CountRows($"entries WHERE id = {deletedId}"));

        await DigestDeliveryTests.RunAsync(app);

        var digest = Assert.Single(DigestDeliveryTests.Digests(app, "trending@example.org"));
        Assert.Contains("Program synthesis with large code models", digest.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Extending the context window", digest.TextBody, StringComparison.Ordinal); // the most upvoted, but hidden
        Assert.DoesNotContain("Sparse mixture", digest.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Topics_AreCreatedEditedAndArchived_AndABadFormShowsItsErrorsAndStoresNothing()
    {
        await using var app = await TestApp.StartAsync();
        var session = await AdminSignIn.StartAsync(app);
        var before = app.CountRows("topics");

        var bad = await session.PostFormAsync("/admin/topics/new", "/admin/topics",
            new() { ["slug"] = "Not A Slug", ["name"] = "", ["description"] = "Fine", ["position"] = "-3" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var page = await bad.Content.ReadAsStringAsync();
        Assert.Contains("A slug is 1 to 40 characters", page, StringComparison.Ordinal);
        Assert.Contains("A name is required.", page, StringComparison.Ordinal);
        Assert.Contains("The position is a whole number", page, StringComparison.Ordinal);
        Assert.Contains("value=\"Not A Slug\"", page, StringComparison.Ordinal); // values kept
        Assert.Equal(before, app.CountRows("topics"));

        var created = await session.PostFormAsync("/admin/topics/new", "/admin/topics",
            new() { ["slug"] = "graph-learning", ["name"] = "Graph <learning>", ["description"] = "GNNs and friends", ["keywords"] = "graph neural network, message passing" });
        Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
        var topics = await app.Client.GetFromJsonAsync<JsonElement>("/api/topics");
        Assert.Contains(topics.EnumerateArray(), t => t.GetProperty("slug").GetString() == "graph-learning" && t.GetProperty("name").GetString() == "Graph <learning>");
        Assert.Contains("Graph &lt;learning&gt;", await session.GetPageAsync("/admin/topics"), StringComparison.Ordinal);

        var duplicate = await session.PostFormAsync("/admin/topics/new", "/admin/topics",
            new() { ["slug"] = "graph-learning", ["name"] = "Again", ["description"] = "Again" });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Equal(before + 1, app.CountRows("topics"));

        var edited = await session.PostFormAsync("/admin/topics/graph-learning", "/admin/topics/graph-learning",
            new() { ["name"] = "Graph learning", ["description"] = "Graph neural networks", ["keywords"] = "gnn" });
        Assert.Equal(HttpStatusCode.SeeOther, edited.StatusCode);
        Assert.Equal("Graph learning", app.Database.Scalar<string>("SELECT name FROM topics WHERE slug = 'graph-learning'"));

        var archived = await session.PostFormAsync("/admin/topics/graph-learning/archive", "/admin/topics/graph-learning/archive", []);
        Assert.Equal(HttpStatusCode.SeeOther, archived.StatusCode);
        topics = await app.Client.GetFromJsonAsync<JsonElement>("/api/topics");
        Assert.DoesNotContain(topics.EnumerateArray(), t => t.GetProperty("slug").GetString() == "graph-learning");
    }

    [Fact]
    public async Task CancellingAPausedRun_SkipsWhatWasQueued_AndItsEntriesComeInTheNextDigest()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["Delivery:PauseAfterFailures"] = "2",
            ["Delivery:RetryDelays:0"] = "00:00:01",
            ["Hangfire:SchedulePollingInterval"] = "00:00:01",
        });
        foreach (var name in new[] { "a", "b", "c" })
        {
            await app.SubscribeAndConfirmAsync($"{name}@example.org");
        }

        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        app.Smtp!.DenyRelaying = true;
        var paused = await DigestDeliveryTests.RunAsync(app, until: "paused");
        var id = paused.GetProperty("id").GetInt64();
        var session = await AdminSignIn.StartAsync(app);

        var runPage = await session.GetPageAsync($"/admin/runs/{id}");
        Assert.Contains("554", runPage, StringComparison.Ordinal); // why it paused
        Assert.Contains($"href=\"/admin/runs/{id}/resume\"", runPage, StringComparison.Ordinal);
        var cancelled = await session.PostFormAsync($"/admin/runs/{id}/cancel", $"/admin/runs/{id}/cancel", []);
        Assert.Equal(HttpStatusCode.SeeOther, cancelled.StatusCode);

        var run = await app.AdminClient().GetFromJsonAsync<JsonElement>($"/api/digests/{id}");
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Equal("cancelled by the operator", run.GetProperty("pausedReason").GetString());
        Assert.Equal((3, 0), (run.GetProperty("skipped").GetInt32(), run.GetProperty("pending").GetInt32()));
        var progress = await session.Client.GetFromJsonAsync<JsonElement>($"/admin/api/runs/{id}");
        Assert.Equal((3, false), (progress.GetProperty("skipped").GetInt32(), progress.GetProperty("live").GetBoolean()));

        // Nothing of the cancelled run goes out; the next run sends those entries.
        app.Smtp.DenyRelaying = false;
        var next = await DigestDeliveryTests.RunAsync(app);
        Assert.Equal(3, next.GetProperty("sent").GetInt32());
        Assert.Contains("Extending the context window", Assert.Single(DigestDeliveryTests.Digests(app, "a@example.org")).TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_ShowsCountsAnAccessibleChartAndRuns_AndTemplatesPreviewEveryEmail()
    {
        await using var app = await TestApp.StartAsync();
        await app.SubscribeAndConfirmAsync("one@example.org");
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        var run = await DigestDeliveryTests.RunAsync(app);
        var session = await AdminSignIn.StartAsync(app);

        var overview = await session.GetPageAsync("/admin");
        Assert.Contains("<svg viewBox", overview, StringComparison.Ordinal);
        Assert.Contains("<title id=\"sends-title\">Digests sent per day</title>", overview, StringComparison.Ordinal);
        Assert.Contains("1 digests sent in the 30 days", overview, StringComparison.Ordinal);
        Assert.Contains($"data-run=\"{run.GetProperty("id").GetInt64()}\"", overview, StringComparison.Ordinal);

        foreach (var name in new[] { "confirm", "welcome", "already-subscribed", "digest" })
        {
            Assert.Contains($"src=\"/admin/templates/{name}/html\" sandbox", await session.GetPageAsync($"/admin/templates?name={name}"), StringComparison.Ordinal);
            var html = await session.Client.GetAsync($"/admin/templates/{name}/html");
            Assert.True(html.StatusCode == HttpStatusCode.OK, $"{name}: {html.StatusCode} {await html.Content.ReadAsStringAsync()}");
            Assert.StartsWith("sandbox;", html.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        Assert.Contains("Sample: stretching a model", await (await session.Client.GetAsync("/admin/templates/digest/html")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
