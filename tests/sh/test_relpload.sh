#!/bin/sh
# tests/tools/relpload (the RELP load client of the seclog kill test and the
# ingest bench) against a real peer: rsyslog's imrelp, started with its own
# configuration in a temporary directory, writing every message's raw text
# to a file. Proves the client: what it counts as acknowledged is what
# rsyslog received, ids and sizes exact; a server that dies, one that never
# answers and one that speaks no RELP each end it with their own exit
# status; bad options are refused. --syslog-tls against rsyslog's imtcp over
# GnuTLS with a client certificate required: every message arrives whole.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
RELPLOAD=$BUILD/tools/relpload
need_file "$RELPLOAD"
need_prog rsyslogd python3 openssl sort uniq ss sed grep awk
setup_tmp
RS_PID=""
trap 'if [ -n "$RS_PID" ]; then kill -KILL "$RS_PID" 2>/dev/null; fi; rm -rf "$T"' EXIT

# start_rsyslog: imrelp on RELP_PORT and (never answering) imtcp on TCP_PORT,
# every message's raw text to $T/rs/out.log.
start_rsyslog() {
	rm -rf "$T/rs"
	mkdir -p "$T/rs/work"
	RELP_PORT=$(free_port)
	TCP_PORT=$(free_port)
	while [ "$TCP_PORT" = "$RELP_PORT" ]; do
		TCP_PORT=$(free_port)
	done
	cat >"$T/rs/rsyslog.conf" <<EOF
global(workDirectory="$T/rs/work")
module(load="imrelp")
module(load="imtcp")
input(type="imrelp" port="$RELP_PORT" address="127.0.0.1" ruleset="r")
input(type="imtcp" port="$TCP_PORT" address="127.0.0.1" ruleset="r")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="r") {
  action(type="omfile" file="$T/rs/out.log" template="raw")
}
EOF
	rsyslogd -n -f "$T/rs/rsyslog.conf" -i "$T/rs/pid" >"$T/rs/rsyslogd.out" 2>&1 &
	RS_PID=$!
	wait_port "$RELP_PORT" && wait_port "$TCP_PORT"
}

stop_rsyslog() { # SIGNAL
	kill "-$1" "$RS_PID" 2>/dev/null
	wait "$RS_PID" 2>/dev/null
	RS_PID=""
}

if ! start_rsyslog; then
	not_ok "rsyslogd with imrelp starts"
	diag "$(head -c 400 "$T/rs/rsyslogd.out")"
	finish
fi

# Good path: 3 connections, a small window (so answers and sends interleave).
run "$RELPLOAD" -n 3001 -c 3 -w 7 -s 300 -r good -a "$T/acks" "127.0.0.1:$RELP_PORT"
expect_rc 0 "relpload sends 3001 messages to rsyslog's imrelp, all acknowledged"
check "its report counts them" grep -q '^relpload sent=3001 acked=3001 refused=0 ' "$T/out"
stop_rsyslog TERM
sort "$T/acks" >"$T/acked"
sed -n 's/.* id=\([^ ]*\) .*/\1/p' "$T/rs/out.log" | sort >"$T/got"
check "the ack file has 3001 different ids, one a line" \
	all '[ "$(nlines "$T/acked")" -eq 3001 ]' '[ -z "$(uniq -d "$T/acked")" ]' \
	'[ "$(grep -c "^good-[0-2]-[0-9]*$" "$T/acked")" -eq 3001 ]'
check "rsyslog received exactly the acknowledged ids" cmp -s "$T/acked" "$T/got"
check "every message is RFC 5424 of 300 bytes" \
	all '[ "$(grep -c "^<86>1 [0-9T:.-]*Z [^ ]* relpload [0-9]* - - id=" "$T/rs/out.log")" -eq 3001 ]' \
	'[ "$(awk "length(\$0) != 300" "$T/rs/out.log" | wc -l)" -eq 0 ]'
check "the connections shared the messages (1001, 1000, 1000)" \
	all '[ "$(grep -c "^good-0-" "$T/acked")" -eq 1001 ]' '[ "$(grep -c "^good-2-" "$T/acked")" -eq 1000 ]'

# The server dies under load: a clean end (exit 3), only whole ack lines.
start_rsyslog || not_ok "rsyslogd starts again"
# -d: a bounded run ends on time, everything it sent acknowledged.
s0=$(date +%s)
run "$RELPLOAD" -n 100000000 -d 1 -c 2 -r bounded "127.0.0.1:$RELP_PORT"
# shellcheck disable=SC2034 # read by all's eval
took=$(($(date +%s) - s0))
check "relpload -d 1 stops sending after a second, all it sent acknowledged" \
	all '[ "$RC" -eq 0 ]' '[ "$took" -le 3 ]' \
	'grep -Eq "^relpload sent=([1-9][0-9]*) acked=\1 refused=0 " "$T/out"'
: >"$T/acks2"
"$RELPLOAD" -n 100000000 -c 2 -w 64 -r dies -a "$T/acks2" "127.0.0.1:$RELP_PORT" \
	>"$T/out" 2>"$T/err" &
lpid=$!
sleep 0.4
stop_rsyslog KILL
wait "$lpid"
RC=$?
expect_rc 3 "relpload ends with exit 3 when rsyslog is killed under load"
check "it says the connection went away" grep -q "connection [01]: .*acknowledged" "$T/err"
check "the ack file holds only whole ids ($(nlines "$T/acks2"))" \
	all '[ "$(nlines "$T/acks2")" -gt 0 ]' \
	'[ "$(grep -c -v "^dies-[01]-[0-9]*$" "$T/acks2")" -eq 0 ]' \
	'[ "$(tail -c 1 "$T/acks2" | od -An -c | tr -d " ")" = "\\n" ]'

# Nobody listening: exit 3 too (the kill test restarts it).
run "$RELPLOAD" -n 10 "127.0.0.1:$RELP_PORT"
expect_rc 3 "relpload exits 3 when nothing listens"

# A server that never answers (imtcp takes the bytes, says nothing): timeout, exit 1.
start_rsyslog || not_ok "rsyslogd starts a third time"
run "$RELPLOAD" -n 10 -t 1 "127.0.0.1:$TCP_PORT"
expect_fail_msg 1 "went silent" "relpload gives up on a silent server (exit 1)"
stop_rsyslog TERM

# A server that speaks no RELP: a protocol error, exit 1, nothing acknowledged.
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept(); c.recv(4096); c.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n"); c.close()
' >"$T/port" &
ppid=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
: >"$T/acks3"
run "$RELPLOAD" -n 10 -t 5 -a "$T/acks3" "127.0.0.1:$(cat "$T/port")"
wait "$ppid"
expect_fail_msg 1 "malformed RELP frame" "relpload refuses a server that speaks no RELP (exit 1)"
check "nothing is acknowledged from it" [ ! -s "$T/acks3" ]

# --syslog-tls against rsyslog's imtcp with GnuTLS, a client certificate required
# (x509/certvalid): every message arrives, octet-counted, whole.
mkcerts() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=test CA" -keyout "$T/ca.key" -out "$T/ca.pem" >/dev/null 2>&1 || return 1
	for who in server client; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" \
			-addext "subjectAltName=IP:127.0.0.1" -keyout "$T/$who.key" -out "$T/$who.csr" \
			>/dev/null 2>&1 &&
			openssl x509 -req -in "$T/$who.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
				-CAcreateserial -days 2 -copy_extensions copy -out "$T/$who.pem" \
				>/dev/null 2>&1 || return 1
	done
}
if mkcerts; then
	rm -rf "$T/rs"
	mkdir -p "$T/rs/work"
	TLS_PORT=$(free_port)
	cat >"$T/rs/rsyslog.conf" <<EOF
global(workDirectory="$T/rs/work" DefaultNetstreamDriver="gtls"
       DefaultNetstreamDriverCAFile="$T/ca.pem" DefaultNetstreamDriverCertFile="$T/server.pem"
       DefaultNetstreamDriverKeyFile="$T/server.key")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1"
       StreamDriver.AuthMode="x509/certvalid")
input(type="imtcp" port="$TLS_PORT" address="127.0.0.1" ruleset="r")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="r") { action(type="omfile" file="$T/rs/out.log" template="raw") }
EOF
	rsyslogd -n -f "$T/rs/rsyslog.conf" -i "$T/rs/pid" >"$T/rs/rsyslogd.out" 2>&1 &
	RS_PID=$!
	if wait_port "$TLS_PORT"; then
		run "$RELPLOAD" --syslog-tls --cert "$T/client.pem" --key "$T/client.key" \
			--ca "$T/ca.pem" -n 2000 -c 2 -s 250 -r tls "127.0.0.1:$TLS_PORT"
		expect_rc 0 "relpload --syslog-tls sends 2000 messages to rsyslog's imtcp over TLS"
		run "$RELPLOAD" --syslog-tls --ca "$T/ca.pem" -n 20 -r nocert "127.0.0.1:$TLS_PORT"
		sleep 0.5
		stop_rsyslog TERM
		sed -n 's/.* id=\(tls-[01]-[0-9]*\) .*/\1/p' "$T/rs/out.log" | sort -u >"$T/tlsids"
		check "rsyslog stored the 2000, each once, 250 bytes" \
			all '[ "$(nlines "$T/tlsids")" -eq 2000 ]' \
			'[ "$(grep -c "id=tls-" "$T/rs/out.log")" -eq 2000 ]' \
			'[ "$(awk "length(\$0) != 250" "$T/rs/out.log" | wc -l)" -eq 0 ]'
		check "rsyslog refused the sender without a client certificate" \
			all '! grep -q "id=nocert" "$T/rs/out.log"' \
			'grep -q "did not provide a certificate" "$T/rs/rsyslogd.out"'
	else
		not_ok "rsyslogd with imtcp over TLS starts"
		diag "$(head -c 400 "$T/rs/rsyslogd.out")"
		stop_rsyslog KILL
	fi
else
	not_ok "openssl makes the test certificates"
fi

# Bad options: usage, exit 2, nothing sent.
for bad in "-n 0 127.0.0.1:1" "-w 0 127.0.0.1:1" "-s 10 127.0.0.1:1" "-c 65 127.0.0.1:1" \
	"-r a-b 127.0.0.1:1" "127.0.0.1" "--cert x 127.0.0.1:1" "-x 127.0.0.1:1" \
	"--syslog-tls --key k 127.0.0.1:1" "-d 0 127.0.0.1:1"; do
	# shellcheck disable=SC2086
	run "$RELPLOAD" $bad
	expect_fail_msg 2 "^usage: relpload" "relpload $bad: usage, exit 2"
done
finish
