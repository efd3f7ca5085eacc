-- Partners' webhook receivers by the stable key webhook templates name, and the secrets that sign
-- calls to them. A rotation makes a new current secret (expires_at null) and gives the previous one
-- an expiry: until then both sign every call, so the partner can switch over without a gap.
CREATE TABLE webhook_endpoint (
    endpoint_key text        PRIMARY KEY,
    url          text        NOT NULL,
    description  text,
    enabled      boolean     NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX webhook_endpoint_created ON webhook_endpoint (created_at, endpoint_key);

CREATE TABLE webhook_secret (
    id           bigserial   PRIMARY KEY,
    endpoint_key text        NOT NULL REFERENCES webhook_endpoint (endpoint_key) ON DELETE CASCADE,
    secret       text        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz
);
CREATE INDEX webhook_secret_endpoint ON webhook_secret (endpoint_key, id);
