#!/bin/sh
# The security protection analysis (PMFS 2022:1 2 kap. 1–13 §§) through a
# real 'skydd serve', the API and the CLI: a draft written by the ssc, bad
# input refused naming the JSON path, approval refused for the ssc (403) and
# while parts are missing (422), approved by the head, frozen afterwards,
# revised into a new draft, the report and the hand-over (an
# analysis.exported entry with to whom), the deadlines, the security plan
# approved by the ssc once every item has a due date and a responsible
# function, a special assessment, the 2 kap. findings, the auditor reading
# but not writing, and 'skydd verify --replay' at the end.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup

# ---- help and usage, no server needed ----
for sub in list show new update submit return approve revise report export deadlines; do
	run "$SKYDD" analysis "$sub" --help
	check "analysis $sub --help prints the usage, exit 0" all '[ "$RC" -eq 0 ]' \
		'grep -q "^usage: skydd analysis" "$T/out"'
done
for sub in list show new update approve; do
	run "$SKYDD" analysis plan "$sub" --help
	check "analysis plan $sub --help, exit 0" all '[ "$RC" -eq 0 ]' \
		'grep -q "^usage: skydd analysis plan" "$T/out"'
	run "$SKYDD" assessment "$sub" --help
	check "assessment $sub --help, exit 0" all '[ "$RC" -eq 0 ]' \
		'grep -q "^usage: skydd assessment" "$T/out"'
done
run "$SKYDD" analysis frobnicate
expect_one_line 2 "frobnicate" "analysis with an unknown subcommand: exit 2, one line"
run "$SKYDD" analysis show
expect_one_line 2 "give the id" "analysis show without an id: exit 2, one line"
run "$SKYDD" analysis new
expect_one_line 2 "title" "analysis new without --title: exit 2, one line"
run "$SKYDD" analysis export 1
expect_one_line 2 "recipient" "analysis export without --recipient: exit 2, one line"
run "$SKYDD" analysis plan update 1 --due 2027-01-01
expect_one_line 2 "measure" "analysis plan update --due without --measure: exit 2, one line"
run "$SKYDD" assessment new --title X
expect_one_line 2 "kind" "assessment new without --kind/--ref: exit 2, one line"

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"

new_user carl chief && CARL=$UID_OUT && new_user ulla auditor && ULLA=$UID_OUT &&
	new_user stig staff && STIG=$UID_OUT
enrolled "${STIG:-}" "the chief, an auditor and a staff member are enrolled"
: "$CARL" "$ULLA"

# ---- the analysis: a draft ----
api POST /api/v1/analyses anna '{"title":"Säkerhetsskyddsanalys 2026"}'
expect_api 201 '"state":"draft"' "POST /analyses (ssc): 201, a draft version 1"
A1=$(json_num id "$T/resp")
api POST /api/v1/analyses stig '{"title":"X"}'
expect_api 403 '"forbidden"' "staff may not write an analysis: 403"
api POST /api/v1/analyses ulla '{"title":"X"}'
expect_api 403 '"forbidden"' "the auditor may not write an analysis: 403"
api GET /api/v1/analyses stig
expect_api 403 '"forbidden"' "staff may not read analyses: 403"
api GET "/api/v1/analyses/$A1" ulla
expect_api 200 '"missing":\[\{' "the auditor reads the draft, with what is missing"
api PATCH "/api/v1/analyses/$A1" anna '{"assets":[{"id":1,"kind":4,"name":"x","perspectives":[]}]}'
expect_api 400 '"field":"assets\[0\]\.kind"' "an asset of kind 4: 400 naming assets[0].kind"
api PATCH "/api/v1/analyses/$A1" anna '{"threats":[{"id":1,"description":"t","asset_ids":[7]}]}'
expect_api 400 '"field":"threats\[0\]\.asset_ids\[0\]"' "a threat on a missing asset: 400 naming the path"
api PATCH "/api/v1/analyses/$A1" anna '{"colour":"red"}'
expect_api 400 'colour' "an unknown field: 400"
api POST "/api/v1/analyses/$A1/approve" carl
expect_api 422 '"field":"description"' "approval of an incomplete draft: 422 naming what is missing"

cat >"$T/content.json" <<'JSON'
{"description":"Myndigheten driver ett ledningssystem för räddningstjänst.",
 "parts":[{"id":1,"name":"Ledningscentralen","categories":["internal_security","critical_activity"]}],
 "assets":[{"id":1,"kind":2,"name":"Serverhall","perspectives":["availability","integrity"],"level":"B"},
           {"id":2,"kind":1,"name":"Beredskapsplaner","perspectives":["confidentiality"],"class":"H"}],
 "sapo":{"reference":"SÄPO 2026-17","date":"2026-03-01"},
 "threats":[{"id":1,"description":"Sabotage","asset_ids":[1,2]}],
 "vulnerabilities":[{"id":1,"description":"Ett enkelt lås","asset_id":1},
                    {"id":2,"description":"Insiderhot","asset_id":2}],
 "measures":[{"id":1,"description":"Inbrottslarm","vulnerability_ids":[1]},
             {"id":2,"description":"Behörighetskontroll","vulnerability_ids":[2]}]}
JSON
as anna analysis update "$A1" --file "$T/content.json"
check "analysis update --file (ssc): exit 0" all '[ "$RC" -eq 0 ]' 'grep -q "draft" "$T/out"'
as anna analysis show "$A1"
check "analysis show: the assets and no missing part" all '[ "$RC" -eq 0 ]' \
	'grep -q "Serverhall" "$T/out"' '! grep -q "Missing" "$T/out"'
as anna analysis approve "$A1"
expect_one_line 1 "roles|head" "analysis approve by the ssc: exit 1, one line (the head approves)"
api POST "/api/v1/analyses/$A1/approve" anna
expect_api 403 '"forbidden"' "POST …/approve by the ssc: 403"
api GET "/api/v1/analyses/$A1/report" anna
expect_api 422 '"rule"' "the report of a draft: 422"
as carl analysis approve "$A1"
check "analysis approve by the head: exit 0, approved" all '[ "$RC" -eq 0 ]' \
	'grep -q "approved" "$T/out"'
api GET "/api/v1/analyses/$A1" ulla
DUE=$(json_str next_review_due "$T/resp")
checks "approved: next_review_due is two years after approved_on" \
	'[ "$DUE" = "$(date -u -d "$TODAY +2 years" +%F)" ]'
api PATCH "/api/v1/analyses/$A1" anna '{"description":"Ändrad"}'
expect_api 422 'frozen' "a change of the approved version: 422 (frozen)"
as anna analysis update "$A1" --description "Ändrad"
expect_one_line 1 "frozen" "analysis update of the approved version: exit 1, one line"

# ---- report, hand-over, deadlines ----
as ulla analysis report "$A1"
check "analysis report (auditor): the matrix" all '[ "$RC" -eq 0 ]' 'grep -Eq "^Serverhall +- +x +x" "$T/out"'
api POST "/api/v1/analyses/$A1/export" ulla '{"recipient":"Tillsynsmyndigheten"}'
expect_api 403 '"forbidden"' "the auditor does not hand the analysis over: 403"
as anna analysis export "$A1" --recipient "Tillsynsmyndigheten" --reason "begäran 2026/12" \
	--output "$T/export.json"
check "analysis export --output: exit 0, the report's JSON" all '[ "$RC" -eq 0 ]' \
	'grep -q "\"matrix\"" "$T/export.json"'
api GET "/api/v1/ledger?kind=analysis.exported" anna
check "the hand-over is a ledger entry with to whom" all '[ "$STATUS" = 200 ]' \
	'grep -q "Tillsynsmyndigheten" "$T/resp"'
as anna analysis deadlines --json
check "analysis deadlines: the review, due in two years" all '[ "$RC" -eq 0 ]' \
	'grep -q "analysis.review" "$T/out"' 'grep -q "$DUE" "$T/out"'

# ---- revise ----
as anna analysis revise "$A1"
check "analysis revise: a new draft" all '[ "$RC" -eq 0 ]' 'grep -q "draft" "$T/out"'
A2=$(sed -n 's/^\([0-9]*\) draft$/\1/p' "$T/out")
api POST "/api/v1/analyses/$A1/revise" anna
expect_api 409 '"conflict"' "a second revise while a draft exists: 409"
api GET "/api/v1/analyses/$A2" anna
expect_api 200 '"version":2' "the revision is version 2, a copy"

# ---- the security plan ----
api POST /api/v1/security-plans anna "{\"analysis_id\":$A2}"
expect_api 422 '12 §' "a plan from a draft: 422 citing 12 §"
as anna analysis plan new --analysis "$A1"
check "analysis plan new (from the approved version): exit 0" all '[ "$RC" -eq 0 ]'
P1=$(sed -n 's/^\([0-9]*\) draft$/\1/p' "$T/out")
as anna analysis plan approve "$P1"
expect_one_line 1 "items\[0\]\.due" "plan approve with items lacking a due date: exit 1, naming the item"
as anna analysis plan update "$P1" --measure 1 --due 2027-01-31 --responsible "Säkerhetsenheten"
check "plan update of measure 1: exit 0" all '[ "$RC" -eq 0 ]'
api PATCH "/api/v1/security-plans/$P1" anna '{"items":[{"measure_id":2,"due":"2027-13-01"}]}'
expect_api 400 '"field":"items\[0\]\.due"' "a bad due date: 400 naming items[0].due"
api PATCH "/api/v1/security-plans/$P1" anna '{"items":[{"measure_id":2,"due":"2027-06-30","responsible":"IT"}]}'
expect_api 200 '"state":"draft"' "PATCH the second item: 200"
api POST "/api/v1/security-plans/$P1/approve" carl
expect_api 422 '20 §' "the head does not approve the plan while there is an ssc: 422 citing 20 §"
as anna analysis plan approve "$P1"
check "analysis plan approve (ssc): exit 0" all '[ "$RC" -eq 0 ]' 'grep -q approved "$T/out"'
as ulla analysis plan show "$P1"
check "the auditor reads the plan" all '[ "$RC" -eq 0 ]' 'grep -q "2027-06-30" "$T/out"'

# ---- a special assessment ----
as anna assessment new --title "Utkontraktering av drift" --kind outsourcing --ref "Avtal 2026-5"
check "assessment new: exit 0" all '[ "$RC" -eq 0 ]'
S1=$(sed -n 's/^\([0-9]*\) draft$/\1/p' "$T/out")
as anna assessment approve "$S1"
expect_one_line 1 "affected" "assessment approve with missing parts: exit 1, naming them"
cat >"$T/as.json" <<'JSON'
{"affected":[{"asset_id":1,"how":"driften flyttas till leverantören"}],
 "threats":[{"description":"Insider hos leverantören"}],
 "vulnerabilities":[{"description":"Fjärråtkomst","change":"ökar"}],
 "measures":[{"description":"Säkerhetsskyddsavtal"}]}
JSON
as anna assessment update "$S1" --file "$T/as.json"
check "assessment update --file: exit 0" all '[ "$RC" -eq 0 ]'
api PATCH "/api/v1/assessments/$S1" anna '{"affected":[{"asset_id":9,"how":"x"}]}'
expect_api 422 'affected\[0\]\.asset_id' "an affected asset not in the analysis: 422"
as anna assessment approve "$S1"
check "assessment approve (ssc): exit 0" all '[ "$RC" -eq 0 ]' 'grep -q approved "$T/out"'
as ulla assessment list
check "assessment list (auditor)" all '[ "$RC" -eq 0 ]' 'grep -q "outsourcing" "$T/out"'

# ---- the 2 kap. findings ----
api GET "/api/v1/findings" anna
check "findings: the revised draft is incomplete-free, no 2 kap. approval finding for v1" all \
	'[ "$STATUS" = 200 ]' '! grep -q "analysis.approver" "$T/resp"' \
	'! grep -q "secplan.unapproved" "$T/resp"' '! grep -q "assessment.unapproved" "$T/resp"'
api PATCH "/api/v1/analyses/$A2" anna '{"vulnerabilities":[{"id":1,"description":"Lås","asset_id":1},{"id":2,"description":"Insider","asset_id":2},{"id":3,"description":"Ny"}]}'
api GET "/api/v1/findings" anna
check "findings: a vulnerability without a measure (2 kap. 9 §)" all '[ "$STATUS" = 200 ]' \
	'grep -q "analysis.vulnerability.measure" "$T/resp"'

# ---- issue 15: sent to the head, sent back with a reason, the class ----
as anna analysis submit "$A2"
expect_one_line 1 "9 §" "submit of an incomplete draft (a vulnerability without a measure): exit 1, one line"
api PATCH "/api/v1/analyses/$A2" anna '{"measures":[{"id":1,"description":"Larm","vulnerability_ids":[1,3]},{"id":2,"description":"Kontroll","vulnerability_ids":[2]}]}'
expect_api 200 '"missing":\[\]' "the draft is complete again"
as carl analysis submit "$A2"
expect_one_line 1 "roles|ssc|säkerhetsskyddschef" "submit by the head: exit 1, one line (the ssc sends)"
api GET /api/v1/me/todo carl
check "the head's Att göra: nothing to approve before it is sent" all '[ "$STATUS" = 200 ]' \
	'! grep -q "analysis_approve" "$T/resp"'
as anna analysis submit "$A2"
check "analysis submit (ssc): exit 0" all '[ "$RC" -eq 0 ]' 'grep -q "draft" "$T/out"'
api GET /api/v1/me/todo carl
expect_api 200 '\{"count":1,"kind":"analysis_approve"\}' "the head's Att göra: one analysis to approve"
api PATCH "/api/v1/analyses/$A2" anna '{"description":"Ändrad i smyg"}'
expect_api 422 'analysis.submitted' "a sent draft is frozen: 422"
as anna analysis submit "$A2"
expect_one_line 1 "already" "a second submit: exit 1, one line"
as carl analysis return "$A2"
expect_one_line 2 "reason" "analysis return without --reason: exit 2, one line"
api POST "/api/v1/analyses/$A2/return" carl '{"reason":""}'
expect_api 400 '"field":"reason"' "a return with an empty reason: 400 naming reason"
api POST "/api/v1/analyses/$A2/return" anna '{"reason":"x"}'
expect_api 403 '"forbidden"' "the ssc does not send it back: 403"
as carl analysis return "$A2" --reason "Beskriv hoten mot ledningscentralen"
check "analysis return by the head: exit 0" all '[ "$RC" -eq 0 ]'
as anna analysis show "$A2"
check "analysis show: sent back, by whom and why" all '[ "$RC" -eq 0 ]' \
	'grep -q "Beskriv hoten mot ledningscentralen" "$T/out"' 'grep -q "^sent back by" "$T/out"'
api GET /api/v1/me/todo anna
expect_api 200 '\{"count":1,"kind":"analysis_returned"\}' "the ssc's Att göra: one sent back"
api GET "/api/v1/ledger?kind=analysis.returned" anna
check "the sending back is a ledger entry with the reason" all '[ "$STATUS" = 200 ]' \
	'grep -q "ledningscentralen" "$T/resp"'
as anna analysis update "$A2" --class Q
expect_one_line 2 "class" "analysis update --class Q: exit 2, one line"
# anna holds no clearance here: a second ssc, cleared KH, classifies it
as anna analysis update "$A2" --class KH
expect_one_line 2 "clearance" "a class above one's own clearance: exit 2, one line"
new_user hans auditor H && HANS=$UID_OUT && new_user sven ssc && SVEN=$UID_OUT
enrolled "${SVEN:-}" "an auditor cleared H and a second ssc cleared KH are enrolled"
: "$HANS"
as sven analysis update "$A2" --class KH
check "analysis update --class KH (ssc cleared KH): exit 0" all '[ "$RC" -eq 0 ]'
api GET "/api/v1/analyses/$A2" anna
check "… now hidden to anna, who holds no clearance" all '[ "$STATUS" = 200 ]' \
	'grep -q "\"hidden\":true" "$T/resp"' '! grep -q "Serverhall" "$T/resp"'
as anna analysis submit "$A2"
expect_one_line 1 "clearance" "… and she cannot send it: exit 1, one line"
api GET "/api/v1/analyses/$A2" hans
check "the KH draft to an auditor cleared H: what it is, not its title or content" all \
	'[ "$STATUS" = 200 ]' 'grep -q "\"hidden\":true" "$T/resp"' '! grep -q "Säkerhetsskyddsanalys 2026" "$T/resp"' \
	'! grep -q "Serverhall" "$T/resp"'
as hans analysis list
check "analysis list (auditor cleared H): the KH version hidden" all '[ "$RC" -eq 0 ]' \
	'grep -q "hidden: need-to-know" "$T/out"'
api GET "/api/v1/ledger?kind=analysis.updated" hans
# every entry about the KH version redacted (no data); those about the unclassified v1 whole
ledger_split() {
	python3 -c 'import json,sys; es=json.load(open(sys.argv[1]))["entries"]
kh=[e for e in es if e["object"]=="analysis/"+sys.argv[2]]; v1=[e for e in es if e["object"]=="analysis/"+sys.argv[3]]
print(len(kh), sum(1 for e in kh if e.get("redacted") and "data" not in e), len(v1), sum(1 for e in v1 if "data" in e))' "$T/resp" "$A2" "$A1"
}
SPLIT=$(ledger_split)
check "the Säkerhetslogg: entries about the KH analysis redacted for the auditor cleared H ($SPLIT)" all \
	'[ "$STATUS" = 200 ]' 'set -- $SPLIT; [ "$1" -gt 0 ] && [ "$1" = "$2" ] && [ "$3" -gt 0 ] && [ "$3" = "$4" ]'
api GET "/api/v1/ledger?kind=analysis.updated" ulla
SPLIT=$(ledger_split)
check "… and shown to the auditor cleared KH ($SPLIT)" all '[ "$STATUS" = 200 ]' 'set -- $SPLIT; [ "$1" -gt 0 ] && [ "$2" = 0 ]'
as sven analysis submit "$A2"
as carl analysis approve "$A2"
check "sent again and approved by the head" all '[ "$RC" -eq 0 ]' 'grep -q "approved" "$T/out"'
api GET /api/v1/me/todo sven
expect_api 200 '\{"count":1,"kind":"analysis_approved"\}' "the ssc's Att göra: the notice that it was approved"

# ---- the ledger replays to the same tables ----
stop_server
replay_check "verify --replay: exit 0"

finish
