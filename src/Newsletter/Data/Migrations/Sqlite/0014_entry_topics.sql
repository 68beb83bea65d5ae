-- The topics an entry belongs to, as its source said (the sample entries carry them): the chips
-- and the ?topic= filter of the papers page and the per-topic Atom feeds.
CREATE TABLE IF NOT EXISTS entry_topics (
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, topic_id)
);
CREATE INDEX IF NOT EXISTS ix_entry_topics_topic ON entry_topics (topic_id, entry_id);

-- The papers page and the feeds list entries by when they were published (else when they arrived).
CREATE INDEX IF NOT EXISTS ix_entries_shown_at ON entries ((COALESCE(published_at, arrived_at)));
