-- Segment memberships of each profile, from segmentation-service's stream (touchpoint.segment-memberships.v1):
-- one row per profile and segment it was ever in, member or not since changed_at, so a membership
-- change that arrives again or late (an older changed_at) is recognised and changes nothing.
CREATE TABLE recipient_segment (
    profile_id text        NOT NULL,
    segment_id text        NOT NULL,
    member     boolean     NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (profile_id, segment_id)
);

-- The userIds and anonymousIds that resolve to each profile, from the identifiers profile-service
-- publishes with every change: how on-site content finds the profile of a visitor it meets by id.
CREATE TABLE recipient_identifier (
    kind       text NOT NULL,
    value      text NOT NULL,
    profile_id text NOT NULL,
    PRIMARY KEY (kind, value)
);
CREATE INDEX recipient_identifier_profile ON recipient_identifier (profile_id);

-- Profiles merged into another: a change of one that is still in flight, or replayed, from its own
-- partition (another than the survivor's) must not bring it, or its identifiers, back.
CREATE TABLE recipient_merged (
    profile_id      text        PRIMARY KEY,
    into_profile_id text        NOT NULL,
    merged_at       timestamptz NOT NULL
);
CREATE INDEX recipient_merged_into ON recipient_merged (into_profile_id);
