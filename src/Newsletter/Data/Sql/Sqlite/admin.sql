-- name: admin-signups-per-day
-- The overview chart: new addresses per UTC day (times are ISO text, so the day is their first ten characters).
SELECT substr(created_at, 1, 10) AS Day, COUNT(*) AS Count FROM subscribers
WHERE created_at >= @Since GROUP BY substr(created_at, 1, 10);

-- name: admin-sends-per-day
-- The overview chart: digests sent per UTC day.
SELECT substr(updated_at, 1, 10) AS Day, COUNT(*) AS Count FROM deliveries
WHERE state = 'sent' AND updated_at >= @Since GROUP BY substr(updated_at, 1, 10);
