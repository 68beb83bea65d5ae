-- Several processes on one database must sign links with one key and accept one admin key. Each
-- records a fingerprint of its keys (never the keys) and refreshes it while it runs; a process
-- that starts with different keys while a peer's fingerprint is fresh refuses to start.
CREATE TABLE IF NOT EXISTS key_fingerprints (
    name        text PRIMARY KEY,   -- 'signing-key', 'admin-key'
    fingerprint text NOT NULL,      -- HMAC of a fixed label under the key: names the key, reveals nothing of it
    seen_at     timestamptz NOT NULL
);

-- ASP.NET Core Data Protection keys (antiforgery tokens), shared by every process on the database.
CREATE TABLE IF NOT EXISTS data_protection_keys (
    name       text PRIMARY KEY,
    xml        text NOT NULL,
    created_at timestamptz NOT NULL
);
