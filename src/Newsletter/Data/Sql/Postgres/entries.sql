-- name: find-entry-by-keys
-- An entry is the same entry when either its source key or its canonical URL matches.
SELECT id, source_key AS SourceKey, url_key AS UrlKey, version, upvotes FROM entries
WHERE source_key = @SourceKey OR (@UrlKey IS NOT NULL AND url_key = @UrlKey)
LIMIT 1;

-- name: insert-entry
-- arrived_at is set once, here; updates never move an entry back into "new".
INSERT INTO entries (source_key, url_key, source_id, version, title, abstract, url, authors, published_at, upvotes, source, arrived_at, updated_at)
VALUES (@SourceKey, @UrlKey, @SourceId, @Version, @Title, @Abstract, @Url, @Authors, @PublishedAt, @Upvotes, @Source, @Now, @Now);

-- name: update-entry-version
-- A newer version (arXiv v2 after v1) replaces the text but keeps the arrival time.
UPDATE entries
SET version = @Version, source_id = @SourceId, title = @Title,
    abstract = CASE WHEN @Abstract = '' THEN abstract ELSE @Abstract END,
    url = COALESCE(@Url, url),
    url_key = CASE WHEN url_key IS NULL AND NOT EXISTS (SELECT 1 FROM entries o WHERE o.url_key = @UrlKey) THEN @UrlKey ELSE url_key END,
    authors = CASE WHEN @Authors = '[]' THEN authors ELSE @Authors END,
    published_at = COALESCE(@PublishedAt, published_at), upvotes = GREATEST(upvotes, @Upvotes), updated_at = @Now
WHERE id = @Id;

-- name: refresh-entry-upvotes
-- A duplicate can still carry newer popularity (trending pages count up through the day).
UPDATE entries SET upvotes = @Upvotes, updated_at = @Now WHERE id = @Id AND upvotes < @Upvotes;
