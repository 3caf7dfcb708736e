#!/bin/sh
# E-mail reminders of Att göra (issue 15) through a real 'skydd serve' and a
# local SMTP sink (tests/sh/smtp_sink.py, Python's smtpd on a free loopback
# port): the serve options and their bad values (exit 2, one line); one's own
# address and an admin's or the ssc's, strictly validated (header injection),
# shown only to the identity itself and the security log's readers; a run by
# POST /api/v1/reminders/send sends exactly one mail to the one person with
# something to do, in Swedish, with the receipt line and nothing classified;
# each run is a reminders.sent entry without addresses; the daily run is not
# repeated after a restart; a mail server that is down is reported and the
# server keeps serving; without --smtp the route answers 409; verify --replay.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup python3 sqlite3
AS_URL=yes # the server restarts with other options: the CLI is given --url
SINK=$(dirname "$0")/smtp_sink.py
SINK_PID=""
MAIL=$T/mail

stop_sink() {
	[ -n "$SINK_PID" ] && kill -TERM "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
	SINK_PID=""
}
trap 'stop_sink; reg_cleanup' EXIT
trap 'stop_sink; reg_cleanup; exit 130' INT
trap 'stop_sink; reg_cleanup; exit 143' TERM

# serve_with ARGS...: start_server with extra 'skydd serve' options (no spaces in them).
serve_with() {
	SERVE_ARGS="$*"
	if ! start_server; then
		not_ok "skydd serve $* answers /healthz"
		diag "$(cat "$T/serve.log")"
		finish
	fi
	SERVE_ARGS=
}

# mails: how many messages the sink has written.
mails() {
	find "$MAIL" -name '*.eml' 2>/dev/null | wc -l | tr -d ' '
}

# wait_for CMD...: up to 5 s for the shell command to be true.
wait_for() {
	_i=0
	while [ "$_i" -lt 50 ] && ! eval "$1"; do
		sleep 0.1
		_i=$((_i + 1))
	done
	eval "$1"
}

# ---- the options, no server needed ----
run "$SKYDD" serve --help
checks "serve --help names --smtp, --smtp-from, --remind-hour and --public-url" \
	'[ "$RC" -eq 0 ] && grep -q -- "--smtp URL" "$T/out" && grep -q -- "--smtp-from ADDR" "$T/out" && grep -q -- "--remind-hour H" "$T/out" && grep -q -- "--public-url URL" "$T/out"'
D=$T/nodir
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:1 --smtp ftp://127.0.0.1:25 --smtp-from a@example.se
checks "--smtp ftp://…: exit 2, one line" 'rc_one_line 2 && grep -q "smtp://" "$T/err"'
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:1 --smtp smtp://127.0.0.1:25
checks "--smtp without --smtp-from: exit 2, one line" 'rc_one_line 2 && grep -q -- "--smtp-from" "$T/err"'
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:1 --smtp smtp://127.0.0.1:25 --smtp-from 'a@example.se>'
checks "--smtp-from with an angle bracket: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:1 --smtp-from a@example.se
checks "--smtp-from without --smtp: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:1 --smtp smtp://u:p@127.0.0.1:25 --smtp-from a@example.se
checks "credentials in the URL: exit 2, one line" 'rc_one_line 2 && grep -q -- "--smtp-password-file" "$T/err"'
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:1 --smtp smtp://127.0.0.1:25 --smtp-from a@example.se --remind-hour 24
checks "--remind-hour 24: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:1 --smtp smtp://127.0.0.1:25 --smtp-from a@example.se --public-url 'javascript:alert(1)'
checks "--public-url that is no http(s) URL: exit 2, one line" 'rc_one_line 2 && grep -q -- "--public-url" "$T/err"'
printf 'hemligt\n' >"$T/pw"
chmod 644 "$T/pw"
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:1 --smtp smtp://127.0.0.1:25 --smtp-from a@example.se --smtp-user u --smtp-password-file "$T/pw"
checks "a password file readable by others: exit 2, one line" 'rc_one_line 2 && grep -q "chmod 600" "$T/err"'
run "$SKYDD" serve --data "$D" --listen 127.0.0.1:1 --smtp smtp://127.0.0.1:25 --smtp-from a@example.se --smtp-user u
checks "--smtp-user without --smtp-password-file: exit 2, one line" 'rc_one_line 2'

# ---- the sink, an instance, its people ----
python3 "$SINK" "$MAIL" "$T/sink.port" 2>"$T/sink.err" &
SINK_PID=$!
wait_for '[ -s "$T/sink.port" ]'
SPORT=$(cat "$T/sink.port" 2>/dev/null)
checks "the SMTP sink listens on a loopback port" '[ -n "$SPORT" ]'
[ -n "$SPORT" ] || finish

init_instance
# --remind-hour 0: the daily run is due at once (nobody has an address yet)
serve_with --smtp "smtp://127.0.0.1:$SPORT" --smtp-from skydd@example.se \
	--public-url https://skydd.example.se --remind-hour 0
login_anna "anna (ssc, admin) logs in"
checks "the log says reminders are on" 'grep -q "reminders by e-mail" "$T/serve.log"'
new_user rut registrar && RUT=$UID_OUT && new_user carl chief && CARL=$UID_OUT &&
	new_user stig staff && STIG=$UID_OUT
enrolled "${STIG:-}" "a registrar, the chief and a staff member are enrolled"
wait_for '[ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'reminders.sent'"'")" -ge 1 ]'
checks "the daily run went at start and is recorded (nothing to send: 0 recipients)" \
	'[ "$(sq "$I/skydd.db" "SELECT json_extract(entry, '"'\$.data.recipients'"') FROM ledger WHERE kind = '"'reminders.sent'"' AND json_extract(entry, '"'\$.data.trigger'"') = '"'daily'"'")" = 0 ] && [ "$(mails)" = 0 ]'

# a pending receipt for stig: an H copy of a document with a telling title
person_of "Stig Staff" "$STIG" && P_STIG=$PID_OUT
api POST /api/v1/spaces carl '{"kind":"container","name":"Kassaskåp 1","max_class":"KH","decision_ref":"C-1"}'
BOX=$(json_num id "$T/resp")
new_doc "{\"title\":\"Nordljus fältövning\",\"class\":\"H\",\"form\":\"physical\",\"pages\":4,\"case_number\":\"2026/99\",\"person_ids\":[$P_STIG]}"
DESIG=$(json_str designation "$T/resp")
api POST "/api/v1/documents/$DOC/copies" rut "{\"space_id\":$BOX}"
api GET "/api/v1/copies?document_id=$DOC" rut
C1=$(json_num id "$T/resp")
api POST "/api/v1/copies/$C1/issue" rut "{\"person_id\":$P_STIG}"
expect_api 200 '"state":"issued"' "an H copy is issued to Stig (a pending receipt)"
api GET /api/v1/me/todo stig
expect_api 200 '"count":1,"kind":"receipts"' "Stig's Att göra: one receipt to sign"

# ---- addresses: one's own, strictly ----
SIZE0=$(ledger_size)
api POST /api/v1/me/email stig '{"email":"stig@example.se\r\nBcc: spion@example.com"}'
checks "an address with CR/LF and a second header: 400 naming email" \
	'[ "$STATUS" = 400 ] && grep -q "\"field\":\"email\"" "$T/resp"'
for bad in 'stig example.se' 'stig@example.se, spion@example.com' '<stig@example.se>' \
	'Stig <stig@example.se>' 'stig@@example.se' 'stig@localhost' '.stig@example.se' \
	'stig@-example.se' 'stig"@example.se' 'stig@exämple.se'; do
	api POST /api/v1/me/email stig "{\"email\":\"$(printf '%s' "$bad" | sed 's/"/\\"/g')\"}"
	checks "a bad address is refused: $bad (400 identity.email_format)" \
		'[ "$STATUS" = 400 ] && grep -q "\"reason\":\"identity.email_format\"" "$T/resp"'
done
LONG=$(printf 'a%.0s' $(seq 1 65))
api POST /api/v1/me/email stig "{\"email\":\"$LONG@example.se\"}"
checks "a local part over 64 characters: 400" '[ "$STATUS" = 400 ]'
checks "the refusals changed nothing" '[ "$(ledger_size)" = "$SIZE0" ]'
api POST /api/v1/me/email stig '{"email":"stig@example.se"}'
expect_api 200 '"email":"stig@example.se"' "Stig sets his own address; GET /me shows it"
checks "recorded as identity.updated by Stig himself" \
	'[ "$(sq "$I/skydd.db" "SELECT actor || '"' '"' || json_extract(entry, '"'\$.data.email'"') FROM ledger WHERE kind = '"'identity.updated'"' ORDER BY seq DESC LIMIT 1")" = "$STIG stig@example.se" ]'

# ... and another's: the admin or the ssc, not the head, not a registrar
api PATCH "/api/v1/identities/$RUT" carl '{"email":"rut@example.se"}'
expect_api 403 '"reason":"identity.email_by"' "the head may not set another's address: 403"
api PATCH "/api/v1/identities/$RUT" rut '{"email":"rut@example.se"}'
expect_api 403 '"forbidden"' "a registrar may not PATCH identities: 403"
api PATCH "/api/v1/identities/$RUT" anna '{"email":"rut@example"}'
expect_api 400 '"field":"email"' "the ssc with a bad address: 400 naming email"
api PATCH "/api/v1/identities/$RUT" anna '{"email":"rut@example.se"}'
expect_api 200 '"email":"rut@example.se"' "the ssc sets Rut's address"
as anna user update "$RUT" --email 'rut at example.se'
checks "CLI: user update --email with a bad address: exit 2, one line naming email" 'rc_one_line 2 && grep -q "(email)" "$T/err"'
as anna user update "$RUT" --email rut.r@example.se
checks "CLI: user update --email sets it, user show says it" \
	'[ "$RC" -eq 0 ] && grep -q "^email  *rut.r@example.se" "$T/out"'
as anna user update "$RUT" --email rut@example.se

# need-to-know: the identity itself and the readers of the security log
api GET "/api/v1/identities/$STIG" rut
expect_api 403 '"forbidden"' "a registrar does not read Stig's identity (nor his address)"
api GET "/api/v1/identities/$STIG" anna
expect_api 200 '"email":"stig@example.se"' "the ssc does"
api GET /api/v1/me rut
expect_api 200 '"email":"rut@example.se"' "Rut sees her own address"
checks "and only her own" '! grep -q "stig@example.se" "$T/resp"'

# ---- sending ----
api POST /api/v1/reminders/send stig
expect_api 403 '"forbidden"' "staff may not send reminders: 403"
api POST /api/v1/reminders/send carl
expect_api 403 '"forbidden"' "nor the head: 403"
api POST /api/v1/reminders/send anna
expect_api 200 '"recipients":1.*"sent":1|"sent":1.*"recipients":1' \
	"the ssc sends now: one recipient (Rut has an address but nothing to do), one sent"
wait_for '[ "$(mails)" -ge 1 ]'
checks "the sink got exactly one mail" '[ "$(mails)" = 1 ]'
checks "to Stig's address alone, from the configured sender" \
	'[ "$(sed -n 2,99p "$MAIL/1.env")" = "stig@example.se" ] && [ "$(sed -n 1p "$MAIL/1.env")" = "skydd@example.se" ]'
cat >"$T/mail.py" <<'PY'
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
body = m.get_body().get_content()
what = sys.argv[2]
if what == "subject": print(m["subject"])
elif what == "to": print(m["to"])
elif what == "type": print(m.get_content_type(), m.get_content_charset(), m["content-transfer-encoding"])
elif what == "body": sys.stdout.write(body)
elif what == "headers": print(len(m.keys()))
elif what == "raw_ok":
    # none over 78 characters, nothing but ASCII on the wire (smtpd hands lines over
    # with LF: the CRLF of the message itself is the unit test's)
    lines = raw.replace(b"\r\n", b"\n").split(b"\n")
    print(all(len(l) <= 78 for l in lines) and b"\r" not in raw.replace(b"\r\n", b"") and all(b < 128 for b in raw))
PY
checks "Subject: Att göra i skydd (RFC 2047, decoded)" \
	'[ "$(python3 "$T/mail.py" "$MAIL/1.eml" subject)" = "Att göra i skydd" ]'
checks "To: Stig's address" '[ "$(python3 "$T/mail.py" "$MAIL/1.eml" to)" = "<stig@example.se>" ] || [ "$(python3 "$T/mail.py" "$MAIL/1.eml" to)" = "stig@example.se" ]'
checks "plain text, UTF-8, quoted-printable" \
	'[ "$(python3 "$T/mail.py" "$MAIL/1.eml" type)" = "text/plain utf-8 quoted-printable" ]'
checks "lines of at most 78 characters, ASCII on the wire" \
	'[ "$(python3 "$T/mail.py" "$MAIL/1.eml" raw_ok)" = True ]'
python3 "$T/mail.py" "$MAIL/1.eml" body >"$T/body"
checks "the body has the receipt line of Att göra, in Swedish" 'grep -q "^- Kvittenser att skriva under: 1$" "$T/body"'
checks "only that line (nothing of another role's)" '[ "$(grep -c "^- " "$T/body")" = 1 ]'
checks "the server's URL" 'grep -q "https://skydd.example.se" "$T/body"'
checks "the notice: no classified information, and how to stop" \
	'grep -q "inga säkerhetsskyddsklassificerade uppgifter" "$T/body" && grep -q "Ta bort adressen" "$T/body"'
checks "nothing classified: no title, designation, case number, class or name" \
	'! grep -q "Nordljus" "$MAIL/1.eml" "$T/body" && ! grep -qF "$DESIG" "$T/body" && ! grep -q "2026/99" "$T/body" && ! grep -q "Stig" "$T/body" && ! grep -q "Kassaskåp" "$T/body"'

api GET '/api/v1/ledger?kind=reminders.&order=desc&limit=5' anna
checks "the run is in the Säkerhetslogg: reminders.sent, 1 recipient, by anna" \
	'[ "$STATUS" = 200 ] && grep -q "\"kind\":\"reminders.sent\"" "$T/resp" && grep -q "\"recipients\":1" "$T/resp" && grep -q "\"trigger\":\"manual\"" "$T/resp"'
checks "with no address in it" '! grep -q "example.se" "$T/resp"'
checks "the reminders.sent entries hold no address" \
	'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'reminders.sent'"' AND entry LIKE '"'%@%'"'")" = 0 ]'

# removing one's address stops the reminders
api POST /api/v1/me/email stig '{"email":""}'
expect_api 200 '"email":""' "Stig removes his address"
api POST /api/v1/reminders/send anna
expect_api 200 '"recipients":0' "the next run has nobody to send to"
checks "and the sink got nothing more" '[ "$(mails)" = 1 ]'
api POST /api/v1/me/email stig '{"email":"stig@example.se"}'

# a restart the same day does not send the daily run again
stop_server
serve_with --smtp "smtp://127.0.0.1:$SPORT" --smtp-from skydd@example.se --remind-hour 0
sleep 1
checks "after a restart, the day's daily run is not repeated" \
	'[ "$(mails)" = 1 ] && [ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'reminders.sent'"' AND json_extract(entry, '"'\$.data.trigger'"') = '"'daily'"'")" = 1 ]'

# STARTTLS is required off loopback: a host *name* (not localhost) is not loopback, whatever it
# resolves to; the sink offers no STARTTLS, so nothing is sent in clear
HOSTNAME_=$(hostname 2>/dev/null)
if [ -n "$HOSTNAME_" ] && [ "$HOSTNAME_" != localhost ] &&
	getent ahostsv4 "$HOSTNAME_" 2>/dev/null | head -n 1 | grep -q '^127\.0\.0\.1 '; then
	stop_server
	serve_with --smtp "smtp://$HOSTNAME_:$SPORT" --smtp-from skydd@example.se --remind-hour 23
	api POST /api/v1/reminders/send anna
	expect_api 200 '"failed":1' "smtp:// to a host name without STARTTLS: not sent"
	checks "libcurl's reason is logged, and the sink got nothing" \
		'grep -q "not sent: .*SSL" "$T/serve.log" && [ "$(mails)" = 1 ]'
else
	ok "# SKIP STARTTLS off loopback: $HOSTNAME_ does not resolve to 127.0.0.1 here"
fi

# ---- a mail server that is down ----
stop_sink
stop_server
DEAD=$SPORT # the sink's port, nothing listening now
serve_with --smtp "smtp://127.0.0.1:$DEAD" --smtp-from skydd@example.se --remind-hour 23
api POST /api/v1/reminders/send anna
expect_api 200 '"failed":1' "a refusing mail server: the run answers 1 failed"
checks "and says so on stderr, without the address" \
	'grep -q "reminders: identity $STIG: not sent" "$T/serve.log" && ! grep -q "stig@example.se" "$T/serve.log"'
checks "the failed run is recorded" \
	'[ "$(sq "$I/skydd.db" "SELECT json_extract(entry, '"'\$.data.failed'"') FROM ledger WHERE kind = '"'reminders.sent'"' ORDER BY seq DESC LIMIT 1")" = 1 ]'
api GET /api/v1/me/todo stig
expect_api 200 '"receipts"' "the server keeps serving"

# ---- without --smtp ----
stop_server
serve_with
api POST /api/v1/reminders/send anna
expect_api 409 '"reason":"reminders.not_configured"' "without --smtp: 409 with the reason"
stop_server

# ---- replay ----
replay_check "verify --replay: the addresses and the runs replay"
checks "the addresses are there after the replay" \
	'[ "$(sq "$I/skydd.db" "SELECT email FROM identity WHERE id = $STIG")" = "stig@example.se" ] && [ "$(sq "$I/skydd.db" "SELECT email FROM identity WHERE id = $RUT")" = "rut@example.se" ]'
finish
