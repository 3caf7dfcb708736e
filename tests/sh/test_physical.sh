#!/bin/sh
# Physical security, 5 kap. 2–4 §§, through a real 'skydd serve' and the CLI
# the definitions make (skydd area, skydd access, skydd visit): the ssc
# registers a building and a zone, the head records the entry-check
# decision, the ssc grants access (never to the person linked to their own
# login); the reception issues a visitor permit, checks the visit in and out,
# chooses the host from GET /api/v1/visits/hosts, and may do nothing else;
# bad input exits non-zero with one line and writes nothing; verify --replay.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup python3 sqlite3
TOMORROW=$(date -u -d tomorrow +%F)
YDAY=$(date -u -d yesterday +%F)

# ---- help and usage, no server needed ----
for g in "area list show add update decide close" "access list show grant change withdraw" \
	"visit list show add update issue checkin checkout cancel"; do
	set -- $g
	grp=$1
	shift
	for sub in "$@"; do
		run "$SKYDD" "$grp" "$sub" --help
		checks "$grp $sub --help prints its usage" \
			'[ "$RC" -eq 0 ] && grep -q "^usage: skydd $grp $sub" "$T/out"'
	done
done
run "$SKYDD" visit checkin --help
checks "visit checkin --help says when a note is needed" 'grep -q "without an issued permit" "$T/out"'
run "$SKYDD" area frobnicate
checks "area frobnicate: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" access withdraw
checks "access withdraw without an id: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" visit add --visitor V --until "$TODAY" --escort maybe
checks "visit add --escort maybe: exit 2, one line" 'rc_one_line 2'

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc) logs in"
new_user rut registrar && new_user carl chief && CARL=$UID_OUT &&
	new_user rita reception none && ENROLLED=yes
enrolled "${ENROLLED:-}" "a registrar, the head and a receptionist are enrolled"
person_of "Anna Säkerhetschef" 1 && P_ANNA=$PID_OUT
person_of "Bo Drift" "" && P_BO=$PID_OUT
checks "the registrar records two persons" '[ -n "${P_ANNA:-}" ] && [ -n "${P_BO:-}" ]'

# ---- areas ----
as anna area add --name Huvudkontoret --kind building --class H --json
checks "the ssc registers a building (exit 0)" \
	'[ "$RC" -eq 0 ] && [ "$(py "d[\"area\"][\"status\"]" "$T/out")" = active ]'
B=$(py 'd["area"]["id"]' "$T/out")
as anna area add --name Serverhallen --kind zone --parent "$B" --json
checks "... and a zone inside it" '[ "$RC" -eq 0 ]'
Z=$(py 'd["area"]["id"]' "$T/out")
N=$(ledger_size)
as anna area add --name "Lös zon" --kind zone
checks "a zone without an area around it: refused, one line" \
	'fails_one_line && grep -q parent "$T/err"'
as anna area update "$B" --parent "$Z"
checks "a building inside its own zone: refused, one line" 'fails_one_line'
as anna area add --name Tornet --kind tower
checks "an unknown kind: refused, one line" 'fails_one_line'
as rita area add --name Disken --kind area
checks "the reception registers no area: refused, one line" 'fails_one_line'
checks "the refusals wrote nothing" '[ "$(ledger_size)" = "$N" ]'
as carl area decide "$B" --method "Passerkort och PIN-kod" --decision "Beslut 2026:4" --json
checks "the head records the entry-check decision (5 kap. 4 §), as its decider" \
	'[ "$RC" -eq 0 ] && [ "$(py "d[\"area\"][\"check_decided_by\"]" "$T/out")" = "$CARL" ]'
as anna area list
checks "the list names both areas" \
	'[ "$RC" -eq 0 ] && grep -q Huvudkontoret "$T/out" && grep -q Serverhallen "$T/out"'

# ---- access authorisations ----
as anna access grant --person "$P_BO" --area "$B" --decision TB-1 --until "$TOMORROW" \
	--reason Driftansvar --json
checks "the ssc grants access (5 kap. 2 §)" '[ "$RC" -eq 0 ]'
A=$(py 'd["area_access"]["id"]' "$T/out")
N=$(ledger_size)
as anna access grant --person "$P_ANNA" --area "$B" --decision TB-2
checks "nobody grants access to themselves: refused, one line" \
	'fails_one_line && grep -qi "own login" "$T/err"'
as anna access grant --person "$P_BO" --area "$B" --from "$TODAY" --until "$YDAY"
checks "until before from: refused, one line" 'fails_one_line'
as anna access grant --person "$P_BO" --area 999
checks "an unknown area: refused, one line" 'fails_one_line'
as rita access list
checks "the reception does not read the authorisations" 'fails_one_line'
as rut access list
checks "nor does the registrar" 'fails_one_line'
checks "the refusals wrote nothing" '[ "$(ledger_size)" = "$N" ]'
as carl access grant --person "$P_ANNA" --area "$Z" --decision TB-3 --until "$TOMORROW"
checks "the head grants the ssc access" '[ "$RC" -eq 0 ]'
api GET "/api/v1/areas/$B" anna
expect_api 200 '"may_enter":\[\{' "the building lists who may enter"

# ---- the reception: hosts, a permit, in and out ----
api GET /api/v1/visits/hosts rita
expect_api 200 '"name":"Bo Drift"' "the reception lists the hosts"
checks "... by number and name only" \
	'! grep -q "unit\|login\|identity" "$T/resp"'
api GET /api/v1/visits/hosts rut
expect_api 403 'error' "the registrar is not offered the hosts"
api GET /api/v1/persons rita
expect_api 403 'error' "the reception does not read the persons register"
as rita visit add --visitor "Vera Besök" --organisation "Leverantören AB" --until "$TOMORROW" \
	--purpose "Service av larmet" --json
checks "the reception registers a visit" \
	'[ "$RC" -eq 0 ] && [ "$(py "d[\"visit\"][\"state\"]" "$T/out")" = requested ]'
V=$(py 'd["visit"]["id"]' "$T/out")
N=$(ledger_size)
as rita visit issue "$V" --host "$P_BO" --escort yes
checks "a permit without areas: refused, one line" 'fails_one_line'
as rita visit checkin "$V"
checks "a check-in without a permit and no note: refused, one line" 'fails_one_line'
checks "the refusals wrote nothing" '[ "$(ledger_size)" = "$N" ]'
# the generic CLI sends no lists of ids yet (src/cli/register.c): the areas by the API
api POST "/api/v1/visits/$V/issue" rita "{\"host_id\":$P_BO,\"area_ids\":[$B,$Z],\"escort\":true,\"id_check\":\"Pass\",\"badge\":\"B-17\"}"
expect_api 200 '"issued_by":"rita"' "the reception issues the permit, as its issuer"
checks "... for both areas" '[ "$(py "len(d[\"visit\"][\"areas\"])" "$T/resp")" = 2 ]'
as rita visit checkin "$V" --json
checks "... checks the visitor in" \
	'[ "$RC" -eq 0 ] && [ "$(py "d[\"visit\"][\"state\"]" "$T/out")" = checked_in ]'
as rita visit checkout "$V" --json
checks "... and out" \
	'[ "$RC" -eq 0 ] && [ "$(py "d[\"visit\"][\"state\"]" "$T/out")" = checked_out ]'
as anna area close "$B"
checks "the building cannot close while zones and authorisations are open" 'fails_one_line'

# ---- replay ----
stop_server
replay_check "verify --replay rebuilds areas, authorisations and visits"
finish
