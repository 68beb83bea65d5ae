using MimeKit;

namespace Newsletter.Email;

public enum SmtpSecurity
{
    /// <summary>TLS on connect for port 465, STARTTLS when the server offers it otherwise (MailKit's Auto).</summary>
    Auto,
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>The <c>Smtp</c> configuration section. No <see cref="Host"/> means the built-in mail catcher.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>The From address; <c>Paper Digest &lt;digest@{public host}&gt;</c> when unset.</summary>
    public string? From { get; set; }

    /// <summary>The name announced in EHLO; the machine name when unset. Relays and spam filters compare it with the sending IP's reverse DNS.</summary>
    public string? HeloName { get; set; }

    /// <summary>The envelope sender (MAIL FROM), where bounces go; the From address when unset.</summary>
    public string? ReturnPath { get; set; }

    /// <summary>Turns off PIPELINING even when the server offers it (some test servers answer pipelined commands slowly).</summary>
    public bool DisablePipelining { get; set; }

    /// <summary>How long one SMTP command may take before the connection is given up.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Port of the built-in mail catcher when no host is set; 0 picks a free port on loopback.</summary>
    public int CatcherPort { get; set; }

    public bool UsesMailCatcher => string.IsNullOrWhiteSpace(Host);

    public IEnumerable<string> Validate()
    {
        if (Port is < 1 or > 65535)
        {
            yield return $"Smtp:Port must be between 1 and 65535 (got {Port}).";
        }

        if (CatcherPort is < 0 or > 65535)
        {
            yield return $"Smtp:CatcherPort must be between 0 and 65535 (got {CatcherPort}).";
        }

        if (Host is { Length: > 0 } host && (host.Any(char.IsWhiteSpace) || Uri.CheckHostName(host) == UriHostNameType.Unknown))
        {
            yield return $"Smtp:Host is not a host name or IP address (got '{host}').";
        }

        if (From is { Length: > 0 } from && !MailboxAddress.TryParse(from, out _))
        {
            yield return $"Smtp:From is not an address such as 'Paper Digest <digest@example.org>' (got '{from}').";
        }

        if (HeloName is { Length: > 0 } helo && Uri.CheckHostName(helo) != UriHostNameType.Dns)
        {
            yield return $"Smtp:HeloName must be a host name such as mail.example.org (got '{helo}').";
        }

        if (ReturnPath is { Length: > 0 } returnPath && !IsBareAddress(returnPath))
        {
            yield return $"Smtp:ReturnPath must be a bare address such as 'bounces@example.org' (got '{returnPath}').";
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            yield return "Smtp:Username and Smtp:Password must be set together.";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return "Smtp:Timeout must be positive, e.g. 00:00:30.";
        }
    }

    /// <summary>An address an envelope can carry: no display name, no quoting, a domain with a dot.</summary>
    public static bool IsBareAddress(string value) =>
        MailboxAddress.TryParse(value, out var parsed) && parsed is not null
        && string.IsNullOrEmpty(parsed.Name)
        && parsed.Address == value.Trim()
        && parsed.LocalPart.Length is > 0 and <= 64
        && !parsed.LocalPart.Contains('"')
        && parsed.Domain.Contains('.');
}
