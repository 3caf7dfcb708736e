-- skydd schema 17: positions, placements and security training (6 kap. 1–3,
-- 11 §§ PMFS 2022:1), the projections of the registers
-- src/model/reg_positions.c and src/model/reg_training.c.
--
-- Positions (befattningar): the employments and other participation placed
-- in säkerhetsklass 1, 2 or 3, vetted without class (6 kap. 3 §), or needing
-- registerkontroll without class (3 kap. 15 § säkerhetsskyddslagen); each
-- with its decision (who decided, when, its reference, the approved security
-- protection analysis it rests on) and its kontrollorsak (6 kap. 11 §: the
-- activity and the protected assets the position gives access to).
CREATE TABLE position (
	id               INTEGER PRIMARY KEY CHECK (id >= 1),
	name             TEXT    NOT NULL UNIQUE,
	unit             TEXT    NOT NULL DEFAULT '',
	security_class   TEXT    NOT NULL CHECK (security_class IN ('sk1', 'sk2', 'sk3', 'vetted',
	                                                            'register')),
	info_class       TEXT    CHECK (info_class IS NULL OR info_class IN ('BH', 'K', 'H', 'KH')),
	control_activity TEXT    NOT NULL DEFAULT '', -- kontrollorsak: the activity
	control_assets   TEXT    NOT NULL DEFAULT '', -- kontrollorsak: the protected assets
	description      TEXT    NOT NULL DEFAULT '',
	analysis_id      INTEGER, -- the analysis (approved when decided)
	decision_ref     TEXT,
	decided_by       INTEGER, -- identity: the ssc or the head on decided_on
	decided_on       TEXT,    -- NULL: no class decision (yet, or since the class changed)
	state            TEXT    NOT NULL CHECK (state IN ('active', 'closed')),
	closed_on        TEXT,
	close_reason     TEXT    NOT NULL DEFAULT '',
	created_at       TEXT    NOT NULL,
	updated_at       TEXT    NOT NULL
);

-- Placements (placeringar): a person in a position from a day until a day
-- (a temporary one has its end), ended with a day and a reason.
CREATE TABLE placement (
	id          INTEGER PRIMARY KEY CHECK (id >= 1),
	position_id INTEGER NOT NULL REFERENCES position (id),
	person_id   INTEGER NOT NULL REFERENCES person (id),
	valid_from  TEXT    NOT NULL,
	valid_until TEXT,
	temporary   INTEGER NOT NULL DEFAULT 0 CHECK (temporary IN (0, 1)),
	decision_ref TEXT   NOT NULL DEFAULT '',
	placed_by   INTEGER NOT NULL, -- identity that recorded it
	state       TEXT    NOT NULL CHECK (state IN ('active', 'ended')),
	ended_on    TEXT,
	end_reason  TEXT    NOT NULL DEFAULT '',
	created_at  TEXT    NOT NULL,
	updated_at  TEXT    NOT NULL
);
CREATE INDEX placement_by_person ON placement (person_id, state);
CREATE INDEX placement_by_position ON placement (position_id, state);

-- The training plan (utbildningsplan, 6 kap. 1 §): courses, who must take
-- them, how often they are repeated, whether before access.
CREATE TABLE training_course (
	id               INTEGER PRIMARY KEY CHECK (id >= 1),
	name             TEXT    NOT NULL UNIQUE,
	content          TEXT    NOT NULL,
	audience         TEXT    NOT NULL CHECK (audience IN ('logins', 'placed', 'role')),
	role             TEXT, -- audience 'role': the role whose holders take it
	refresher_months INTEGER NOT NULL DEFAULT 0 CHECK (refresher_months BETWEEN 0 AND 120),
	before_access    INTEGER NOT NULL DEFAULT 0 CHECK (before_access IN (0, 1)),
	state            TEXT    NOT NULL CHECK (state IN ('active', 'retired')),
	retired_on       TEXT,
	created_at       TEXT    NOT NULL,
	updated_at       TEXT    NOT NULL
);

-- Sessions (utbildningstillfällen): when a course was given, by whom, where.
CREATE TABLE training_session (
	id         INTEGER PRIMARY KEY CHECK (id >= 1),
	course_id  INTEGER NOT NULL REFERENCES training_course (id),
	held_on    TEXT    NOT NULL,
	leader     TEXT    NOT NULL,
	place      TEXT    NOT NULL DEFAULT '',
	note       TEXT    NOT NULL DEFAULT '',
	state      TEXT    NOT NULL CHECK (state IN ('held', 'cancelled')),
	created_at TEXT    NOT NULL,
	updated_at TEXT    NOT NULL
);
CREATE INDEX training_session_by_course ON training_session (course_id, held_on);

-- Attendance (who took part, 6 kap. 1 § tredje stycket); a wrong line is
-- struck with a reason, never deleted.
CREATE TABLE training_attendance (
	id            INTEGER PRIMARY KEY CHECK (id >= 1),
	session_id    INTEGER NOT NULL REFERENCES training_session (id),
	person_id     INTEGER NOT NULL REFERENCES person (id),
	note          TEXT    NOT NULL DEFAULT '',
	state         TEXT    NOT NULL CHECK (state IN ('attended', 'struck')),
	strike_reason TEXT    NOT NULL DEFAULT '',
	created_at    TEXT    NOT NULL,
	updated_at    TEXT    NOT NULL
);
CREATE INDEX training_attendance_by_person ON training_attendance (person_id, state);
CREATE INDEX training_attendance_by_session ON training_attendance (session_id, state);
