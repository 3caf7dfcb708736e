#!/bin/sh
# The security-log monitor survives a restart (issue 14 follow-up): its
# state is derived from the log. A routine with threshold 5 / window 10 min;
# syslog over TCP (logger --octet-count) straight to serve's receiver.
#  - 3 failed logins, kill -9 of serve, a new serve, 2 more: exactly one
#    log_alert.raised in the ledger, with count 5 (the window spans the
#    restart);
#  - the crash case: the registers' writer held by an outside sqlite3 so
#    that serve cannot record the alert of 5 more failed logins (stored,
#    the alert queued), kill -9: nothing recorded; after the restart the
#    replay records it, once; the first alert, handled meanwhile, is not
#    recorded again (its events overlap);
#  - a writer busy past its timeout without a crash: the alert waits in the
#    queue and is recorded once the writer is free;
#  - skydd verify accepts the instance after each kill.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 python3 logger
AS_URL=yes # the server restarts on another port: the CLI is given --url
HOLD_PID=

cleanup_all() {
	[ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null && wait "$HOLD_PID" 2>/dev/null
	reg_cleanup
}
trap cleanup_all EXIT

init_instance
SERVE_ARGS="--syslog-tcp 127.0.0.1:0"
need_server
tcp_port() { sed -n 's/^skydd: security logs: .*syslog-tcp=\([0-9]*\).*/\1/p' "$T/serve.log" | tail -n 1; }
P_TCP=$(tcp_port)
checks "serve names its syslog-tcp listener's port" '[ -n "$P_TCP" ]'
checks "a first start over an empty log resumes over nothing" \
	'grep -q "^skydd: security logs: monitor resumed over 0 messages since 20" "$T/serve.log"'
login_anna "anna (ssc, admin) logs in"

as anna system add --name Lönesystemet --class H --json
S_H=$(json_num id "$T/out")
as anna log-source add --name lon-db --system "$S_H" --transport tcp --address 127.0.0.1 --json
SRC=$(json_num id "$T/out")
as anna monitoring add --system "$S_H" --watched "inloggningar" --responder "IT-driftens jour" \
	--fail-threshold 5 --fail-window 10 --json
checks "a system, its TCP source and a routine (5 failed logins within 10 minutes)" \
	'[ "$RC" -eq 0 ] && [ -n "$SRC" ] && [ -n "$S_H" ]'
sleep 3 # the receiver reloads its sources within seconds of a change

# fail FROM N: N failed logins for root from FROM, straight to serve's receiver
fail() {
	_k=0
	while [ $_k -lt "$2" ]; do
		_k=$((_k + 1))
		logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$P_TCP" -t sshd -p auth.warning \
			"Failed password for root from $1 port 4$_k ssh2"
	done
}
stored() { [ "$(sq "$I/seclog.db" "SELECT count(*) FROM msg")" = "$1" ]; }
alerts() { sq "$I/skydd.db" "SELECT count(*) FROM log_alert WHERE key = 'root@$1'"; }
# hold SECONDS: an outside writer (python3's sqlite3) holds skydd.db's write lock that long, in
# the background as HOLD_PID; "locked" in $T/hold.out once it has it
hold() {
	rm -f "$T/hold.out"
	python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))' "$I/skydd.db" "$1" >"$T/hold.out" 2>&1 &
	HOLD_PID=$!
}
# alerts_are HOST N: N alerts about root@HOST now (for wait_until: read afresh each time)
alerts_are() { [ "$(alerts "$1")" = "$2" ]; }
raised() { sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = 'log_alert.raised'"; }
# kill9: serve killed with SIGKILL; skydd verify must accept what it left
kill9() {
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PIDS=$(echo " $SERVER_PIDS " | sed "s/ $SERVER_PID / /")
	SERVER_PID=
	run "$SKYDD" verify --data "$I"
	checks "$1: skydd verify accepts the registers and the security logs" \
		'[ "$RC" -eq 0 ] && grep -q "seclog.db" "$T/out"'
}
restart() {
	need_server
	P_TCP=$(tcp_port)
}

# ---- 3 before a kill -9, 2 after: one alert of 5 ----
fail 192.0.2.7 3
checks "three failed logins are stored" 'wait_until 100 stored 3'
checks "three are below the threshold: no alert" '[ "$(raised)" = 0 ]'
kill9 "after the first kill"
restart
checks "the new serve says it resumed over the three" \
	'grep -q "^skydd: security logs: monitor resumed over 3 messages since " "$T/serve.log"'
fail 192.0.2.7 2
checks "two more are stored" 'wait_until 100 stored 5'
checks "3 before the restart and 2 after raise the alert" 'wait_until 100 alerts_are 192.0.2.7 1'
sleep 1
checks "exactly one log_alert.raised in the ledger, with count 5" \
	'[ "$(raised)" = 1 ] && [ "$(sq "$I/skydd.db" "SELECT json_extract(entry, '"'"'$.data.count'"'"') FROM ledger WHERE kind = '"'"'log_alert.raised'"'"'")" = 5 ]'
A1=$(sq "$I/skydd.db" "SELECT id FROM log_alert WHERE key = 'root@192.0.2.7'")
checks "its events are the five messages, the three before the kill first" \
	'[ "$(sq "$I/skydd.db" "SELECT first_idx || '"'"'-'"'"' || last_idx || '"'"' '"'"' || count FROM log_alert WHERE id = $A1")" = "0-4 5" ]'
api POST "/api/v1/log_alerts/$A1/handle" anna '{"note":"spärrat i brandväggen"}'
checks "anna handles it" '[ "$STATUS" = 200 ]'

# ---- the crash case: the alert stored in no register when serve dies ----
# An outside writer (python3's sqlite3) holds skydd.db's write lock: serve's recorder waits for it.
hold 60
checks "an outside sqlite3 holds the registers' write lock" 'wait_until 100 grep -qs locked "$T/hold.out"'
before=$(raised)
fail 198.51.100.9 5
checks "five failed logins from another host are stored (acknowledged by the log)" \
	'wait_until 100 stored 10'
sleep 1 # the monitor raised the alert; the recorder waits for the lock
kill9 "after the crash with an alert queued"
kill "$HOLD_PID" 2>/dev/null
wait "$HOLD_PID" 2>/dev/null
HOLD_PID=
checks "the crash lost the alert: nothing was recorded" \
	'[ "$(raised)" = "$before" ] && [ "$(alerts 198.51.100.9)" = 0 ]'
restart
checks "the new serve resumed over the ten messages" \
	'grep -q "^skydd: security logs: monitor resumed over 10 messages since " "$T/serve.log"'
checks "the replay recorded the lost alert and knew the handled one" \
	'grep -q "the replay raised 2 alerts: 1 recorded now, 1 recorded before the stop" "$T/serve.log"'
grep -q "the replay raised 2 alerts" "$T/serve.log" || diag "$(grep "security logs" "$T/serve.log")"
checks "after the restart the lost alert is there, once, with count 5" \
	'[ "$(alerts 198.51.100.9)" = 1 ] && [ "$(sq "$I/skydd.db" "SELECT count FROM log_alert WHERE key = '"'"'root@198.51.100.9'"'"'")" = 5 ]'
checks "the handled alert is not recorded again (its events overlap)" \
	'[ "$(alerts 192.0.2.7)" = 1 ] && [ "$(raised)" = 2 ]'
# and a third start over the same log records nothing new
stop_server
restart
checks "a third start replays again and records nothing twice" \
	'grep -q "^skydd: security logs: monitor resumed over 10 messages" "$T/serve.log" && [ "$(raised)" = 2 ]'

# ---- a busy writer without a crash: the alert waits and is recorded once the writer is free ----
# held for 13 s: longer than the store's busy timeout (10 s), so the first try fails
hold 13
checks "an outside sqlite3 holds the registers' write lock again" 'wait_until 100 grep -qs locked "$T/hold.out"'
before=$(raised)
fail 203.0.113.5 5
checks "five failed logins from a third host are stored" 'wait_until 100 stored 15'
checks "while skydd.db is held, the alert is not recorded" '[ "$(raised)" = "$before" ]'
wait "$HOLD_PID" 2>/dev/null
HOLD_PID=
checks "once the writer is free, the alert is recorded without a restart" \
	'wait_until 150 alerts_are 203.0.113.5 1'
checks "serve said the alert waited for the writer, and then that it was recorded" \
	'grep -q "alerts wait for the registers. writer" "$T/serve.log" && grep -q "the waiting alerts are recorded" "$T/serve.log"'
stop_server
run "$SKYDD" verify --data "$I"
checks "skydd verify accepts the instance at the end" '[ "$RC" -eq 0 ]'
replay_check "verify --replay rebuilds the registers, the replayed alert included"
finish
