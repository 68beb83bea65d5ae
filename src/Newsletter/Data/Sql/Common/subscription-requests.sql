-- name: insert-subscription-request
-- What was asked for, kept apart from the subscriber until the confirmation link is used.
INSERT INTO subscription_requests (subscriber_id, topics, interests, frequency, source, client_ip, user_agent, created_at)
VALUES (@SubscriberId, @Topics, @Interests, @Frequency, @Source, @ClientIp, @UserAgent, @Now)
RETURNING id;

-- name: get-subscription-request
-- Bound to the subscriber too, so a token for one subscriber cannot name another's request.
SELECT id, subscriber_id AS SubscriberId, topics, interests, frequency, source, created_at AS CreatedAt,
       email_sent_at AS EmailSentAt, confirmed_at AS ConfirmedAt, closed_at AS ClosedAt
FROM subscription_requests WHERE id = @Id AND subscriber_id = @SubscriberId;

-- name: mark-subscription-request-confirmed
-- One row changed means this call confirmed it; none means another call already did.
UPDATE subscription_requests SET confirmed_at = @Now, closed_at = @Now
WHERE id = @Id AND closed_at IS NULL;

-- name: close-open-subscription-requests
-- Once one request is confirmed, older links must not overwrite the settings it set.
UPDATE subscription_requests SET closed_at = @Now
WHERE subscriber_id = @SubscriberId AND closed_at IS NULL;

-- name: mark-confirmation-email-sent
-- Hangfire may run a job twice after a crash; this keeps the second run from sending again.
UPDATE subscription_requests SET email_sent_at = @Now WHERE id = @Id AND email_sent_at IS NULL;

-- name: insert-consent-event
-- The audit trail: append only.
INSERT INTO consent_events (subscriber_id, kind, detail, client_ip, user_agent, occurred_at)
VALUES (@SubscriberId, @Kind, @Detail, @ClientIp, @UserAgent, @Now);

-- name: list-consent-events
-- For the admin view of one subscriber.
SELECT kind, detail, client_ip AS ClientIp, user_agent AS UserAgent, occurred_at AS OccurredAt
FROM consent_events WHERE subscriber_id = @SubscriberId ORDER BY occurred_at, id;

-- name: count-address-mails-since
-- The per-address limit on emails that public requests cause.
SELECT COUNT(*) AS Count, MIN(created_at) AS Oldest
FROM address_mail_log WHERE email = @Email AND created_at >= @Since;

-- name: purge-address-mail-log
-- Only the last hour counts for the limit; a day is kept for looking into abuse, then dropped.
DELETE FROM address_mail_log WHERE created_at < @Before;

-- name: purge-never-confirmed-subscribers
-- Data minimisation: an address that never confirmed, and whose last link has expired, is
-- forgotten with its requests and consent rows (ON DELETE CASCADE).
DELETE FROM subscribers
WHERE status = 'pending' AND confirmed_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM subscription_requests r WHERE r.subscriber_id = subscribers.id AND r.created_at >= @Before);

-- name: purge-expired-subscription-requests
-- Unconfirmed requests of known subscribers hold text anyone could type; once expired they go.
DELETE FROM subscription_requests WHERE confirmed_at IS NULL AND created_at < @Before;

-- name: insert-address-mail
-- Logged in the same transaction as the request that causes the email.
INSERT INTO address_mail_log (email, kind, created_at) VALUES (@Email, @Kind, @Now);

-- name: list-unmailed-requests
-- Open requests whose confirmation never went out, old enough that their own job is not merely queued, swept at most once.
-- An import's requests are left to the import job, which sends them at the import's own pace.
SELECT id, subscriber_id AS SubscriberId FROM subscription_requests
WHERE email_sent_at IS NULL AND closed_at IS NULL AND email_swept_at IS NULL AND created_at < @Before AND created_at > @NotBefore
  AND import_id IS NULL
ORDER BY id LIMIT 1000;

-- name: mark-request-swept
-- One row changed: this sweep enqueues the confirmation; none: another process's sweep did.
UPDATE subscription_requests SET email_swept_at = @Now WHERE id = @Id AND email_swept_at IS NULL;
