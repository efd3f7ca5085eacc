-- ARF feedback reports (RFC 5965) about our messages, read from the bounce mailbox, one row per
-- report: a report read again (recorded but not yet deleted when the process stopped) finds its row
-- and changes nothing. Types other than abuse and fraud (not-spam, virus...) are kept but complain
-- of nothing.
CREATE TABLE delivery_complaint (
    report_id     text        PRIMARY KEY,
    delivery_id   text        NOT NULL,
    profile_id    text        NOT NULL,
    feedback_type text        NOT NULL,
    user_agent    text,
    complaint     boolean     NOT NULL,
    at            timestamptz NOT NULL
);
CREATE INDEX delivery_complaint_delivery ON delivery_complaint (delivery_id);
CREATE INDEX delivery_complaint_profile ON delivery_complaint (profile_id);
