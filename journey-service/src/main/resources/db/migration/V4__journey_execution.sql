-- What the journey knows of each profile, from profile-service's change stream and segmentation's
-- membership stream: branches, waits in the recipient's zone, audiences and broadcasts read it.
CREATE TABLE journey_profile (
    profile_id  text        PRIMARY KEY,
    version     bigint      NOT NULL,
    traits      text        NOT NULL,
    computed    text        NOT NULL,
    consents    text        NOT NULL,
    preferences text        NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- The latest transition per profile and segment; a left row stays so a late "entered" cannot undo it.
CREATE TABLE journey_membership (
    profile_id text        NOT NULL,
    segment_id text        NOT NULL,
    member     boolean     NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (profile_id, segment_id)
);
CREATE INDEX journey_membership_segment ON journey_membership (segment_id, profile_id) WHERE member;

-- The payload an instance entered with (the trigger's properties, an API entry's payload), which
-- conditions and message variables read; the split arm it was given; when it reached the goal.
ALTER TABLE journey_instance ADD COLUMN entry_payload text NOT NULL DEFAULT '{}';
ALTER TABLE journey_instance ADD COLUMN arm text;
ALTER TABLE journey_instance ADD COLUMN goal_at timestamptz;
CREATE INDEX journey_instance_profile_open ON journey_instance (profile_id) WHERE state <> 'exited';

-- A broadcast in progress: the schedule's occurrence and how far through the audience it got.
CREATE TABLE journey_broadcast (
    journey_id  text        NOT NULL,
    occurrence  text        NOT NULL,
    after_id    text        NOT NULL DEFAULT '',
    entered     bigint      NOT NULL DEFAULT 0,
    done        boolean     NOT NULL DEFAULT false,
    started_at  timestamptz NOT NULL,
    PRIMARY KEY (journey_id, occurrence)
);

-- API entries: the caller's idempotency key, so a retried call enters nobody twice.
CREATE TABLE journey_api_call (
    journey_id text        NOT NULL,
    call_key   text        NOT NULL,
    response   text        NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (journey_id, call_key)
);

-- What publishing a version does to instances in flight on older ones (stay, move to the same node
-- ids, exit), carried out after the version commits; settled once done, so a crash in between
-- is finished at the next start.
ALTER TABLE journey_version ADD COLUMN in_flight text NOT NULL DEFAULT 'stay' CHECK (in_flight IN ('stay', 'move', 'exit'));
ALTER TABLE journey_version ADD COLUMN settled boolean NOT NULL DEFAULT true;
