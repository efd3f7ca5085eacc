-- Profiles merged into another one. Changes of a merged-away profile still in flight (it may be
-- keyed to another partition than the survivor) must not bring it back into segments.
CREATE TABLE merged_profile (
    profile_id  text        PRIMARY KEY,
    merged_into text        NOT NULL,
    merged_at   timestamptz NOT NULL
);
