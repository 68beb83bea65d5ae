using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Newsletter.Tests.Email;

/// <summary>Debian's python3-dkim (tests/dkim_verify.py): an implementation that shares no code with MimeKit.</summary>
internal static class DkimVerifier
{
    public static async Task<(bool Valid, string Log)> VerifyAsync(byte[] rawMessage, DkimKey key)
    {
        var file = Path.Combine(Path.GetTempPath(), "newsletter-tests", $"{Guid.NewGuid():N}.eml");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, rawMessage);
        try
        {
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "dkim_verify.py"), file, key.RecordName, key.RecordValue })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var log = output + await error;
            Assert.True(process.ExitCode is 0 or 1, $"dkim_verify.py crashed ({process.ExitCode}): {log}");
            return (process.ExitCode == 0, log);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The header names in the DKIM-Signature's h= tag, lower case.</summary>
    public static IReadOnlyList<string> SignedHeaders(MimeKit.MimeMessage message)
    {
        var signature = message.Headers[MimeKit.HeaderId.DkimSignature];
        Assert.False(string.IsNullOrEmpty(signature), "the message has no DKIM-Signature");
        var h = Regex.Match(Regex.Replace(signature, @"\s+", ""), @"(?:^|;)h=([^;]+)").Groups[1].Value;
        return h.Split(':').Select(n => n.ToLowerInvariant()).ToList();
    }

    /// <summary>One tag of the DKIM-Signature (a=, c=, d=, s=).</summary>
    public static string Tag(MimeKit.MimeMessage message, string tag) =>
        Regex.Match(Regex.Replace(message.Headers[MimeKit.HeaderId.DkimSignature] ?? "", @"\s+", ""), $@"(?:^|;){tag}=([^;]+)").Groups[1].Value;
}
