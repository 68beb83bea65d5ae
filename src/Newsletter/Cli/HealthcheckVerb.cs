namespace Newsletter.Cli;

/// <summary>
/// <c>healthcheck [URL]</c>: GETs <c>/health/live</c> of the service on this machine and exits 0
/// when it answers 200, else 1. For the container's HEALTHCHECK: the aspnet image has no curl or wget.
/// Without a URL it asks the first address of <c>ASPNETCORE_URLS</c> (a wildcard host means loopback),
/// else <c>ASPNETCORE_HTTP_PORTS</c>, else port 8080.
/// </summary>
public static class HealthcheckVerb
{
    public static async Task<int> RunAsync(string[] args)
    {
        var target = args.FirstOrDefault(a => !a.StartsWith('-')) is { } given ? new Uri(given) : Default();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(new Uri(target, "/health/live"));
            if (response.IsSuccessStatusCode)
            {
                return 0;
            }

            await Console.Error.WriteLineAsync($"{target}health/live answered {(int)response.StatusCode}.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{target}health/live did not answer: {e.Message}");
        }

        return 1;
    }

    private static Uri Default()
    {
        var first = (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null)
        {
            var port = (Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "8080").Split(';', ',')[0].Trim();
            return new Uri($"http://127.0.0.1:{port}/");
        }

        // http://+:8080, http://*:8080, http://0.0.0.0:8080 and http://[::]:8080 listen everywhere: ask loopback.
        var local = System.Text.RegularExpressions.Regex.Replace(first, @"//(\+|\*|0\.0\.0\.0|\[::\])", "//127.0.0.1");
        return new Uri(local.TrimEnd('/') + "/");
    }
}
