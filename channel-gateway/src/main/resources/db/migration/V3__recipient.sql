-- The gateway's own projection of each profile, from profile-service's change stream: what delivery
-- needs (addresses, consent, channel preferences) and the traits templates read. version is the
-- profile's change counter, so a redelivered or older change never overwrites a newer one.
CREATE TABLE recipient (
    profile_id    text        PRIMARY KEY,
    version       bigint      NOT NULL,
    email         text,
    phone         text,
    consents      jsonb       NOT NULL,
    channel_order text[]      NOT NULL,
    time_zone     text,
    locale        text,
    quiet_start   time,
    quiet_end     time,
    traits        jsonb       NOT NULL,
    computed      jsonb       NOT NULL,
    updated_at    timestamptz NOT NULL
);
