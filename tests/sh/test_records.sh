#!/bin/sh
# The records register through the CLI and the API against a running
# 'skydd serve': persons (ending refused while they hold media), approved
# spaces (5 kap. 8–10 §§: a KH container by the head only, withdrawal and
# lowering refused while they hold media), information systems and
# distributors (ssc only), storage media (3 kap. 11, 21–24 §§: marking,
# placement, clearance, decommission, reuse, destroy with a record, lost with
# a case). Bad input answers 400 naming the field; a refused request changes
# nothing; 'skydd verify --replay' at the end.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup

# api_ledger_size: the number of entries (GET /api/v1/ledger as anna, the ssc).
api_ledger_size() {
	api GET "/api/v1/ledger?order=desc&limit=1" anna
	json_num size "$T/resp"
}

# refused_unchanged STATUS REGEX DESC METHOD PATH WHO [BODY]: the call is
# refused as expected and the ledger did not grow.
refused_unchanged() {
	_want=$1 _re=$2 _desc=$3
	shift 3
	_before=$(api_ledger_size)
	api "$@"
	_st=$STATUS
	cp "$T/resp" "$T/resp.keep"
	_after=$(api_ledger_size)
	STATUS=$_st
	cp "$T/resp.keep" "$T/resp"
	if [ -n "$_before" ] && [ "$_before" = "$_after" ]; then
		expect_api "$_want" "$_re" "$_desc (nothing changed)"
	else
		not_ok "$_desc (nothing changed)"
		diag "ledger size $_before -> $_after; $STATUS $(head -c 300 "$T/resp")"
	fi
}

# ---- help and usage, no server needed ----
for cmd in person space system distributor media; do
	run "$SKYDD" $cmd --help
	checks "$cmd --help prints its usage, exit 0" \
		'[ "$RC" -eq 0 ] && grep -q "^usage: skydd $cmd list" "$T/out" && [ ! -s "$T/err" ]'
done
for cmd in "person list" "person show" "person add" "person update" "person end" \
	"space list" "space show" "space add" "space update" "space withdraw" \
	"system list" "system show" "system add" "system update" \
	"distributor list" "distributor show" "distributor add" "distributor update" \
	"media list" "media show" "media add" "media update" "media decommission" \
	"media reuse" "media destroy" "media lost"; do
	# shellcheck disable=SC2086
	run "$SKYDD" $cmd --help
	checks "$cmd --help prints its usage, exit 0" \
		'[ "$RC" -eq 0 ] && grep -q "^usage: skydd $cmd" "$T/out" && grep -q -- "--json" "$T/out"'
done
run "$SKYDD" person
expect_one_line 2 'subcommand' "person without a subcommand: exit 2, one line"
run "$SKYDD" media frobnicate
expect_one_line 2 "unknown subcommand 'frobnicate'" "media frobnicate: exit 2, one line"
run "$SKYDD" person show
expect_one_line 2 "person's number" "person show without an id: exit 2, one line"
run "$SKYDD" space show x
expect_one_line 2 "space's number" "space show x: exit 2, one line"
run "$SKYDD" media add --identifier U1 --type usb
expect_one_line 2 "--class is required" "media add without --class: exit 2, one line"
run "$SKYDD" media add --identifier U1 --type usb --class K --fixed maybe
expect_one_line 2 "--fixed must be yes or no" "media add --fixed maybe: exit 2, one line"
run "$SKYDD" person update 1 --identity x
expect_one_line 2 "--identity must be a number" "person update --identity x: exit 2, one line"
run "$SKYDD" person add --name A --bogus
expect_one_line 2 "unknown or incomplete option '--bogus'" "person add --bogus: exit 2, one line"
run "$SKYDD" media list --state 'in use'
expect_one_line 2 "letters, digits" "media list --state with a space: exit 2, one line"

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"

new_user rut registrar H && RUT=$UID_OUT && new_user carl chief KH && CARL=$UID_OUT &&
	new_user sara ssc KH && new_user stig staff KH && STIG=$UID_OUT &&
	new_user olof auditor K && new_user adam admin none && ADAM=$UID_OUT
enrolled "${ADAM:-}" "a registrar, the chief, an ssc, staff, an auditor and an admin are enrolled"

# ---- persons ----
as rut person add --name "Olle Utan Inlogg" --unit "Enhet 2" --json
P_OLLE=$(json_num id "$T/out")
checks "person add (registrar): exit 0, an id" '[ "$RC" -eq 0 ] && [ -n "$P_OLLE" ]'
# rut's clearance (KH) is a decision on her person, made with it: the login has its person
as rut person add --name "Rut Registrator" --identity "$RUT"
expect_one_line 1 "already person" "person add --identity of a login given a clearance: exit 1 (its person exists)"
person_of "Rut Registrator" "$RUT" && P_RUT=$PID_OUT
as rut person show "$P_RUT"
checks "the login's person shows the login and the clearance in force" \
	'[ "$RC" -eq 0 ] && grep -Eq "^identity_id +$RUT\$" "$T/out" && grep -Eq "^status +active\$" "$T/out" && grep -Eq "^clearance +(BH|K|H|KH)\$" "$T/out"'
as adam person add --name "Adam Admin" --identity "$ADAM"
checks "an admin records a person who has a login" '[ "$RC" -eq 0 ]'
as adam person add --name "Utan Konto"
expect_one_line 1 "login" "an admin recording a person without a login: exit 1, one line"
as stig person add --name "X"
expect_one_line 1 "." "staff may not record persons: exit 1, one line"
as rut person add --name "Dubbel" --identity "$RUT"
expect_one_line 1 "already person" "a login linked twice: exit 1, one line"
refused_unchanged 400 '"code":"invalid_field".*"field":"name"|"field":"name".*"code":"invalid_field"' \
	"POST /persons with an empty name: 400 naming name" POST /api/v1/persons rut '{"name":""}'
refused_unchanged 400 '"field":"colour"' "POST /persons with an unknown field: 400 naming it" \
	POST /api/v1/persons rut '{"name":"A","colour":"blue"}'
refused_unchanged 400 '"field":"identity_id"' "POST /persons with identity_id \"7\": 400 naming it" \
	POST /api/v1/persons rut '{"name":"A","identity_id":"7"}'
refused_unchanged 403 'forbidden' "POST /persons as staff: 403" POST /api/v1/persons stig '{"name":"A"}'
refused_unchanged 409 '"field":"identity_id"' "POST /persons with a linked identity: 409 naming it" \
	POST /api/v1/persons rut "{\"name\":\"A\",\"identity_id\":$RUT}"
refused_unchanged 404 '"field":"id"' "PATCH /persons/999: 404" PATCH /api/v1/persons/999 rut '{"name":"B"}'
as rut person update "$P_OLLE" --name "Olle Ohlsson"
checks "person update --name: exit 0, the new name" \
	'[ "$RC" -eq 0 ] && grep -Eq "^name +Olle Ohlsson\$" "$T/out" && grep -Eq "^unit +Enhet 2\$" "$T/out"'
as olof person list
checks "person list (auditor): a table with the persons" \
	'[ "$RC" -eq 0 ] && grep -q "^ID" "$T/out" && grep -q "Olle Ohlsson" "$T/out"'
api GET /api/v1/persons stig
expect_api 403 forbidden "GET /persons as staff: 403"
api GET "/api/v1/persons?status=ended" rut
expect_api 200 '"persons":\[\]' "GET /persons?status=ended: none yet"
api GET "/api/v1/persons?status=gone" rut
expect_api 400 '"field":"status"' "GET /persons?status=gone: 400 naming status"

# ---- approved spaces ----
as sara space add --kind container --name "Kassaskåp 1" --class KH --decision SSC-1
expect_one_line 1 "5 kap\. 10 §" "the ssc approving a KH container: exit 1, one line citing 5 kap. 10 §"
as carl space add --kind container --name "Kassaskåp 1" --class KH --decision HC-1 --json
KHBOX=$(json_num id "$T/out")
checks "the head approves a KH container" '[ "$RC" -eq 0 ] && [ -n "$KHBOX" ]'
as sara space add --kind container --name "Skåp H" --location "Plan 3" --class H --decision SSC-2
BOX=$(sed -n 's/^id  *//p' "$T/out")
checks "the ssc approves an H container (decided by, on, reference shown)" \
	'[ "$RC" -eq 0 ] && grep -Eq "^decided_on +$TODAY\$" "$T/out" && grep -Eq "^decision_ref +SSC-2\$" "$T/out"'
as sara space add --kind conversation --name "Sammanträdesrum" --class H --decision SSC-3 --json
CONV=$(json_num id "$T/out")
checks "a room for conversations" '[ "$RC" -eq 0 ] && [ -n "$CONV" ]'
refused_unchanged 403 forbidden "POST /spaces as the registrar: 403" POST /api/v1/spaces rut \
	'{"kind":"container","name":"X","max_class":"K","decision_ref":"R"}'
refused_unchanged 400 '"field":"max_class"' "POST /spaces with max_class SECRET: 400 naming it" \
	POST /api/v1/spaces sara '{"kind":"container","name":"X","max_class":"SECRET","decision_ref":"R"}'
refused_unchanged 400 '"field":"kind"' "POST /spaces with kind garage: 400 naming it" \
	POST /api/v1/spaces sara '{"kind":"garage","name":"X","max_class":"K","decision_ref":"R"}'
refused_unchanged 400 '"field":"decision_ref"' "POST /spaces without decision_ref: 400 naming it" \
	POST /api/v1/spaces sara '{"kind":"container","name":"X","max_class":"K"}'
refused_unchanged 400 '"field":"decided_on"' "POST /spaces decided in the future: 400 naming it" \
	POST /api/v1/spaces sara '{"kind":"container","name":"X","max_class":"K","decision_ref":"R","decided_on":"2999-01-01"}'
refused_unchanged 403 '"field":"max_class"' "PATCH a container to KH as the ssc: 403" \
	PATCH "/api/v1/spaces/$BOX" sara '{"max_class":"KH","decision_ref":"R2"}'
refused_unchanged 400 '"field":"decision_ref"' "a new class without a decision_ref: 400" \
	PATCH "/api/v1/spaces/$BOX" sara '{"max_class":"K"}'
as stig space list
expect_one_line 1 "." "staff may not list spaces: exit 1, one line"
as olof space list --kind container
checks "space list --kind container (auditor): both containers, no room" \
	'[ "$RC" -eq 0 ] && grep -q "Skåp H" "$T/out" && ! grep -q "Sammanträdesrum" "$T/out"'

# ---- systems and distributors ----
as sara system add --name "Ärendesystemet" --class K --decision IS-1 --json
SYS=$(json_num id "$T/out")
checks "system add (ssc)" '[ "$RC" -eq 0 ] && [ -n "$SYS" ]'
as rut system add --name "Annat" --class K
expect_one_line 1 "." "the registrar may not add systems: exit 1"
refused_unchanged 409 '"field":"name"' "a second system with the same name: 409 naming name" \
	POST /api/v1/systems sara '{"name":"Ärendesystemet","max_class":"H"}'
as sara distributor add --name "Kurir AB" --contact "010-1" --decision D-1 --json
DIST=$(json_num id "$T/out")
checks "distributor add (ssc)" '[ "$RC" -eq 0 ] && [ -n "$DIST" ]'
as sara distributor update "$DIST" --status withdrawn
checks "distributor update --status withdrawn" '[ "$RC" -eq 0 ] && grep -Eq "^status +withdrawn\$" "$T/out"'
refused_unchanged 400 '"field":"status"' "PATCH a distributor with status gone: 400" \
	PATCH "/api/v1/distributors/$DIST" sara '{"status":"gone"}'
as olof distributor list
checks "distributor list (auditor)" '[ "$RC" -eq 0 ] && grep -q "Kurir AB" "$T/out"'
as olof system show "$SYS"
checks "system show (auditor)" '[ "$RC" -eq 0 ] && grep -Eq "^max_class +K\$" "$T/out"'

# ---- storage media ----
as rut media add --identifier USB-0001 --type usb --class H --space "$BOX"
M1=$(sed -n 's/^id  *//p' "$T/out")
checks "media add: marked with class and identifier (3 kap. 11 §)" \
	'[ "$RC" -eq 0 ] && grep -Eq "^marking +H USB-0001\$" "$T/out" && grep -Eq "^state +in_use\$" "$T/out"'
as rut media add --identifier USB-0001 --type usb --class K --space "$BOX"
expect_one_line 1 "identifier" "a duplicate identifier: exit 1, one line"
refused_unchanged 409 '"field":"identifier"' "POST /media with a duplicate identifier: 409" \
	POST /api/v1/media rut "{\"identifier\":\"USB-0001\",\"type\":\"usb\",\"class\":\"K\",\"space_id\":$BOX}"
refused_unchanged '409|422' '"field":"space_id"' "a medium in a room for conversations: refused naming space_id" \
	POST /api/v1/media rut "{\"identifier\":\"U2\",\"type\":\"usb\",\"class\":\"K\",\"space_id\":$CONV}"
refused_unchanged '409|422' '"field":"system_id"' "an H medium in a system approved for K: refused (3 kap. 1 §)" \
	POST /api/v1/media rut "{\"identifier\":\"U2\",\"type\":\"disk\",\"class\":\"H\",\"space_id\":$BOX,\"system_id\":$SYS}"
refused_unchanged 403 '"field":"class"' "a KH medium above the registrar's clearance: 403 naming class" \
	POST /api/v1/media rut "{\"identifier\":\"U2\",\"type\":\"usb\",\"class\":\"KH\",\"space_id\":$KHBOX}"
refused_unchanged 400 '"field":"space_id"' "both space_id and holder_id: 400" \
	POST /api/v1/media rut "{\"identifier\":\"U2\",\"type\":\"usb\",\"class\":\"K\",\"space_id\":$BOX,\"holder_id\":$P_OLLE}"
refused_unchanged 400 '"field":"type"' "type floppy: 400 naming type" \
	POST /api/v1/media rut "{\"identifier\":\"U2\",\"type\":\"floppy\",\"class\":\"K\",\"space_id\":$BOX}"
refused_unchanged 403 forbidden "POST /media as the auditor: 403" \
	POST /api/v1/media olof "{\"identifier\":\"U2\",\"type\":\"usb\",\"class\":\"K\",\"space_id\":$BOX}"
as sara media add --identifier KH-DISK --type disk --class KH --space "$KHBOX" --fixed yes --json
MKH=$(json_num id "$T/out")
checks "the ssc (KH) registers a fixed KH medium" '[ "$RC" -eq 0 ] && [ -n "$MKH" ] && grep -q "\"fixed\":true" "$T/out"'
api GET "/api/v1/media/$MKH" rut
expect_api 404 not_found "the H registrar does not see the KH medium: 404"
as rut media list
checks "media list (registrar, H): the H medium, not the KH one" \
	'[ "$RC" -eq 0 ] && grep -q "USB-0001" "$T/out" && ! grep -q "KH-DISK" "$T/out"'
as olof media list
checks "media list (auditor, K): neither the H nor the KH medium" \
	'[ "$RC" -eq 0 ] && ! grep -q "USB-0001" "$T/out" && ! grep -q "KH-DISK" "$T/out"'

# the container holds a medium: no lowering, no withdrawal
refused_unchanged 409 '"field":"max_class".*medium|medium.*"field":"max_class"' \
	"lowering a container below the medium it holds: 409" \
	PATCH "/api/v1/spaces/$BOX" sara '{"max_class":"K","decision_ref":"SSC-9"}'
as sara space withdraw "$BOX" --reason "flytt"
expect_one_line 1 "still holds medium $M1" "withdrawing a container that holds a medium: exit 1, naming it"

# hand over to a person: the person cannot end
as rut media update "$M1" --holder "$P_OLLE"
checks "media update --holder: handed over" \
	'[ "$RC" -eq 0 ] && grep -Eq "^holder_id +$P_OLLE\$" "$T/out" && grep -Eq "^space_id +-\$" "$T/out"'
refused_unchanged 409 "medium $M1" "ending a person who holds a medium: 409 naming it" \
	POST "/api/v1/persons/$P_OLLE/end" rut '{}'
as rut media update "$M1" --space "$BOX"
checks "media update --space: back in the container" '[ "$RC" -eq 0 ] && grep -Eq "^space_id +$BOX\$" "$T/out"'
as rut person end "$P_OLLE" --on "$TODAY"
checks "person end: exit 0, ended today" \
	'[ "$RC" -eq 0 ] && grep -Eq "^status +ended\$" "$T/out" && grep -Eq "^ended_on +$TODAY\$" "$T/out"'
as rut person end "$P_OLLE"
expect_one_line 1 "already ended" "ending twice: exit 1, one line"
refused_unchanged '409|422' '"field":"holder_id"' "handing a medium to an ended person: refused" \
	PATCH "/api/v1/media/$M1" rut "{\"holder_id\":$P_OLLE}"

# decommission, reuse, destroy, lost
as rut media add --identifier USB-0002 --type usb --class K --space "$BOX" --json
M2=$(json_num id "$T/out")
as rut media decommission "$M2"
expect_one_line 2 "--method is required" "decommission without --method: exit 2"
as rut media decommission "$M2" --method "avmagnetisering"
checks "media decommission: state decommissioned, method recorded" \
	'[ "$RC" -eq 0 ] && grep -Eq "^state +decommissioned\$" "$T/out" && grep -Eq "^end_method +avmagnetisering\$" "$T/out"'
as rut media decommission "$M2" --method "igen"
expect_one_line 1 "decommissioned" "decommissioning twice: exit 1, one line"
as rut media reuse "$M2" --method "överskrivning"
checks "media reuse after decommission" '[ "$RC" -eq 0 ] && grep -Eq "^state +reused\$" "$T/out"'

as rut media add --identifier USB-0003 --type usb --class K --space "$BOX" --json
M3=$(json_num id "$T/out")
as rut person add --name "Vera Vittne" --json
P_VERA=$(json_num id "$T/out")
refused_unchanged 400 '"field":"performer_id"' "destroy without performer_id: 400 naming it" \
	POST "/api/v1/media/$M3/destroy" rut '{"method":"kross"}'
refused_unchanged 400 '"field":"witness_id"' "the performer as their own witness: 400" \
	POST "/api/v1/media/$M3/destroy" rut "{\"method\":\"kross\",\"performer_id\":$P_RUT,\"witness_id\":$P_RUT}"
as rut media destroy "$M3" --method "kross" --performer "$P_RUT" --witness "$P_VERA" --on "$TODAY"
checks "media destroy: a destruction record (3 kap. 22–23 §§)" \
	'[ "$RC" -eq 0 ] && grep -Eq "^state +destroyed\$" "$T/out" && grep -Eq "^destruction.witness_id +$P_VERA\$" "$T/out" && grep -Eq "^destruction.method +kross\$" "$T/out"'
api GET "/api/v1/media/$M3" olof
expect_api 200 '"destruction":\{[^}]*"performer_id":'"$P_RUT" "the auditor reads the destruction record"

as rut media add --identifier USB-0004 --type usb --class K --holder "$P_RUT" --json
M4=$(json_num id "$T/out")
as rut media lost "$M4" --note "saknas"
checks "media lost: state lost, a lost case opened" \
	'[ "$RC" -eq 0 ] && grep -Eq "^state +lost\$" "$T/out" && grep -Eq "^lost_cases +[0-9]+ open\$" "$T/out"'
as rut media list --state lost
checks "media list --state lost" '[ "$RC" -eq 0 ] && grep -q "USB-0004" "$T/out" && ! grep -q "USB-0001" "$T/out"'
refused_unchanged 409 '"field":"id"' "reporting a lost medium lost again: 409" \
	POST "/api/v1/media/$M4/lost" rut '{"note":"x"}'
refused_unchanged 404 '"field":"id"' "decommissioning a medium that does not exist: 404" \
	POST /api/v1/media/999/decommission rut '{"method":"x"}'

# the container, emptied, is lowered and withdrawn
as rut media decommission "$M1" --method "kross"
as sara space update "$BOX" --class K --decision SSC-10
checks "space update --class K with a new decision: decided by the ssc" \
	'[ "$RC" -eq 0 ] && grep -Eq "^max_class +K\$" "$T/out" && grep -Eq "^decision_ref +SSC-10\$" "$T/out"'
as sara space withdraw "$BOX" --reason "rivs"
checks "space withdraw: withdrawn" '[ "$RC" -eq 0 ] && grep -Eq "^status +withdrawn\$" "$T/out"'
refused_unchanged 403 '"field":"max_class"' "withdrawing the KH container as the ssc: 403" \
	POST "/api/v1/spaces/$KHBOX/withdraw" sara '{"reason":"x"}'

# --json is the API's JSON
as olof space show "$KHBOX" --json
checks "space show --json prints the API's JSON" \
	'[ "$RC" -eq 0 ] && grep -q "\"space\"" "$T/out" && grep -q "\"max_class\": *\"KH\"" "$T/out"'

# ---- the ledger replays to the same tables ----
stop_server
replay_check "skydd verify --replay: the projections equal the ledger's replay"

finish
