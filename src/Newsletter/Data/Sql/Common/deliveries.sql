-- name: lease-batch
-- One worker at a time per batch; an expired lease (the worker died) can be taken over.
UPDATE delivery_batches SET lease_until = @Until, lease_owner = @Owner
WHERE id = @Id AND (lease_until IS NULL OR lease_until < @Now);

-- name: release-batch
-- Let the next job (a scheduled retry, or another process) take the batch at once; only the holder may.
UPDATE delivery_batches SET lease_until = NULL, lease_owner = NULL WHERE id = @Id AND lease_owner = @Owner;

-- name: get-batch-run
-- The run a batch belongs to.
SELECT run_id FROM delivery_batches WHERE id = @Id;

-- name: finish-delivery
-- sent, failed or skipped, with what the relay said.
UPDATE deliveries SET state = @State, message_id = COALESCE(@MessageId, message_id), last_error = @Error, updated_at = @Now
WHERE id = @Id AND state = 'sending';

-- name: skip-queued-delivery
-- A queued delivery that will not be sent (unsubscribed, paused, nothing new matched), decided while preparing its chunk.
UPDATE deliveries SET state = 'skipped', last_error = @Error, updated_at = @Now
WHERE id = @Id AND state = 'queued';

-- name: retry-delivery-later
-- After a 4xx or a dropped connection: back to queued, not before the given time.
UPDATE deliveries SET state = 'queued', next_attempt_at = @At, last_error = @Error, updated_at = @Now
WHERE id = @Id AND state = 'sending';

-- name: next-retry-in-batch
-- When the batch job should run again for deliveries waiting on a retry.
SELECT MIN(next_attempt_at) FROM deliveries WHERE batch_id = @BatchId AND state = 'queued';

-- name: mark-stale-sending-uncertain
-- A row still 'sending' long after its claim lost its worker mid-send: the relay may or may not
-- have the message. It is final and counted, never re-sent on its own.
UPDATE deliveries SET state = 'uncertain', updated_at = @Now, last_error = 'the sending process stopped during the SMTP exchange'
WHERE state = 'sending' AND claimed_at < @Before;

-- name: list-stalled-batches
-- Batches of live runs with deliveries due now and no live worker (no lease, or an expired one).
SELECT DISTINCT b.id FROM delivery_batches b
JOIN deliveries d ON d.batch_id = b.id
JOIN digest_runs r ON r.id = b.run_id
WHERE r.status IN ('queued', 'running') AND d.state = 'queued'
  AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= @Now)
  AND (b.lease_until IS NULL OR b.lease_until < @Now)
  AND d.updated_at < @QuietSince;

-- name: list-window-entries
-- Every entry that arrived in a window; the batch job indexes a window once for all its subscribers.
-- Newest first, so a cap would cut the oldest (statistics-only) entries, not the new ones.
-- The vector is missing only for an entry that arrived moments before the cutoff; keywords alone match it.
-- Entries the operator hid (admin pages) are never offered.
SELECT e.id, e.title, e.abstract, e.upvotes, e.arrived_at AS ArrivedAt, v.vector AS VectorBlob FROM entries e
LEFT JOIN entry_embeddings v ON v.entry_id = e.id AND v.model = @Model
WHERE e.arrived_at > @Start AND e.arrived_at <= @Cutoff AND e.hidden_at IS NULL
ORDER BY e.arrived_at DESC, e.id DESC
LIMIT 50000;

-- name: get-run-state
-- Checked before each message: a paused run stops its batches.
SELECT status, cutoff_at AS CutoffAt, consecutive_failures AS ConsecutiveFailures FROM digest_runs WHERE id = @Id;

-- name: renew-batch-lease
-- The holder extends its own lease while it works; no row changed means it lost the lease.
UPDATE delivery_batches SET lease_until = @Until WHERE id = @Id AND lease_owner = @Owner;

-- name: sample-sent-deliveries
-- The bench renders real digests of its run again for its baseline.
SELECT id, subscriber_id FROM deliveries WHERE run_id = @RunId AND state = 'sent' ORDER BY id LIMIT @Count;

-- name: upsert-feedback
-- The latest vote counts.
INSERT INTO feedback (subscriber_id, entry_id, vote, created_at) VALUES (@SubscriberId, @EntryId, @Vote, @Now)
ON CONFLICT (subscriber_id, entry_id) DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at;

-- name: get-sent-entry-title
-- For the feedback page: only an entry that was sent to this subscriber can be voted on.
SELECT e.title FROM entries e JOIN sent_entries s ON s.entry_id = e.id
WHERE e.id = @Id AND s.subscriber_id = @SubscriberId;

-- name: list-due-deliveries
-- The batch's next chunk: planned together outside any lock, then claimed in one transaction.
SELECT id, subscriber_id AS SubscriberId, attempts, selected_at AS SelectedAt FROM deliveries
WHERE batch_id = @BatchId AND state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= @Now)
ORDER BY id LIMIT @Limit;

-- name: release-delivery
-- A claimed delivery that was never handed to the relay (the run paused, the process is stopping, its
-- domain is being paced): back to queued, its attempt not counted, due again at @At (null: at once).
UPDATE deliveries SET state = 'queued', attempts = attempts - 1, next_attempt_at = @At, updated_at = @Now
WHERE id = @Id AND state = 'sending';

-- name: earliest-entry-of-delivery
-- A failed delivery gives its entries back: the subscriber's next window must reach back to them.
SELECT MIN(e.arrived_at) FROM delivery_entries de JOIN entries e ON e.id = de.entry_id WHERE de.delivery_id = @Id;

-- name: return-sent-entries
-- The ledger forgets what a failed delivery never delivered, so the next digest may hold it.
DELETE FROM sent_entries WHERE subscriber_id = @SubscriberId AND delivery_id = @Id;

-- name: rewind-digest-window
-- Only backwards, and only as far as the given entries: entries sent since stay in the ledger.
UPDATE subscribers SET digest_window_start = @Start
WHERE id = @SubscriberId AND (digest_window_start IS NULL OR digest_window_start > @Start);

-- name: record-batch-failure
-- Counts a batch job that threw; returns how many times it has.
UPDATE delivery_batches SET failures = failures + 1, last_error = @Error WHERE id = @Id RETURNING failures;
