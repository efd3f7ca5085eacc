-- Journeys as marketers edit them: the draft, and immutable numbered versions once published.
CREATE TABLE journey (
    id                text        PRIMARY KEY,
    name              text        NOT NULL,
    state             text        NOT NULL CHECK (state IN ('draft', 'active', 'paused', 'archived')),
    draft             text        NOT NULL,
    published_version integer,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE TABLE journey_version (
    id           text        PRIMARY KEY,
    journey_id   text        NOT NULL REFERENCES journey (id),
    version      integer     NOT NULL,
    definition   text        NOT NULL,
    published_at timestamptz NOT NULL,
    UNIQUE (journey_id, version)
);

-- At most one instance in progress per journey, profile and entry key (an order id, or empty).
CREATE TABLE journey_instance (
    id         text        PRIMARY KEY,
    journey_id text        NOT NULL,
    version    integer     NOT NULL,
    profile_id text        NOT NULL,
    entry_key  text        NOT NULL,
    state      text        NOT NULL CHECK (state IN ('active', 'waiting', 'held', 'exited')),
    node_id    text,
    entered_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    exit_reason text
);
CREATE UNIQUE INDEX journey_instance_in_progress ON journey_instance (journey_id, profile_id, entry_key)
    WHERE state <> 'exited';
CREATE INDEX journey_instance_key ON journey_instance (journey_id, profile_id, entry_key, entered_at);

-- The triggers that entered someone: a redelivered or replayed trigger enters nobody twice, whatever
-- the re-entry rule allows. instance_id is null where the rule let nobody in.
CREATE TABLE journey_entry (
    journey_id  text        NOT NULL,
    profile_id  text        NOT NULL,
    trigger_id  text        NOT NULL,
    instance_id text,
    PRIMARY KEY (journey_id, profile_id, trigger_id)
);
CREATE INDEX journey_instance_profile ON journey_instance (profile_id);
CREATE INDEX journey_instance_node ON journey_instance (journey_id, version, node_id) WHERE state <> 'exited';

-- Every step an instance took, and why: the trace a marketer reads.
CREATE TABLE journey_step (
    instance_id text        NOT NULL,
    seq         integer     NOT NULL,
    node_id     text        NOT NULL,
    outcome     text        NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (instance_id, seq)
);
