using MimeKit;
using Newsletter.Configuration;
using Newsletter.Email;

namespace Newsletter.Bounces;

/// <summary>The <c>Bounces</c> configuration section: VERP, the bounce mailbox, and when soft bounces condemn an address.</summary>
public sealed class BounceOptions
{
    public const string Section = "Bounces";

    /// <summary>Envelope senders of the form <c>local+tag@domain</c> (the tag names the delivery or subscriber, signed).</summary>
    public bool Verp { get; set; }

    /// <summary>The bounce mailbox's address; when set, List-Unsubscribe also offers <c>mailto:</c> to it.</summary>
    public string? Address { get; set; }

    /// <summary>This many soft bounces (4.x.x or "delayed") within <see cref="SoftBounceDays"/> make the address bounced.</summary>
    public int SoftBounceLimit { get; set; } = 3;

    public int SoftBounceDays { get; set; } = 7;

    /// <summary>How often the recurring job reads the mailbox.</summary>
    public string PollCron { get; set; } = "*/5 * * * *";

    public ImapMailboxOptions Imap { get; set; } = new();

    /// <summary>Signs the provider webhook's calls (<see cref="BounceWebhook"/>); unset: the webhook is off.</summary>
    public string? WebhookSecret { get; set; }

    public MailboxAddress? MailtoAddress => Address is { Length: > 0 } a ? MailboxAddress.Parse(a) : null;

    /// <summary>Binds and checks the section; a bad value stops the start with a line naming the key.</summary>
    public static BounceOptions Read(IConfiguration configuration)
    {
        BounceOptions options;
        try
        {
            options = configuration.GetSection(Section).Get<BounceOptions>() ?? new BounceOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"Invalid configuration:\n  {e.Message}");
        }

        var errors = options.Validate().ToList();
        return errors.Count == 0 ? options : throw new ConfigurationException("Invalid configuration:\n  " + string.Join("\n  ", errors));
    }

    public IEnumerable<string> Validate()
    {
        if (Address is { Length: > 0 } address && !SmtpOptions.IsBareAddress(address))
        {
            yield return $"Bounces:Address must be a bare address such as 'bounces@example.org' (got '{address}').";
        }

        if (WebhookSecret is { Length: > 0 and < 32 })
        {
            yield return "Bounces:WebhookSecret must be at least 32 characters (e.g. `openssl rand -hex 32`).";
        }

        if (SoftBounceLimit < 1)
        {
            yield return $"Bounces:SoftBounceLimit must be at least 1 (got {SoftBounceLimit}).";
        }

        if (SoftBounceDays < 1)
        {
            yield return $"Bounces:SoftBounceDays must be at least 1 (got {SoftBounceDays}).";
        }

        if (Imap.Host is { Length: > 0 } host && (host.Any(char.IsWhiteSpace) || Uri.CheckHostName(host) == UriHostNameType.Unknown))
        {
            yield return $"Bounces:Imap:Host is not a host name or IP address (got '{host}').";
        }

        if (Imap.Port is < 0 or > 65535)
        {
            yield return $"Bounces:Imap:Port must be between 1 and 65535 (got {Imap.Port}).";
        }

        if (Imap.IsConfigured && (string.IsNullOrEmpty(Imap.Username) || string.IsNullOrEmpty(Imap.Password)))
        {
            yield return "Bounces:Imap:Username and Bounces:Imap:Password must be set when Bounces:Imap:Host is.";
        }

        if (string.IsNullOrWhiteSpace(Imap.Folder) || string.IsNullOrWhiteSpace(Imap.ProcessedFolder))
        {
            yield return "Bounces:Imap:Folder and Bounces:Imap:ProcessedFolder must name folders (defaults: INBOX and Processed).";
        }
    }
}
