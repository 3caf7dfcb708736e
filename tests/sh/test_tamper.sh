#!/bin/sh
# Tampering with an instance behind skydd's back — with the real sqlite3 CLI,
# or by swapping its key files — must make `skydd verify` exit 1 and name the
# first bad entry, tile or checkpoint. The triggers are only a speed bump;
# truncation needs the checkpoints kept outside (--against) to be caught.
# Every case starts from a fresh instance: init (its entries) plus 2 x 300
# loadgen entries, with checkpoints.log copied "outside" before the attack.
# shellcheck disable=SC2016 # the expressions given to `all` run later, with eval
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
need_file "$SKYDD" "$LOADGEN"
need_prog sqlite3 sha256sum od awk sed grep
setup_tmp

NCASE=0

# fresh NAME: a new instance in $I (database $DB, $TOTAL entries, last
# checkpoint at $LAST) and a copy of its checkpoints.log in $OUTSIDE.
fresh() {
	NCASE=$((NCASE + 1))
	I=$T/$NCASE-$1
	DB=$I/skydd.db
	OUTSIDE=$T/$NCASE-$1.outside
	if ! new_instance "$I" 2 300; then
		not_ok "$1: setting up the instance"
		return 1
	fi
	cp "$I/checkpoints.log" "$OUTSIDE"
	run "$SKYDD" verify --data "$I" --against "$OUTSIDE"
	if [ "$RC" -ne 0 ]; then
		not_ok "$1: the untouched instance verifies"
		show_output
		return 1
	fi
	TOTAL=$(sq "$DB" "SELECT max(seq) FROM ledger")
	LAST=$(sq "$DB" "SELECT max(size) FROM checkpoint")
	return 0
}

# one_byte NAME SEQ: changes one byte of loadgen entry SEQ's hashed bytes
# (its nonce's first letter), and checks that it did.
one_byte() {
	tamper "$1" "$ONE_BYTE $2" || return 1
	if [ "$(sq "$DB" "SELECT instr(entry, '\"nonce\":\"u') > 0 FROM ledger WHERE seq = $2")" = 1 ]; then
		return 0
	fi
	not_ok "$1: entry $2 is not a loadgen entry (nothing changed)"
	return 1
}

# tamper NAME SQL: the attack; a failing sqlite3 is a failed check.
tamper() {
	if sq "$DB" "$2" >"$T/sq.out" 2>&1; then
		return 0
	fi
	not_ok "$1: the sqlite3 attack itself failed"
	diag "$(cat "$T/sq.out")"
	return 1
}

# verify_names DESC REGEX [VERIFY ARGS...]: verify exits 1 with one line on
# stderr, "skydd: verify: FAILED: ...", matching REGEX.
verify_names() {
	_d=$1
	_re=$2
	shift 2
	run "$SKYDD" verify --data "$I" "$@"
	if [ "$RC" -eq 1 ] && one_line_stderr && grep -Eq -- "^skydd: verify: FAILED: .*$_re" "$T/err"; then
		ok "$_d"
	else
		not_ok "$_d"
		diag "expected exit 1 and one line on stderr matching /$_re/"
		show_output
	fi
}

# verify_passes DESC [VERIFY ARGS...]
verify_passes() {
	_d=$1
	shift
	run "$SKYDD" verify --data "$I" "$@"
	expect_rc 0 "$_d"
}

ONE_BYTE="DROP TRIGGER ledger_no_update;
UPDATE ledger SET entry = replace(entry, '\"nonce\":\"t', '\"nonce\":\"u') WHERE seq ="

# ---- a) one byte of one entry's hashed bytes ----
if fresh a-one-byte && one_byte a 123; then
	verify_names "a) one byte changed in entry 123: verify names entry 123" "entry 123: "
	# read-only even when it finds tampering (i), on the tampered database
	sq "$DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
	h0=$(sha "$DB")
	run "$SKYDD" verify --data "$I" --replay --against "$OUTSIDE"
	check "i) verify that finds tampering leaves skydd.db unchanged" [ "$(sha "$DB")" = "$h0" ]
fi

if fresh a-random && R=$(sq "$DB" "SELECT seq FROM ledger WHERE kind = 'test.load' ORDER BY random() LIMIT 1") &&
	one_byte a "$R"; then
	verify_names "a) one byte changed in entry $R (random): verify names entry $R" "entry $R: "
fi

if fresh a-last && one_byte a "$TOTAL"; then
	verify_names "a) one byte changed in the newest entry $TOTAL: verify names it" "entry $TOTAL: "
fi

if fresh a-first && tamper a "DROP TRIGGER ledger_no_update;
	UPDATE ledger SET entry = replace(entry, '\"origin\":\"s', '\"origin\":\"S') WHERE seq = 1"; then
	verify_names "a) one byte changed in the init entry: verify names entry 1" "entry 1: "
fi

if fresh a-longer && tamper a "DROP TRIGGER ledger_no_update;
	UPDATE ledger SET entry = entry || ' ' WHERE seq = 345"; then
	verify_names "a) a byte appended to entry 345: verify names entry 345" "entry 345: "
fi

if fresh a-gap && tamper a "DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE seq = 300"; then
	verify_names "a) entry 300 deleted from the middle: verify names entry 300" "entry 300: missing"
fi

if fresh a-appended && tamper a "INSERT INTO ledger (seq, time, actor, kind, object, entry)
	SELECT seq + 1, time, actor, kind, object, replace(entry, '\"seq\":' || seq || ',', '\"seq\":' || (seq + 1) || ',')
	FROM ledger ORDER BY seq DESC LIMIT 1"; then
	verify_names "a) a forged entry $((TOTAL + 1)) appended (tiles untouched): verify names it" \
		"entry $((TOTAL + 1)): "
fi

# ---- b) the triggers: a speed bump ----
if fresh b-triggers; then
	before=$(sq "$DB" "SELECT count(*), sum(length(entry)) FROM ledger; SELECT count(*) FROM checkpoint")
	for sql in "UPDATE ledger SET entry = replace(entry, 'nonce', 'nonse') WHERE seq = 123" \
		"UPDATE ledger SET kind = 'x' WHERE seq = 5" \
		"DELETE FROM ledger WHERE seq > 500" \
		"UPDATE checkpoint SET time = '2000-01-01T00:00:00.000000Z'" \
		"DELETE FROM checkpoint WHERE size > 1"; do
		run sq "$DB" "$sql"
		if [ "$RC" -ne 0 ] && grep -q 'append-only' "$T/err"; then
			ok "b) sqlite3 refuses '$sql': append-only"
		else
			not_ok "b) sqlite3 refuses '$sql': append-only"
			show_output
		fi
	done
	check "b) the refused statements changed nothing" \
		[ "$(sq "$DB" "SELECT count(*), sum(length(entry)) FROM ledger; SELECT count(*) FROM checkpoint")" = "$before" ]
	verify_passes "b) verify --replay --against still passes after the refused attempts" \
		--replay --against "$OUTSIDE"
fi

# INSERT OR REPLACE deletes the old row without firing the delete trigger
# (recursive_triggers is off): the triggers are no protection; verify is.
if fresh b-replace && tamper b "INSERT OR REPLACE INTO ledger (seq, time, actor, kind, object, entry)
	SELECT seq, time, actor, kind, object, replace(entry, '\"nonce\":\"t', '\"nonce\":\"v')
	FROM ledger WHERE seq = 222"; then
	if [ "$(sq "$DB" "SELECT instr(entry, '\"nonce\":\"v') > 0 FROM ledger WHERE seq = 222")" = 1 ]; then
		verify_names "b) INSERT OR REPLACE slips past the triggers; verify names entry 222" "entry 222: "
	else
		ok "b) INSERT OR REPLACE did not get past the triggers"
	fi
fi

# ---- c) truncation: delete the newest entries, keep the DB self-consistent ----
K=500
TRUNCATE="DROP TRIGGER ledger_no_delete; DROP TRIGGER checkpoint_no_delete;
DELETE FROM ledger WHERE seq > $K;
DELETE FROM checkpoint WHERE size > $K;
DELETE FROM tile WHERE level = 0 AND idx > $((K / 256));
UPDATE tile SET hashes = substr(hashes, 1, $((32 * (K % 256)))) WHERE level = 0 AND idx = $((K / 256));
UPDATE tile SET hashes = substr(hashes, 1, $((32 * (K >> 8)))) WHERE level = 1 AND idx = 0;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER checkpoint_no_delete BEFORE DELETE ON checkpoint
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;"
if fresh c-truncate && tamper c "$TRUNCATE"; then
	verify_names "c) plain verify: the instance's own checkpoints.log still knows the removed entries" \
		"checkpoint at size [0-9]+ \(from checkpoints.log\): the ledger has only $K entries \(entries were removed\)"
	# The attacker cuts checkpoints.log too: then only the outside copy can tell.
	python3 - "$I/checkpoints.log" "$K" <<'EOF'
import sys
path, k = sys.argv[1], int(sys.argv[2])
# notes are "origin\nsize\nroot\n\n— sig\n" separated by a blank line
parts = open(path, encoding="utf-8").read().split("\n\n")
notes = [parts[i] + "\n\n" + parts[i + 1] + "\n" for i in range(0, len(parts) - 1, 2)]
keep = [n for n in notes if int(n.split("\n")[1]) <= k]
open(path, "w", encoding="utf-8").write("".join(n + "\n" for n in keep))
EOF
	verify_passes "c) truncated database and checkpoints.log: plain verify cannot tell" 
	verify_names "c) verify --against the outside copy: entries were removed (only $K left)" \
		"checkpoint at size [0-9]+ \(from --against\): the ledger has only $K entries \(entries were removed\)" \
		--against "$OUTSIDE"
	# A fork: after the truncation, new different entries grow the ledger
	# past the old size again; every stored checkpoint still verifies.
	if "$LOADGEN" "$I" 1 200 >/dev/null 2>"$T/lg.err"; then
		verify_passes "c) the forked instance (truncated, then grown, its log cut too) passes plain verify"
		verify_names "c) the fork: verify --against names the outside checkpoint it contradicts" \
			"checkpoint at size [0-9]+ \(from --against\): its root does not match entries" \
			--against "$OUTSIDE"
	else
		not_ok "c) loadgen appends to the truncated instance"
		diag "$(cat "$T/lg.err")"
	fi
fi

# A full rewrite: entry 123 changed, the tiles recomputed to match and the
# stored checkpoints deleted. The database is consistent again; only the
# checkpoints kept outside can tell.
if fresh c-rewrite && tamper c "DROP TRIGGER checkpoint_no_delete; DELETE FROM checkpoint;
	$ONE_BYTE 123;"; then
	if python3 - "$DB" <<'EOF'; then
import hashlib, sqlite3, sys
H = lambda b: hashlib.sha256(b).digest()
def mth(l):
    if len(l) == 1:
        return l[0]
    k = 1
    while k * 2 < len(l):
        k *= 2
    return H(b"\x01" + mth(l[:k]) + mth(l[k:]))
con = sqlite3.connect(sys.argv[1])
leaves = [H(b"\x00" + bytes(r[0])) for r in con.execute("SELECT CAST(entry AS BLOB) FROM ledger ORDER BY seq")]
for i in range(0, (len(leaves) + 255) // 256):
    con.execute("UPDATE tile SET hashes = ? WHERE level = 0 AND idx = ?", (b"".join(leaves[256 * i:256 * i + 256]), i))
full = len(leaves) // 256
con.execute("UPDATE tile SET hashes = ? WHERE level = 1 AND idx = 0",
            (b"".join(mth(leaves[256 * j:256 * j + 256]) for j in range(full)),))
con.commit()
EOF
		verify_names "c) full rewrite: plain verify names a checkpoint from the instance's checkpoints.log" \
			"checkpoint at size [0-9]+ \(from checkpoints.log\): its root does not match entries"
		rm -f "$I/checkpoints.log"
		verify_names "c) full rewrite, checkpoints.log deleted too: plain verify sees no checkpoint at all" \
			"no signed checkpoint is stored for the [0-9]+ entries"
		verify_names "c) full rewrite of entry 123 with tiles recomputed: --against names a checkpoint" \
			"checkpoint at size [0-9]+ \(from --against\): its root does not match entries" \
			--against "$OUTSIDE"
	else
		not_ok "c) full rewrite: recomputing the tiles"
	fi
fi

# ---- d) two entries' bytes swapped ----
if fresh d-swap && tamper d "DROP TRIGGER ledger_no_update;
	CREATE TEMP TABLE sw AS SELECT seq, entry FROM ledger WHERE seq IN (200, 201);
	UPDATE ledger SET entry = (SELECT entry FROM sw WHERE sw.seq = 401 - ledger.seq)
	WHERE seq IN (200, 201);"; then
	verify_names "d) entries 200 and 201 swapped: verify names entry 200" "entry 200: "
fi

# The same, with the seq inside the bytes rewritten to fit the new place.
if fresh d-swap-renumbered && tamper d "DROP TRIGGER ledger_no_update;
	CREATE TEMP TABLE sw AS SELECT seq, entry FROM ledger WHERE seq IN (200, 201);
	UPDATE ledger SET entry = (SELECT replace(entry, '\"seq\":' || sw.seq || ',', '\"seq\":' || ledger.seq || ',')
		FROM sw WHERE sw.seq = 401 - ledger.seq)
	WHERE seq IN (200, 201);"; then
	verify_names "d) entries 200 and 201 swapped and renumbered: verify names entry 200" "entry 200: "
fi

# ---- e) stored tiles altered ----
FLIP="CASE WHEN substr(hashes, 326, 1) = X'00' THEN X'01' ELSE X'00' END"
if fresh e-tile0 && tamper e "UPDATE tile SET hashes = substr(hashes, 1, 325) || $FLIP || substr(hashes, 327)
	WHERE level = 0 AND idx = 0"; then
	verify_names "e) a byte of tile 0/0 (hash 10) flipped: verify names entry 11 and tile 0/0" \
		"entry 11: .*tile 0/0"
fi

FLIP1="CASE WHEN substr(hashes, 1, 1) = X'00' THEN X'01' ELSE X'00' END"
if fresh e-tile1 && tamper e "UPDATE tile SET hashes = $FLIP1 || substr(hashes, 2) WHERE level = 1 AND idx = 0"; then
	verify_names "e) a byte of tile 1/0 flipped: verify names tile 1/0" "tile 1/0: hash 0 "
fi

if fresh e-tile-missing && tamper e "DELETE FROM tile WHERE level = 0 AND idx = 1"; then
	verify_names "e) tile 0/1 deleted: verify names tile 0/1" "tile 0/1: missing"
fi

if fresh e-tile-longer && tamper e "UPDATE tile SET hashes = hashes || zeroblob(32) WHERE level = 0 AND idx = 2"; then
	verify_names "e) a hash appended to the partial tile 0/2: verify names tile 0/2" "tile 0/2: "
fi

if fresh e-tile-stray && tamper e "INSERT INTO tile (level, idx, hashes) VALUES (3, 0, zeroblob(32))"; then
	verify_names "e) a stray tile added: verify reports the tile count" "tiles: [0-9]+ stored"
fi

# ---- f) the columns beside the hashed bytes ----
for col in "kind = 'test.loaf'" "object = 'load/2'" "actor = 7" "time = '2020-01-01T00:00:00.000000Z'"; do
	if fresh f-column && S=$(rand_between 2 "$TOTAL") && tamper f "DROP TRIGGER ledger_no_update; UPDATE ledger SET $col WHERE seq = $S"; then
		run "$SKYDD" verify --data "$I"
		diag "f) plain verify with column $col at entry $S: exit $RC (it checks the hashed bytes only)"
		verify_names "f) column edited ($col, entry $S): verify --replay names entry $S" \
			"entry $S: its columns disagree with its hashed bytes" --replay
	fi
done

# ---- g) forged checkpoints ----
if fresh g-size && tamper g "INSERT INTO checkpoint (size, time, note)
	SELECT size + 1, time, replace(note, char(10) || size || char(10), char(10) || (size + 1) || char(10))
	FROM checkpoint ORDER BY size DESC LIMIT 1"; then
	verify_names "g) forged checkpoint (last note, size changed to $((LAST + 1))): verify names it" \
		"checkpoint at size $((LAST + 1)): signature does not verify"
fi

if fresh g-root && tamper g "INSERT OR REPLACE INTO checkpoint (size, time, note)
	SELECT c.size, c.time, replace(c.note, substr(c.note, instr(c.note, char(10) || c.size || char(10)) + length(c.size) + 2, 4), 'AAAA')
	FROM checkpoint c ORDER BY c.size DESC LIMIT 1"; then
	verify_names "g) last checkpoint's root changed in place: verify names checkpoint $LAST" \
		"checkpoint at size $LAST: signature does not verify"
fi

if fresh g-moved && tamper g "INSERT INTO checkpoint (size, time, note)
	SELECT size + 5, time, note FROM checkpoint ORDER BY size DESC LIMIT 1"; then
	verify_names "g) genuine note stored under size $((LAST + 5)): verify names that checkpoint" \
		"checkpoint at size $((LAST + 5)): its note is for size $LAST"
fi

if fresh g-outside; then
	sed "s/^$LAST\$/$((LAST + 1))/" "$OUTSIDE" >"$OUTSIDE.forged"
	verify_names "g) forged note in the outside file: verify --against rejects it" \
		"checkpoint at byte [0-9]+ does not verify with this instance's key" --against "$OUTSIDE.forged"
fi

# ---- h) the verifier key replaced ----
OTHER=$T/other
if new_instance "$OTHER" 1 50; then
	if fresh h-vkey; then
		cp "$OTHER/verifier.key" "$I/verifier.key"
		verify_names "h) verifier.key replaced by another instance's: verify fails" \
			"verifier key differs from verifier.key"
	fi
	if fresh h-vkey-meta && tamper h "UPDATE meta SET value = '$(cat "$OTHER/verifier.key")' WHERE key = 'verifier_key'"; then
		cp "$OTHER/verifier.key" "$I/verifier.key"
		verify_names "h) verifier.key and the database's copy both replaced: verify names checkpoint 1" \
			"checkpoints.log: checkpoint at byte 0 does not verify with this instance's key"
	fi
	# An instance rebuilt from scratch (new key, same origin): only the
	# checkpoints kept outside can tell.
	verify_names_other() {
		I=$OTHER
		verify_names "$@"
	}
	verify_names_other "h) a rebuilt instance (new key, same origin) fails --against the old outside copy" \
		"checkpoint at byte 0 does not verify with this instance's key" --against "$OUTSIDE"
else
	not_ok "h) setting up a second instance"
fi

if fresh h-origin && tamper h "UPDATE meta SET value = 'skydd.test/other' WHERE key = 'origin'"; then
	verify_names "h) the origin in meta changed: verify names checkpoint 1" \
		"checkpoint at size 1: (its note is for size 1 of|signature does not verify)"
fi

# ---- i) verify is read-only ----
if fresh i-readonly; then
	sq "$DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
	h_db=$(sha "$DB")
	h_files=$(cat "$I/signing.key" "$I/verifier.key" "$I/checkpoints.log" | sha256sum)
	run "$SKYDD" verify --data "$I"
	rc1=$RC
	run "$SKYDD" verify --data "$I" --replay --against "$OUTSIDE" --json
	rc2=$RC
	check "i) verify, verify --replay --against --json pass (exit $rc1, $rc2)" all '[ "$rc1" -eq 0 ]' '[ "$rc2" -eq 0 ]'
	check "i) verify leaves skydd.db byte for byte unchanged" [ "$(sha "$DB")" = "$h_db" ]
	check "i) verify leaves no WAL content behind" [ ! -s "$DB-wal" ]
	check "i) verify leaves the key files and checkpoints.log unchanged" \
		[ "$(cat "$I/signing.key" "$I/verifier.key" "$I/checkpoints.log" | sha256sum)" = "$h_files" ]
fi

finish
