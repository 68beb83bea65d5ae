using System.Net;
using System.Net.Sockets;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Operations;

/// <summary>
/// Every way a start can fail, with the built app started as an operator starts it: one clear line
/// on standard error, a non-zero exit, no stack trace, and no freshly generated admin key printed
/// (nor left behind) by a start that did not happen.
/// </summary>
[Collection(AppCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StartupFailureTests : IDisposable
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "Newsletter.dll");
    private readonly string folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", "startup-" + Guid.NewGuid().ToString("N"));

    public StartupFailureTests()
    {
        Directory.CreateDirectory(folder);
    }

    [Fact]
    public async Task DataDirectoryUnderAFile_FailsWithOneLine()
    {
        var file = Path.Combine(folder, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");

        var (code, stdout, stderr) = await StartAsync(Path.Combine(file, "data"));

        AssertOneLineFailure(code, stdout, stderr, "is a file, not a folder");
    }

    [Fact]
    public async Task DataDirectoryNotWritable_FailsWithOneLine()
    {
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);
        string? user = null;
        if (AppProcess.RunsAsRoot)
        {
            user = "nobody"; // root writes anywhere: the service's own user must be someone else for a mode to bite
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);
        }
        else
        {
            File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var (code, stdout, stderr) = await StartAsync(data, user: user);

        AssertOneLineFailure(code, stdout, stderr, "is not writable");
    }

    [Fact]
    public async Task CorruptDatabaseFile_FailsWithOneLine()
    {
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);
        await File.WriteAllBytesAsync(Path.Combine(data, "newsletter.db"), Enumerable.Repeat((byte)'x', 8192).ToArray());

        var (code, stdout, stderr) = await StartAsync(data);

        AssertOneLineFailure(code, stdout, stderr, "newsletter.db cannot be used");
        Assert.False(File.Exists(Path.Combine(data, "admin-key")), "the failed start left a key nobody was shown");
    }

    [Fact]
    public async Task PortInUse_FailsWithOneLine_AndShowsNoFreshAdminKey()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var data = Path.Combine(folder, "data");

        var (code, stdout, stderr) = await StartAsync(data, urls: $"http://127.0.0.1:{port}");

        AssertOneLineFailure(code, stdout, stderr, "address already in use");
        Assert.False(File.Exists(Path.Combine(data, "admin-key")), "the failed start left a key nobody was shown");
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("http://127.0.0.1:99999")]
    public async Task BadListenUrl_FailsWithOneLine(string urls)
    {
        var (code, stdout, stderr) = await StartAsync(Path.Combine(folder, "data"), urls: urls);

        AssertOneLineFailure(code, stdout, stderr, "");
    }

    [Theory]
    [InlineData("https://digest.example.org/?campaign=1", "query or fragment")]
    [InlineData("https://digest.example.org/#top", "query or fragment")]
    [InlineData("digest.example.org", "absolute http(s) URL")]
    public async Task BadPublicBaseUrl_IsRefusedWithOneLine(string url, string reason)
    {
        var (code, stdout, stderr) = await StartAsync(Path.Combine(folder, "data"), extra: new() { ["Newsletter__PublicBaseUrl"] = url });

        AssertOneLineFailure(code, stdout, stderr, reason);
        Assert.Contains("Newsletter:PublicBaseUrl", stderr, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Stdout, string Stderr)> StartAsync(
        string dataDirectory, string? urls = null, string? user = null, Dictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Newsletter__DataDirectory"] = dataDirectory,
            ["ASPNETCORE_URLS"] = urls ?? $"http://127.0.0.1:{AppProcess.FreePort()}",
        };
        foreach (var (key, value) in extra ?? [])
        {
            environment[key] = value;
        }

        return await AppProcess.RunToExitAsync(Dll, folder, environment, TimeSpan.FromSeconds(60), user);
    }

    private static void AssertOneLineFailure(int code, string stdout, string stderr, string reason)
    {
        var everything = stdout + stderr;
        Assert.True(code > 0, $"exit code {code}\n{everything}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:\n{stderr}\n--- stdout:\n{stdout}");
        Assert.Contains(reason, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", everything.Replace(lines[0], "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("Generated the admin API key", everything, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temp folder.
        }
    }
}
