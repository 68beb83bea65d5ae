using System.Text.RegularExpressions;
using Newsletter.Email.Dkim;
using Newsletter.Tests.Matching;

namespace Newsletter.Tests.Email;

/// <summary>A DKIM key made by the dkim-key verb, with the TXT record it printed.</summary>
internal sealed record DkimKey(string Domain, string Selector, string PrivateKeyFile, string RecordName, string RecordValue, string Output)
{
    /// <summary>Runs the verb in a data directory of its own; callers belong to the app collection (the console is captured).</summary>
    public static async Task<DkimKey> CreateAsync(string domain = "newsletter.test", string selector = "s2026", string algorithm = "rsa")
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));
        var (code, output, error) = await VerbConsole.RunAsync(() => DkimKeyVerb.RunAsync(
            ["--domain", domain, "--selector", selector, "--algorithm", algorithm, "--Newsletter:DataDirectory", dataDirectory]));
        Assert.True(code == 0, $"dkim-key failed ({code}): {error}");

        // s2026._domainkey.newsletter.test. IN TXT "v=DKIM1; k=rsa; p=MIIB…" "…"
        var line = output.Split('\n').Single(l => l.Contains(" IN TXT ", StringComparison.Ordinal));
        var name = line[..line.IndexOf(' ', StringComparison.Ordinal)].TrimEnd('.');
        var value = string.Concat(Regex.Matches(line, "\"([^\"]*)\"").Select(m => m.Groups[1].Value));
        var file = Path.Combine(dataDirectory, "dkim", $"{selector}._domainkey.{domain}.pem");
        return new DkimKey(domain, selector, file, name, value, output);
    }

    public Dictionary<string, string?> Settings() => new()
    {
        ["Dkim:Domain"] = Domain,
        ["Dkim:Selector"] = Selector,
        ["Dkim:PrivateKeyFile"] = PrivateKeyFile,
    };
}
