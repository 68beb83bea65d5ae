-- A batch job that fails again and again (not a relay's reply: an error of ours or of the data) is
-- tried a bounded number of times; then its run is marked failed with the reason, not looped forever.
ALTER TABLE delivery_batches ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE delivery_batches ADD COLUMN last_error TEXT;
