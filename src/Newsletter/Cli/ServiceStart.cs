using Microsoft.Extensions.Options;
using Newsletter.Configuration;

namespace Newsletter.Cli;

/// <summary>
/// <c>serve</c> and <c>worker</c>: build, start, run until stopped. A start that fails (data folder
/// unusable, database file corrupt, port in use, bad listen URL) ends with one line on standard
/// error and exit code 1, never a stack trace; configuration errors keep their own message and code 2
/// (<see cref="Verbs"/>). A freshly generated admin key is shown only once the service listens
/// (<see cref="GeneratedSecrets.AnnounceFreshAdminKey"/>).
/// </summary>
public static class ServiceStart
{
    public static async Task<int> RunAsync(string[] args, ProcessRole role)
    {
        WebApplication app;
        try
        {
            app = await Program.BuildAppAsync(args, role: role);
        }
        catch (Exception e) when (e is not (ConfigurationException or OptionsValidationException))
        {
            return await FailAsync(e);
        }

        var secrets = app.Services.GetRequiredService<GeneratedSecrets>();
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (e is not (ConfigurationException or OptionsValidationException))
        {
            await DisposeQuietlyAsync(app);
            return await FailAsync(e);
        }

        secrets.AnnounceFreshAdminKey();
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    /// <summary>One line: ours as written; anyone else's with its type, first line only.</summary>
    internal static string Describe(Exception e)
    {
        var message = e is StartupException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        if (e is IOException && e.InnerException is { } inner && !message.Contains(inner.Message, StringComparison.Ordinal))
        {
            message += $" ({inner.Message})"; // Kestrel's "Failed to bind to address ...", with the socket's reason.
        }

        var line = message.ReplaceLineEndings(" ").Trim();
        return $"Newsletter could not start: {line}";
    }

    private static async Task<int> FailAsync(Exception e)
    {
        await Console.Error.WriteLineAsync(Describe(e));
        return 1;
    }

    private static async Task DisposeQuietlyAsync(WebApplication app)
    {
        try
        {
            await app.DisposeAsync();
        }
        catch (Exception)
        {
            // Already failing; the one line about why matters more than a second error while cleaning up.
        }
    }
}
