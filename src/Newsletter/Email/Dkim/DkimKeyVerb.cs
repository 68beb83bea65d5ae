using System.Security.Cryptography;
using Newsletter.Configuration;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace Newsletter.Email.Dkim;

/// <summary>
/// <c>dkim-key --domain D --selector S [--algorithm rsa|ed25519] [--force]</c>: writes a new private key
/// into the data directory (mode 0600) and prints the DNS TXT record and the settings that use it.
/// </summary>
public static class DkimKeyVerb
{
    private const string Usage = "Usage: dkim-key --domain example.org --selector news2026 [--algorithm rsa|ed25519] [--force] [configuration options]";

    public static async Task<int> RunAsync(string[] args)
    {
        var domain = Option(args, "--domain");
        var selector = Option(args, "--selector");
        var algorithm = (Option(args, "--algorithm") ?? "rsa").ToLowerInvariant();
        if (domain is null || selector is null || algorithm is not ("rsa" or "ed25519"))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var problems = new DkimOptions { Domain = domain, Selector = selector, PrivateKeyFile = "-" }.Validate().ToList();
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, problems));
            return 2;
        }

        // The same data directory the service would use (Newsletter:DataDirectory, settings files, environment).
        var builder = WebApplication.CreateBuilder(ConfigurationArguments(args));
        var settings = StartupSettings.Read(builder.Configuration, builder.Environment.ContentRootPath);
        var relative = Path.Combine("dkim", $"{selector}._domainkey.{domain}.pem");
        var path = Path.Combine(settings.DataDirectory, relative);
        if (File.Exists(path) && !args.Contains("--force"))
        {
            await Console.Error.WriteLineAsync($"{path} exists; a key in use must not be replaced by accident (give --force to replace it, or choose a new selector).");
            return 1;
        }

        var (pem, keyType, publicKey) = algorithm == "ed25519" ? Ed25519Key() : RsaKey();
        DataDirectoryPermissions.CreateIfMissing(settings.DataDirectory);
        WritePrivate(path, pem);

        Console.WriteLine($"Wrote {path} ({(algorithm == "rsa" ? "RSA 2048" : "Ed25519")}, readable by this user only).");
        Console.WriteLine();
        Console.WriteLine("Publish this DNS TXT record:");
        Console.WriteLine(TxtRecord(domain, selector, $"v=DKIM1; k={keyType}; p={Convert.ToBase64String(publicKey)}"));
        Console.WriteLine();
        Console.WriteLine("Then start the service with:");
        Console.WriteLine($"Dkim__Domain={domain}");
        Console.WriteLine($"Dkim__Selector={selector}");
        Console.WriteLine($"Dkim__PrivateKeyFile={relative}");
        return 0;
    }

    /// <summary>One zone-file line; DNS strings hold at most 255 characters, so a long key is several quoted strings.</summary>
    public static string TxtRecord(string domain, string selector, string value) =>
        $"{selector}._domainkey.{domain}. IN TXT " + string.Join(" ", value.Chunk(255).Select(part => $"\"{new string(part)}\""));

    private static (string Pem, string KeyType, byte[] PublicKey) RsaKey()
    {
        using var rsa = RSA.Create(2048);
        // DKIM's p= for RSA is the DER SubjectPublicKeyInfo (RFC 6376 3.6.1).
        return (rsa.ExportPkcs8PrivateKeyPem() + "\n", "rsa", rsa.ExportSubjectPublicKeyInfo());
    }

    private static (string Pem, string KeyType, byte[] PublicKey) Ed25519Key()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var der = PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetEncoded();
        // DKIM's p= for Ed25519 is the bare 32-byte public key (RFC 8463), not a SubjectPublicKeyInfo.
        return (new string(PemEncoding.Write("PRIVATE KEY", der)) + "\n", "ed25519", ((Ed25519PublicKeyParameters)pair.Public).GetEncoded());
    }

    private static void WritePrivate(string path, string pem)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(path, pem);
            return;
        }

        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = ownerOnly }))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(pem);
        }

        File.SetUnixFileMode(path, ownerOnly); // a replaced file (--force) keeps its old mode otherwise
    }

    /// <summary>The arguments left once this verb's own options are taken out: configuration keys.</summary>
    private static string[] ConfigurationArguments(string[] args)
    {
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--domain" or "--selector" or "--algorithm")
            {
                i++;
            }
            else if (args[i] != "--force")
            {
                rest.Add(args[i]);
            }
        }

        return [.. rest];
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && !args[index + 1].StartsWith("--", StringComparison.Ordinal) ? args[index + 1] : null;
    }
}
