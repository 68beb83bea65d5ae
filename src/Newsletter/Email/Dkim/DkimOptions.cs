namespace Newsletter.Email.Dkim;

/// <summary>The <c>Dkim</c> configuration section: all three keys set signs every message; none set signs nothing.</summary>
public sealed class DkimOptions
{
    public const string Section = "Dkim";

    /// <summary>The signing domain (d=); for DMARC it must be the From address's domain or a parent of it.</summary>
    public string? Domain { get; set; }

    /// <summary>The selector (s=): the public key is published at <c>{Selector}._domainkey.{Domain}</c>.</summary>
    public string? Selector { get; set; }

    /// <summary>A PEM private key (RSA or Ed25519); a relative path is read from the data directory.</summary>
    public string? PrivateKeyFile { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(PrivateKeyFile);

    public IEnumerable<string> Validate()
    {
        string?[] values = [Domain, Selector, PrivateKeyFile];
        var set = values.Count(v => !string.IsNullOrWhiteSpace(v));
        if (set is 0)
        {
            yield break;
        }

        // Half a configuration would send unsigned mail the operator believes is signed.
        foreach (var (key, value) in new[] { ("Dkim:Domain", Domain), ("Dkim:Selector", Selector), ("Dkim:PrivateKeyFile", PrivateKeyFile) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"{key} must be set too: DKIM signing needs Dkim:Domain, Dkim:Selector and Dkim:PrivateKeyFile together (or none of them).";
            }
        }

        if (Domain is { Length: > 0 } domain && (Uri.CheckHostName(domain) != UriHostNameType.Dns || !domain.Contains('.')))
        {
            yield return $"Dkim:Domain must be a domain name such as example.org (got '{domain}').";
        }

        if (Selector is { Length: > 0 } selector && !IsDnsLabels(selector))
        {
            yield return $"Dkim:Selector must be a DNS label such as 'news2026' (got '{selector}').";
        }
    }

    private static bool IsDnsLabels(string value) =>
        value.Split('.').All(label => label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && label[0] != '-' && label[^1] != '-');
}
