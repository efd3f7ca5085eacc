-- Open pixels and tracked links are signed with a key of their own (a leaked unsubscribe key must
-- not let anyone forge clicks, nor the other way round), made here and never shown.
INSERT INTO signing_key (purpose, secret) VALUES ('engagement', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
