-- Receipts not applied yet: those whose part was not recorded when they came. The sweep looks for
-- the ones whose part has been recorded since (a receipt and its part written at the same moment
-- in two transactions can each miss the other).
CREATE INDEX delivery_receipt_pending ON delivery_receipt (received_at) WHERE NOT applied;
