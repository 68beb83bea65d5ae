-- name: papers-entry-topics
-- The chips of the entries on a page, in the form's topic order.
SELECT et.entry_id AS EntryId, t.slug, t.name FROM entry_topics et JOIN topics t ON t.id = et.topic_id
WHERE et.entry_id = ANY(@Ids)
ORDER BY t.position, t.id;
