-- name: get-feed-state
-- The validators of the last successful fetch, for If-None-Match / If-Modified-Since.
SELECT name, url, etag, last_modified AS LastModified FROM feed_state WHERE name = @Name;

-- name: save-feed-state
-- After every poll: what the server said, and the validators to send next time.
INSERT INTO feed_state (name, url, etag, last_modified, last_polled_at, last_status, last_error, entries_seen)
VALUES (@Name, @Url, @ETag, @LastModified, @Now, @Status, @Error, @Seen)
ON CONFLICT (name) DO UPDATE SET
    url = excluded.url,
    etag = CASE WHEN excluded.last_status = 200 THEN excluded.etag ELSE feed_state.etag END,
    last_modified = CASE WHEN excluded.last_status = 200 THEN excluded.last_modified ELSE feed_state.last_modified END,
    last_polled_at = excluded.last_polled_at, last_status = excluded.last_status, last_error = excluded.last_error,
    entries_seen = feed_state.entries_seen + excluded.entries_seen;
