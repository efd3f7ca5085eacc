-- What a provider took for a delivery and what it reported back (SMS: the SMSC's message id per
-- segment and its delivery receipt), and how often a delivery was handed to its provider.
--   delivered: the provider (the SMSC) reported the message on the handset.
ALTER TABLE delivery DROP CONSTRAINT delivery_state_check;
ALTER TABLE delivery ADD CONSTRAINT delivery_state_check CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed',
    'deferred', 'suppressed', 'unknown', 'bounced'));
-- Parts the provider took (SMS segments; 1 for an email or a webhook call), once sent.
ALTER TABLE delivery ADD COLUMN parts integer;
-- Hand-overs to the provider (a webhook retried after a 500 is handed over again) and when the first was.
ALTER TABLE delivery ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE delivery ADD COLUMN first_attempt_at timestamptz;

-- One row per part a provider took, by the provider's own id for it (the SMSC's message_id): how
-- its receipts find the delivery. Each part is delivered or failed once.
CREATE TABLE delivery_part (
    provider_id text        PRIMARY KEY,
    request_id  text        NOT NULL REFERENCES delivery (request_id) ON DELETE CASCADE,
    part        integer     NOT NULL,
    state       text        NOT NULL CHECK (state IN ('accepted', 'delivered', 'failed')),
    updated_at  timestamptz NOT NULL
);
CREATE INDEX delivery_part_request ON delivery_part (request_id);

-- Receipts as they came, by the provider's id: a receipt sent again finds its row and changes
-- nothing; one that came before its part was recorded (the SMSC answered faster than the ledger
-- wrote) waits here until it is, then applies.
CREATE TABLE delivery_receipt (
    provider_id text        PRIMARY KEY,
    delivered   boolean     NOT NULL,
    status      text        NOT NULL,
    detail      text,
    applied     boolean     NOT NULL DEFAULT false,
    received_at timestamptz NOT NULL
);

-- Replies from phones (STOP, START) find their recipient by the digits of the number.
CREATE INDEX recipient_phone_digits ON recipient ((regexp_replace(phone, '[^0-9]', '', 'g'))) WHERE phone IS NOT NULL;
