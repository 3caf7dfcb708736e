#!/bin/sh
# The security logs end to end through 'skydd serve' (issue 14): a source
# registered for an information system, a monitoring routine and a reader;
# rsyslog (its own config in $T) forwarding over RELP to serve's receiver;
# the messages searchable through the API by the system's reader and by
# nobody else; repeated failed logins raising an alert, a finding on the
# Översikt and an incident; the export proved offline with the verifier
# key; serve killed with SIGKILL and restarted with nothing acknowledged
# lost and 'skydd verify' accepting both logs; a source withdrawn is
# refused from then on, and counted. Bad serve options exit 2 with one line.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 python3 rsyslogd logger timeout
AS_URL=yes # the server restarts on another port: the CLI is given --url
RPID=

cleanup_all() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	reg_cleanup
}
trap cleanup_all EXIT

# ---- bad options: exit 2, one line, before anything starts ----
run "$SKYDD" serve --data "$T/none" --listen 127.0.0.1:0 --syslog-tls 127.0.0.1:0
expect_one_line 2 "need a certificate" "--syslog-tls without a certificate: exit 2, one line"
run "$SKYDD" serve --data "$T/none" --listen 127.0.0.1:0 --syslog-tcp-lf
expect_one_line 2 "needs --syslog-tcp" "--syslog-tcp-lf alone: exit 2, one line"
run "$SKYDD" serve --data "$T/none" --listen 127.0.0.1:0 --seclog-verify 1
expect_one_line 2 "seclog-verify must be" "--seclog-verify 1: exit 2, one line"

init_instance
SERVE_ARGS="--relp 127.0.0.1:0 --seclog-verify 10"
need_server
relp_port() { sed -n 's/^skydd: security logs: .*relp=\([0-9]*\).*/\1/p' "$T/serve.log" | tail -n 1; }
P_RELP=$(relp_port)
checks "serve names its RELP listener's port" '[ -n "$P_RELP" ]'
login_anna "anna (ssc, admin) logs in"
new_user carl chief && new_user dora admin H && DORA=$UID_OUT && new_user stig staff K
enrolled "${DORA:-}" "the head, an administrator cleared for H and a staff member are enrolled"

as anna system add --name Ärendesystemet --class H --json
S_H=$(json_num id "$T/out")
as anna log-source add --name arende-fw --system "$S_H" --transport relp --address 127.0.0.1 --json
SRC=$(json_num id "$T/out")
as anna monitoring add --system "$S_H" --watched "inloggningar och administratörskonton" \
	--responder "IT-driftens jour" --fail-threshold 3 --fail-window 10 --incident yes --json
as anna log-reader grant --system "$S_H" --identity "$DORA" --json
checks "a system (H), its RELP source, routine and reader are recorded" \
	'[ "$RC" -eq 0 ] && [ -n "$SRC" ] && [ -n "$S_H" ]'

# ---- rsyslog: logger -> imtcp -> omrelp -> skydd serve ----
mkdir -p "$T/rs"
cat >"$T/rs.conf" <<EOF
global(workDirectory="$T/rs")
module(load="imtcp")
module(load="omrelp")
input(type="imtcp" port="0" address="127.0.0.1" listenPortFileName="$T/rs.port" ruleset="fwd")
ruleset(name="fwd") {
  action(type="omrelp" target="127.0.0.1" port="$P_RELP" template="RSYSLOG_SyslogProtocol23Format")
}
EOF
rsyslog_start "$T/rs.conf" "$T/rs.port"
checks "rsyslog listens for its local senders" '[ -n "$RS_PORT" ]'
# the receiver reloads sources within seconds of a change: wait until it knows ours
sleep 3
send() { logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$RS_PORT" "$@"; }
send -t backup -p user.info "nattlig säkerhetskopiering klar märke-1"
for n in 1 2 3 4; do
	send -t sshd -p auth.warning "Failed password for root from 192.0.2.7 port 4$n ssh2"
done

# search: what the reader sees (the index catches up after commit)
search() { api GET "/api/v1/seclog/messages?$1" "$2"; }
# found PARAMS N: dora's search for PARAMS gives N messages
found() { search "$1" dora && [ "$(py "len(d['messages'])" "$T/resp" 2>/dev/null)" = "$2" ]; }
wait_until 150 found "q=m%C3%A4rke-1" 1
checks "rsyslog's message arrived and dora, the system's reader, finds it by a word" \
	'[ "$STATUS" = 200 ] && [ "$(py "d[\"messages\"][0][\"app\"]" "$T/resp")" = backup ]'
search "system=$S_H&app=sshd" dora
checks "by system and application: the four failed logins" \
	'[ "$(py "len(d[\"messages\"])" "$T/resp")" = 4 ]'
search "q=root" stig
checks "stig (no right to the system's logs) finds nothing" \
	'[ "$STATUS" = 200 ] && [ "$(py "len(d[\"messages\"])" "$T/resp")" = 0 ]'
search "q=root" anna
checks "anna (ssc, but not given the right) finds nothing either" \
	'[ "$STATUS" = 200 ] && [ "$(py "len(d[\"messages\"])" "$T/resp")" = 0 ]'
search "system=abc" dora
expect_api 400 '"field": *"system"' "a system that is no number: 400 naming the field"

# ---- monitoring: an alert, a finding, an incident ----
open_alerts() { [ "$(sq "$I/skydd.db" "SELECT count(*) FROM log_alert WHERE kind = 'failed_logins' AND status = 'open'")" = 1 ]; }
checks "four failed logins within ten minutes (threshold 3) raise one alert" 'wait_until 100 open_alerts'
checks "the routine asked for an incident: one is reported and linked" \
	'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM log_alert a JOIN incident i ON i.id = a.incident_id")" = 1 ]'
api GET /api/v1/findings anna
checks "the open alert is a finding on the ssc's Översikt" \
	'py "[f[\"rule\"] for f in d[\"findings\"]]" "$T/resp" | grep -q "log_alert.open"'
api GET /api/v1/findings stig
checks "stig does not see it" '[ -s "$T/resp" ] && ! grep -q "log_alert" "$T/resp"'

# ---- export with proofs, verified with the verifier key alone ----
i=0
while [ $i -lt 60 ]; do
	api POST /api/v1/seclog/export dora "{\"system\":$S_H}"
	[ "$STATUS" = 200 ] && break
	sleep 0.5 # the first checkpoint of the security logs may not be signed yet
	i=$((i + 1))
done
cp "$T/resp" "$T/bundle.json"
cp "$I/verifier.key" "$T/verifier.key"
run "$SKYDD" seclog verify-export --key "$T/verifier.key" "$T/bundle.json"
checks "dora's export holds the system's five messages and verifies with the verifier key alone" \
	'[ "$STATUS" = 200 ] && [ "$RC" -eq 0 ] && [ "$(py "len(d[\"messages\"])" "$T/bundle.json")" = 5 ]'
python3 -c "
import json,sys,base64
d=json.load(open(sys.argv[1]))
b=bytearray(base64.b64decode(d['messages'][0]['body'])); b[-1]^=1
d['messages'][0]['body']=base64.b64encode(bytes(b)).decode()
json.dump(d,open(sys.argv[2],'w'))" "$T/bundle.json" "$T/tampered.json"
run "$SKYDD" seclog verify-export --key "$T/verifier.key" "$T/tampered.json"
checks "a byte changed in one message of the export: refused" '[ "$RC" -ne 0 ]'
api GET "/api/v1/seclog/messages/$(py "d[\"messages\"][0][\"index\"]" "$T/bundle.json")" dora
checks "one message, with its inclusion proof" '[ "$STATUS" = 200 ] && [ "$(py "d[\"proof\"] is not None" "$T/resp")" = True ]'


# ---- SIGKILL under way, restart: nothing acknowledged lost, both logs verify ----
for n in 1 2 3 4 5 6 7 8 9 10; do
	send -t app -p user.info "före dödandet nr-$n"
done
wait_until 150 found "q=d%C3%B6dandet" 10
checks "ten more messages arrive" '[ "$(py "len(d[\"messages\"])" "$T/resp")" = 10 ]'
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
run "$SKYDD" verify --data "$I"
checks "after SIGKILL, skydd verify accepts the registers and the security logs" \
	'[ "$RC" -eq 0 ] && grep -qi "seclog\|security log" "$T/out"'
need_server
P_RELP=$(relp_port)
# rsyslog still targets the old port: it was chosen by the kernel; send through a new rsyslog
kill "$RPID" 2>/dev/null
wait "$RPID" 2>/dev/null
sed -i "s/port=\"[0-9]*\" template/port=\"$P_RELP\" template/" "$T/rs.conf"
rsyslog_start "$T/rs.conf" "$T/rs.port"
send -t app -p user.info "efter omstarten"
wait_until 150 found "q=omstarten" 1
checks "after the restart the receiver takes messages again" '[ "$(py "len(d[\"messages\"])" "$T/resp")" = 1 ]'
search "q=d%C3%B6dandet" dora
checks "the ten messages from before the kill are all there" '[ "$(py "len(d[\"messages\"])" "$T/resp")" = 10 ]'

# ---- a withdrawn source is refused from then on, and counted ----
api POST "/api/v1/log_sources/$SRC/withdraw" anna '{}'
checks "the source is withdrawn" '[ "$STATUS" = 200 ]'
sleep 3
send -t app -p user.info "efter återkallelsen"
# and a RELP client of our own that does not wait for rsyslog's retry interval
"$BUILD/tools/relpload" -n 1 -t 5 "127.0.0.1:$P_RELP" >"$T/relpload.out" 2>&1
RL=$?
checks "a RELP client from the withdrawn source's address is refused, nothing acknowledged" \
	'[ "$RL" -ne 0 ] && ! grep -q "acked=1" "$T/relpload.out"'
search "q=%C3%A5terkallelsen" dora
checks "a message from a withdrawn source is not stored" '[ "$(py "len(d[\"messages\"])" "$T/resp")" = 0 ]'
api GET /api/v1/seclog/status anna
checks "the refusal is counted: the ssc sees the refused peer and the source's counters" \
	'[ "$STATUS" = 200 ] && [ "$(py "d[\"refused_peers\"][\"unknown_peer\"] > 0 and d[\"refused_peers\"][\"last_addr\"] == \"127.0.0.1\"" "$T/resp")" = True ] && [ "$(py "[r[\"messages\"] for r in d[\"receiver\"] if r[\"source\"] == $SRC][0] >= 1" "$T/resp")" = True ]'
api GET /api/v1/seclog/status stig
checks "stig sees no counters" '[ "$STATUS" = 200 ] && ! grep -q "refused_peers" "$T/resp" && [ "$(py "len(d[\"receiver\"])" "$T/resp")" = 0 ]'
stop_server
replay_check "verify --replay rebuilds the registers, alerts included"
finish
