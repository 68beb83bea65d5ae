-- Queries of the admin pages (/admin). Lists page by id (keyset), never by OFFSET: a page costs the
-- same at the millionth row as at the first.

-- name: admin-count-subscribers-by-status
-- The overview's first figures.
SELECT status, COUNT(*) AS Count FROM subscribers GROUP BY status;

-- name: admin-list-latest-runs
-- The latest runs (or the one run @Id) with their progress in one pass over their deliveries (the index is (run_id, state)).
SELECT r.id, r.kind, r.status, r.created_at AS CreatedAt, r.completed_at AS CompletedAt, r.paused_reason AS PausedReason,
       COUNT(d.id) AS Recipients,
       COALESCE(SUM(CASE WHEN d.state = 'sent' THEN 1 ELSE 0 END), 0) AS Sent,
       COALESCE(SUM(CASE WHEN d.state = 'failed' THEN 1 ELSE 0 END), 0) AS Failed,
       COALESCE(SUM(CASE WHEN d.state = 'skipped' THEN 1 ELSE 0 END), 0) AS Skipped,
       COALESCE(SUM(CASE WHEN d.state = 'uncertain' THEN 1 ELSE 0 END), 0) AS Uncertain,
       COALESCE(SUM(CASE WHEN d.state = 'queued' THEN 1 ELSE 0 END), 0) AS Queued,
       COALESCE(SUM(CASE WHEN d.state = 'sending' THEN 1 ELSE 0 END), 0) AS Sending
FROM digest_runs r LEFT JOIN deliveries d ON d.run_id = r.id
WHERE r.id IN (SELECT id FROM digest_runs WHERE (@Id IS NULL OR id = @Id) ORDER BY id DESC LIMIT @Limit)
GROUP BY r.id, r.kind, r.status, r.created_at, r.completed_at, r.paused_reason
ORDER BY r.id DESC;

-- name: admin-list-run-problems
-- A run's failed and uncertain deliveries with what the relay (or the supervisor) said.
SELECT d.id, d.state, d.attempts, d.last_error AS LastError, d.updated_at AS UpdatedAt, s.id AS SubscriberId, s.email
FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
WHERE d.run_id = @RunId AND d.state IN ('failed', 'uncertain')
ORDER BY d.id LIMIT 500;

-- name: admin-list-selected-queued-deliveries
-- Cancelling a run: queued deliveries whose entries were already chosen give them back to the subscriber.
SELECT id, subscriber_id AS SubscriberId FROM deliveries WHERE run_id = @RunId AND state = 'queued' AND selected_at IS NOT NULL;

-- name: admin-skip-queued-run-deliveries
-- Cancelling a run: what is still queued becomes final ('skipped', with the reason); rows being sent finish as they are.
UPDATE deliveries SET state = 'skipped', last_error = @Error, updated_at = @Now WHERE run_id = @RunId AND state = 'queued';

-- name: admin-search-subscribers-older
-- One page of subscribers, newest first, below the id @After (null: from the newest). @Pattern is
-- a LIKE pattern over the normalised (lower-case) address.
SELECT s.id, s.email, s.status, s.frequency, s.created_at AS CreatedAt, s.confirmed_at AS ConfirmedAt FROM subscribers s
WHERE (@After IS NULL OR s.id < @After)
  AND (@Pattern IS NULL OR s.email LIKE @Pattern ESCAPE '\')
  AND (@Status IS NULL OR s.status = @Status)
  AND (@Topic IS NULL OR EXISTS (SELECT 1 FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id WHERE st.subscriber_id = s.id AND t.slug = @Topic))
ORDER BY s.id DESC LIMIT @Limit;

-- name: admin-search-subscribers-newer
-- The page before: ids above @Before, nearest first (the page reverses them).
SELECT s.id, s.email, s.status, s.frequency, s.created_at AS CreatedAt, s.confirmed_at AS ConfirmedAt FROM subscribers s
WHERE s.id > @Before
  AND (@Pattern IS NULL OR s.email LIKE @Pattern ESCAPE '\')
  AND (@Status IS NULL OR s.status = @Status)
  AND (@Topic IS NULL OR EXISTS (SELECT 1 FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id WHERE st.subscriber_id = s.id AND t.slug = @Topic))
ORDER BY s.id ASC LIMIT @Limit;

-- name: admin-list-subscriber-deliveries
-- A subscriber's latest digests, with how many entries each held.
SELECT d.id, d.run_id AS RunId, d.state, d.attempts, d.last_error AS LastError, d.updated_at AS UpdatedAt,
       (SELECT COUNT(*) FROM delivery_entries de WHERE de.delivery_id = d.id) AS Entries
FROM deliveries d WHERE d.subscriber_id = @SubscriberId ORDER BY d.id DESC LIMIT 50;

-- name: admin-list-subscriber-thumbs
-- A subscriber's thumbs, newest first, with the entry they rated.
SELECT e.id AS EntryId, e.title, f.vote, f.created_at AS CreatedAt FROM feedback f JOIN entries e ON e.id = f.entry_id
WHERE f.subscriber_id = @SubscriberId ORDER BY f.created_at DESC, f.entry_id DESC LIMIT 100;

-- name: admin-search-entries-older
-- One page of entries, newest first, below the id @After; @Pattern matches the lower-cased title.
SELECT id, source_id AS SourceId, title, url, upvotes, arrived_at AS ArrivedAt, hidden_at AS HiddenAt FROM entries
WHERE (@After IS NULL OR id < @After) AND (@Pattern IS NULL OR lower(title) LIKE @Pattern ESCAPE '\')
ORDER BY id DESC LIMIT @Limit;

-- name: admin-search-entries-newer
-- The page before: ids above @Before, nearest first.
SELECT id, source_id AS SourceId, title, url, upvotes, arrived_at AS ArrivedAt, hidden_at AS HiddenAt FROM entries
WHERE id > @Before AND (@Pattern IS NULL OR lower(title) LIKE @Pattern ESCAPE '\')
ORDER BY id ASC LIMIT @Limit;

-- name: admin-hide-entry
-- Hidden entries stay (past digests and thumbs name them) but are never offered again. updated_at is
-- the entry's text version for the render cache, so it is left alone.
UPDATE entries SET hidden_at = @Now WHERE id = @Id AND hidden_at IS NULL;

-- name: admin-show-entry
-- Undo a hide.
UPDATE entries SET hidden_at = NULL WHERE id = @Id AND hidden_at IS NOT NULL;

-- name: admin-delete-entry
-- Gone for good, with its embedding, digest lines and thumbs.
DELETE FROM entries WHERE id = @Id;

-- name: admin-list-topics
-- Every topic, archived last, with how many subscribers follow it.
SELECT t.id, t.slug, t.name, t.description, t.keywords, t.position, t.archived,
       (SELECT COUNT(*) FROM subscriber_topics st WHERE st.topic_id = t.id) AS Subscribers
FROM topics t ORDER BY t.archived, t.position, t.id;
