#!/bin/sh
# Personnel security end to end (6 kap. with 3 kap. PMFS 2022:1) against a
# running 'skydd serve':
# - one truth for clearance: an H copy is refused to a person without a login
#   and without a clearance, and to one cleared for K; a decision makes it
#   possible; a login's clearance is its person's;
# - culling proved on the files: the interview notes are readable by the
#   personnel-security function before culling; after 'skydd person cull'
#   neither the notes nor the person's (sealed) key are in the database file,
#   its WAL or a backup made afterwards with sqlite3's own .backup (another
#   implementation reading the pages), while a backup made before still holds
#   the key (the documented limit); 'skydd verify --replay' passes;
# - the personnel-security function reads the findings of 6 kap. only, and
#   the head sees no vetting finding.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 od

NOTE='Intervju-HEMLIGT-spelskuld-9K'

# has_bytes FILE HEX: does FILE hold the bytes HEX (lower-case, no spaces)?
has_bytes() {
	[ -f "$1" ] || return 1
	od -An -v -tx1 "$1" | tr -d ' \n' | grep -q "$2"
}

init_instance
need_server
login_anna "anna (ssc, admin) logs in"
new_user petra personnel H && PETRA=$UID_OUT && new_user rut registrar KH && RUT=$UID_OUT &&
	new_user david chief KH && DAVID=$UID_OUT
enrolled "${DAVID:-}" "the personnel-security function, a registrar and the head are enrolled"

# ---- clearance: one truth ----
person_of "Nils Ny" "" none && P_NILS=$PID_OUT
api POST /api/v1/spaces anna '{"kind":"container","name":"Skåp H","max_class":"H","decision_ref":"S-1"}'
S_H=$(json_num id "$T/resp")
api POST /api/v1/documents rut '{"title":"Hemlig plan","class":"H","form":"physical","pages":2}'
DOC=$(json_num id "$T/resp")
checks "a person without a login, a container and an H document" \
	'[ -n "$P_NILS" ] && [ -n "$S_H" ] && [ -n "$DOC" ]'
N0=$(ledger_size)
api POST "/api/v1/documents/$DOC/access" rut "{\"person_ids\":[$P_NILS]}"
checks "Nils on the H document's need-to-know list without a clearance: 422 naming person_ids, nothing written" \
	'[ "$STATUS" = 422 ] && grep -q "\"field\":\"person_ids\"" "$T/resp" && grep -q "document.class_above_clearance" "$T/resp" && [ "$(ledger_size)" = "$N0" ]'
as anna clearance decide --person "$P_NILS" --class K --decision "B-K" --json
checks "clearance decide --class K (ssc): exit 0" '[ "$RC" -eq 0 ]'
api POST "/api/v1/documents/$DOC/access" rut "{\"person_ids\":[$P_NILS]}"
checks "cleared for K only: still refused for H" '[ "$STATUS" = 422 ]'
as petra clearance decide --person "$P_NILS" --class H --decision "B-H" --json
CL_H=$(json_num id "$T/out")
api POST "/api/v1/documents/$DOC/access" rut "{\"person_ids\":[$P_NILS]}"
checks "cleared for H by the personnel-security function: he goes on the list" '[ "$STATUS" = 200 ]'
as anna clearance withdraw "$CL_H" --reason "Uppdraget avslutat" --json
N0=$(ledger_size)
api POST "/api/v1/documents/$DOC/copies" rut "{\"holder_id\":$P_NILS}"
checks "the H decision withdrawn: an H copy to him is refused naming holder_id, nothing written" \
	'[ "$STATUS" = 422 ] && grep -q "\"field\":\"holder_id\"" "$T/resp" && [ "$(ledger_size)" = "$N0" ]'
as anna clearance decide --person "$P_NILS" --class H --decision "B-H2"
api POST "/api/v1/documents/$DOC/copies" rut "{\"holder_id\":$P_NILS}"
checks "cleared for H again: the copy is issued" '[ "$STATUS" = 200 ] || [ "$STATUS" = 201 ]'
P_PETRA=$(sq "$I/skydd.db" "SELECT id FROM person WHERE identity_id = $PETRA")
as petra clearance decide --person "$P_PETRA" --class KH
expect_one_line 1 "own login|själv" "petra deciding her own clearance: exit 1, one line"
api GET "/api/v1/identities/$PETRA" anna
checks "petra's login shows her person's clearance (H)" \
	'[ "$STATUS" = 200 ] && grep -q "\"clearance\":\"H\"" "$T/resp"'

# ---- culling, proved on the files ----
person_of "Gunnar Gallras" "" none && P_G=$PID_OUT
as petra vetting start --person "$P_G" --json
V=$(json_num id "$T/out")
as petra vetting interview "$V" --on "$TODAY" --interviewer "Petra" --loyalty yes \
	--reliability yes --vulnerability yes --concluded yes --notes "$NOTE" --json
checks "the interview's notes are shown to the personnel-security function" \
	'[ "$RC" -eq 0 ] && grep -q "$NOTE" "$T/out"'
KEY=$(sq "$I/skydd.db" "SELECT lower(hex(key)) FROM person_key WHERE person_id = $P_G")
checks "the person has a (sealed) key of 72 bytes" '[ "${#KEY}" -eq 144 ]'
sqlite3 "$I/skydd.db" ".backup '$T/before.db'" 2>"$T/sq.err"
checks "a backup before culling holds the key (the documented limit: cull old backups too)" \
	'has_bytes "$T/before.db" "$KEY"'
checks "the notes are nowhere in plain text, before culling either (database, WAL, backup)" \
	'! grep -qa "$NOTE" "$I/skydd.db" && ! grep -qa "$NOTE" "$I/skydd.db-wal" && ! grep -qa "$NOTE" "$T/before.db"'
as rut person cull "$P_G" --decision "Gallring 2026:1"
expect_one_line 1 "." "the registrar culling: exit 1, one line"
as petra person cull "$P_G" --decision "Gallring 2026:1" --json
checks "person cull (personnel): exit 0, the day recorded" \
	'[ "$RC" -eq 0 ] && grep -q "\"culled_on\": *\"$TODAY\"" "$T/out"'
sqlite3 "$I/skydd.db" ".backup '$T/after.db'" 2>"$T/sq.err"
checks "after culling the key is not in the database file" '! has_bytes "$I/skydd.db" "$KEY"'
checks "... nor in its WAL" '! has_bytes "$I/skydd.db-wal" "$KEY"'
checks "... nor in a backup made afterwards (sqlite3 .backup)" \
	'[ -s "$T/after.db" ] && ! has_bytes "$T/after.db" "$KEY"'
as petra vetting show "$V" --json
checks "the notes read as culled" '[ "$RC" -eq 0 ] && grep -q "\"culled\": *true" "$T/out" && ! grep -q "$NOTE" "$T/out"'
as petra person cull "$P_G" --decision "Gallring 2026:2"
expect_one_line 1 "." "culling twice: exit 1, one line"

# ---- findings: the personnel-security function sees 6 kap. only ----
# a finding of 6 kap.: Ebba ended without an exit talk (6 §)
person_of "Ebba Ende" "" none && P_EBBA=$PID_OUT
as rut person end "$P_EBBA"
api GET /api/v1/findings petra
checks "petra reads findings: only 6 kap., and only 6 kap. in the status" \
	'[ "$STATUS" = 200 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"findings\"], d; assert all(f[\"ref\"].startswith(\"6 kap.\") for f in d[\"findings\"]), d; assert [c[\"chapter\"] for c in d[\"chapters\"]] == [6], d[\"chapters\"]" "$T/resp"'
api GET "/api/v1/findings?ref=3" petra
checks "petra asking for 3 kap.: 403 naming ref" '[ "$STATUS" = 403 ] && grep -q "\"field\":\"ref\"" "$T/resp"'
api GET /api/v1/findings david
checks "the head reads findings of every chapter, but no vetting or registerkontroll finding" \
	'[ "$STATUS" = 200 ] && ! grep -q "\"rule\":\"vetting\.\|\"rule\":\"regcheck\." "$T/resp"'
api GET /api/v1/trend petra
checks "petra reads no trend (counts of every chapter): 403" '[ "$STATUS" = 403 ]'

stop_server
run "$SKYDD" verify --data "$I" --replay
expect_rc 0 "verify --replay passes after the culling"
finish
