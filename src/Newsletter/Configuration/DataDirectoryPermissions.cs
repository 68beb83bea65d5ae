namespace Newsletter.Configuration;

public static class DataDirectoryPermissions
{
    /// <summary>Subscriber addresses and secrets live here: a folder we create, only the service's user may look in.</summary>
    /// <remarks>Then checks it can be written, so an unusable folder fails the start with one line naming it, not a stack trace later.</remarks>
    public static void CreateIfMissing(string dataDirectory)
    {
        if (File.Exists(dataDirectory) || AncestorFile(dataDirectory) is not null)
        {
            var file = File.Exists(dataDirectory) ? dataDirectory : AncestorFile(dataDirectory);
            throw new StartupException($"The data directory {dataDirectory} cannot be created: {file} is a file, not a folder (set Newsletter__DataDirectory to a folder).");
        }

        try
        {
            if (!Directory.Exists(dataDirectory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(dataDirectory);
                }
                else
                {
                    Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            var probe = Path.Combine(dataDirectory, $".write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new StartupException($"The data directory {dataDirectory} is not writable by user {Environment.UserName}: {e.Message} (fix its owner or mode, or set Newsletter__DataDirectory).", e);
        }
    }

    private static string? AncestorFile(string path)
    {
        for (var parent = Path.GetDirectoryName(path); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                return parent;
            }
        }

        return null;
    }

    /// <summary>
    /// The data directory holds subscriber addresses and secrets. We create it 0700; one made by
    /// someone else (a deployment script, systemd's StateDirectory without a mode) may be readable by
    /// every local user, which we say at start rather than change behind the operator's back.
    /// </summary>
    public static void WarnIfOthersCanRead(this WebApplication app, StartupSettings settings)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(settings.DataDirectory);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherExecute)) != 0)
        {
            app.Logger.LogWarning(
                "The data directory {DataDirectory} can be read by other users (mode {Mode}); it holds subscriber addresses and secrets. Consider chmod 700.",
                settings.DataDirectory, mode);
        }
    }
}
