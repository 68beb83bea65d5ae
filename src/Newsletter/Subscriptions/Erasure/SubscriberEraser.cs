using Dapper;
using Newsletter.Data;
using Newsletter.Delivery;
using Newsletter.Matching;

namespace Newsletter.Subscriptions.Erasure;

public enum EraseOutcome { Erased, NotFound }

/// <summary>
/// The right to erasure, for the subscriber ("delete my data") and the operator (the admin API and
/// pages): the subscriber's row and everything linked to it go in one transaction, and only a keyed
/// hash of the address stays (<see cref="AddressSuppression"/>), so a later import does not mail the
/// address without new consent. Links already sent stop working (their subscriber is gone).
/// </summary>
public sealed class SubscriberEraser(
    IDbConnectionFactory connections,
    SqlCatalog sql,
    SubscriberStore subscribers,
    AddressSuppression suppression,
    InterestPreparation interests,
    TimeProvider clock,
    ILogger<SubscriberEraser> logger)
{
    private readonly string eraseSubscriber = sql["erase-subscriber"];
    private readonly string eraseMailLog = sql["erase-address-mail-log"];
    private readonly string eraseTextEmbedding = sql["erase-text-embedding"];
    private readonly string listInterests = sql["list-subscriber-interests"];

    /// <param name="reason">Why, kept with the suppression entry: <c>subscriber-request</c>, <c>operator</c>, ...</param>
    public async Task<EraseOutcome> EraseAsync(long subscriberId, string reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var subscriber = await subscribers.GetAsync(connection, subscriberId, tx);
        if (subscriber is null)
        {
            return EraseOutcome.NotFound;
        }

        var lines = (await connection.QueryAsync<string>(listInterests, new { Id = subscriberId }, tx)).AsList();
        await suppression.SuppressAsync(tx, subscriber.Email, reason, now);
        await connection.ExecuteAsync(eraseMailLog, new { subscriber.Email }, tx);
        await connection.ExecuteAsync(eraseSubscriber, new { Id = subscriberId }, tx);
        var cached = interests.Expand(lines.Select(InterestItems.ForLine).ToList()).Select(i => i.EmbeddingText).Concat(lines).Distinct(StringComparer.Ordinal);
        await connection.ExecuteAsync(eraseTextEmbedding, cached.Select(text => new { Text = text }), tx);
        await tx.CommitAsync(cancellationToken);
        logger.LogInformation("Erased subscriber {SubscriberId} ({Reason}); only a keyed hash of the address is kept", subscriberId, reason);
        return EraseOutcome.Erased;
    }

    /// <param name="email">The address, normalised (<see cref="EmailAddress.Normalise"/>).</param>
    public async Task<EraseOutcome> EraseAsync(string email, string reason, CancellationToken cancellationToken) =>
        await subscribers.FindByEmailAsync(email, cancellationToken) is { } subscriber
            ? await EraseAsync(subscriber.Id, reason, cancellationToken)
            : EraseOutcome.NotFound;
}
