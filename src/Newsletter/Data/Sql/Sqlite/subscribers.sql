-- name: list-subscriber-topic-slugs
-- In form order, so pages and emails list them the way the form does.
SELECT t.slug FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id
WHERE st.subscriber_id = @Id AND t.archived = 0
ORDER BY t.position, t.id;

-- name: insert-subscriber-topic
-- Archived or deleted topics are skipped silently: they may vanish between request and confirmation.
INSERT INTO subscriber_topics (subscriber_id, topic_id)
SELECT @Id, id FROM topics WHERE slug = @Slug AND archived = 0
ON CONFLICT DO NOTHING;

-- name: activate-subscriber
-- Confirmation: the request's frequency becomes the subscriber's; a returning subscriber starts unpaused.
UPDATE subscribers
SET status = 'active', frequency = @Frequency, paused = 0, confirmed_at = @Now,
    unsubscribed_at = NULL, updated_at = @Now
WHERE id = @Id;

-- name: lock-subscriber-by-email
-- Serialises the requests for one address inside their transaction, so the per-address limit is
-- counted by one request at a time (SQLite's write lock already does this; PostgreSQL locks the row).
SELECT id FROM subscribers WHERE email = @Email;

-- name: list-subscribers-by-ids
-- A chunk's subscribers, read once for planning and again inside the claim (an unsubscribe may have landed).
SELECT id, email, status, frequency, delivery_hour AS DeliveryHour, time_zone AS TimeZone, paused,
       token_version AS TokenVersion, created_at AS CreatedAt, updated_at AS UpdatedAt,
       confirmed_at AS ConfirmedAt, unsubscribed_at AS UnsubscribedAt, digest_window_start AS DigestWindowStart
FROM subscribers WHERE id IN @Ids;

-- name: list-topic-slugs-of-subscribers
-- The topics of a chunk's subscribers, in form order.
SELECT st.subscriber_id AS SubscriberId, t.slug AS Value FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id
WHERE st.subscriber_id IN @Ids AND t.archived = 0
ORDER BY st.subscriber_id, t.position, t.id;

-- name: list-interests-of-subscribers
-- The interest lines of a chunk's subscribers, in the order each wrote them.
SELECT subscriber_id AS SubscriberId, text AS Value FROM interests WHERE subscriber_id IN @Ids ORDER BY subscriber_id, position;
