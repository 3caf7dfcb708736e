#!/bin/sh
# The command-line interface: exit codes and messages, help, file modes,
# listing, and — checked independently of skydd's own code — its inclusion
# and consistency proofs (tests/sh/verify_proof.py, written from RFC 9162)
# and its checkpoint signatures (openssl's Ed25519, from the verifier key).
# shellcheck disable=SC2016 # the expressions given to `all` run later, with eval
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
need_file "$SKYDD" "$LOADGEN"
need_prog sqlite3 python3 openssl sha256sum awk grep
setup_tmp
HERE=$(dirname "$0")
vp() {
	python3 "$HERE/verify_proof.py" "$@"
}

I=$T/inst
DB=$I/skydd.db

# ---- version, help, usage errors ----
run "$SKYDD" --version
VERSION=$(cat "$HERE/../../VERSION")
check "--version prints 'skydd $VERSION'" all '[ "$RC" -eq 0 ]' '[ "$(cat "$T/out")" = "skydd $VERSION" ]'

run "$SKYDD" --help
if [ "$RC" -eq 0 ] && grep -q '^usage: skydd' "$T/out" && [ ! -s "$T/err" ]; then
	ok "--help prints the usage on stdout, exit 0"
else
	not_ok "--help prints the usage on stdout, exit 0"
	show_output
fi
for cmd in init verify log checkpoint demo; do
	check "--help lists the command $cmd" grep -Eq "^  $cmd " "$T/out"
done
# Every command --help lists (more than the five above as skydd grows).
COMMANDS=$(awk '/^  [a-z][a-z-]* / { print $1 }' "$T/out" | tr '\n' ' ')
diag "commands: $COMMANDS"

for cmd in $COMMANDS; do
	for h in --help -h; do
		run "$SKYDD" "$cmd" "$h"
		if [ "$RC" -eq 0 ] && grep -q "^usage: skydd $cmd" "$T/out" && [ ! -s "$T/err" ]; then
			ok "$cmd $h prints its usage, exit 0"
		else
			not_ok "$cmd $h prints its usage, exit 0"
			show_output
		fi
	done
done

run "$SKYDD"
check "no arguments: exit 2 with the usage on stderr" all '[ "$RC" -eq 2 ]' 'grep -q "^usage: skydd" "$T/err"'

run "$SKYDD" frobnicate
if rc_one_line 2 && [ ! -s "$T/out" ]; then
	ok "unknown command: exit 2, one line on stderr starting 'skydd:'"
else
	not_ok "unknown command: exit 2, one line on stderr starting 'skydd:'"
	show_output
fi

for cmd in $COMMANDS; do
	run "$SKYDD" "$cmd" --data "$T/never-$cmd" --bogus
	if rc_one_line 2 && [ ! -e "$T/never-$cmd" ]; then
		ok "$cmd --bogus: exit 2, one line, nothing created"
	else
		not_ok "$cmd --bogus: exit 2, one line, nothing created"
		show_output
	fi
done

for cmd in init verify log checkpoint; do
	run "$SKYDD" "$cmd" --data
	check "$cmd --data without its value: exit 2, one line" rc_one_line 2
	run "$SKYDD" "$cmd"
	check "$cmd without --data: exit 2, one line" rc_one_line 2
done

for cmd in verify log checkpoint; do
	run "$SKYDD" "$cmd" --data "$T/missing"
	check "$cmd on a missing directory: exit 2, one line" rc_one_line 2
done
check "reading commands did not create the missing directory" [ ! -e "$T/missing" ]

# ---- init ----
run sh -c "umask 022 && exec \"\$0\" init --data \"\$1\" --origin skydd.test/cli" "$SKYDD" "$I"
if [ "$RC" -eq 0 ] && grep -q '^skydd.test/cli+[0-9a-f]\{8\}+' "$T/out"; then
	ok "init creates an instance and prints the verifier key"
else
	not_ok "init creates an instance and prints the verifier key"
	show_output
	finish
fi
check "init writes verifier.key = the key it printed" grep -qxF "$(cat "$I/verifier.key")" "$T/out"
mode() {
	# shellcheck disable=SC2012 # the mode string is what we want
	ls -ld "$1" | cut -c 1-10
}
check "signing.key is mode 0600 (umask 022)" [ "$(mode "$I/signing.key")" = "-rw-------" ]
if [ -e "$I/secrets.key" ]; then
	check "secrets.key is mode 0600 (umask 022)" [ "$(mode "$I/secrets.key")" = "-rw-------" ]
fi
check "skydd.db is not readable by others (umask 022)" [ "$(mode "$DB" | cut -c 5-10)" = "------" ]
check "the instance directory is private" [ "$(mode "$I" | cut -c 5-10)" = "------" ]

sums() {
	for f in "$I"/*; do
		printf '%s ' "$f"
		sha256sum <"$f"
	done
}
before=$(sums)
run "$SKYDD" init --data "$I" --origin skydd.test/cli
check "init on an existing instance: exit 2, one line" rc_one_line 2
check "init on an existing instance changes no file" [ "$(sums)" = "$before" ]
mkdir "$T/keyonly" && echo x >"$T/keyonly/signing.key"
run "$SKYDD" init --data "$T/keyonly"
check "init next to an existing signing.key: exit 2, key untouched" \
	all '[ "$RC" -eq 2 ]' '[ "$(cat "$T/keyonly/signing.key")" = x ]' '[ ! -e "$T/keyonly/skydd.db" ]'
run "$SKYDD" init --data "$T/badorigin" --origin "has space"
check "init --origin with a space: exit 2, one line" rc_one_line 2

# The entries init wrote, and 2 x 300 from loadgen.
INIT_SIZE=$(sq "$DB" "SELECT count(*) FROM ledger")
if ! "$LOADGEN" "$I" 2 300 >/dev/null 2>"$T/lg.err"; then
	not_ok "loadgen fills the instance"
	diag "$(cat "$T/lg.err")"
	finish
fi
TOTAL=$(sq "$DB" "SELECT max(seq) FROM ledger")
check "the instance holds the init entries and 600 more ($INIT_SIZE + 600 = $TOTAL)" \
	all '[ "$TOTAL" -eq $((INIT_SIZE + 600)) ]' '[ "$(sq "$DB" "SELECT count(*) FROM ledger")" -eq "$TOTAL" ]'
for f in "$DB" "$DB-wal" "$DB-shm" "$I/checkpoints.log"; do
	[ -e "$f" ] || continue
	check "$(basename "$f") is not readable by others after writing" [ "$(mode "$f" | cut -c 5-10)" = "------" ]
done

# ---- log ----
isjson() {
	python3 -c 'import json, sys; json.load(sys.stdin)' <"$1" 2>/dev/null
}
run "$SKYDD" log --data "$I"
check "log lists 100 entries by default" all '[ "$RC" -eq 0 ]' '[ "$(nlines "$T/out")" -eq 100 ]'
run "$SKYDD" log --data "$I" --from 10 --limit 5 --json
if [ "$RC" -eq 0 ] && isjson "$T/out" &&
	python3 -c 'import json, sys; a = json.load(sys.stdin); sys.exit([e["seq"] for e in a] != [10, 11, 12, 13, 14])' <"$T/out"; then
	ok "log --from 10 --limit 5 --json: valid JSON, entries 10..14"
else
	not_ok "log --from 10 --limit 5 --json: valid JSON, entries 10..14"
	show_output
fi

# Every listed entry is the stored entry (same JSON value as the hashed bytes).
run "$SKYDD" log --data "$I" --limit 100000 --json
if [ "$RC" -eq 0 ] && python3 - "$DB" "$T/out" <<'EOF'; then
import json, sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
stored = [json.loads(r[0]) for r in con.execute("SELECT entry FROM ledger ORDER BY seq")]
with open(sys.argv[2]) as f:
    listed = json.load(f)
sys.exit(0 if listed == stored else 1)
EOF
	ok "log --limit 100000 --json lists all $TOTAL entries exactly as stored"
else
	not_ok "log --limit 100000 --json lists all $TOTAL entries exactly as stored"
fi

filter_count() {
	"$SKYDD" log --data "$I" --limit 100000 --json "$@" |
		python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}
check "log --kind test.load: the 600 loadgen entries" [ "$(filter_count --kind test.load)" = \
	"$(sq "$DB" "SELECT count(*) FROM ledger WHERE kind = 'test.load'")" ]
check "log --kind ledger.: the ledger.* entries" [ "$(filter_count --kind ledger.)" = \
	"$(sq "$DB" "SELECT count(*) FROM ledger WHERE kind LIKE 'ledger.%'")" ]
check "log --object ledger: the init entry" [ "$(filter_count --object ledger)" = \
	"$(sq "$DB" "SELECT count(*) FROM ledger WHERE object = 'ledger'")" ]
check "log --actor 1: the entries by identity 1" [ "$(filter_count --actor 1)" = \
	"$(sq "$DB" "SELECT count(*) FROM ledger WHERE actor = 1")" ]
check "log --kind nothing.here: none" [ "$(filter_count --kind nothing.here)" = 0 ]

for bad in "--limit 0" "--limit 100001" "--limit x" "--from x" "--from -1" "--actor x"; do
	# shellcheck disable=SC2086 # split into option and value on purpose
	run "$SKYDD" log --data "$I" $bad
	check "log $bad: exit 2, one line" rc_one_line 2
done
run "$SKYDD" log --data "$I" frobnicate
check "log frobnicate: exit 2, one line" rc_one_line 2

# ---- inclusion proofs, checked independently ----
run "$SKYDD" checkpoint --data "$I" --json
cp "$T/out" "$T/cp.json"
if [ "$RC" -eq 0 ] && isjson "$T/cp.json"; then
	ok "checkpoint --json is valid JSON"
else
	not_ok "checkpoint --json is valid JSON"
	show_output
fi
jget() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}
CP_ROOT=$(jget "$T/cp.json" root)
CP_SIZE=$(jget "$T/cp.json" size)
check "checkpoint --json: size is the ledger size ($CP_SIZE)" [ "$CP_SIZE" = "$TOTAL" ]
check "checkpoint --json: root is the RFC 6962 root of the stored entries (independent)" \
	[ "$CP_ROOT" = "$(vp root "$DB" "$TOTAL")" ]

for n in 1 2 3 255 256 257 300 512 $((TOTAL - 1)) "$TOTAL"; do
	run "$SKYDD" log prove "$n" --data "$I" --json
	cp "$T/out" "$T/proof.json"
	run vp inclusion "$DB" "$T/proof.json" "$CP_ROOT"
	expect_rc 0 "log prove $n --json: the proof verifies independently against the checkpoint root"
done

# Against an older signed checkpoint: --size M and that checkpoint's root.
OLD=$(sq "$DB" "SELECT size FROM checkpoint WHERE size > 20 ORDER BY size LIMIT 1")
OLD_ROOT=$(sq "$DB" "SELECT note FROM checkpoint WHERE size = $OLD" | sed -n 3p)
for n in 1 $((OLD / 2)) "$OLD"; do
	run "$SKYDD" log prove "$n" --data "$I" --size "$OLD" --json
	cp "$T/out" "$T/proof.json"
	run vp inclusion "$DB" "$T/proof.json" "$OLD_ROOT"
	expect_rc 0 "log prove $n --size $OLD: verifies against the signed checkpoint at size $OLD"
done

# The checker is not vacuous: it rejects a damaged proof.
"$SKYDD" log prove 300 --data "$I" --json >"$T/proof.json"
python3 - "$T/proof.json" <<'EOF'
import base64, json, sys
p = json.load(open(sys.argv[1]))
h = bytearray(base64.b64decode(p["proof"][2])); h[0] ^= 1
p["proof"][2] = base64.b64encode(bytes(h)).decode()
json.dump(p, open(sys.argv[1] + ".bad", "w"))
p = json.load(open(sys.argv[1])); p["proof"].pop()
json.dump(p, open(sys.argv[1] + ".short", "w"))
EOF
run vp inclusion "$DB" "$T/proof.json.bad" "$CP_ROOT"
check "the independent checker rejects an inclusion proof with one bit flipped" [ "$RC" -eq 1 ]
run vp inclusion "$DB" "$T/proof.json.short" "$CP_ROOT"
check "the independent checker rejects an inclusion proof one hash short" [ "$RC" -eq 1 ]
run vp inclusion "$DB" "$T/proof.json" "$OLD_ROOT"
check "the independent checker rejects a proof against another root" [ "$RC" -eq 1 ]

run "$SKYDD" log prove 300 --data "$I"
check "log prove 300 (text) ends with 'verified: OK'" \
	all '[ "$RC" -eq 0 ]' '[ "$(tail -n 1 "$T/out")" = "verified: OK" ]'
for bad in 0 $((TOTAL + 1)) abc -1 ""; do
	run "$SKYDD" log prove "$bad" --data "$I"
	check "log prove '$bad': fails (exit $RC) with one line" fails_one_line
done
run "$SKYDD" log prove 300 --data "$I" --size 299
check "log prove 300 --size 299: fails with one line" fails_one_line
run "$SKYDD" log prove 300 --data "$I" --size $((TOTAL + 1))
check "log prove 300 --size $((TOTAL + 1)): fails with one line" fails_one_line

# ---- consistency proofs, checked independently ----
N1=$((TOTAL - 1))
for pair in "1 $TOTAL" "2 $TOTAL" "4 $TOTAL" "7 8" "8 9" "255 256" "256 257" "256 $TOTAL" "300 $N1" \
	"511 512" "$N1 $TOTAL" "$TOTAL $TOTAL" "$OLD $TOTAL"; do
	# shellcheck disable=SC2086 # two sizes
	set -- $pair
	run "$SKYDD" log consistency "$1" "$2" --data "$I" --json
	cp "$T/out" "$T/cons.json"
	run vp consistency "$DB" "$T/cons.json"
	expect_rc 0 "log consistency $1 $2 --json: roots and proof verify independently"
done
# From the empty tree (RFC 9162 defines proofs for 0 < M only): an empty
# proof, or a usage error; not "exit 1, run 'skydd verify'" (tampering).
run "$SKYDD" log consistency 0 "$TOTAL" --data "$I" --json
if [ "$RC" -eq 0 ]; then
	cp "$T/out" "$T/cons.json"
	run vp consistency "$DB" "$T/cons.json"
	expect_rc 0 "log consistency 0 $TOTAL: an empty proof that verifies independently"
elif rc_one_line 2; then
	ok "log consistency 0 $TOTAL: refused as a usage error (exit 2, one line)"
else
	not_ok "log consistency 0 $TOTAL: an empty proof (exit 0) or a usage error (exit 2), not a failed check"
	show_output
fi
"$SKYDD" log consistency "$OLD" "$TOTAL" --data "$I" --json >"$T/cons.json"
check "log consistency $OLD $TOTAL: root1 is the signed root at $OLD" [ "$(jget "$T/cons.json" root1)" = "$OLD_ROOT" ]
check "log consistency $OLD $TOTAL: root2 is the checkpoint root" [ "$(jget "$T/cons.json" root2)" = "$CP_ROOT" ]
"$SKYDD" log consistency 300 "$N1" --data "$I" --json >"$T/cons.json"
python3 - "$T/cons.json" <<'EOF'
import base64, json, sys
p = json.load(open(sys.argv[1]))
h = bytearray(base64.b64decode(p["proof"][-1])); h[31] ^= 0x80
p["proof"][-1] = base64.b64encode(bytes(h)).decode()
json.dump(p, open(sys.argv[1] + ".bad", "w"))
EOF
run vp consistency "$DB" "$T/cons.json.bad"
check "the independent checker rejects a consistency proof with one bit flipped" [ "$RC" -eq 1 ]
for bad in "$TOTAL $N1" "1 $((TOTAL + 1))" "x 5" "5"; do
	# shellcheck disable=SC2086 # the sizes are separate arguments
	run "$SKYDD" log consistency $bad --data "$I"
	check "log consistency $bad: fails (exit $RC) with one line" fails_one_line
done

# ---- checkpoint signatures, checked with openssl ----
# verify_note NOTE VKEY: python splits the note (and checks the key hashes);
# openssl checks the Ed25519 signature with the raw key from verifier.key.
verify_note() {
	rm -rf "$T/n" && mkdir "$T/n" &&
		vp note "$1" "$2" "$T/n" >"$T/n/info" 2>"$T/n/err" &&
		openssl pkeyutl -verify -pubin -inkey "$T/n/pub.der" -keyform DER -rawin \
			-in "$T/n/msg" -sigfile "$T/n/sig" >/dev/null 2>&1
}
run "$SKYDD" checkpoint --data "$I"
cp "$T/out" "$T/note"
check "checkpoint prints the newest stored note" \
	[ "$(cat "$T/note")" = "$(sq "$DB" "SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1")" ]
check "checkpoint --json: note is the text output" [ "$(jget "$T/cp.json" note)" = "$(cat "$T/note")" ]
if verify_note "$T/note" "$I/verifier.key"; then
	ok "the checkpoint's Ed25519 signature verifies with openssl and verifier.key"
else
	not_ok "the checkpoint's Ed25519 signature verifies with openssl and verifier.key"
	diag "$(cat "$T/n/err" 2>/dev/null)"
fi
check "the signed note says origin, size, root: skydd.test/cli $TOTAL $CP_ROOT" \
	[ "$(cat "$T/n/info")" = "skydd.test/cli $TOTAL $CP_ROOT" ]
printf 'skydd.test/cli\n%s\n%s\n' "$((TOTAL + 1))" "$CP_ROOT" >"$T/n/msg"
if openssl pkeyutl -verify -pubin -inkey "$T/n/pub.der" -keyform DER -rawin \
	-in "$T/n/msg" -sigfile "$T/n/sig" >/dev/null 2>&1; then
	not_ok "openssl rejects the signature over an altered note"
else
	ok "openssl rejects the signature over an altered note"
fi

# Every note in checkpoints.log (text paragraph, then signature paragraph).
rm -rf "$T/notes" && mkdir "$T/notes"
awk -v dir="$T/notes" 'BEGIN { RS = "" } NR % 2 { text = $0; next } { f = dir "/" NR / 2; printf "%s\n\n%s\n", text, $0 > f; close(f) }' \
	"$I/checkpoints.log"
nnotes=0
nbad=0
for f in "$T/notes"/*; do
	nnotes=$((nnotes + 1))
	verify_note "$f" "$I/verifier.key" || nbad=$((nbad + 1))
done
check "all $nnotes notes in checkpoints.log verify with openssl ($nbad do not)" \
	all '[ "$nnotes" -eq "$(sq "$DB" "SELECT count(*) FROM checkpoint")" ]' '[ "$nbad" -eq 0 ]'

# ---- verify --json ----
run "$SKYDD" verify --data "$I" --json
if [ "$RC" -eq 0 ] && python3 - "$T/out" "$TOTAL" "$CP_ROOT" <<'EOF'; then
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if r["ok"] is True and r["entries"] == int(sys.argv[2]) and r["root"] == sys.argv[3] else 1)
EOF
	ok "verify --json: ok, $TOTAL entries, the checkpoint root"
else
	not_ok "verify --json: ok, $TOTAL entries, the checkpoint root"
	show_output
fi
cp -R "$I" "$T/bad"
sq "$T/bad/skydd.db" "DROP TRIGGER ledger_no_update; UPDATE ledger SET entry = replace(entry, '\"i\":', '\"j\":') WHERE seq = 77" >/dev/null
run "$SKYDD" verify --data "$T/bad" --json
if [ "$RC" -eq 1 ] && python3 -c 'import json, sys; r = json.load(sys.stdin); sys.exit(0 if r["ok"] is False and r["problem"].startswith("entry 77:") else 1)' <"$T/out"; then
	ok "verify --json on a tampered copy: exit 1, ok false, problem names entry 77"
else
	not_ok "verify --json on a tampered copy: exit 1, ok false, problem names entry 77"
	show_output
fi

# ---- demo ----
# (skydd demo now serves its instance; --setup-only only creates it.)
DEMO=$T/demo
run "$SKYDD" demo --data "$DEMO" --setup-only
if [ "$RC" -eq 0 ] && grep -qF "(verifier key $(cat "$DEMO/verifier.key" 2>/dev/null))" "$T/out"; then
	ok "demo --setup-only: exit 0, prints the instance's verifier key and the logins"
else
	not_ok "demo --setup-only: exit 0, prints the instance's verifier key and the logins"
	show_output
fi
run "$SKYDD" verify --data "$DEMO" --replay --against "$DEMO/checkpoints.log"
expect_rc 0 "verify --replay --against passes on the demo instance"
check "the demo's sample register: 13 persons, 5 approved spaces, 5 documents, 2 media, 3 areas, 4 keys" \
	all '[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM person")" = 13 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM space WHERE status = '"'approved'"'")" = 5 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM key_item")" = 4 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM document")" = 5 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM medium")" = 2 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM area WHERE check_decision_ref <> '"''"'")" = 3 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM area_access WHERE state = '"'active'"'")" = 2 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT group_concat(state) FROM (SELECT state FROM visit ORDER BY id)")" = checked_out,checked_in ]'
check "the demo shows 5 kap. findings: an authorisation without an end, a visit without a permit, a card held by someone who left" \
	[ "$("$SKYDD" check --data "$DEMO" --json 2>/dev/null | python3 -c 'import json,sys; f=json.load(sys.stdin)["findings"]; print(" ".join(sorted({x["rule"] for x in f if x["chapter"] == 5})))')" = "access.decision key.holder.ended visit.no_permit" ]
check "the demo: Eva (first login) has one pending receipt for a K copy" \
	[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM receipt r JOIN person p ON p.id = r.person_id JOIN identity i ON i.id = p.identity_id WHERE i.username = 'eva' AND r.state = 'pending' AND r.class = 'K'")" = 1 ]
check "the demo: the KH container is approved by the head (5 kap. 10 §)" \
	[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM space s JOIN role_grant g ON g.identity_id = s.decided_by AND g.role = 'chief' WHERE s.max_class = 'KH'")" = 1 ]
if [ -f "${SKYDD_SHARED:-../shared}/data/handlingsplan-2021.json" ]; then
	check "the demo imports the national action plan (94 measures)" \
		[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM plan_measure")" = 94 ]
fi
run "$SKYDD" check --data "$DEMO" --json
check "skydd check runs over the demo register (exit 0 or 1, JSON findings)" \
	all '[ "$RC" -le 1 ]' 'python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$T/out"'
check "the demo's personnel security: an approved analysis, 5 positions decided on it, 3 placements, a training plan, an approved vetting with its clearance, 2 exit talks" \
	all '[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM analysis WHERE state = '"'approved'"'")" = 1 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM position WHERE decided_on IS NOT NULL")" = 5 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM placement")" = 3 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM training_course")" -ge 1 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM clearance WHERE basis = '"'vetting'"'")" = 1 ]' \
	'[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM exit_talk")" = 2 ]'
run "$SKYDD" check --data "$DEMO"
check "the demo shows 6 kap. findings: training before access, a registerkontroll to renew, a missing exit talk" \
	all 'grep -q "training.before_access" "$T/out"' 'grep -q "regcheck.renewal.missing" "$T/out"' \
	'grep -q "person.exit_talk.missing" "$T/out"'
run "$SKYDD" demo --data "$T/demo-bare" --setup-only --no-sample
# the people: the logins, and the persons their clearances are decided on (no one else)
check "demo --no-sample: the people only, no register" \
	all '[ "$RC" -eq 0 ]' '[ "$(sq "$T/demo-bare/skydd.db" "SELECT count(*) FROM document")" = 0 ]' \
	'[ "$(sq "$T/demo-bare/skydd.db" "SELECT count(*) FROM person WHERE identity_id IS NULL")" = 0 ]' \
	'[ "$(sq "$T/demo-bare/skydd.db" "SELECT count(*) FROM person")" = "$(sq "$T/demo-bare/skydd.db" "SELECT count(DISTINCT person_id) FROM clearance")" ]'
run "$SKYDD" checkpoint --data "$DEMO"
cp "$T/out" "$T/demo.note"
if verify_note "$T/demo.note" "$DEMO/verifier.key"; then
	ok "the demo instance's checkpoint verifies with openssl"
else
	not_ok "the demo instance's checkpoint verifies with openssl"
	diag "$(cat "$T/n/err" 2>/dev/null)"
fi
before=$(sq "$DEMO/skydd.db" "SELECT count(*) FROM ledger")
run "$SKYDD" demo --data "$DEMO" --setup-only
check "demo --setup-only twice: exit 0, the instance kept as it was" \
	all '[ "$RC" -eq 0 ]' '[ "$(sq "$DEMO/skydd.db" "SELECT count(*) FROM ledger")" = "$before" ]'
run "$SKYDD" verify --data "$DEMO" --replay
expect_rc 0 "verify --replay still passes on the demo instance after the second run"

finish
