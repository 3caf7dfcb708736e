# Shared helpers for the register suites (test_records, test_documents,
# test_decisions, test_io, test_inventory, test_rules, test_plans,
# test_analysis, test_incidents): an instance with a running 'skydd serve',
# logins with TOTP enrolment, API calls with curl, "nothing changed" checks.
# POSIX sh; sourced (it sources lib.sh), never run.

# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"

PW='Korrekt-Hast-Batteri-77'
SERVER_PID=""
SERVER_PIDS=""
STATUS=""

# reg_setup [PROG...]: needs $SKYDD, curl, oathtool, date, sed, grep and
# each PROG; then $T (setup_tmp) with traps that also stop every server
# started, a clean environment (no SKYDD_URL, token, CA, TOTP code or clock
# offset) and TODAY (UTC).
reg_setup() {
	need_file "$SKYDD"
	need_prog curl oathtool date sed grep "$@"
	setup_tmp
	trap reg_cleanup EXIT
	trap 'reg_cleanup; exit 130' INT
	trap 'reg_cleanup; exit 143' TERM
	unset SKYDD_URL SKYDD_TOKEN SKYDD_CACERT SKYDD_TOTP_CODE SKYDD_CLOCK_OFFSET
	TODAY=$(date -u +%F)
}

reg_cleanup() {
	for _p in $SERVER_PIDS; do
		kill -TERM "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	rm -rf "$T"
}

# stop_server: stops the server start_server started last (if any).
stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PIDS=$(echo " $SERVER_PIDS " | sed "s/ $SERVER_PID / /")
	fi
	SERVER_PID=""
}

# start_server [ENV...]: 'skydd serve' over $I on a free port (up to 10
# tries), with the environment assignments ENV and the serve options in
# $SERVE_ARGS (words without spaces); waits for /healthz and sets SERVER_PID,
# PORT and URL. Returns non-zero when no server answered.
start_server() {
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$(rand_between 20000 60999)
		# shellcheck disable=SC2086
		env "$@" "$SKYDD" serve --data "$I" --listen "127.0.0.1:$PORT" ${SERVE_ARGS:-} \
			>"$T/serve.log" 2>&1 &
		SERVER_PID=$!
		SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
		_i=0
		while [ "$_i" -lt 300 ] && kill -0 "$SERVER_PID" 2>/dev/null &&
			! curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
			sleep 0.1
			_i=$((_i + 1))
		done
		if curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
			URL=http://127.0.0.1:$PORT
			return 0
		fi
		stop_server
	done
	return 1
}

# need_server [ENV...]: start_server, or one "not ok" line and the end.
need_server() {
	if ! start_server "$@"; then
		not_ok "skydd serve answers /healthz"
		finish
	fi
}

# init_instance: 'skydd init' of I=$T/inst with anna as the first user (ssc
# and admin) and bosse as a second admin; anna's one-time password in $OTP and
# TOTP secret in $SECRET, bosse's one-time password in $BOSSE_OTP (or
# "not ok - init" and the end). Whoever creates an account never decides its
# clearance or roles (docs/internals/auth.md): bosse creates, anna decides.
init_instance() {
	I=$T/inst
	if ! "$SKYDD" init --data "$I" --user anna --admin bosse --json >"$T/init.json" \
		2>"$T/init.err"; then
		not_ok "init"
		diag "$(cat "$T/init.err")"
		finish
	fi
	# The admin's object comes first (sorted keys): the first match is anna's.
	OTP=$(sed -n 's/.*"identity_id":1,"one_time_password":"\([^"]*\)".*/\1/p' "$T/init.json")
	SECRET=$(sed -n 's/.*"identity_id":1,"one_time_password":"[^"]*","totp_secret":"\([^"]*\)".*/\1/p' \
		"$T/init.json")
	BOSSE_OTP=$(sed -n 's/.*"admin":{[^}]*"one_time_password":"\([^"]*\)".*/\1/p' "$T/init.json")
}

# login_anna DESC: anna's first login at $URL (new password, her TOTP
# secret from init), config in $T/cfg.anna; checked as DESC (exit 0).
login_anna() {
	mkdir -p "$T/cfg.anna"
	totp "$SECRET"
	printf '%s\n%s\n%s\n' "$OTP" "$PW" "$PW" >"$T/in"
	run env XDG_CONFIG_HOME="$T/cfg.anna" "$SKYDD" login --url "$URL" --user anna \
		--code "$CODE" <"$T/in"
	expect_rc 0 "$1"
}

# totp SECRET: the current TOTP code of the base32 SECRET in $CODE.
totp() {
	CODE=$(oathtool --totp -b "$1" -N "@$(date +%s)")
}

# enrol USER OTP: USER's first login (new password $PW, TOTP from the secret
# the CLI shows, kept in $T/secret.USER); config in $T/cfg.USER. True on exit 0.
enrol() {
	mkdir -p "$T/cfg.$1"
	printf '%s\n%s\n%s\n' "$2" "$PW" "$PW" >"$T/in"
	run env XDG_CONFIG_HOME="$T/cfg.$1" "$SKYDD" login --url "$URL" --user "$1" \
		--code 000000 <"$T/in"
	_secret=$(sed -n 's/^TOTP secret (base32): //p' "$T/out")
	printf '%s\n' "$_secret" >"$T/secret.$1"
	totp "$_secret"
	printf '%s\n%s\n%s\n' "$2" "$PW" "$PW" >"$T/in"
	run env XDG_CONFIG_HOME="$T/cfg.$1" SKYDD_TOTP_CODE="$CODE" "$SKYDD" login \
		--url "$URL" --user "$1" <"$T/in"
	[ "$RC" -eq 0 ]
}

# bosse_in: bosse (admin) enrols once, on first use (config in $T/cfg.bosse).
bosse_in() {
	[ -f "$T/bosse.enrolled" ] && return 0
	enrol bosse "$BOSSE_OTP" && : >"$T/bosse.enrolled"
}

# new_user NAME ROLE [CLEARANCE]: bosse (admin) creates identity NAME; anna
# (ssc), who did not create it, sets its clearance CLEARANCE (default KH) and
# grants ROLE from today (the admin role until six months from now); NAME
# enrols. Its identity id in $UID_OUT.
new_user() {
	UID_OUT=""
	bosse_in || return 1
	as bosse user create --username "$1" --name "$1" --clearance none --json
	_otp=$(json_str one_time_password "$T/out")
	UID_OUT=$(sed -n 's/.*"identity":{[^}]*"id":\([0-9]*\).*/\1/p' "$T/out")
	if [ "${3:-KH}" != none ]; then
		as anna user update "$UID_OUT" --clearance "${3:-KH}" --json
		[ "$RC" -eq 0 ] || return 1
	fi
	_until=""
	[ "$2" = admin ] && _until="--until $(date -u -d '+6 months' +%F)"
	# shellcheck disable=SC2086
	as anna grant create --identity "$UID_OUT" --role "$2" --decision T-1 --from "$TODAY" $_until
	[ "$RC" -eq 0 ] && enrol "$1" "$_otp"
}

# enrolled VALUE DESC: ok DESC when VALUE (the last new_user's id) is set,
# else "not ok", what the last command printed, and the end.
enrolled() {
	if [ -n "$1" ]; then
		ok "$2"
	else
		not_ok "$2"
		show_output
		finish
	fi
}

# as WHO CMD...: the CLI with WHO's session ($T/cfg.WHO); with AS_URL=yes
# "--url $URL" is appended (for suites whose server moves).
as() {
	_who=$1
	shift
	if [ "${AS_URL:-}" = yes ]; then
		run env XDG_CONFIG_HOME="$T/cfg.$_who" "$SKYDD" "$@" --url "$URL"
	else
		run env XDG_CONFIG_HOME="$T/cfg.$_who" "$SKYDD" "$@"
	fi
}

# py EXPR FILE: prints the python3 expression EXPR over the JSON in FILE
# (bound to d).
py() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$2"
}

# api METHOD PATH WHO [BODY]: the API at $URL with WHO's bearer token (from
# $T/cfg.WHO); BODY goes to curl --data-binary as JSON ("@FILE" sends a
# file). The body in $T/resp, the headers in $T/hdr, the status in $STATUS.
api() {
	_tok=$(sed -n 's/.*"token": *"\([^"]*\)".*/\1/p' "$T/cfg.$3/skydd/session")
	if [ $# -ge 4 ]; then
		STATUS=$(curl -s -D "$T/hdr" -o "$T/resp" -w '%{http_code}' -X "$1" \
			-H "Authorization: Bearer $_tok" -H 'Content-Type: application/json' \
			--data-binary "$4" "$URL$2")
	else
		STATUS=$(curl -s -D "$T/hdr" -o "$T/resp" -w '%{http_code}' -X "$1" \
			-H "Authorization: Bearer $_tok" "$URL$2")
	fi
}

# expect_api STATUS REGEX DESC: the last api call answered STATUS (an
# extended regex: "200|201" allowed) with a body matching REGEX.
expect_api() {
	if echo "$STATUS" | grep -Eq "^($1)\$" && grep -Eq -- "$2" "$T/resp"; then
		ok "$3"
	else
		not_ok "$3"
		diag "expected $1 /$2/, got $STATUS: $(head -c 600 "$T/resp")"
	fi
}

# checks DESC EXPR: one check that passes when the shell expression EXPR
# (run with eval) is true; on failure shows the last run and api call.
checks() {
	if eval "$2"; then
		ok "$1"
	else
		not_ok "$1"
		[ -n "${RC:-}" ] && show_output
		[ -n "$STATUS" ] && diag "api: $STATUS $(head -c 300 "$T/resp" 2>/dev/null)"
	fi
	return 0
}

# ledger_size: the number of ledger entries, read by sqlite3 (the outsider).
ledger_size() {
	sq "$I/skydd.db" "SELECT count(*) FROM ledger"
}

# db_hash SQL...: the SHA-256 of what the queries print from $I/skydd.db
# (read by sqlite3; a failing query adds "error SQL"), for "nothing changed".
db_hash() {
	for _q in "$@"; do
		sq "$I/skydd.db" "$_q" || echo "error $_q"
	done | sha256sum | cut -d ' ' -f 1
}

# replay_check DESC: 'skydd verify --replay' of $I exits 0 (checked as DESC).
replay_check() {
	run "$SKYDD" verify --data "$I" --replay
	expect_rc 0 "$1"
}

# person_of NAME IDENTITY: the registrar (rut) records person NAME, linked
# to login IDENTITY unless it is ""; its id in $PID_OUT. True on 200/201.
#
# A login given a clearance has its person already (the decision is on the
# person, reg_clearances.c): that person is named NAME. A person without a
# login gets a clearance decision of CLASS (default KH) by anna (ssc), so that
# copies can be issued to them as before decisions existed ("none": no
# decision).
person_of() {
	if [ -n "$2" ]; then
		api POST /api/v1/persons rut "{\"name\":\"$1\",\"identity_id\":$2}"
		if [ "$STATUS" = 409 ]; then
			PID_OUT=$(json_num person_id "$T/resp")
			[ -n "$PID_OUT" ] || return 1
			api PATCH "/api/v1/persons/$PID_OUT" rut "{\"name\":\"$1\"}"
			[ "$STATUS" = 200 ]
			return
		fi
	else
		api POST /api/v1/persons rut "{\"name\":\"$1\"}"
	fi
	# shellcheck disable=SC2034
	PID_OUT=$(json_num id "$T/resp")
	[ "$STATUS" = 201 ] || [ "$STATUS" = 200 ] || return 1
	[ -n "$2" ] || [ "${3:-KH}" = none ] && return 0
	api POST /api/v1/clearances anna "{\"person_id\":$PID_OUT,\"class\":\"${3:-KH}\"}"
	[ "$STATUS" = 201 ] || [ "$STATUS" = 200 ]
}

# new_doc BODY: the registrar (rut) registers a document from the JSON BODY;
# its id in $DOC. True on 200/201.
new_doc() {
	api POST /api/v1/documents rut "$1"
	# shellcheck disable=SC2034
	DOC=$(json_num id "$T/resp")
	[ "$STATUS" = 201 ] || [ "$STATUS" = 200 ]
}

# refused_unchanged STATUS REGEX DESC METHOD PATH WHO [BODY]: the API call is refused as
# expected (expect_api), and the ledger did not grow (bad input changes nothing).
refused_unchanged() {
	_want=$1 _re=$2 _desc=$3
	shift 3
	_before=$(ledger_size)
	api "$@"
	if [ "$_before" = "$(ledger_size)" ]; then
		expect_api "$_want" "$_re" "$_desc (nothing changed)"
	else
		not_ok "$_desc (nothing changed)"
		diag "ledger grew; $STATUS $(head -c 300 "$T/resp")"
	fi
}

# cli_refused RC REGEX DESC WHO ARGS...: the CLI as WHO exits RC with one line matching
# REGEX, and the ledger did not grow.
cli_refused() {
	_rc=$1 _re=$2 _desc=$3
	shift 3
	_before=$(ledger_size)
	as "$@"
	if [ "$_before" = "$(ledger_size)" ]; then
		expect_one_line "$_rc" "$_re" "$_desc (nothing changed)"
	else
		not_ok "$_desc (nothing changed)"
		diag "ledger grew"
	fi
}

# findings RULE OBJECT: how many open findings of RULE about OBJECT the ssc sees.
findings() {
	api GET /api/v1/findings anna
	py "len([f for f in d['findings'] if f['rule'] == '$1' and f['object']['type'] + '/' + str(f['object']['id']) == '$2'])" \
		"$T/resp"
}
