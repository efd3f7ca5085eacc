-- The delivery ledger: one row per message request, keyed by its requestId, so a request that comes
-- again (redelivered, replayed) finds its row and is never sent twice. States:
--   queued -> sending -> sent | failed, and deferred (waiting for a wake-up) | suppressed;
--   unknown: the process stopped between recording "sending" and the provider's answer. Such a row
--   is never sent again on its own: it may have gone out.
CREATE TABLE delivery (
    request_id        text        PRIMARY KEY,
    delivery_id       text        NOT NULL UNIQUE,
    profile_id        text        NOT NULL,
    journey_id        text,
    step_id           text,
    template_id       text,
    topic             text,
    transactional     boolean     NOT NULL,
    requested_channel text,
    channel           text,
    address           text,
    state             text        NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'deferred',
                                                            'suppressed', 'unknown')),
    reason            text,
    detail            text,
    variables         jsonb       NOT NULL,
    requested_at      timestamptz,
    expires_at        timestamptz NOT NULL,
    -- When the policy let it go: what frequency caps count (queued, sending, sent and unknown rows alike).
    send_decided_at   timestamptz,
    deliver_after     timestamptz,
    sending_at        timestamptz,
    sending_by        text,
    sent_at           timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX delivery_queued ON delivery (send_decided_at) WHERE state = 'queued';
CREATE INDEX delivery_sending ON delivery (sending_at) WHERE state = 'sending';
CREATE INDEX delivery_profile ON delivery (profile_id, channel, send_decided_at);

-- Every decision about a request, in order: the policy's (with its reason code) and the provider's.
CREATE TABLE delivery_decision (
    id         bigserial   PRIMARY KEY,
    request_id text        NOT NULL REFERENCES delivery (request_id) ON DELETE CASCADE,
    at         timestamptz NOT NULL,
    state      text        NOT NULL,
    channel    text,
    reason     text,
    detail     text
);
CREATE INDEX delivery_decision_request ON delivery_decision (request_id, id);

-- Addresses nothing (or, for unsubscribes, no marketing) is sent to. Emails are kept lower-cased.
CREATE TABLE suppression (
    channel    text        NOT NULL,
    address    text        NOT NULL,
    reason     text        NOT NULL CHECK (reason IN ('unsubscribed', 'hard-bounce', 'complaint', 'manual')),
    detail     text,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (channel, address)
);
