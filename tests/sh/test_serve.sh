#!/bin/sh
# skydd serve as an operator starts it: refusals before anything is opened
# (plain http off loopback, a TLS key others can read, --user checks), the
# privilege drop to an unprivileged user (checked from /proc), writes that
# still work after it, and SIGTERM ending with a final signed checkpoint.
# Also: slow clients (head and body deadlines, connection caps per address
# and in all, on loopback) and the TLS 1.2 cipher suites offered.
set -u
. "$(dirname "$0")/lib.sh"
need_prog curl openssl python3
need_file "$SKYDD"
setup_tmp

D=$T/data
"$SKYDD" init --data "$D" --user anna --json >"$T/init.json" 2>"$T/init.err" ||
	{ not_ok "init"; diag "$(cat "$T/init.err")"; finish; }

# Bad options: exit 2, one line, nothing started.
for bad in "--threads 0" "--threads 999" "--session-idle 5" "--session-max 10" \
	"--password-min 3" "--listen 127.0.0.1" "--listen 1.2.3.4.5:80" "--bogus" \
	"--max-conns 2" "--max-conns-per-ip 0" "--header-timeout 0" "--body-timeout 9999" \
	"--max-conns x"; do
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

# wait_up URL PID: waits (10 s at most) until URL/healthz answers; false if not.
wait_up() {
	_i=0
	until curl -skf "$1/healthz" >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$2" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
}

# SIGTERM to the server $1 and a check that it exits 0 ("$2 (exit N)").
stop_ok() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
	rc=$?
	check "$2 (exit $rc)" [ "$rc" -eq 0 ]
}

# ---- TLS 1.2: AEAD with forward secrecy only; TLS 1.3 as it is ----
# tls12_handshake refused|accepted: a TLS 1.2 handshake with the server on
# port $P ($kt key) offering only cipher $c is refused, or made with $c.
tls12_handshake() {
	openssl s_client -connect "127.0.0.1:$P" -tls1_2 -cipher "$c" </dev/null >"$T/tls.out" 2>&1
	rc=$?
	if [ "$1" = refused ]; then
		check "TLS 1.2 with $c ($kt key): handshake refused" \
			all '[ "$rc" -ne 0 ]' '! grep -q "Cipher is $c" "$T/tls.out"'
	else
		check "TLS 1.2 with $c ($kt key): handshake accepted" \
			all '[ "$rc" -eq 0 ]' 'grep -q "Cipher is $c" "$T/tls.out"'
	fi
}

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-keyout "$T/rsa.key" -out "$T/rsa.pem" >/dev/null 2>&1
chmod 600 "$T/rsa.key"
for kt in ec rsa; do
	if [ "$kt" = ec ]; then cert=$T/cert.pem key=$T/key.pem; else cert=$T/rsa.pem key=$T/rsa.key; fi
	P=$(free_port)
	"$SKYDD" serve --data "$D" --listen "127.0.0.1:$P" --tls-cert "$cert" --tls-key "$key" 2>"$T/tls.err" &
	TPID=$!
	if ! wait_up "https://127.0.0.1:$P" "$TPID"; then
		not_ok "the TLS server starts with a $kt certificate"
		diag "$(cat "$T/tls.err")"
		kill "$TPID" 2>/dev/null
		continue
	fi
	if [ "$kt" = ec ]; then
		refused="ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES256-SHA ECDHE-ECDSA-AES128-SHA256 ECDHE-ECDSA-AES128-CCM"
		accepted="ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305"
	else
		refused="ECDHE-RSA-AES128-SHA ECDHE-RSA-AES256-SHA AES128-SHA AES128-GCM-SHA256 AES256-GCM-SHA384"
		accepted="ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-CHACHA20-POLY1305"
	fi
	for c in $refused; do
		tls12_handshake refused
	done
	for c in $accepted; do
		tls12_handshake accepted
	done
	openssl s_client -connect "127.0.0.1:$P" -tls1_3 </dev/null >"$T/tls.out" 2>&1
	rc=$?
	check "TLS 1.3 ($kt key): handshake accepted" all '[ "$rc" -eq 0 ]' 'grep -q "TLSv1.3" "$T/tls.out"'
	kill -TERM "$TPID"
	wait "$TPID"
done

# ---- slow clients: deadlines that trickling cannot reset, connection caps ----
# 12 connections from 127.0.0.2 (cap 8 per address), then more from
# 127.0.0.3... up to the cap of 24 in all, each trickling a header byte every
# 0.3 s, and one trickling a body: /healthz from 127.0.0.1 answers at once
# beside the first, waits for a slot when all 24 are taken, and gets one
# when the 2 s head deadline closes the slow ones.
P=$(free_port)
"$SKYDD" serve --data "$D" --listen "127.0.0.1:$P" --max-conns 24 --max-conns-per-ip 8 \
	--header-timeout 2 --body-timeout 2 2>"$T/slow.err" &
SPID=$!
if wait_up "http://127.0.0.1:$P" "$SPID"; then
	python3 "$(dirname "$0")/../tools/slowheaders.py" "$P" 8 24 2 2 >"$T/slow.out" 2>&1
	val() { awk -v k="$1" '$1 == k { print $2 }' "$T/slow.out"; }
	v=$(val kept_per_ip)
	check "8 of 12 trickling connections from one address are kept (--max-conns-per-ip 8): $v" [ "${v:-x}" = 8 ]
	v=$(val healthz_ms)
	check "beside them /healthz from another address answers at once ($v ms)" \
		all '[ "${v:--1}" -ge 0 ]' '[ "$v" -lt 1000 ]'
	v=$(val healthz_full_ms)
	check "with all 24 connections taken /healthz waits for a slot, and gets one when the deadline frees it ($v ms)" \
		all '[ "${v:--1}" -ge 300 ]' '[ "$v" -le 4500 ]'
	v=$(val cut_max_ms)
	check "connections trickling a head are closed by the 2 s head deadline (the longest after $v ms)" \
		all '[ "${v:--1}" -ge 1800 ]' '[ "$v" -le 6500 ]'
	v=$(val body_cut_ms)
	check "a connection trickling a body is closed by the 2 s body deadline ($v ms)" \
		all '[ "${v:--1}" -ge 1800 ]' '[ "$v" -le 6500 ]'
	grep -q '^kept_per_ip' "$T/slow.out" || diag "$(head -c 600 "$T/slow.out")"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$P/healthz")
	check "afterwards /healthz answers 200 ($code)" [ "$code" = 200 ]
else
	not_ok "the server starts with --max-conns, --max-conns-per-ip, --header-timeout, --body-timeout"
	diag "$(cat "$T/slow.err")"
fi
stop_ok "$SPID" "SIGTERM after the slow clients: the server exits 0"

# ---- one writer per instance: the instance lock (DIR/skydd.lock) ----
# While serve runs, a second serve and checkpoint --accept-tail are refused
# at once (exit 1, one line naming the holder's pid); verify, a reader, still
# works and the server still writes. A SIGKILLed server leaves no stale lock.
P=$(free_port)
"$SKYDD" serve --data "$D" --listen "127.0.0.1:$P" 2>"$T/lock.err" &
LPID=$!
if wait_up "http://127.0.0.1:$P" "$LPID"; then
	run timeout 20 "$SKYDD" serve --data "$D" --listen "127.0.0.1:$(free_port)"
	check "a second serve on the same instance is refused: exit 1, one line naming the holder (pid $LPID)" \
		all '[ "$RC" -eq 1 ]' one_line_stderr \
		"grep -q 'serve: refusing to start: the instance $D is in use by another skydd process (pid $LPID)' \"\$T/err\""
	run "$SKYDD" checkpoint --data "$D" --accept-tail
	check "checkpoint --accept-tail while serve runs is refused: exit 1, one line" \
		all '[ "$RC" -eq 1 ]' one_line_stderr "grep -q 'in use by another skydd process (pid $LPID)' \"\$T/err\""
	run "$SKYDD" verify --data "$D"
	expect_rc 0 "verify (read-only) works while serve runs"
	run "$SKYDD" checkpoint --data "$D"
	expect_rc 0 "checkpoint (read-only) works while serve runs"
	before=$(sqlite3 "$D/skydd.db" "SELECT count(*) FROM ledger")
	curl -s -o /dev/null -H 'Content-Type: application/json' \
		-d '{"username":"anna","password":"wrong-password-1"}' "http://127.0.0.1:$P/api/v1/login"
	after=$(sqlite3 "$D/skydd.db" "SELECT count(*) FROM ledger")
	check "... and the running server still writes ($before -> $after entries)" [ "$after" -eq $((before + 1)) ]
	kill -KILL "$LPID"
	wait "$LPID" 2>/dev/null
	P=$(free_port)
	"$SKYDD" serve --data "$D" --listen "127.0.0.1:$P" 2>"$T/lock2.err" &
	LPID=$!
	if wait_up "http://127.0.0.1:$P" "$LPID"; then
		ok "after kill -9 of the server a new serve starts (the kernel released the lock)"
	else
		not_ok "after kill -9 of the server a new serve starts"
		diag "$(cat "$T/lock2.err")"
	fi
	stop_ok "$LPID" "... and stops cleanly"
else
	not_ok "the server starts (one writer per instance)"
	diag "$(cat "$T/lock.err")"
	kill "$LPID" 2>/dev/null
fi
run "$SKYDD" checkpoint --data "$D" --accept-tail
expect_rc 0 "with no server running checkpoint --accept-tail opens the instance"
run "$SKYDD" verify --data "$D"
expect_rc 0 "the instance verifies after the SIGKILL and the restart"

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
# with the security-log receiver: seclog.db is made by root before the drop and given to nobody
"$SKYDD" serve --data "$D" --listen "127.0.0.1:$P" --user nobody --relp 127.0.0.1:0 \
	--seclog-verify 10 2>"$T/serve.err" &
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

owners=$(stat -c %U "$D"/seclog.db "$D"/seclog.db-wal "$D"/seclog.head "$D"/seclog.lock 2>&1 | sort -u | tr '\n' ' ')
check "the security logs' files, made before the drop, belong to nobody ($owners)" [ "$owners" = "nobody " ]
sleep 11 # the first verification of the security logs runs as nobody: it must read them
alerts=$(sqlite3 "$D/skydd.db" "SELECT count(*) FROM log_alert WHERE kind = 'integrity'")
check "the unprivileged server verifies its security logs: no integrity alert ($alerts)" [ "$alerts" = 0 ]
stop_ok "$PID" "SIGTERM: the server exits 0"
size=$(sqlite3 "$D/skydd.db" "SELECT max(size) FROM checkpoint")
check "SIGTERM: a final checkpoint covers every entry ($size of $after)" [ "$size" = "$after" ]
run "$SKYDD" verify --data "$D" --replay
expect_rc 0 "the instance verifies after the unprivileged run"
finish
