#!/bin/sh
# Positions, placements and security training (6 kap. 1–3, 11 §§) through the
# CLI and the API against a running 'skydd serve': a position listed by the
# personnel-security function, its class decided by the head on the approved
# analysis, a person placed (never oneself, never twice at once), the
# position closed only when nobody is placed; a training plan, a session,
# attendance recorded and imported from CSV (and XLSX written by openpyxl);
# the training finding appears and goes; bad input answers 4xx naming the
# field or exits non-zero with one line, and changes nothing; every kind is
# written and 'skydd verify --replay' rebuilds the instance.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 python3
DEBPY=/usr/bin/python3

# ---- help and usage, no server needed ----
run "$SKYDD" position --help
checks "position --help lists its subcommands, exit 0" \
	'[ "$RC" -eq 0 ] && grep -q "^usage: skydd position list" "$T/out" && grep -q "position decide" "$T/out" && grep -q "position close" "$T/out"'
for c in placement training training-session attendance; do
	run "$SKYDD" $c --help
	checks "$c --help prints its usage, exit 0" '[ "$RC" -eq 0 ] && grep -q "^usage: skydd $c list" "$T/out"'
done
run "$SKYDD" placement add --position 1 --person x
expect_one_line 2 "--person must be a number" "placement add --person x: exit 2, one line"
run "$SKYDD" position decide --analysis 1 --decision B
expect_one_line 2 "give the position's number" "position decide without its number: exit 2, one line"

# ---- an instance, its server, the people, an approved analysis ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"
new_user carl chief && CARL=$UID_OUT && new_user petra personnel && PETRA=$UID_OUT &&
	new_user stig staff && STIG=$UID_OUT && new_user ulla auditor && ULLA=$UID_OUT
enrolled "${ULLA:-}" "the head, the personnel function, a staff member and an auditor are enrolled"
: "$CARL" "$STIG"
P_PETRA=$(sq "$I/skydd.db" "SELECT id FROM person WHERE identity_id = $PETRA")
P_STIG=$(sq "$I/skydd.db" "SELECT id FROM person WHERE identity_id = $STIG")
as anna person add --name "Olle Utan Inlogg" --json
P_OLLE=$(json_num id "$T/out")
as anna clearance decide --person "$P_OLLE" --class H --json
checks "the persons of petra and stig, and Olle (cleared for H) without a login" \
	'[ -n "$P_PETRA" ] && [ -n "$P_STIG" ] && [ -n "$P_OLLE" ] && [ "$RC" -eq 0 ]'

api POST /api/v1/analyses anna '{"title":"Säkerhetsskyddsanalys 2026"}'
A1=$(json_num id "$T/resp")
cat >"$T/content.json" <<'JSON'
{"description":"Myndigheten driver ett ledningssystem.",
 "parts":[{"id":1,"name":"Ledningscentralen","categories":["internal_security"]}],
 "assets":[{"id":1,"kind":2,"name":"Serverhall","perspectives":["availability"],"level":"B"}],
 "sapo":{"reference":"SÄPO 2026-17","date":"2026-03-01"},
 "threats":[{"id":1,"description":"Sabotage","asset_ids":[1]}],
 "vulnerabilities":[{"id":1,"description":"Ett enkelt lås","asset_id":1}],
 "measures":[{"id":1,"description":"Inbrottslarm","vulnerability_ids":[1]}]}
JSON
as anna analysis update "$A1" --file "$T/content.json"
as carl analysis approve "$A1"
checks "an approved analysis to decide on" '[ "$RC" -eq 0 ] && grep -q approved "$T/out"'

# ---- positions ----
cli_refused 2 "info_class" "position add in säkerhetsklass without --info-class: exit 2, one line" \
	petra position add --name Driftchef --class sk2
cli_refused 1 "" "position add by staff: refused" stig position add --name X --class vetted
refused_unchanged 400 '"field":"security_class"' "POST /positions with class sk4: 400 naming security_class" \
	POST /api/v1/positions petra '{"name":"X","security_class":"sk4"}'
as petra position add --name Driftchef --unit Drift --class sk2 --info-class H \
	--activity "Drift av det skyddade nätet" --assets "Serverhallen" --json
POS=$(json_num id "$T/out")
checks "position add (personnel): exit 0, an id" '[ "$RC" -eq 0 ] && [ -n "$POS" ]'
as petra position add --name Vaktmästare --class vetted --json
POS2=$(json_num id "$T/out")
checks "a position vetted without class" '[ "$RC" -eq 0 ] && [ -n "$POS2" ]'
api GET /api/v1/positions stig
expect_api 403 '"forbidden"' "staff may not read positions: 403"
api GET /api/v1/positions ulla
expect_api 200 '"Driftchef"' "the auditor reads the positions"
checks "the undecided position is a finding (6 kap. 2 §)" '[ "$(findings position.class.undecided position/$POS)" = 1 ]'

cli_refused 1 "security officer or the head" "position decide by the personnel function: exit 1, one line" \
	petra position decide "$POS" --analysis "$A1" --decision B-1 --by "$PETRA"
cli_refused 1 "approved" "position decide on an analysis that is not approved: exit 1" \
	carl position decide "$POS" --analysis 999 --decision B-1
as carl position decide "$POS" --analysis "$A1" --decision "Beslut HC 2026:1" --json
checks "position decide by the head: exit 0, decided today" \
	'[ "$RC" -eq 0 ] && [ "$(sq "$I/skydd.db" "SELECT decided_on || decided_by FROM position WHERE id = $POS")" = "$TODAY$CARL" ]'
as petra position decide "$POS2" --analysis "$A1" --decision "Beslut HC 2026:2" --by "$CARL" --json
checks "recorded by the personnel function, decided by the head named" '[ "$RC" -eq 0 ]'
checks "the finding went" '[ "$(findings position.class.undecided position/$POS)" = 0 ]'

# ---- placements ----
cli_refused 1 "own login" "placing the person linked to one's own login: exit 1, one line" \
	petra placement add --position "$POS" --person "$P_PETRA"
cli_refused 2 "valid_until" "a temporary placement without its end: exit 2, one line" \
	petra placement add --position "$POS" --person "$P_OLLE" --temporary yes
as petra placement add --position "$POS" --person "$P_OLLE" --decision P-1 --json
PL=$(json_num id "$T/out")
checks "placement add: exit 0, an id" '[ "$RC" -eq 0 ] && [ -n "$PL" ]'
cli_refused 1 "already placed" "the same person twice in the same position: exit 1, one line" \
	anna placement add --position "$POS" --person "$P_OLLE"
as petra placement add --position "$POS2" --person "$P_STIG" --temporary yes \
	--until "$(date -u -d '+30 days' +%F)" --json
PL2=$(json_num id "$T/out")
checks "a temporary placement with its end" '[ "$RC" -eq 0 ] && [ -n "$PL2" ]'
refused_unchanged 400 '"field":"valid_from"' "POST /placements with a bad day: 400 naming valid_from" \
	POST /api/v1/placements petra "{\"position_id\":$POS,\"person_id\":$P_OLLE,\"valid_from\":\"2026-02-30\"}"
refused_unchanged 404 '"field":"person_id"' "POST /placements for a person nobody is: 404 naming person_id" \
	POST /api/v1/placements petra "{\"position_id\":$POS,\"person_id\":9999}"
as anna clearance withdraw "$(sq "$I/skydd.db" "SELECT id FROM clearance WHERE person_id = $P_OLLE")" --reason "Test"
checks "Olle placed without a clearance in force is a finding" \
	'[ "$(findings placement.clearance.missing placement/$PL)" = 1 ]'
as anna clearance decide --person "$P_OLLE" --class H --json
checks "a new decision: the finding went" '[ "$(findings placement.clearance.missing placement/$PL)" = 0 ]'
cli_refused 1 "still placed" "position close while someone is placed: exit 1, one line" \
	petra position close "$POS" --reason "Omorganisation"

# ---- training ----
cli_refused 2 "role" "a course for a role without the role: exit 2, one line" \
	petra training add --name "Registratorer" --content "Diarieföring" --audience role
as petra training add --name "Grundutbildning" --content "Säkerhetsskyddslagen, PMFS, rapportering" \
	--audience logins --refresher 12 --before-access yes --json
COURSE=$(json_num id "$T/out")
checks "training add: a course required before access for every login" '[ "$RC" -eq 0 ] && [ -n "$COURSE" ]'
checks "stig (a login with a clearance) without the training is a finding (6 kap. 1 §)" \
	'[ "$(findings training.before_access person/$P_STIG)" = 1 ]'
as petra training-session add --course "$COURSE" --on "$(date -u -d '-3 days' +%F)" \
	--leader "Anna Lindqvist" --place Aulan --json
S1=$(json_num id "$T/out")
checks "training-session add: exit 0" '[ "$RC" -eq 0 ] && [ -n "$S1" ]'
as petra training-session add --course "$COURSE" --on "$(date -u -d '+30 days' +%F)" --leader X --json
S2=$(json_num id "$T/out")
cli_refused 1 "still to come" "attendance at a session still to come: exit 1, one line" \
	petra attendance add --session "$S2" --person "$P_STIG"
as petra attendance add --session "$S1" --person "$P_PETRA" --json
checks "attendance add: exit 0" '[ "$RC" -eq 0 ]'
cli_refused 1 "already" "the same attendance twice: exit 1, one line" \
	petra attendance add --session "$S1" --person "$P_PETRA"

# an attendance list: CSV, a person by name; a bad row refuses the whole file
printf 'session;person\r\n%s;Olle Utan Inlogg\r\n%s;Ingen Alls\r\n' "$S1" "$S1" >"$T/bad.csv"
_before=$(ledger_size)
as petra attendance import "$T/bad.csv"
checks "an attendance list with an unknown person: exit 1, nothing imported" \
	'[ "$RC" -ne 0 ] && [ "$_before" = "$(ledger_size)" ]'
STIG_NAME=$(sq "$I/skydd.db" "SELECT name FROM person WHERE id = $P_STIG")
printf 'session;person\r\n%s;Olle Utan Inlogg\r\n%s;%s\r\n' "$S1" "$S1" "$STIG_NAME" >"$T/att.csv"
as petra attendance import "$T/att.csv" --dry-run
checks "a dry run writes nothing" '[ "$RC" -eq 0 ] && [ "$_before" = "$(ledger_size)" ]'
as petra attendance import "$T/att.csv"
checks "attendance import CSV: two lines attended" \
	'[ "$RC" -eq 0 ] && [ "$(sq "$I/skydd.db" "SELECT count(*) FROM training_attendance WHERE session_id = $S1 AND state = '"'"'attended'"'"'")" = 3 ]'
checks "stig's finding went" '[ "$(findings training.before_access person/$P_STIG)" = 0 ]'
if "$DEBPY" -c 'import openpyxl' 2>/dev/null; then
	as petra training-session add --course "$COURSE" --on "$TODAY" --leader "Anna Lindqvist" --json
	S3=$(json_num id "$T/out")
	"$DEBPY" - "$T/att.xlsx" "$S3" <<'EOF'
import sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["Session", "Person", "Note"])
ws.append([int(sys.argv[2]), "Olle Utan Inlogg", "Repetition"])
wb.save(sys.argv[1])
EOF
	as petra attendance import "$T/att.xlsx"
	checks "an XLSX list written by openpyxl imports" \
		'[ "$RC" -eq 0 ] && [ "$(sq "$I/skydd.db" "SELECT count(*) FROM training_attendance WHERE session_id = $S3 AND note = '"'"'Repetition'"'"'")" = 1 ]'
else
	not_ok "python3-openpyxl is installed (script/bootstrap)"
fi
cli_refused 1 "attended" "cancelling a session with attendance: exit 1, one line" \
	petra training-session cancel "$S1" --reason Sjuk
as petra training-session cancel "$S2" --reason "Sjuk ledare"
checks "a session nobody attended is cancelled" '[ "$RC" -eq 0 ]'

# ---- every string key the descriptions of these registers name, in Swedish and English ----
api GET /api/v1/registers anna
python3 - "$T/resp" "$(dirname "$0")/../../web/i18n" >"$T/keys.out" 2>&1 <<'EOF'
import glob, json, os, sys
d = json.load(open(sys.argv[1]))
S = {}
for lang in ("sv", "en"):
    S[lang] = {}
    for f in glob.glob(os.path.join(sys.argv[2], lang + "*.json")):
        S[lang].update(json.load(open(f)))
missing = []
mine = {"positions", "placements", "courses", "training_sessions", "attendance"}
regs = [r for r in d["registers"] if r["name"] in mine]
assert len(regs) == 5, [r["name"] for r in d["registers"]]
for r in regs:
    keys = [r.get("label"), r.get("intro")]
    for f in r["fields"]:
        keys.append(f.get("label"))
        if f.get("value_label") and f.get("values"):
            keys += ["%s.%s" % (f["value_label"], v) for v in f["values"]]
    for c in r["commands"]:
        keys += [c.get("label"), c.get("done")]
    for k in filter(None, keys):
        for lang in ("sv", "en"):
            if not isinstance(S[lang].get(k), str) or not S[lang][k]:
                missing.append(lang + " " + k)
print("missing", missing)
EOF
checks "every key of the five descriptions has a Swedish and an English text" 'grep -q "^missing \[\]$" "$T/keys.out"'
grep -q "^missing \[\]$" "$T/keys.out" || diag "$(cat "$T/keys.out")"

# ---- ending and closing ----
as petra placement end "$PL" --reason "Ny tjänst"
checks "placement end: exit 0" '[ "$RC" -eq 0 ]'
as petra position close "$POS" --reason "Omorganisation"
checks "position close once nobody is placed: exit 0" '[ "$RC" -eq 0 ]'

for k in position.added position.decided position.closed placement.added placement.ended \
	course.added training_session.added training_session.cancelled attendance.added; do
	checks "a $k entry is written" \
		'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'"'$k'"'"'")" -ge 1 ]'
done

stop_server
replay_check "skydd verify --replay: the projections equal the ledger's replay"
finish
