-- skydd schema 3: the register of classified information (3 kap. PMFS 2022:1)
-- and the approved spaces of 5 kap. 8–10 §§. Every table here is a projection
-- of ledger entries (src/model/records.c, document.c, inventory.c apply
-- them) and is compared row by row by `skydd verify --replay`.
--
-- Classes are 'BH', 'K', 'H', 'KH' (säkerhetsskyddsklass). Dates are
-- YYYY-MM-DD, times RFC 3339 UTC with microseconds (the entry's time).
-- Identities (identity.id) are login accounts; persons are people, who may
-- or may not have a login (person.identity_id).

-- Settings of the register, e.g. 'doc.pattern' (auto-numbering of designations).
CREATE TABLE register_setting (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	changed_at TEXT NOT NULL,
	changed_by INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE person (
	id          INTEGER PRIMARY KEY CHECK (id >= 1),
	name        TEXT    NOT NULL,
	unit        TEXT    NOT NULL DEFAULT '',
	identity_id INTEGER UNIQUE REFERENCES identity (id),
	status      TEXT    NOT NULL CHECK (status IN ('active', 'ended')),
	ended_on    TEXT,
	created_at  TEXT    NOT NULL,
	created_by  INTEGER NOT NULL,
	updated_at  TEXT    NOT NULL
);

-- Approved spaces (5 kap. 8–10 §§): rooms for classified conversations,
-- rooms for processing, and storage containers (förvaringsutrymmen).
CREATE TABLE space (
	id           INTEGER PRIMARY KEY CHECK (id >= 1),
	kind         TEXT    NOT NULL CHECK (kind IN ('conversation', 'processing', 'container')),
	name         TEXT    NOT NULL,
	location     TEXT    NOT NULL DEFAULT '',
	max_class    TEXT    NOT NULL CHECK (max_class IN ('BH', 'K', 'H', 'KH')),
	decided_by   INTEGER NOT NULL, -- identity that approved it
	decided_on   TEXT    NOT NULL,
	decision_ref TEXT    NOT NULL,
	status       TEXT    NOT NULL CHECK (status IN ('approved', 'withdrawn')),
	withdrawn_on TEXT,
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL
);

-- Information systems (minimal; the 4 kap. register comes later): the highest
-- class each is approved for (3 kap. 1 §).
CREATE TABLE info_system (
	id           INTEGER PRIMARY KEY CHECK (id >= 1),
	name         TEXT    NOT NULL UNIQUE,
	max_class    TEXT    NOT NULL CHECK (max_class IN ('BH', 'K', 'H', 'KH')),
	decision_ref TEXT    NOT NULL DEFAULT '',
	status       TEXT    NOT NULL CHECK (status IN ('approved', 'withdrawn')),
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL
);

-- Approved distributors of K+ physical documents (3 kap. 12 §).
CREATE TABLE distributor (
	id           INTEGER PRIMARY KEY CHECK (id >= 1),
	name         TEXT    NOT NULL UNIQUE,
	contact      TEXT    NOT NULL DEFAULT '',
	decision_ref TEXT    NOT NULL DEFAULT '',
	status       TEXT    NOT NULL CHECK (status IN ('approved', 'withdrawn')),
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL
);

-- Classified documents (handlingar), 3 kap. 4 and 10 §§.
CREATE TABLE document (
	id               INTEGER PRIMARY KEY CHECK (id >= 1),
	designation      TEXT    NOT NULL UNIQUE, -- beteckning
	title            TEXT    NOT NULL,
	title_classified INTEGER NOT NULL DEFAULT 0 CHECK (title_classified IN (0, 1)),
	class            TEXT    NOT NULL CHECK (class IN ('BH', 'K', 'H', 'KH')),
	form             TEXT    NOT NULL CHECK (form IN ('physical', 'electronic')),
	pages            INTEGER CHECK (pages IS NULL OR pages >= 1),
	attachments      INTEGER NOT NULL DEFAULT 0 CHECK (attachments >= 0),
	originator       TEXT    NOT NULL DEFAULT '', -- '' = own organisation
	case_number      TEXT    NOT NULL DEFAULT '', -- diarienummer
	system_id        INTEGER REFERENCES info_system (id), -- electronic: where it is held
	document_date    TEXT,                         -- the document's own date
	registered_on    TEXT    NOT NULL,
	status           TEXT    NOT NULL CHECK (status IN ('active', 'closed')),
	created_at       TEXT    NOT NULL,
	created_by       INTEGER NOT NULL,
	updated_at       TEXT    NOT NULL,
	-- 3 kap. 6 §: the day it was declassified (decision.reclassified to 'none');
	-- class keeps the last class. NULL = still classified (in the register).
	declassified_on  TEXT
);
CREATE INDEX document_by_class ON document (class, id);

-- The need-to-know list of a document (persons).
CREATE TABLE document_access (
	document_id INTEGER NOT NULL REFERENCES document (id),
	person_id   INTEGER NOT NULL REFERENCES person (id),
	added_at    TEXT    NOT NULL,
	added_by    INTEGER NOT NULL,
	PRIMARY KEY (document_id, person_id)
) WITHOUT ROWID;
CREATE INDEX document_access_by_person ON document_access (person_id, document_id);

-- Copies (exemplar), numbered 1..n per document (3 kap. 5 §). A copy is
-- with a person (under kontroll) or in an approved container (3 kap. 9 §).
CREATE TABLE copy (
	id                  INTEGER PRIMARY KEY CHECK (id >= 1),
	document_id         INTEGER NOT NULL REFERENCES document (id),
	number              INTEGER NOT NULL CHECK (number >= 1),
	state               TEXT    NOT NULL CHECK (state IN ('in_register', 'issued', 'returned',
	                                                     'shipped', 'lost', 'archived',
	                                                     'destroyed')),
	holder_person_id    INTEGER REFERENCES person (id),
	space_id            INTEGER REFERENCES space (id),
	decision_id         INTEGER, -- kh_decision that allowed a KH copy (3 kap. 8 §)
	last_inventoried_on TEXT,
	created_at          TEXT    NOT NULL,
	updated_at          TEXT    NOT NULL,
	UNIQUE (document_id, number)
);
CREATE INDEX copy_by_holder ON copy (holder_person_id);
CREATE INDEX copy_by_state ON copy (state, last_inventoried_on);
-- Copies held (so inventoried, 3 kap. 21 §) by the day they were last
-- inventoried (or made): "not inventoried in 12 months" is a range scan.
CREATE INDEX copy_inventory_due ON copy (coalesce(last_inventoried_on, substr(created_at, 1, 10)),
                                         document_id)
	WHERE state IN ('in_register', 'issued', 'returned', 'archived');

-- Receipts (kvittenser), 3 kap. 14 §. Kept at least 10 years, KH 25: no code
-- path deletes a row of this table.
CREATE TABLE receipt (
	id            INTEGER PRIMARY KEY CHECK (id >= 1),
	copy_id       INTEGER NOT NULL REFERENCES copy (id),
	person_id     INTEGER NOT NULL REFERENCES person (id),
	class         TEXT    NOT NULL, -- the class when issued (shown when signing, 3 kap. 2 §)
	state         TEXT    NOT NULL CHECK (state IN ('pending', 'signed', 'returned')),
	issued_at     TEXT    NOT NULL,
	issued_by     INTEGER NOT NULL,
	signed_at     TEXT,
	signed_by     INTEGER, -- identity that signed (the recipient, or the registrar for paper)
	paper_ref     TEXT,    -- a signed paper receipt's reference
	returned_at   TEXT,
	returned_note TEXT,
	keep_until    TEXT    NOT NULL -- issued + 10 years, KH + 25
);
CREATE TRIGGER receipt_no_delete BEFORE DELETE ON receipt
BEGIN
	SELECT RAISE(ABORT, 'receipts are kept (3 kap. 14 §)');
END;
CREATE INDEX receipt_by_person ON receipt (person_id, state);
CREATE INDEX receipt_by_copy ON receipt (copy_id);
CREATE INDEX receipt_pending ON receipt (state, issued_at);

-- Shipments through an approved distributor (3 kap. 12 §).
CREATE TABLE shipment (
	id             INTEGER PRIMARY KEY CHECK (id >= 1),
	copy_id        INTEGER NOT NULL REFERENCES copy (id),
	distributor_id INTEGER NOT NULL REFERENCES distributor (id),
	recipient      TEXT    NOT NULL, -- the external recipient
	sent_on        TEXT    NOT NULL,
	sent_by        INTEGER NOT NULL,
	delivered_on   TEXT,
	delivery_ref   TEXT
);
CREATE INDEX shipment_by_copy ON shipment (copy_id);

-- Changes of class (3 kap. 6–7 §§).
CREATE TABLE reclassification (
	seq          INTEGER PRIMARY KEY, -- the ledger entry
	document_id  INTEGER NOT NULL REFERENCES document (id),
	from_class   TEXT    NOT NULL,
	to_class     TEXT    NOT NULL, -- 'none' when declassified
	decided_by   INTEGER NOT NULL, -- identity
	decided_on   TEXT    NOT NULL,
	reason       TEXT    NOT NULL,
	consultation TEXT -- the originator consulted (external originator, from KH)
);
CREATE INDEX reclassification_by_document ON reclassification (document_id);

-- Decisions on KH and carrying (3 kap. 8, 19, 20 §§): kind 'kh_copy',
-- 'kh_extract', 'kh_carry_out' (by the head), 'abroad' (by the ssc).
CREATE TABLE decision (
	id          INTEGER PRIMARY KEY CHECK (id >= 1),
	document_id INTEGER NOT NULL REFERENCES document (id),
	kind        TEXT    NOT NULL CHECK (kind IN ('kh_copy', 'kh_extract', 'kh_carry_out',
	                                             'abroad')),
	decided_by  INTEGER NOT NULL,
	decided_on  TEXT    NOT NULL,
	reference   TEXT    NOT NULL,
	note        TEXT    NOT NULL DEFAULT '',
	used        INTEGER NOT NULL DEFAULT 0 -- copies made under it
);
CREATE INDEX decision_by_document ON decision (document_id);

-- Recipients of KH electronic documents (3 kap. 15 §).
CREATE TABLE kh_recipient (
	document_id INTEGER NOT NULL REFERENCES document (id),
	person_id   INTEGER NOT NULL REFERENCES person (id),
	noted_at    TEXT    NOT NULL,
	noted_by    INTEGER NOT NULL,
	PRIMARY KEY (document_id, person_id)
) WITHOUT ROWID;

-- KH shown or told orally (3 kap. 17 §).
CREATE TABLE disclosure (
	id          INTEGER PRIMARY KEY CHECK (id >= 1),
	document_id INTEGER NOT NULL REFERENCES document (id),
	disclosed_by INTEGER NOT NULL REFERENCES person (id),
	recipient   TEXT    NOT NULL,
	occurred_at TEXT    NOT NULL, -- RFC 3339 or date
	how         TEXT    NOT NULL CHECK (how IN ('shown', 'told')),
	note        TEXT    NOT NULL DEFAULT '',
	noted_at    TEXT    NOT NULL,
	noted_by    INTEGER NOT NULL
);

-- Storage media (lagringsmedier), 3 kap. 11, 21, 24 §§.
CREATE TABLE medium (
	id                  INTEGER PRIMARY KEY CHECK (id >= 1),
	identifier          TEXT    NOT NULL UNIQUE,
	type                TEXT    NOT NULL, -- usb, disk, laptop, phone, optical, other
	class               TEXT    NOT NULL CHECK (class IN ('BH', 'K', 'H', 'KH')),
	marking             TEXT    NOT NULL DEFAULT '', -- the marking as applied
	fixed               INTEGER NOT NULL DEFAULT 0 CHECK (fixed IN (0, 1)), -- marked on the equipment
	holder_person_id    INTEGER REFERENCES person (id),
	space_id            INTEGER REFERENCES space (id),
	system_id           INTEGER REFERENCES info_system (id),
	state               TEXT    NOT NULL CHECK (state IN ('in_use', 'lost', 'decommissioned',
	                                                     'reused', 'destroyed')),
	last_inventoried_on TEXT,
	ended_on            TEXT,
	end_method          TEXT,
	ended_by            INTEGER,
	created_at          TEXT    NOT NULL,
	updated_at          TEXT    NOT NULL
);

-- Destruction records (3 kap. 22–23 §§): a copy or a medium.
CREATE TABLE destruction (
	id           INTEGER PRIMARY KEY CHECK (id >= 1),
	copy_id      INTEGER REFERENCES copy (id),
	medium_id    INTEGER REFERENCES medium (id),
	method       TEXT    NOT NULL,
	destroyed_on TEXT    NOT NULL,
	performer_id INTEGER NOT NULL REFERENCES person (id),
	witness_id   INTEGER REFERENCES person (id),
	recorded_at  TEXT    NOT NULL,
	recorded_by  INTEGER NOT NULL,
	CHECK ((copy_id IS NULL) != (medium_id IS NULL))
);

-- Inventory campaigns (3 kap. 21 §). scope is a space-separated set of
-- 'kh_documents', 'physical_k_h', 'media'.
CREATE TABLE inventory (
	id         INTEGER PRIMARY KEY CHECK (id >= 1),
	name       TEXT    NOT NULL,
	scope      TEXT    NOT NULL,
	state      TEXT    NOT NULL CHECK (state IN ('open', 'closed')),
	started_at TEXT    NOT NULL,
	started_by INTEGER NOT NULL,
	closed_at  TEXT,
	closed_by  INTEGER,
	report     TEXT -- the closing summary (JSON)
);

CREATE TABLE inventory_item (
	inventory_id     INTEGER NOT NULL REFERENCES inventory (id),
	item_type        TEXT    NOT NULL CHECK (item_type IN ('copy', 'medium')),
	item_id          INTEGER NOT NULL,
	holder_person_id INTEGER, -- the holder when the campaign started
	space_id         INTEGER,
	result           TEXT CHECK (result IS NULL OR result IN ('found', 'not_found')),
	checked_by       INTEGER, -- identity (never the holder's: four eyes)
	checked_at       TEXT,
	note             TEXT,
	scope            TEXT    NOT NULL DEFAULT '' CHECK (scope IN ('', 'kh_documents',
	                                                              'physical_k_h', 'media')),
	prior_inventoried_on TEXT, -- last_inventoried_on at the start (a corrected 'found' restores it)
	PRIMARY KEY (inventory_id, item_type, item_id)
) WITHOUT ROWID;
-- The tablet's checklist in order of place or of holder, one page at a time.
CREATE INDEX inventory_item_by_space ON inventory_item (inventory_id, coalesce(space_id, 0),
                                                       coalesce(holder_person_id, 0), item_type,
                                                       item_id);
CREATE INDEX inventory_item_by_holder ON inventory_item (inventory_id,
                                                        coalesce(holder_person_id, 0),
                                                        coalesce(space_id, 0), item_type, item_id);

-- A copy or medium not found (or reported lost): a case until it is resolved.
CREATE TABLE lost_case (
	id           INTEGER PRIMARY KEY CHECK (id >= 1),
	item_type    TEXT    NOT NULL CHECK (item_type IN ('copy', 'medium')),
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
CREATE INDEX lost_case_by_item ON lost_case (item_type, item_id);
