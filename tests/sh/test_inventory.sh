#!/bin/sh
# Inventories through the API and the CLI against a running 'skydd serve'
# (3 kap. 21 §): the items a campaign snapshots, an overlapping campaign
# refused, paging and sorting for the tablet view, four eyes (the holder does
# not check their own copy), closing refused with unchecked items, a copy not
# found becoming a lost case, the report, resolving lost cases, the overdue
# list, the auditor who reads and changes nothing, the CLI's lines and exit
# codes, and 'skydd verify --replay' at the end.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup
IN400D=$(date -u -d '+400 days' +%F)

STATUS=""
: >"$T/resp"

# ---- help and usage, no server needed ----
for cmd in inventory "inventory start" "inventory list" "inventory show" "inventory check" \
	"inventory close" "inventory report" "inventory overdue" "inventory lost" \
	"inventory lost list" "inventory lost resolve"; do
	# shellcheck disable=SC2086
	run "$SKYDD" $cmd --help
	help_ok "$cmd --help prints its usage, exit 0" "^usage: skydd $cmd" quiet
done
run "$SKYDD" inventory
expect_one_line 2 "subcommand" "inventory without a subcommand: exit 2, one line"
run "$SKYDD" inventory frobnicate
expect_one_line 2 "unknown subcommand 'frobnicate'" "inventory frobnicate: exit 2, one line"
run "$SKYDD" inventory start
expect_one_line 2 "--name is required" "inventory start without --name: exit 2, one line"
run "$SKYDD" inventory check 1 --copy 2
expect_one_line 2 "--found or --not-found" "inventory check without a result: exit 2, one line"
run "$SKYDD" inventory check 1 --copy 2 --medium 3 --found
expect_one_line 2 "--copy N or --medium N" "inventory check with two items: exit 2, one line"
run "$SKYDD" inventory check x --copy 2 --found
expect_one_line 2 "positive number" "inventory check x: exit 2, one line"
run "$SKYDD" inventory show 1 --after 'a b'
expect_one_line 2 "letters, digits" "inventory show --after with a space: exit 2, one line"
run "$SKYDD" inventory lost resolve 1 --confirmed-lost
expect_one_line 2 "needs --note" "lost resolve --confirmed-lost without --note: exit 2, one line"
run "$SKYDD" inventory lost resolve 1 --found --confirmed-lost
expect_one_line 2 "either --found or --confirmed-lost" "lost resolve with both: exit 2, one line"

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"

new_user rut registrar KH && RUT=$UID_OUT && new_user ada auditor KH && ADA=$UID_OUT &&
	new_user kim registrar K && KIM=$UID_OUT && new_user per ssc KH && PER=$UID_OUT &&
	new_user stig staff KH && STIG=$UID_OUT && new_user hedda chief KH && HEDDA=$UID_OUT
enrolled "${STIG:-}" "registrars (KH, K), an auditor, an ssc and a staff member are enrolled"
enrolled "${HEDDA:-}" "the head (chief, KH) is enrolled"

# ---- the register: persons, a container, documents, copies, a medium ----
person_of "Rut Registrator" "$RUT" && P_RUT=$PID_OUT
person_of "Olle Utan Inlogg" "" && P_OLLE=$PID_OUT
api POST /api/v1/spaces anna \
	'{"kind":"container","name":"Skåp B","max_class":"H","decision_ref":"SSC-1"}'
S_B=$(json_num id "$T/resp")
checks "two persons and an approved container" '[ -n "$P_RUT" ] && [ -n "$P_OLLE" ] && [ -n "$S_B" ]'
# copies DOC BODY: copies of DOC (as the registrar); the ids in $COPIES.
copies() {
	api POST "/api/v1/documents/$1/copies" rut "$2"
	COPIES=$(grep -o '"copy_id":[0-9]*\|"id":[0-9]*' "$T/resp" | sed 's/.*://' | tr '\n' ' ')
	[ "$STATUS" = 201 ] || [ "$STATUS" = 200 ]
}
new_doc "{\"title\":\"KH-plan\",\"class\":\"KH\",\"form\":\"physical\",\"pages\":3,\"person_ids\":[$P_RUT,$P_OLLE]}" &&
	D_KH=$DOC
new_doc '{"title":"H-rapport","class":"H","form":"physical","pages":2}' && D_H=$DOC
new_doc '{"title":"BH-notat","class":"BH","form":"physical","pages":1}' && D_BH=$DOC
checks "three documents (KH, H, BH physical)" '[ -n "${D_KH:-}" ] && [ -n "${D_H:-}" ] && [ -n "${D_BH:-}" ]'
copies "$D_KH" "{\"holder_id\":$P_RUT,\"paper_ref\":\"KV-1\"}"
copies "$D_H" "{\"count\":2,\"space_id\":$S_B}"
copies "$D_BH" "{\"space_id\":$S_B}"
api GET "/api/v1/copies?document_id=$D_KH" rut
C_KH=$(json_num id "$T/resp")
api GET "/api/v1/copies?document_id=$D_H" rut
C_H1=$(grep -o '"id":[0-9]*' "$T/resp" | sed -n '1s/.*://p')
C_H2=$(grep -o '"id":[0-9]*' "$T/resp" | sed -n '2s/.*://p')
api POST /api/v1/media rut "{\"identifier\":\"USB-17\",\"type\":\"usb\",\"class\":\"H\",\"holder_id\":$P_OLLE}"
M_USB=$(json_num id "$T/resp")
checks "copies of the KH and H documents and an H medium" \
	'[ -n "$C_KH" ] && [ -n "$C_H1" ] && [ -n "$C_H2" ] && [ "$C_H1" != "$C_H2" ] && [ -n "$M_USB" ]'

# ---- overdue before anything: new copies are not overdue ----
api GET /api/v1/inventories/overdue rut
expect_api 200 '"copies_total":0' "nothing is overdue today (the copies are new)"
api GET "/api/v1/inventories/overdue?before=$IN400D" rut
expect_api 200 '"copies_total":3,.*"media_total":1|"media_total":1.*"copies_total":3' \
	"in 400 days the three K+ copies and the medium are overdue (not the BH copy)"
api GET "/api/v1/inventories/overdue?before=2026-02-30" rut
expect_api 400 '"field":"before"' "overdue with an impossible date: 400 naming before"

# ---- starting a campaign ----
as rut inventory start --name "Årlig inventering $TODAY" --json
INV=$(sed -n 's/.*"inventory":{[^}]*"id":\([0-9]*\).*/\1/p' "$T/out")
[ -n "$INV" ] || INV=$(json_num id "$T/out")
checks "inventory start --json: exit 0, a campaign" '[ "$RC" -eq 0 ] && [ -n "$INV" ]'
checks "the campaign lists 4 items (KH copy, two H copies, the medium; not the BH copy)" \
	'grep -q "\"items\":4" "$T/out"'
as anna inventory start --name "Media igen" --scope media
expect_one_line 1 "still open" "a second open campaign over media: exit 1, one line"
api POST /api/v1/inventories rut '{"name":"x","scope":"kh_documents bogus"}'
expect_api 400 '"field":"scope"' "an unknown scope: 400 naming scope"
api POST /api/v1/inventories ada '{"name":"x"}'
expect_api 403 '"forbidden"' "the auditor may not start a campaign: 403"
api POST /api/v1/inventories stig '{"name":"x"}'
expect_api 403 '"forbidden"' "staff may not start a campaign: 403"

# ---- the tablet view: paging, sorting, unchecked ----
api GET "/api/v1/inventories/$INV?limit=1&sort=space" ada
NEXT=$(json_str next "$T/resp")
expect_api 200 '"items":\[\{' "the auditor reads the campaign, one item a page"
checks "a full page has a next cursor" '[ -n "$NEXT" ]'
api GET "/api/v1/inventories/$INV?limit=1&sort=space&after=$NEXT" ada
expect_api 200 '"items":\[\{' "the next page follows the cursor"
api GET "/api/v1/inventories/$INV?after=zzz" ada
expect_api 400 '"field":"after"' "a malformed cursor: 400 naming after"
api GET "/api/v1/inventories/$INV?sort=room" ada
expect_api 400 '"field":"sort"' "an unknown sort: 400 naming sort"
api GET "/api/v1/inventories/$INV" kim
expect_api 200 '"counts":{[^}]*"items":4' "a registrar cleared for K counts the campaign's 4 items, as everybody"
checks "... and sees each of them withheld, none described" \
	'[ "$(grep -o "\"withheld\":true" "$T/resp" | wc -l)" -eq 4 ] && ! grep -q "KH-plan\|Skåp B\|USB-17" "$T/resp"'
api GET "/api/v1/inventories/$INV" rut
checks "the holder's own copy is flagged own (its buttons are disabled in the UI)" \
	'grep -q "\"item_id\":$C_KH,[^}]*\"own\":true" "$T/resp"' 
as ada inventory show "$INV" --sort holder
checks "inventory show: the items with place and holder" \
	'[ "$RC" -eq 0 ] && grep -q "Skåp B" "$T/out" && grep -q "Rut Registrator" "$T/out" && grep -q "USB-17" "$T/out"'

# ---- checks and four eyes ----
as rut inventory check "$INV" --copy "$C_KH" --found
expect_one_line 1 "3 kap\. 21 §.*holder" "the holder checking their own copy: exit 1, citing 3 kap. 21 §"
api POST "/api/v1/inventories/$INV/check" rut "{\"item_type\":\"copy\",\"item_id\":$C_KH,\"result\":\"found\"}"
expect_api 422 '"code":"rule".*3 kap\. 21 §' "the same through the API: 422 rule"
as per inventory check "$INV" --copy "$C_KH" --found
checks "someone else checks it: exit 0" '[ "$RC" -eq 0 ] && grep -q "found" "$T/out"'
as rut inventory check "$INV" --copy "$C_H1" --not-found --note "inte i skåp B"
checks "a check not found: exit 0" '[ "$RC" -eq 0 ]'
as rut inventory check "$INV" --copy "$C_H1" --found --note "låg i fel fack"
checks "corrected to found: exit 0" '[ "$RC" -eq 0 ]'
api POST "/api/v1/inventories/$INV/check" ada "{\"item_type\":\"copy\",\"item_id\":$C_H2,\"result\":\"found\"}"
expect_api 403 '"forbidden"' "the auditor may not check: 403"
api POST "/api/v1/inventories/$INV/check" rut "{\"item_type\":\"copy\",\"item_id\":999,\"result\":\"found\"}"
expect_api 404 '"field":"item_id"' "a copy not in the campaign: 404 naming item_id"
api POST "/api/v1/inventories/$INV/check" kim "{\"item_type\":\"copy\",\"item_id\":$C_KH,\"result\":\"found\"}"
expect_api 404 '"not_found"' "a copy above the inspector's clearance: 404"
api GET "/api/v1/copies/$C_H1" rut
expect_api 200 "\"last_inventoried_on\":\"$TODAY\"" "a found copy counts as inventoried today"

# ---- closing ----
as rut inventory close "$INV"
expect_one_line 1 "2 items are not checked yet" \
	"closing with unchecked items: exit 1, one line with their number"
checks "... naming no internal id" '! grep -q "copy $C_H2\|medium $M_USB" "$T/out"' 
api GET "/api/v1/inventories/$INV?unchecked=true" rut
checks "unchecked=true lists exactly the two unchecked items" \
	'[ "$(grep -o "\"item_id\":" "$T/resp" | wc -l)" -eq 2 ]'
as rut inventory check "$INV" --copy "$C_H2" --not-found --note "saknas"
as rut inventory check "$INV" --medium "$M_USB" --found
api GET "/api/v1/inventories/$INV/report" ada
expect_api 409 '"conflict"' "no report while the campaign is open: 409"
api POST "/api/v1/inventories/$INV/close" ada '{}'
expect_api 403 '"forbidden"' "the auditor may not close: 403"
as rut inventory close "$INV" --note "Klar"
if [ "$RC" -eq 0 ] && grep -Eq "^total +4 items, 3 found, 1 not found" "$T/out" &&
	grep -Eq "^not found +copy $C_H2 .*lost case [0-9]+" "$T/out"; then
	ok "inventory close prints the report: totals and the copy not found with its lost case"
else
	not_ok "inventory close prints the report: totals and the copy not found with its lost case"
	show_output
fi
api GET "/api/v1/copies/$C_H2" rut
expect_api 200 '"state":"lost"' "the copy not found is now lost"
api POST "/api/v1/inventories/$INV/check" rut "{\"item_type\":\"copy\",\"item_id\":$C_H1,\"result\":\"found\"}"
expect_api 409 '"conflict"' "no checks after closing: 409"
as ada inventory report "$INV" --json
checks "the auditor reads the report (--json)" \
	'[ "$RC" -eq 0 ] && grep -q "\"not_found\":\[{" "$T/out" && grep -q "\"inspectors\":\[" "$T/out"'
as ada inventory list
checks "inventory list shows the closed campaign with its counts" \
	'[ "$RC" -eq 0 ] && grep -Eq "^$INV +Årlig inventering .* closed +4 +4 +3 +1$" "$T/out"'

# ---- lost cases: who reads them (the head handles incidents, 2 kap. 15–18 §§) ----
for who in rut ada per; do
	api GET /api/v1/lost-cases "$who"
	expect_api 200 "\"item_id\":$C_H2" "GET /lost-cases as $who: 200, the lost case listed"
done
api GET /api/v1/lost-cases hedda
expect_api 200 '"lost_cases":\[\]' \
	"GET /lost-cases as the head: 200 (not 403), need-to-know applied (not on the H document's list)"
api GET /api/v1/lost-cases stig
expect_api 403 '"forbidden"' "GET /lost-cases as staff: 403"
api GET /api/v1/lost-cases kim
expect_api 200 '"lost_cases":\[\]' "GET /lost-cases as the K registrar: 200, the H copy's case not shown"
api POST /api/v1/lost-cases/1/resolve hedda '{"resolution":"found"}'
expect_api 403 '"forbidden"' "the head reads lost cases but does not resolve them: 403"
as ada inventory lost list --state open --json
LOST=$(json_num id "$T/out")
checks "the lost case is listed" '[ "$RC" -eq 0 ] && [ -n "$LOST" ] && grep -q "\"item_id\":$C_H2" "$T/out"'
api POST "/api/v1/lost-cases/$LOST/resolve" ada '{"resolution":"found"}'
expect_api 403 '"forbidden"' "the auditor may not resolve: 403"
api POST "/api/v1/lost-cases/$LOST/resolve" rut '{"resolution":"confirmed_lost"}'
expect_api 400 '"field":"note"' "confirmed lost without a note: 400 naming note"
as rut inventory lost resolve "$LOST" --found --note "Hittad i arkivet"
checks "inventory lost resolve --found: exit 0" '[ "$RC" -eq 0 ] && grep -Eq "^state +found" "$T/out"'
api GET "/api/v1/copies/$C_H2" rut
expect_api 200 '"state":"in_register"' "the found copy is back in the register"
as rut inventory lost resolve "$LOST" --found
expect_one_line 1 "already resolved" "resolving twice: exit 1, one line"

# ---- overdue after the campaign ----
as rut inventory overdue --before "$IN400D" --json
checks "in 400 days all four are overdue again" \
	'[ "$RC" -eq 0 ] && grep -q "\"copies_total\":3" "$T/out" && grep -q "\"media_total\":1" "$T/out"'
as rut inventory overdue
checks "inventory overdue (default: a year ago) lists none" \
	'[ "$RC" -eq 0 ] && grep -Eq "^copies +0$" "$T/out"'

# ---- the ledger replays to the same tables ----
stop_server
replay_check "skydd verify --replay: the projections equal the ledger's replay"

finish
