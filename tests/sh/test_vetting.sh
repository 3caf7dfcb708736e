#!/bin/sh
# Vetting (säkerhetsprövning, 6 kap. 4–5 §§) and registerkontroll (7–15 §§)
# through the CLI and the API against a running 'skydd serve': the
# personnel-security function starts a vetting, records the basic
# investigation and the vetting interview (notes sealed: never in plain text
# in the database or the ledger), approves it with a clearance in the same
# transaction, records what follow-up needs and a follow-up conversation; a
# registerkontroll is drafted, refused while the form lacks what 7–11 §§
# require, sent and answered; a renewal trigger opens a finding that a
# renewing check resolves. Refusals change nothing; need-to-know: the chief,
# the registrar and the auditor are not described these registers, get 403
# on every route, no finding, and the Säkerhetslogg shows them no data
# field of these entries. Culling the person leaves the notes unreadable and
# refuses new ones; 'skydd verify --replay' rebuilds the instance.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 python3

SECRET_NOTE='Intervjuanteckning-HEMLIG-7Q'
FOLLOW_NOTE='Uppfoljning-HEMLIG-3Z'

# ---- help and usage, no server needed ----
run "$SKYDD" vetting --help
checks "vetting --help lists the commands, exit 0" \
	'[ "$RC" -eq 0 ] && grep -q "skydd vetting interview" "$T/out" && grep -q "skydd vetting followup" "$T/out"'
run "$SKYDD" regcheck --help
checks "regcheck --help lists the commands, exit 0" \
	'[ "$RC" -eq 0 ] && grep -q "skydd regcheck send" "$T/out" && grep -q "skydd regcheck trigger" "$T/out"'
run "$SKYDD" vetting interview 1 --on 2026-01-01 --interviewer x --loyalty maybe \
	--reliability yes --vulnerability yes --concluded yes
checks "vetting interview --loyalty maybe: exit 2, one line" '[ "$RC" -eq 2 ]'

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"
new_user persa personnel KH && PERSA=$UID_OUT
new_user rut registrar H && new_user cecilia chief KH && new_user olof auditor K && OLOF=$UID_OUT
enrolled "${OLOF:-}" "the personnel-security function, a registrar, the head and an auditor"
P_PERSA=$(sq "$I/skydd.db" "SELECT id FROM person WHERE identity_id = $PERSA")
person_of "Vera Vettad" "" none
P_VERA=$PID_OUT
checks "Vera is a person, and persa's login has one" '[ -n "$P_VERA" ] && [ -n "$P_PERSA" ]'

# ---- vetting: start, grundutredning, interview, decision with clearance ----
as persa vetting start --person "$P_VERA" --position 7 --json
V1=$(json_num id "$T/out")
checks "vetting start (personnel): exit 0, an id, open, position 7" \
	'[ "$RC" -eq 0 ] && [ -n "$V1" ] && grep -q "\"state\": *\"open\"" "$T/out" && grep -q "\"position_id\": *7" "$T/out"'
as persa vetting investigate "$V1" --on "$TODAY" --json
checks "the basic investigation recorded" '[ "$RC" -eq 0 ] && grep -q "\"investigation_on\": *\"$TODAY\"" "$T/out"'
as persa vetting interview "$V1" --on "$TODAY" --interviewer "Persa Personal" --loyalty yes \
	--reliability yes --vulnerability yes --concluded yes --notes "$SECRET_NOTE" --json
checks "the vetting interview recorded, concluded, its notes shown to personnel" \
	'[ "$RC" -eq 0 ] && grep -q "\"interview_concluded\": *true" "$T/out" && grep -q "$SECRET_NOTE" "$T/out"'
checks "the notes are sealed: not in plain text in the table or the ledger" \
	'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM vetting WHERE interview_notes LIKE '"'"'pd1:%'"'"'")" = 1 ] && ! grep -qa "$SECRET_NOTE" "$I/skydd.db" "$I"/skydd.db-wal 2>/dev/null && [ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE entry LIKE '"'"'%HEMLIG%'"'"'")" = 0 ]'
UNTIL=$(date -u -d '+1 year' +%F)
as persa vetting decide "$V1" --decision approved --reference SP-1 --clearance H --until "$UNTIL" --json
checks "approved, with the clearance decided in the same transaction" \
	'[ "$RC" -eq 0 ] && grep -q "\"state\": *\"approved\"" "$T/out"'
checks "the clearance rests on the vetting (basis vetting, vetting_id, class H)" \
	'[ "$(sq "$I/skydd.db" "SELECT class || basis || vetting_id || coalesce(valid_until, '"''"') FROM clearance WHERE person_id = $P_VERA AND state = '"'"'active'"'"'")" = "Hvetting$V1$UNTIL" ]'
as persa vetting info "$V1" --info "Behöver uppföljning av skulder" --next "$UNTIL" --json
checks "what follow-up needs (5 §), with the next follow-up" \
	'[ "$RC" -eq 0 ] && grep -q "skulder" "$T/out" && grep -q "\"next_followup\": *\"$UNTIL\"" "$T/out"'
as persa vetting followup "$V1" --on "$TODAY" --by "Persa Personal" --notes "$FOLLOW_NOTE" --json
checks "a follow-up conversation in the sub-list, its notes opened for personnel" \
	'[ "$RC" -eq 0 ] && grep -q "$FOLLOW_NOTE" "$T/out" && grep -q "\"held_by\": *\"Persa Personal\"" "$T/out"'
api GET "/api/v1/vettings" persa
expect_api 200 '"vettings"' "personnel lists the vettings"
checks "the list holds no sealed text" '! grep -q "pd1:" "$T/resp"'

# ---- refusals that change nothing ----
refused_unchanged 403 '"vetting.self"' "nobody starts a vetting of their own person" \
	POST /api/v1/vettings persa "{\"person_id\":$P_PERSA}"
api POST /api/v1/vettings anna "{\"person_id\":$P_VERA}"
V2=$(json_num id "$T/resp")
refused_unchanged 400 '"vetting.interview_incomplete"' \
	"concluded without vulnerability assessed: refused" POST "/api/v1/vettings/$V2/interview" persa \
	"{\"interview_on\":\"$TODAY\",\"interviewer\":\"X\",\"loyalty\":true,\"reliability\":true,\"vulnerability\":false,\"interview_concluded\":true}"
refused_unchanged 400 '"vetting.clearance_not_approved"' "a clearance on a not approved vetting: refused" \
	POST "/api/v1/vettings/$V2/decision" persa '{"decision":"not_approved","clearance_class":"K"}'
refused_unchanged 400 '"vetting.before_start"' "a basic investigation before the start: refused" \
	POST "/api/v1/vettings/$V2/investigation" persa '{"investigation_on":"2000-01-01"}'
refused_unchanged 400 '"field":"loyalty"' "loyalty not a boolean: 400 naming the field" \
	POST "/api/v1/vettings/$V2/interview" persa \
	"{\"interview_on\":\"$TODAY\",\"interviewer\":\"X\",\"loyalty\":\"ja\",\"reliability\":true,\"vulnerability\":true,\"interview_concluded\":true}"
refused_unchanged 409 '"record.state"' "a follow-up of an open vetting: refused" \
	POST "/api/v1/vettings/$V2/followup" persa "{\"held_on\":\"$TODAY\",\"held_by\":\"X\"}"

# ---- need-to-know: the head, the registrar, the auditor ----
for who in cecilia rut olof; do
	api GET /api/v1/vettings $who
	expect_api 403 'forbidden' "$who: GET /vettings is 403"
	api GET "/api/v1/vettings/$V1" $who
	expect_api '403|404' '.' "$who: GET /vettings/$V1 is 403 or 404"
	api GET /api/v1/regchecks $who
	expect_api 403 'forbidden' "$who: GET /regchecks is 403"
	refused_unchanged '403' 'forbidden' "$who: starting a vetting is 403" \
		POST /api/v1/vettings $who "{\"person_id\":$P_VERA}"
	api GET /api/v1/registers $who
	checks "$who is not described vettings, regchecks or the 15 § function" \
		'[ "$STATUS" = 200 ] && py "not {\"vettings\", \"regchecks\", \"regcheck_functions\"} & {r[\"name\"] for r in d[\"registers\"]}" "$T/resp" | grep -qx True'
done
for who in cecilia olof; do
	api GET '/api/v1/ledger?limit=500' $who
	checks "$who: the Säkerhetslogg shows no data field of vetting or registerkontroll entries" \
		'[ "$STATUS" = 200 ] && py "all(\"data\" not in e and e.get(\"redacted\") for e in d[\"entries\"] if e[\"object\"].split(\"/\")[0] in (\"vetting\", \"regcheck\", \"regcheck_function\")) and any(e[\"object\"].startswith(\"vetting/\") for e in d[\"entries\"])" "$T/resp" | grep -qx True && ! grep -q "pd1:\|HEMLIG\|skulder" "$T/resp"'
done
api GET '/api/v1/ledger?limit=500' anna
checks "the ssc reads the vetting entries' data (ciphertext only)" \
	'[ "$STATUS" = 200 ] && grep -q "pd1:" "$T/resp" && ! grep -q "HEMLIG" "$T/resp"'

# ---- registerkontroll ----
as persa regcheck add --person "$P_VERA" --position 7 --class 2 \
	--reason "Drift av H-nätet: tillgång till uppgifter om skyddsvärden" --consent "$TODAY" --spouse yes --json
R1=$(json_num id "$T/out")
checks "regcheck add: a draft" '[ "$RC" -eq 0 ] && [ -n "$R1" ] && grep -q "\"state\": *\"draft\"" "$T/out"'
as persa regcheck send "$R1" --json
checks "a complete application is sent" '[ "$RC" -eq 0 ] && grep -q "\"state\": *\"sent\"" "$T/out"'
as persa regcheck answer "$R1" --answer no_information --json
checks "the answer recorded" '[ "$RC" -eq 0 ] && grep -q "\"answer\": *\"no_information\"" "$T/out"'
api POST /api/v1/regchecks persa "{\"person_id\":$P_VERA,\"security_class\":\"1\",\"temporary\":true}"
R2=$(json_num id "$T/resp")
refused_unchanged 400 '"regcheck.control_reason"' "sent without a control reason: refused (11 §)" \
	POST "/api/v1/regchecks/$R2/send" persa '{}'
api PATCH "/api/v1/regchecks/$R2" persa '{"control_reason":"Ledning"}'
refused_unchanged 400 '"regcheck.consent"' "sent without consent: refused (10 §)" \
	POST "/api/v1/regchecks/$R2/send" persa '{}'
api PATCH "/api/v1/regchecks/$R2" persa "{\"consent_on\":\"$TODAY\"}"
refused_unchanged 400 '"regcheck.period"' "temporary without its period: refused (7 §)" \
	POST "/api/v1/regchecks/$R2/send" persa '{}'
api PATCH "/api/v1/regchecks/$R2" persa "{\"period_from\":\"$TODAY\",\"period_until\":\"$UNTIL\"}"
refused_unchanged 400 '"regcheck.government_decision"' "class 1 without the government's decision: refused (8 §)" \
	POST "/api/v1/regchecks/$R2/send" persa '{}'
api PATCH "/api/v1/regchecks/$R2" persa '{"government_decision":"Fö2026/1","supplier_agreement":"SUA-9"}'
refused_unchanged 422 '"regcheck.agreement_not_reported"' "supplier staff before the agreement was reported: refused (9 §)" \
	POST "/api/v1/regchecks/$R2/send" persa '{}'
refused_unchanged 400 '"regcheck.period_order"' "a period ending before it begins: refused" \
	PATCH "/api/v1/regchecks/$R2" persa '{"period_until":"2000-01-01"}'
api POST /api/v1/regchecks persa "{\"person_id\":$P_VERA,\"security_class\":\"3\",\"control_reason\":\"Bevakning\",\"consent_on\":\"$TODAY\"}"
R4=$(json_num id "$T/resp")
api POST "/api/v1/regchecks/$R4/send" persa '{}'
refused_unchanged 400 '"regcheck.trigger_class"' "marriage in class 3: no trigger (13 §)" \
	POST "/api/v1/regchecks/$R4/trigger" persa "{\"trigger_kind\":\"marriage\",\"trigger_on\":\"$TODAY\"}"
api POST "/api/v1/regchecks/$R1/trigger" persa "{\"trigger_kind\":\"marriage\",\"trigger_on\":\"$TODAY\"}"
api GET "/api/v1/regchecks/$R1" persa
checks "a marriage recorded as a renewal trigger, open" \
	'[ "$STATUS" = 200 ] && py "d[\"regcheck\"][\"open_triggers\"] == 1 and d[\"regcheck\"][\"triggers\"][0][\"kind\"] == \"marriage\"" "$T/resp" | grep -qx True'
api GET /api/v1/findings anna
checks "the ssc sees the finding of the trigger without a renewed check" \
	'[ "$STATUS" = 200 ] && grep -q "regcheck.renewal.missing" "$T/resp"'
for who in cecilia rut olof; do
	api GET /api/v1/findings $who
	checks "$who sees no vetting or registerkontroll finding at all" \
		'[ "$STATUS" = 200 ] && ! grep -q "\"rule\": *\"\(vetting\|regcheck\)\." "$T/resp"'
done
as persa regcheck add --person "$P_VERA" --class 2 --reason "Drift av H-nätet" --consent "$TODAY" \
	--renews "$R1" --json
R3=$(json_num id "$T/out")
api GET "/api/v1/regchecks/$R1" persa
checks "a renewing check resolves the trigger" \
	'[ -n "$R3" ] && py "d[\"regcheck\"][\"open_triggers\"] == 0 and d[\"regcheck\"][\"triggers\"][0][\"resolved_by\"] == $R3" "$T/resp" | grep -qx True'
as persa regcheck spouse-end "$R1" --ended "$TODAY" --reported "$TODAY" --json
checks "the ending of the spouse check (14 §)" '[ "$RC" -eq 0 ] && grep -q "\"spouse_reported_on\": *\"$TODAY\"" "$T/out"'
as persa regcheck-function add --function "Personalsäkerhetsfunktionen" --contact "Persa Personal" \
	--phone "08-123" --reported "$TODAY" --json
checks "the function for registerkontroller recorded (15 §)" '[ "$RC" -eq 0 ] && grep -q "\"state\": *\"current\"" "$T/out"'

# ---- culling ----
as anna person cull "$P_VERA" --decision G-1 --json
checks "the person's data culled" '[ "$RC" -eq 0 ]'
as persa vetting show "$V1" --json
checks "after culling the notes read as culled" \
	'[ "$RC" -eq 0 ] && grep -q "\"culled\": *true" "$T/out" && ! grep -q "$SECRET_NOTE\|$FOLLOW_NOTE" "$T/out"'
refused_unchanged 422 '"personnel.culled"' "no new sealed notes after culling" \
	POST "/api/v1/vettings/$V1/followup" persa "{\"held_on\":\"$TODAY\",\"held_by\":\"X\",\"followup_notes\":\"ny\"}"

stop_server
replay_check "verify --replay rebuilds vettings, follow-ups, registerkontroller and triggers"
finish
