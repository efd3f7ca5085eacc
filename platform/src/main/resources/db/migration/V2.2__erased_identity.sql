-- People who were erased, as salted hashes only: every consumer checks a record's profile ids (and
-- profile-service the identifiers) against this list, so a record of an erased person that was still
-- in flight, or is replayed from the earliest offset, never brings them back. The salt is this
-- database's own and never leaves it, so the hashes cannot be matched against another list.
CREATE TABLE erasure_salt (
    id   boolean PRIMARY KEY DEFAULT true CHECK (id),
    salt bytea   NOT NULL
);
INSERT INTO erasure_salt (salt) VALUES (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

CREATE TABLE erased_identity (
    hash      bytea       PRIMARY KEY,
    erased_at timestamptz NOT NULL
);
