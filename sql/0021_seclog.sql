-- skydd schema 21: the registers' side of the security logs (4 kap. 25–31 §§
-- PMFS 2022:1). The messages themselves are in seclog.db (src/seclog); here
-- are the log sources bound to information systems (with the retention the
-- system's class gives: 10 years, 25 for kvalificerat hemlig, 28 §), the
-- monitoring routine per system (30–31 §§), who may read a system's logs,
-- and the alerts the monitor raises. Projections of log_source.*,
-- log_monitoring.*, log_reader.* and log_alert.* entries
-- (src/model/reg_log_*.c), compared by `skydd verify --replay`.

-- A source of security logs: bound by its client certificate's SHA-256
-- (TLS transports) or by its numeric address (clear transports).
CREATE TABLE log_source (
	id              INTEGER PRIMARY KEY CHECK (id >= 1),
	name            TEXT    NOT NULL UNIQUE,
	system_id       INTEGER NOT NULL REFERENCES info_system (id),
	transport       TEXT    NOT NULL CHECK (transport IN ('tls', 'relp-tls', 'relp', 'tcp',
	                                                      'udp')),
	cert_sha256     TEXT    NOT NULL DEFAULT '', -- 64 lower-case hex, '' for clear transports
	address         TEXT    NOT NULL DEFAULT '', -- canonical numeric address, '' for TLS
	retention_years INTEGER,                     -- NULL: the class's (10, KH 25)
	silent_minutes  INTEGER NOT NULL DEFAULT 0,  -- 0: silence is not watched
	max_conns       INTEGER NOT NULL DEFAULT 0,  -- 0: the listener's default
	allow_3164      INTEGER NOT NULL DEFAULT 0,
	status          TEXT    NOT NULL CHECK (status IN ('active', 'withdrawn')),
	created_at      TEXT    NOT NULL,
	updated_at      TEXT    NOT NULL
);
CREATE INDEX log_source_cert ON log_source (cert_sha256, status);
CREATE INDEX log_source_addr ON log_source (address, status);
CREATE INDEX log_source_system ON log_source (system_id, status);

-- The monitoring routine of one system (30–31 §§): what is watched, which
-- function responds, and the parameters the monitor applies. One active
-- routine per system.
CREATE TABLE log_monitoring (
	id                  INTEGER PRIMARY KEY CHECK (id >= 1),
	system_id           INTEGER NOT NULL REFERENCES info_system (id),
	watched             TEXT    NOT NULL,
	responder           TEXT    NOT NULL,
	fail_threshold      INTEGER NOT NULL DEFAULT 5,  -- 0: failed logins not watched
	fail_window_minutes INTEGER NOT NULL DEFAULT 10,
	privileged_accounts TEXT    NOT NULL DEFAULT '', -- comma list (27 §)
	privileged_hours    TEXT    NOT NULL DEFAULT '', -- "HH:MM-HH:MM", '' = any hour
	privileged_days     TEXT    NOT NULL DEFAULT '', -- "mon-fri", "mon,wed", '' = every day
	incident_on_alert   INTEGER NOT NULL DEFAULT 0,
	status              TEXT    NOT NULL CHECK (status IN ('active', 'withdrawn')),
	created_at          TEXT    NOT NULL,
	updated_at          TEXT    NOT NULL
);
CREATE INDEX log_monitoring_system ON log_monitoring (system_id, status);

-- Who may read a system's logs (need-to-know), granted by the ssc, never to
-- themselves; the reader's clearance must cover the system's class.
CREATE TABLE log_reader (
	id            INTEGER PRIMARY KEY CHECK (id >= 1),
	system_id     INTEGER NOT NULL REFERENCES info_system (id),
	identity_id   INTEGER NOT NULL REFERENCES identity (id),
	granted_by    INTEGER NOT NULL,
	status        TEXT    NOT NULL CHECK (status IN ('granted', 'revoked')),
	revoke_reason TEXT    NOT NULL DEFAULT '',
	created_at    TEXT    NOT NULL,
	updated_at    TEXT    NOT NULL
);
CREATE INDEX log_reader_identity ON log_reader (identity_id, status);
CREATE INDEX log_reader_system ON log_reader (system_id, status);

-- An alert the monitor raised (by the system, actor 0), handled with a note.
CREATE TABLE log_alert (
	id          INTEGER PRIMARY KEY CHECK (id >= 1),
	kind        TEXT    NOT NULL CHECK (kind IN ('failed_logins', 'privileged', 'silent',
	                                             'gap', 'integrity')),
	system_id   INTEGER REFERENCES info_system (id), -- NULL: the whole log (integrity)
	source_id   INTEGER,          -- NULL for an integrity failure of the whole log
	key         TEXT    NOT NULL DEFAULT '',
	count       INTEGER NOT NULL DEFAULT 0,
	first_idx   INTEGER NOT NULL DEFAULT 0,
	last_idx    INTEGER NOT NULL DEFAULT 0,
	first_at    TEXT    NOT NULL DEFAULT '',
	last_at     TEXT    NOT NULL DEFAULT '',
	detail      TEXT    NOT NULL DEFAULT '',
	incident_id INTEGER,          -- the incident reported with it, if the routine asks
	status      TEXT    NOT NULL CHECK (status IN ('open', 'handled')),
	note        TEXT    NOT NULL DEFAULT '',
	handled_by  INTEGER,
	created_at  TEXT    NOT NULL,
	updated_at  TEXT    NOT NULL
);
CREATE INDEX log_alert_open ON log_alert (status, kind, source_id);
CREATE INDEX log_alert_system ON log_alert (system_id, status);
