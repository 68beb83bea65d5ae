-- name: insert-subscriber-import
-- One row per accepted upload, written before its job is enqueued.
INSERT INTO subscriber_imports (status, file_name, file_bytes, created_at, updated_at)
VALUES ('queued', @FileName, @FileBytes, @Now, @Now)
RETURNING id;

-- name: get-subscriber-import
-- The progress endpoint and the job's resume point.
SELECT id, status, file_name AS FileName, file_bytes AS FileBytes, rows_read AS RowsRead, imported_active AS ImportedActive,
       pending_confirmation AS PendingConfirmation, confirmations_sent AS ConfirmationsSent, skipped_existing AS SkippedExisting,
       skipped_suppressed AS SkippedSuppressed, bad_rows AS BadRows, last_line AS LastLine, last_error AS LastError,
       created_at AS CreatedAt, started_at AS StartedAt, completed_at AS CompletedAt, updated_at AS UpdatedAt
FROM subscriber_imports WHERE id = @Id;

-- name: list-subscriber-import-errors
-- The bad rows kept for one import, by line.
SELECT line, reason FROM subscriber_import_errors WHERE import_id = @Id ORDER BY line LIMIT @Limit;

-- name: claim-subscriber-import
-- One job works on an import at a time: Hangfire may fetch a long job twice, and a second copy finds
-- the lease held and leaves. A lease that ran out (its process died) is taken over; the owner renews it.
UPDATE subscriber_imports
SET lease_owner = @Owner, lease_until = @Until, status = 'running', started_at = COALESCE(started_at, @Now), updated_at = @Now
WHERE id = @Id AND status IN ('queued', 'running')
  AND (lease_until IS NULL OR lease_until < @Now OR lease_owner = @Owner);

-- name: save-subscriber-import-progress
-- Written in the transaction of the rows it counts, so a resumed job neither repeats nor loses a row.
-- No row changed: the lease was lost to another job, which carries on from this checkpoint.
UPDATE subscriber_imports
SET rows_read = @RowsRead, imported_active = @ImportedActive, pending_confirmation = @PendingConfirmation,
    skipped_existing = @SkippedExisting, skipped_suppressed = @SkippedSuppressed, bad_rows = @BadRows,
    last_line = @LastLine, lease_until = @Until, updated_at = @Now
WHERE id = @Id AND lease_owner = @Owner;

-- name: count-subscriber-import-confirmation
-- One confirmation email of the import went out.
UPDATE subscriber_imports SET confirmations_sent = confirmations_sent + 1, updated_at = @Now WHERE id = @Id;

-- name: insert-subscriber-import-error
-- A bad row, kept while the import holds fewer than the cap (the caller counts).
INSERT INTO subscriber_import_errors (import_id, line, reason) VALUES (@Id, @Line, @Reason)
ON CONFLICT (import_id, line) DO NOTHING;

-- name: complete-subscriber-import
-- Every row read and every confirmation sent.
UPDATE subscriber_imports
SET status = 'completed', completed_at = @Now, lease_owner = NULL, lease_until = NULL, updated_at = @Now
WHERE id = @Id;

-- name: fail-subscriber-import
-- Given up for good (the file is gone, or the job failed on every attempt), with the reason.
UPDATE subscriber_imports
SET status = 'failed', last_error = @Error, completed_at = @Now, lease_owner = NULL, lease_until = NULL, updated_at = @Now
WHERE id = @Id AND status <> 'completed';

-- name: note-subscriber-import-error
-- An attempt failed and Hangfire will try again: shown by the progress endpoint meanwhile.
UPDATE subscriber_imports SET last_error = @Error, lease_owner = NULL, lease_until = NULL, updated_at = @Now WHERE id = @Id;

-- name: list-stalled-subscriber-imports
-- Imports whose job died with its process (no live lease), old enough that their own job is not merely queued.
SELECT id FROM subscriber_imports
WHERE status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < @Now) AND updated_at < @Before
ORDER BY id LIMIT 100;

-- name: list-unmailed-import-requests
-- Confirmations the import owes (a crash between commit and send): sent before the job reads on.
SELECT r.id, r.subscriber_id AS SubscriberId FROM subscription_requests r JOIN subscribers s ON s.id = r.subscriber_id
WHERE r.import_id = @Id AND r.email_sent_at IS NULL AND r.closed_at IS NULL AND s.status = 'pending'
ORDER BY r.id;

-- name: insert-import-subscription-request
-- What the imported row asks for; its confirmation link turns it into settings (double opt-in).
INSERT INTO subscription_requests (subscriber_id, topics, interests, frequency, source, created_at, import_id)
VALUES (@SubscriberId, @Topics, @Interests, @Frequency, 'import', @Now, @ImportId)
RETURNING id;

-- name: has-open-subscription-request
-- A pending address that already waits on a confirmation link is not mailed a second one by an import.
SELECT COUNT(*) FROM subscription_requests WHERE subscriber_id = @Id AND closed_at IS NULL AND created_at >= @Since;

-- name: activate-imported-subscriber
-- Consent evidence from the file: active from the moment the person consented, settings from the row.
UPDATE subscribers
SET status = 'active', frequency = @Frequency, paused = false, confirmed_at = @ConsentedAt,
    unsubscribed_at = NULL, updated_at = @Now
WHERE id = @Id AND status IN ('pending', 'unsubscribed');

-- name: release-subscriber-import-lease
-- A job stopped by a shutdown lets go at once, so the same job, requeued by Hangfire, resumes on the next start.
UPDATE subscriber_imports SET lease_owner = NULL, lease_until = NULL WHERE id = @Id AND lease_owner = @Owner;
