-- Sentence embeddings (half-precision floats), computed once per entry after ingestion and once per
-- distinct interest text. `model` names the model that made the vector: a different model means
-- a different space, so a vector of another model counts as missing and is computed again.
CREATE TABLE IF NOT EXISTS entry_embeddings (
    entry_id bigint PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
    model    text   NOT NULL,
    vector   bytea  NOT NULL
);

-- Interest lines and topic texts, keyed by the exact text embedded (after glossary expansion):
-- thousands of subscribers share a topic, and each distinct text is embedded once.
CREATE TABLE IF NOT EXISTS text_embeddings (
    model      text  NOT NULL,
    text       text  NOT NULL,
    vector     bytea NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (model, text)
);
