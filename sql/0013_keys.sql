-- skydd schema 13: keys, codes and cards (5 kap. 5–6 §§ PMFS 2022:1),
-- the projection of the register src/model/reg_keys.c.
--
-- An item is a key (with its number and how many copies exist), a card, or
-- a code. A code itself is never stored: only a reference to it and the day
-- it was last changed. The spare key or the note of a code is kept in an
-- approved storage container (5 kap. 10 §: a space of kind 'container').
CREATE TABLE key_item (
	id              INTEGER PRIMARY KEY CHECK (id >= 1),
	kind            TEXT    NOT NULL CHECK (kind IN ('key', 'card', 'code')),
	number          TEXT    NOT NULL UNIQUE, -- a key's or card's number, a code's reference
	description     TEXT    NOT NULL DEFAULT '',
	copies          INTEGER NOT NULL DEFAULT 1 CHECK (copies >= 1), -- a key's copies (not the spare)
	spare_space_id  INTEGER REFERENCES space (id), -- where the spare key or the code note is kept
	spare_note      TEXT    NOT NULL DEFAULT '',
	code_changed_on TEXT,    -- a code: the day it was last changed
	state           TEXT    NOT NULL CHECK (state IN ('active', 'lost', 'replaced', 'destroyed')),
	ended_on        TEXT,    -- replaced or destroyed on
	end_note        TEXT,
	replaced_by_id  INTEGER REFERENCES key_item (id),
	created_at      TEXT    NOT NULL,
	updated_at      TEXT    NOT NULL
);

-- What an item opens: areas (5 kap. 2 §) and approved containers (10 §).
CREATE TABLE key_opens (
	key_id    INTEGER NOT NULL REFERENCES key_item (id),
	type      TEXT    NOT NULL CHECK (type IN ('area', 'space')),
	object_id INTEGER NOT NULL,
	PRIMARY KEY (key_id, type, object_id)
) WITHOUT ROWID;

-- The hand-outs (5 kap. 6 §: to whom, when, whether and when returned). For
-- a code a hand-out is a person told it: who knows a code since when is its
-- hand-outs in state 'out'; a code change ends them ('changed'), since who
-- knew the old code does not know the new one. The receipt is signed in
-- skydd by the holder (TOTP) or recorded from paper by the clerk.
CREATE TABLE key_issue (
	id          INTEGER PRIMARY KEY CHECK (id >= 1),
	key_id      INTEGER NOT NULL REFERENCES key_item (id),
	person_id   INTEGER NOT NULL REFERENCES person (id),
	issued_on   TEXT    NOT NULL,
	issued_at   TEXT    NOT NULL,
	issued_by   INTEGER NOT NULL, -- identity
	receipt     TEXT    NOT NULL CHECK (receipt IN ('pending', 'signed', 'paper')),
	receipt_at  TEXT,
	receipt_by  INTEGER,          -- identity: the holder (signed) or the clerk (paper)
	paper_ref   TEXT,
	state       TEXT    NOT NULL CHECK (state IN ('out', 'returned', 'lost', 'changed')),
	returned_on TEXT,
	closed_by   INTEGER,          -- identity that recorded the return, loss or change
	lost_case_id INTEGER
);
CREATE INDEX key_issue_by_key ON key_issue (key_id, state);
CREATE INDEX key_issue_by_person ON key_issue (person_id, state);

-- A lost case may be about a key, card or code. SQLite cannot widen a CHECK:
-- lost_case is rebuilt with its index.
CREATE TABLE lost_case_old AS SELECT * FROM lost_case;
DROP TABLE lost_case;
CREATE TABLE lost_case (
	id           INTEGER PRIMARY KEY CHECK (id >= 1),
	item_type    TEXT    NOT NULL CHECK (item_type IN ('copy', 'medium', 'key')),
	item_id      INTEGER NOT NULL,
	inventory_id INTEGER REFERENCES inventory (id),
	opened_at    TEXT    NOT NULL,
	opened_by    INTEGER NOT NULL,
	state        TEXT    NOT NULL CHECK (state IN ('open', 'found', 'confirmed_lost')),
	closed_at    TEXT,
	closed_by    INTEGER,
	note         TEXT    NOT NULL DEFAULT '',
	prior_state  TEXT    NOT NULL DEFAULT '', -- the item's state before the loss
	resolution_note TEXT
);
INSERT INTO lost_case (id, item_type, item_id, inventory_id, opened_at, opened_by, state,
                       closed_at, closed_by, note, prior_state, resolution_note)
	SELECT id, item_type, item_id, inventory_id, opened_at, opened_by, state, closed_at,
	       closed_by, note, prior_state, resolution_note FROM lost_case_old;
DROP TABLE lost_case_old;
CREATE INDEX lost_case_by_item ON lost_case (item_type, item_id);
