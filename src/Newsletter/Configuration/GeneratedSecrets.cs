using System.Security.Cryptography;

namespace Newsletter.Configuration;

/// <summary>
/// The link-signing key and the admin key. When not configured, each is generated on the first
/// start into a file of the data directory that only the service's user can read (mode 0600),
/// and read from there on every later start. The admin key is printed once, when it is created,
/// straight to standard output and never through the logging pipeline (under systemd, standard
/// output goes to the journal: read the key from the file, and rotate it if the journal is shared).
/// </summary>
public sealed record GeneratedSecrets(byte[] SigningKey, string AdminApiKey)
{
    public const string SigningKeyFile = "signing-key";
    public const string AdminKeyFile = "admin-key";

    public static GeneratedSecrets LoadOrCreate(string dataDirectory, string? configuredSigningKey, string? configuredAdminKey)
    {
        var signing = configuredSigningKey is { Length: > 0 }
            ? configuredSigningKey
            : ReadOrCreate(Path.Combine(dataDirectory, SigningKeyFile), NewSigningKey, out _);

        var admin = configuredAdminKey;
        if (admin is not { Length: > 0 })
        {
            var path = Path.Combine(dataDirectory, AdminKeyFile);
            admin = ReadOrCreate(path, () => Base64UrlKey(32), out var created);
            if (created)
            {
                AnnounceAdminKey(admin, $"kept in {path}, readable only by this user");
            }
        }

        return new GeneratedSecrets(Convert.FromBase64String(signing), admin);
    }

    /// <summary>Straight to standard output, never through the logging pipeline.</summary>
    internal static void AnnounceAdminKey(string key, string whereKept) => Console.WriteLine($"""

        Generated the admin API key ({whereKept}):

            {key}

        Send it as the X-Api-Key header to the admin API and to /hangfire. It is shown only this once.

        """);

    internal static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    internal static string Base64UrlKey(int bytes) => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private static string ReadOrCreate(string path, Func<string> generate, out bool created)
    {
        created = false;
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var value = generate();
        try
        {
            // CreateNew: two instances starting at once on one data directory must not both write.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(value);
            created = true;
            return value;
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
    }
}
