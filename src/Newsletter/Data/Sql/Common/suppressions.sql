-- name: find-suppressed-address
-- When an address was erased (keyed hash, never the address).
SELECT erased_at FROM suppressed_addresses WHERE address_hash = @Hash;

-- name: suppress-address
-- Erasing an address twice keeps one entry, dated by the latest erasure.
INSERT INTO suppressed_addresses (address_hash, reason, erased_at) VALUES (@Hash, @Reason, @Now)
ON CONFLICT (address_hash) DO UPDATE SET reason = excluded.reason, erased_at = excluded.erased_at;
