using System.Security.Cryptography;
using System.Text;
using Dapper;
using Newsletter.Data;

namespace Newsletter.Configuration;

/// <summary>
/// Keeps the processes on one database from disagreeing on keys. A process records a fingerprint
/// of its signing and admin keys (an HMAC of a fixed label: it names the key and reveals nothing of
/// it) and refreshes it every minute while it runs. A process that starts with a different key
/// while a peer's fingerprint is fresh refuses to start: its links would fail on the peers, and
/// theirs on it. A stale fingerprint (every peer stopped) is replaced: that is how a key is rotated.
/// </summary>
public sealed class KeyFingerprints(IDbConnectionFactory connections, SqlCatalog sql, TimeProvider clock, GeneratedSecrets secrets)
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromMinutes(1);

    /// <summary>A fingerprint refreshed within this long belongs to a live process.</summary>
    public static readonly TimeSpan LiveWithin = TimeSpan.FromMinutes(3);

    private readonly string get = sql["get-key-fingerprint"];
    private readonly string put = sql["put-key-fingerprint"];
    private readonly string touch = sql["touch-key-fingerprint"];

    private IEnumerable<(string Name, string Setting, string Fingerprint)> Keys =>
    [
        ("signing-key", "Newsletter:SigningKey", Of(secrets.SigningKey)),
        ("admin-key", "Admin:ApiKey", Of(Encoding.UTF8.GetBytes(secrets.AdminApiKey))),
    ];

    public async Task ClaimAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connections.BeginSerializedAsync(connection, WriteOrder.KeyFingerprints, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (name, setting, fingerprint) in Keys)
        {
            var recorded = await connection.QuerySingleOrDefaultAsync<Recorded>(get, new { Name = name }, tx);
            if (recorded is not null && recorded.Fingerprint != fingerprint && now - AsUtc(recorded.SeenAt) < LiveWithin)
            {
                throw new ConfigurationException(
                    $"{setting}: another process on this database uses a different key (seen {(now - AsUtc(recorded.SeenAt)).TotalSeconds:N0} s ago); "
                    + $"links and admin calls would work on one and fail on the other. Give every process the same {setting}"
                    + " (on PostgreSQL, or leave it unset everywhere to share the one kept in the database). If that process has"
                    + $" stopped (a key being rotated), this one may start {LiveWithin.TotalMinutes:N0} minutes after it last ran.");
            }

            await connection.ExecuteAsync(put, new { Name = name, Fingerprint = fingerprint, Now = now }, tx);
        }

        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Tells newcomers this process is alive with these keys.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (name, _, fingerprint) in Keys)
        {
            await connection.ExecuteAsync(touch, new { Name = name, Fingerprint = fingerprint, Now = now });
        }
    }

    private static string Of(byte[] key) =>
        Convert.ToHexString(HMACSHA256.HashData(key, "newsletter key fingerprint"u8))[..16];

    private static DateTime AsUtc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private sealed class Recorded
    {
        public string Fingerprint { get; init; } = "";

        public DateTime SeenAt { get; init; }
    }
}

/// <summary>Refreshes this process's key fingerprints while it runs.</summary>
public sealed class KeyFingerprintRefresher(KeyFingerprints fingerprints, ILogger<KeyFingerprintRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(KeyFingerprints.RefreshEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await fingerprints.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not refresh this process's key fingerprints; will try again in a minute");
            }
        }
    }
}
