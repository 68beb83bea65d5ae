using Dapper;
using Newsletter.Data;

namespace Newsletter.Bounces;

/// <summary>Finds who a report is about, and keeps the soft bounces (Data/Sql/Common/bounces.sql).</summary>
public sealed class BounceStore(IDbConnectionFactory connections, SqlCatalog sql)
{
    private readonly string subscriberOfDelivery = sql["subscriber-of-delivery"];
    private readonly string subscriberOfMessageId = sql["subscriber-of-message-id"];
    private readonly string insertSoftBounce = sql["insert-soft-bounce"];
    private readonly string countSoftBounces = sql["count-soft-bounces-since"];

    public async Task<long?> SubscriberOfDeliveryAsync(long deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<long?>(subscriberOfDelivery, new { Id = deliveryId });
    }

    public async Task<long?> SubscriberOfMessageIdAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<long?>(subscriberOfMessageId, new { MessageId = messageId });
    }

    /// <summary>Records a soft bounce (once per report) and answers how many the subscriber has had since <paramref name="since"/>.</summary>
    public async Task<long> AddSoftBounceAsync(long subscriberId, string reportId, string status, DateTime now, DateTime since, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(insertSoftBounce, new { SubscriberId = subscriberId, ReportId = reportId, Status = status, Now = now });
        return await connection.ExecuteScalarAsync<long>(countSoftBounces, new { SubscriberId = subscriberId, Since = since });
    }
}
