-- name: list-consent-evidence-of-subscribers
-- The consent behind each active subscriber of an export page: a confirmed link or imported evidence.
SELECT subscriber_id AS SubscriberId, kind, detail, occurred_at AS OccurredAt FROM consent_events
WHERE subscriber_id = ANY(@Ids) AND kind IN ('confirmed', 'consent-imported')
ORDER BY subscriber_id, occurred_at, id;
