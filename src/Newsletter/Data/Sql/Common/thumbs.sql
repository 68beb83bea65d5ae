-- name: list-rated-entry-embeddings
-- A subscriber's latest 200 thumbs with the rated entries' vectors, for learning their taste (tastes drift; older thumbs count no more).
SELECT f.entry_id AS EntryId, f.vote AS Vote, e.title AS Title, v.vector AS Vector
FROM feedback f
JOIN entries e ON e.id = f.entry_id
JOIN entry_embeddings v ON v.entry_id = f.entry_id AND v.model = @Model
WHERE f.subscriber_id = @SubscriberId
ORDER BY f.created_at DESC, f.entry_id DESC
LIMIT 200;

-- name: forget-feedback
-- "Reset what you learned": the thumbs are the whole of what is learned.
DELETE FROM feedback WHERE subscriber_id = @SubscriberId;

-- name: list-feedback
-- What the preferences page shows as learned: every thumb, newest first.
SELECT e.title AS Title, f.vote AS Vote FROM feedback f JOIN entries e ON e.id = f.entry_id
WHERE f.subscriber_id = @SubscriberId
ORDER BY f.created_at DESC, f.entry_id DESC;
