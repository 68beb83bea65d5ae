-- The admin pages can hide an entry: it stays in the database (past digests and thumbs still name
-- it) but no later digest or public listing shows it. NULL: shown.
ALTER TABLE entries ADD COLUMN IF NOT EXISTS hidden_at timestamptz;
