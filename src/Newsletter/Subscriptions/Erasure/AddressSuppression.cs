using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Newsletter.Data;

namespace Newsletter.Subscriptions.Erasure;

/// <summary>
/// What erasure leaves behind: HMAC-SHA256 of the normalised address, under a key derived from the
/// signing key (never a bare hash, which anyone could compute for a guessed address). It is enough to
/// recognise the address when an import offers it again, and nothing else: the address cannot be read
/// back from it. Rotating <c>Newsletter:SigningKey</c> changes the key, and with it every entry's hash:
/// the list then no longer recognises addresses erased before (see README, "Import, export and GDPR").
/// </summary>
public sealed class AddressSuppression(byte[] signingKey, SqlCatalog sql)
{
    private readonly byte[] key = HMACSHA256.HashData(signingKey, "newsletter/suppressed-addresses/v1"u8);
    private readonly string find = sql["find-suppressed-address"];
    private readonly string suppress = sql["suppress-address"];

    /// <summary>The keyed hash of a normalised address, as lower-case hex.</summary>
    public string HashOf(string normalisedEmail) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(normalisedEmail)));

    /// <returns>When the address was last erased, or null when it never was.</returns>
    public async Task<DateTime?> ErasedAtAsync(DbConnection connection, string normalisedEmail, DbTransaction? tx = null) =>
        await connection.QuerySingleOrDefaultAsync<DateTime?>(find, new { Hash = HashOf(normalisedEmail) }, tx) is { } at
            ? DateTime.SpecifyKind(at, DateTimeKind.Utc)
            : null;

    public Task SuppressAsync(DbTransaction tx, string normalisedEmail, string reason, DateTime now) =>
        tx.Connection!.ExecuteAsync(suppress, new { Hash = HashOf(normalisedEmail), Reason = reason, Now = now }, tx);
}
