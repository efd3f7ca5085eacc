-- Durable wake-ups: one row per thing that must happen at an instant (a journey's wait, a retry).
-- Any replica claims due rows with FOR UPDATE SKIP LOCKED in due order; the index makes finding
-- what is due cost what is due, not what waits. (kind, key) is unique: scheduling again moves it.
CREATE TABLE wakeup (
    id         bigserial   PRIMARY KEY,
    kind       text        NOT NULL,
    wakeup_key text        NOT NULL,
    due_at     timestamptz NOT NULL,
    payload    jsonb,
    UNIQUE (kind, wakeup_key)
);
CREATE INDEX wakeup_due ON wakeup (due_at, id);
