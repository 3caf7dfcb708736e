-- skydd schema 12: physical security, access (5 kap. 2–4 §§ PMFS 2022:1):
-- the areas where security-sensitive activity is run, who is authorised to
-- enter them, and the written permits of visitors. Projections of the
-- registers src/model/reg_areas.c, reg_access.c and reg_visits.c.
--
-- Areas (områden, byggnader, anläggningar, objekt, and the zones inside
-- them). The decision on how identity and authorisation are checked at
-- entry is 5 kap. 4 §; include_zones says whether an authorisation to the
-- area also opens its zones (5 kap. 2 §: no more access than needed).
CREATE TABLE area (
	id             INTEGER PRIMARY KEY CHECK (id >= 1),
	name           TEXT    NOT NULL UNIQUE,
	kind           TEXT    NOT NULL CHECK (kind IN ('area', 'building', 'facility', 'object',
	                                                'zone')),
	parent_id      INTEGER REFERENCES area (id),
	location       TEXT    NOT NULL DEFAULT '',
	max_class      TEXT    CHECK (max_class IS NULL OR max_class IN ('BH', 'K', 'H', 'KH')),
	level          TEXT    CHECK (level IS NULL OR level IN ('A', 'B', 'C', 'D')),
	asset_id       INTEGER, -- an asset of the approved analysis (2 kap. 3–5 §§)
	include_zones  INTEGER NOT NULL DEFAULT 0 CHECK (include_zones IN (0, 1)),
	check_method   TEXT    NOT NULL DEFAULT '', -- how identity and authorisation are checked
	check_decision_ref TEXT NOT NULL DEFAULT '',
	check_decided_on   TEXT,
	check_decided_by   INTEGER, -- identity that recorded the decision
	status         TEXT    NOT NULL CHECK (status IN ('active', 'closed')),
	closed_on      TEXT,
	created_at     TEXT    NOT NULL,
	updated_at     TEXT    NOT NULL
);
CREATE INDEX area_by_parent ON area (parent_id);

-- Access authorisations (tillträdesbehörigheter, 5 kap. 2 §): a decision
-- that a person may enter an area from valid_from until valid_until.
CREATE TABLE area_access (
	id             INTEGER PRIMARY KEY CHECK (id >= 1),
	person_id      INTEGER NOT NULL REFERENCES person (id),
	area_id        INTEGER NOT NULL REFERENCES area (id),
	decided_by     INTEGER NOT NULL, -- identity that decided
	decision_ref   TEXT    NOT NULL DEFAULT '',
	valid_from     TEXT    NOT NULL,
	valid_until    TEXT,
	reason         TEXT    NOT NULL DEFAULT '',
	state          TEXT    NOT NULL CHECK (state IN ('active', 'withdrawn')),
	withdrawn_on   TEXT,
	withdraw_reason TEXT   NOT NULL DEFAULT '',
	created_at     TEXT    NOT NULL,
	updated_at     TEXT    NOT NULL
);
CREATE INDEX area_access_by_person ON area_access (person_id, state);
CREATE INDEX area_access_by_area ON area_access (area_id, state);

-- Visitor permits (besökstillstånd, 5 kap. 3 §): the written permit and the
-- visit's check-in and check-out.
CREATE TABLE visit (
	id             INTEGER PRIMARY KEY CHECK (id >= 1),
	visitor        TEXT    NOT NULL,
	organisation   TEXT    NOT NULL DEFAULT '',
	id_check       TEXT    NOT NULL DEFAULT '', -- how identity was (or will be) checked
	host_id        INTEGER REFERENCES person (id), -- named when the permit is issued
	valid_from     TEXT    NOT NULL,
	valid_until    TEXT    NOT NULL,
	escort         INTEGER CHECK (escort IS NULL OR escort IN (0, 1)), -- NULL: not decided yet
	badge          TEXT    NOT NULL DEFAULT '',
	purpose        TEXT    NOT NULL DEFAULT '',
	issued_by      INTEGER, -- identity that issued the permit (NULL: none issued)
	issued_at      TEXT,
	checked_in_at  TEXT,
	checked_in_by  INTEGER,
	checkin_note   TEXT    NOT NULL DEFAULT '', -- why a check-in departed from the permit
	checked_out_at TEXT,
	checked_out_by INTEGER,
	cancelled_on   TEXT,
	cancel_reason  TEXT    NOT NULL DEFAULT '',
	state          TEXT    NOT NULL CHECK (state IN ('requested', 'issued', 'checked_in',
	                                                 'checked_out', 'cancelled')),
	created_at     TEXT    NOT NULL,
	updated_at     TEXT    NOT NULL
);
CREATE INDEX visit_by_state ON visit (state, valid_until);

-- The areas a permit opens.
CREATE TABLE visit_area (
	visit_id INTEGER NOT NULL REFERENCES visit (id),
	area_id  INTEGER NOT NULL REFERENCES area (id),
	PRIMARY KEY (visit_id, area_id)
) WITHOUT ROWID;
CREATE INDEX visit_area_by_area ON visit_area (area_id);
