-- name: list-subscribers-with-thumbs
-- Most subscribers never rate anything: only these of a chunk have a taste to learn.
SELECT DISTINCT subscriber_id FROM feedback WHERE subscriber_id = ANY(@Ids);
