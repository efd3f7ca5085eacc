-- A source is one channel that reports interactions (website, app, POS, partner) with its own write key.
-- Only the key's SHA-256 is stored: a database dump cannot be replayed against the tracking API.
-- The prefix is the key's first characters, kept so people can tell keys apart without seeing them.
CREATE TABLE source (
    id               text        PRIMARY KEY,
    name             text        NOT NULL,
    description      text,
    write_key_hash   text        NOT NULL,
    write_key_prefix text        NOT NULL,
    enabled          boolean     NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    key_rotated_at   timestamptz
);
-- Ingestion authenticates by hash; uniqueness also lets concurrent starts create the default source once.
CREATE UNIQUE INDEX source_write_key_hash_idx ON source (write_key_hash);
CREATE INDEX source_created_at_idx ON source (created_at, id);
