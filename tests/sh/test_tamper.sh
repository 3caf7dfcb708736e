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
need_prog sqlite3 sha256sum od awk sed grep python3 curl timeout
setup_tmp

NCASE=0

# keep_notes FILE K: keeps only the notes of checkpoints of size <= K.
# notes are "origin\nsize\nroot\n\n— sig\n" separated by a blank line
keep_notes() {
	python3 - "$1" "$2" <<'EOF'
import sys
path, k = sys.argv[1], int(sys.argv[2])
parts = open(path, encoding="utf-8").read().split("\n\n")
notes = [parts[i] + "\n\n" + parts[i + 1] + "\n" for i in range(0, len(parts) - 1, 2)]
keep = [n for n in notes if int(n.split("\n")[1]) <= k]
open(path, "w", encoding="utf-8").write("".join(n + "\n" for n in keep))
EOF
}

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

# The ledger's leaf hashes and the RFC 6962 tree hash over a list of them,
# as an attacker computes them: the prelude of the two functions below.
MERKLE_PY='
import base64, hashlib, sqlite3, sys
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
'

# rewrite_tiles DB: recomputes the tiles (level 0 and tile 1/0) from the
# entries as they now stand, so that the tree is consistent again.
rewrite_tiles() {
	{
		printf '%s\n' "$MERKLE_PY"
		cat <<'EOF'
con.execute("DELETE FROM tile")
for i in range(0, (len(leaves) + 255) // 256):
    con.execute("INSERT INTO tile (level, idx, hashes) VALUES (0, ?, ?)", (i, b"".join(leaves[256 * i:256 * i + 256])))
full = len(leaves) // 256
if full:
    con.execute("INSERT INTO tile (level, idx, hashes) VALUES (1, 0, ?)",
                (b"".join(mth(leaves[256 * j:256 * j + 256]) for j in range(full)),))
con.commit()
EOF
	} | python3 - "$1"
}

# tree_root DB: the root of the whole tree, base64.
tree_root() {
	{
		printf '%s\n' "$MERKLE_PY"
		echo 'print(base64.b64encode(mth(leaves)).decode())'
	} | python3 - "$1"
}

# exit1_naming DESC PREFIX REGEX: what run ran exited 1 with one line on
# stderr, PREFIX and then something matching REGEX.
exit1_naming() {
	if [ "$RC" -eq 1 ] && one_line_stderr && grep -Eq -- "^$2.*$3" "$T/err"; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected exit 1 and one line on stderr matching /$3/"
		show_output
	fi
}

# verify_names DESC REGEX [VERIFY ARGS...]: verify exits 1 with one line on
# stderr, "skydd: verify: FAILED: ...", matching REGEX.
verify_names() {
	_d=$1
	_re=$2
	shift 2
	run "$SKYDD" verify --data "$I" "$@"
	exit1_naming "$_d" "skydd: verify: FAILED: " "$_re"
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
# The attacker cuts at a signed size (anything else leaves entries no
# signature covers) and deletes the batch seal, which is for the old size.
truncate_sql() {
	K=$1
	TRUNCATE="DROP TRIGGER ledger_no_delete; DROP TRIGGER checkpoint_no_delete;
DELETE FROM ledger WHERE seq > $K;
DELETE FROM checkpoint WHERE size > $K;
DELETE FROM tile WHERE level = 0 AND idx > $((K / 256));
UPDATE tile SET hashes = substr(hashes, 1, $((32 * (K % 256)))) WHERE level = 0 AND idx = $((K / 256));
UPDATE tile SET hashes = substr(hashes, 1, $((32 * (K >> 8)))) WHERE level = 1 AND idx = 0;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER checkpoint_no_delete BEFORE DELETE ON checkpoint
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
DELETE FROM tile WHERE length(hashes) = 0;
DELETE FROM meta WHERE key = 'seal';"
}
if fresh c-truncate && truncate_sql "$(sq "$DB" "SELECT max(size) FROM checkpoint WHERE size > 1 AND size < $TOTAL - 50")" &&
	tamper c "$TRUNCATE"; then
	verify_names "c) plain verify: the instance's own checkpoints.log still knows the removed entries" \
		"checkpoint at size [0-9]+ \(from checkpoints.log\): the ledger has only $K entries \(entries were removed\)"
	# The attacker cuts checkpoints.log too: then only the outside copy can tell.
	keep_notes "$I/checkpoints.log" "$K"
	verify_passes "c) truncated database and checkpoints.log: plain verify cannot tell" 
	verify_names "c) verify --against the outside copy: entries were removed (only $K left)" \
		"checkpoint at size [0-9]+ \(from --against\): the ledger has only $K entries \(entries were removed\)" \
		--against "$OUTSIDE"
	# A fork: after the truncation, new different entries grow the ledger
	# past the old size again; every stored checkpoint still verifies.
	if "$LOADGEN" "$I" 1 $((TOTAL - K + 50)) >/dev/null 2>"$T/lg.err"; then
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
	if rewrite_tiles "$DB"; then
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
	# a loadgen entry: its hashed kind is test.load (the first entries are init's)
	if fresh f-column && S=$(sq "$DB" "SELECT seq FROM ledger WHERE kind = 'test.load' ORDER BY random() LIMIT 1") &&
		tamper f "DROP TRIGGER ledger_no_update; UPDATE ledger SET $col WHERE seq = $S"; then
		verify_names "f) column edited ($col, entry $S): plain verify names entry $S and the column" \
			"entry $S: its columns disagree with its hashed bytes \(${col%% *}\)"
		verify_names "f) column edited ($col, entry $S): verify --replay names entry $S" \
			"entry $S: its columns disagree with its hashed bytes" --replay
		if [ "${col%% *}" = kind ]; then
			run "$SKYDD" log --data "$I" --from "$S" --limit 1
			check "f) skydd log shows the hashed kind of entry $S, not the edited column" \
				all 'grep -q "test.load " "$T/out"' '! grep -q "test.loaf" "$T/out"'
		fi
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

# ---- j) serve's start-up checks ----

# serve_refuses DESC REGEX: serve exits 1 at once with one line matching REGEX.
serve_refuses() {
	run timeout 20 "$SKYDD" serve --data "$I" --listen "127.0.0.1:$(free_port)"
	exit1_naming "$1" "skydd: serve: refusing to start: " "$2"
}

# serve_runs DESC: serve starts (answers /healthz), then SIGTERM; its
# stderr is left in $T/serve.err.
serve_runs() {
	_p=$(free_port)
	"$SKYDD" serve --data "$I" --listen "127.0.0.1:$_p" 2>"$T/serve.err" &
	_pid=$!
	_i=0
	until curl -sf "http://127.0.0.1:$_p/healthz" >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$_pid" 2>/dev/null; then
			not_ok "$1"
			diag "$(cat "$T/serve.err")"
			kill "$_pid" 2>/dev/null
			wait "$_pid" 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
	kill -TERM "$_pid"
	wait "$_pid"
	check "$1" [ $? -eq 0 ]
}

# The database rolled back to an older copy while checkpoints.log is newer:
# serving it would sign checkpoints inconsistent with ones signed before.
if fresh j-rollback; then
	sq "$DB" ".backup '$T/old.db'"
	OLD=$TOTAL
	if "$LOADGEN" "$I" 1 100 >/dev/null 2>"$T/lg.err"; then
		NEW=$(sq "$DB" "SELECT max(size) FROM checkpoint")
		rm -f "$DB-wal" "$DB-shm"
		cp "$T/old.db" "$DB"
		serve_refuses "j) rolled-back database ($OLD entries), newer checkpoints.log ($NEW): serve exits 1 naming both sizes" \
			"checkpoint at size $NEW but the database has only $OLD entries"
		run "$LOADGEN" "$I" 1 10
		check "j) ... and no other writer appends to it either (loadgen refused)" [ "$RC" -ne 0 ]
		check "j) ... nothing was signed: checkpoints.log still ends at $NEW" \
			[ "$(grep -E '^[0-9]+$' "$I/checkpoints.log" | tail -n 1)" = "$NEW" ]
		verify_names "j) rolled-back database: verify names a newer checkpoint" \
			"checkpoint at size [0-9]+ \(from checkpoints.log\): the ledger has only $OLD entries"
	else
		not_ok "j) loadgen appends"
		diag "$(cat "$T/lg.err")"
	fi
fi

# A fork: entry 123 rewritten, tiles recomputed, stored checkpoints deleted.
# checkpoints.log still holds checkpoints of the original tree, at sizes
# smaller than the database's.
if fresh j-fork && tamper j "DROP TRIGGER checkpoint_no_delete; DELETE FROM checkpoint; $ONE_BYTE 123;" &&
	rewrite_tiles "$DB"; then
	FIRST=$(grep -E '^[0-9]+$' "$I/checkpoints.log" | awk '$1 >= 123' | sort -n | head -n 1)
	serve_refuses "j) fork (entry 123 rewritten, tiles recomputed): serve exits 1 naming checkpoint $FIRST" \
		"checkpoints.log's checkpoint at size $FIRST does not match the database's tree at that size \($TOTAL entries\)"
fi

# ---- k) a forged append: an entry and its tile hash ----
# The attacker writes a valid entry $((TOTAL + 1)) (a grant) and appends its
# leaf hash to tile 0/N: the tree is consistent, but no signature covers it.
FORGE='
import hashlib, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
seq, t = con.execute("SELECT seq + 1, time FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
entry = "{\"actor\":1,\"data\":{\"identity\":9,\"role\":\"admin\"},\"kind\":\"grant.added\",\"object\":\"identity/9\",\"seq\":%d,\"time\":\"%s\"}" % (seq, t)
leaf = hashlib.sha256(b"\x00" + entry.encode()).digest()
con.execute("INSERT INTO ledger (seq, time, actor, kind, object, entry) VALUES (?, ?, 1, ?, ?, ?)",
            (seq, t, "grant.added", "identity/9", entry))
idx = (seq - 1) // 256
if (seq - 1) % 256 == 0:
    con.execute("INSERT INTO tile (level, idx, hashes) VALUES (0, ?, ?)", (idx, leaf))
else:
    con.execute("UPDATE tile SET hashes = hashes || ? WHERE level = 0 AND idx = ?", (leaf, idx))
assert (seq % 256) != 0, "the forged entry would complete a tile"
con.commit()
'
if fresh k-forged && python3 -c "$FORGE" "$DB"; then
	F=$((TOTAL + 1))
	verify_names "k) forged entry $F with its tile hash: plain verify names the unsealed range" \
		"entries $F\.\.$F are covered by no signed checkpoint and no batch seal"
	verify_names "k) ... verify --replay --against too" \
		"entries $F\.\.$F are covered by no signed checkpoint and no batch seal" --replay --against "$OUTSIDE"
	serve_refuses "k) ... serve refuses to start and sign it (exit 1, the range named)" \
		"entries $F\.\.$F are covered by no signed checkpoint and no batch seal"
	check "k) ... nothing was signed over it" [ "$(sq "$DB" "SELECT max(size) FROM checkpoint")" = "$LAST" ]
	run "$SKYDD" checkpoint --data "$I" --accept-tail
	check "k) checkpoint --accept-tail: the operator keeps it, recorded in the ledger" \
		all '[ "$RC" -eq 0 ]' \
		"[ \"\$(sq \"\$DB\" \"SELECT json_extract(entry, '\\\$.data.from') || '-' || json_extract(entry, '\\\$.data.to') FROM ledger WHERE kind = 'ledger.tail.accepted'\")\" = '$F-$F' ]"
	verify_passes "k) ... after which verify passes"
fi

# The same, with a note for the forged tree appended to checkpoints.log (the
# last note with its size and root replaced: the signature cannot follow).
if fresh k-forged-note && python3 -c "$FORGE" "$DB"; then
	F=$((TOTAL + 1))
	R=$(tree_root "$DB")
	python3 - "$I/checkpoints.log" "$F" "$R" <<'EOF'
import sys
path, size, root = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(path, encoding="utf-8").read().rstrip("\n")
start = data.rfind("\n\n", 0, data.rfind("\n\n")) + 2
lines = data[start:].split("\n")
lines[1], lines[2] = size, root
open(path, "a", encoding="utf-8").write("\n".join(lines) + "\n\n")
EOF
	verify_names "k) forged entry $F and a forged note for it in checkpoints.log: verify rejects the note" \
		"checkpoints.log: checkpoint at byte [0-9]+ does not verify"
	serve_refuses "k) ... and serve does not take the forged note as cover" \
		"checkpoints.log: checkpoint at byte [0-9]+ does not verify"
fi

# A sealed tail (the writer's own batches after the last checkpoint, as a
# crash leaves them) is not an error: remove the newest checkpoint, the seal
# still covers the entries.
if fresh k-sealed && tamper k "DROP TRIGGER checkpoint_no_delete; DELETE FROM checkpoint WHERE size = (SELECT max(size) FROM checkpoint)"; then
	keep_notes "$I/checkpoints.log" $((LAST - 1))
	run "$SKYDD" verify --data "$I" --json
	check "k) entries after the last checkpoint covered by the batch seal: verify passes and counts them" \
		all '[ "$RC" -eq 0 ]' 'grep -Eq "\"sealed\":[1-9]" "$T/out"'
	tamper k "UPDATE meta SET value = replace(value, substr(value, -10, 4), 'AAAA') WHERE key = 'seal'"
	verify_names "k) the batch seal altered: verify says so" "the batch seal does not verify"
fi

# ---- l) checkpoints.log: garbage, emptied, deleted ----
if fresh l-garbage; then
	printf 'garbage\n' >>"$I/checkpoints.log"
	verify_names "l) garbage appended to checkpoints.log: exit 1 (tampering), the byte named" \
		"checkpoints.log: byte [0-9]+: not a signed checkpoint"
	serve_refuses "l) ... and serve refuses to start" "checkpoints.log: byte [0-9]+: not a signed checkpoint"
fi
if fresh l-badnote; then
	sed "s/^$LAST\$/$((LAST + 1))/" "$OUTSIDE" >"$I/checkpoints.log"
	verify_names "l) a forged note in checkpoints.log: exit 1" \
		"checkpoints.log: checkpoint at byte [0-9]+ does not verify"
fi
if fresh l-emptied; then
	: >"$I/checkpoints.log"
	verify_names "l) checkpoints.log emptied: exit 1" "checkpoints.log holds no checkpoint for the $TOTAL entries"
	tamper l "DROP TRIGGER checkpoint_no_delete; DELETE FROM checkpoint"
	verify_names "l) all checkpoints removed (table and log), no --against: exit 1" \
		"no signed checkpoint is stored for the $TOTAL entries"
fi
if fresh l-deleted; then
	rm "$I/checkpoints.log"
	verify_names "l) checkpoints.log deleted: verify reports it (exit 1)" "checkpoints.log is missing"
	run "$SKYDD" verify --data "$I" --against "$T/no-such-file"
	check "l) an --against file that does not exist is a usage error (exit 2)" [ "$RC" -eq 2 ]
fi

# ---- m) a torn final note: power lost while appending to checkpoints.log ----
# The first bytes of a note, cut inside its signature line: the checkpoint is
# already committed in the database; only the log's copy is incomplete.
if fresh m-torn; then
	len=$(wc -c <"$I/checkpoints.log")
	# the last note again, without the last 20 bytes of its signature line
	python3 - "$I/checkpoints.log" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read().rstrip(b"\n")
start = data.rfind(b"\n\n", 0, data.rfind(b"\n\n")) + 2
note = data[start:] + b"\n"
assert note.split(b"\n")[3] == b"" and note.split(b"\n")[4].startswith("\u2014 ".encode())
open(sys.argv[1], "ab").write(note[:-20])
EOF
	run "$SKYDD" verify --data "$I"
	check "m) torn final note: verify accepts (exit 0) and says so on stderr" \
		all '[ "$RC" -eq 0 ]' 'grep -q "checkpoints.log ends in an incomplete note" "$T/err"'
	if serve_runs "m) serve starts on a torn checkpoints.log"; then
		check "m) ... and says on one line that it removed the incomplete note" \
			grep -q '^skydd: serve: checkpoints.log ended in an incomplete note' "$T/serve.err"
		run "$SKYDD" verify --data "$I" --against "$OUTSIDE"
		check "m) ... after which checkpoints.log is whole: verify passes without a note" \
			all '[ "$RC" -eq 0 ]' '! grep -q incomplete "$T/err"' \
			"[ \$(head -c $len \"\$I/checkpoints.log\" | cmp -s - \"\$OUTSIDE\"; echo \$?) -eq 0 ]"
	fi
	printf 'origin-of-someone-else\n12' >>"$I/checkpoints.log"
	verify_names "m) an unfinished line that is not the start of our note: garbage (exit 1)" \
		"checkpoints.log: byte [0-9]+: not a signed checkpoint"
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
