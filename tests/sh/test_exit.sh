#!/bin/sh
# Exit talks (avslutande säkerhetssamtal, 6 kap. 6 §) through the CLI and the
# API against a running 'skydd serve': an ended person without a talk is a
# finding until the ssc or the personnel-security function records the talk
# (day, who held it, reminded of the duty of confidentiality) or why it was
# obviously unnecessary; one per ending; nobody records their own; readers
# only; bad input answers 4xx naming the field and changes nothing; the
# person's page shows it; 'skydd verify --replay' rebuilds it.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 python3

# ---- help and usage, no server needed ----
run "$SKYDD" exit --help
checks "exit --help lists every subcommand, exit 0" \
	'[ "$RC" -eq 0 ] && grep -q "^usage: skydd exit list" "$T/out" && grep -q "exit record" "$T/out"'
run "$SKYDD" exit record --outcome held --reminded yes
expect_one_line 2 "--person is required" "exit record without --person: exit 2, one line"
run "$SKYDD" exit record --person x --outcome held --reminded yes
expect_one_line 2 "--person must be a number" "exit record --person x: exit 2, one line"

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"
new_user rut registrar H && new_user pia personnel KH && PIA=$UID_OUT && new_user olof auditor K &&
	new_user stig staff K && OLOF=$UID_OUT
enrolled "${OLOF:-}" "a registrar, the personnel-security function, an auditor and staff are enrolled"
as rut person add --name "Lena Lämnar" --json
P_LENA=$(json_num id "$T/out")
as rut person add --name "Kim Kort" --json
P_KIM=$(json_num id "$T/out")
as rut person add --name "Pia Personal" --identity "$PIA" --json 2>/dev/null
P_PIA=$(sq "$I/skydd.db" "SELECT id FROM person WHERE identity_id = $PIA")
checks "three persons (one is pia's login)" '[ -n "$P_LENA" ] && [ -n "$P_KIM" ] && [ -n "$P_PIA" ]'

# ---- the finding: ended without an exit talk ----
as rut person end "$P_LENA"
checks "Lena ends: exit 0" '[ "$RC" -eq 0 ]'
api GET /api/v1/findings anna
expect_api 200 "\"person.exit_talk.missing\"" "the finding: Lena ended without an exit talk"
api GET "/api/v1/persons/$P_LENA" anna
checks "Lena's page: the exit talk is due and may be recorded" \
	'[ "$(py "(d[\"person\"].get(\"exit_talk\") or {}).get(\"due\")" "$T/resp")" = True ] && [ "$(py "d[\"person\"][\"exit_talk\"][\"may_record\"]" "$T/resp")" = True ]'
api GET "/api/v1/persons/$P_LENA" rut
checks "the registrar (not a reader of exit talks) sees nothing of it" \
	'[ "$STATUS" = 200 ] && ! grep -q "exit_talk" "$T/resp"'

# ---- refusals that change nothing ----
# shellcheck disable=SC2034 # read by the checks (eval)
BEFORE=$(db_hash "SELECT * FROM exit_talk" "SELECT count(*) FROM ledger")
as rut exit record --person "$P_LENA" --outcome held --reminded yes
expect_one_line 1 "." "the registrar may not record an exit talk: exit 1, one line"
as anna exit record --person "$P_LENA" --outcome held --reminded no
expect_one_line 2 "confidentiality" "a talk without the reminder of tystnadsplikt: exit 1, one line"
as anna exit record --person "$P_LENA" --outcome held --reminded yes --on 2999-01-01
expect_one_line 2 "held_on" "a talk in the future: exit 1, one line"
as anna exit record --person 999 --outcome held --reminded yes
expect_one_line 1 "." "an unknown person: exit 1, one line"
as anna exit record --person "$P_LENA" --outcome held --reminded yes --by-person "$P_LENA"
expect_one_line 2 "own exit talk" "Lena holding her own talk: exit 1, one line"
as anna exit record --person "$P_LENA" --outcome held --reminded yes --by-person "$P_KIM" --by-identity "$PIA"
expect_one_line 2 "once" "held by a person and a login at once: exit 1, one line"
as anna exit record --person "$P_LENA" --outcome unnecessary
expect_one_line 2 "reason" "unnecessary without a reason: exit 2, one line"
as anna exit record --person "$P_LENA" --outcome unnecessary --reason "Aldrig del" --reminded yes
expect_one_line 2 "reminded" "unnecessary with a reminder: exit 2, one line"
as anna exit record --person "$P_LENA" --outcome maybe
expect_one_line 2 "outcome" "an unknown outcome: exit 2, one line"
as pia exit record --person "$P_PIA" --outcome held --reminded yes
expect_one_line 1 "own login" "pia recording her own exit talk: exit 1, one line"
refused_unchanged 400 '"field":"reminded"' "POST /exit-talks with reminded \"yes\" as text: 400 naming reminded" \
	POST /api/v1/exit-talks anna "{\"person_id\":$P_LENA,\"outcome\":\"held\",\"reminded\":\"yes\"}"
refused_unchanged 400 '"field":"person_id"' "POST /exit-talks without person_id: 400 naming it" \
	POST /api/v1/exit-talks anna '{"outcome":"held","reminded":true}'
refused_unchanged 400 '"field":"reason"' "POST /exit-talks unnecessary with a blank reason: 400 naming reason" \
	POST /api/v1/exit-talks anna "{\"person_id\":$P_LENA,\"outcome\":\"unnecessary\",\"reason\":\"  \"}"
refused_unchanged 403 '.' "the auditor may not record one: 403" \
	POST /api/v1/exit-talks olof "{\"person_id\":$P_LENA,\"outcome\":\"held\",\"reminded\":true}"
checks "nothing changed by the refusals" \
	'[ "$BEFORE" = "$(db_hash "SELECT * FROM exit_talk" "SELECT count(*) FROM ledger")" ]'

# ---- the good path ----
as pia exit record --person "$P_LENA" --outcome held --on "$TODAY" --reminded yes --json
# shellcheck disable=SC2034 # read by the checks (eval)
T1=$(json_num id "$T/out")
checks "pia records Lena's exit talk: exit 0, an id" '[ "$RC" -eq 0 ] && [ -n "$T1" ]'
checks "... held by pia's login, reminded" \
	'[ "$(sq "$I/skydd.db" "SELECT held_by_identity_id || \"/\" || reminded || \"/\" || outcome FROM exit_talk WHERE id = $T1")" = "$PIA/1/held" ]'
api GET /api/v1/findings anna
checks "... and the finding goes" '[ "$STATUS" = 200 ] && ! grep -q "\"person.exit_talk.missing\"" "$T/resp"'
api GET "/api/v1/persons/$P_LENA" olof
checks "the auditor sees on Lena's page that the talk is held, and may not record" \
	'[ "$(py "d[\"person\"][\"exit_talk\"][\"talk\"][\"outcome\"]" "$T/resp")" = held ] && [ "$(py "d[\"person\"][\"exit_talk\"][\"may_record\"]" "$T/resp")" = False ]'
refused_unchanged 409 '"reason":"exit.recorded"' "a second talk for the same ending: 409" \
	POST /api/v1/exit-talks anna "{\"person_id\":$P_LENA,\"outcome\":\"held\",\"reminded\":true}"
as anna exit record --person "$P_KIM" --outcome unnecessary --reason "Hade aldrig del av säkerhetsskyddsklassificerade uppgifter" --json
checks "anna records why Kim's talk is unnecessary: exit 0" '[ "$RC" -eq 0 ] && [ "$(sq "$I/skydd.db" "SELECT outcome || \"/\" || coalesce(held_on, \"-\") FROM exit_talk WHERE person_id = $P_KIM")" = "unnecessary/-" ]'
as anna exit record --person "$P_PIA" --outcome held --reminded yes --by-person "$P_KIM"
checks "anna records pia's talk, held by Kim: exit 0" '[ "$RC" -eq 0 ]'
as olof exit list --json
checks "the auditor lists the three" '[ "$RC" -eq 0 ] && [ "$(py "len(d[\"exit-talks\"])" "$T/out")" = 3 ]'
api GET /api/v1/exit-talks stig
expect_api 403 '.' "staff may not read exit talks: 403"
api GET /api/v1/exit-talks rut
expect_api 403 '.' "the registrar may not read exit talks: 403"

# ---- the entries, and replay ----
checks "three exit_talk.recorded entries" \
	'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'"'exit_talk.recorded'"'"'")" -eq 3 ]'
stop_server
replay_check "verify --replay rebuilds the exit talks"

finish
