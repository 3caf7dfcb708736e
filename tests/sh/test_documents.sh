#!/bin/sh
# The register of classified documents through the API and the CLI against a
# running 'skydd serve' (3 kap. PMFS 2022:1): registration with automatic
# designations, copies in approved containers, issue with a pending receipt
# signed by the recipient with a fresh TOTP code, return, shipment and
# delivery, destruction with a witness; 404 and a document.access.denied entry
# for a staff member off the need-to-know list and a registrar cleared below
# the class; the auditor reads but cannot write; the CLI's lines and exit
# codes; 'skydd verify --replay' at the end.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup

# ---- help and usage, no server needed ----
for sub in add list show copy issue return store archive lost destroy ship deliver receipts \
	receipt sign paper destruction numbering set-numbering copies history access; do
	run "$SKYDD" doc "$sub" --help
	help_ok "doc $sub --help prints its usage, exit 0" "^usage: skydd doc $sub"
done
run "$SKYDD" doc --help
check "doc --help lists the subcommands" all '[ "$RC" -eq 0 ]' 'grep -q "receipts" "$T/out"'
run "$SKYDD" doc frobnicate
expect_one_line 2 "unknown subcommand" "doc with an unknown subcommand: exit 2, one line"
run "$SKYDD" doc show
expect_one_line 2 "give the number" "doc show without an id: exit 2, one line"
run "$SKYDD" doc add --class K --form physical
expect_one_line 2 "--title is required" "doc add without --title: exit 2, one line"
run "$SKYDD" doc issue 1 --person x
expect_one_line 2 "positive number" "doc issue --person x: exit 2, one line"
run "$SKYDD" doc add --title T --class K --form physical --access 1,x
expect_one_line 2 "numbers separated" "doc add --access 1,x: exit 2, one line"
run "$SKYDD" doc list --bogus
expect_one_line 2 "bogus" "doc list --bogus: exit 2, one line"

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"

new_user rut registrar && RUT=$UID_OUT && new_user carl chief && CARL=$UID_OUT &&
	new_user sara ssc && SARA=$UID_OUT && new_user stig staff && STIG=$UID_OUT &&
	new_user sten staff && STEN=$UID_OUT && new_user ulla auditor && ULLA=$UID_OUT &&
	new_user rolf registrar H && ROLF=$UID_OUT && new_user gert auditor K && GERT=$UID_OUT
enrolled "${GERT:-}" "registrars, the chief, the ssc, staff and auditors are enrolled"
person_of "Stig Staff" "$STIG" && P_STIG=$PID_OUT &&
	person_of "Sten Staff" "$STEN" && P_STEN=$PID_OUT &&
	person_of "Rut Registrator" "$RUT" && P_RUT=$PID_OUT &&
	person_of "Vera Vittne" "" && P_VERA=$PID_OUT
checks "four persons are registered" '[ -n "${P_VERA:-}" ]'
api POST /api/v1/spaces carl '{"kind":"container","name":"Kassaskåp 1","max_class":"KH","decision_ref":"C-1"}'
BOX=$(json_num id "$T/resp")
api POST /api/v1/spaces sara '{"kind":"container","name":"Skåp K","max_class":"K","decision_ref":"C-2"}'
BOX_K=$(json_num id "$T/resp")
api POST /api/v1/distributors sara '{"name":"Kurir AB","decision_ref":"D-1"}'
DIST=$(json_num id "$T/resp")
checks "two containers and a distributor are approved" '[ -n "$BOX" ] && [ -n "$BOX_K" ] && [ -n "$DIST" ]'

# ---- documents ----
YEAR=$(date -u +%Y)
api POST /api/v1/documents rut "{\"title\":\"Övningsplan\",\"class\":\"H\",\"form\":\"physical\",\"pages\":12,\"case_number\":\"2026/77\",\"person_ids\":[$P_STIG,$P_RUT]}"
expect_api 201 "\"designation\":\"$YEAR-0001\"" "a document gets the next designation ($YEAR-0001)"
D_H=$(json_num id "$T/resp")
api POST /api/v1/documents rut '{"title":"Utan sidor","class":"K","form":"physical"}'
expect_api 422 '"field":"pages".*3 kap\. 4 §|3 kap\. 4 §.*"field":"pages"' "K physical without pages: 422 citing 3 kap. 4 §"
expect_api 422 '"reason":"document\.pages_required"' "... with the reason the UI says in Swedish (issue 16)"
api POST /api/v1/documents rut '{"title":"X","class":"Q","form":"physical"}'
expect_api 400 '"field":"class"' "an unknown class: 400 naming class"
expect_api 400 '"reason":"field\.class"' "... with the reason field.class"
api POST /api/v1/documents rut '{"title":"X","class":"K","form":"physical","pages":1,"colour":"red"}'
expect_api 400 'colour' "an unknown field: 400"
api POST /api/v1/documents stig '{"title":"X","class":"K","form":"physical","pages":1}'
expect_api 403 '"forbidden"' "staff may not register: 403"
api POST /api/v1/documents ulla '{"title":"X","class":"K","form":"physical","pages":1}'
expect_api 403 '"forbidden"' "the auditor may not register: 403"
api PUT /api/v1/settings/numbering rut '{"pattern":"R-{N:3}"}'
expect_api 403 '"forbidden"' "the registrar may not change the numbering: 403"
api PUT /api/v1/settings/numbering sara '{"pattern":"{YY}-{N}-{X}"}'
expect_api 400 '"field":"pattern"' "a bad pattern: 400"
api PUT /api/v1/settings/numbering sara '{"pattern":"HEM/{YYYY}/{N:3}"}'
expect_api 200 "\"example\":\"HEM/$YEAR/001\"" "the ssc sets the numbering pattern"
api POST /api/v1/documents rut "{\"title\":\"Nordljus\",\"title_classified\":true,\"class\":\"KH\",\"form\":\"physical\",\"pages\":3,\"person_ids\":[$P_STIG]}"
expect_api 201 "\"designation\":\"HEM/$YEAR/001\"" "the next designation follows the new pattern"
D_KH=$(json_num id "$T/resp")

# ---- visibility (clearance and need-to-know) ----
denied_count() {
	api GET '/api/v1/ledger?kind=document.access.denied&limit=500' anna
	grep -o '"document.access.denied"' "$T/resp" | wc -l | tr -d ' '
}
D0=$(denied_count)
for path in "/api/v1/documents/$D_H" "/api/v1/documents/$D_H/history"; do
	api GET "$path" sten
	expect_api 404 '"not_found"' "staff off the need-to-know list: GET $path is 404"
done
D1=$(denied_count)
checks "each denied read is a document.access.denied entry" '[ "$D1" -eq $((D0 + 2)) ]'
api GET "/api/v1/documents/$D_H" stig
expect_api 200 '"title":"Övningsplan"' "staff on the list reads the document"
api GET "/api/v1/documents/$D_H" rut
expect_api 200 '"designation"' "the registrar reads it"
api GET "/api/v1/documents/$D_KH" ulla
expect_api 200 '"title":"Nordljus"' "the auditor cleared for KH reads the KH document"
api GET "/api/v1/documents/$D_KH" rolf
expect_api 404 '"not_found"' "a registrar cleared for H: the KH document is 404"
api GET "/api/v1/documents/$D_H" anna
checks "admin+ssc anna (cleared) reads it" '[ "$STATUS" = 200 ]'
api GET "/api/v1/documents/999999" rut
expect_api 404 '"not_found"' "a missing document: 404"
D2=$(denied_count)
checks "a missing document is no denied entry; the registrar below the class is" '[ "$D2" -eq $((D1 + 1)) ]'
api GET "/api/v1/documents?limit=500" sten
checks "the list of a staff member off every list is empty" 'grep -q "\"documents\":\[\]" "$T/resp"'
api GET "/api/v1/documents?limit=500" rolf
checks "a registrar cleared for H does not list the KH document" '[ "$STATUS" = 200 ] && ! grep -q Nordljus "$T/resp"'
api GET "/api/v1/documents?q=vningspl" rut
checks "q finds by title" 'grep -q "Övningsplan" "$T/resp"'
api GET "/api/v1/documents?q=2026%2F77&class=H" rut
checks "q finds by case number, with a class filter" 'grep -q "Övningsplan" "$T/resp"'
api GET "/api/v1/documents?class=X" rut
expect_api 400 '"field":"class"' "a bad class filter: 400"
api GET "/api/v1/ledger?kind=document.created&limit=500" gert
checks "the ledger hides a classified document's entries from an auditor cleared for K" \
	'[ "$STATUS" = 200 ] && ! grep -q Nordljus "$T/resp" && ! grep -q "HEM/$YEAR/001" "$T/resp" && grep -q "\"redacted\":true" "$T/resp"'
api GET "/api/v1/ledger?kind=document.created&limit=500" ulla
checks "and shows it to the auditor cleared for KH" 'grep -q Nordljus "$T/resp"'
api GET "/api/v1/ledger?kind=document.created&object=document/$D_KH" ulla
SEQ=$(json_num seq "$T/resp")
api GET "/api/v1/ledger/$SEQ" gert
checks "one entry: the title is hidden and the canonical bytes withheld for the K auditor" \
	'[ "$STATUS" = 200 ] && ! grep -q Nordljus "$T/resp" && grep -q "\"redacted\":true" "$T/resp"'
api GET "/api/v1/ledger/$SEQ" ulla
checks "one entry: the KH auditor gets the title and the canonical bytes" \
	'[ "$STATUS" = 200 ] && grep -q Nordljus "$T/resp" && grep -q "\"canonical\":\"{" "$T/resp"'

# ---- copies, receipts ----
api POST "/api/v1/documents/$D_H/copies" rut "{\"count\":2,\"space_id\":$BOX}"
expect_api 201 '"number":2' "two copies in an approved container"
api POST "/api/v1/documents/$D_H/copies" rut "{\"space_id\":$BOX_K}"
expect_api 422 '3 kap\. 9 §' "a container approved for K refuses an H copy (3 kap. 9 §)"
expect_api 422 '"params":\{"class":"H","max":"K","space":"Skåp K"\},"reason":"space\.class_above_max"' \
	"... with the reason and its params: the container's name, its class, the document's"
api POST "/api/v1/documents/$D_H/copies" ulla "{\"space_id\":$BOX}"
expect_api 403 '"forbidden"' "the auditor may not make copies: 403"
api GET "/api/v1/copies?document_id=$D_H" rut
# keys are sorted: a copy's own "id" comes just before "inventory_overdue"
C1=$(grep -o '"id":[0-9]*,"inventory_overdue"' "$T/resp" | head -n 1 | sed 's/[^0-9]//g')
checks "the copies are listed" '[ -n "$C1" ]'
C2=$((C1 + 1))
api POST "/api/v1/copies/$C1/issue" rut "{\"person_id\":$P_STEN}"
expect_api 422 'need-to-know' "issue to someone off the list: 422"
api POST "/api/v1/copies/$C1/issue" rut "{\"person_id\":$P_STIG}"
expect_api 200 '"state":"issued"' "issue the copy to Stig"
RID=$(json_num result_id "$T/resp")
api GET "/api/v1/receipts?mine=true&state=pending" stig
checks "Stig's pending receipt is listed with its class" 'grep -q "\"class\":\"H\"" "$T/resp" && grep -q "hemlig" "$T/resp"'
api GET "/api/v1/receipts/$RID" sten
expect_api 404 '"not_found"' "someone else's receipt: 404"
api GET "/api/v1/copies?mine=true" stig
checks "Stig sees his copy" 'grep -q "\"state\":\"issued\"" "$T/resp"'
api GET "/api/v1/copies/$C1" sten
expect_api 404 '"not_found"' "staff off the list: GET /copies/ID is 404"
STIG_SECRET=$(cat "$T/secret.stig")
NEXT=$(oathtool --totp -b "$STIG_SECRET" -N "@$(($(date +%s) + 30))")
api POST "/api/v1/receipts/$RID/sign" stig "{\"code\":\"$NEXT\",\"class_acknowledged\":\"K\"}"
expect_api 400 '"field":"class_acknowledged"' "acknowledging the wrong class: 400"
api POST "/api/v1/receipts/$RID/sign" stig '{"code":"000000","class_acknowledged":"H"}'
expect_api 401 '"field":"code"' "a wrong code: 401"
api POST "/api/v1/receipts/$RID/sign" sten "{\"code\":\"$NEXT\",\"class_acknowledged\":\"H\"}"
expect_api 404 '"not_found"' "another person signs: 404"
api POST "/api/v1/receipts/$RID/sign" stig "{\"code\":\"$NEXT\",\"class_acknowledged\":\"H\"}"
expect_api 200 '"state":"signed"' "Stig signs his receipt with a fresh TOTP code"
api POST "/api/v1/receipts/$RID/sign" stig "{\"code\":\"$NEXT\",\"class_acknowledged\":\"H\"}"
expect_api 422 'pending' "signing twice: 422"
api POST "/api/v1/copies/$C1/return" rut "{\"space_id\":$BOX,\"note\":\"åter\"}"
expect_api 200 '"state":"returned"' "the copy is returned"
api GET "/api/v1/receipts/$RID" rut
expect_api 200 '"state":"returned".*|"returned_note":"åter"' "the return is noted on the receipt"

# ---- shipment and destruction ----
api POST "/api/v1/copies/$C2/ship" rut "{\"distributor_id\":$DIST,\"recipient\":\"FMV\"}"
expect_api 200 '"state":"shipped"' "a copy is shipped through the approved distributor"
SHIP=$(json_num result_id "$T/resp")
api POST "/api/v1/shipments/$SHIP/deliver" rut '{}'
expect_api 400 '"field":"delivery_ref"' "delivery without a reference: 400"
api POST "/api/v1/shipments/$SHIP/deliver" rut '{"delivery_ref":"Kvitto 12"}'
expect_api 200 '"delivery_ref":"Kvitto 12"' "the delivery is confirmed"
api POST "/api/v1/copies/$C1/destroy" rut "{\"method\":\"Kross\",\"destroyed_on\":\"$TODAY\",\"performer_id\":$P_RUT}"
expect_api 422 '3 kap\. 23 §' "destruction of an H copy without a witness: 422"
api POST "/api/v1/copies/$C1/destroy" rut "{\"method\":\"Kross\",\"destroyed_on\":\"$TODAY\",\"performer_id\":$P_RUT,\"witness_id\":$P_VERA}"
expect_api 200 '"state":"destroyed"' "the copy is destroyed with a witness"
DEST=$(json_num result_id "$T/resp")
api GET "/api/v1/destructions/$DEST" rut
expect_api 200 '"witness_name":"Vera Vittne"' "the destruction record names the witness"
api GET "/api/v1/destructions/$DEST" sten
expect_api 404 '"not_found"' "staff off the list: the destruction record is 404"
api GET "/api/v1/documents/$D_H/history" ulla
checks "the history holds every act" \
	'grep -q copy.destroyed "$T/resp" && grep -q receipt.signed "$T/resp" && grep -q shipment.delivered "$T/resp"'

# ---- the CLI ----
as rut doc add --title "CLI-handling" --class K --form physical --pages 2 --access "$P_STIG"
checks "doc add: exit 0, shows the designation" '[ "$RC" -eq 0 ] && grep -q "HEM/$YEAR/002" "$T/out"'
as rut doc add --title "CLI-handling" --class K --form physical --json
expect_one_line 1 "3 kap\. 4 §" "doc add without pages: exit 1, one line citing 3 kap. 4 §"
as rut doc list --q CLI
checks "doc list --q finds it" '[ "$RC" -eq 0 ] && grep -q "CLI-handling" "$T/out"'
D_CLI=$(grep "CLI-handling" "$T/out" | awk '{print $1}' | head -n 1)
as rut doc copy "$D_CLI" --space "$BOX"
checks "doc copy: exit 0" '[ "$RC" -eq 0 ]'
as sten doc show "$D_CLI"
expect_one_line 1 "no document" "doc show by staff off the list: exit 1, one line"
as ulla doc copy "$D_CLI" --space "$BOX"
expect_one_line 1 "roles" "doc copy by the auditor: exit 1, one line"
as stig doc receipts --mine
checks "doc receipts --mine: exit 0" '[ "$RC" -eq 0 ]'
as rut doc numbering
checks "doc numbering shows the pattern" '[ "$RC" -eq 0 ] && grep -q "HEM/{YYYY}/{N:3}" "$T/out"'

# ---- issue 15: several copies destroyed in one act, one protocol; the organisation's name ----
as rut doc set-organisation --name "Myndigheten"
expect_one_line 1 "roles|ssc" "doc set-organisation by the registrar: exit 1, one line"
api PUT /api/v1/settings/organisation sara '{"name":""}'
expect_api 400 '"field":"name"' "an empty organisation name: 400 naming name"
as sara doc set-organisation --name "Myndigheten för provning"
checks "doc set-organisation (ssc): exit 0" '[ "$RC" -eq 0 ] && grep -q "Myndigheten för provning" "$T/out"'
api GET "/api/v1/ledger?kind=setting.changed" anna
checks "the name is a setting.changed entry" 'grep -q "org.name" "$T/resp" && grep -q "Myndigheten för provning" "$T/resp"'
as rut doc add --title "Tre exemplar" --class H --form physical --pages 4 --access "$P_RUT"
checks "doc add (H, 4 pages): exit 0" '[ "$RC" -eq 0 ]'
as rut doc list --q "Tre exemplar"
D_3=$(grep "Tre exemplar" "$T/out" | awk '{print $1}' | head -n 1)
as rut doc copy "$D_3" --space "$BOX" --count 3
checks "doc copy --count 3: exit 0" '[ "$RC" -eq 0 ]'
NLEDGER=$(sq "$I/skydd.db" "SELECT count(*) FROM ledger")
as rut doc destroy "$D_3" --copies 1,3 --method Kross --on "$TODAY" --performer "$P_RUT"
expect_one_line 1 "23 §" "doc destroy --copies of H without a witness: exit 1, one line citing 3 kap. 23 §"
as rut doc destroy "$D_3" --copies 1,9 --method Kross --on "$TODAY" --performer "$P_RUT" --witness "$P_VERA"
expect_one_line 2 "no copy 9" "doc destroy --copies with a number the document lacks: exit 2 (bad input), one line"
as rut doc destroy "$D_3" --copies 1,x --method Kross --on "$TODAY" --performer "$P_RUT" --witness "$P_VERA"
expect_one_line 2 "commas" "doc destroy --copies 1,x: exit 2, one line"
api POST "/api/v1/documents/$D_3/destroy" rut "{\"copies\":[1,1],\"method\":\"Kross\",\"destroyed_on\":\"$TODAY\",\"performer_id\":$P_RUT,\"witness_id\":$P_VERA}"
expect_api 400 '"field":"copies"' "the same copy twice: 400 naming copies"
api POST "/api/v1/documents/$D_3/destroy" stig "{\"copies\":[1],\"method\":\"Kross\",\"destroyed_on\":\"$TODAY\",\"performer_id\":$P_RUT,\"witness_id\":$P_VERA}"
expect_api 403 '"forbidden"' "staff may not destroy: 403"
checks "the refusals changed nothing (the ledger's size)" \
	'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger")" = "$NLEDGER" ]'
as rut doc destroy "$D_3" --copies 1,3 --method Kross --on "$TODAY" --performer "$P_RUT" --witness "$P_VERA"
checks "doc destroy DOC --copies 1,3: exit 0, one protocol naming the organisation and the copies" \
	'[ "$RC" -eq 0 ] && grep -q "Myndigheten för provning" "$T/out" && grep -Eq "^copies +1, 3" "$T/out"'
PROT=$(sed -n 's/^protocol *\([0-9]*\)$/\1/p' "$T/out")
checks "  … two records and two copy.destroyed entries, copy 2 untouched" \
	'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM destruction WHERE protocol_id = $PROT")" = 2 ] &&
	 [ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger")" = "$((NLEDGER + 2))" ] &&
	 [ "$(sq "$I/skydd.db" "SELECT state FROM copy WHERE document_id = $D_3 AND number = 2")" = in_register ]'
api GET "/api/v1/destruction-protocols/$PROT" rut
expect_api 200 '"pages":4' "GET the protocol: the page count"
api GET "/api/v1/destruction-protocols/$PROT" sten
expect_api 404 '"not_found"' "staff off the list: the protocol is 404"
as rut doc protocol "$PROT"
checks "doc protocol: the performer and the witness" '[ "$RC" -eq 0 ] && grep -q "Vera Vittne" "$T/out"'

# ---- the ledger replays to the same tables ----
stop_server
replay_check "skydd verify --replay: the projections equal the ledger's replay"

finish
