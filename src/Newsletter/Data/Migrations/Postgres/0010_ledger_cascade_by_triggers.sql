-- The ledger (delivery_entries and sent_entries) takes about eleven rows per digest. Their four
-- foreign-key checks ran per row, each a lookup and a FOR KEY SHARE lock on the parent row (the
-- same hot entries rows, chunk after chunk): in `bench` they were three quarters of the database's
-- time per digest (9 s of 12 over 13,000 digests; 2.7 s without them). The rows are written only by
-- the chunk's own transaction, from ids it has just read, so the checks at insert bought nothing;
-- what the keys also did, cascade a parent's delete, triggers on the parents now do, once per
-- statement. A ledger row written for an entry deleted in the same instant is left behind: ids are
-- never reused, digests join the entries (a missing one is not shown), and nothing else reads it.
ALTER TABLE delivery_entries DROP CONSTRAINT IF EXISTS delivery_entries_delivery_id_fkey;
ALTER TABLE delivery_entries DROP CONSTRAINT IF EXISTS delivery_entries_entry_id_fkey;
ALTER TABLE sent_entries DROP CONSTRAINT IF EXISTS sent_entries_subscriber_id_fkey;
ALTER TABLE sent_entries DROP CONSTRAINT IF EXISTS sent_entries_entry_id_fkey;

CREATE OR REPLACE FUNCTION ledger_forget_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM delivery_entries de USING gone WHERE de.delivery_id = gone.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION ledger_forget_subscribers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sent_entries s USING gone WHERE s.subscriber_id = gone.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION ledger_forget_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM delivery_entries de USING gone WHERE de.entry_id = gone.id;
    DELETE FROM sent_entries s USING gone WHERE s.entry_id = gone.id;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS deliveries_forget_ledger ON deliveries;
CREATE TRIGGER deliveries_forget_ledger AFTER DELETE ON deliveries
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION ledger_forget_deliveries();
DROP TRIGGER IF EXISTS subscribers_forget_ledger ON subscribers;
CREATE TRIGGER subscribers_forget_ledger AFTER DELETE ON subscribers
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION ledger_forget_subscribers();
DROP TRIGGER IF EXISTS entries_forget_ledger ON entries;
CREATE TRIGGER entries_forget_ledger AFTER DELETE ON entries
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION ledger_forget_entries();
