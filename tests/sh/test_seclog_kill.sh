#!/bin/sh
# kill -9 of the seclog receiver under RELP load (issue 14, "Tests with real
# peers"): round after round on one growing seclog.db, the receiver
# (tests/tools/seclogrecv, RELP on loopback) takes messages from relpload
# (3 connections, a window of 256 each) and is killed with SIGKILL at a
# random instant (0-400 ms after the round's first acknowledgements), then
# started again. relpload writes the id of every
# message whose "rsp 200" it read to an ack file; the receiver sends that
# answer only after the message's commit. After every kill:
#  - relpload ended because the server died (exit 3), not by finishing;
#  - seclog_verify accepts the log as the kill left it;
# and at the end:
#  - every acknowledged id is stored (seclogids decodes every stored
#    message), none twice: 0 acknowledged messages lost;
#  - skydd verify accepts the instance (registers' ledger and seclog.db).
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
RECV=$BUILD/tools/seclogrecv
RELPLOAD=$BUILD/tools/relpload
SECLOGLOAD=$BUILD/tools/seclogload
SECLOGIDS=$BUILD/tools/seclogids
need_file "$SKYDD" "$RECV" "$RELPLOAD" "$SECLOGLOAD" "$SECLOGIDS"
need_prog sort comm uniq sleep kill sed grep
setup_tmp

ROUNDS=${KILL_ROUNDS:-22}
I=$T/inst
RECV_PID=""
trap 'if [ -n "$RECV_PID" ]; then kill -KILL "$RECV_PID" 2>/dev/null; fi; rm -rf "$T"' EXIT

if ! new_instance "$I"; then
	not_ok "setting up the instance"
	finish
fi

# One source: relpload on loopback, RELP, up to 8 connections.
echo "1 1 10 relp 127.0.0.1 8" >"$T/sources"

# start_recv: starts the receiver on a free port; sets RECV_PID and PORT.
start_recv() {
	: >"$T/recv.out"
	"$RECV" "$I" "$T/sources" --relp 127.0.0.1:0 >"$T/recv.out" 2>"$T/recv.err" &
	RECV_PID=$!
	_i=0
	while ! grep -q '^ready' "$T/recv.out"; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$RECV_PID" 2>/dev/null; then
			diag "seclogrecv: $(head -c 300 "$T/recv.err")"
			return 1
		fi
		sleep 0.05
	done
	PORT=$(sed -n 's/^ready.* relp=\([0-9][0-9]*\).*/\1/p' "$T/recv.out")
	[ -n "$PORT" ]
}

: >"$T/acks"
under_load=0
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	if ! start_recv; then
		not_ok "round $r: the receiver starts on the killed log"
		break
	fi
	before=$(nlines "$T/acks")
	"$RELPLOAD" -n 5000000 -c 3 -w 256 -s 160 -t 20 -r "r$r" -a "$T/acks" \
		"127.0.0.1:$PORT" >"$T/load.out" 2>"$T/load.err" &
	lpid=$!
	# under load: once the first answers of this round are in (a slow,
	# sanitized build must not make a kill before any traffic count), then
	# at a random instant
	_i=0
	while [ "$(nlines "$T/acks")" -le "$before" ] && [ $_i -lt 200 ] &&
		kill -0 "$lpid" 2>/dev/null; do
		sleep 0.05
		_i=$((_i + 1))
	done
	ms=$(rand_between 0 400)
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -KILL "$RECV_PID"
	wait "$RECV_PID" 2>/dev/null
	RECV_PID=""
	wait "$lpid"
	lrc=$?
	nack=$(($(nlines "$T/acks") - before))
	what="round $r (killed ${ms} ms after the first acks, $nack acks)"
	if [ "$lrc" -eq 3 ] && [ "$nack" -gt 0 ]; then
		under_load=$((under_load + 1))
	else
		not_ok "$what: relpload was acknowledged and cut off by the kill"
		diag "relpload exit $lrc: $(cat "$T/load.out" "$T/load.err" | head -c 400)"
	fi
	run "$SECLOGLOAD" verify "$I"
	expect_rc 0 "$what: the seclog verifies as the kill left it"
done

check "the receiver was killed under load at least 20 times ($under_load)" \
	[ "$under_load" -ge 20 ]
run "$SECLOGIDS" "$I"
expect_rc 0 "every stored message decodes"
sort "$T/out" >"$T/stored"
sort "$T/acks" >"$T/acked"
total=$(nlines "$T/acked")
comm -23 "$T/acked" "$T/stored" >"$T/lost"
lost=$(nlines "$T/lost")
if [ "$total" -gt 0 ] && [ "$lost" -eq 0 ]; then
	ok "0 of $total acknowledged messages lost over $under_load kills"
else
	not_ok "0 of $total acknowledged messages lost over $under_load kills"
	diag "$lost lost, e.g. $(head -n 3 "$T/lost" | tr '\n' ' ')"
fi
check "no message is stored twice" [ -z "$(grep -v '^-$' "$T/stored" | uniq -d | head -n 1)" ]
check "the log holds only relpload's messages, each once ($(nlines "$T/stored") stored)" \
	[ "$(grep -c -v '^r[0-9]*-[0-9]*-[0-9]*$' "$T/stored")" -eq 0 ]
# The comparison is not vacuous: an acknowledged id that is not stored is seen.
printf 'r1-0-999999999\n' >>"$T/acked"
sort "$T/acked" -o "$T/acked"
check "the check itself sees an acknowledged id that is not stored" \
	[ "$(comm -23 "$T/acked" "$T/stored" | wc -l)" -eq 1 ]

run "$SKYDD" verify --data "$I"
expect_rc 0 "skydd verify: the registers' ledger and the seclog verify after the kills"
check "skydd verify reports the seclog" grep -q "^OK: seclog.db: [1-9][0-9]* messages" "$T/out"
finish
