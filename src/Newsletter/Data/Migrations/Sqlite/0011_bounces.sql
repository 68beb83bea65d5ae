-- Soft bounces (4.x.x delivery reports, or "delayed") read from the bounce mailbox: enough of them
-- within a few days condemn the address. One row per (subscriber, report), so reading the same
-- report twice (a crash between the database and the IMAP move) counts it once.
CREATE TABLE IF NOT EXISTS soft_bounces (
    id            INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    report_id     TEXT    NOT NULL,   -- the report's Message-ID (or a digest of it when it has none)
    status        TEXT    NOT NULL,   -- the DSN's Status field, e.g. 4.2.2
    received_at   TEXT    NOT NULL,
    UNIQUE (subscriber_id, report_id)
);
CREATE INDEX IF NOT EXISTS ix_soft_bounces_subscriber ON soft_bounces (subscriber_id, received_at);
