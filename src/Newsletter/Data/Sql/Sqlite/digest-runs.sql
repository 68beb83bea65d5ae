-- name: list-sendable-subscribers
-- Forced runs go to every active, unpaused subscriber.
SELECT id FROM subscribers WHERE status = 'active' AND paused = 0 ORDER BY id;

-- name: list-schedule-candidates
-- The scheduler works out in code who is due, from each subscriber's hour, time zone and last slot.
SELECT id, frequency, delivery_hour AS DeliveryHour, time_zone AS TimeZone, last_slot_at AS LastSlotAt, confirmed_at AS ConfirmedAt
FROM subscribers WHERE status = 'active' AND paused = 0;

-- name: insert-deliveries
-- One row per (run, subscriber) for a whole batch in one statement (@SubscriberIds: a JSON array of ids),
-- before anything is sent; the unique key makes a second insert a no-op.
INSERT INTO deliveries (run_id, batch_id, subscriber_id, state, updated_at)
SELECT @RunId, @BatchId, value, 'queued', @Now FROM json_each(@SubscriberIds) WHERE true
ON CONFLICT (run_id, subscriber_id) DO NOTHING;
