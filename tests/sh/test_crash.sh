#!/bin/sh
# Crash safety: loadgen (4 writer threads) is killed with SIGKILL at a random
# instant, round after round on one growing instance. After every kill:
#  - `skydd verify` accepts the database as the crash left it (exit 0);
#  - every entry loadgen acknowledged ("ack SEQ NONCE") is there, with that
#    seq and that nonce (no acknowledged write is lost or moved);
#  - the checkpoints.log copied at the start of the round, and the one the
#    crash left in the instance, both verify with --against.
# Then crash states too rare to hit by chance are built by hand.
# Last, 'skydd serve' is stopped with SIGTERM (and killed with SIGKILL) under
# HTTP write load from httpload: no committed write may go unanswered on
# SIGTERM, no answered write may be lost on either.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
HTTPLOAD=$BUILD/tools/httpload
reg_setup sqlite3 od awk sleep kill tail python3
need_file "$LOADGEN" "$HTTPLOAD"

ROUNDS=${CRASH_ROUNDS:-25}
TERM_ROUNDS=${TERM_ROUNDS:-6}
I=$T/crash
DB=$I/skydd.db
START=$(date +%s)

if ! new_instance "$I"; then
	not_ok "setting up the instance"
	finish
fi

# ack_check CSV: one query for a round's acks (seq,nonce lines) — prints
# "missing|wrong nonce|acked twice|acks".
ack_check() {
	sqlite3 -batch -init /dev/null :memory: 2>&1 <<EOF
.bail on
ATTACH '$DB' AS db;
CREATE TABLE acks (seq INTEGER, nonce TEXT);
.import --csv "$1" acks
SELECT count(*) FILTER (WHERE l.seq IS NULL),
       count(*) FILTER (WHERE l.seq IS NOT NULL AND json_extract(l.entry, '\$.data.nonce') IS NOT a.nonce),
       (SELECT count(*) - count(DISTINCT seq) FROM acks),
       (SELECT count(*) FROM acks)
FROM acks a LEFT JOIN db.ledger l ON l.seq = a.seq;
EOF
}

total_acks=0
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	cp "$I/checkpoints.log" "$T/outside"
	ms=$(rand_between 50 600)
	delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
	half=$(printf '%d.%03d' $((ms / 2000)) $((ms / 2 % 1000)))
	"$LOADGEN" "$I" 4 100000000 >"$T/acks" 2>"$T/loadgen.err" &
	pid=$!
	# Halfway, a verify against the live checkpoints.log while loadgen writes.
	sleep "$half"
	"$SKYDD" verify --data "$I" --against "$I/checkpoints.log" >"$T/live.out" 2>"$T/live.err"
	live_rc=$?
	sleep "$half"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	lg_rc=$?

	# The acknowledged entries: complete lines only (the kill may cut the last).
	if [ -s "$T/acks" ] && [ "$(tail -c 1 "$T/acks" | od -An -c | tr -d ' ')" != '\n' ]; then
		sed '$d' "$T/acks" >"$T/acks.full"
	else
		cp "$T/acks" "$T/acks.full"
	fi
	awk '$1 == "ack" && NF == 3 { print $2 "," $3 }' "$T/acks.full" >"$T/acks.csv"
	nack=$(nlines "$T/acks.csv")
	total_acks=$((total_acks + nack))
	size=$(sq "$DB" "SELECT count(*) FROM ledger")
	what="round $r (killed after ${delay}s, $nack acks, $size entries)"

	if [ "$lg_rc" -ne 137 ] || grep -q . "$T/loadgen.err"; then
		not_ok "$what: loadgen ran until the kill"
		diag "loadgen exit $lg_rc: $(head -c 300 "$T/loadgen.err")"
	fi

	if [ "$live_rc" -eq 0 ]; then
		ok "$what: verify --against the live checkpoints.log while loadgen wrote"
	else
		not_ok "$what: verify --against the live checkpoints.log while loadgen wrote (exit $live_rc)"
		diag "$(cat "$T/live.err")"
	fi

	run "$SKYDD" verify --data "$I"
	expect_rc 0 "$what: verify accepts the crashed database"

	bad=$(ack_check "$T/acks.csv")
	if [ "$bad" = "0|0|0|$nack" ]; then
		ok "$what: every acknowledged entry is stored with its nonce"
	else
		not_ok "$what: every acknowledged entry is stored with its nonce"
		diag "missing|wrong nonce|acked twice|acks: $bad"
	fi

	run "$SKYDD" verify --data "$I" --against "$T/outside"
	expect_rc 0 "$what: verify --against the checkpoints.log copied before the round"
	run "$SKYDD" verify --data "$I" --against "$I/checkpoints.log"
	expect_rc 0 "$what: verify --against the checkpoints.log the crash left"
done

check "the rounds acknowledged entries ($total_acks in all)" [ "$total_acks" -gt 0 ]
# The ack check is not vacuous: a lost, a moved and a doubled ack are seen.
s1=$(sq "$DB" "SELECT min(seq) FROM ledger WHERE kind = 'test.load'")
n1=$(sq "$DB" "SELECT json_extract(entry, '\$.data.nonce') FROM ledger WHERE seq = $s1")
printf '%s\n' "$s1,$n1" "$((s1 + 1)),$n1" "999999999,x" "$s1,$n1" >"$T/acks.fake"
check "the ack check itself counts a missing, a wrong and a doubled ack" \
	[ "$(ack_check "$T/acks.fake")" = "1|1|1|4" ]
run "$SKYDD" verify --data "$I" --replay
expect_rc 0 "after $ROUNDS crashes: verify --replay passes"

# ---- verify while a writer runs ----
# The writer commits a checkpoint, then appends it to checkpoints.log: a
# verify --against the live log must never see a note its snapshot lacks.
"$LOADGEN" "$I" 4 100000000 >/dev/null 2>&1 &
pid=$!
sleep 0.2
n=0
nfail=0
: >"$T/live.err.all"
while [ "$n" -lt 15 ]; do
	n=$((n + 1))
	if ! "$SKYDD" verify --data "$I" --against "$I/checkpoints.log" >/dev/null 2>"$T/live.err"; then
		nfail=$((nfail + 1))
		cat "$T/live.err" >>"$T/live.err.all"
	fi
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ "$nfail" -eq 0 ]; then
	ok "15 x verify --against the live checkpoints.log during load: all pass"
else
	not_ok "15 x verify --against the live checkpoints.log during load: $nfail failed"
	diag "$(head -n 3 "$T/live.err.all")"
fi

# ---- crash states built by hand ----

# A kill between writing a note to checkpoints.log and writing the blank
# line after it: the next run appends its note right after the signature.
awk 'BEGIN { dropped = 0 } !dropped && NR > 1 && $0 == "" && prev ~ /^\342\200\224 / { dropped = 1; prev = $0; next } { print; prev = $0 }' \
	"$I/checkpoints.log" >"$T/cplog.nosep"
if cmp -s "$I/checkpoints.log" "$T/cplog.nosep"; then
	not_ok "building a checkpoints.log without one separator"
else
	run "$SKYDD" verify --data "$I" --against "$T/cplog.nosep"
	expect_rc 0 "verify --against a checkpoints.log missing one note separator (kill between the two writes)"
fi

# The crash-left WAL and its index: verify still reads the newest entries
# when the -shm file is gone (as after a reboot) and leaves the data alone.
"$LOADGEN" "$I" 4 100000000 >"$T/acks" 2>/dev/null &
pid=$!
sleep 0.3
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -f "$DB-shm"
run "$SKYDD" verify --data "$I"
expect_rc 0 "verify accepts a crashed database whose -shm file is gone"

# ---- SIGTERM and SIGKILL of 'skydd serve' under HTTP write load ----
# httpload creates persons named by a nonce from 16 keep-alive connections
# and prints "ans STATUS NONCE" for every answer. Committed: the nonces in
# the ledger. A committed nonce without a 2xx answer is committed but
# unanswered: its client was told nothing and, retrying, makes a duplicate.
# SIGTERM must leave none; SIGKILL cannot help leaving some, but must lose
# no answered write.

# nonce_check PREFIX FILE: "committed|answered 2xx|committed unanswered|answered lost"
# for the nonces starting PREFIX- in the ledger of $I and httpload's FILE.
nonce_check() {
	awk '$1 == "ans" && $2 ~ /^2/ { print $3 }' "$2" >"$T/answered.csv"
	sqlite3 -batch -init /dev/null :memory: 2>&1 <<EOF
.bail on
ATTACH '$I/skydd.db' AS db;
CREATE TABLE answered (nonce TEXT);
.import --csv "$T/answered.csv" answered
CREATE TABLE committed AS SELECT json_extract(entry, '\$.data.name') AS nonce FROM db.ledger
 WHERE kind = 'person.created' AND json_extract(entry, '\$.data.name') LIKE '$1-%';
SELECT (SELECT count(*) FROM committed), (SELECT count(*) FROM answered),
       (SELECT count(*) FROM committed WHERE nonce NOT IN (SELECT nonce FROM answered)),
       (SELECT count(*) FROM answered WHERE nonce NOT IN (SELECT nonce FROM committed));
EOF
}

# stop_by SIGNAL: sends SIGNAL to the server and waits; its exit status in SRV_RC.
stop_by() {
	kill "-$1" "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SRV_RC=$?
	SERVER_PIDS=$(echo " $SERVER_PIDS " | sed "s/ $SERVER_PID / /")
	SERVER_PID=""
}

# http_round SIGNAL N: one round of load stopped by SIGNAL; sets WHAT, CU
# (committed but unanswered) and SRV_RC.
http_round() {
	if ! start_server; then
		not_ok "$1 round $2: the server starts"
		diag "$(tail -n 5 "$T/serve.log")"
		return 1
	fi
	"$HTTPLOAD" "$PORT" "$TOK" "${HTTP_CONNS:-16}" 30 "$1-$2" "${HTTP_THINK_MS:-0}" >"$T/http.$1.$2" 2>"$T/http.err" &
	_lpid=$!
	_ms=$(rand_between 300 1500)
	sleep "$(printf '%d.%03d' $((_ms / 1000)) $((_ms % 1000)))"
	stop_by "$1"
	wait "$_lpid"
	_res=$(nonce_check "$1-$2" "$T/http.$1.$2")
	_noans=$(grep -c '^noans' "$T/http.$1.$2")
	_n503=$(grep -c '^ans 503' "$T/http.$1.$2")
	IFS='|' read -r _committed _answered CU _lost <<EOF
$_res
EOF
	WHAT="$1 round $2 (after $_ms ms: $_committed committed, $_answered answered 2xx, $_n503 refused with 503, $_noans without an answer)"
	check "$WHAT: writes reached the ledger" [ "${_committed:-0}" -gt 0 ]
	if [ "$_lost" = 0 ]; then
		ok "$WHAT: no answered write is lost"
	else
		not_ok "$WHAT: no answered write is lost"
		diag "committed|answered|committed unanswered|answered lost: $_res"
	fi
}

init_instance
need_server
login_anna "anna logs in for the HTTP load"
TOK=$(sed -n 's/.*"token": *"\([^"]*\)".*/\1/p' "$T/cfg.anna/skydd/session")
stop_server
r=0
while [ "$r" -lt "$TERM_ROUNDS" ]; do
	r=$((r + 1))
	http_round TERM "$r" || break
	check "$WHAT: the server exits 0 (exit $SRV_RC)" [ "$SRV_RC" -eq 0 ]
	if [ "$CU" = 0 ]; then
		ok "$WHAT: every committed write was answered"
	else
		not_ok "$WHAT: every committed write was answered ($CU committed but unanswered)"
	fi
done
# A write whose body is still arriving at SIGTERM and that, let through to
# the writer, would commit only after the server's 10 s drain (another
# process holds the database lock meanwhile): refused with 503 and not
# committed, or committed and answered; never committed without an answer.
if start_server; then
	st=$(python3 "$(dirname "$0")/../tools/stop_midbody.py" "$PORT" "$TOK" "$I/skydd.db" \
		"$SERVER_PID" midbody-1 2>"$T/midbody.err")
	stop_by TERM
	n=$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = 'person.created' AND json_extract(entry, '\$.data.name') = 'midbody-1'")
	what="a write mid-body at SIGTERM (answer $st, committed $n times)"
	check "$what: the server exits 0 (exit $SRV_RC)" [ "$SRV_RC" -eq 0 ]
	check "$what: refused before the writer, or committed and answered" \
		all '[ "$n" = 0 ] || echo "$st" | grep -q "^2"' '[ "$n" -le 1 ]'
	check "$what: the client got an answer" [ "$st" != noans ]
	[ -s "$T/midbody.err" ] && diag "$(head -c 300 "$T/midbody.err")"
else
	not_ok "the server starts for the mid-body SIGTERM"
fi
# The check is not vacuous: an answer taken away is counted.
grep '^ans 2' "$T/http.TERM.1" | sed 1d >"$T/http.fake"
check "the check itself counts a committed write without an answer" \
	[ "$(nonce_check TERM-1 "$T/http.fake" | cut -d '|' -f 3)" = 1 ]
r=0
while [ "$r" -lt 2 ]; do
	r=$((r + 1))
	http_round KILL "$r" || break
	diag "$WHAT: $CU committed but unanswered (unavoidable on SIGKILL)"
done
run "$SKYDD" verify --data "$I"
expect_rc 0 "the HTTP instance verifies after the stops and kills"

diag "runtime $(($(date +%s) - START)) s, $ROUNDS rounds"
finish
