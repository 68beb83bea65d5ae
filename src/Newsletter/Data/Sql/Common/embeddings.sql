-- name: list-entries-without-embedding
-- Oldest first, so a long backlog fills in arrival order; paged by id, so entries a round could not
-- save (their text changed meanwhile) do not stop it.
SELECT e.id AS Id, e.title AS Title, e.abstract AS Abstract FROM entries e
LEFT JOIN entry_embeddings v ON v.entry_id = e.id AND v.model = @Model
WHERE v.entry_id IS NULL AND e.id > @After
ORDER BY e.id
LIMIT @Limit;

-- name: save-entry-embedding
-- Written only if the entry still has the text that was embedded: a new version arriving while
-- the model ran must not get the old version's vector (its own is computed next round).
INSERT INTO entry_embeddings (entry_id, model, vector)
SELECT @Id, @Model, @Vector WHERE EXISTS (SELECT 1 FROM entries WHERE id = @Id AND title = @Title AND abstract = @Abstract)
ON CONFLICT (entry_id) DO UPDATE SET model = excluded.model, vector = excluded.vector;

-- name: forget-entry-embedding
-- A new version of an entry has new text; its vector is computed again.
DELETE FROM entry_embeddings WHERE entry_id = @Id;

-- name: save-text-embedding
INSERT INTO text_embeddings (model, text, vector, created_at) VALUES (@Model, @Text, @Vector, @Now)
ON CONFLICT (model, text) DO NOTHING;

-- name: list-active-interest-texts
-- Every distinct interest line of active subscribers: embedded once before a run plans.
SELECT DISTINCT i.text FROM interests i JOIN subscribers s ON s.id = i.subscriber_id WHERE s.status = 'active';
