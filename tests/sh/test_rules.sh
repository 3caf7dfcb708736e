#!/bin/sh
# The compliance engine from the outside: skydd rules (the table, --json, and
# the traceability document, which must be the committed one), skydd check
# (usage errors, exit status 1 on an open high finding and 0 without, filters,
# the fake clock), and the API with curl and the CLI against a running server:
# rules, findings with the chapters, an exemption that covers a finding (and
# stops covering once expired), rights, deadlines, the trend, and the
# calendar feed behind its revocable key.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup python3 cmp
AS_URL=yes # the CLI is given --url

# jq-less JSON checks: py_true EXPR FILE — true when EXPR over the parsed document j is.
py_true() {
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$2"
}

# ---- rules and the traceability document ----
run "$SKYDD" rules
checks "skydd rules lists the rules" '[ "$RC" -eq 0 ] && grep -q "^doc.inventory.overdue  *3 kap. 21 §  *high" "$T/out"'
run "$SKYDD" rules --json
checks "skydd rules --json: at least 30 rules with references and tests" \
	'[ "$RC" -eq 0 ] && py_true "len(j) >= 30 and all(r[\"ref\"] and r[\"tests\"] for r in j)" "$T/out"'
run "$SKYDD" rules --markdown
if [ "$RC" -eq 0 ] && cmp -s "$T/out" docs/pmfs-traceability.md; then
	ok "docs/pmfs-traceability.md is the one skydd rules --markdown generates"
else
	not_ok "docs/pmfs-traceability.md is out of date: skydd rules --markdown > docs/pmfs-traceability.md"
fi
run "$SKYDD" rules --json --markdown
checks "skydd rules --json --markdown: usage error, exit 2" '[ "$RC" -eq 2 ] && one_line_stderr'
for cmd in check rules exemption; do
	run "$SKYDD" $cmd --help
	checks "skydd $cmd --help prints its usage, exit 0" '[ "$RC" -eq 0 ] && grep -q "^usage: skydd $cmd" "$T/out"'
done

# ---- skydd check: usage ----
run "$SKYDD" check
checks "check without --data: exit 2, one line" '[ "$RC" -eq 2 ] && one_line_stderr'
run "$SKYDD" check --data "$T/none"
checks "check of a missing instance: exit 2" '[ "$RC" -eq 2 ] && one_line_stderr'

init_instance

run "$SKYDD" check --data "$I" --severity urgent
checks "check --severity urgent: exit 2" '[ "$RC" -eq 2 ] && one_line_stderr'
run "$SKYDD" check --data "$I" --ref 9:1
checks "check --ref 9:1: exit 2" '[ "$RC" -eq 2 ] && one_line_stderr'
run "$SKYDD" check --data "$I" --rule no.such.rule
checks "check --rule of an unknown rule: exit 2" '[ "$RC" -eq 2 ] && one_line_stderr'

# ---- skydd check: the findings and the exit status ----
run "$SKYDD" check --data "$I"
checks "a new instance: anna has no confirmed TOTP yet (4 kap. 9 §): exit 1" \
	'[ "$RC" -eq 1 ] && grep -q "identity.totp.missing.*identity/1" "$T/out"'
run "$SKYDD" check --data "$I" --rule analysis.missing
checks "a new instance has no security protection analysis (2 kap. 1 och 10 §§): a high finding, exit 1" \
	'[ "$RC" -eq 1 ] && grep -q "analysis.missing" "$T/out" && grep -q "^1 open (1 high)" "$T/out"'
run "$SKYDD" check --data "$I" --ref 4 --json
checks "check --ref 4 --json: the findings (anna, bosse) with their reference, object and message" \
	'[ "$RC" -eq 1 ] && py_true "j[\"counts\"][\"open_high\"] == 2 and all(f[\"ref\"] == \"4 kap. 9 §\" for f in j[\"findings\"]) and sorted(f[\"object\"][\"label\"] for f in j[\"findings\"]) == [\"anna\", \"bosse\"]" "$T/out"'
run "$SKYDD" check --data "$I" --ref 3
checks "check --ref 3: nothing in chapter 3, exit 0" '[ "$RC" -eq 0 ] && grep -q "^0 open" "$T/out"'
run "$SKYDD" check --data "$I" --severity medium --rule ledger.verify.age
checks "check --rule ledger.verify.age: verified... the instance is new, exit 0" '[ "$RC" -eq 0 ] && grep -q "^0 open" "$T/out"'
run env SKYDD_CLOCK_OFFSET=$((40 * 86400)) "$SKYDD" check --data "$I" --rule ledger.verify.age
checks "40 days later: the log has not been verified (4 kap. 29 §), medium: exit 0" \
	'[ "$RC" -eq 0 ] && grep -q "ledger.verify.age" "$T/out" && grep -q "^1 open (0 high)" "$T/out"'

# ---- a server ----
need_server

login_anna "anna (ssc, admin) logs in and enrols her TOTP"
bosse_in
expect_rc 0 "bosse (admin) logs in and enrols his TOTP"

run "$SKYDD" check --data "$I" --ref 4
checks "after the enrolment: no open high finding in 4 kap., exit 0" '[ "$RC" -eq 0 ] && ! grep -q identity.totp.missing "$T/out"'

# bob: an identity that has not enrolled (a high finding), with the staff role;
# bosse creates the account, anna (who did not) decides its clearance and role
as bosse user create --username bob --name Bob --clearance none --json
BOB=$(sed -n 's/.*"identity":{[^}]*"id":\([0-9]*\).*/\1/p' "$T/out")
BOB_OTP=$(json_str one_time_password "$T/out")
as anna user update "$BOB" --clearance K
as anna grant create --identity "$BOB" --role staff --decision T-1 --from "$TODAY"
expect_rc 0 "anna grants bob staff"
run "$SKYDD" check --data "$I"
checks "bob without TOTP: exit 1" '[ "$RC" -eq 1 ] && grep -q "identity.totp.missing.*identity/$BOB" "$T/out"'

api GET /api/v1/rules anna
expect_api 200 '"id":"doc.inventory.overdue"' "GET /api/v1/rules"
api GET /api/v1/findings anna
expect_api 200 '"rule":"identity.totp.missing"' "GET /api/v1/findings lists bob's finding"
checks "the findings carry the status per chapter (4 kap.: major gaps)" \
	'py_true "[c for c in j[\"chapters\"] if c[\"chapter\"] == 4][0][\"level\"] == \"major\"" "$T/resp"'
checks "an empty register is not green: 5 kap. not checked (no spaces, no areas), 2 kap. names the missing analysis" \
	'py_true "(lambda c: c[5][\"level\"] == \"unchecked\" and {\"space\", \"area\"} <= {m[\"need\"] for m in c[5][\"missing\"]} and c[2][\"level\"] != \"ok\" and \"analysis\" in [m[\"need\"] for m in c[2][\"missing\"]] and c[2][\"missing\"][0][\"sv\"] == \"ingen säkerhetsskyddsanalys\")({c[\"chapter\"]: c for c in j[\"chapters\"]})" "$T/resp"'
api GET "/api/v1/findings?ref=3:21&severity=high" anna
expect_api 200 '"findings":\[\]' "GET /api/v1/findings?ref=3:21&severity=high: none"
api GET "/api/v1/findings?ref=x" anna
expect_api 400 '"field":"ref"' "GET /api/v1/findings?ref=x: 400 naming ref"
api GET "/api/v1/findings?rule=nope" anna
expect_api 400 '"field":"rule"' "GET /api/v1/findings?rule=nope: 400 naming rule"

# an exemption (8 kap. 2 §) covering bob's finding
as anna exemption create --reference "Säpo 2026-1" --granted-by Säkerhetspolisen \
	--granted-on "$TODAY" --rules identity.totp.missing --objects "identity/$BOB" \
	--until "$TODAY" --json
checks "skydd exemption create records the exemption" '[ "$RC" -eq 0 ] && grep -q "\"state\":\"active\"" "$T/out"'
EX=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$T/out" | head -n 1)
as anna exemption create --reference x --granted-by y --granted-on "$TODAY" --rules nope \
	--until "$TODAY"
checks "an exemption for an unknown rule is refused naming scope_rules, exit 2" \
	'[ "$RC" -eq 2 ] && grep -q scope_rules "$T/err"'
run "$SKYDD" check --data "$I" --ref 4
checks "the covered finding is listed as covered, exit 0" \
	'[ "$RC" -eq 0 ] && grep -q "identity/$BOB.*covered by exemption $EX" "$T/out"'
api GET /api/v1/findings anna
expect_api 200 '"status":"covered"' "GET /api/v1/findings: covered, not hidden"
api GET "/api/v1/findings?status=open&ref=4" anna
expect_api 200 '"open":0' "GET /api/v1/findings?status=open leaves it out"
run env SKYDD_CLOCK_OFFSET=86400 "$SKYDD" check --data "$I"
checks "the next day the exemption has expired: the finding is open, exit 1" \
	'[ "$RC" -eq 1 ] && ! grep -q "covered by" "$T/out"'
as anna exemption list
checks "skydd exemption list" '[ "$RC" -eq 0 ] && grep -q "Säpo 2026-1" "$T/out"'
api GET /api/v1/exemptions/$EX anna
expect_api 200 '"granted_by":"Säkerhetspolisen"' "GET /api/v1/exemptions/ID"
api GET /api/v1/exemptions/999 anna
expect_api 404 'not_found' "GET /api/v1/exemptions/999: 404"

# bob enrols; he is staff: no findings, no exemptions, his own deadlines only
enrol bob "$BOB_OTP"
expect_rc 0 "bob logs in"
api GET /api/v1/findings bob
expect_api 403 'forbidden' "staff may not read the findings: 403"
api POST /api/v1/exemptions bob '{"reference":"x","granted_by":"y","granted_on":"'"$TODAY"'","scope_rules":"identity.totp.missing","valid_until":"'"$TODAY"'"}'
expect_api 403 'forbidden' "staff may not record an exemption: 403"
api GET /api/v1/deadlines bob
expect_api 200 '"deadlines":\[\]' "GET /api/v1/deadlines as staff: only his own (none)"
api POST /api/v1/exemptions/$EX/revoke anna '{"reason":"upphävt"}'
expect_api 200 '"state":"revoked"' "POST /api/v1/exemptions/ID/revoke"

api GET "/api/v1/deadlines?days=366" anna
expect_api 200 '"kind":"grant_expiry"' "GET /api/v1/deadlines?days=366: anna's privileged grant ends within the year"
api GET /api/v1/trend anna
expect_api 200 "\"day\":\"$TODAY\"" "GET /api/v1/trend has today's snapshot"

# the calendar feed
api POST /api/v1/me/calendar anna '{}'
expect_api 201 '"key":"skc_' "POST /api/v1/me/calendar gives a secret key"
KEY=$(json_str key "$T/resp")
STATUS=$(curl -s -o "$T/resp" -D "$T/hdr" -w '%{http_code}' "$URL/api/v1/calendar.ics?key=$KEY")
checks "GET /api/v1/calendar.ics?key=…: an iCalendar with the deadlines" \
	'[ "$STATUS" = 200 ] && grep -qi "^content-type: text/calendar" "$T/hdr" && grep -q "^BEGIN:VCALENDAR" "$T/resp" && grep -q "^SUMMARY:Privilegierad behörighet upphör" "$T/resp"'
STATUS=$(curl -s -o "$T/resp" -w '%{http_code}' "$URL/api/v1/calendar.ics?key=skc_0123456789abcdef")
checks "a wrong key: 404" '[ "$STATUS" = 404 ]'
api DELETE /api/v1/me/calendar anna
checks "DELETE /api/v1/me/calendar: 204" '[ "$STATUS" = 204 ]'
STATUS=$(curl -s -o "$T/resp" -w '%{http_code}' "$URL/api/v1/calendar.ics?key=$KEY")
checks "the revoked key: 404" '[ "$STATUS" = 404 ]'

# 4 kap. 29 §: a verification through the API resets the rule's clock
api POST /api/v1/ledger/verify anna '{}'
expect_api 200 '"ok":true' "POST /api/v1/ledger/verify"
run env SKYDD_CLOCK_OFFSET=$((20 * 86400)) "$SKYDD" check --data "$I" --rule ledger.verify.age
checks "20 days after the verification: no ledger.verify.age finding" '[ "$RC" -eq 0 ] && grep -q "^0 open" "$T/out"'

finish
