#!/bin/sh
# Per-agency work on a coordinated action plan's yearly report through a real
# 'skydd serve', the CLI and the API: the ssc (anna) makes two users with the
# role agency the contacts of MSB and FRA, gives each agency an assignment
# with a deadline before 1 March, the contacts see their agency's measures and
# the plan but nothing of the registers or another agency's measures, propose
# changes to their own measures only, set their status and approve; a
# coordinator who is also MSB's contact cannot decide their own proposal; the
# report is submitted only when every agency has approved (the refusal names
# them); bad input names the field and writes nothing; verify --replay.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup python3 sqlite3 sha256sum

SEED=${SKYDD_SHARED:-../shared}/data/handlingsplan-2021.json
if [ ! -f "$SEED" ]; then
	not_ok "prerequisite: the seed $SEED is missing"
	finish
fi

# ---- help and usage, no server needed ----
for sub in agencies contact assign status approve propose accept reject; do
	run "$SKYDD" plan "$sub" --help
	help_ok "plan $sub --help prints its usage" "^usage: skydd plan $sub"
done
run "$SKYDD" plan contact 1 --identity 3
checks "plan contact without --agency or --remove: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" plan assign 1 --agency MSB
checks "plan assign without --deadline: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" plan reject 1
checks "plan reject without --reason: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" plan propose 1.1.5
checks "plan propose without a field: exit 2, one line" 'rc_one_line 2'

# ---- an instance, its server, the ssc and the seed ----
init_instance
need_server
login_anna "first login (ssc) with enrolment"
as anna plan import "$SEED"
checks "the seed imports as plan 1" '[ "$RC" -eq 0 ]'

new_user msb agency none
MSB=$UID_OUT
enrolled "$MSB" "msb (role agency) enrols"
new_user fra agency none
FRA=$UID_OUT
enrolled "$FRA" "fra (role agency) enrols"
new_user kim chief none
KIM=$UID_OUT
enrolled "$KIM" "kim (the head) enrols"
as anna grant create --identity "$KIM" --role agency --decision T-2 --from "$TODAY"
checks "kim also holds the role agency" '[ "$RC" -eq 0 ]'

# the per-agency tables, hashed (nothing written = the same hash)
work_hash() {
	db_hash "SELECT * FROM plan_contact ORDER BY 1, 2" \
		"SELECT * FROM plan_assignment ORDER BY 1, 2, 3" \
		"SELECT * FROM plan_proposal ORDER BY 1" "SELECT * FROM plan_measure ORDER BY 1"
}

# ---- contacts ----
as anna plan contact 1 --identity "$MSB" --agency MSB
checks "plan contact: msb is MSB's contact" '[ "$RC" -eq 0 ] && grep -q "MSB" "$T/out"'
as anna plan contact 1 --identity "$FRA" --agency FRA
as anna plan contact 1 --identity "$KIM" --agency MSB
checks "kim is MSB's contact too" '[ "$RC" -eq 0 ]'
H=$(work_hash)
N=$(ledger_size)
api POST /api/v1/plans/1/contacts anna '{"identity_id": 1, "agency": "MSB"}'
expect_api 422 '"field":"identity_id"' "anna cannot make herself a contact: 422 naming identity_id"
api POST /api/v1/plans/1/contacts anna "{\"identity_id\": $MSB, \"agency\": \"Skatteverket\"}"
expect_api 400 '"field":"agency"' "an authority not in the plan: 400 naming agency"
api POST /api/v1/plans/1/contacts anna '{"identity_id": 2, "agency": "MSB"}'
expect_api 400 '"field":"identity_id"' "a user without the role agency (bosse): 400 naming identity_id"
api POST /api/v1/plans/1/contacts anna '{"identity_id": "x", "agency": "MSB"}'
expect_api 400 '"field":"identity_id"' "identity_id not a number: 400 naming it"
api POST /api/v1/plans/1/contacts msb "{\"identity_id\": $FRA, \"agency\": \"MSB\"}"
expect_api 403 'forbidden' "an agency's contact does not name contacts: 403"
checks "the refusals wrote nothing" '[ "$(work_hash)" = "$H" ] && [ "$(ledger_size)" = "$N" ]'

# ---- assignments ----
as anna plan assign 1 --agency MSB --deadline 2022-02-15
checks "plan assign MSB, deadline 2022-02-15" '[ "$RC" -eq 0 ] && grep -q "2022-02-15" "$T/out"'
as anna plan assign 1 --agency FRA --deadline 2022-01-31
H=$(work_hash)
as anna plan assign 1 --agency MSB --deadline 2022-03-01
checks "a deadline on the report's due date: exit 2, one line naming deadline" \
	'rc_one_line 2 && grep -q "deadline" "$T/err"'
api POST /api/v1/plans/1/assignments anna '{"agency": "MSB", "deadline": "2022-13-01"}'
expect_api 400 '"field":"deadline"' "deadline 2022-13-01: 400 naming deadline"
api POST /api/v1/plans/1/assignments msb '{"agency": "MSB", "deadline": "2022-02-01"}'
expect_api 403 'forbidden' "an agency's contact does not assign: 403"
checks "nothing written" '[ "$(work_hash)" = "$H" ]'

# ---- need-to-know: msb sees MSB's measures and the plan, nothing else ----
api GET /api/v1/plans msb
checks "msb lists the plan it is a contact in" \
	'[ "$STATUS" = 200 ] && [ "$(py "[p[\"id\"] for p in d[\"plans\"]]" "$T/resp")" = "[1]" ]'
api GET /api/v1/plans/1/measures msb
checks "msb's measures: all MSB's (responsible or participant), 50 of 94" \
	'[ "$(py "len(d[\"measures\"]), all(\"MSB\" in m[\"responsible\"]+m[\"participants\"] for m in d[\"measures\"])" "$T/resp")" = "50 True" ]'
api GET "/api/v1/plans/1/measures?org=FRA" msb
expect_api 404 'not_found' "msb asking for FRA's measures: 404"
api GET /api/v1/measures/1.1.1 msb
expect_api 404 'not_found' "another agency's measure (1.1.1) does not exist for msb"
api GET /api/v1/measures/1.1.5 msb
expect_api 200 '"number":"1.1.5"' "msb reads its own measure 1.1.5"
api GET /api/v1/plans/1 msb
checks "the plan's tree for msb: only MSB's measures" \
	'[ "$(py "all(\"MSB\" in m[\"responsible\"]+m[\"participants\"] for p in d[\"plan\"][\"strategic_priorities\"] for o in p[\"objectives\"] for m in o[\"measures\"])" "$T/resp")" = True ]'
api GET /api/v1/plans/1/export msb
expect_api 403 'forbidden' "the whole plan file: 403 for msb"
api GET /api/v1/plans/1/report msb
checks "msb's report: MSB's part only" \
	'[ "$STATUS" = 200 ] && [ "$(py "d[\"report\"].get(\"org\")" "$T/resp")" = MSB ]'
api GET /api/v1/plans/1/agencies msb
checks "msb's agencies view: MSB's assignment and contacts only" \
	'[ "$STATUS" = 200 ] && [ "$(py "sorted({a[\"agency\"] for a in d[\"assignments\"]+d[\"contacts\"]})" "$T/resp")" = "['"'"'MSB'"'"']" ]'
for path in /api/v1/persons /api/v1/register /api/v1/ledger /api/v1/identities /api/v1/spaces \
	/api/v1/systems; do
	api GET "$path" msb
	expect_api 403 'forbidden' "msb reads nothing of the registers: GET $path 403"
done
# everyone reports a security-threatening event and sees only their own (2 kap. 15 §)
api GET /api/v1/incidents msb
expect_api 200 '"incidents":\[\]' "msb sees no one else's incidents"

# ---- proposals ----
as msb plan propose 1.1.5 --title "Ny lydelse från MSB" --note "efter översyn"
checks "plan propose 1.1.5 (MSB's) by msb: proposal 1" \
	'[ "$RC" -eq 0 ] && grep -q "proposal 1: open" "$T/out"'
H=$(work_hash)
as msb plan propose 1.1.1 --title "Inte MSB:s"
checks "msb proposing for 1.1.1 (not MSB's): exit 1, one line" 'rc_one_line 1'
as fra plan propose 1.1.5 --title "FRA:s"
checks "fra proposing for 1.1.5 (MSB's, not visible to fra): exit 1" 'rc_one_line 1'
api POST /api/v1/measures/1.1.5/proposals msb '{"changes": {"status": "completed"}}'
expect_api 400 '"field":"changes"' "a change of status is not a proposal: 400 naming changes"
api POST /api/v1/measures/1.1.5/proposals msb '{"changes": {"period_text": "snart"}}'
expect_api 400 '"field":"period_text"' "a period that is none: 400 naming period_text"
api POST /api/v1/measures/1.1.5/proposals msb '{"changes": []}'
expect_api 400 '"field":"changes"' "changes not an object: 400 naming changes"
api POST /api/v1/measures/1.1.5/proposals anna '{"changes": {"title": "x"}}'
expect_api 403 'forbidden' "the ssc does not propose (role agency): 403"
api PATCH /api/v1/measures/1.1.5 anna '{"title": "direkt"}'
expect_api 422 '"field":"measure"' "a direct change with a proposal open: 422 naming measure"
checks "nothing written" '[ "$(work_hash)" = "$H" ]'
as kim plan propose 1.1.9 --period "2019–2023"
checks "kim (head and MSB's contact) proposes for 1.1.9: proposal 2" \
	'[ "$RC" -eq 0 ] && grep -q "proposal 2: open" "$T/out"'
as kim plan accept 2
checks "kim accepting their own proposal: exit 1, one line" \
	'rc_one_line 1 && grep -qi "own" "$T/err"'
as msb plan accept 1
checks "msb accepting (no coordinator role): exit 1" 'rc_one_line 1'
as anna plan accept 2
checks "anna accepts kim's proposal" '[ "$RC" -eq 0 ] && grep -q "accepted" "$T/out"'
api GET /api/v1/measures/1.1.9 anna
expect_api 200 '"period_text":"2019–2023"' "1.1.9 changed by the accepted proposal"
api GET /api/v1/measures/1.1.9/history anna
expect_api 200 '"proposal_id":2' "1.1.9's history names the proposal"
api POST /api/v1/proposals/1/reject kim '{"reason": "   "}'
expect_api 400 '"field":"reason"' "a blank rejection reason: 400 naming reason"
as kim plan reject 1 --reason "Lydelsen ändras i nästa plan"
checks "kim rejects msb's proposal with a reason" '[ "$RC" -eq 0 ] && grep -q "rejected" "$T/out"'
api GET /api/v1/measures/1.1.5/history anna
checks "1.1.5's history has the proposal and its rejection" \
	'[ "$STATUS" = 200 ] && grep -q "plan.proposal.made" "$T/resp" && grep -q "plan.proposal.rejected" "$T/resp"'

# a proposal to close a measure, accepted as a completion
api POST /api/v1/measures/1.1.16/proposals msb '{"changes": {"close": {"status": "completed", "year": 2021}}, "note": "klar"}'
expect_api 201 '"status":"open"' "msb proposes that 1.1.16 is completed in 2021"
CLOSE=$(json_num id "$T/resp")
api POST /api/v1/measures/1.1.15/proposals msb '{"changes": {"close": {"status": "written_off", "year": 2021}}}'
expect_api 400 '"field":"close.reason"' "a write-off proposed without a reason: 400 naming close.reason"
api POST /api/v1/measures/1.1.15/proposals msb '{"changes": {"close": {"status": "completed", "year": 2030}}}'
expect_api 400 '"field":"close.year"' "a year after the reporting year: 400 naming close.year"
as anna plan accept "$CLOSE"
api GET /api/v1/measures/1.1.16 anna
checks "accepted: 1.1.16 is completed in 2021" \
	'[ "$STATUS" = 200 ] && [ "$(py "d[\"measure\"][\"status\"], d[\"measure\"][\"status_year\"]" "$T/resp")" = "completed 2021" ]'

# ---- status, approval, submission ----
as msb plan approve 1 --agency MSB
checks "approve before ready: exit 1, one line" 'rc_one_line 1'
as msb plan status 1 --agency FRA --status ready
checks "msb setting FRA's status: exit 1" 'rc_one_line 1'
api POST /api/v1/plans/1/assignments/status msb '{"agency": "MSB", "status": "done"}'
expect_api 400 '"field":"status"' "status done: 400 naming status"
as msb plan status 1 --agency MSB --status ready
checks "msb: MSB is ready" '[ "$RC" -eq 0 ] && grep -Eq "^MSB +2022-02-15 +ready" "$T/out"'
as msb plan approve 1 --agency MSB
checks "msb approves MSB's part" '[ "$RC" -eq 0 ]'
as anna plan submit 1 --year 2021
checks "submit with FRA not approved: exit 1, naming FRA and not MSB" \
	'rc_one_line 1 && grep -q "FRA" "$T/err" && ! grep -q "MSB" "$T/err"'
api POST /api/v1/plans/1/report/submit anna '{"year": 2021}'
expect_api 422 '"field":"agencies"' "the API's refusal names the field agencies"
as fra plan status 1 --agency FRA --status ready
as fra plan approve 1 --agency FRA
checks "fra approves FRA's part" '[ "$RC" -eq 0 ]'
as anna plan agencies 1
checks "plan agencies: both approved" \
	'[ "$RC" -eq 0 ] && [ "$(grep -Ec "^(FRA|MSB) +[0-9-]+ +ready +20" "$T/out")" = 2 ]'
as anna plan submit 1 --year 2021
checks "then the report is submitted" '[ "$RC" -eq 0 ] && grep -q "submitted the report for 2021" "$T/out"'
as fra plan status 1 --agency FRA --status in_progress
checks "after submission the year is frozen for the agencies: exit 1" 'rc_one_line 1'
as anna plan contact 1 --identity "$FRA" --remove
checks "plan contact --remove ends fra's binding" '[ "$RC" -eq 0 ]'
api GET /api/v1/plans fra
expect_api 200 '"plans":\[\]' "fra, no longer a contact, sees no plan"

stop_server
replay_check "verify --replay: the per-agency tables replay the same"
finish
