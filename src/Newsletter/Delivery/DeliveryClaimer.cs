using System.Data.Common;
using Newsletter.Subscriptions;

namespace Newsletter.Delivery;

/// <summary>A delivery claimed for sending: its row, its subscriber and what its digest holds.</summary>
public sealed record Outgoing(DueDelivery Due, Subscriber Subscriber, IReadOnlyList<DigestEntryRow> Entries);

/// <summary>
/// Claims a chunk of due deliveries in one transaction. Their digests are planned first, together and
/// outside any lock (the slow part: scoring every new entry for every subscriber); the transaction
/// then claims the rows still queued, re-reads their subscribers (an unsubscribe may have landed),
/// and writes each plan to the ledger, whose key refuses any entry another digest took meanwhile.
/// </summary>
public sealed class DeliveryClaimer(DeliveryStore store, SubscriberStore subscribers, DigestPlanner planner, TimeProvider clock)
{
    public async Task<IReadOnlyList<Outgoing>> ClaimAsync(DbConnection connection, IReadOnlyList<DueDelivery> due, DateTime cutoff)
    {
        var unplanned = due.Where(d => d.SelectedAt is null).Select(d => d.SubscriberId).ToList();
        var sendable = (await subscribers.ListByIdsAsync(connection, unplanned)).Where(s => s is { IsActive: true, Paused: false }).ToList();
        var plans = await planner.PlanChunkAsync(connection, sendable, cutoff);

        var now = clock.GetUtcNow().UtcDateTime;
        var ready = new List<(DueDelivery Row, Subscriber Subscriber)>();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            var claimed = await store.ClaimAsync(tx, due.Select(d => d.Id).ToList(), now);
            var current = (await subscribers.ListByIdsAsync(connection, claimed.Select(c => c.SubscriberId).ToList(), tx)).ToDictionary(s => s.Id);
            var unplannedNow = new List<long>();
            var planned = new List<PlannedDelivery>();
            foreach (var row in claimed)
            {
                if (current.GetValueOrDefault(row.SubscriberId) is not { IsActive: true, Paused: false } subscriber)
                {
                    await store.FinishAsync(connection, row.Id, "skipped", null, "no longer subscribed or paused", now, tx);
                }
                else if (row.SelectedAt is not null)
                {
                    ready.Add((row, subscriber)); // a retry: it sends what was chosen the first time
                }
                else if (plans.TryGetValue(subscriber.Id, out var picks))
                {
                    planned.Add(new PlannedDelivery(row.Id, subscriber.Id, picks));
                    ready.Add((row, subscriber));
                }
                else
                {
                    unplannedNow.Add(row.Id); // came back (resumed, confirmed again) since planning: the next chunk plans it
                }
            }

            // The ledger's key re-checks every pick inside the transaction: what another digest took meanwhile is left out.
            var recorded = await store.RecordSelectionsAsync(tx, planned, cutoff, now);
            foreach (var empty in planned.Where(p => recorded[p.DeliveryId] == 0))
            {
                await store.FinishAsync(connection, empty.DeliveryId, "skipped", null, "nothing new matched", now, tx);
                ready.RemoveAll(r => r.Row.Id == empty.DeliveryId);
            }

            await store.ReleaseAsync(tx, unplannedNow, now);
            await tx.CommitAsync();
        }

        if (ready.Count == 0)
        {
            return [];
        }

        var entries = await store.EntriesOfAsync(connection, ready.Select(r => r.Row.Id).ToList());
        return ready.Select(r => new Outgoing(r.Row, r.Subscriber, entries[r.Row.Id].ToList())).ToList();
    }
}
