-- name: list-recorded-entries
-- Which of the chunk's picks the ledger took for their delivery (the subscriber id leads the key, so this is a lookup).
SELECT delivery_id AS DeliveryId, entry_id AS EntryId FROM sent_entries
WHERE subscriber_id = ANY(@SubscriberIds) AND delivery_id = ANY(@DeliveryIds);

-- name: claim-deliveries
-- Conditional, like claim-delivery, for a whole chunk: only rows still queued move to sending, and
-- the rows come back as they are now (another worker may have chosen their entries since).
UPDATE deliveries d SET state = 'sending', claimed_at = @Now, attempts = d.attempts + 1, updated_at = @Now
FROM (SELECT id FROM deliveries WHERE id = ANY(@Ids) AND state = 'queued' FOR UPDATE SKIP LOCKED) free
WHERE d.id = free.id
RETURNING d.id, d.subscriber_id AS SubscriberId, d.attempts, d.selected_at AS SelectedAt;

-- name: list-entries-of-deliveries
-- What each digest of a chunk holds, to render them: the entries' ids and versions only (their text
-- comes from EntryRowCache, read with list-entry-texts when missing or changed).
SELECT de.delivery_id AS DeliveryId, de.entry_id AS EntryId, e.updated_at::text AS Version, de.score, de.reason
FROM delivery_entries de JOIN entries e ON e.id = de.entry_id
WHERE de.delivery_id = ANY(@Ids) ORDER BY de.delivery_id, de.position;

-- name: list-entry-texts
-- Entries as digests show them, with the version they were read at (and for the admin preview).
SELECT id, title, abstract, url, authors, upvotes, source_id AS SourceId, arrived_at AS ArrivedAt, e.updated_at::text AS Version
FROM entries e WHERE id = ANY(@Ids);

-- name: list-sent-in-windows
-- What a chunk's subscribers were already sent since the earliest of their windows (each is then cut to its own).
-- The subscribers' ledger rows first (the key leads with the subscriber; a ledger row is written after
-- its entry arrived, so older rows cannot match), then their entries: left to itself the planner walked
-- every entry of the window and probed the ledger for all fifty subscribers at each, 20-35 ms a chunk.
WITH ledger AS MATERIALIZED (
    SELECT subscriber_id, entry_id FROM sent_entries WHERE subscriber_id = ANY(@SubscriberIds) AND created_at > @Start
)
SELECT l.subscriber_id AS SubscriberId, l.entry_id AS EntryId, e.arrived_at AS ArrivedAt
FROM ledger l JOIN entries e ON e.id = l.entry_id
WHERE e.arrived_at > @Start AND e.arrived_at <= @Cutoff;

-- name: insert-sent-entries
-- The ledger for a whole chunk in one statement (@S, @E, @D: subscriber, entry and delivery of each row, as
-- arrays of one length): the primary key refuses a second send of one entry to one subscriber;
-- list-recorded-entries says what it took.
INSERT INTO sent_entries (subscriber_id, entry_id, delivery_id, created_at)
SELECT r.s, r.e, r.d, @Now FROM unnest(@S::bigint[], @E::bigint[], @D::bigint[]) AS r(s, e, d)
ON CONFLICT (subscriber_id, entry_id) DO NOTHING;

-- name: insert-delivery-entries
-- A chunk's digests, in order (@D delivery, @E entry, @P position, @Score, @Reason: arrays of one length).
INSERT INTO delivery_entries (delivery_id, entry_id, position, score, reason)
SELECT r.d, r.e, r.p, r.score, r.reason
FROM unnest(@D::bigint[], @E::bigint[], @P::integer[], @Score::double precision[], @Reason::text[]) AS r(d, e, p, score, reason);

-- name: advance-digest-windows
-- advance-digest-window for a chunk's subscribers.
UPDATE subscribers SET digest_window_start = @Cutoff
WHERE id = ANY(@SubscriberIds) AND (digest_window_start IS NULL OR digest_window_start < @Cutoff);

-- name: mark-deliveries-selected
-- Takes a chunk's rows for choosing their entries: only rows still queued and never chosen, so two
-- workers that both think they hold a batch cannot both write one digest. The rows stay queued
-- until claimed for sending; a crash in between leaves them to be sent with what was chosen.
UPDATE deliveries SET selected_at = @Now, updated_at = @Now
WHERE id = ANY(@Ids) AND state = 'queued' AND selected_at IS NULL
RETURNING id;

-- name: mark-deliveries-sent
-- A chunk's sent messages in one statement (@Ids and their @MessageIds); only rows still sending.
-- The id = ANY keeps the plan on the primary key: a plan made while the table looked small (a
-- prepared statement, statistics not yet refreshed) otherwise scanned the whole table per chunk.
UPDATE deliveries d SET state = 'sent', message_id = r.message_id, last_error = NULL, updated_at = @Now
FROM unnest(@Ids::bigint[], @MessageIds::text[]) AS r(id, message_id)
WHERE d.id = ANY(@Ids) AND d.id = r.id AND d.state = 'sending';
