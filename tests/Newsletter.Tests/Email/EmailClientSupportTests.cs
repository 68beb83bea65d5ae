using System.Diagnostics;
using System.Text.Json;
using Newsletter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Newsletter.Tests.Email;

/// <summary>
/// Every kind of email against caniemail.com's support data (the npm package caniemail 2.0.2, pinned in
/// tests/caniemail, run on Node) for Outlook for Windows, Gmail, Apple Mail and Yahoo. What a client
/// does not support may remain only when the layout holds without it: the progressive features
/// below, each with the reason it is safe (the README names them too).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class EmailClientSupportTests(ITestOutputHelper output)
{
    /// <summary>Unsupported somewhere, kept on purpose: the reason the layout holds without each.</summary>
    private static readonly Dictionary<string, string> Progressive = new()
    {
        ["color-scheme meta tag"] = "a dark-mode hint; without it the client shows the light design",
        ["@media"] = "the phone and dark rules; without them the 600 px table is fluid (width 100%, max-width 600 px) and still fits",
        ["<style> element"] = "only the head's phone and dark rules live there; every style the layout needs is inlined",
        ["Type selector"] = "in the head's rules only (see <style> element)",
        ["Class selector"] = "in the head's rules only (see <style> element)",
        ["Descendant combinator"] = "in the head's rules only (see <style> element)",
        ["display:none"] = "one of the preheader's hiding rules; the others (max-height 0, overflow hidden, mso-hide) hide it where this one is dropped",
        ["opacity"] = "one of the preheader's hiding rules (see display:none)",
        ["overflow"] = "one of the preheader's hiding rules (see display:none)",
        ["max-height property"] = "one of the preheader's hiding rules (see display:none)",
        ["border-radius"] = "rounded corners; square in Outlook",
        ["overflow-wrap"] = "breaks an over-long address or link text in the muted lines; where dropped, the fluid table grows a line longer, not wider than the screen on phones",
        ["word-break"] = "as overflow-wrap",
        ["white-space"] = "keeps a vote button's or a 'stop this topic' link's label on one line; their spaces are non-breaking as well",
        ["<body> element"] = "Yahoo's apps drop the body's style; the outer table carries the background",
    };

    [Fact]
    public async Task EveryEmail_UsesOnlyFeaturesTheMainClientsSupport_OrProgressiveOnesTheLayoutDoesNotNeed()
    {
        await using var app = await TestApp.StartAsync();
        var (confirmation, welcome) = await EmailSamples.SubscribeToEverythingAsync(app);
        var already = await EmailSamples.AlreadySubscribedAsync(app);
        var digest = await EmailSamples.DigestAsync(app);
        var emails = new Dictionary<string, string>
        {
            ["confirmation"] = confirmation.HtmlBody!, ["welcome"] = welcome.HtmlBody!, ["already-subscribed"] = already.HtmlBody!, ["digest"] = digest.HtmlBody!,
        };

        var report = await CheckAsync(emails);

        foreach (var (email, errors) in report)
        {
            foreach (var (feature, clients) in errors)
            {
                output.WriteLine($"{email}: {feature} unsupported in {string.Join(", ", clients)}{(Progressive.TryGetValue(feature, out var why) ? $" (kept: {why})" : "")}");
            }

            var breaking = errors.Keys.Where(feature => !Progressive.ContainsKey(feature)).ToList();
            Assert.True(breaking.Count == 0, $"The {email} email uses {string.Join(", ", breaking)}, which some of the main clients do not support.");
        }
    }

    [Fact]
    public async Task TheCheck_FindsAFeatureOutlookDoesNotSupport()
    {
        // The check above passes only if the checker really runs: flexbox is a known Outlook for Windows error.
        var report = await CheckAsync(new() { ["flex"] = """<html><body><div style="display:flex">x</div></body></html>""" });

        Assert.Contains("outlook.windows", report["flex"]["display:flex"]);
    }

    /// <summary>Runs tests/caniemail/check.mjs on the given HTML; per email, each unsupported feature and the clients that lack it.</summary>
    private static async Task<Dictionary<string, Dictionary<string, string[]>>> CheckAsync(Dictionary<string, string> htmlByName)
    {
        var checker = Path.Combine(RepositoryFolder(), "tests", "caniemail");
        Assert.True(Directory.Exists(Path.Combine(checker, "node_modules", "caniemail")),
            $"caniemail is not installed: (cd {checker} && npm ci), which scripts/test does.");
        var folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var start = new ProcessStartInfo("node") { WorkingDirectory = checker, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("check.mjs");
            var files = new Dictionary<string, string>();
            foreach (var (name, html) in htmlByName)
            {
                var file = Path.Combine(folder, name + ".html");
                await File.WriteAllTextAsync(file, html);
                files[file] = name;
                start.ArgumentList.Add(file);
            }

            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var json = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"check.mjs failed ({process.ExitCode}): {await error}");
            return JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string[]>>>(json)!
                .ToDictionary(pair => files[pair.Key], pair => pair.Value);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string RepositoryFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Newsletter.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Newsletter.sln above {AppContext.BaseDirectory}.");
    }
}
