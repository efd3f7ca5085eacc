-- Segment definitions. condition is the JSON rule as written; version grows with every change so
-- membership events say which definition decided them.
CREATE TABLE segment (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    description text,
    tags        jsonb       NOT NULL DEFAULT '[]',
    state       text        NOT NULL,
    condition   jsonb       NOT NULL,
    version     bigint      NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- The latest evaluable state of each profile, as profile-service last announced it. version drops
-- stale and repeated deliveries.
CREATE TABLE profile_snapshot (
    profile_id  text        PRIMARY KEY,
    version     bigint      NOT NULL,
    traits      jsonb       NOT NULL,
    computed    jsonb       NOT NULL,
    consents    jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Each interaction behind a profile change, once: the key makes redelivery a no-op. Event
-- conditions (counts, windows, property filters) are evaluated from here.
CREATE TABLE profile_event (
    source_id   text        NOT NULL,
    message_id  text        NOT NULL,
    profile_id  text        NOT NULL,
    event       text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    properties  jsonb       NOT NULL,
    PRIMARY KEY (source_id, message_id)
);
CREATE INDEX profile_event_by_profile ON profile_event (profile_id, occurred_at);

-- Current membership: a row per (segment, profile) inside. Entering is an insert that must win,
-- leaving a delete that must find the row, which makes each transition happen exactly once.
CREATE TABLE membership (
    segment_id      text        NOT NULL,
    profile_id      text        NOT NULL,
    segment_version bigint      NOT NULL,
    entered_at      timestamptz NOT NULL,
    PRIMARY KEY (segment_id, profile_id)
);
CREATE INDEX membership_by_profile ON membership (profile_id);

-- Every stay in a segment; exited_at is null while it lasts.
CREATE TABLE membership_history (
    id          bigserial   PRIMARY KEY,
    segment_id  text        NOT NULL,
    profile_id  text        NOT NULL,
    entered_at  timestamptz NOT NULL,
    exited_at   timestamptz
);
CREATE INDEX membership_history_open ON membership_history (segment_id, profile_id) WHERE exited_at IS NULL;

-- Transactional outbox: written in the same transaction as the change, relayed to Kafka after.
CREATE TABLE outbox (
    id          bigserial   PRIMARY KEY,
    event_id    text        NOT NULL,
    topic       text        NOT NULL,
    record_key  text        NOT NULL,
    event_type  text        NOT NULL,
    payload     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL
);
