-- name: insert-subscriber-if-new
-- Insert-or-ignore, then select: two signups of one address at once end in one row.
INSERT INTO subscribers (email, status, created_at, updated_at)
VALUES (@Email, 'pending', @Now, @Now)
ON CONFLICT (email) DO NOTHING;

-- name: find-subscriber-by-email
-- The one lookup by address: addresses are stored normalised, so equality is enough.
SELECT id, email, status, frequency, delivery_hour AS DeliveryHour, time_zone AS TimeZone, paused,
       token_version AS TokenVersion, created_at AS CreatedAt, updated_at AS UpdatedAt,
       confirmed_at AS ConfirmedAt, unsubscribed_at AS UnsubscribedAt, digest_window_start AS DigestWindowStart
FROM subscribers WHERE email = @Email;

-- name: get-subscriber
-- Links carry the subscriber id inside a signed token.
SELECT id, email, status, frequency, delivery_hour AS DeliveryHour, time_zone AS TimeZone, paused,
       token_version AS TokenVersion, created_at AS CreatedAt, updated_at AS UpdatedAt,
       confirmed_at AS ConfirmedAt, unsubscribed_at AS UnsubscribedAt, digest_window_start AS DigestWindowStart
FROM subscribers WHERE id = @Id;

-- name: list-subscriber-topic-slugs
-- In form order, so pages and emails list them the way the form does.
SELECT t.slug FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id
WHERE st.subscriber_id = @Id AND t.archived = 0
ORDER BY t.position, t.id;

-- name: list-subscriber-interests
-- Free-text interest lines, in the order the subscriber wrote them.
SELECT text FROM interests WHERE subscriber_id = @Id ORDER BY position;

-- name: delete-subscriber-topics
-- Settings are replaced whole: clear, then insert the new set.
DELETE FROM subscriber_topics WHERE subscriber_id = @Id;

-- name: insert-subscriber-topic
-- Archived or deleted topics are skipped silently: they may vanish between request and confirmation.
INSERT INTO subscriber_topics (subscriber_id, topic_id)
SELECT @Id, id FROM topics WHERE slug = @Slug AND archived = 0
ON CONFLICT DO NOTHING;

-- name: remove-subscriber-topic
-- Unsubscribe from one topic only.
DELETE FROM subscriber_topics
WHERE subscriber_id = @Id AND topic_id IN (SELECT id FROM topics WHERE slug = @Slug);

-- name: delete-subscriber-interests
-- Interests are replaced whole, like topics.
DELETE FROM interests WHERE subscriber_id = @Id;

-- name: insert-subscriber-interest
-- One row a line keeps each interest addressable by the matcher.
INSERT INTO interests (subscriber_id, position, text) VALUES (@Id, @Position, @Text);

-- name: activate-subscriber
-- Confirmation: the request's frequency becomes the subscriber's; a returning subscriber starts unpaused.
UPDATE subscribers
SET status = 'active', frequency = @Frequency, paused = 0, confirmed_at = @Now,
    unsubscribed_at = NULL, updated_at = @Now
WHERE id = @Id;

-- name: update-subscriber-preferences
-- Only an active subscriber has preferences to change.
UPDATE subscribers
SET frequency = @Frequency, delivery_hour = @DeliveryHour, time_zone = @TimeZone, paused = @Paused, updated_at = @Now
WHERE id = @Id AND status = 'active';

-- name: mark-subscriber-bounced
-- A permanent refusal of the address ends every subscription; only a new confirmation revives it.
UPDATE subscribers
SET status = 'bounced', updated_at = @Now
WHERE id = @Id AND status IN ('active', 'pending');

-- name: unsubscribe-subscriber
-- Idempotent: a second unsubscribe changes nothing and reports no row.
UPDATE subscribers
SET status = 'unsubscribed', unsubscribed_at = @Now, updated_at = @Now
WHERE id = @Id AND status IN ('active', 'pending');

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
