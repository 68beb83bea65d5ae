-- What the feed poller remembers per feed, so the next poll can be a conditional GET.
CREATE TABLE IF NOT EXISTS feed_state (
    name           TEXT PRIMARY KEY,
    url            TEXT NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    last_polled_at TEXT,
    last_status    INTEGER,
    last_error     TEXT,
    entries_seen   INTEGER NOT NULL DEFAULT 0
);
