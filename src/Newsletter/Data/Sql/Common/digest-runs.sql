-- name: insert-digest-run
-- A run is created with its cutoff: entries that arrive later belong to the next one.
INSERT INTO digest_runs (kind, status, cutoff_at, created_at) VALUES (@Kind, 'queued', @Now, @Now) RETURNING id;

-- name: insert-delivery-batch
-- Batches group a few hundred deliveries for one Hangfire job.
INSERT INTO delivery_batches (run_id) VALUES (@RunId) RETURNING id;

-- name: set-last-slot
-- Written in the run's transaction, and only forward: of two runs racing for one slot, one gets it.
UPDATE subscribers SET last_slot_at = @Slot WHERE id = @Id AND (last_slot_at IS NULL OR last_slot_at < @Slot);

-- name: get-digest-run
-- The run and its progress, for the API and the batch jobs.
SELECT r.id, r.kind, r.status, r.cutoff_at AS CutoffAt, r.created_at AS CreatedAt, r.completed_at AS CompletedAt,
       r.consecutive_failures AS ConsecutiveFailures, r.paused_reason AS PausedReason,
       (SELECT COUNT(*) FROM deliveries d WHERE d.run_id = r.id) AS Recipients,
       (SELECT COUNT(*) FROM deliveries d WHERE d.run_id = r.id AND d.state = 'sent') AS Sent,
       (SELECT COUNT(*) FROM deliveries d WHERE d.run_id = r.id AND d.state = 'failed') AS Failed,
       (SELECT COUNT(*) FROM deliveries d WHERE d.run_id = r.id AND d.state = 'skipped') AS Skipped,
       (SELECT COUNT(*) FROM deliveries d WHERE d.run_id = r.id AND d.state = 'uncertain') AS Uncertain,
       (SELECT COUNT(*) FROM deliveries d WHERE d.run_id = r.id AND d.state IN ('queued', 'sending')) AS Pending
FROM digest_runs r WHERE r.id = @Id;

-- name: get-run-status
-- Polled while waiting for a run (the bench): the progress counts above read every delivery of the run.
SELECT status FROM digest_runs WHERE id = @Id;

-- name: list-run-batches
-- To enqueue one job per batch after the run is committed.
SELECT id FROM delivery_batches WHERE run_id = @RunId ORDER BY id;

-- name: start-run
-- The first batch to work on a queued run marks it running.
UPDATE digest_runs SET status = 'running' WHERE id = @Id AND status = 'queued';

-- name: complete-run-if-done
-- Completed once every delivery is final (sent, failed, skipped or uncertain); a retry pending keeps it running.
UPDATE digest_runs SET status = 'completed', completed_at = @Now
WHERE id = @Id AND status IN ('queued', 'running')
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.run_id = @Id AND d.state IN ('queued', 'sending'));

-- name: get-run-created-at
-- When the run was created: its duration, for the metrics, once it completes.
SELECT created_at FROM digest_runs WHERE id = @Id;

-- name: pause-run
-- Paused runs are left alone by batch jobs until an operator resumes them.
UPDATE digest_runs SET status = 'paused', paused_reason = @Reason WHERE id = @Id AND status IN ('queued', 'running');

-- name: resume-run
-- Resuming clears the streak; the supervisor then picks the batches up again.
UPDATE digest_runs SET status = 'running', paused_reason = NULL, consecutive_failures = 0 WHERE id = @Id AND status = 'paused';

-- name: list-unfinished-runs
-- For the supervisor: runs that may need their batches enqueued again or marking complete.
SELECT id FROM digest_runs WHERE status IN ('queued', 'running');

-- name: add-run-failures
-- A chunk with no success adds its failures to the streak; returns the new streak.
UPDATE digest_runs SET consecutive_failures = consecutive_failures + @Count WHERE id = @Id RETURNING consecutive_failures;

-- name: set-run-failures
-- A chunk with a success ends the streak at the failures after its last success.
UPDATE digest_runs SET consecutive_failures = @Count WHERE id = @Id AND consecutive_failures <> @Count;

-- name: fail-run
-- A batch that kept failing ends its run: the reason is shown where a pause's would be.
UPDATE digest_runs SET status = 'failed', paused_reason = @Reason, completed_at = @Now WHERE id = @Id AND status IN ('queued', 'running', 'paused');
