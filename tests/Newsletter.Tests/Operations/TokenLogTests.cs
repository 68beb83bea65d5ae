using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Operations;

/// <summary>
/// Token URLs (confirm, preferences, unsubscribe) never reach the log at the levels the service
/// ships with, whatever folder it is started from: the built app, started from a folder that holds
/// no appsettings.json, used through every link a subscriber gets.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TokenLogTests
{
    [Fact]
    public async Task StartedFromAnotherFolder_TheLogHoldsNoTokenUrl()
    {
        var folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", "elsewhere-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = AppProcess.FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var environment = new Dictionary<string, string?>
        {
            ["Newsletter__DataDirectory"] = Path.Combine(folder, "data"),
            ["ASPNETCORE_URLS"] = address.ToString(),
        };
        try
        {
            await using var app = await AppProcess.StartAsync(Path.Combine(AppContext.BaseDirectory, "Newsletter.dll"), folder, environment, address);
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };

            (await client.PostAsJsonAsync("/api/subscriptions", new { email = "quiet@example.org", topics = new[] { "code-models" } })).EnsureSuccessStatusCode();
            var confirm = Link(await WaitForMessageAsync(client, "Confirm"), "/confirm/");
            (await client.GetAsync(confirm)).EnsureSuccessStatusCode();
            (await client.PostAsync(confirm, null)).EnsureSuccessStatusCode();
            var welcome = await WaitForMessageAsync(client, "Welcome");
            var preferences = Link(welcome, "/preferences/");
            var unsubscribe = Link(welcome, "/unsubscribe/");
            (await client.GetAsync(preferences)).EnsureSuccessStatusCode();
            (await client.GetAsync(unsubscribe)).EnsureSuccessStatusCode();
            (await client.PostAsync(unsubscribe, null)).EnsureSuccessStatusCode();
            (await client.GetAsync("/confirm/not-a-real-token-0123456789")).Dispose();
            await Task.Delay(500);

            var log = app.Output;
            Assert.Contains("Now listening on", log, StringComparison.Ordinal); // the capture works
            foreach (var path in new[] { confirm, preferences, unsubscribe, "/confirm/not-a-real-token-0123456789" })
            {
                var token = path.Split('/')[2].Split('?')[0];
                Assert.True(token.Length >= 20, $"unexpected link {path}");
                Assert.DoesNotContain(token, log, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<MimeMessage> WaitForMessageAsync(HttpClient client, string subject)
    {
        for (var i = 0; i < 100; i++)
        {
            var list = await client.GetFromJsonAsync<JsonElement>("/dev/mailbox/messages");
            foreach (var message in list.EnumerateArray())
            {
                if (message.GetProperty("subject").GetString()!.Contains(subject, StringComparison.OrdinalIgnoreCase))
                {
                    await using var raw = await client.GetStreamAsync($"/dev/mailbox/{message.GetProperty("id").GetString()}.eml");
                    return await MimeMessage.LoadAsync(raw);
                }
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"No '{subject}' email arrived in the mail catcher.");
    }

    /// <summary>The path of the first link holding <paramref name="part"/>.</summary>
    private static string Link(MimeMessage message, string part)
    {
        var match = Regex.Match(message.TextBody ?? "", $@"https?://\S*{Regex.Escape(part)}\S*");
        Assert.True(match.Success, $"No {part} link in:\n{message.TextBody}");
        return new Uri(match.Value).PathAndQuery;
    }
}
