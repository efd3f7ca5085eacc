-- Facts (one row per thing that happened, keyed by a deterministic id, inserted idempotently) and
-- the rollups they feed, changed in the same transaction as each consumer's progress.
-- Rollups are in UTC at three grains: 0 = 15 minutes (serves every zone offset), 1 = hour, 2 = day;
-- a read sums the coarsest rows that fit inside its periods and the finer ones at their edges.

-- How far each consumer has applied each partition, and the newest event time it applied there.
CREATE TABLE consumer_progress (
    topic       text        NOT NULL,
    partition   integer     NOT NULL,
    next_offset bigint      NOT NULL,
    newest_at   timestamptz,
    PRIMARY KEY (topic, partition)
);

-- One row per message (message request), whichever of its records came first.
CREATE TABLE message (
    request_id            text PRIMARY KEY,
    profile_id            text,
    journey_id            text NOT NULL DEFAULT '',
    node_id               text NOT NULL DEFAULT '',
    template_id           text NOT NULL DEFAULT '',
    channel               text NOT NULL DEFAULT '',
    topic                 text,
    arm                   text NOT NULL DEFAULT '',
    requested_at          timestamptz,
    suppressed_reason     text,
    sent_at               timestamptz, sent_n               integer NOT NULL DEFAULT 0,
    delivered_at          timestamptz, delivered_n          integer NOT NULL DEFAULT 0,
    opened_at             timestamptz, opened_n             integer NOT NULL DEFAULT 0,
    opened_human_at       timestamptz, opened_human_n       integer NOT NULL DEFAULT 0,
    clicked_at            timestamptz, clicked_n            integer NOT NULL DEFAULT 0,
    clicked_human_at      timestamptz, clicked_human_n      integer NOT NULL DEFAULT 0,
    unsubscribed_at       timestamptz, unsubscribed_n       integer NOT NULL DEFAULT 0,
    bounced_at            timestamptz, bounced_n            integer NOT NULL DEFAULT 0,
    complained_at         timestamptz, complained_n         integer NOT NULL DEFAULT 0,
    suppressed_at         timestamptz, suppressed_n         integer NOT NULL DEFAULT 0,
    failed_at             timestamptz, failed_n             integer NOT NULL DEFAULT 0,
    unknown_at            timestamptz, unknown_n            integer NOT NULL DEFAULT 0
) WITH (fillfactor = 80);  -- room on each page for the updates each later event of a message makes (HOT)
CREATE INDEX message_profile ON message (profile_id, journey_id);
-- Recipients of a journey in a range (conversion reports: revenue per recipient).
CREATE INDEX message_journey_sent ON message (journey_id, sent_at);

-- Every delivery event once, by its CloudEvents id (stable across redeliveries); keyed under its
-- message so one index serves both the check and a message's events (erasure).
CREATE TABLE delivery_event (
    request_id text        NOT NULL,
    event_id   text        NOT NULL,
    status     text        NOT NULL,
    reason     text,
    at         timestamptz NOT NULL,
    PRIMARY KEY (request_id, event_id)
);

CREATE TABLE message_rollup (
    journey_id            text     NOT NULL,
    grain                 smallint NOT NULL,
    bucket                timestamptz NOT NULL,
    node_id               text     NOT NULL,
    template_id           text     NOT NULL,
    channel               text     NOT NULL,
    arm                   text     NOT NULL,
    requested             bigint   NOT NULL DEFAULT 0,
    sent                  bigint   NOT NULL DEFAULT 0, sent_total          bigint NOT NULL DEFAULT 0,
    delivered             bigint   NOT NULL DEFAULT 0, delivered_total     bigint NOT NULL DEFAULT 0,
    opened                bigint   NOT NULL DEFAULT 0, opened_total        bigint NOT NULL DEFAULT 0,
    opened_human          bigint   NOT NULL DEFAULT 0, opened_human_total  bigint NOT NULL DEFAULT 0,
    clicked               bigint   NOT NULL DEFAULT 0, clicked_total       bigint NOT NULL DEFAULT 0,
    clicked_human         bigint   NOT NULL DEFAULT 0, clicked_human_total bigint NOT NULL DEFAULT 0,
    unsubscribed          bigint   NOT NULL DEFAULT 0, unsubscribed_total  bigint NOT NULL DEFAULT 0,
    bounced               bigint   NOT NULL DEFAULT 0, bounced_total       bigint NOT NULL DEFAULT 0,
    complained            bigint   NOT NULL DEFAULT 0, complained_total    bigint NOT NULL DEFAULT 0,
    suppressed            bigint   NOT NULL DEFAULT 0, suppressed_total    bigint NOT NULL DEFAULT 0,
    failed                bigint   NOT NULL DEFAULT 0, failed_total        bigint NOT NULL DEFAULT 0,
    unknown               bigint   NOT NULL DEFAULT 0, unknown_total       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (journey_id, grain, bucket, node_id, template_id, channel, arm)
);
-- Reports over every journey (a template or a channel across journeys).
CREATE INDEX message_rollup_time ON message_rollup (grain, bucket);

-- Suppressed messages by the reason of their first suppression.
CREATE TABLE suppression_rollup (
    journey_id  text     NOT NULL,
    grain       smallint NOT NULL,
    bucket      timestamptz NOT NULL,
    node_id     text     NOT NULL,
    template_id text     NOT NULL,
    channel     text     NOT NULL,
    arm         text     NOT NULL,
    reason      text     NOT NULL,
    messages    bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (journey_id, grain, bucket, node_id, template_id, channel, arm, reason)
);
CREATE INDEX suppression_rollup_time ON suppression_rollup (grain, bucket);

-- Journeys this service has heard of (a report on any other is a 400).
CREATE TABLE journey (
    journey_id    text PRIMARY KEY,
    first_seen_at timestamptz NOT NULL
);

CREATE TABLE journey_event (
    event_id    text PRIMARY KEY,
    profile_id  text        NOT NULL,
    journey_id  text        NOT NULL,
    version     integer     NOT NULL,
    instance_id text,
    kind        text        NOT NULL,
    node_id     text,
    detail      text,
    at          timestamptz NOT NULL
);
CREATE INDEX journey_event_profile ON journey_event (profile_id);
CREATE INDEX journey_event_journey ON journey_event (journey_id, kind, at);

-- A profile's first arm at each split (the arm is a hash of journey, node and profile: the same every time).
CREATE TABLE assignment (
    journey_id  text        NOT NULL,
    node_id     text        NOT NULL,
    profile_id  text        NOT NULL,
    arm         text        NOT NULL,
    assigned_at timestamptz NOT NULL,
    PRIMARY KEY (journey_id, node_id, profile_id)
);
CREATE INDEX assignment_profile ON assignment (profile_id, journey_id);
CREATE INDEX assignment_time ON assignment (journey_id, node_id, assigned_at);

-- Every membership transition once: exactly one per (profile, segment, instant, direction).
CREATE TABLE membership_change (
    profile_id text        NOT NULL,
    at         timestamptz NOT NULL,
    segment_id text        NOT NULL,
    entered    boolean     NOT NULL,
    PRIMARY KEY (profile_id, at, segment_id, entered)
);
CREATE INDEX membership_change_segment ON membership_change (segment_id, at);
CREATE INDEX membership_change_profile_segment ON membership_change (profile_id, segment_id, at);

CREATE TABLE segment (
    segment_id    text PRIMARY KEY,
    first_seen_at timestamptz NOT NULL
);

CREATE TABLE segment_rollup (
    segment_id text     NOT NULL,
    grain      smallint NOT NULL,
    bucket     timestamptz NOT NULL,
    entries    bigint   NOT NULL DEFAULT 0,
    exits      bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (segment_id, grain, bucket)
);

-- A move: the same profile left one segment and entered another at the same instant (one evaluation).
CREATE TABLE segment_move_rollup (
    from_segment text     NOT NULL,
    to_segment   text     NOT NULL,
    grain        smallint NOT NULL,
    bucket       timestamptz NOT NULL,
    moves        bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (from_segment, to_segment, grain, bucket)
);

-- Tracked events (from the interaction behind each profile change), once per source and message id.
CREATE TABLE interaction_event (
    source_id  text        NOT NULL,
    message_id text        NOT NULL,
    profile_id text        NOT NULL,
    event      text        NOT NULL,
    at         timestamptz NOT NULL,
    -- The event's numeric top-level properties: revenue for whichever property a goal names.
    numbers    jsonb,
    PRIMARY KEY (source_id, message_id)
);
CREATE INDEX interaction_event_event ON interaction_event (event, at);
CREATE INDEX interaction_event_profile ON interaction_event (profile_id, event, at);

-- When a profile registered and first purchased (profile-service's computed attributes): cohort anchors.
CREATE TABLE profile_anchor (
    profile_id        text PRIMARY KEY,
    registered_at     timestamptz,
    first_purchase_at timestamptz
);
CREATE INDEX profile_anchor_registered ON profile_anchor (registered_at);
CREATE INDEX profile_anchor_first_purchase ON profile_anchor (first_purchase_at);

-- Conversion goals: which events count and which property holds their revenue.
CREATE TABLE goal (
    goal_key         text PRIMARY KEY,
    name             text        NOT NULL,
    description      text,
    events           text[]      NOT NULL,
    revenue_property text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
