-- The master profile: one row per person, traits and computed attributes as JSON so marketers
-- can add traits without a migration. trait_meta keeps, per trait, when and from where it was set.
CREATE TABLE profile (
    id          text        PRIMARY KEY,
    version     bigint      NOT NULL DEFAULT 0,
    traits      jsonb       NOT NULL DEFAULT '{}',
    trait_meta  jsonb       NOT NULL DEFAULT '{}',
    preferences jsonb       NOT NULL DEFAULT '{}',
    computed    jsonb       NOT NULL DEFAULT '{}',
    first_seen  timestamptz,
    last_seen   timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX profile_traits_idx ON profile USING gin (traits jsonb_path_ops);
CREATE INDEX profile_updated_idx ON profile (updated_at, id);

-- Identifiers resolve to exactly one profile; a merge repoints them to the survivor.
CREATE TABLE identifier (
    type       text        NOT NULL,
    value      text        NOT NULL,
    profile_id text        NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
    source_id  text,
    first_seen timestamptz NOT NULL,
    PRIMARY KEY (type, value)
);
CREATE INDEX identifier_profile_idx ON identifier (profile_id);

-- Ids of merged-away profiles keep resolving to the profile they were merged into.
CREATE TABLE profile_alias (
    merged_id  text        PRIMARY KEY,
    profile_id text        NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
    merged_at  timestamptz NOT NULL
);
CREATE INDEX profile_alias_profile_idx ON profile_alias (profile_id);

CREATE TABLE merge_audit (
    id          bigserial   PRIMARY KEY,
    survivor_id text        NOT NULL,
    merged_id   text        NOT NULL,
    reason      text        NOT NULL,
    source_id   text,
    message_id  text,
    identifiers jsonb       NOT NULL,
    merged_at   timestamptz NOT NULL
);
CREATE INDEX merge_audit_survivor_idx ON merge_audit (survivor_id);

-- Current consent per channel and topic ('*' = the whole channel) and its full history.
CREATE TABLE consent (
    profile_id    text        NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
    channel       text        NOT NULL,
    topic         text        NOT NULL,
    status        text        NOT NULL,
    transactional boolean     NOT NULL,
    at            timestamptz NOT NULL,
    source        text        NOT NULL,
    proof         jsonb,
    PRIMARY KEY (profile_id, channel, topic)
);
CREATE TABLE consent_history (
    id            bigserial   PRIMARY KEY,
    profile_id    text        NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
    channel       text        NOT NULL,
    topic         text        NOT NULL,
    status        text        NOT NULL,
    transactional boolean     NOT NULL,
    at            timestamptz NOT NULL,
    source        text        NOT NULL,
    proof         jsonb,
    recorded_at   timestamptz NOT NULL
);
CREATE INDEX consent_history_profile_idx ON consent_history (profile_id, at);

-- The timeline, and the record of which (source, messageId) calls were applied: the primary key
-- makes a redelivered or resent call a no-op.
CREATE TABLE profile_event (
    source_id   text        NOT NULL,
    message_id  text        NOT NULL,
    profile_id  text        NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
    type        text        NOT NULL,
    event       text,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    payload     jsonb       NOT NULL,
    PRIMARY KEY (source_id, message_id)
);
CREATE INDEX profile_event_timeline_idx ON profile_event (profile_id, occurred_at DESC, message_id);

-- Per profile, event name and UTC day: how often and how much (revenue), kept >= 400 days so
-- windows up to a year can be evaluated exactly.
CREATE TABLE event_daily (
    profile_id text           NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
    event      text           NOT NULL,
    day        date           NOT NULL,
    count      integer        NOT NULL,
    value      numeric(18, 4) NOT NULL DEFAULT 0,
    PRIMARY KEY (profile_id, event, day)
);

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

-- GDPR erasure jobs hold no personal data: only the job's own id and progress.
CREATE TABLE erasure_job (
    id           text        PRIMARY KEY,
    status       text        NOT NULL,
    requested_at timestamptz NOT NULL,
    completed_at timestamptz,
    requested_by text        NOT NULL
);
