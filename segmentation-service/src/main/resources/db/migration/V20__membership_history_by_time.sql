-- Sizes over time count the stays of one segment that cover an instant; this index keeps that to
-- the segment's own history instead of the whole table.
CREATE INDEX membership_history_by_segment ON membership_history (segment_id, entered_at);
