-- DSN reports (RFC 3464) read from the bounce mailbox, one row per report: a report read again (the
-- mailbox was not yet cleaned when the process stopped) finds its row and changes nothing.
CREATE TABLE delivery_bounce (
    report_id   text        PRIMARY KEY,
    delivery_id text        NOT NULL,
    profile_id  text        NOT NULL,
    hard        boolean     NOT NULL,
    status      text        NOT NULL,
    diagnostic  text,
    at          timestamptz NOT NULL
);
CREATE INDEX delivery_bounce_delivery ON delivery_bounce (delivery_id);
CREATE INDEX delivery_bounce_profile ON delivery_bounce (profile_id);

-- A sent message the recipient's server gave up on for good.
ALTER TABLE delivery DROP CONSTRAINT delivery_state_check;
ALTER TABLE delivery ADD CONSTRAINT delivery_state_check CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'deferred',
    'suppressed', 'unknown', 'bounced'));
