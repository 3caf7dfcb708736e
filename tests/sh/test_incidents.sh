#!/bin/sh
# Incidents and the action plan through a real 'skydd serve', the API (curl)
# and the CLI: staff report and see only their own incidents; the ssc handles
# (report to Säkerhetspolisen, damage assessment, measures, investigation,
# close, lesson → deviation); a deviation made from a finding is marked done
# by the rule when the finding disappears; rights (403) and bad input (400
# naming the field, exit 2, nothing written); a reportable incident not
# reported becomes a finding two days later (a server with
# SKYDD_CLOCK_OFFSET); verify --replay.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup python3 sqlite3
AS_URL=yes # the server restarts on another port: the CLI is given --url
YDAY=$(date -u -d yesterday +%F)

# ---- help and usage, no server needed ----
for sub in list show new update report assess measure investigate close lesson; do
	run "$SKYDD" incident "$sub" --help
	checks "incident $sub --help prints its usage" \
		'[ "$RC" -eq 0 ] && grep -q "^usage: skydd incident $sub" "$T/out"'
done
for sub in list show new update status; do
	run "$SKYDD" deviation "$sub" --help
	checks "deviation $sub --help prints its usage" \
		'[ "$RC" -eq 0 ] && grep -q "^usage: skydd deviation $sub" "$T/out"'
done
run "$SKYDD" incident frobnicate
checks "incident frobnicate: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" incident show
checks "incident show without an id: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" incident new --title T --occurred "$TODAY" --documents 1,x
checks "incident new --documents 1,x: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" incident new --reportable maybe
checks "incident new --reportable maybe: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" deviation status 3
checks "deviation status without the status: exit 2, one line" 'rc_one_line 2'

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc) logs in"

new_user stig staff && new_user sten staff && new_user ulla auditor && new_user carl chief &&
	ENROLLED=yes
enrolled "${ENROLLED:-}" "staff, an auditor and the chief are enrolled"

# ---- staff report, and see only their own ----
as stig incident new --title "Okänd person i arkivet" --occurred "$YDAY" --reportable yes \
	--description "Dörren stod öppen" --json
checks "staff reports an incident (CLI): exit 0, id 1" \
	'[ "$RC" -eq 0 ] && [ "$(py "d[\"incident\"][\"id\"]" "$T/out")" = 1 ]'
as stig incident list
checks "staff lists their own report" '[ "$RC" -eq 0 ] && grep -q "Okänd person" "$T/out"'
as sten incident list --json
checks "other staff do not see it" \
	'[ "$RC" -eq 0 ] && [ "$(py "len(d[\"incidents\"])" "$T/out")" = 0 ]'
as sten incident show 1
checks "other staff: show 1 is not found (exit 1, one line)" 'rc_one_line 1'
api GET /api/v1/incidents/1 sten
expect_api 404 '"not_found"' "GET /incidents/1 as other staff: 404"
as stig incident report 1 --date "$TODAY" --ref X
checks "staff may not record the report: exit 1, one line" 'rc_one_line 1'
api POST /api/v1/incidents/1/close stig '{}'
expect_api 403 '"forbidden"' "POST /incidents/1/close as staff: 403"
api GET /api/v1/incidents/1 ulla
expect_api 200 '"Okänd person i arkivet"' "the auditor reads every incident"

# ---- bad input: 400 naming the field, nothing written ----
L0=$(ledger_size)
api POST /api/v1/incidents stig '{"title":"x"}'
expect_api 400 '"field":"occurred_on"' "POST /incidents without occurred_on: 400 naming it"
api POST /api/v1/incidents stig "{\"title\":\"x\",\"occurred_on\":\"$TODAY\",\"copy_ids\":[99]}"
expect_api 400 '"field":"copy_ids"' "POST /incidents with a missing copy: 400 naming copy_ids"
api POST /api/v1/incidents stig "{\"title\":\"x\",\"occurred_on\":\"$TODAY\",\"bogus\":1}"
expect_api 400 'bogus' "POST /incidents with an unknown field: 400"
api POST /api/v1/incidents/1/assessment anna "{\"action\":\"begin\",\"date\":\"$TODAY\"}"
expect_api 400 '"field":"action"' "assessment with action begin: 400 naming action"
api POST /api/v1/deviations anna '{"source":"control"}'
expect_api 400 '"field":"title"' "POST /deviations without a title: 400 naming it"
as anna incident report 1 --date 2999-01-01 --ref X
checks "report in the future: exit 2, one line" 'rc_one_line 2'
checks "nothing was written by the refusals" '[ "$(ledger_size)" = "$L0" ]'

# ---- the ssc handles it (19 §: assessment no later than the report) ----
as anna incident assess 1 start --date "$TODAY"
checks "incident assess 1 start: exit 0" '[ "$RC" -eq 0 ] && grep -Eq "^assessment start +$TODAY" "$T/out"'
as anna incident report 1 --date "$TODAY" --ref "SÄPO-2026-7"
checks "incident report 1: exit 0, recorded" '[ "$RC" -eq 0 ] && grep -q "SÄPO-2026-7" "$T/out"'
as anna incident measure 1 --date "$TODAY" --text "Låset byttes"
checks "incident measure 1: exit 0" '[ "$RC" -eq 0 ] && grep -q "Låset byttes" "$T/out"'
as anna incident assess 1 finish --date "$TODAY" --content "Ingen handling saknas"
expect_rc 0 "incident assess 1 finish"
as anna incident investigate 1 --investigation "Dörren lämnades öppen" --evaluation "Bra hanterat"
expect_rc 0 "incident investigate 1"
as anna incident lesson 1 --title "Dörrlarm" --responsible "Fastighet" --due "$TODAY" --json
checks "incident lesson 1: a deviation (source incident)" \
	'[ "$RC" -eq 0 ] && [ "$(py "d[\"deviation\"][\"source\"] + str(d[\"deviation\"][\"incident_id\"])" "$T/out")" = incident1 ]'
as anna incident close 1
checks "incident close 1: closed" '[ "$RC" -eq 0 ] && grep -Eq "^state +closed" "$T/out"'
as anna incident close 1
checks "closing again: refused, one line" 'rc_one_line 1'
api GET /api/v1/findings anna
checks "no finding about incident 1" '! grep -q "\"incident\",\"id\":1[,}]" "$T/resp"'

# ---- a deviation from a finding, done when the finding disappears ----
as anna incident new --title "Glömd nyckel" --occurred "$TODAY" --json
INC2=$(py 'd["incident"]["id"]' "$T/out")
checks "without --reportable the reportability is not assessed (null), not 'no' (2 kap. 18 §)" \
	'[ "$(py "d[\"incident\"][\"reportable\"] is None" "$T/out")" = True ]'
as anna incident close "$INC2"
checks "an incident whose reportability is unanswered is not closed: exit 1, naming reportable" \
	'rc_one_line 1 && grep -q reportable "$T/err"'
api PATCH "/api/v1/incidents/$INC2" anna '{"reportable":null}'
expect_api 400 '"field":"reportable"' "PATCH reportable null: 400 naming reportable"
api PATCH "/api/v1/incidents/$INC2" anna '{"reportable":false}'
expect_api 200 '"reportable":false' "PATCH reportable false: answered"
as anna incident close "$INC2"
expect_rc 0 "incident $INC2 closed without investigation"
api GET "/api/v1/findings" anna
checks "the finding incident.closed.evaluation names incident/$INC2" \
	'grep -q "incident.closed.evaluation" "$T/resp"'
as anna deviation new --source finding --finding incident.closed.evaluation \
	--object "incident/$INC2" --responsible "Säkerhetsskyddschef" --json
checks "deviation new from the finding: its paragraph and message copied" \
	'[ "$RC" -eq 0 ] && [ "$(py "d[\"deviation\"][\"reference\"]" "$T/out")" = "2 kap. 17 §" ]'
DEV=$(py 'd["deviation"]["id"]' "$T/out")
as anna deviation new --source finding --finding incident.closed.evaluation \
	--object "incident/$INC2"
checks "the same finding twice: refused (exit 1)" 'rc_one_line 1'
api POST /api/v1/deviations anna '{"source":"finding","finding":"incident.report.missing","finding_object":"incident/1"}'
expect_api 400 '"field":"finding"' "a finding that does not exist now: 400 naming finding"
api POST /api/v1/deviations stig '{"source":"other","title":"x"}'
expect_api 403 '"forbidden"' "staff may not add deviations: 403"
api GET /api/v1/deviations ulla
expect_api 200 '"deviations"' "the auditor reads the action plan"
api PATCH "/api/v1/deviations/$DEV" ulla '{"title":"x"}'
expect_api 403 '"forbidden"' "the auditor changes nothing: 403"
as anna deviation status "$DEV" in_progress
checks "deviation status in_progress" '[ "$RC" -eq 0 ] && grep -Eq "^status +in_progress" "$T/out"'
as anna incident investigate "$INC2" --investigation "Nyckeln hittades" --evaluation "OK"
expect_rc 0 "the investigation makes the finding disappear"
# reads write nothing: the measure was marked done by the write that removed its finding
api GET "/api/v1/ledger?limit=1" ulla
SIZE0=$(py 'd["size"]' "$T/resp")
api GET /api/v1/deviations anna
api GET "/api/v1/deviations/$DEV" anna
api GET /api/v1/incidents anna
api GET "/api/v1/incidents/$INC2" anna
api GET "/api/v1/ledger?limit=1" ulla
checks "GET of deviations and incidents leaves the ledger as it was ($SIZE0 entries)" \
	'[ "$(py "d[\"size\"]" "$T/resp")" = "$SIZE0" ]'
as anna deviation list --json
checks "deviation list: the measure is done, resolved by the rule" \
	'[ "$(py "sum(1 for x in d[\"deviations\"] if x[\"id\"] == $DEV and x[\"status\"] == \"done\" and x[\"resolved_by\"] == \"rule\")" "$T/out")" = 1 ]'
as anna deviation show "$DEV" --json
checks "its history ends with deviation.resolved by the rule (actor 0)" \
	'[ "$(py "d[\"history\"][-1][\"kind\"] + str(d[\"history\"][-1][\"actor\"]) + d[\"history\"][-1][\"data\"][\"by\"]" "$T/out")" = deviation.resolved0rule ]'
as anna deviation new --source audit --title "Rutin saknas" --json
DEV2=$(py 'd["deviation"]["id"]' "$T/out")
as anna deviation status "$DEV2" written_off
checks "written off without a reason: exit 2, one line" 'rc_one_line 2'
as anna deviation status "$DEV2" written_off --reason "Ersatt av ny rutin"
checks "written off with the reason" '[ "$RC" -eq 0 ] && grep -Eq "^status +written_off" "$T/out"'
as anna deviation update "$DEV2" --title x
checks "a written-off deviation no longer changes: exit 1" 'rc_one_line 1'

# ---- deadlines: a reportable incident not reported (injected clock) ----
as stig incident new --title "Misstänkt kartläggning" --occurred "$TODAY" --reportable yes --json
INC3=$(py 'd["incident"]["id"]' "$T/out")
api GET "/api/v1/findings?rule=incident.report.missing" anna
checks "reported today: no finding yet" '! grep -q "\"id\":$INC3[,}]" "$T/resp"'
stop_server
if start_server SKYDD_CLOCK_OFFSET=172800; then
	# sessions idle out over two days: log in again with a code for the server's time
	CODE=$(oathtool --totp -b "$SECRET" -N "@$(($(date +%s) + 172800))")
	printf '%s\n' "$PW" >"$T/in"
	run env XDG_CONFIG_HOME="$T/cfg.anna" "$SKYDD" login --url "$URL" --user anna \
		--code "$CODE" <"$T/in"
	expect_rc 0 "anna logs in again two days later"
	api GET "/api/v1/findings?rule=incident.report.missing" anna
	checks "two days later: incident.report.missing names incident/$INC3" \
		'grep -q "incident.report.missing" "$T/resp" && grep -q "\"id\":$INC3[,}]" "$T/resp"'
else
	not_ok "the server restarts with SKYDD_CLOCK_OFFSET"
fi

# ---- the ledger replays to the same tables ----
replay_check "skydd verify --replay: the projections equal the ledger's replay"

finish
