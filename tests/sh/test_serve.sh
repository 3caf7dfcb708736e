#!/bin/sh
# skydd serve as an operator starts it: refusals before anything is opened
# (plain http off loopback, a TLS key others can read, --user checks), the
# privilege drop to an unprivileged user (checked from /proc), writes that
# still work after it, and SIGTERM ending with a final signed checkpoint.
set -u
. "$(dirname "$0")/lib.sh"
need_prog curl openssl python3
need_file "$SKYDD"
setup_tmp

D=$T/data
"$SKYDD" init --data "$D" --user anna --json >"$T/init.json" 2>"$T/init.err" ||
	{ not_ok "init"; diag "$(cat "$T/init.err")"; finish; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# Bad options: exit 2, one line, nothing started.
for bad in "--threads 0" "--threads 999" "--session-idle 5" "--session-max 10" \
	"--password-min 3" "--listen 127.0.0.1" "--listen 1.2.3.4.5:80" "--bogus"; do
	# shellcheck disable=SC2086
	run "$SKYDD" serve --data "$D" --listen 127.0.0.1:"$(free_port)" $bad
	rc_one_line 2 && ok "serve $bad: exit 2 with one line" || { not_ok "serve $bad: exit 2 with one line"; show_output; }
done
run "$SKYDD" serve --data "$D"
rc_one_line 2 && ok "serve without --listen: exit 2 with one line" || { not_ok "serve without --listen"; show_output; }
run "$SKYDD" serve --data "$T/nothing-here" --listen 127.0.0.1:"$(free_port)"
rc_one_line 2 && ok "serve on a missing instance: exit 2 with one line" || { not_ok "serve on a missing instance"; show_output; }

# The route table: listed, and its OpenAPI form is the committed document.
run "$SKYDD" routes
check "routes lists the API with roles" grep -q '^POST   /api/v1/grants' "$T/out"
run "$SKYDD" routes --bogus
rc_one_line 2 && ok "routes --bogus: exit 2 with one line" || { not_ok "routes --bogus"; show_output; }
run "$SKYDD" routes --openapi
check "routes --openapi prints docs/api/openapi.yaml exactly" cmp -s "$T/out" docs/api/openapi.yaml

run "$SKYDD" serve --data "$D" --listen 0.0.0.0:"$(free_port)"
expect_fail_msg 2 "TLS" "plain http on a non-loopback address is refused"
check "... with one line on stderr" one_line_stderr

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
chmod 644 "$T/key.pem"
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:"$(free_port)" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
expect_fail_msg 2 "readable by others" "a TLS key readable by others is refused"
chmod 600 "$T/key.pem"
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:1 --tls-cert "$T/cert.pem"
expect_fail_msg 2 "both --tls-cert and --tls-key" "a certificate without its key is refused"

if [ "$(id -u)" -ne 0 ]; then
	ok "privilege drop: skipped, not running as root"
	finish
fi
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:"$(free_port)" --user no-such-user-xyz
expect_fail_msg 2 "no such user" "--user with an unknown user is refused"
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:"$(free_port)" --user root
expect_fail_msg 2 "unprivileged" "--user root is refused"
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:"$(free_port)" --user nobody
expect_fail_msg 2 "must belong to nobody" "--user refuses a data directory owned by someone else"

# The drop itself: the directory belongs to nobody, the server runs as nobody.
chown -R nobody "$D"
chmod 711 "$T"
P=$(free_port)
"$SKYDD" serve --data "$D" --listen "127.0.0.1:$P" --user nobody 2>"$T/serve.err" &
PID=$!
i=0
until curl -sf "http://127.0.0.1:$P/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		not_ok "the server starts with --user nobody"
		diag "$(cat "$T/serve.err")"
		kill "$PID" 2>/dev/null
		finish
	fi
	sleep 0.1
done
ok "the server starts with --user nobody"
NOBODY=$(id -u nobody)
uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$PID/status")
check "every uid of the process is nobody's ($uids)" [ "$uids" = "$NOBODY $NOBODY $NOBODY $NOBODY" ]
nnp=$(awk '/^NoNewPrivs:/ { print $2 }' "/proc/$PID/status")
check "no new privileges can be gained (NoNewPrivs $nnp)" [ "$nnp" = 1 ]
groups=$(awk '/^Groups:/ { print NF - 1 }' "/proc/$PID/status")
check "no supplementary groups are kept" [ "$groups" -eq 0 ]

# Writes still work as nobody: a failed login is a ledger entry.
before=$(sqlite3 "$D/skydd.db" "SELECT count(*) FROM ledger")
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"username":"anna","password":"wrong-password-1"}' "http://127.0.0.1:$P/api/v1/login")
check "a wrong password answers 401 ($code)" [ "$code" = 401 ]
after=$(sqlite3 "$D/skydd.db" "SELECT count(*) FROM ledger")
check "... and is written to the ledger by the unprivileged server ($before -> $after)" [ "$after" -eq $((before + 1)) ]

kill -TERM "$PID"
wait "$PID"
rc=$?
check "SIGTERM: the server exits 0 (exit $rc)" [ "$rc" -eq 0 ]
size=$(sqlite3 "$D/skydd.db" "SELECT max(size) FROM checkpoint")
check "SIGTERM: a final checkpoint covers every entry ($size of $after)" [ "$size" = "$after" ]
run "$SKYDD" verify --data "$D" --replay
expect_rc 0 "the instance verifies after the unprivileged run"
finish
