-- When each (segment, profile) answer that depends on the clock must next be re-evaluated: the
-- instant a window edge or relative date passes. Written in the same transaction as the evaluation
-- that computed it; the flip timer polls it by due_at.
CREATE TABLE membership_due (
    segment_id  text        NOT NULL,
    profile_id  text        NOT NULL,
    due_at      timestamptz NOT NULL,
    PRIMARY KEY (profile_id, segment_id)
);
CREATE INDEX membership_due_by_time ON membership_due (due_at);

-- cameFrom conditions read a profile's past memberships.
CREATE INDEX membership_history_by_profile ON membership_history (profile_id, segment_id);

-- Profiles evaluated before timers existed have none: one catch-up evaluation each ('*' stands for
-- every segment) sets them.
INSERT INTO membership_due (segment_id, profile_id, due_at) SELECT '*', profile_id, now() FROM profile_snapshot;
