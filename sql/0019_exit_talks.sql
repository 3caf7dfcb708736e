-- skydd schema 19: exit talks (avslutande säkerhetssamtal, 6 kap. 6 § PMFS
-- 2022:1). When a person's participation in the security-sensitive activity
-- ends, the operator holds an exit talk — the day, who held it, that the
-- person was reminded of their duty of confidentiality (tystnadsplikt) — or
-- records why it was obviously unnecessary. One per ending: the person's own
-- ending (placement_id NULL) or, once the positions register exists, the end
-- of a placement (placement_id). src/model/reg_exit_talks.c.
CREATE TABLE exit_talk (
	id                  INTEGER PRIMARY KEY CHECK (id >= 1),
	person_id           INTEGER NOT NULL REFERENCES person (id),
	placement_id        INTEGER, -- the placement that ended; NULL: the person's ending
	held_on             TEXT,    -- the day of the talk (held)
	held_by_person_id   INTEGER REFERENCES person (id),
	held_by_identity_id INTEGER, -- or the login that held it
	reminded            INTEGER CHECK (reminded IS NULL OR reminded IN (0, 1)),
	reason              TEXT    NOT NULL DEFAULT '', -- why obviously unnecessary
	outcome             TEXT    NOT NULL CHECK (outcome IN ('held', 'unnecessary')),
	created_at          TEXT    NOT NULL,
	created_by          INTEGER NOT NULL,
	updated_at          TEXT    NOT NULL
);
CREATE INDEX exit_talk_by_person ON exit_talk (person_id, placement_id);
