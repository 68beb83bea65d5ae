-- name: erase-subscriber
-- Everything linked goes with the row: topics, interests, requests, consent trail, deliveries and
-- their entries, the sent-entries ledger, feedback, soft bounces (foreign keys on SQLite; on
-- PostgreSQL the ledger's triggers of migration 0010).
DELETE FROM subscribers WHERE id = @Id;

-- name: erase-address-mail-log
-- The per-address mail log is keyed by the address itself, not the subscriber.
DELETE FROM address_mail_log WHERE email = @Email;

-- name: erase-text-embedding
-- Interest lines are cached as text with their vectors; a cache row is computed again if another
-- subscriber shares the line, so dropping it is always safe.
DELETE FROM text_embeddings WHERE text = @Text;

-- name: export-subscriber-requests
-- A GDPR export: every subscription request, with the client details kept for the consent trail.
SELECT id, topics, interests, frequency, source, client_ip AS ClientIp, user_agent AS UserAgent, created_at AS CreatedAt,
       email_sent_at AS EmailSentAt, confirmed_at AS ConfirmedAt, closed_at AS ClosedAt
FROM subscription_requests WHERE subscriber_id = @Id ORDER BY id;

-- name: export-subscriber-deliveries
-- A GDPR export: every digest made for the subscriber.
SELECT id, run_id AS RunId, state, attempts, message_id AS MessageId, last_error AS LastError, updated_at AS UpdatedAt
FROM deliveries WHERE subscriber_id = @Id ORDER BY id;

-- name: export-subscriber-delivery-entries
-- A GDPR export: what each digest held, with the reason shown.
SELECT de.delivery_id AS DeliveryId, de.position, de.score, de.reason, e.title, e.url
FROM delivery_entries de JOIN deliveries d ON d.id = de.delivery_id JOIN entries e ON e.id = de.entry_id
WHERE d.subscriber_id = @Id ORDER BY de.delivery_id, de.position;

-- name: export-subscriber-feedback
-- A GDPR export: every thumb, newest first.
SELECT e.title, e.url, f.vote, f.created_at AS CreatedAt FROM feedback f JOIN entries e ON e.id = f.entry_id
WHERE f.subscriber_id = @Id ORDER BY f.created_at DESC, f.entry_id;

-- name: export-subscriber-soft-bounces
-- A GDPR export: delivery reports received about the address.
SELECT report_id AS ReportId, status, received_at AS ReceivedAt FROM soft_bounces WHERE subscriber_id = @Id ORDER BY received_at;

-- name: export-address-mail-log
-- A GDPR export: the emails public requests caused to the address (kept a day for the rate limit).
SELECT kind, created_at AS CreatedAt FROM address_mail_log WHERE email = @Email ORDER BY created_at;

-- name: export-subscribers-page
-- The CSV export reads subscribers in keyset pages, never all at once.
SELECT id, email, status, frequency, created_at AS CreatedAt, confirmed_at AS ConfirmedAt
FROM subscribers WHERE id > @After ORDER BY id LIMIT @Limit;
