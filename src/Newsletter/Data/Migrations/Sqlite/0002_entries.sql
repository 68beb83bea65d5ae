-- Entries: the items digests are made of (papers, or anything an operator feeds in).

CREATE TABLE IF NOT EXISTS entries (
    id           INTEGER PRIMARY KEY,
    source_key   TEXT    NOT NULL UNIQUE,   -- 'arxiv:2401.01234' (no version), 'id:<given id>' or 'title:<normalised title>'
    url_key      TEXT    UNIQUE,            -- canonical URL, the second way a duplicate is recognised
    source_id    TEXT,                      -- the id exactly as given (what `match` prints)
    version      INTEGER NOT NULL DEFAULT 0,-- arXiv version; a higher one updates the entry
    title        TEXT    NOT NULL,
    abstract     TEXT    NOT NULL DEFAULT '',
    url          TEXT,
    authors      TEXT    NOT NULL DEFAULT '[]', -- JSON array of names
    published_at TEXT,
    upvotes      INTEGER NOT NULL DEFAULT 0,
    source       TEXT    NOT NULL,          -- 'api', 'file', or 'feed:<name>'
    arrived_at   TEXT    NOT NULL,          -- when we first saw it: digests pick entries by arrival
    updated_at   TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_entries_arrived ON entries (arrived_at);
