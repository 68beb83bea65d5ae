-- Digest delivery: runs, one delivery row per (run, subscriber), what each digest holds, and the
-- ledger of entries sent to each subscriber. Written before anything is sent (DESIGN.md).

-- The window of a subscriber's next digest starts where their last run's cutoff ended, and the
-- last schedule slot they were given keeps a catch-up after downtime from sending twice.
ALTER TABLE subscribers ADD COLUMN digest_window_start TEXT;
ALTER TABLE subscribers ADD COLUMN last_slot_at TEXT;

CREATE TABLE IF NOT EXISTS digest_runs (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT    NOT NULL CHECK (kind IN ('scheduled', 'forced')),
    status               TEXT    NOT NULL DEFAULT 'queued'
                         CHECK (status IN ('queued', 'running', 'completed', 'paused', 'failed')),
    cutoff_at            TEXT    NOT NULL,   -- entries that arrived up to here belong to this run
    created_at           TEXT    NOT NULL,
    completed_at         TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    paused_reason        TEXT
);

-- Batches are what Hangfire jobs work on; the lease lets another process take over a batch whose
-- worker died, without two workers sending the same batch at once.
CREATE TABLE IF NOT EXISTS delivery_batches (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES digest_runs (id) ON DELETE CASCADE,
    lease_until TEXT
);
CREATE INDEX IF NOT EXISTS ix_delivery_batches_run ON delivery_batches (run_id);

CREATE TABLE IF NOT EXISTS deliveries (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES digest_runs (id) ON DELETE CASCADE,
    batch_id        INTEGER NOT NULL REFERENCES delivery_batches (id) ON DELETE CASCADE,
    subscriber_id   INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    state           TEXT    NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'skipped', 'uncertain')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,                     -- set after a 4xx: not before this time
    claimed_at      TEXT,                     -- when it went to 'sending'
    selected_at     TEXT,                     -- when its entries were chosen (once; retries resend the same)
    message_id      TEXT,
    last_error      TEXT,
    updated_at      TEXT    NOT NULL,
    UNIQUE (run_id, subscriber_id)
);
CREATE INDEX IF NOT EXISTS ix_deliveries_batch_state ON deliveries (batch_id, state);
CREATE INDEX IF NOT EXISTS ix_deliveries_run_state ON deliveries (run_id, state);

-- What one digest holds, in order, with the reason shown.
CREATE TABLE IF NOT EXISTS delivery_entries (
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    entry_id    INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    score       REAL    NOT NULL,
    reason      TEXT    NOT NULL,
    PRIMARY KEY (delivery_id, entry_id)
);

-- No entry ever reaches a subscriber twice: one row per (subscriber, entry), written with the selection.
CREATE TABLE IF NOT EXISTS sent_entries (
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    entry_id      INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    delivery_id   INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (subscriber_id, entry_id)
);

-- Thumbs up and down from the digest; the relevance work learns from them.
CREATE TABLE IF NOT EXISTS feedback (
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    entry_id      INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    vote          INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (subscriber_id, entry_id)
);
