using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Bounces;
using Newsletter.Subscriptions;

namespace Newsletter.Email;

/// <summary>What a tagged address says, once its tag has been checked.</summary>
public enum TagCheck { NotTagged, Valid, Forged }

/// <summary>
/// The envelope sender (MAIL FROM) of every message, where bounces go: <c>Smtp:ReturnPath</c>, else
/// the From address. With <c>Bounces:Verp</c> the local part carries a signed tag,
/// <c>local+d{deliveryId}-{mac}</c> for a digest and <c>local+s{subscriberId}-{mac}</c> for a
/// lifecycle email, so a bounce names what bounced even when the report quotes nothing, and a forged
/// bounce cannot condemn another subscriber. The <c>mailto:</c> unsubscribe address is tagged the
/// same way (<c>u{subscriberId}</c>) on <c>Bounces:Address</c>.
/// </summary>
public sealed partial class ReturnPath(IOptions<SmtpOptions> smtp, IOptions<BounceOptions> bounces, EmailComposer composer, SubscriberTokens tokens)
{
    /// <summary>The untagged envelope sender.</summary>
    public MailboxAddress Plain() =>
        new("", smtp.Value.ReturnPath is { Length: > 0 } configured ? MailboxAddress.Parse(configured).Address : composer.From().Address);

    public MailboxAddress ForDelivery(long deliveryId) => bounces.Value.Verp ? Tagged(Plain(), 'd', deliveryId) : Plain();

    public MailboxAddress ForSubscriber(long subscriberId) => bounces.Value.Verp ? Tagged(Plain(), 's', subscriberId) : Plain();

    /// <summary>The <c>mailto:</c> List-Unsubscribe target, or null when no <c>Bounces:Address</c> is set.</summary>
    public string? UnsubscribeMailto(long subscriberId) =>
        bounces.Value.MailtoAddress is { } mailbox ? $"mailto:{Tagged(mailbox, 'u', subscriberId).Address}?subject=unsubscribe" : null;

    /// <summary>Reads a tag from an address (any domain: relays rewrite domains less often than they
    /// add headers, and the tag's signature is what counts).</summary>
    public TagCheck Check(string address, out char kind, out long id)
    {
        (kind, id) = ('\0', 0);
        var match = TagPattern().Match(address);
        if (!match.Success)
        {
            return TagCheck.NotTagged;
        }

        kind = char.ToLowerInvariant(match.Groups["kind"].Value[0]);
        if (!long.TryParse(match.Groups["id"].ValueSpan, out id) || !tokens.VerifyShortTag(Purpose(kind), id, match.Groups["mac"].Value))
        {
            id = 0;
            return TagCheck.Forged;
        }

        return TagCheck.Valid;
    }

    private MailboxAddress Tagged(MailboxAddress address, char kind, long id)
    {
        var at = address.Address.LastIndexOf('@');
        return new MailboxAddress("", $"{address.Address[..at]}+{kind}{id}-{tokens.ShortTag(Purpose(kind), id)}{address.Address[at..]}");
    }

    private static TokenPurpose Purpose(char kind) => kind switch
    {
        'd' => TokenPurpose.ReturnPathDelivery,
        's' => TokenPurpose.ReturnPathSubscriber,
        _ => TokenPurpose.MailtoUnsubscribe,
    };

    [GeneratedRegex(@"\+(?<kind>[dsu])(?<id>[0-9]{1,18})-(?<mac>[0-9a-f]{16})@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
