-- skydd schema 7: security-threatening events (säkerhetshotande händelser,
-- PMFS 2022:1 2 kap. 15–19 §§) and the action plan of deviations (åtgärdsplan,
-- 14 §). Every table is a projection of incident.* and deviation.* ledger
-- entries (src/model/incident.c, deviation.c apply them) and is compared by
-- `skydd verify --replay`. Ledger objects: incident/ID, deviation/ID.

-- An incident: what happened, when it occurred and was detected, by whom;
-- whether it is reportable to Säkerhetspolisen (SäkF 2 kap. 4 §, 18 §), the
-- report, the damage assessment (19 §: started no later than the report),
-- the investigation and evaluation (17 §), and its state.
CREATE TABLE incident (
	id                     INTEGER PRIMARY KEY CHECK (id >= 1),
	title                  TEXT    NOT NULL,
	description            TEXT    NOT NULL DEFAULT '',
	occurred_on            TEXT    NOT NULL, -- YYYY-MM-DD
	detected_on            TEXT    NOT NULL, -- YYYY-MM-DD
	detected_by            TEXT    NOT NULL DEFAULT '', -- who noticed it (free text)
	detected_person_id     INTEGER, -- or a person of the register
	reported_by            INTEGER NOT NULL, -- the identity that entered it
	lost_case_id           INTEGER, -- the inventory's lost case it came from
	reportable             INTEGER NOT NULL DEFAULT 0 CHECK (reportable IN (0, 1)),
	report_date            TEXT,    -- anmälan till Säkerhetspolisen
	report_ref             TEXT,    -- the form's reference
	assessment_started_on  TEXT,    -- skadebedömning
	assessment_finished_on TEXT,
	assessment             TEXT,
	investigation          TEXT,    -- 17 §: the circumstances
	evaluation             TEXT,    -- 17 §: how it was handled
	investigated_on        TEXT,
	state                  TEXT    NOT NULL CHECK (state IN ('open', 'closed')),
	closed_on              TEXT,
	closed_by              INTEGER,
	created_at             TEXT    NOT NULL,
	updated_at             TEXT    NOT NULL
);

CREATE INDEX incident_by_reporter ON incident (reported_by);
CREATE INDEX incident_by_lost_case ON incident (lost_case_id) WHERE lost_case_id IS NOT NULL;

-- What an incident affects: documents, copies, storage media, systems.
CREATE TABLE incident_link (
	incident_id INTEGER NOT NULL REFERENCES incident (id),
	type        TEXT    NOT NULL CHECK (type IN ('document', 'copy', 'medium', 'system')),
	object_id   INTEGER NOT NULL,
	PRIMARY KEY (incident_id, type, object_id)
) WITHOUT ROWID;

CREATE INDEX incident_link_object ON incident_link (type, object_id);

-- Measures taken to limit harm and return to normal (16 §), in order.
CREATE TABLE incident_measure (
	incident_id INTEGER NOT NULL REFERENCES incident (id),
	number      INTEGER NOT NULL CHECK (number >= 1),
	taken_on    TEXT    NOT NULL,
	text        TEXT    NOT NULL,
	recorded_at TEXT    NOT NULL,
	recorded_by INTEGER NOT NULL,
	PRIMARY KEY (incident_id, number)
) WITHOUT ROWID;

-- The action plan (åtgärdsplan): deviations and their measures, with the
-- responsible function, the due date and the status. A deviation made from
-- a finding of the compliance engine names it (finding_rule, finding_object
-- "type/id") and is marked done when the finding disappears.
CREATE TABLE deviation (
	id              INTEGER PRIMARY KEY CHECK (id >= 1),
	title           TEXT    NOT NULL,
	description     TEXT    NOT NULL DEFAULT '',
	source          TEXT    NOT NULL CHECK (source IN ('finding', 'control', 'audit', 'incident',
	                                                  'other')),
	reference       TEXT    NOT NULL DEFAULT '', -- e.g. "3 kap. 21 §", a control's name
	finding_rule    TEXT,
	finding_object  TEXT,
	incident_id     INTEGER, -- a lesson of this incident (17 §)
	responsible     TEXT    NOT NULL DEFAULT '', -- the responsible function
	due_on          TEXT,
	status          TEXT    NOT NULL CHECK (status IN ('open', 'in_progress', 'done',
	                                                  'written_off')),
	status_reason   TEXT,
	resolved_by     TEXT CHECK (resolved_by IN ('user', 'rule')),
	status_on       TEXT,    -- when it became done or written off
	created_at      TEXT    NOT NULL,
	created_by      INTEGER NOT NULL,
	updated_at      TEXT    NOT NULL
);

CREATE INDEX deviation_by_status ON deviation (status);
CREATE INDEX deviation_by_finding ON deviation (finding_rule, finding_object)
	WHERE finding_rule IS NOT NULL;
CREATE INDEX deviation_by_incident ON deviation (incident_id) WHERE incident_id IS NOT NULL;
