using System.Data.Common;
using Newsletter.Subscriptions;

namespace Newsletter.Delivery;

/// <summary>A delivery on its way: its row, its subscriber and what its digest holds.</summary>
public sealed record Outgoing(DueDelivery Due, Subscriber Subscriber, IReadOnlyList<DigestEntryRow> Entries);

/// <summary>A batch's next chunk, its digests chosen and recorded, its rows still queued.</summary>
/// <param name="DueCount">How many due rows it was made from: zero means the batch has nothing more to send now.</param>
public sealed record PreparedChunk(IReadOnlyList<Outgoing> Deliveries, int DueCount);

/// <summary>
/// Gets a batch's deliveries ready in two steps, so the slow one can run while the previous chunk is
/// being sent. <see cref="PrepareAsync"/> plans a chunk's digests together, outside any lock (scoring
/// every new entry for every subscriber), then records them in one transaction: the ledger, whose key
/// refuses any entry another digest took meanwhile, and each digest's entries. The rows stay queued:
/// a crash now leaves them to be sent later with what was chosen. <see cref="ClaimAsync"/>, inside
/// the batch job's short write just before the chunk goes out, moves them to sending.
/// </summary>
public sealed class DeliveryClaimer(DeliveryStore store, SubscriberStore subscribers, DigestPlanner planner, TimeProvider clock)
{
    public async Task<PreparedChunk> PrepareAsync(DbConnection connection, IReadOnlyList<DueDelivery> due, DateTime cutoff)
    {
        if (due.Count == 0)
        {
            return new PreparedChunk([], 0);
        }

        // Read once, for planning and for recording: an unsubscribe that lands after this is caught by the claim.
        var current = (await subscribers.ListByIdsAsync(connection, due.Select(d => d.SubscriberId).ToList())).ToDictionary(s => s.Id);
        var unplanned = due.Where(d => d.SelectedAt is null).Select(d => current.GetValueOrDefault(d.SubscriberId)).OfType<Subscriber>().Where(IsSendable).ToList();
        var plans = await planner.PlanChunkAsync(connection, unplanned, cutoff);

        var now = clock.GetUtcNow().UtcDateTime;
        var ready = new List<(DueDelivery Row, Subscriber Subscriber)>();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            var planned = new List<PlannedDelivery>();
            var rows = due.ToDictionary(d => d.Id);
            foreach (var row in due)
            {
                if (current.GetValueOrDefault(row.SubscriberId) is not { } subscriber || !IsSendable(subscriber))
                {
                    await store.SkipQueuedAsync(tx, row.Id, "no longer subscribed or paused", now);
                    if (row.SelectedAt is not null)
                    {
                        await store.GiveBackEntriesAsync(tx, row.Id, row.SubscriberId);
                    }
                }
                else if (row.SelectedAt is not null)
                {
                    ready.Add((row, subscriber)); // a retry: it sends what was chosen the first time
                }
                else
                {
                    planned.Add(new PlannedDelivery(row.Id, subscriber.Id, plans[subscriber.Id]));
                }
            }

            var recorded = await store.RecordSelectionsAsync(tx, planned, cutoff, now);
            foreach (var delivery in planned)
            {
                if (!recorded.TryGetValue(delivery.DeliveryId, out var count))
                {
                    continue; // another worker took the row meanwhile
                }

                if (count == 0)
                {
                    await store.SkipQueuedAsync(tx, delivery.DeliveryId, "nothing new matched", now);
                }
                else
                {
                    ready.Add((rows[delivery.DeliveryId], current[delivery.SubscriberId]));
                }
            }

            await tx.CommitAsync();
        }

        if (ready.Count == 0)
        {
            return new PreparedChunk([], due.Count);
        }

        var entries = await store.EntriesOfAsync(connection, ready.Select(r => r.Row.Id).ToList());
        return new PreparedChunk(ready.Select(r => new Outgoing(r.Row, r.Subscriber, entries[r.Row.Id].ToList())).ToList(), due.Count);
    }

    /// <summary>
    /// Moves a prepared chunk to sending inside <paramref name="tx"/>: only rows still queued (a paused
    /// and resumed run, or another worker, may have moved them), and only for subscribers still
    /// subscribed and not paused; the others end skipped and give their entries back.
    /// </summary>
    /// <returns>What to send, with each row as it is now (its attempt counted).</returns>
    public async Task<IReadOnlyList<Outgoing>> ClaimAsync(DbTransaction tx, PreparedChunk prepared, DateTime now)
    {
        if (prepared.Deliveries.Count == 0)
        {
            return [];
        }

        var claimed = (await store.ClaimAsync(tx, prepared.Deliveries.Select(d => d.Due.Id).ToList(), now)).ToDictionary(c => c.Id);
        var current = (await subscribers.ListByIdsAsync(tx.Connection!, claimed.Values.Select(c => c.SubscriberId).ToList(), tx)).ToDictionary(s => s.Id);
        var outgoing = new List<Outgoing>(claimed.Count);
        foreach (var delivery in prepared.Deliveries)
        {
            if (!claimed.TryGetValue(delivery.Due.Id, out var row))
            {
                continue;
            }

            if (current.GetValueOrDefault(row.SubscriberId) is { } subscriber && IsSendable(subscriber))
            {
                outgoing.Add(delivery with { Due = row, Subscriber = subscriber });
            }
            else
            {
                await store.FinishAsync(tx.Connection!, row.Id, "skipped", null, "no longer subscribed or paused", now, tx);
                await store.GiveBackEntriesAsync(tx, row.Id, row.SubscriberId);
            }
        }

        return outgoing;
    }

    private static bool IsSendable(Subscriber subscriber) => subscriber is { IsActive: true, Paused: false };
}
