-- skydd schema 20: per-agency work on a coordinated action plan's yearly
-- report. The coordinator (ssc or head) binds an identity holding the role
-- `agency` to one authority of one plan (its contact), gives each agency an
-- assignment for the reporting year with a deadline before the report is
-- due (1 March), the contact proposes changes to the measures its agency is
-- responsible for, sets its status and approves its part; the report is
-- submitted only when every assigned agency has approved. Projections of
-- plan.contact.*, plan.assignment.* and plan.proposal.* entries, compared by
-- `skydd verify --replay` (src/model/plan_apply.c applies them).

-- An identity is the contact of at most one agency of a plan.
CREATE TABLE plan_contact (
	plan_id     INTEGER NOT NULL REFERENCES plan (id),
	identity_id INTEGER NOT NULL REFERENCES identity (id),
	agency      TEXT    NOT NULL, -- an authority's short name in plan_authority
	assigned_at TEXT    NOT NULL,
	assigned_by INTEGER NOT NULL,
	PRIMARY KEY (plan_id, identity_id)
) WITHOUT ROWID;

-- An agency's part of one year's report.
CREATE TABLE plan_assignment (
	plan_id     INTEGER NOT NULL REFERENCES plan (id),
	year        INTEGER NOT NULL,
	agency      TEXT    NOT NULL,
	deadline    TEXT    NOT NULL, -- YYYY-MM-DD, before year+1-03-01
	status      TEXT    NOT NULL CHECK (status IN ('not_started', 'in_progress', 'ready')),
	approved_at TEXT,             -- the agency's approval of its part; NULL = none
	approved_by INTEGER,
	assigned_at TEXT    NOT NULL,
	assigned_by INTEGER NOT NULL,
	updated_at  TEXT    NOT NULL,
	PRIMARY KEY (plan_id, year, agency)
) WITHOUT ROWID;

-- A change to a measure proposed by an agency's contact, accepted (applied
-- as plan.measure.updated) or rejected by the coordinator, never by the
-- one who proposed it.
CREATE TABLE plan_proposal (
	id          INTEGER PRIMARY KEY CHECK (id >= 1),
	plan_id     INTEGER NOT NULL REFERENCES plan (id),
	measure_id  INTEGER NOT NULL REFERENCES plan_measure (id),
	agency      TEXT    NOT NULL,
	year        INTEGER NOT NULL,
	changes     TEXT    NOT NULL, -- compact JSON: the measure's fields as in PATCH
	note        TEXT,
	status      TEXT    NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
	proposed_at TEXT    NOT NULL,
	proposed_by INTEGER NOT NULL,
	decided_at  TEXT,
	decided_by  INTEGER,
	reason      TEXT              -- a rejection's reason
);
CREATE INDEX plan_proposal_plan ON plan_proposal (plan_id, status);
