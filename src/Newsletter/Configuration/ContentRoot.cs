namespace Newsletter.Configuration;

/// <summary>
/// Where the host looks for appsettings.json and what a relative data directory is relative to.
/// ASP.NET Core takes the working directory; started from another folder
/// (<c>cd / &amp;&amp; dotnet /opt/newsletter/Newsletter.dll</c>), it would miss appsettings.json and its
/// log levels, and log every request line, token URLs included. So: the working directory when
/// it holds appsettings.json (<c>dotnet run</c> in the project folder, systemd's WorkingDirectory),
/// else the app's own folder; an explicit <c>--contentRoot</c> or <c>ASPNETCORE_CONTENTROOT</c> wins.
/// </summary>
public static class ContentRoot
{
    public static string? Choose(string[] args)
    {
        var explicitly = args.Any(a => a.TrimStart('-').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
            || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is { Length: > 0 };
        if (explicitly || File.Exists(Path.Combine(Environment.CurrentDirectory, "appsettings.json")))
        {
            return null; // the host's own choice
        }

        return AppContext.BaseDirectory;
    }
}
