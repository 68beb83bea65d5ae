-- name: update-entry-version
-- A newer version (arXiv v2 after v1) replaces the text but keeps the arrival time.
UPDATE entries
SET version = @Version, source_id = @SourceId, title = @Title,
    abstract = CASE WHEN @Abstract = '' THEN abstract ELSE @Abstract END,
    url = COALESCE(@Url, url),
    url_key = CASE WHEN url_key IS NULL AND NOT EXISTS (SELECT 1 FROM entries o WHERE o.url_key = @UrlKey) THEN @UrlKey ELSE url_key END,
    authors = CASE WHEN @Authors = '[]' THEN authors ELSE @Authors END,
    published_at = COALESCE(@PublishedAt, published_at), upvotes = MAX(upvotes, @Upvotes), updated_at = @Now
WHERE id = @Id;
