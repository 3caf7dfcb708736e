-- skydd schema 1: the ledger, its tree tiles and its checkpoints.
-- Auditors may read these tables with the sqlite3 CLI; docs/internals/store.md
-- describes every column.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per ledger entry. `entry` holds the exact canonical JSON bytes
-- that were hashed into the Merkle tree; the other columns repeat fields of
-- it for filtering and are checked against it by `skydd verify`.
CREATE TABLE ledger (
	seq    INTEGER PRIMARY KEY CHECK (seq >= 1),
	time   TEXT    NOT NULL,
	actor  INTEGER NOT NULL,
	kind   TEXT    NOT NULL,
	object TEXT    NOT NULL,
	entry  TEXT    NOT NULL
);
CREATE INDEX ledger_by_kind ON ledger (kind, seq);
CREATE INDEX ledger_by_object ON ledger (object, seq);
CREATE INDEX ledger_by_actor ON ledger (actor, seq);
CREATE INDEX ledger_by_time ON ledger (time);

-- A speed bump, not the protection: the signed checkpoints are.
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
	SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
	SELECT RAISE(ABORT, 'ledger entries are append-only');
END;

-- Merkle tree tiles (C2SP tlog-tiles shape): tile (level, idx) holds up to
-- 256 concatenated 32-byte hashes of the tree nodes at height 8*level,
-- indexes idx*256 .. idx*256+255. The right-most tile of a level is partial.
CREATE TABLE tile (
	level  INTEGER NOT NULL CHECK (level >= 0 AND level < 8),
	idx    INTEGER NOT NULL CHECK (idx >= 0),
	hashes BLOB    NOT NULL,
	PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Every checkpoint the instance signed: a C2SP signed note over
-- "origin\nsize\nbase64(root)\n". Also appended to checkpoints.log.
CREATE TABLE checkpoint (
	size INTEGER PRIMARY KEY CHECK (size >= 0),
	time TEXT    NOT NULL,
	note TEXT    NOT NULL
);
CREATE TRIGGER checkpoint_no_update BEFORE UPDATE ON checkpoint
BEGIN
	SELECT RAISE(ABORT, 'checkpoints are append-only');
END;
CREATE TRIGGER checkpoint_no_delete BEFORE DELETE ON checkpoint
BEGIN
	SELECT RAISE(ABORT, 'checkpoints are append-only');
END;
