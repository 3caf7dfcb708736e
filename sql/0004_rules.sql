-- skydd schema 4: the compliance engine (src/rules/). Exemptions are a
-- projection of exemption.* ledger entries (replayed and compared by
-- `skydd verify --replay`); the other tables are operational: recomputed or
-- kept for convenience, never in the ledger.

-- Exemptions granted by Säkerhetspolisen or the supervisory authority
-- (8 kap. 2 § PMFS 2022:1). scope_rules: space-separated rule ids (at least
-- one); scope_objects: space-separated objects ("document/12"), '' = every
-- object the rules find.
CREATE TABLE exemption (
	id            INTEGER PRIMARY KEY CHECK (id >= 1),
	reference     TEXT    NOT NULL, -- the decision's reference (diarienummer)
	granted_by    TEXT    NOT NULL, -- the authority, e.g. 'Säkerhetspolisen'
	granted_on    TEXT    NOT NULL,
	scope_rules   TEXT    NOT NULL,
	scope_objects TEXT    NOT NULL DEFAULT '',
	valid_until   TEXT    NOT NULL,
	note          TEXT    NOT NULL DEFAULT '',
	recorded_at   TEXT    NOT NULL,
	recorded_by   INTEGER NOT NULL,
	revoked_at    TEXT,
	revoked_by    INTEGER,
	revoke_reason TEXT
);

-- Operational: the daily count of findings per chapter and severity (trend).
CREATE TABLE rule_snapshot (
	day      TEXT    NOT NULL, -- YYYY-MM-DD
	chapter  INTEGER NOT NULL,
	severity TEXT    NOT NULL,
	open     INTEGER NOT NULL,
	covered  INTEGER NOT NULL,
	PRIMARY KEY (day, chapter, severity)
) WITHOUT ROWID;

-- Operational: when something the rules look at last happened outside the
-- registers ('verify.ok': a successful verification through the API;
-- 'checkpoint.export': the signed checkpoint fetched for keeping elsewhere).
CREATE TABLE rule_mark (
	name TEXT PRIMARY KEY,
	at   TEXT NOT NULL
) WITHOUT ROWID;

-- Operational: one secret calendar-feed key per identity; only its SHA-256.
CREATE TABLE calendar_key (
	identity_id INTEGER PRIMARY KEY REFERENCES identity (id),
	key_hash    TEXT    NOT NULL UNIQUE, -- hex SHA-256
	created_at  TEXT    NOT NULL
);

-- Indexes the rules' queries use (the 3 kap. register's tables).
CREATE INDEX IF NOT EXISTS rules_copy_by_document_state ON copy (document_id, state);
CREATE INDEX IF NOT EXISTS rules_role_grant_privileged ON role_grant (privileged, revoked_at);
CREATE INDEX IF NOT EXISTS rules_medium_by_state ON medium (state, last_inventoried_on);
CREATE INDEX IF NOT EXISTS rules_destruction_by_copy ON destruction (copy_id);
CREATE INDEX IF NOT EXISTS rules_destruction_by_medium ON destruction (medium_id);
-- Partial indexes: each holds only the rows a rule looks for.
CREATE INDEX IF NOT EXISTS rules_document_by_system ON document (system_id)
	WHERE system_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS rules_document_no_pages ON document (id) WHERE pages IS NULL;
CREATE INDEX IF NOT EXISTS rules_receipt_bad_class ON receipt (id)
	WHERE class NOT IN ('BH', 'K', 'H', 'KH');
CREATE INDEX IF NOT EXISTS rules_shipment_open ON shipment (sent_on) WHERE delivered_on IS NULL;
