-- skydd schema 16: personnel security, one truth for clearance (6 kap.
-- PMFS 2022:1). A person — with or without a login — has a behörighet: the
-- highest class they may access, from a day until a day, on a vetting
-- decision. A login takes its clearance from its person (the effective
-- clearance: the highest active decision in force today). identity.clearance
-- stays as the column older releases wrote; since this schema it is 'none'
-- for every identity once the decisions that replace it are recorded (the
-- entries clearance.decided with basis 'migrated', written at the first
-- start: src/model/reg_clearances.c).
CREATE TABLE clearance (
	id           INTEGER PRIMARY KEY CHECK (id >= 1),
	person_id    INTEGER NOT NULL REFERENCES person (id),
	class        TEXT    NOT NULL CHECK (class IN ('BH', 'K', 'H', 'KH')),
	valid_from   TEXT    NOT NULL,
	valid_until  TEXT,
	vetting_id   INTEGER, -- the vetting decision it rests on (säkerhetsprövning)
	basis        TEXT    NOT NULL CHECK (basis IN ('vetting', 'decision', 'account',
	                                               'migrated')),
	decision_ref TEXT    NOT NULL DEFAULT '',
	decided_by   INTEGER NOT NULL, -- identity (0: the system)
	decided_on   TEXT    NOT NULL,
	state        TEXT    NOT NULL CHECK (state IN ('active', 'withdrawn')),
	withdrawn_on TEXT,
	withdraw_reason TEXT NOT NULL DEFAULT '',
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL
);
CREATE INDEX clearance_by_person ON clearance (person_id, state);

-- The keys that encrypt a person's sensitive personnel-security data
-- (vetting interviews, follow-up information). Not a projection and not in
-- the ledger: entries hold only the ciphertext, and culling (gallring)
-- deletes the key, after which the ciphertext in the ledger cannot be read
-- (crypto-shredding, docs/internals/personnel.md). Backups made after the
-- culling hold no key.
CREATE TABLE person_key (
	person_id  INTEGER PRIMARY KEY,
	key        BLOB    NOT NULL, -- the 32-byte key sealed with the instance secret
	created_at TEXT    NOT NULL
) WITHOUT ROWID;

-- Culling (gallring) of a person's personnel-security data: the recorded
-- decision (person.culled), after which their key is gone.
ALTER TABLE person ADD COLUMN culled_on TEXT;
ALTER TABLE person ADD COLUMN cull_ref TEXT NOT NULL DEFAULT '';
