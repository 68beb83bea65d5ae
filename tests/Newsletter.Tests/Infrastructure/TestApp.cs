using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Newsletter.Tests.Infrastructure;

/// <summary>
/// The whole service, started for real: Kestrel on 127.0.0.1 port 0, a fresh temp folder, a fresh
/// database (<see cref="TestDatabase"/>: SQLite files there, or a PostgreSQL database of its own), mail to an in-process <see cref="TestSmtpServer"/> (or to the built-in
/// catcher with <c>useMailCatcher</c>). Every log line is kept so tests can check what was logged.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789";
    private readonly Dictionary<string, string?> settings;
    private readonly ProcessRole role;
    private readonly bool ownsDatabaseAndSmtp;
    private WebApplication? app;

    private TestApp(string dataDirectory, TestDatabase database, Dictionary<string, string?> settings, TestSmtpServer? smtp, ProcessRole role, bool ownsDatabaseAndSmtp)
    {
        DataDirectory = dataDirectory;
        Database = database;
        this.settings = settings;
        Smtp = smtp;
        this.role = role;
        this.ownsDatabaseAndSmtp = ownsDatabaseAndSmtp;
    }

    public string DataDirectory { get; }

    public TestDatabase Database { get; }

    public TestSmtpServer? Smtp { get; }

    public HttpClient Client { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => app!.Services;

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <param name="postgres">Force a provider for this test; by default the run's (<see cref="TestDatabase.RunOnPostgres"/>).</param>
    public static Task<TestApp> StartAsync(Dictionary<string, string?>? overrides = null, bool useMailCatcher = false, bool? postgres = null) =>
        StartAsync(overrides, useMailCatcher, postgres, sharedWith: null, ProcessRole.Serve);

    /// <summary>The service on a database the test made (in a PostgreSQL cluster of its own, say); the app disposes it.</summary>
    public static Task<TestApp> StartOnAsync(TestDatabase database, Dictionary<string, string?>? overrides = null) =>
        StartAsync(overrides, useMailCatcher: false, postgres: null, sharedWith: null, ProcessRole.Serve, database);

    /// <summary>
    /// Another process on the same database and mail server as <paramref name="peer"/> (which keeps
    /// owning them), with a data directory of its own, as a second machine would have.
    /// </summary>
    public static Task<TestApp> StartPeerAsync(TestApp peer, ProcessRole role, Dictionary<string, string?>? overrides = null) =>
        StartAsync(overrides, useMailCatcher: false, postgres: null, sharedWith: peer, role);

    private static async Task<TestApp> StartAsync(
        Dictionary<string, string?>? overrides, bool useMailCatcher, bool? postgres, TestApp? sharedWith, ProcessRole role, TestDatabase? given = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));
        var database = given ?? sharedWith?.Database ?? await TestDatabase.CreateAsync(dataDirectory, postgres);
        var smtp = sharedWith is not null ? sharedWith.Smtp : useMailCatcher ? null : new TestSmtpServer();
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            ["Newsletter:DataDirectory"] = dataDirectory,
            ["Admin:ApiKey"] = AdminKey,
            ["Hangfire:QueuePollInterval"] = "00:00:00.200",
            ["Hangfire:WorkerCount"] = "4",
            ["RateLimiting:SubscriptionsPerClientPerMinute"] = "1000",
            ["RateLimiting:ConfirmationsPerAddressPerHour"] = "100",
        };
        if (smtp is not null)
        {
            settings["Smtp:Host"] = "127.0.0.1";
            settings["Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Smtp:Security"] = "None";
            settings["Smtp:DisablePipelining"] = "true";
            settings["Smtp:From"] = "Paper Digest <digest@newsletter.test>";
        }

        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        var testApp = new TestApp(dataDirectory, database, settings, smtp, role, ownsDatabaseAndSmtp: sharedWith is null);
        try
        {
            await testApp.StartAppAsync();
        }
        catch
        {
            if (sharedWith is null)
            {
                if (smtp is not null)
                {
                    await smtp.DisposeAsync();
                }

                await database.DisposeAsync();
            }

            throw;
        }

        return testApp;
    }

    /// <summary>Stops the service and starts it again on the same data directory and mail server.</summary>
    public async Task RestartAsync()
    {
        Client.Dispose();
        await app!.StopAsync();
        await app.DisposeAsync();
        await StartAppAsync();
    }

    private async Task StartAppAsync()
    {
        app = await Program.BuildAppAsync(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.AddProvider(new ListLoggerProvider(Logs));
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
        }, role);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = NewClient();
    }

    /// <summary>A client that keeps no cookies and follows no redirects, so tests see each answer as sent.</summary>
    public HttpClient NewClient(bool cookies = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies }) { BaseAddress = BaseAddress };

    public HttpClient AdminClient()
    {
        var client = NewClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    public Task<HttpResponseMessage> SubscribeAsync(string email, string[]? topics = null, string? interests = null, string? frequency = null) =>
        Client.PostAsJsonAsync("/api/subscriptions", new { email, topics, interests, frequency });

    /// <summary>Subscribes through the API, then uses the confirmation link as a person would (GET page, POST button).</summary>
    public async Task<MimeMessage> SubscribeAndConfirmAsync(string email, string[]? topics = null, string? interests = null)
    {
        (await SubscribeAsync(email, topics, interests)).EnsureSuccessStatusCode();
        var confirmation = await Smtp!.WaitForAsync(email, "Confirm");
        var path = new Uri(LinkIn(confirmation, "/confirm/")).AbsolutePath;
        (await Client.GetAsync(path)).EnsureSuccessStatusCode();
        (await Client.PostAsync(path, null)).EnsureSuccessStatusCode();
        return await Smtp.WaitForAsync(email, "Welcome");
    }

    /// <summary>The first link in the message's text part that contains <paramref name="pathPart"/>.</summary>
    public static string LinkIn(MimeMessage message, string pathPart)
    {
        var match = Regex.Match(message.TextBody ?? "", $@"https?://\S*{Regex.Escape(pathPart)}\S*");
        Assert.True(match.Success, $"No link with {pathPart} in:\n{message.TextBody}");
        return match.Value;
    }

    /// <summary>The antiforgery token a rendered form carries, to post it as a browser would.</summary>
    public static string AntiforgeryToken(string html) =>
        Regex.Match(html, "name=\"__antiforgery\" value=\"([^\"]+)\"").Groups[1].Value;

    public async Task<string?> StatusOfAsync(string email)
    {
        var response = await AdminClient().GetAsync($"/api/subscribers?email={Uri.EscapeDataString(email)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString();
    }

    /// <summary>Runs one SQL statement straight on the database (to age rows, say).</summary>
    public void Execute(string sql) => Database.Execute(sql);

    /// <summary>Counts rows straight from the database, to prove what was (not) stored.</summary>
    public long CountRows(string table) => Database.CountRows(table);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        if (ownsDatabaseAndSmtp)
        {
            if (Smtp is not null)
            {
                await Smtp.DisposeAsync();
            }

            await Database.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing background thread; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>Tests that start the app run one at a time: Hangfire keeps static state.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppCollection
{
    public const string Name = "app";
}
