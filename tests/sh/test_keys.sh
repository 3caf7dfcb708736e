#!/bin/sh
# Keys, codes and cards (5 kap. 5–6 §§) through the CLI and the API against
# a running 'skydd serve': register with the spare in an approved container,
# hand out (copies never exceeded), the holder signs the receipt with a fresh
# TOTP code from oathtool (a wrong or reused code is refused, nobody signs
# for someone else), a paper receipt, return, lost (a lost case), a code
# change, replaced, destroyed; the finding of a key held by someone who left;
# bad input answers 4xx naming the field and changes nothing; every key.*
# kind is written and 'skydd verify --replay' rebuilds the instance.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 python3

# issue_of KEY PERSON: the id of KEY's hand-out to PERSON that is out (read as rut).
issue_of() {
	api GET "/api/v1/keys/$1" rut
	py "[i['id'] for i in d['key']['issues'] if i['person_id'] == $2 and i['state'] == 'out'][0]" \
		"$T/resp" 2>/dev/null
}

# ---- help and usage, no server needed ----
run "$SKYDD" key --help
checks "key --help lists every subcommand, exit 0" \
	'[ "$RC" -eq 0 ] && grep -q "^usage: skydd key list" "$T/out" && grep -q "key destroy" "$T/out" && grep -q "key sign" "$T/out"'
for sub in list show add update issue sign receipt return lost change replace destroy; do
	run "$SKYDD" key $sub --help
	checks "key $sub --help prints its usage, exit 0" \
		'[ "$RC" -eq 0 ] && grep -q "^usage: skydd key $sub" "$T/out"'
done
run "$SKYDD" key add --kind key
expect_one_line 2 "--number is required" "key add without --number: exit 2, one line"
run "$SKYDD" key change 1 --told 1,x
expect_one_line 2 "--told must be numbers" "key change --told 1,x: exit 2, one line"
run "$SKYDD" key issue 1 --person x
expect_one_line 2 "--person must be a number" "key issue --person x: exit 2, one line"
run "$SKYDD" key frobnicate
expect_one_line 2 "unknown subcommand 'frobnicate'" "key frobnicate: exit 2, one line"

# ---- an instance, its server, the people, a container and an area ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"
new_user rut registrar H && new_user stig staff K && STIG=$UID_OUT && new_user olof auditor K &&
	OLOF=$UID_OUT
enrolled "${OLOF:-}" "a registrar, a holder (staff) and an auditor are enrolled"
person_of "Stig Staff" "$STIG" && P_STIG=$PID_OUT
person_of "Olle Utan Inlogg" "" && P_OLLE=$PID_OUT
as anna space add --kind container --name "Nyckelskåp" --class H --decision SSC-1 --json
BOX=$(json_num id "$T/out")
as anna space add --kind processing --name "Rum 1" --class H --decision SSC-2 --json
ROOM=$(json_num id "$T/out")
as anna area add --name "Huset" --kind building --json
AREA=$(json_num id "$T/out")
checks "two persons, a key cabinet, a room and an area" \
	'[ -n "$P_STIG" ] && [ -n "$P_OLLE" ] && [ -n "$BOX" ] && [ -n "$ROOM" ] && [ -n "$AREA" ]'

# ---- register ----
as rut key add --kind key --number N-1 --description "Ytterdörren" --spare "$BOX" \
	--spare-note "Krok 1" --areas "$AREA" --containers "$BOX" --json
K1=$(json_num id "$T/out")
checks "key add (registrar): exit 0, an id" '[ "$RC" -eq 0 ] && [ -n "$K1" ]'
as rut key show "$K1" --json
checks "key show: what it opens and where the spare is" \
	'grep -q "\"opens\"" "$T/out" && grep -q "Huset" "$T/out" && grep -q "\"spare_space_id\": *$BOX" "$T/out"'
as rut key add --kind key --number N-2 --spare "$ROOM"
expect_one_line 1 "storage container" "a spare in a room for processing: exit 1, one line"
as stig key add --kind key --number N-3
expect_one_line 1 "." "staff may not register keys: exit 1, one line"
refused_unchanged 400 '"field":"number"' "POST /keys with an empty number: 400 naming number" \
	POST /api/v1/keys rut '{"kind":"key","number":""}'
refused_unchanged 400 '"field":"copies"' "POST /keys with copies \"two\": 400 naming copies" \
	POST /api/v1/keys rut '{"kind":"key","number":"N-4","copies":"two"}'
refused_unchanged 400 '"field":"area_ids"' "POST /keys with area_ids [0]: 400 naming area_ids" \
	POST /api/v1/keys rut '{"kind":"key","number":"N-4","area_ids":[0]}'
refused_unchanged 400 '"field":"code"' "POST /keys with a code field: 400 naming it (never stored)" \
	POST /api/v1/keys rut '{"kind":"code","number":"K-9","code":"1234"}'
refused_unchanged 409 '"field":"number"' "POST /keys with a number taken: 409 naming number" \
	POST /api/v1/keys rut '{"kind":"key","number":"N-1"}'
as rut key update "$K1" --description "Ytterdörren, huvudentrén"
checks "key update: exit 0" '[ "$RC" -eq 0 ]'

# ---- hand out, sign, return ----
as rut key issue "$K1" --person "$P_STIG"
checks "key issue to Stig: exit 0" '[ "$RC" -eq 0 ]'
I1=$(issue_of "$K1" "$P_STIG")
as rut key issue "$K1" --person "$P_OLLE"
expect_one_line 2 "paper" "a hand-out to someone without a login and no paper receipt: exit 2, one line"
as rut key issue "$K1" --person "$P_OLLE" --paper KV-0
expect_one_line 1 "copies" "a second hand-out of a key with one copy: exit 1, one line"
api GET "/api/v1/key-receipts?pending=true" stig
expect_api 200 '"number":"N-1"' "Stig sees his pending receipt"
api GET "/api/v1/key-receipts?pending=true" olof
expect_api 200 '"issues":\[\]' "the auditor has none"
api GET "/api/v1/key-receipts?pending=maybe" stig
expect_api 400 '"field":"pending"' "key-receipts?pending=maybe: 400 naming pending"
# the next step's code: the login spent this one (a step is used once)
CODE=$(oathtool --totp -b "$(cat "$T/secret.stig")" -N "@$(($(date +%s) + 30))")
refused_unchanged 404 '"field":"issue_id"' "the auditor signing Stig's receipt: 404" \
	POST "/api/v1/keys/$K1/sign" olof "{\"issue_id\":$I1,\"code\":\"$CODE\"}"
WRONG=000000
[ "$CODE" = 000000 ] && WRONG=000001
api POST "/api/v1/keys/$K1/sign" stig "{\"issue_id\":$I1,\"code\":\"$WRONG\"}"
expect_api 401 '"field":"code"' "a wrong code: 401 naming code"
checks "... and the receipt still awaits signing" \
	'[ "$(sq "$I/skydd.db" "SELECT receipt FROM key_issue WHERE id = $I1")" = pending ]'
as stig key sign "$K1" --issue "$I1" --code "$CODE"
checks "Stig signs his receipt with a fresh code: exit 0" '[ "$RC" -eq 0 ]'
checks "... signed, and no code in the ledger" \
	'[ "$(sq "$I/skydd.db" "SELECT receipt FROM key_issue WHERE id = $I1")" = signed ] && [ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'"'key.receipt_signed'"'"' AND entry LIKE '"'"'%$CODE%'"'"'")" = 0 ]'
as rut key add --kind card --number C-1 --json
C1=$(json_num id "$T/out")
as rut key issue "$C1" --person "$P_STIG"
IC=$(issue_of "$C1" "$P_STIG")
api POST "/api/v1/keys/$C1/sign" stig "{\"issue_id\":$IC,\"code\":\"$CODE\"}"
expect_api 401 '"field":"code"' "the same code on another receipt: 401 (used once)"
as rut key issue "$C1" --person "$P_OLLE" --paper KV-0
expect_one_line 1 "copies" "a card to a second holder: exit 1, one line"
as rut key add --kind card --number C-2 --json
C2=$(json_num id "$T/out")
as rut key issue "$C2" --person "$P_STIG"
IC2=$(issue_of "$C2" "$P_STIG")
as rut key receipt "$C2" --issue "$IC2" --paper KV-1
checks "the clerk records Stig's paper receipt: exit 0" '[ "$RC" -eq 0 ]'
as rut key return "$K1" --issue "$I1"
checks "key return: exit 0" '[ "$RC" -eq 0 ]'
as rut key return "$K1" --issue "$I1"
expect_one_line 1 "." "the same hand-out returned twice: exit 1, one line"

# ---- a code: changed, not returned ----
as anna key add --kind code --number KOD-Arkiv --spare "$BOX" --json
KC=$(json_num id "$T/out")
as rut key issue "$KC" --person "$P_OLLE" --paper KV-2
IK=$(issue_of "$KC" "$P_OLLE")
as rut key return "$KC" --issue "$IK"
expect_one_line 1 "change it" "a code given back: exit 1, one line"
as rut key change "$KC" --told "$P_STIG"
checks "a code change told to Stig: Olle no longer knows it" \
	'[ "$RC" -eq 0 ] && [ "$(sq "$I/skydd.db" "SELECT state FROM key_issue WHERE id = $IK")" = changed ]'

# ---- the finding: a card held by someone who left ----
as rut key add --kind card --number C-3 --json
C3=$(json_num id "$T/out")
as rut key issue "$C3" --person "$P_OLLE" --paper KV-3
IC3=$(issue_of "$C3" "$P_OLLE")
as rut person end "$P_OLLE"
checks "ending Olle is not refused for keys" '[ "$RC" -eq 0 ]'
api GET /api/v1/findings anna
expect_api 200 '"key.holder.ended"' "the finding: a card held by someone who has left"
as rut key return "$C3" --issue "$IC3"
api GET /api/v1/findings anna
checks "returned: the finding goes" '! grep -q "\"key.holder.ended\"" "$T/resp"'

# ---- lost, replaced, destroyed ----
as rut key add --kind key --number L-1 --spare "$BOX" --json
KL=$(json_num id "$T/out")
as rut key issue "$KL" --person "$P_STIG"
IL=$(issue_of "$KL" "$P_STIG")
as rut key lost "$KL" --issue "$IL" --note "Tappad på bussen"
checks "key lost: a lost case about the key" \
	'[ "$RC" -eq 0 ] && [ "$(sq "$I/skydd.db" "SELECT count(*) FROM lost_case WHERE item_type = '"'"'key'"'"' AND item_id = $KL")" = 1 ]'
LC=$(sq "$I/skydd.db" "SELECT id FROM lost_case WHERE item_type = 'key' AND item_id = $KL")
api GET /api/v1/lost-cases rut
expect_api 200 '"identifier":"L-1"' "the lost case lists the key by its number"
api POST "/api/v1/lost-cases/$LC/resolve" rut '{"resolution":"confirmed_lost","note":"Borta"}'
expect_api 200 '.' "the loss confirmed"
api GET /api/v1/findings anna
expect_api 200 '"key.lost.incident"' "the finding: a key confirmed lost without an incident"
api POST /api/v1/incidents anna "{\"title\":\"Nyckel L-1 förlorad\",\"occurred_on\":\"$TODAY\",\"lost_case_id\":$LC}"
expect_api 201 '"incident"' "an incident for the key's lost case"
api GET /api/v1/findings anna
checks "... and the finding goes" '! grep -q "\"key.lost.incident\"" "$T/resp"'
as rut key replace "$KL" --note "Nytt lås"
checks "key replace: exit 0" '[ "$RC" -eq 0 ]'
as rut key destroy "$KL" --note "Klippt"
checks "key destroy: exit 0" '[ "$RC" -eq 0 ]'
as rut key destroy "$KL" --note "Igen"
expect_one_line 1 "." "destroyed twice: exit 1, one line"

# ---- every kind, and replay ----
for kind in registered updated issued receipt_signed receipt_recorded returned lost code_changed \
	replaced destroyed; do
	checks "a key.$kind entry" \
		'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'"'key.$kind'"'"'")" -ge 1 ]'
done
stop_server
replay_check "verify --replay rebuilds keys, hand-outs and lost cases"

finish
