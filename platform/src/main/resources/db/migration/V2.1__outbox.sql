-- Platform migrations take version 1 and versions 2.x; a service numbers its own 2 and from 3 on.
-- The transactional outbox: written in the same transaction as the change, relayed to Kafka after.
-- profile-service and segmentation-service created this table in their own V2 before the platform
-- existed; IF NOT EXISTS adopts theirs unchanged (Flyway keeps their applied migrations' checksums).
CREATE TABLE IF NOT EXISTS outbox (
    id          bigserial   PRIMARY KEY,
    event_id    text        NOT NULL,
    topic       text        NOT NULL,
    record_key  text        NOT NULL,
    event_type  text        NOT NULL,
    payload     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL
);

-- Records the broker can never take (larger than its limit, say) leave the outbox for this table,
-- with why, instead of blocking every record behind them; an operator reads, fixes or drops them.
CREATE TABLE outbox_failed (
    id          bigint      PRIMARY KEY,
    event_id    text        NOT NULL,
    topic       text        NOT NULL,
    record_key  text        NOT NULL,
    event_type  text        NOT NULL,
    payload     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    failed_at   timestamptz NOT NULL,
    reason      text        NOT NULL
);
