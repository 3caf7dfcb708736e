-- skydd schema 5: coordinated action plans (samlad handlingsplan): strategic
-- priorities, objectives (målsättningar) and measures (åtgärder) with their
-- status and markers, and the authorities that carry them. Every table here
-- is a projection of plan.* ledger entries (src/model/plan.c applies them)
-- and is compared row by row by `skydd verify --replay`. Ledger object:
-- plan/ID; entries about one measure carry its number and measure_id.

CREATE TABLE plan (
	id          INTEGER PRIMARY KEY CHECK (id >= 1),
	title       TEXT    NOT NULL,
	report_year INTEGER NOT NULL, -- the reporting year (redovisningsår) of the imported data
	period      TEXT    NOT NULL, -- e.g. '2019–2022'
	source      TEXT,             -- where the data came from; NULL = not given
	created_at  TEXT    NOT NULL,
	created_by  INTEGER NOT NULL,
	updated_at  TEXT    NOT NULL
);

-- The authorities of a plan, in the order given (short is what measures name).
CREATE TABLE plan_authority (
	plan_id  INTEGER NOT NULL REFERENCES plan (id),
	position INTEGER NOT NULL,
	short    TEXT    NOT NULL,
	name     TEXT    NOT NULL,
	PRIMARY KEY (plan_id, short)
) WITHOUT ROWID;

-- Strategic priorities, numbered '1' … ; sort_key orders them numerically.
CREATE TABLE plan_priority (
	plan_id  INTEGER NOT NULL REFERENCES plan (id),
	number   TEXT    NOT NULL,
	sort_key TEXT    NOT NULL,
	title    TEXT    NOT NULL,
	PRIMARY KEY (plan_id, number)
) WITHOUT ROWID;

-- Objectives (målsättningar), numbered '1.1' … under their priority.
CREATE TABLE plan_objective (
	plan_id  INTEGER NOT NULL REFERENCES plan (id),
	number   TEXT    NOT NULL,
	priority TEXT    NOT NULL,
	sort_key TEXT    NOT NULL,
	title    TEXT    NOT NULL,
	PRIMARY KEY (plan_id, number)
) WITHOUT ROWID;

-- Measures (åtgärder), numbered '1.1.3' … A number is never reused: measures
-- are never deleted (completed and written-off ones stay), so the UNIQUE
-- constraint keeps every number ever used. responsible and participants are
-- JSON arrays of authority short names. marker applies to marker_year.
CREATE TABLE plan_measure (
	id               INTEGER PRIMARY KEY CHECK (id >= 1),
	plan_id          INTEGER NOT NULL REFERENCES plan (id),
	number           TEXT    NOT NULL,
	objective        TEXT    NOT NULL,
	sort_key         TEXT    NOT NULL,
	title            TEXT    NOT NULL,
	description      TEXT    NOT NULL,
	responsible_text TEXT    NOT NULL,
	responsible      TEXT    NOT NULL DEFAULT '[]',
	participants     TEXT    NOT NULL DEFAULT '[]',
	period_text      TEXT,
	start_year       INTEGER,
	end_year         INTEGER, -- NULL with a start year: open-ended ("och tills vidare")
	marker           TEXT CHECK (marker IN ('new', 'updated')),
	marker_year      INTEGER,
	status           TEXT    NOT NULL CHECK (status IN ('current', 'completed', 'written_off')),
	status_year      INTEGER,
	status_reason    TEXT,
	created_at       TEXT    NOT NULL,
	updated_at       TEXT    NOT NULL,
	UNIQUE (plan_id, number)
);

CREATE INDEX plan_measure_sort ON plan_measure (plan_id, sort_key);
