#!/bin/sh
# The security logs over the API (issue 14, "Use"): search with filters and
# words, paging, one message with its proof, the export bundle (a download
# recorded as export.made, verifiable by `skydd seclog verify-export`), the
# status; need-to-know (a reader without the right sees nothing, and a
# message of another source is "not found"), bad input named by field.
# The seeded messages are of sources 1-3: they are registered for a system
# whose logs anna (ssc) is given the right to read by the head — nobody
# decides their own; anyone else reads none.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
SECLOGLOAD=$BUILD/tools/seclogload
reg_setup python3 sqlite3
need_file "$SECLOGLOAD"
init_instance
run "$SECLOGLOAD" seed "$I" 300
expect_rc 0 "300 messages seeded"
run "$SKYDD" seclog reindex --data "$I"
expect_rc 0 "indexed"
need_server
login_anna "anna (ssc) logs in"
new_user david chief
as anna system add --name Loggtestnätet --class H --json
SYS=$(json_num id "$T/out")
for k in 1 2 3; do
	as anna log-source add --name "källa-$k" --system "$SYS" --transport relp --address "127.0.0.1$k" --json
	checks "source $k registered as number $k (the seeded messages name it)" "[ \"\$(json_num id \"\$T/out\")\" = $k ]"
done
as david log-reader grant --system "$SYS" --identity 1 --json
checks "the head gives anna the right to read the system's logs" '[ "$RC" -eq 0 ]'

# GET /me says whether the page has anything for the caller: a keeper of the sources (the
# ssc), a reader given the right — not the head, who reads no source
api GET /api/v1/me anna
expect_api 200 '"seclog": *true' "/me: the security-log page is for anna (the ssc)"
api GET /api/v1/me david
expect_api 200 '"seclog": *false' "/me: not for david (the head, no reader's right)"
new_user erik auditor H && ERIK=$UID_OUT
api GET /api/v1/me erik
expect_api 200 '"seclog": *false' "/me: not for erik (auditor) before he is given the right"
as anna log-reader grant --system "$SYS" --identity "$ERIK" --json
checks "the ssc gives erik the right to read the system's logs" '[ "$RC" -eq 0 ]'
api GET /api/v1/me erik
expect_api 200 '"seclog": *true' "/me: for erik once he reads the system's logs"

api GET '/api/v1/seclog/messages?q=failed%20password&limit=10' anna
expect_api 200 '"messages":\[' "search by words"
checks "ten messages, all with the words, and a cursor" \
	"[ \"\$(py \"len(d['messages'])\" \"\$T/resp\")\" -eq 10 ] && py \"all('Failed password' in m['text'] for m in d['messages']) and d['next'] is not None\" \"\$T/resp\" | grep -q True"
next=$(py "d['next']" "$T/resp")
api GET "/api/v1/seclog/messages?q=failed%20password&limit=10&before=$next" anna
checks "the next page goes on below the cursor" \
	"py \"all(m['index'] < $next for m in d['messages']) and len(d['messages']) == 10\" \"\$T/resp\" | grep -q True"
api GET '/api/v1/seclog/messages?severity=0&host=fw1.example.se' anna
checks "severity and host filters" \
	"py \"len(d['messages']) > 0 and all(m['severity'] == 0 and m['host'] == 'fw1.example.se' for m in d['messages'])\" \"\$T/resp\" | grep -q True"
# a host name as long as RFC 5424 allows (255) is searched; one longer is refused naming host
H255=$(printf 'h%.0s' $(seq 1 255))
api GET "/api/v1/seclog/messages?host=$H255" anna
expect_api 200 '"messages":\[\]' "a 255-character host name is searched (RFC 5424's bound)"
api GET "/api/v1/seclog/messages?host=${H255}h" anna
expect_api 400 '"field":"host"' "a 256-character host name is refused, naming host"
api GET '/api/v1/seclog/messages?q=%22NEAR(%20OR%20*' anna
expect_api 200 '"messages":\[\]' "FTS syntax in the words is searched as words, not run"
api GET '/api/v1/seclog/messages/5' anna
expect_api 200 '"proof":\{"checkpoint"' "one message with its proof"
api GET '/api/v1/seclog/messages/0' anna
expect_api 200 '"index":0' "message 0 is there too"
api GET '/api/v1/seclog/messages/300' anna
expect_api 404 '"reason":"seclog.no_message"' "no message 300"
api GET '/api/v1/seclog/status' anna
checks "status: size, indexed, checkpoint and three sources" \
	"py \"d['size'] == 300 and d['indexed'] == 300 and d['checkpoint']['size'] == 300 and len(d['sources']) == 3\" \"\$T/resp\" | grep -q True"

# bad input names its field and changes nothing
for bad in 'limit=0:limit' 'limit=1001:limit' 'severity=8:severity' 'host=a%20b:host' \
	'from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z:to' 'q=a%01:q' 'before=x:before'; do
	api GET "/api/v1/seclog/messages?${bad%:*}" anna
	expect_api 400 "\"field\":\"${bad##*:}\"" "refused: ${bad%:*}"
done

# export: a download, recorded in the registers' ledger, verifiable offline
before=$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = 'export.made'")
api POST /api/v1/seclog/export anna '{"q":"inloggning","source":3}'
checks "export: 200, a download" \
	"[ \"\$STATUS\" = 200 ] && grep -qi 'content-disposition: attachment; filename=\"sakerhetslogg-' \"\$T/hdr\""
cp "$T/resp" "$T/bundle.json"
checks "50 messages of source 3 in the bundle" \
	"[ \"\$(py \"d['count']\" \"\$T/bundle.json\")\" -eq 50 ]"
run "$SKYDD" seclog verify-export --data "$I" "$T/bundle.json"
expect_rc 0 "the downloaded bundle verifies with the verifier key alone"
after=$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = 'export.made'")
checks "the export is recorded as export.made ($before -> $after)" "[ \"$after\" -eq $((before + 1)) ]"
checks "... with what, rows and the hash of the bytes" \
	"sq \"\$I/skydd.db\" \"SELECT entry FROM ledger WHERE kind = 'export.made' ORDER BY seq DESC LIMIT 1\" | grep -q '\"rows\":50.*\"what\":\"seclog\"'"
api POST /api/v1/seclog/export anna '{"severity":9}'
expect_api 400 '"field":"severity"' "export with a bad severity refused"

# need-to-know: a staff member without the right sees nothing at all
new_user carl staff
enrolled "$UID_OUT" "carl (staff) is enrolled"
api GET '/api/v1/seclog/messages?q=failed' carl
expect_api 200 '"messages":\[\]' "carl finds nothing"
api GET '/api/v1/seclog/messages/5' carl
expect_api 404 '"reason":"seclog.no_message"' "carl is told message 5 does not exist, not that it is forbidden"
api GET '/api/v1/seclog/status' carl
expect_api 200 '"sources":\[\]' "carl's status names no source"
checks "carl is not told how big the log is" \
	"[ \"\$(py \"(d['size'], d['indexed'], d['checkpoint'])\" \"\$T/resp\")\" = '(0, 0, None)' ]"
api GET '/api/v1/seclog/messages?q=failed' carl
checks "nor in a search" "[ \"\$(py \"(d['size'], d['indexed'])\" \"\$T/resp\")\" = '(0, 0)' ]"
api GET '/api/v1/seclog/status' anna
checks "anna (the ssc) is: 300 messages" "[ \"\$(py \"d['size']\" \"\$T/resp\")\" = 300 ]"
api GET /api/v1/me carl
expect_api 200 '"seclog": *false' "/me: the security-log page is not for carl"
N0=$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = 'export.made'")
api POST /api/v1/seclog/export carl '{}'
expect_api 404 '"reason":"seclog.no_reader"' "carl may export nothing: 404 (an empty bundle would tell the log's size)"
checks "... and nothing is recorded as exported" \
	"[ \"\$(sq \"\$I/skydd.db\" \"SELECT count(*) FROM ledger WHERE kind = 'export.made'\")\" = \"$N0\" ]"
finish
