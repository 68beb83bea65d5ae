-- name: list-active-topics
-- The form's checkboxes and the public topic list, in form order.
SELECT id, slug, name, description, keywords, position, archived FROM topics
WHERE archived = 0 ORDER BY position, id;

-- name: update-topic
-- Archived topics come back when edited: editing says the operator wants them.
UPDATE topics SET name = @Name, description = @Description, keywords = @Keywords,
       position = COALESCE(@Position, position), archived = 0, updated_at = @Now
WHERE slug = @Slug;

-- name: archive-topic
-- Archived, not deleted: the consent trail and past digests still name it.
UPDATE topics SET archived = 1, updated_at = @Now WHERE slug = @Slug AND archived = 0;
