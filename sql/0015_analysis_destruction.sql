-- skydd schema 15 (issue 15): the security protection analysis is sent to the
-- head for approval and may be sent back for changes; and it has a class.
-- Projections of analysis.submitted / analysis.returned and of the class
-- carried by analysis.created, .updated and .revised (src/model/analysis.c).

-- BH/K/H/KH, or NULL: not classified. Versions, their plans and reports are
-- shown only to those cleared for it (need-to-know; see docs/guide/analysis.md).
ALTER TABLE analysis ADD COLUMN class TEXT CHECK (class IS NULL OR class IN ('BH', 'K', 'H', 'KH'));
-- A draft sent to the head (submitted_at set) is frozen until approved or sent back.
ALTER TABLE analysis ADD COLUMN submitted_at TEXT;
ALTER TABLE analysis ADD COLUMN submitted_by INTEGER;
-- The last sending back for changes (who, when, why); the draft is editable again.
ALTER TABLE analysis ADD COLUMN returned_at TEXT;
ALTER TABLE analysis ADD COLUMN returned_by INTEGER;
ALTER TABLE analysis ADD COLUMN return_reason TEXT;

-- Destruction of several copies of a document in one act (issue 15, "Paper"):
-- each copy keeps its own destruction record; the records of one act share a
-- protocol number, printed as one protocol. NULL: destroyed on its own.
ALTER TABLE destruction ADD COLUMN protocol_id INTEGER;
CREATE INDEX destruction_by_protocol ON destruction (protocol_id);
