-- name: insert-setting-if-absent
-- The first process to start generates a shared secret; the others read the one it stored.
INSERT INTO settings (key, value) VALUES (@Key, @Value) ON CONFLICT (key) DO NOTHING;

-- name: get-key-fingerprint
-- Which key the processes on this database use, and when one last said so.
SELECT fingerprint, seen_at AS SeenAt FROM key_fingerprints WHERE name = @Name;

-- name: put-key-fingerprint
-- A process starting with a key no live peer contradicts makes it the database's key.
INSERT INTO key_fingerprints (name, fingerprint, seen_at) VALUES (@Name, @Fingerprint, @Now)
ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, seen_at = excluded.seen_at;

-- name: touch-key-fingerprint
-- A running process refreshes its keys' fingerprints, so a newcomer with other keys can tell a live peer from a stale row.
UPDATE key_fingerprints SET seen_at = @Now WHERE name = @Name AND fingerprint = @Fingerprint;

-- name: list-data-protection-keys
-- The key ring: every process decrypts the antiforgery tokens of the others.
SELECT xml FROM data_protection_keys ORDER BY created_at, name;

-- name: insert-data-protection-key
-- Keys are written once and never changed (they expire inside their XML).
INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@Name, @Xml, @Now) ON CONFLICT (name) DO NOTHING;
