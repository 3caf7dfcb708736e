-- skydd schema 2: identities, grants of roles, service tokens (projections
-- of identity.*, grant.* and token.* ledger entries; src/model/ applies them),
-- and the operational tables that hold secrets and sessions, which are never
-- put in the ledger (the ledger records that they changed, not their values).

CREATE TABLE identity (
	id           INTEGER PRIMARY KEY CHECK (id >= 1), -- never reused (4 kap. 7 §)
	username     TEXT    NOT NULL UNIQUE,             -- bound to this id forever
	display_name TEXT    NOT NULL,
	clearance    TEXT    NOT NULL CHECK (clearance IN ('none', 'BH', 'K', 'H', 'KH')),
	status       TEXT    NOT NULL CHECK (status IN ('active', 'disabled')),
	created_at   TEXT    NOT NULL,
	created_by   INTEGER NOT NULL,
	updated_at   TEXT    NOT NULL
);

-- A decision that an identity holds a role from valid_from to valid_until
-- (dates, inclusive, UTC). Privileged roles always have valid_until.
CREATE TABLE role_grant (
	id             INTEGER PRIMARY KEY CHECK (id >= 1),
	identity_id    INTEGER NOT NULL REFERENCES identity (id),
	role           TEXT    NOT NULL,
	privileged     INTEGER NOT NULL CHECK (privileged IN (0, 1)),
	decided_by     INTEGER NOT NULL,
	decision_ref   TEXT    NOT NULL,
	valid_from     TEXT    NOT NULL,
	valid_until    TEXT,
	created_at     TEXT    NOT NULL,
	last_review_at TEXT,
	revoked_at     TEXT,
	revoked_by     INTEGER,
	revoke_reason  TEXT
);
CREATE INDEX role_grant_by_identity ON role_grant (identity_id);

CREATE TABLE grant_review (
	seq         INTEGER PRIMARY KEY, -- the ledger entry that recorded it
	grant_id    INTEGER NOT NULL REFERENCES role_grant (id),
	reviewed_by INTEGER NOT NULL,
	reviewed_at TEXT    NOT NULL,
	note        TEXT    NOT NULL
);

-- Service tokens for integrations: only the SHA-256 of the secret is kept.
CREATE TABLE service_token (
	id         INTEGER PRIMARY KEY CHECK (id >= 1),
	name       TEXT    NOT NULL,
	roles      TEXT    NOT NULL, -- JSON array of role names
	token_hash TEXT    NOT NULL UNIQUE, -- hex SHA-256
	created_by INTEGER NOT NULL,
	created_at TEXT    NOT NULL,
	expires_at TEXT    NOT NULL,
	revoked_at TEXT,
	revoked_by INTEGER
);

-- Operational: secrets (not in the ledger, not replayed).
CREATE TABLE credential (
	identity_id    INTEGER PRIMARY KEY REFERENCES identity (id),
	pw_hash        TEXT    NOT NULL, -- argon2id string
	pw_set_at      TEXT    NOT NULL,
	must_change    INTEGER NOT NULL CHECK (must_change IN (0, 1)),
	totp_secret    BLOB    NOT NULL, -- sealed with secrets.key (crypto_secretbox)
	totp_confirmed INTEGER NOT NULL CHECK (totp_confirmed IN (0, 1)),
	totp_last_step INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE password_history (
	identity_id INTEGER NOT NULL REFERENCES identity (id),
	set_at      TEXT    NOT NULL,
	pw_hash     TEXT    NOT NULL
);
CREATE INDEX password_history_by_identity ON password_history (identity_id, set_at);

CREATE TABLE recovery_code (
	identity_id INTEGER NOT NULL REFERENCES identity (id),
	code_hash   BLOB    NOT NULL,
	used_at     TEXT,
	PRIMARY KEY (identity_id, code_hash)
) WITHOUT ROWID;

-- Sessions: only the SHA-256 of the token is stored.
CREATE TABLE session (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	token_hash   BLOB    NOT NULL UNIQUE,
	identity_id  INTEGER NOT NULL REFERENCES identity (id),
	created_us   INTEGER NOT NULL,
	last_seen_us INTEGER NOT NULL,
	expires_us   INTEGER NOT NULL, -- the absolute limit
	revoked_us   INTEGER,
	bearer       INTEGER NOT NULL DEFAULT 0,
	client       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX session_by_identity ON session (identity_id);
