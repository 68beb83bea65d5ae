using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Subscriptions;

/// <summary>What a link is allowed to do. The purpose is part of the signed data, so a token made
/// for one purpose never passes as another.</summary>
public enum TokenPurpose
{
    Confirm,
    Preferences,
    Unsubscribe,
    Feedback,

    /// <summary>The VERP tag of a digest's envelope sender: names a delivery.</summary>
    ReturnPathDelivery,

    /// <summary>The VERP tag of a lifecycle email's envelope sender: names a subscriber.</summary>
    ReturnPathSubscriber,

    /// <summary>The tag of the <c>mailto:</c> List-Unsubscribe address: names a subscriber.</summary>
    MailtoUnsubscribe,

    /// <summary>A digest's web view (<c>/digests/{token}</c>): names a delivery, with its subscriber as the version.</summary>
    DigestView,
}

/// <summary>
/// Signed, opaque link tokens: base64url of (subscriber id, version) followed by
/// HMAC-SHA256(secret, purpose | id | version). For confirmation links the version is the
/// subscription request's id; for the others it is the subscriber's token_version (1 for now:
/// raising it, which no feature does yet, would revoke every link sent so far). Verification
/// compares in constant time.
/// </summary>
public sealed class SubscriberTokens(byte[] secret)
{
    private const int PayloadLength = 16;
    private const int MacLength = 32;

    public string Create(TokenPurpose purpose, long subscriberId, long version)
    {
        Span<byte> token = stackalloc byte[PayloadLength + MacLength];
        BinaryPrimitives.WriteInt64BigEndian(token, subscriberId);
        BinaryPrimitives.WriteInt64BigEndian(token[8..], version);
        Sign(purpose, token[..PayloadLength], token[PayloadLength..]);
        return Base64Url.EncodeToString(token);
    }

    public bool TryRead(string? token, TokenPurpose purpose, out long subscriberId, out long version)
    {
        subscriberId = 0;
        version = 0;
        // IsValid first: the decoder throws, rather than returns false, on characters outside base64url.
        if (token is null || token.Length != Base64Url.GetEncodedLength(PayloadLength + MacLength) || !Base64Url.IsValid(token))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[PayloadLength + MacLength];
        if (!Base64Url.TryDecodeFromChars(token, bytes, out var written) || written != bytes.Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MacLength];
        Sign(purpose, bytes[..PayloadLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[PayloadLength..]))
        {
            return false;
        }

        subscriberId = BinaryPrimitives.ReadInt64BigEndian(bytes);
        version = BinaryPrimitives.ReadInt64BigEndian(bytes[8..]);
        return subscriberId > 0;
    }

    /// <summary>
    /// A short tag for an email address's local part: 16 lower-case hex digits (64 bits) of the same
    /// HMAC over (purpose, id). Short because a local part holds at most 64 characters, lower case
    /// because some relays fold the case of local parts. 64 bits are plenty against guessing: a forger
    /// gets one try per bounce mailed to us.
    /// </summary>
    public string ShortTag(TokenPurpose purpose, long id)
    {
        Span<byte> payload = stackalloc byte[PayloadLength];
        BinaryPrimitives.WriteInt64BigEndian(payload, id);
        Span<byte> mac = stackalloc byte[MacLength];
        Sign(purpose, payload, mac);
        return Convert.ToHexStringLower(mac[..8]);
    }

    public bool VerifyShortTag(TokenPurpose purpose, long id, string tag) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ShortTag(purpose, id)), Encoding.ASCII.GetBytes(tag.ToLowerInvariant()));

    private void Sign(TokenPurpose purpose, ReadOnlySpan<byte> payload, Span<byte> mac)
    {
        var label = Encoding.ASCII.GetBytes($"newsletter-link-v1:{purpose}:");
        var data = new byte[label.Length + payload.Length];
        label.CopyTo(data, 0);
        payload.CopyTo(data.AsSpan(label.Length));
        HMACSHA256.HashData(secret, data, mac);
    }
}
