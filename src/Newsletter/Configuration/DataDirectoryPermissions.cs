namespace Newsletter.Configuration;

public static class DataDirectoryPermissions
{
    /// <summary>Subscriber addresses and secrets live here: a folder we create, only the service's user may look in.</summary>
    public static void CreateIfMissing(string dataDirectory)
    {
        if (Directory.Exists(dataDirectory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDirectory);
        }
        else
        {
            Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
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
