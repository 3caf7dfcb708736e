#!/bin/sh
# Decisions about classified documents through the API and the CLI against a
# running 'skydd serve' (3 kap. 6–8, 15, 17, 19–20 §§): reclassification with
# the head's decision and the consultation, the ssc refused for KH, KH copy and
# carry-abroad decisions, KH recipients, the disclosure log, 404 for a staff
# member off the need-to-know list, the CLI's lines and exit codes, and
# 'skydd verify --replay' at the end.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup

# ---- help, no server needed ----
for cmd in "doc reclassify" "doc decide" "doc disclose"; do
	# shellcheck disable=SC2086
	run "$SKYDD" $cmd --help
	help_ok "$cmd --help prints its usage, exit 0" "^usage: skydd $cmd"
done
run "$SKYDD" doc reclassify --to H --reason x
expect_one_line 2 "document's number" "doc reclassify without an id: exit 2, one line"
run "$SKYDD" doc reclassify 1 --to H
expect_one_line 2 "required" "doc reclassify without --reason: exit 2, one line"
run "$SKYDD" doc decide 1 --recipients 1,x
expect_one_line 2 "person numbers" "doc decide --recipients with a non-number: exit 2, one line"
run "$SKYDD" doc disclose 1 --by 1 --to x
expect_one_line 2 "required" "doc disclose without --at and --how: exit 2, one line"

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"

new_user rut registrar && RUT=$UID_OUT && new_user carl chief && CARL=$UID_OUT &&
	new_user sara ssc && SARA=$UID_OUT && new_user stig staff && STIG=$UID_OUT &&
	new_user sten staff && STEN=$UID_OUT
enrolled "${STEN:-}" "the registrar, the chief, an ssc and two staff members are enrolled"

person_of "Carl Chef" "$CARL" && P_CARL=$PID_OUT &&
	person_of "Stig Staff" "$STIG" && P_STIG=$PID_OUT &&
	person_of "Sten Staff" "$STEN" && P_STEN=$PID_OUT &&
	person_of "Olle Utan Inlogg" "" && P_OLLE=$PID_OUT
checks "four persons are registered" '[ -n "${P_OLLE:-}" ]'
api POST /api/v1/systems sara '{"name":"Sys KH","max_class":"KH","decision_ref":"S-1"}'
SYS_KH=$(json_num id "$T/resp")
api POST /api/v1/systems sara '{"name":"Sys H","max_class":"H","decision_ref":"S-2"}'
SYS_H=$(json_num id "$T/resp")
checks "two information systems are approved" '[ -n "$SYS_KH" ] && [ -n "$SYS_H" ]'

NTK="\"person_ids\":[$P_CARL,$P_STIG]"
new_doc "{\"title\":\"Extern KH\",\"class\":\"KH\",\"form\":\"physical\",\"pages\":4,\"originator\":\"Försvarsmakten\",$NTK}" &&
	D_EXT=$DOC
new_doc "{\"title\":\"Egen KH\",\"class\":\"KH\",\"form\":\"physical\",\"pages\":2,$NTK}" && D_KH=$DOC
new_doc "{\"title\":\"KH el\",\"class\":\"KH\",\"form\":\"electronic\",\"system_id\":$SYS_KH,$NTK}" &&
	D_KHEL=$DOC
new_doc "{\"title\":\"H el\",\"class\":\"H\",\"form\":\"electronic\",\"system_id\":$SYS_H,$NTK}" &&
	D_HEL=$DOC
checks "four documents are registered" '[ -n "${D_HEL:-}" ]'

# ---- reclassification (3 kap. 6–7 §§) ----
api POST "/api/v1/documents/$D_EXT/reclassify" sara '{"to_class":"H","reason":"omprövad"}'
expect_api 422 '"field":"decided_by".*|3 kap\. 7 §' "the ssc lowering KH is refused citing 3 kap. 7 §"
grep -q '3 kap. 7 §' "$T/resp" || diag "no citation: $(cat "$T/resp")"
api POST "/api/v1/documents/$D_EXT/reclassify" carl '{"to_class":"H","reason":"omprövad"}'
expect_api 422 '3 kap\. 7 §.*consultation|"field":"consultation"' \
	"the chief without a consultation (external originator) is refused"
api POST "/api/v1/documents/$D_EXT/reclassify" rut \
	"{\"to_class\":\"H\",\"reason\":\"omprövad\",\"decided_by\":$CARL,\"consultation\":\"FM samrådd\"}"
expect_api 200 '"to_class":"H"' "the registrar records the chief's decision with the consultation"
api POST "/api/v1/documents/$D_EXT/reclassify" rut '{"to_class":"Q","reason":"x"}'
expect_api 400 '"field":"to_class"' "an unknown class: 400 naming to_class"
api POST "/api/v1/documents/$D_EXT/reclassify" stig '{"to_class":"K","reason":"x"}'
expect_api 403 '"forbidden"' "staff may not reclassify: 403"
api POST "/api/v1/documents/$D_HEL/reclassify" sara '{"to_class":"KH","reason":"höjd"}'
expect_api 422 '3 kap\. 1 §.*Sys H' "raising above the system's approval names the system"

# ---- decisions (3 kap. 8, 19, 20 §§) ----
api POST "/api/v1/documents/$D_KH/decisions" sara '{"kind":"kh_copy","reference":"B-1"}'
expect_api 422 '3 kap\. 8 §' "the ssc deciding a KH copy is refused (3 kap. 8 §)"
api POST "/api/v1/documents/$D_KH/decisions" carl '{"kind":"kh_copy","reference":"B-1"}'
expect_api 201 '"kind":"kh_copy"' "the chief decides a KH copy: 201"
api POST "/api/v1/documents/$D_KH/decisions" sara '{"kind":"abroad","reference":"B-2"}'
expect_api 422 '3 kap\. 19 §' "carrying KH abroad is refused (3 kap. 19 §)"
api POST "/api/v1/documents/$D_HEL/decisions" sara '{"kind":"abroad","reference":"B-3"}'
expect_api 201 '"kind":"abroad"' "the ssc decides carrying an H document abroad: 201"
api GET "/api/v1/documents/$D_KH/decisions" stig
expect_api 200 '"decisions":\[\{' "staff on the need-to-know list reads the decisions"
api GET "/api/v1/documents/$D_KH/decisions" sten
expect_api 404 '"not_found"' "staff off the need-to-know list: 404"

# ---- KH recipients (15 §) and disclosures (17 §) ----
api POST "/api/v1/documents/$D_KH/kh-recipients" rut "{\"person_ids\":[$P_STIG]}"
expect_api 422 '3 kap\. 15 §' "recipients of a KH physical document are refused"
api POST "/api/v1/documents/$D_KHEL/kh-recipients" rut "{\"person_ids\":[$P_STIG,$P_OLLE]}"
expect_api 200 '"kh_recipients":\[\{.*Olle' "recipients of a KH electronic document are noted"
api POST "/api/v1/documents/$D_KHEL/kh-recipients" rut "{\"person_ids\":[$P_OLLE]}"
expect_api 409 '"conflict"' "a recipient noted twice: 409"
api POST "/api/v1/documents/$D_HEL/disclosures" rut \
	"{\"disclosed_by\":$P_STIG,\"recipient\":\"FMV\",\"occurred_at\":\"$TODAY\",\"how\":\"told\"}"
expect_api 422 '3 kap\. 17 §' "a disclosure of an H document is refused"
api POST "/api/v1/documents/$D_KH/disclosures" stig \
	"{\"disclosed_by\":$P_OLLE,\"recipient\":\"FMV\",\"occurred_at\":\"$TODAY\",\"how\":\"told\"}"
expect_api 422 '3 kap\. 17 §' "staff noting someone else's disclosure is refused"
api POST "/api/v1/documents/$D_KH/disclosures" sten \
	"{\"disclosed_by\":$P_STEN,\"recipient\":\"FMV\",\"occurred_at\":\"$TODAY\",\"how\":\"told\"}"
expect_api 404 '"not_found"' "a disclosure by staff off the need-to-know list: 404"

# ---- the CLI ----
as stig doc disclose "$D_KH" --by "$P_STIG" --to "Utredare FMV" --at "$TODAY" --how shown
if [ "$RC" -eq 0 ] && grep -q "Utredare FMV" "$T/out"; then
	ok "doc disclose: staff notes their own disclosure, the log is shown"
else
	not_ok "doc disclose: staff notes their own disclosure, the log is shown"
	show_output
fi
as rut doc disclose "$D_KH" --json
checks "doc disclose --json lists the log" 'grep -q "\"how\":\"shown\"" "$T/out"'
as sara doc reclassify "$D_KH" --to H --reason "omprövad"
expect_one_line 1 "3 kap\. 7 §" "doc reclassify by the ssc lowering KH: exit 1, one line citing 3 kap. 7 §"
as carl doc reclassify "$D_KH" --to H --reason "omprövad"
checks "doc reclassify by the chief (own document): exit 0" '[ "$RC" -eq 0 ]'
as sara doc reclassify "$D_KH" --to none --reason "offentliggjord"
checks "doc reclassify --to none declassifies: exit 0" '[ "$RC" -eq 0 ]'
as sara doc decide "$D_KH" --kind abroad --reference B-9
expect_one_line 1 "declassified" "a decision on a declassified document: exit 1, one line"
as rut doc decide "$D_KH"
if [ "$RC" -eq 0 ] && grep -Eq "kh_copy" "$T/out" && grep -Eq "none" "$T/out"; then
	ok "doc decide lists the decisions and the changes of class"
else
	not_ok "doc decide lists the decisions and the changes of class"
	show_output
fi
as rut doc decide "$D_KHEL" --recipients "$P_CARL"
checks "doc decide --recipients notes a KH recipient: exit 0" \
	'[ "$RC" -eq 0 ] && grep -q "Carl Chef" "$T/out"'
as sten doc decide "$D_KH"
expect_one_line 1 "no document" "doc decide by staff off the need-to-know list: exit 1, one line"

# ---- the ledger replays to the same tables ----
stop_server
replay_check "skydd verify --replay: the projections equal the ledger's replay"

finish
