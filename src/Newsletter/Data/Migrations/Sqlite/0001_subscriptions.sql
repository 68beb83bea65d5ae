-- The subscription lifecycle: who subscribed, to what, and the consent trail behind it.
-- Times are UTC, stored as ISO-8601 text so that they sort and compare as text.

CREATE TABLE IF NOT EXISTS subscribers (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,           -- normalised: trimmed, lower case, IDN domain in ASCII
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'active', 'unsubscribed', 'bounced', 'complained')),
    frequency       TEXT    NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekly')),
    delivery_hour   INTEGER NOT NULL DEFAULT 8 CHECK (delivery_hour BETWEEN 0 AND 23),
    time_zone       TEXT    NOT NULL DEFAULT 'UTC',
    paused          INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    token_version   INTEGER NOT NULL DEFAULT 1,        -- signed into links; raising it would revoke them all
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    confirmed_at    TEXT,
    unsubscribed_at TEXT
);

CREATE TABLE IF NOT EXISTS topics (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    keywords    TEXT    NOT NULL DEFAULT '[]',         -- JSON array of strings
    position    INTEGER NOT NULL DEFAULT 0,            -- order on the form
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS subscriber_topics (
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    topic_id      INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    PRIMARY KEY (subscriber_id, topic_id)
);

CREATE TABLE IF NOT EXISTS interests (
    id            INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    text          TEXT    NOT NULL,
    UNIQUE (subscriber_id, position)
);

-- What someone asked for on the form or API. Nothing in it reaches the subscriber's settings
-- until its confirmation link is used (double opt-in).
CREATE TABLE IF NOT EXISTS subscription_requests (
    id            INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    topics        TEXT    NOT NULL DEFAULT '[]',       -- JSON array of slugs
    interests     TEXT    NOT NULL DEFAULT '',
    frequency     TEXT    NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    source        TEXT    NOT NULL,                    -- 'form' or 'api'
    client_ip     TEXT,
    user_agent    TEXT,
    created_at    TEXT    NOT NULL,
    email_sent_at TEXT,                                -- set once the confirmation email went out
    confirmed_at  TEXT,
    closed_at     TEXT                                 -- confirmed, or superseded by another confirmed request
);
CREATE INDEX IF NOT EXISTS ix_subscription_requests_subscriber ON subscription_requests (subscriber_id);

-- The audit trail a GDPR request needs: what was agreed or withdrawn, when, from which client.
CREATE TABLE IF NOT EXISTS consent_events (
    id            INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    detail        TEXT    NOT NULL DEFAULT '{}',       -- JSON: the settings agreed to, the topic left, ...
    client_ip     TEXT,
    user_agent    TEXT,
    occurred_at   TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_consent_events_subscriber ON consent_events (subscriber_id, occurred_at);

-- Every email a public request caused to an address, for the per-address hourly limit.
CREATE TABLE IF NOT EXISTS address_mail_log (
    id         INTEGER PRIMARY KEY,
    email      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_address_mail_log_email ON address_mail_log (email, created_at);

-- Flags that must survive restarts, such as "the default topics were seeded once".
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
