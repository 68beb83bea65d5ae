-- Who holds a batch's lease, so a worker whose lease ran out can neither renew nor release
-- the lease of the worker that took the batch over.
ALTER TABLE delivery_batches ADD COLUMN IF NOT EXISTS lease_owner text;
