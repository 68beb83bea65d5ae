-- name: admin-signups-per-day
-- The overview chart: new addresses per UTC day.
SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS Day, COUNT(*) AS Count FROM subscribers
WHERE created_at >= @Since GROUP BY 1;

-- name: admin-sends-per-day
-- The overview chart: digests sent per UTC day.
SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS Day, COUNT(*) AS Count FROM deliveries
WHERE state = 'sent' AND updated_at >= @Since GROUP BY 1;
