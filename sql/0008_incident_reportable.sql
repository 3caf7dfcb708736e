-- skydd schema 8: an incident's reportability (PMFS 2022:1 2 kap. 18 §,
-- SäkF 2 kap. 4 §) is an answer, not a default: reportable is NULL until
-- someone answers yes (1) or no (0). Incidents entered before this were
-- always answered (the form defaulted to no), so their values stand.
--
-- SQLite cannot relax a NOT NULL: the table is rebuilt. Its children
-- (incident_link, incident_measure) are set aside and put back, so that no
-- foreign key points at a missing incident while foreign keys are enforced.
CREATE TABLE incident_old AS SELECT * FROM incident;
CREATE TABLE incident_link_old AS SELECT * FROM incident_link;
CREATE TABLE incident_measure_old AS SELECT * FROM incident_measure;
DELETE FROM incident_link;
DELETE FROM incident_measure;
DROP TABLE incident;

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
	reportable             INTEGER CHECK (reportable IS NULL OR reportable IN (0, 1)), -- NULL: not answered yet
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
-- the unanswered ones (incident.reportable.unanswered)
CREATE INDEX incident_unanswered ON incident (detected_on) WHERE reportable IS NULL;

INSERT INTO incident SELECT * FROM incident_old;
INSERT INTO incident_link SELECT * FROM incident_link_old;
INSERT INTO incident_measure SELECT * FROM incident_measure_old;
DROP TABLE incident_old;
DROP TABLE incident_link_old;
DROP TABLE incident_measure_old;
