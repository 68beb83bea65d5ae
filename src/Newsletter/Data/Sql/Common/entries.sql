-- name: find-entry-by-keys
-- An entry is the same entry when either its source key or its canonical URL matches.
SELECT id, source_key AS SourceKey, url_key AS UrlKey, version, upvotes FROM entries
WHERE source_key = @SourceKey OR (@UrlKey IS NOT NULL AND url_key = @UrlKey)
LIMIT 1;

-- name: insert-entry
-- arrived_at is set once, here; updates never move an entry back into "new".
INSERT INTO entries (source_key, url_key, source_id, version, title, abstract, url, authors, published_at, upvotes, source, arrived_at, updated_at)
VALUES (@SourceKey, @UrlKey, @SourceId, @Version, @Title, @Abstract, @Url, @Authors, @PublishedAt, @Upvotes, @Source, @Now, @Now);

-- name: refresh-entry-upvotes
-- A duplicate can still carry newer popularity (trending pages count up through the day).
UPDATE entries SET upvotes = @Upvotes, updated_at = @Now WHERE id = @Id AND upvotes < @Upvotes;

-- name: tag-entry-topic
-- The entry (found by the same keys as a duplicate) goes under the topic with this slug; an unknown slug tags nothing.
INSERT INTO entry_topics (entry_id, topic_id)
SELECT e.id, t.id FROM entries e JOIN topics t ON t.slug = @Slug
WHERE e.source_key = @SourceKey OR (@UrlKey IS NOT NULL AND e.url_key = @UrlKey)
ON CONFLICT DO NOTHING;
