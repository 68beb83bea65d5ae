-- name: get-topic-by-slug
-- Admin edits address topics by slug.
SELECT id, slug, name, description, keywords, position, archived FROM topics WHERE slug = @Slug;

-- name: insert-topic
-- New topics go to the end of the form unless a position is given.
INSERT INTO topics (slug, name, description, keywords, position, created_at, updated_at)
VALUES (@Slug, @Name, @Description, @Keywords,
        COALESCE(@Position, (SELECT COALESCE(MAX(position), 0) + 1 FROM topics)), @Now, @Now)
ON CONFLICT (slug) DO NOTHING;

-- name: get-setting
-- Small persistent flags.
SELECT value FROM settings WHERE key = @Key;

-- name: put-setting
-- Upsert, so calling it twice is harmless.
INSERT INTO settings (key, value) VALUES (@Key, @Value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
