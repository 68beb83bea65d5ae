-- What the feed poller remembers per feed, so the next poll can be a conditional GET.
CREATE TABLE IF NOT EXISTS feed_state (
    name           text PRIMARY KEY,
    url            text NOT NULL,
    etag           text,
    last_modified  text,                -- the server's Last-Modified header, sent back as it came
    last_polled_at timestamptz,
    last_status    integer,
    last_error     text,
    entries_seen   integer NOT NULL DEFAULT 0
);
