-- skydd schema 6: the security protection analysis (säkerhetsskyddsanalys,
-- PMFS 2022:1 2 kap. 1–11 §§), the security plan made from it (12 §) and
-- special assessments (särskild säkerhetsskyddsbedömning, 13 §). Every table
-- is a projection of analysis.*, secplan.* and assessment.* ledger entries
-- (src/model/analysis.c applies them) and is compared by `verify --replay`.
-- A version's content is one JSON document (validated by the writer: see
-- docs/internals/analysis.md); the compliance rules read it with json_each.

-- One row per version. series_id is the id of the analysis's first version;
-- a revision is a new row (a copy of the approved version) in the same series.
CREATE TABLE analysis (
	id              INTEGER PRIMARY KEY CHECK (id >= 1),
	series_id       INTEGER NOT NULL,
	version         INTEGER NOT NULL CHECK (version >= 1),
	revised_from    INTEGER, -- the approved version this draft was copied from
	state           TEXT    NOT NULL CHECK (state IN ('draft', 'approved', 'superseded')),
	title           TEXT    NOT NULL,
	content         TEXT    NOT NULL, -- JSON: description, parts, assets, sapo, threats,
	                                  -- vulnerabilities, measures
	created_at      TEXT    NOT NULL,
	created_by      INTEGER NOT NULL,
	updated_at      TEXT    NOT NULL,
	approved_on     TEXT,    -- YYYY-MM-DD (fastställd)
	approved_by     INTEGER, -- identity; must hold chief on approved_on (10 §)
	next_review_due TEXT,    -- approved_on + 2 years (SäkF 2 kap. 1 §)
	exported        INTEGER NOT NULL DEFAULT 0, -- hand-overs (11 §)
	UNIQUE (series_id, version)
);

CREATE INDEX analysis_series ON analysis (series_id, state);

-- The security plan (12 §): made from an approved version; items are the
-- version's measures with a due date and a responsible function (JSON).
CREATE TABLE secplan (
	id          INTEGER PRIMARY KEY CHECK (id >= 1),
	analysis_id INTEGER NOT NULL REFERENCES analysis (id),
	state       TEXT    NOT NULL CHECK (state IN ('draft', 'approved')),
	title       TEXT    NOT NULL,
	items       TEXT    NOT NULL, -- JSON [{measure_id, description, due, responsible, note}]
	created_at  TEXT    NOT NULL,
	created_by  INTEGER NOT NULL,
	updated_at  TEXT    NOT NULL,
	approved_on TEXT,
	approved_by INTEGER
);

CREATE INDEX secplan_analysis ON secplan (analysis_id);

-- Special assessments (13 §) before a procedure: a supplier agreement, an
-- outsourcing, a transfer.
CREATE TABLE assessment (
	id             INTEGER PRIMARY KEY CHECK (id >= 1),
	analysis_id    INTEGER REFERENCES analysis (id), -- the current approved version, if any
	procedure_kind TEXT    NOT NULL CHECK (procedure_kind IN ('supplier_agreement',
	                                      'outsourcing', 'transfer', 'other')),
	procedure_ref  TEXT    NOT NULL,
	state          TEXT    NOT NULL CHECK (state IN ('draft', 'approved')),
	title          TEXT    NOT NULL,
	content        TEXT    NOT NULL, -- JSON: affected, threats, vulnerabilities, measures
	created_at     TEXT    NOT NULL,
	created_by     INTEGER NOT NULL,
	updated_at     TEXT    NOT NULL,
	approved_on    TEXT,
	approved_by    INTEGER
);
