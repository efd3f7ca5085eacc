-- One row per GDPR erasure this service obeyed; the primary key makes redelivery a no-op. It
-- names no person: the erasure id is the proof, and nothing about the person stays behind.
CREATE TABLE erasure_receipt (
    erasure_id   text        PRIMARY KEY,
    requested_at timestamptz NOT NULL,
    completed_at timestamptz NOT NULL
);
