#!/bin/sh
# Crash safety of the seclog store: seclogload (2 writer threads, batches
# of 1..400 messages) is killed with SIGKILL at a random instant, round
# after round on one growing seclog.db. After every kill:
#  - seclog_verify accepts the log as the crash left it;
#  - every message seclogload acknowledged ("ack INDEX NONCE", printed only
#    after its batch committed) is stored at that index with that nonce;
#  - the registers' ledger beside it still verifies (skydd verify).
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
SECLOGLOAD=$BUILD/tools/seclogload
need_file "$SKYDD" "$SECLOGLOAD"
need_prog sqlite3 od awk sleep kill tail sed
setup_tmp

ROUNDS=${CRASH_ROUNDS:-22}
I=$T/inst
DB=$I/seclog.db

if ! new_instance "$I"; then
	not_ok "setting up the instance"
	finish
fi

# ack_check CSV: one query for a round's acks — "missing|wrong nonce|acked twice|acks".
ack_check() {
	sqlite3 -batch -init /dev/null :memory: 2>&1 <<EOF
.bail on
ATTACH '$DB' AS db;
CREATE TABLE acks (idx INTEGER, nonce TEXT);
.import --csv "$1" acks
SELECT count(*) FILTER (WHERE m.idx IS NULL),
       count(*) FILTER (WHERE m.idx IS NOT NULL AND instr(m.body, CAST(a.nonce AS BLOB)) = 0),
       (SELECT count(*) - count(DISTINCT idx) FROM acks),
       (SELECT count(*) FROM acks)
FROM acks a LEFT JOIN db.msg m ON m.idx = a.idx;
EOF
}

total=0
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	ms=$(rand_between 30 700)
	delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
	"$SECLOGLOAD" "$I" 2 >"$T/acks" 2>"$T/load.err" &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	lrc=$?

	# Complete lines only: the kill may cut the last one.
	if [ -s "$T/acks" ] && [ "$(tail -c 1 "$T/acks" | od -An -c | tr -d ' ')" != '\n' ]; then
		sed '$d' "$T/acks" >"$T/acks.full"
	else
		cp "$T/acks" "$T/acks.full"
	fi
	awk '$1 == "ack" && NF == 3 { print $2 "," $3 }' "$T/acks.full" >"$T/acks.csv"
	nack=$(nlines "$T/acks.csv")
	total=$((total + nack))
	what="round $r (killed after ${delay}s, $nack acks)"

	if [ "$lrc" -ne 137 ] || grep -q . "$T/load.err"; then
		not_ok "$what: seclogload ran until the kill"
		diag "exit $lrc: $(head -c 300 "$T/load.err")"
	fi
	run "$SECLOGLOAD" verify "$I"
	expect_rc 0 "$what: the seclog verifies as the crash left it"
	bad=$(ack_check "$T/acks.csv")
	if [ "$bad" = "0|0|0|$nack" ]; then
		ok "$what: every acknowledged message is stored at its index"
	else
		not_ok "$what: every acknowledged message is stored at its index"
		diag "missing|wrong nonce|acked twice|acks: $bad"
	fi
done

check "the rounds acknowledged messages ($total in all)" [ "$total" -gt 0 ]
# The ack check is not vacuous: a missing, a moved and a doubled ack are seen.
i0=$(head -n 1 "$T/acks.csv" | cut -d , -f 1)
n0=$(head -n 1 "$T/acks.csv" | cut -d , -f 2)
printf '%s\n' "$i0,$n0" "$((i0 + 1)),$n0" "999999999,x" "$i0,$n0" >"$T/acks.fake"
check "the ack check itself counts a missing, a wrong and a doubled ack" \
	[ "$(ack_check "$T/acks.fake")" = "1|1|1|4" ]

# The registers' ledger beside it is untouched; skydd verify covers both.
run "$SKYDD" verify --data "$I"
expect_rc 0 "skydd verify: the registers' ledger and the seclog verify"
check "skydd verify reports the seclog" grep -q "^OK: seclog.db: [1-9][0-9]* messages" "$T/out"
# Without seclog.db, skydd verify says what it said before.
if new_instance "$T/plain"; then
	run "$SKYDD" verify --data "$T/plain"
	check "skydd verify without seclog.db: exit 0, one line, no seclog" \
		all '[ "$RC" -eq 0 ]' '[ "$(nlines "$T/out")" -eq 1 ]' '! grep -q seclog "$T/out"'
else
	not_ok "a second instance"
fi

# And tampering after all those crashes is still caught.
sqlite3 "$DB" "DROP TRIGGER msg_cull_only; UPDATE msg SET body = CAST(replace(CAST(body AS TEXT), 'crash', 'crush') AS BLOB) WHERE idx = 3"
run "$SECLOGLOAD" verify "$I"
if [ "$RC" -eq 1 ] && grep -q "message 3: its hash differs" "$T/out"; then
	ok "a message changed after the crashes is caught and named"
else
	not_ok "a message changed after the crashes is caught and named"
	show_output
fi
run "$SKYDD" verify --data "$I"
expect_fail_msg 1 "FAILED: seclog.db: message 3: its hash differs" \
	"skydd verify: the changed message fails the instance (exit 1)"
finish
