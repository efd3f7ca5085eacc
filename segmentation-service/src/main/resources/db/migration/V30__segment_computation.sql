-- Bulk passes, one row per run. The row is written in the same transaction as the segment save
-- that asks for it, and its cursor and counts advance in the same transaction as each page's
-- transitions, so progress is exact and a pass cut short by a crash resumes where its last page
-- committed. The lease is how a replica owns a running pass; once it lapses, any replica takes it.
-- seq orders a segment's passes as they were saved, whatever the clocks said.
CREATE TABLE segment_computation (
    id                 text        PRIMARY KEY,
    seq                bigserial   NOT NULL,
    segment_ids        text[]      NOT NULL,
    state              text        NOT NULL,
    profiles_total     bigint,
    profiles_evaluated bigint      NOT NULL DEFAULT 0,
    transitions        bigint      NOT NULL DEFAULT 0,
    cursor_profile     text,
    owner              text        NOT NULL,
    lease_until        timestamptz NOT NULL,
    attempts           integer     NOT NULL DEFAULT 1,
    sizes              jsonb,
    error              text,
    started_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    finished_at        timestamptz
);
CREATE INDEX segment_computation_by_segment ON segment_computation USING gin (segment_ids);
CREATE INDEX segment_computation_running ON segment_computation (lease_until) WHERE state = 'running';
CREATE UNIQUE INDEX segment_computation_by_seq ON segment_computation (seq);
