-- Unsubscribe links are signed with a key of this database's own, made here and never shown, so
-- every gateway replica checks the same signature and no configuration can leak it.
CREATE TABLE signing_key (
    purpose text  PRIMARY KEY,
    secret  bytea NOT NULL
);
INSERT INTO signing_key (purpose, secret) VALUES ('unsubscribe', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

-- One row per delivery whose one-click unsubscribe was used: a second click (or a mail client's
-- retry) finds it and changes nothing.
CREATE TABLE unsubscribe (
    delivery_id text        PRIMARY KEY,
    profile_id  text        NOT NULL,
    channel     text        NOT NULL,
    topic       text        NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX unsubscribe_profile ON unsubscribe (profile_id);
