using System.Data.Common;
using System.Text.Json;
using Dapper;
using Newsletter.Data;

namespace Newsletter.Subscriptions;

/// <summary>Client details kept with each consent event: the audit trail needs where a change came from.</summary>
public sealed record ClientInfo(string? Ip, string? UserAgent)
{
    public static ClientInfo From(HttpContext context) => new(
        context.Connection.RemoteIpAddress?.ToString(),
        Truncate(context.Request.Headers.UserAgent.ToString(), 512));

    private static string? Truncate(string value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}

/// <summary>Subscription requests, the consent trail and the per-address mail log.</summary>
public sealed class SubscriptionRequestStore(SqlCatalog sql)
{
    private readonly string listUnmailed = sql["list-unmailed-requests"];
    private readonly string markSwept = sql["mark-request-swept"];
    private readonly string insertRequest = sql["insert-subscription-request"];
    private readonly string getRequest = sql["get-subscription-request"];
    private readonly string markConfirmed = sql["mark-subscription-request-confirmed"];
    private readonly string closeOpen = sql["close-open-subscription-requests"];
    private readonly string markEmailSent = sql["mark-confirmation-email-sent"];
    private readonly string insertConsent = sql["insert-consent-event"];
    private readonly string listConsent = sql["list-consent-events"];
    private readonly string countAddressMails = sql["count-address-mails-since"];
    private readonly string insertAddressMail = sql["insert-address-mail"];
    private readonly string purgeAddressMails = sql["purge-address-mail-log"];
    private readonly string purgeNeverConfirmed = sql["purge-never-confirmed-subscribers"];
    private readonly string purgeExpiredRequests = sql["purge-expired-subscription-requests"];

    public Task<long> InsertAsync(DbTransaction tx, long subscriberId, ValidSubscription request, string source, ClientInfo client, DateTime now) =>
        tx.Connection!.ExecuteScalarAsync<long>(insertRequest, new
        {
            SubscriberId = subscriberId,
            Topics = JsonSerializer.Serialize(request.Topics),
            Interests = string.Join('\n', request.Interests),
            request.Frequency,
            Source = source,
            ClientIp = client.Ip,
            client.UserAgent,
            Now = now,
        }, tx);

    public Task<SubscriptionRequestRow?> GetAsync(DbConnection connection, long subscriberId, long requestId, DbTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<SubscriptionRequestRow>(getRequest, new { Id = requestId, SubscriberId = subscriberId }, tx);

    /// <returns>true when this call confirmed the request, false when it was already closed.</returns>
    public async Task<bool> MarkConfirmedAsync(DbTransaction tx, long subscriberId, long requestId, DateTime now)
    {
        var changed = await tx.Connection!.ExecuteAsync(markConfirmed, new { Id = requestId, Now = now }, tx);
        await tx.Connection!.ExecuteAsync(closeOpen, new { SubscriberId = subscriberId, Now = now }, tx);
        return changed == 1;
    }

    /// <returns>true when this call is the first to record the email as sent.</returns>
    /// <summary>Open requests created in the span whose confirmation never went out and was never swept.</summary>
    public async Task<IReadOnlyList<(long Id, long SubscriberId)>> UnmailedAsync(DbConnection connection, DateTime createdAfter, DateTime createdBefore) =>
        (await connection.QueryAsync<(long, long)>(listUnmailed, new { NotBefore = createdAfter, Before = createdBefore })).AsList();

    /// <returns>True when this call is the one that swept the request.</returns>
    public async Task<bool> MarkSweptAsync(DbConnection connection, long requestId, DateTime now) =>
        await connection.ExecuteAsync(markSwept, new { Id = requestId, Now = now }) == 1;

    public async Task<bool> MarkEmailSentAsync(DbConnection connection, long requestId, DateTime now) =>
        await connection.ExecuteAsync(markEmailSent, new { Id = requestId, Now = now }) == 1;

    public Task RecordConsentAsync(DbTransaction tx, long subscriberId, string kind, object detail, ClientInfo client, DateTime now) =>
        tx.Connection!.ExecuteAsync(insertConsent, new
        {
            SubscriberId = subscriberId,
            Kind = kind,
            Detail = JsonSerializer.Serialize(detail, JsonSerializerOptions.Web),
            ClientIp = client.Ip,
            client.UserAgent,
            Now = now,
        }, tx);

    public async Task<IReadOnlyList<ConsentEvent>> ListConsentAsync(DbConnection connection, long subscriberId) =>
        (await connection.QueryAsync<ConsentEvent>(listConsent, new { SubscriberId = subscriberId })).AsList();

    public Task<AddressMailCount> CountAddressMailsAsync(DbTransaction tx, string email, DateTime since) =>
        tx.Connection!.QuerySingleAsync<AddressMailCount>(countAddressMails, new { Email = email, Since = since }, tx);

    public Task<int> PurgeAddressMailsAsync(DbConnection connection, DateTime before) =>
        connection.ExecuteAsync(purgeAddressMails, new { Before = before });

    public Task<int> PurgeNeverConfirmedAsync(DbConnection connection, DateTime before) =>
        connection.ExecuteAsync(purgeNeverConfirmed, new { Before = before });

    public Task<int> PurgeExpiredRequestsAsync(DbConnection connection, DateTime before) =>
        connection.ExecuteAsync(purgeExpiredRequests, new { Before = before });

    public Task LogAddressMailAsync(DbTransaction tx, string email, string kind, DateTime now) =>
        tx.Connection!.ExecuteAsync(insertAddressMail, new { Email = email, Kind = kind, Now = now }, tx);
}

public sealed class AddressMailCount
{
    public long Count { get; init; }
    public DateTime? Oldest { get; init; }
}

public sealed class ConsentEvent
{
    public string Kind { get; init; } = "";
    public string Detail { get; init; } = "{}";
    public string? ClientIp { get; init; }
    public string? UserAgent { get; init; }
    public DateTime OccurredAt { get; init; }
}
