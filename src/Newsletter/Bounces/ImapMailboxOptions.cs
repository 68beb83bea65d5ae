using Newsletter.Email;

namespace Newsletter.Bounces;

/// <summary>The bounce mailbox, read over IMAP. No host: not read.</summary>
public sealed class ImapMailboxOptions
{
    public string? Host { get; set; }

    /// <summary>0: 993 with <c>SslOnConnect</c>, else 143.</summary>
    public int Port { get; set; }

    /// <summary>The same choices as <c>Smtp:Security</c>.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? Username { get; set; }
    public string? Password { get; set; }
    public string Folder { get; set; } = "INBOX";

    /// <summary>Where handled reports go (created when missing); nothing is ever deleted.</summary>
    public string ProcessedFolder { get; set; } = "Processed";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public int EffectivePort => Port > 0 ? Port : Security == SmtpSecurity.SslOnConnect ? 993 : 143;
}
