-- skydd schema 8: reporting years of coordinated action plans. A plan moves
-- from one reporting year to the next by an entry (plan.year.changed), and a
-- submitted yearly report is frozen (plan.report.submitted): its canonical
-- bytes and their SHA-256 are kept here so that the report for a past year
-- is reproduced byte for byte. Projections of plan.* entries, compared by
-- `skydd verify --replay` (src/model/plan.c applies them).

-- The first reporting year the plan had in skydd (its import's report_year):
-- no report exists for an earlier year.
ALTER TABLE plan ADD COLUMN first_report_year INTEGER;
UPDATE plan SET first_report_year = report_year;

-- The final report's closing decision for a measure that stays current: why
-- it goes on after the plan (e.g. in its successor). NULL = no decision.
ALTER TABLE plan_measure ADD COLUMN continues TEXT;

CREATE TABLE plan_report (
	plan_id      INTEGER NOT NULL REFERENCES plan (id),
	year         INTEGER NOT NULL,
	sha256       TEXT    NOT NULL, -- of body's bytes, lower-case hex
	body         TEXT    NOT NULL, -- the report's canonical JSON (compact, sorted keys)
	submitted_at TEXT    NOT NULL,
	submitted_by INTEGER NOT NULL,
	PRIMARY KEY (plan_id, year)
) WITHOUT ROWID;

-- The report's own text for a year: a summary, a follow-up per strategic
-- priority and free sections (e.g. a covid-19 comment, closing words), as
-- compact JSON {summary, priorities: [{number, text}], sections: [{title,
-- text}]}. Part of the report, so frozen with it when it is submitted.
CREATE TABLE plan_report_text (
	plan_id INTEGER NOT NULL REFERENCES plan (id),
	year    INTEGER NOT NULL,
	body    TEXT    NOT NULL,
	PRIMARY KEY (plan_id, year)
) WITHOUT ROWID;
