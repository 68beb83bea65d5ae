using System.Globalization;

namespace Newsletter.Subscriptions;

/// <summary>
/// Validates and normalises an address the way we store it: trimmed, lower case, and the domain
/// in its ASCII (punycode) form, so <c>Ana@Bücher.example</c> and <c>ana@xn--bcher-kva.example</c>
/// are one subscriber. We accept only dot-atom local parts (no quoting, no comments) in ASCII,
/// because that is what every relay delivers; internationalised domains are fine.
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254;
    public const int MaxLocalPartLength = 64;
    private const string LocalPartSymbols = "!#$%&'*+/=?^_`{|}~-";
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <returns>The normalised address, or null with <paramref name="error"/> saying what is wrong.</returns>
    public static string? Normalise(string? input, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "Enter your email address.";
            return null;
        }

        if (input.Any(char.IsControl))
        {
            error = "The address must not contain line breaks or control characters.";
            return null;
        }

        var address = input.Trim();
        if (address.Length > MaxLength)
        {
            error = $"The address is longer than {MaxLength} characters.";
            return null;
        }

        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1 || address.IndexOf('@') != at)
        {
            error = "Enter an address of the form name@example.org.";
            return null;
        }

        var local = address[..at];
        var domain = NormaliseDomain(address[(at + 1)..], out error);
        if (domain is null)
        {
            return null;
        }

        if (local.Length > MaxLocalPartLength)
        {
            error = $"The part before the @ is longer than {MaxLocalPartLength} characters.";
            return null;
        }

        if (!IsDotAtom(local))
        {
            error = "The part before the @ may hold only letters a-z, digits, dots (not first, last or doubled) and !#$%&'*+/=?^_`{|}~-.";
            return null;
        }

        var normalised = local.ToLowerInvariant() + "@" + domain;
        if (normalised.Length > MaxLength)
        {
            error = $"The address is longer than {MaxLength} characters once its domain is encoded.";
            return null;
        }

        return normalised;
    }

    /// <summary>The address as a person reads it: the domain back in Unicode.</summary>
    public static string ForDisplay(string normalised)
    {
        var at = normalised.LastIndexOf('@');
        if (at < 0)
        {
            return normalised;
        }

        try
        {
            return normalised[..at] + "@" + Idn.GetUnicode(normalised[(at + 1)..]);
        }
        catch (ArgumentException)
        {
            return normalised;
        }
    }

    private static string? NormaliseDomain(string domain, out string? error)
    {
        error = null;
        string ascii;
        try
        {
            ascii = Idn.GetAscii(domain.TrimEnd('.')).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = "The domain after the @ is not a valid domain name.";
            return null;
        }

        var labels = ascii.Split('.');
        if (labels.Length < 2)
        {
            error = "The domain after the @ must contain a dot, as in example.org.";
            return null;
        }

        if (ascii.Length > 253 || labels.Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || l.EndsWith('-') || !l.All(IsLdh)))
        {
            error = "The domain after the @ is not a valid domain name.";
            return null;
        }

        if (labels[^1].All(char.IsAsciiDigit))
        {
            error = "The domain after the @ must be a name, not a numeric address.";
            return null;
        }

        return ascii;
    }

    private static bool IsLdh(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';

    private static bool IsDotAtom(string local) =>
        !local.StartsWith('.') && !local.EndsWith('.') && !local.Contains("..", StringComparison.Ordinal)
        && local.All(c => char.IsAsciiLetterOrDigit(c) || c == '.' || LocalPartSymbols.Contains(c));
}
