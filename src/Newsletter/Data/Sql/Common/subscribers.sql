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

-- name: list-subscriber-interests
-- Free-text interest lines, in the order the subscriber wrote them.
SELECT text FROM interests WHERE subscriber_id = @Id ORDER BY position;

-- name: delete-subscriber-topics
-- Settings are replaced whole: clear, then insert the new set.
DELETE FROM subscriber_topics WHERE subscriber_id = @Id;

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

-- name: mark-subscriber-complained
-- A spam complaint suppresses the address for good, whatever its state; only a new confirmed signup
-- (double opt-in) makes it active again.
UPDATE subscribers
SET status = 'complained', updated_at = @Now
WHERE id = @Id AND status <> 'complained';
