-- skydd schema 18: vetting (säkerhetsprövning, 6 kap. 4–5 §§ PMFS 2022:1)
-- and registerkontroll (6 kap. 7–15 §§). The most sensitive data in skydd:
-- read only by the personnel-security function and the ssc
-- (src/model/reg_vettings.c, reg_regchecks.c). What a vetting interview and
-- the follow-up found is kept only as ciphertext sealed per person
-- (model/pdata.h: "pd1:…"), so culling the person's key makes it unreadable
-- while the ledger still verifies (docs/internals/vetting.md).
CREATE TABLE vetting (
	id                   INTEGER PRIMARY KEY CHECK (id >= 1),
	person_id            INTEGER NOT NULL REFERENCES person (id),
	position_id          INTEGER, -- the position (befattning) it is for
	started_on           TEXT    NOT NULL,
	investigation_on     TEXT,    -- grundutredning done
	interview_on         TEXT,    -- säkerhetsprövningsintervju
	interviewer          TEXT    NOT NULL DEFAULT '',
	loyalty              INTEGER, -- lojalitet assessed (0/1)
	reliability          INTEGER, -- pålitlighet assessed
	vulnerability        INTEGER, -- sårbarhet assessed
	interview_concluded  INTEGER, -- done and concluded
	interview_notes      TEXT,    -- sealed (pd1:…)
	decision             TEXT CHECK (decision IS NULL OR decision IN ('approved',
	                                                                  'not_approved')),
	decided_by           INTEGER, -- identity
	decided_on           TEXT,
	decision_ref         TEXT    NOT NULL DEFAULT '',
	followup_info        TEXT,    -- sealed (pd1:…): what follow-up needs (5 §)
	next_followup        TEXT,
	state                TEXT    NOT NULL CHECK (state IN ('open', 'approved',
	                                                       'not_approved', 'closed')),
	created_at           TEXT    NOT NULL,
	updated_at           TEXT    NOT NULL
);
CREATE INDEX vetting_by_person ON vetting (person_id, state);

-- The follow-up conversations of a vetting (4 § andra stycket, 5 §).
CREATE TABLE vetting_followup (
	vetting_id INTEGER NOT NULL REFERENCES vetting (id),
	seq        INTEGER NOT NULL, -- the ledger entry that recorded it
	held_on    TEXT    NOT NULL,
	held_by    TEXT    NOT NULL,
	notes      TEXT,             -- sealed (pd1:…)
	noted_by   INTEGER NOT NULL,
	PRIMARY KEY (vetting_id, seq)
);

-- Registerkontroll: the application on Säkerhetspolisen's form, the answer.
CREATE TABLE regcheck (
	id                    INTEGER PRIMARY KEY CHECK (id >= 1),
	person_id             INTEGER NOT NULL REFERENCES person (id),
	position_id           INTEGER,
	security_class        TEXT    NOT NULL CHECK (security_class IN ('1', '2', '3')),
	control_reason        TEXT    NOT NULL DEFAULT '', -- kontrollorsak (11 §)
	temporary             INTEGER NOT NULL DEFAULT 0,
	period_from           TEXT,
	period_until          TEXT,   -- the period if temporary (7 §)
	consent_on            TEXT,   -- samtycke (10 §)
	government_decision   TEXT    NOT NULL DEFAULT '', -- class 1 (8 §)
	supplier_agreement    TEXT    NOT NULL DEFAULT '', -- säkerhetsskyddsavtal (9 §)
	agreement_reported_on TEXT,
	spouse_included       INTEGER NOT NULL DEFAULT 0,
	spouse_ended_on       TEXT,   -- 14 §
	spouse_reported_on    TEXT,
	renews_id             INTEGER, -- the earlier check this one renews (13 §)
	sent_on               TEXT,
	answer                TEXT CHECK (answer IS NULL OR answer IN ('no_information',
	                                                              'information')),
	answered_on           TEXT,
	state                 TEXT    NOT NULL CHECK (state IN ('draft', 'sent', 'answered',
	                                                        'cancelled')),
	created_at            TEXT    NOT NULL,
	updated_at            TEXT    NOT NULL
);
CREATE INDEX regcheck_by_person ON regcheck (person_id);

-- What calls for a renewed registerkontroll (13 §), each resolved by a new check.
CREATE TABLE regcheck_trigger (
	regcheck_id INTEGER NOT NULL REFERENCES regcheck (id),
	seq         INTEGER NOT NULL,
	kind        TEXT    NOT NULL CHECK (kind IN ('new_position', 'class_change', 'marriage',
	                                             'cohabitation')),
	occurred_on TEXT    NOT NULL,
	note        TEXT    NOT NULL DEFAULT '',
	noted_by    INTEGER NOT NULL,
	recorded_at TEXT    NOT NULL, -- a renewal made after it resolves it
	PRIMARY KEY (regcheck_id, seq)
);

-- The function that handles registerkontroller and its contact as reported
-- to Säkerhetspolisen (15 §).
CREATE TABLE regcheck_function (
	id           INTEGER PRIMARY KEY CHECK (id >= 1),
	function_name TEXT   NOT NULL,
	contact      TEXT    NOT NULL,
	phone        TEXT    NOT NULL DEFAULT '',
	email        TEXT    NOT NULL DEFAULT '',
	reported_on  TEXT,
	state        TEXT    NOT NULL CHECK (state IN ('current', 'replaced')),
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL
);
