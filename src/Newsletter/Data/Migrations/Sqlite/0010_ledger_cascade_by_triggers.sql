-- On PostgreSQL this version moves the ledger's cascades from foreign keys to triggers on the
-- parents (see Postgres/0010: the per-row key checks were most of the database's time per digest).
-- SQLite keeps its foreign keys: its checks are in-process index lookups, a small share of a
-- digest's cost. Nothing changes here; the version is recorded so both dialects stay in step.
SELECT 1;
