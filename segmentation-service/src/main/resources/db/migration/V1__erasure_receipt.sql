-- One row per GDPR erasure this service obeyed; the primary key makes redelivery a no-op.
CREATE TABLE erasure_receipt (
    erasure_id   text        PRIMARY KEY,
    profile_id   text        NOT NULL,
    requested_at timestamptz NOT NULL,
    completed_at timestamptz NOT NULL
);
CREATE INDEX erasure_receipt_profile_idx ON erasure_receipt (profile_id);
