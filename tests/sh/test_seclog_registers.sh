#!/bin/sh
# The registers of the security logs (4 kap. 25–31 §§, issue 14) through the
# CLI and the API against a running 'skydd serve': log sources bound to
# information systems by certificate or address, with the retention the
# class gives (10 years, 25 for KH); the monitoring routine per system; who
# may read a system's logs (never oneself, within clearance, a role that
# reads logs); the alerts register read by nobody without a grant; the
# compliance findings for H/KH systems without monitoring or log source
# appear and go. Bad input answers 4xx naming the field or exits non-zero
# with one line, and changes nothing; 'skydd verify --replay' rebuilds it.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 python3

FP="01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"
FP_HEX=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

# ---- help and usage, no server needed ----
for c in log-source monitoring log-reader log-alert; do
	run "$SKYDD" $c --help
	checks "$c --help prints its usage, exit 0" '[ "$RC" -eq 0 ] && grep -q "^usage: skydd $c list" "$T/out"'
done
run "$SKYDD" log-source add --name x --system y --transport tls
expect_one_line 2 "--system must be a number" "log-source add --system y: exit 2, one line"

# ---- an instance, its server, the people, two systems ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"
new_user carl chief && CARL=$UID_OUT && new_user dora admin H && DORA=$UID_OUT &&
	new_user stig staff K && STIG=$UID_OUT
enrolled "${STIG:-}" "the head, an administrator cleared for H and a staff member are enrolled"
as anna system add --name Ledningsnätet --class KH --json
S_KH=$(json_num id "$T/out")
as anna system add --name Ärendesystemet --class H --json
S_H=$(json_num id "$T/out")
checks "two systems: KH and H" '[ -n "$S_KH" ] && [ -n "$S_H" ]'
checks "the H and KH systems are found without monitoring and without a log source" \
	'[ "$(findings system.monitoring.missing system/$S_KH)" = 1 ] && [ "$(findings system.log_source.missing system/$S_H)" = 1 ]'

# ---- log sources ----
as anna log-source add --name led-db1 --system "$S_KH" --transport relp-tls --cert "$FP" --json
L1=$(json_num id "$T/out")
checks "a RELP-TLS source by its certificate (openssl's form kept as 64 lower-case digits)" \
	'[ "$RC" -eq 0 ] && [ -n "$L1" ] && [ "$(sq "$I/skydd.db" "SELECT cert_sha256 FROM log_source WHERE id = $L1")" = "$FP_HEX" ]'
api GET "/api/v1/log_sources/$L1" anna
checks "a KH system's source keeps its logs 25 years" \
	'[ "$STATUS" = 200 ] && [ "$(py "d[\"log_source\"][\"retention\"]" "$T/resp")" = 25 ]'
as anna log-source add --name arende-fw --system "$S_H" --transport tcp --address "::ffff:127.0.0.5" --silent 60 --json
L2=$(json_num id "$T/out")
api GET "/api/v1/log_sources/$L2" anna
checks "a TCP source by its canonical address, kept 10 years" \
	'[ "$STATUS" = 200 ] && [ "$(py "d[\"log_source\"][\"address\"]" "$T/resp")" = 127.0.0.5 ] && [ "$(py "d[\"log_source\"][\"retention\"]" "$T/resp")" = 10 ]'
checks "the H system has its log source now" '[ "$(findings system.log_source.missing system/$S_H)" = 0 ]'
cli_refused 2 "address" "a UDP source with a host name instead of an address is refused" \
	anna log-source add --name x1 --system "$S_H" --transport udp --address fw.example
cli_refused 2 "cert_sha256" "a clear transport with a certificate is refused" \
	anna log-source add --name x1 --system "$S_H" --transport tcp --cert "$FP_HEX"
refused_unchanged 400 '"field":"cert_sha256"' "a TLS source without a certificate: 400 naming cert_sha256" \
	POST /api/v1/log_sources anna "{\"name\":\"x2\",\"system_id\":$S_H,\"transport\":\"tls\"}"
refused_unchanged '4[0-9][0-9]' '"field":"cert_sha256"' "a certificate bound to another active source: refused naming it" \
	POST /api/v1/log_sources anna "{\"name\":\"x3\",\"system_id\":$S_H,\"transport\":\"tls\",\"cert_sha256\":\"$FP_HEX\"}"
refused_unchanged 400 '"field":"retention_years"' "a KH source kept 15 years: 400 naming retention_years" \
	PATCH "/api/v1/log_sources/$L1" anna '{"retention_years":15}'
refused_unchanged 400 '"field":"transport"' "an unknown transport: 400 naming transport" \
	POST /api/v1/log_sources anna "{\"name\":\"x4\",\"system_id\":$S_H,\"transport\":\"smtp\",\"address\":\"127.0.0.9\"}"
refused_unchanged 403 '' "the administrator does not decide log sources: 403" \
	POST /api/v1/log_sources dora "{\"name\":\"x5\",\"system_id\":$S_H,\"transport\":\"udp\",\"address\":\"127.0.0.9\"}"
as dora log-source list --json
checks "the administrator reads the sources (to configure the clients)" '[ "$RC" -eq 0 ] && grep -q arende-fw "$T/out"'

# ---- monitoring ----
cli_refused 2 "privileged_days" "days out of order are refused, naming the field" \
	anna monitoring add --system "$S_KH" --watched "inloggningar" --responder "Jouren" --days fri-mon
as anna monitoring add --system "$S_KH" --watched "inloggningar, administratörskonton" \
	--responder "IT-driftens jour" --privileged "root, Administrator" --hours 07:00-18:00 \
	--days mon-fri --incident yes --json
M1=$(json_num id "$T/out")
checks "a monitoring routine for the KH system (accounts kept as a clean list)" \
	'[ "$RC" -eq 0 ] && [ "$(sq "$I/skydd.db" "SELECT privileged_accounts FROM log_monitoring WHERE id = $M1")" = "root,Administrator" ]'
checks "the KH system is monitored now" '[ "$(findings system.monitoring.missing system/$S_KH)" = 0 ]'
refused_unchanged '4[0-9][0-9]' '"field":"system_id"' "a second active routine for the system: refused naming system_id" \
	POST /api/v1/log_monitoring anna "{\"system_id\":$S_KH,\"watched\":\"allt\",\"responder\":\"SOC\"}"
refused_unchanged 400 '"field":"responder"' "a routine without who responds: 400 naming responder" \
	POST /api/v1/log_monitoring anna "{\"system_id\":$S_H,\"watched\":\"allt\"}"
refused_unchanged 400 '"field":"privileged_hours"' "hours that end before they begin: 400 naming privileged_hours" \
	PATCH "/api/v1/log_monitoring/$M1" anna '{"privileged_hours":"18:00-07:00"}'
as carl monitoring list --json
checks "the head reads the routines" '[ "$RC" -eq 0 ] && grep -q "IT-driftens jour" "$T/out"'

# ---- log readers ----
as anna log-reader grant --system "$S_H" --identity "$DORA" --json
checks "the ssc lets the administrator read the H system's logs" '[ "$RC" -eq 0 ]'
refused_unchanged '4[0-9][0-9]' '"field":"identity_id"' "above the reader's clearance (KH for an H login): refused naming identity_id" \
	POST /api/v1/log_readers anna "{\"system_id\":$S_KH,\"identity_id\":$DORA}"
refused_unchanged 403 '"reason":"log_reader.self"' "nobody grants themselves: 403" \
	POST /api/v1/log_readers anna "{\"system_id\":$S_KH,\"identity_id\":1}"
refused_unchanged '4[0-9][0-9]' '"reason":"log_reader.role"' "a staff member is no log reader: refused" \
	POST /api/v1/log_readers anna "{\"system_id\":$S_H,\"identity_id\":$STIG}"
refused_unchanged 403 '"reason":"log_reader.sod_ssc_decides"' "the head does not grant an administrator: the ssc decides (403)" \
	POST /api/v1/log_readers carl "{\"system_id\":$S_H,\"identity_id\":$DORA}"
as carl user update 1 --clearance KH --json
as carl log-reader grant --system "$S_KH" --identity 1 --json
checks "the head grants the ssc, once the head has cleared her (nobody grants themselves)" '[ "$RC" -eq 0 ]'
cli_refused 2 "reason" "a revocation without a reason is refused" anna log-reader revoke 1

# ---- alerts: raised by the system only, read by the ssc and readers ----
as anna log-alert list --json
checks "no alerts yet; the ssc reads the register" '[ "$RC" -eq 0 ]'
api GET /api/v1/log_alerts stig
checks "a staff member does not read the alerts register (403)" '[ "$STATUS" = 403 ]'
refused_unchanged '40[45]' '' "no route raises an alert by hand" \
	POST /api/v1/log_alerts anna '{"kind":"silent","system_id":1}'

# ---- a change, a withdrawal, replay ----
as anna log-source update "$L1" --silent 30 --json
checks "the source's expected interval is changed" '[ "$RC" -eq 0 ] && grep -q '"'"'"silent_minutes":30'"'"' "$T/out"'
as anna log-source withdraw "$L2" --json
checks "the source is withdrawn; the H system has no log source again" \
	'[ "$RC" -eq 0 ] && [ "$(findings system.log_source.missing system/$S_H)" = 1 ]'
checks "every kind was written once at least" \
	'[ "$(sq "$I/skydd.db" "SELECT count(DISTINCT kind) FROM ledger WHERE kind LIKE '"'"'log_%'"'"'")" -ge 5 ]'
: "$CARL"
stop_server
replay_check "skydd verify --replay: the projections equal the ledger's replay"
finish
