-- Transactional mail is claimed ahead of marketing, so a receipt never queues behind a broadcast.
CREATE INDEX delivery_queued_priority ON delivery (transactional DESC, send_decided_at) WHERE state = 'queued';
DROP INDEX delivery_queued;
