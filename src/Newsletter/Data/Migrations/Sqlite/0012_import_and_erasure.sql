-- Subscriber imports (one row per uploaded CSV, its progress and counts) and the suppression list
-- that erasure leaves behind: a keyed hash of the address, never the address itself.

CREATE TABLE IF NOT EXISTS subscriber_imports (
    id                      INTEGER PRIMARY KEY,
    status                  TEXT    NOT NULL DEFAULT 'queued'
                            CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    file_name               TEXT    NOT NULL,             -- the spooled upload in the data directory's imports folder
    file_bytes              INTEGER NOT NULL,
    rows_read               INTEGER NOT NULL DEFAULT 0,
    imported_active         INTEGER NOT NULL DEFAULT 0,
    pending_confirmation    INTEGER NOT NULL DEFAULT 0,
    confirmations_sent      INTEGER NOT NULL DEFAULT 0,
    skipped_existing        INTEGER NOT NULL DEFAULT 0,   -- already subscribed, or already waiting for a confirmation
    skipped_suppressed      INTEGER NOT NULL DEFAULT 0,   -- erased, unsubscribed, bounced or complained: not mailed
    bad_rows                INTEGER NOT NULL DEFAULT 0,
    last_line               INTEGER NOT NULL DEFAULT 0,   -- checkpoint: every record starting at or before this line is done
    lease_owner             TEXT,
    lease_until             TEXT,
    last_error              TEXT,
    created_at              TEXT    NOT NULL,
    started_at              TEXT,
    completed_at            TEXT,
    updated_at              TEXT    NOT NULL
);

-- The bad rows of an import by line, capped per import (the count in subscriber_imports is not).
CREATE TABLE IF NOT EXISTS subscriber_import_errors (
    import_id INTEGER NOT NULL REFERENCES subscriber_imports (id) ON DELETE CASCADE,
    line      INTEGER NOT NULL,
    reason    TEXT    NOT NULL,
    PRIMARY KEY (import_id, line)
);

-- A confirmation an import owes is sent by the import job at its own pace, not by the sweep.
ALTER TABLE subscription_requests ADD COLUMN import_id INTEGER;
CREATE INDEX IF NOT EXISTS ix_subscription_requests_import ON subscription_requests (import_id) WHERE import_id IS NOT NULL;

-- Erased addresses: HMAC-SHA256 of the normalised address under a key derived from the signing key.
CREATE TABLE IF NOT EXISTS suppressed_addresses (
    address_hash TEXT PRIMARY KEY,
    reason       TEXT NOT NULL,
    erased_at    TEXT NOT NULL
);

-- Links are signed over the subscriber's id. SQLite gives a new row the highest id in use plus one,
-- so erasing (or purging) the newest subscriber would hand their id, and with it their old links,
-- to the next person who signs up. The highest id ever deleted is remembered, and a new row that
-- would take an id at or below it is moved past it at once (PostgreSQL's identity never reuses).
CREATE TABLE IF NOT EXISTS retired_subscriber_ids (id INTEGER NOT NULL);

CREATE TRIGGER IF NOT EXISTS subscribers_remember_retired_id AFTER DELETE ON subscribers
WHEN OLD.id > COALESCE((SELECT MAX(id) FROM retired_subscriber_ids), 0)
BEGIN
    DELETE FROM retired_subscriber_ids;
    INSERT INTO retired_subscriber_ids (id) VALUES (OLD.id);
END;

CREATE TRIGGER IF NOT EXISTS subscribers_never_reuse_an_id AFTER INSERT ON subscribers
WHEN NEW.id <= COALESCE((SELECT MAX(id) FROM retired_subscriber_ids), 0)
BEGIN
    UPDATE subscribers SET id = (SELECT MAX(id) FROM retired_subscriber_ids) + 1 WHERE id = NEW.id;
END;
