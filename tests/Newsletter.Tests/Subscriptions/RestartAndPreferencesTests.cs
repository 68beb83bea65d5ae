using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Subscriptions;

[Collection(AppCollection.Name)]
public sealed class RestartAndPreferencesTests
{
    [Fact]
    public async Task Restart_LosesNothing_StateLinksKeysAndQueuedMail()
    {
        await using var app = await TestApp.StartAsync(new() { ["Admin:ApiKey"] = null }, postgres: false);
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "admin-key"))).Trim();
        var welcome = await app.SubscribeAndConfirmAsync("kept@example.org", ["code-models"], "speculative decoding");
        await app.SubscribeAsync("pending@example.org");
        var pendingLink = new Uri(TestApp.LinkIn(await app.Smtp!.WaitForAsync("pending@example.org", "Confirm"), "/confirm/")).AbsolutePath;

        await app.RestartAsync();

        Assert.Equal(adminKey, (await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "admin-key"))).Trim());
        using var admin = app.NewClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        var kept = await admin.GetFromJsonAsync<JsonElement>("/api/subscribers?email=kept@example.org");
        Assert.Equal("active", kept.GetProperty("status").GetString());
        Assert.Equal("speculative decoding", kept.GetProperty("interests").GetString());
        Assert.Equal(20, app.CountRows("topics"));

        // Links signed before the restart still work after it (the signing key is kept in the data directory).
        (await app.Client.PostAsync(pendingLink, null)).EnsureSuccessStatusCode();
        var pending = await admin.GetFromJsonAsync<JsonElement>("/api/subscribers?email=pending@example.org");
        Assert.Equal("active", pending.GetProperty("status").GetString());
        var preferences = await app.Client.GetAsync(new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, preferences.StatusCode);
    }

    [Fact]
    public async Task DataDirectoryAndGeneratedSecrets_AreReadableOnlyByTheServiceUser()
    {
        await using var app = await TestApp.StartAsync(new() { ["Admin:ApiKey"] = null }, postgres: false);
        Assert.False(OperatingSystem.IsWindows(), "File modes are a Unix notion; this service runs on Linux.");
        foreach (var file in new[] { "admin-key", "signing-key" })
        {
            if (OperatingSystem.IsWindows())
            {
                continue;
            }

            var mode = File.GetUnixFileMode(Path.Combine(app.DataDirectory, file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(app.DataDirectory));
        }
    }

    [Fact]
    public async Task PreferencesPage_SavesTopicsInterestsScheduleAndPause()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("tuner@example.org", ["code-models"]);
        var path = new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath;
        using var browser = app.NewClient(cookies: true);
        var form = await browser.GetStringAsync(path);
        Assert.Contains("value=\"code-models\" checked", form, StringComparison.Ordinal);

        var saved = await browser.PostAsync(path, new FormUrlEncodedContent(
        [
            new("__antiforgery", TestApp.AntiforgeryToken(form)),
            new("topics", "long-context"),
            new("topics", "interpretability"),
            new("interests", "sparse autoencoders\r\nKV cache compression"),
            new("frequency", "weekly"),
            new("delivery_hour", "18"),
            new("time_zone", "Europe/Berlin"),
            new("paused", "true"),
        ]));

        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=tuner@example.org");
        Assert.Equal(["interpretability", "long-context"], subscriber.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).Order());
        Assert.Equal("sparse autoencoders\nKV cache compression", subscriber.GetProperty("interests").GetString());
        Assert.Equal("weekly", subscriber.GetProperty("frequency").GetString());
        Assert.Equal(18, subscriber.GetProperty("deliveryHour").GetInt32());
        Assert.Equal("Europe/Berlin", subscriber.GetProperty("timeZone").GetString());
        Assert.True(subscriber.GetProperty("paused").GetBoolean());
        Assert.Contains("Your preferences are saved", await browser.GetStringAsync(saved.Headers.Location!.ToString()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreferencesPage_RejectsAnUnknownTimeZone_ShowsTheError_AndKeepsTheOldSettings()
    {
        await using var app = await TestApp.StartAsync();
        var welcome = await app.SubscribeAndConfirmAsync("tz@example.org", ["code-models"]);
        var path = new Uri(TestApp.LinkIn(welcome, "/preferences/")).AbsolutePath;
        using var browser = app.NewClient(cookies: true);
        var form = await browser.GetStringAsync(path);

        var response = await browser.PostAsync(path, new FormUrlEncodedContent(
        [
            new("__antiforgery", TestApp.AntiforgeryToken(form)),
            new("frequency", "daily"),
            new("delivery_hour", "8"),
            new("time_zone", "Mars/Olympus_Mons"),
        ]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Choose a time zone from the list", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var subscriber = await app.AdminClient().GetFromJsonAsync<JsonElement>("/api/subscribers?email=tz@example.org");
        Assert.Equal("UTC", subscriber.GetProperty("timeZone").GetString());
        Assert.Equal(["code-models"], subscriber.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task MailCatcher_WithNoSmtpHost_KeepsMailAsEml_AndListsItAtDevMailbox()
    {
        await using var app = await TestApp.StartAsync(useMailCatcher: true);
        Assert.Equal(HttpStatusCode.Accepted, (await app.SubscribeAsync("caught@example.org")).StatusCode);

        JsonElement[] messages = [];
        await LifecycleTests.WaitUntilAsync(() =>
        {
            messages = app.Client.GetFromJsonAsync<JsonElement[]>("/dev/mailbox/messages").GetAwaiter().GetResult()!;
            return messages.Length == 1;
        });

        Assert.Contains("caught@example.org", messages[0].GetProperty("to").GetString(), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(app.DataDirectory, "mailbox"), "*.eml"));
        var id = messages[0].GetProperty("id").GetString();
        Assert.Contains("Confirm your subscription", await app.Client.GetStringAsync("/dev/mailbox"), StringComparison.Ordinal);
        var html = await app.Client.GetAsync($"/dev/mailbox/{id}/html");
        Assert.Contains("sandbox", html.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("/confirm/", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

}
