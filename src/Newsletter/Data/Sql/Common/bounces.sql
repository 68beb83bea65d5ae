-- name: subscriber-of-delivery
-- A verified VERP tag names a delivery; its subscriber is the one the report is about.
SELECT subscriber_id FROM deliveries WHERE id = @Id;

-- name: subscriber-of-message-id
-- A report that quotes the digest's headers names it by Message-ID. No index on message_id: this is
-- the fallback after VERP, and an index would cost every delivery a write for the rare report.
SELECT subscriber_id FROM deliveries WHERE message_id = @MessageId LIMIT 1;

-- name: insert-soft-bounce
-- Idempotent per report: the same report read twice is one soft bounce.
INSERT INTO soft_bounces (subscriber_id, report_id, status, received_at)
VALUES (@SubscriberId, @ReportId, @Status, @Now)
ON CONFLICT (subscriber_id, report_id) DO NOTHING;

-- name: count-soft-bounces-since
-- The soft bounces inside the window decide whether the address is given up.
SELECT COUNT(*) FROM soft_bounces WHERE subscriber_id = @SubscriberId AND received_at >= @Since;
