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

-- One instance per journey, profile and entry key: a redelivered trigger enters nobody twice.
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
    exit_reason text,
    UNIQUE (journey_id, profile_id, entry_key)
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
