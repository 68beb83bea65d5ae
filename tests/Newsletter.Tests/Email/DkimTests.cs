using Microsoft.Extensions.Configuration;
using MimeKit;
using Newsletter.Configuration;
using Newsletter.Email.Dkim;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Email;

/// <summary>Signatures checked by python3-dkim on the bytes the SMTP server received, not by MimeKit itself.</summary>
[Collection(AppCollection.Name)]
public sealed class DkimTests
{
    [Fact]
    public async Task ConfirmationEmail_AsReceived_VerifiesWithPythonDkim_RelaxedRelaxedRsaSha256()
    {
        var key = await DkimKey.CreateAsync();
        await using var app = await TestApp.StartAsync(key.Settings());

        await app.SubscribeAsync("signed@example.org");
        var confirmation = await app.Smtp!.WaitForAsync("signed@example.org", "Confirm");

        var (valid, log) = await DkimVerifier.VerifyAsync(app.Smtp.RawOf(confirmation), key);
        Assert.True(valid, log);
        Assert.Equal(("newsletter.test", "s2026", "rsa-sha256", "relaxed/relaxed"),
            (DkimVerifier.Tag(confirmation, "d"), DkimVerifier.Tag(confirmation, "s"), DkimVerifier.Tag(confirmation, "a"), DkimVerifier.Tag(confirmation, "c")));
        var signed = DkimVerifier.SignedHeaders(confirmation);
        Assert.All(new[] { "from", "to", "subject", "date", "message-id", "mime-version", "content-type" }, name => Assert.Contains(name, signed));
    }

    [Fact]
    public async Task WelcomeAndDigest_AsReceived_VerifyWithPythonDkim_AndTheDigestSignatureCoversTheListHeaders()
    {
        var key = await DkimKey.CreateAsync();
        await using var app = await TestApp.StartAsync(key.Settings());
        var welcome = await app.SubscribeAndConfirmAsync("reader@example.org", ["code-models"]);
        await DigestDeliveryTests.PostEntriesAsync(app, DigestTestData.FirstDay);
        await DigestDeliveryTests.RunAsync(app);
        var digest = Assert.Single(DigestDeliveryTests.Digests(app, "reader@example.org"));

        var (welcomeValid, welcomeLog) = await DkimVerifier.VerifyAsync(app.Smtp!.RawOf(welcome), key);
        Assert.True(welcomeValid, welcomeLog);
        var (digestValid, digestLog) = await DkimVerifier.VerifyAsync(app.Smtp.RawOf(digest), key);
        Assert.True(digestValid, digestLog);
        var signed = DkimVerifier.SignedHeaders(digest);
        Assert.All(new[] { "from", "list-unsubscribe", "list-unsubscribe-post", "list-id", "feedback-id", "message-id" }, name => Assert.Contains(name, signed));
    }

    [Fact]
    public async Task OneByteOfTheBodyChanged_FailsVerification()
    {
        var key = await DkimKey.CreateAsync();
        await using var app = await TestApp.StartAsync(key.Settings());
        await app.SubscribeAsync("tamper@example.org");
        var raw = app.Smtp!.RawOf(await app.Smtp.WaitForAsync("tamper@example.org", "Confirm"));
        Assert.True((await DkimVerifier.VerifyAsync(raw, key)).Valid);

        var tampered = (byte[])raw.Clone();
        var body = System.Text.Encoding.ASCII.GetString(raw).IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var letter = Array.FindIndex(tampered, body, b => b is >= (byte)'a' and <= (byte)'y');
        tampered[letter]++;

        var (valid, log) = await DkimVerifier.VerifyAsync(tampered, key);
        Assert.False(valid, log);
    }

    [Theory]
    [InlineData("rsa", "rsa-sha256")]
    [InlineData("ed25519", "ed25519-sha256")]
    public async Task DkimKeyVerb_WritesAnOwnerOnlyKey_WhosePrintedRecordVerifiesAMessageSignedWithIt(string algorithm, string signatureAlgorithm)
    {
        var key = await DkimKey.CreateAsync("example.org", "news1", algorithm);
        Assert.Equal("news1._domainkey.example.org", key.RecordName);
        Assert.StartsWith($"v=DKIM1; k={algorithm}; p=", key.RecordValue, StringComparison.Ordinal);
        Assert.Contains("Dkim__PrivateKeyFile=dkim/news1._domainkey.example.org.pem", key.Output, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key.PrivateKeyFile));
        }

        var signing = DkimSigning.Load(new DkimOptions { Domain = "example.org", Selector = "news1", PrivateKeyFile = key.PrivateKeyFile }, "/");
        var message = new MimeMessage { Subject = "Signed", MessageId = "one@example.org", Date = DateTimeOffset.UtcNow };
        message.From.Add(MailboxAddress.Parse("digest@example.org"));
        message.To.Add(MailboxAddress.Parse("reader@example.net"));
        message.Body = new TextPart("plain") { Text = "Hello,\r\nthis is signed.\r\n" };
        signing.Sign(message);
        using var bytes = new MemoryStream();
        await message.WriteToAsync(new MimeKit.FormatOptions { NewLineFormat = NewLineFormat.Dos }, bytes);

        Assert.Equal(signatureAlgorithm, DkimVerifier.Tag(message, "a"));
        var (valid, log) = await DkimVerifier.VerifyAsync(bytes.ToArray(), key);
        Assert.True(valid, log);
    }

    [Fact]
    public async Task DkimKeyVerb_RefusesToReplaceAnExistingKey_UnlessForced()
    {
        var key = await DkimKey.CreateAsync("example.org", "keep");
        var dataDirectory = Path.GetDirectoryName(Path.GetDirectoryName(key.PrivateKeyFile))!;
        var before = await File.ReadAllTextAsync(key.PrivateKeyFile);
        string[] args = ["--domain", "example.org", "--selector", "keep", "--Newsletter:DataDirectory", dataDirectory];

        var (refused, _, error) = await Matching.VerbConsole.RunAsync(() => DkimKeyVerb.RunAsync(args));
        Assert.Equal(1, refused);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(key.PrivateKeyFile));

        var (forced, _, _) = await Matching.VerbConsole.RunAsync(() => DkimKeyVerb.RunAsync([.. args, "--force"]));
        Assert.Equal(0, forced);
        Assert.NotEqual(before, await File.ReadAllTextAsync(key.PrivateKeyFile));
    }

    [Theory]
    [InlineData("only-domain", "Dkim:Selector")]
    [InlineData("missing-file", "Dkim:PrivateKeyFile")]
    [InlineData("not-a-key", "Dkim:PrivateKeyFile")]
    [InlineData("public-key", "Dkim:PrivateKeyFile")]
    [InlineData("bad-domain", "Dkim:Domain")]
    public async Task BadDkimSettings_RefuseStart_NamingTheKey(string problem, string named)
    {
        var key = await DkimKey.CreateAsync();
        var folder = Path.GetDirectoryName(key.PrivateKeyFile)!;
        var settings = key.Settings();
        switch (problem)
        {
            case "only-domain":
                settings.Remove("Dkim:Selector");
                settings.Remove("Dkim:PrivateKeyFile");
                break;
            case "missing-file":
                settings["Dkim:PrivateKeyFile"] = Path.Combine(folder, "nowhere.pem");
                break;
            case "not-a-key":
                settings["Dkim:PrivateKeyFile"] = Path.Combine(folder, "notes.pem");
                await File.WriteAllTextAsync(settings["Dkim:PrivateKeyFile"]!, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
                break;
            case "public-key":
                settings["Dkim:PrivateKeyFile"] = Path.Combine(folder, "public.pem");
                await File.WriteAllTextAsync(settings["Dkim:PrivateKeyFile"]!,
                    $"-----BEGIN PUBLIC KEY-----\n{key.RecordValue[(key.RecordValue.IndexOf("p=", StringComparison.Ordinal) + 2)..]}\n-----END PUBLIC KEY-----\n");
                break;
            case "bad-domain":
                settings["Dkim:Domain"] = "not a domain";
                break;
        }

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => TestApp.StartAsync(settings));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MII", error.Message, StringComparison.Ordinal); // no key material in the message
    }

    [Fact]
    public async Task RelativeKeyFile_IsReadFromTheDataDirectory()
    {
        var key = await DkimKey.CreateAsync();
        var dataDirectory = Path.GetDirectoryName(Path.GetDirectoryName(key.PrivateKeyFile))!;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(key.Settings())
        {
            ["Dkim:PrivateKeyFile"] = Path.GetRelativePath(dataDirectory, key.PrivateKeyFile),
            ["Newsletter:DataDirectory"] = dataDirectory,
        }).Build();

        var settings = StartupSettings.Read(configuration, AppContext.BaseDirectory);

        Assert.True(DkimSigning.Load(settings.Dkim, settings.DataDirectory).Enabled);
    }
}
