#!/bin/sh
# The CLI as an API client against a running 'skydd serve': first login with
# TOTP enrolment (codes from the independent oathtool), the session file and
# its mode, whoami, user and grant commands, a PMFS 4 kap. 8 § refusal, usage
# errors, SKYDD_URL/SKYDD_TOKEN, logout, and TLS verification with a
# self-signed certificate (--cacert, SKYDD_CACERT, --insecure on loopback).
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
need_file "$SKYDD"
need_prog curl oathtool openssl python3 stat date sed grep awk
setup_tmp

SERVER_PIDS=""
OTHER_PIDS=""
cleanup() {
	for _p in $SERVER_PIDS $OTHER_PIDS; do
		kill -TERM "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# start_server DIR SCHEME [serve options...]: serves DIR on a free loopback
# port; sets PORT. Retries on another port when the chosen one is taken.
start_server() {
	_dir=$1
	_scheme=$2
	shift 2
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$(rand_between 20000 60999)
		"$SKYDD" serve --data "$_dir" --listen "127.0.0.1:$PORT" "$@" \
			>"$T/serve.$PORT.log" 2>&1 &
		_pid=$!
		_i=0
		while [ "$_i" -lt 300 ] && kill -0 "$_pid" 2>/dev/null; do
			if curl -ksf "$_scheme://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
				SERVER_PIDS="$SERVER_PIDS $_pid"
				return 0
			fi
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -TERM "$_pid" 2>/dev/null
		wait "$_pid" 2>/dev/null
		diag "serve on port $PORT (try $_try): $(tail -n 2 "$T/serve.$PORT.log")"
	done
	return 1
}

# totp SECRET: sets CODE to the code for now (from oathtool) and STEP to its 30 s step.
totp() {
	_now=$(date +%s)
	STEP=$((_now / 30))
	CODE=$(oathtool --totp -b "$1" -N "@$_now")
}

# fresh_step LAST: waits until the 30 s step is past LAST (a code is used once).
fresh_step() {
	while [ $(($(date +%s) / 30)) -le "$1" ]; do
		sleep 1
	done
}

# checks DESC EXPR: one check that passes when the shell expression EXPR is true.
checks() {
	if eval "$2"; then
		ok "$1"
	else
		not_ok "$1"
		show_output
	fi
}

# expect_ok DESC: the last run exited 0.
expect_ok() {
	expect_rc 0 "$1"
}

CFG=$T/cfg
EMPTY=$T/empty
mkdir -p "$EMPTY"
export XDG_CONFIG_HOME="$CFG"
unset SKYDD_URL SKYDD_TOKEN SKYDD_CACERT SKYDD_TOTP_CODE
SESSION=$CFG/skydd/session
TODAY=$(date -u +%F)
IN6M=$(date -u -d '+6 months' +%F)
IN13M=$(date -u -d '+13 months' +%F)
PW1='Korrekt-Hast-Batteri-77'
PW2='Gron-Kanel-Fyrtorn-2026'

# ---- help and usage, no server needed ----
for cmd in login logout whoami user grant "user list" "user show" "user create" \
	"user update" "user reset" "grant list" "grant create" "grant review" "grant revoke"; do
	# shellcheck disable=SC2086
	run "$SKYDD" $cmd --help
	help_ok "$cmd --help prints its usage, exit 0" "^usage: skydd $cmd" quiet
done
run "$SKYDD" --help
check "--help lists login, logout, whoami, user and grant" \
	grep -Eq '^  (login|logout|whoami|user|grant) ' "$T/out"

run "$SKYDD" user
expect_one_line 2 'subcommand' "user without a subcommand: exit 2, one line"
run "$SKYDD" grant frobnicate
expect_one_line 2 "unknown subcommand 'frobnicate'" "grant frobnicate: exit 2, one line"
run "$SKYDD" grant create --bogus
expect_one_line 2 "unknown or incomplete option '--bogus'" "grant create --bogus: exit 2, one line"
run "$SKYDD" whoami --url
expect_one_line 2 "incomplete option" "whoami --url without a value: exit 2, one line"
run "$SKYDD" login --url http://127.0.0.1:9 --user anna "$PW1"
expect_one_line 2 "never an argument" "login refuses a password argument: exit 2, one line"
run "$SKYDD" whoami --url http://192.0.2.1:8443
expect_one_line 2 "only allowed to a loopback" "plain http:// off loopback is refused: exit 2"
run "$SKYDD" whoami --url https://192.0.2.1:8443 --insecure
expect_one_line 2 "--insecure is only allowed for a loopback" \
	"--insecure off loopback is refused: exit 2, one line"
run "$SKYDD" whoami --url ftp://127.0.0.1/
expect_one_line 2 "https://" "an ftp:// URL is refused: exit 2"
run "$SKYDD" whoami
expect_one_line 1 "not logged in" "whoami without a session: exit 1, one line"
check "no session file was created by a failed whoami" [ ! -e "$SESSION" ]

# ---- an instance and its server ----
I=$T/inst
if "$SKYDD" init --data "$I" --user anna --admin bosse --json >"$T/init.json" 2>"$T/init.err"; then
	ok "init --json creates the instance"
else
	not_ok "init --json creates the instance"
	diag "$(cat "$T/init.err")"
	finish
fi
OTP=$(sed -n 's/.*"identity_id":1,"one_time_password":"\([^"]*\)".*/\1/p' "$T/init.json")
SECRET=$(sed -n 's/.*"identity_id":1,"one_time_password":"[^"]*","totp_secret":"\([^"]*\)".*/\1/p' \
	"$T/init.json")
BOSSE_OTP=$(sed -n 's/.*"admin":{[^}]*"one_time_password":"\([^"]*\)".*/\1/p' "$T/init.json")
BOSSE_SECRET=$(sed -n 's/.*"admin":{[^}]*"totp_secret":"\([^"]*\)".*/\1/p' "$T/init.json")
checks "init printed a one-time password and a TOTP secret" '[ -n "$OTP" ] && [ -n "$SECRET" ]'
checks "init --admin printed the admin's one-time password and TOTP secret" \
	'[ -n "$BOSSE_OTP" ] && [ -n "$BOSSE_SECRET" ] && [ "$BOSSE_OTP" != "$OTP" ]'
if ! start_server "$I" http; then
	not_ok "skydd serve answers /healthz"
	finish
fi
ok "skydd serve answers /healthz on port $PORT"
URL=http://127.0.0.1:$PORT

run "$SKYDD" whoami --url "$URL"
expect_one_line 1 "not logged in" "whoami --url without a token: exit 1, one line"

# ---- first login: new password and TOTP enrolment, driven through stdin ----
totp "$SECRET"
ANNA_STEP=$STEP
printf '%s\n%s\n%s\n' "$OTP" "$PW1" "$PW1" >"$T/in"
"$SKYDD" login --url "$URL/" --user anna --code "$CODE" <"$T/in" >"$T/out" 2>"$T/err"
RC=$?
expect_ok "first login with enrolment (new password, oathtool code): exit 0"
check "enrolment shows the TOTP secret from init" grep -q "TOTP secret (base32): $SECRET" "$T/out"
check "enrolment shows the otpauth URI" grep -q "otpauth://totp/skydd:anna?secret=$SECRET" "$T/out"
check "enrolment draws the QR code with block characters" grep -q '▀' "$T/out"
check "enrolment prints 10 recovery codes" \
	[ "$(grep -cE '^  [a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$' "$T/out")" -eq 10 ]
check "login prints nothing on stderr" [ ! -s "$T/err" ]
check "neither password appears in the output" \
	sh -c '! grep -qF -e "$1" -e "$2" "$3"' sh "$OTP" "$PW1" "$T/out"
check "the session file exists" [ -f "$SESSION" ]
check "the session file has mode 0600" [ "$(stat -c %a "$SESSION")" = 600 ]
check "its directory has mode 0700" [ "$(stat -c %a "$CFG/skydd")" = 700 ]
check "the session file holds the URL without the trailing slash" \
	grep -qF "\"url\": \"$URL\"" "$SESSION"
check "the session file holds no password" \
	sh -c '! grep -qF -e "$1" -e "$2" "$3"' sh "$OTP" "$PW1" "$SESSION"
TOKEN=$(sed -n 's/.*"token": *"\([^"]*\)".*/\1/p' "$SESSION")
check "the session file holds a token" [ -n "$TOKEN" ]

# ---- whoami ----
run "$SKYDD" whoami
expect_ok "whoami: exit 0"
check "whoami shows the username" grep -Eq '^username +anna$' "$T/out"
check "whoami shows the roles ssc and admin" grep -Eq '^roles +ssc, admin$' "$T/out"
check "whoami shows the clearance" grep -Eq '^clearance +H$' "$T/out"
run "$SKYDD" whoami --json
check "whoami --json prints the API's JSON" grep -q '"username":"anna"' "$T/out"
run "$SKYDD" whoami --url "http://localhost:$PORT"
expect_one_line 2 "stored session is for" \
	"the session's token is not sent to another URL: exit 2, one line"

# ---- the session file's protection ----
chmod 640 "$SESSION"
run "$SKYDD" whoami
expect_one_line 2 "group or others" "a group-readable session file is refused: exit 2, one line"
chmod 600 "$SESSION"
mv "$SESSION" "$T/session.real"
ln -s "$T/session.real" "$SESSION"
run "$SKYDD" whoami
expect_one_line 2 "symbolic link" "a symlinked session file is refused: exit 2, one line"
rm -f "$SESSION"
mv "$T/session.real" "$SESSION"

# ---- SKYDD_URL and SKYDD_TOKEN, without a session file ----
run env XDG_CONFIG_HOME="$EMPTY" SKYDD_URL="$URL" SKYDD_TOKEN="$TOKEN" "$SKYDD" whoami
if [ "$RC" -eq 0 ] && grep -Eq '^roles +ssc, admin$' "$T/out"; then
	ok "SKYDD_URL + SKYDD_TOKEN work without a session file"
else
	not_ok "SKYDD_URL + SKYDD_TOKEN work without a session file"
	show_output
fi
check "the environment login wrote no session file" [ ! -e "$EMPTY/skydd" ]
run env XDG_CONFIG_HOME="$EMPTY" SKYDD_URL="$URL" SKYDD_TOKEN="not a token" "$SKYDD" whoami
expect_one_line 2 "SKYDD_TOKEN" "a malformed SKYDD_TOKEN: exit 2, one line"
run env XDG_CONFIG_HOME="$EMPTY" SKYDD_URL="$URL" SKYDD_TOKEN="sk_forged" "$SKYDD" whoami
expect_one_line 1 "log in" "an unknown token: exit 1, one line"

# ---- users: bosse (admin) creates accounts, anna (ssc) decides their clearance ----
OCFG=$T/cfg-bosse
printf '%s\n%s\n%s\n' "$BOSSE_OTP" "$PW2" "$PW2" >"$T/in"
totp "$BOSSE_SECRET"
run env XDG_CONFIG_HOME="$OCFG" SKYDD_TOTP_CODE="$CODE" "$SKYDD" login --url "$URL" \
	--user bosse <"$T/in"
expect_ok "bosse, the admin from init --admin, enrols"
run "$SKYDD" user create --username bertil4 --name "B" --clearance K
expect_one_line 1 "4 kap\. 8 §" "creating an account with a clearance: exit 1, one line citing 4 kap. 8 §"
run env XDG_CONFIG_HOME="$OCFG" "$SKYDD" user create --username bertil --name "Bertil Ek" \
	--clearance none --json
expect_ok "user create --json: exit 0"
BOTP=$(json_str one_time_password "$T/out")
BID=$(sed -n 's/.*"identity":{[^}]*"id":\([0-9]*\).*/\1/p' "$T/out")
checks "user create prints the one-time password and the id" '[ -n "$BOTP" ] && [ -n "$BID" ]'
run env XDG_CONFIG_HOME="$OCFG" "$SKYDD" user update "$BID" --clearance K
expect_one_line 1 "4 kap\. 8 §" "the admin who created it setting its clearance: exit 1, one line"
run "$SKYDD" user update "$BID" --clearance K
expect_ok "the ssc, who did not create the account, sets its clearance: exit 0"
run env XDG_CONFIG_HOME="$OCFG" "$SKYDD" user create --username cecilia --name "Cecilia Ström" \
	--clearance none
COTP=$(sed -n 's/^One-time password (shown once[^:]*: //p' "$T/out")
if [ "$RC" -eq 0 ] && [ -n "$COTP" ]; then
	ok "user create prints the one-time password once, as text"
else
	not_ok "user create prints the one-time password once, as text"
	show_output
fi
run "$SKYDD" user list --json
CID=$(sed -n 's/.*"id":\([0-9]*\),"roles":\[[^]]*\],"status":"[a-z]*","username":"cecilia".*/\1/p' "$T/out")
run "$SKYDD" user update "$CID" --clearance BH
expect_ok "the ssc sets cecilia's clearance: exit 0"
run "$SKYDD" user create --username bertil --name "Someone Else" --clearance none
expect_one_line 1 "never reused" "a taken username: exit 1, one line"
run "$SKYDD" user create --username bertil2 --name "B"
expect_one_line 2 "required" "user create without --clearance: exit 2, one line"
run "$SKYDD" user create --username bertil3 --name "B" --clearance Q
expect_one_line 2 "clearance" "a bad clearance (server 400): exit 2, one line naming the field"
run "$SKYDD" user list
if [ "$RC" -eq 0 ] && grep -Eq "^$BID +bertil +Bertil Ek +K +active +no" "$T/out" &&
	grep -Eq '^ID +USERNAME +NAME' "$T/out"; then
	ok "user list shows an aligned table with bertil"
else
	not_ok "user list shows an aligned table with bertil"
	show_output
fi
C1=$(grep -E '^[0-9]+ +cecilia ' "$T/out" | sed 's/BH.*//' | LC_ALL=C.UTF-8 wc -m)
C2=$(grep -E '^ID ' "$T/out" | sed 's/CLEARANCE.*//' | LC_ALL=C.UTF-8 wc -m)
checks "user list aligns the columns after a non-ASCII name" '[ -n "$C1" ] && [ "$C1" = "$C2" ]'
run "$SKYDD" user show "$BID"
expect_ok "user show: exit 0"
check "user show names the identity" grep -Eq '^name +Bertil Ek$' "$T/out"
run "$SKYDD" user show abc
expect_one_line 2 "number" "user show abc: exit 2, one line"
run "$SKYDD" user show 999999
expect_one_line 1 "999999" "user show of a missing identity: exit 1, one line"
run "$SKYDD" user update "$BID"
expect_one_line 2 "give --name" "user update without changes: exit 2, one line"
run "$SKYDD" user update "$BID" --name "Bertil Ekström" --json
if [ "$RC" -eq 0 ] && grep -q '"display_name":"Bertil Ekström"' "$T/out"; then
	ok "user update --name --json: exit 0, the new name"
else
	not_ok "user update --name --json: exit 0, the new name"
	show_output
fi

# ---- a lost password and TOTP: reset by two people (issue 15, "Users") ----
run "$SKYDD" user reset request "$BID"
expect_one_line 2 "--reason" "user reset request without --reason: exit 2, one line"
run "$SKYDD" user reset confirm "$BID"
expect_one_line 2 "--reset-id" "user reset confirm without --reset-id: exit 2, one line"
run "$SKYDD" user reset request "$BID" --reason "Tappade telefonen"
RID=$(sed -n 's/^Reset requested: number \([0-9][0-9]*\),.*/\1/p' "$T/out")
checks "the ssc requests a reset of bertil: exit 0, its number" '[ "$RC" -eq 0 ] && [ -n "$RID" ]'
run "$SKYDD" user show "$BID"
check "user show shows the waiting reset" grep -q "^reset requested: number $RID " "$T/out"
run "$SKYDD" user reset confirm "$BID" --reset-id "$RID"
expect_one_line 1 "4 kap\. 8 §" "the requester confirming her own request: exit 1, one line"
run env XDG_CONFIG_HOME="$OCFG" "$SKYDD" user reset confirm "$BID" --reset-id "$RID"
expect_one_line 1 "4 kap\. 8 §" "bertil's creator confirming his reset: exit 1, one line"
run "$SKYDD" user reset cancel "$BID" --reset-id "$RID" --reason "Hittade telefonen"
expect_ok "the requester cancels the reset: exit 0"
run "$SKYDD" user show "$BID" --json
check "the cancelled reset is no longer waiting" grep -q '"reset":null' "$T/out"

# ---- grants ----
run "$SKYDD" grant create --identity "$BID" --role registrar --decision SSC-T-1 \
	--from "$TODAY" --until "$IN6M"
expect_ok "grant create registrar with an until date: exit 0"
GID=$(sed -n 's/^id  *\([0-9][0-9]*\)$/\1/p' "$T/out")
checks "grant create shows the grant" '[ -n "$GID" ] && grep -Eq "^role +registrar\$" "$T/out"'
run "$SKYDD" grant list
if [ "$RC" -eq 0 ] &&
	grep -Eq "^$GID +$BID +registrar +no +active +$TODAY +$IN6M +- +SSC-T-1$" "$T/out"; then
	ok "grant list shows the registrar grant and its until date"
else
	not_ok "grant list shows the registrar grant and its until date"
	show_output
fi
run "$SKYDD" grant list --identity "$BID" --json
checks "grant list --identity --json has only bertil's grant" \
	'[ "$RC" -eq 0 ] && grep -q "\"role\":\"registrar\"" "$T/out" &&
	! grep -q "\"role\":\"ssc\"" "$T/out"'
run "$SKYDD" grant create --identity "$BID" --role admin --decision SSC-T-2 \
	--from "$TODAY" --until "$IN13M"
expect_one_line 1 "4 kap\. 8 §" "a privileged grant for 13 months: exit 1, one line citing 4 kap. 8 §"
run "$SKYDD" grant list --identity "$BID"
check "the refused grant was not created" [ "$(grep -c ' admin ' "$T/out")" -eq 0 ]
run "$SKYDD" grant create --identity "$BID" --role registrar --decision X
expect_one_line 2 "required" "grant create without --from: exit 2, one line"
run "$SKYDD" grant create --identity "$BID" --role registrar --decision X --from 2026-13-45
expect_one_line 2 "valid_from" "grant create with a bad date (server 400): exit 2, one line"
run "$SKYDD" grant create --identity x --role registrar --decision X --from "$TODAY"
expect_one_line 2 "identity" "grant create --identity x: exit 2, one line"
run "$SKYDD" grant review "$GID"
expect_one_line 2 "--note" "grant review without --note: exit 2, one line"
run "$SKYDD" grant review "$GID" --note "still needed for the registry"
expect_ok "grant review: exit 0"
check "grant review shows the review" grep -q 'still needed for the registry' "$T/out"
run "$SKYDD" grant revoke "$GID" --reason "moved to another unit" --json
if [ "$RC" -eq 0 ] && grep -q '"status":"revoked"' "$T/out"; then
	ok "grant revoke --json: exit 0, status revoked"
else
	not_ok "grant revoke --json: exit 0, status revoked"
	show_output
fi
run "$SKYDD" grant revoke 999999 --reason "no such grant"
expect_one_line 1 "." "revoking a missing grant: exit 1, one line"

# ---- another account's first login: the secret as the CLI shows it ----
run "$SKYDD" grant create --identity "$BID" --role staff --decision SSC-T-3 --from "$TODAY"
expect_ok "grant create staff (no until date): exit 0"
BCFG=$T/cfg-bertil
printf '%s\n%s\n%s\n' "$BOTP" "$PW2" "$PW2" >"$T/in"
run env XDG_CONFIG_HOME="$BCFG" "$SKYDD" login --url "$URL" --user bertil --code 000000 <"$T/in"
BSECRET=$(sed -n 's/^TOTP secret (base32): //p' "$T/out")
if [ "$RC" -eq 1 ] && [ -n "$BSECRET" ] && one_line_stderr && [ ! -e "$BCFG/skydd/session" ]; then
	ok "enrolment with a wrong code: exit 1, one line, no session stored"
else
	not_ok "enrolment with a wrong code: exit 1, one line, no session stored"
	show_output
fi
printf '%s\n%s\n%s\n' "$BOTP" "$PW2" "$PW2" >"$T/in"
totp "$BSECRET"
run env XDG_CONFIG_HOME="$BCFG" SKYDD_TOTP_CODE="$CODE" "$SKYDD" login \
	--url "$URL" --user bertil <"$T/in"
expect_ok "enrolment with the code from the secret the CLI printed (SKYDD_TOTP_CODE): exit 0"
run env XDG_CONFIG_HOME="$BCFG" "$SKYDD" whoami
checks "bertil's whoami shows the staff role" \
	'[ "$RC" -eq 0 ] && grep -Eq "^roles +staff\$" "$T/out"'
run env XDG_CONFIG_HOME="$BCFG" "$SKYDD" user list
expect_one_line 1 "roles do not allow" "staff may not list identities: exit 1, one line"
printf 'x\ny\n' >"$T/in"
run env XDG_CONFIG_HOME="$BCFG" "$SKYDD" login --url "$URL" --user cecilia <"$T/in"
expect_one_line 1 "wrong username or password" "a wrong password: exit 1, one line"
run env XDG_CONFIG_HOME="$BCFG" "$SKYDD" whoami
check "a failed login keeps the previous session" [ "$RC" -eq 0 ]

# ---- at a terminal: prompts on the tty, no echo of passwords, another try ----
cat >"$T/ttylogin.py" <<'PY'
import os, pty, re, select, subprocess, sys, time
skydd, url, user, otp, newpw, cfg = sys.argv[1:7]
pid, fd = pty.fork()
if pid == 0:
    os.execve(skydd, [skydd, "login", "--url", url], dict(os.environ, XDG_CONFIG_HOME=cfg))
out = b""
def expect(s, n=1):
    global out
    end = time.time() + 20
    while out.count(s.encode()) < n and time.time() < end:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    if out.count(s.encode()) < n:
        sys.stdout.write(out.decode(errors="replace"))
        sys.exit("pty: no prompt '%s'" % s)
def send(s):
    os.write(fd, (s + "\n").encode())
expect("Username: "); send(user)
expect("Password for %s: " % user); send(otp)
expect("New password"); send(newpw)
expect("again: "); send(newpw + "-typo")
expect("New password", 2); send(newpw)
expect("again: ", 2); send(newpw)
expect("Code from the authenticator app: ")
secret = re.search(rb"TOTP secret \(base32\): ([A-Z2-7]+)", out).group(1).decode()
send(subprocess.check_output(["oathtool", "--totp", "-b", secret]).decode().strip())
expect("Logged in")
try:
    while select.select([fd], [], [], 1)[0]:
        out += os.read(fd, 65536)
except OSError:
    pass
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
run python3 "$T/ttylogin.py" "$SKYDD" "$URL" cecilia "$COTP" "$PW2" "$T/cfg-cecilia"
if [ "$RC" -eq 0 ] && grep -q 'differ — try again' "$T/out" &&
	grep -q '^Logged in to' "$T/out" && [ -f "$T/cfg-cecilia/skydd/session" ]; then
	ok "first login at a terminal, with a mistyped repetition asked again: exit 0"
else
	not_ok "first login at a terminal, with a mistyped repetition asked again: exit 0"
	show_output
fi
checks "no password is echoed to the terminal" \
	'! grep -qF -e "$COTP" -e "$PW2" "$T/out"'

# ---- an enrolled account's login: password, then TOTP (a fresh step) ----
fresh_step "$ANNA_STEP"
ACFG=$T/cfg-anna2
printf 'anna\n%s\n' "$PW1" >"$T/in"
totp "$SECRET"
run env XDG_CONFIG_HOME="$ACFG" SKYDD_URL="$URL" "$SKYDD" login --code "$CODE" <"$T/in"
expect_ok "login with the username, password and a TOTP code from stdin/--code: exit 0"
check "the new session file has mode 0600" [ "$(stat -c %a "$ACFG/skydd/session")" = 600 ]
printf 'anna\n%s\n' "$PW1" >"$T/in"
run env XDG_CONFIG_HOME="$T/cfg-anna3" "$SKYDD" login --url "$URL" --code "$CODE" <"$T/in"
expect_one_line 1 "already used" "the same TOTP code a second time: exit 1, one line"
run env XDG_CONFIG_HOME="$T/cfg-anna3" "$SKYDD" login --url "$URL" --code 12345 <"$T/in"
expect_one_line 2 "6 digits" "a malformed code: exit 2, one line"

# ---- logout ----
run "$SKYDD" logout
expect_ok "logout: exit 0"
check "logout removes the session file" [ ! -e "$SESSION" ]
run "$SKYDD" whoami
if [ "$RC" -eq 1 ] || [ "$RC" -eq 2 ]; then
	expect_one_line "$RC" "not logged in" "whoami after logout: exit $RC, one line"
else
	not_ok "whoami after logout fails with exit 1 or 2 (got $RC)"
	show_output
fi
run env XDG_CONFIG_HOME="$EMPTY" SKYDD_URL="$URL" SKYDD_TOKEN="$TOKEN" "$SKYDD" whoami
expect_one_line 1 "log in" "the logged-out token is refused by the server: exit 1, one line"
run env XDG_CONFIG_HOME="$ACFG" "$SKYDD" whoami
check "the other session of the same account still works" [ "$RC" -eq 0 ]
run "$SKYDD" logout
expect_one_line 1 "not logged in" "logout without a session: exit 1, one line"

# ---- TLS: verification on by default; --cacert, SKYDD_CACERT, --insecure ----
I2=$T/inst-tls
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 &&
	"$SKYDD" init --data "$I2" --user tove --json >"$T/init2.json" 2>/dev/null &&
	start_server "$I2" https --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"; then
	ok "a TLS server with a self-signed certificate"
	TURL=https://127.0.0.1:$PORT
	TCFG=$T/cfg-tls
	run env XDG_CONFIG_HOME="$TCFG" SKYDD_TOKEN=sk_x "$SKYDD" whoami --url "$TURL"
	expect_one_line 2 "cacert" "an unknown certificate is refused by default: exit 2, one line"
	run env XDG_CONFIG_HOME="$TCFG" SKYDD_TOKEN=sk_x "$SKYDD" whoami --url "$TURL" \
		--insecure
	expect_one_line 1 "log in" "--insecure on loopback reaches the server (401): exit 1"
	run env XDG_CONFIG_HOME="$TCFG" "$SKYDD" whoami --url "$TURL" --cacert "$T/nope.pem"
	expect_one_line 2 "nope.pem" "an unreadable --cacert: exit 2, one line"
	TOTP2=$(json_str one_time_password "$T/init2.json")
	TSECRET=$(json_str totp_secret "$T/init2.json")
	printf '%s\n%s\n%s\n' "$TOTP2" "$PW2" "$PW2" >"$T/in"
	totp "$TSECRET"
	run env XDG_CONFIG_HOME="$TCFG" "$SKYDD" login --url "$TURL" --cacert "$T/cert.pem" \
		--user tove --code "$CODE" <"$T/in"
	expect_ok "first login over TLS with --cacert: exit 0"
	run env XDG_CONFIG_HOME="$TCFG" SKYDD_CACERT="$T/cert.pem" "$SKYDD" whoami
	checks "whoami over TLS with SKYDD_CACERT" \
		'[ "$RC" -eq 0 ] && grep -Eq "^username +tove\$" "$T/out"'
	run env XDG_CONFIG_HOME="$TCFG" "$SKYDD" whoami
	expect_one_line 2 "cacert" "without the CA certificate TLS verification fails: exit 2, one line"
else
	not_ok "a TLS server with a self-signed certificate"
fi

# ---- a hostile server: oversized, redirecting, non-JSON and escape-laden answers ----
cat >"$T/rogue.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def send(self, status, body, ctype="application/json", length=True, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        p = self.path
        if p.startswith("/big/"):
            self.send(200, b'{"x":"' + b"a" * (17 << 20) + b'"}')
        elif p.startswith("/stream/"):
            self.close_connection = True
            self.send(200, b'{"x":"' + b"a" * (17 << 20) + b'"}', length=False)
        elif p.startswith("/ctl/"):
            self.send(403, b'{"error":{"code":"forbidden","message":"evil \\u001b[31mred\\nsecond line","field":"f\\u0007"}}')
        elif p.startswith("/redir/"):
            self.send(302, b"", extra=[("Location", "http://127.0.0.1:9/api/v1/me")])
        elif p.startswith("/html/"):
            self.send(500, b"<html>oops</html>", ctype="text/html")
        else:
            self.send(404, b"{}")
http.server.HTTPServer.protocol_version = "HTTP/1.0"
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
RPORT=""
for _try in 1 2 3 4 5; do
	_port=$(rand_between 20000 60999)
	python3 "$T/rogue.py" "$_port" >"$T/rogue.log" 2>&1 &
	_pid=$!
	OTHER_PIDS=$_pid
	_i=0
	while [ "$_i" -lt 50 ] && kill -0 "$_pid" 2>/dev/null; do
		if curl -s -o /dev/null "http://127.0.0.1:$_port/"; then
			RPORT=$_port
			break
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -n "$RPORT" ] && break
	kill "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
done
if [ -n "$RPORT" ]; then
	R=http://127.0.0.1:$RPORT
	rogue() {
		run env XDG_CONFIG_HOME="$EMPTY" SKYDD_TOKEN=sk_x "$SKYDD" whoami --url "$R/$1"
	}
	rogue big
	expect_one_line 2 "larger than 16 MiB" "an answer over 16 MiB (Content-Length): exit 2, one line"
	rogue stream
	expect_one_line 2 "larger than 16 MiB" "an answer over 16 MiB (streamed): exit 2, one line"
	rogue ctl
	expect_one_line 1 "evil \?\[31mred\?second line \(f\?\)" \
		"control characters in a server message are neutralised: exit 1, one line"
	rogue redir
	expect_one_line 2 "HTTP 302.*redirect" "a redirect is not followed: exit 2, one line"
	rogue html
	expect_one_line 2 "HTTP 500" "a non-JSON 500: exit 2, one line"
	kill "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	OTHER_PIDS=""
else
	not_ok "a hostile test server (python3) on a free port"
fi

# ---- the servers stop cleanly on SIGTERM, without sanitizer reports ----
for _p in $SERVER_PIDS; do
	kill -TERM "$_p" 2>/dev/null
	wait "$_p"
	_rc=$?
	check "server $_p exits 0 on SIGTERM (exit $_rc)" [ "$_rc" -eq 0 ]
done
SERVER_PIDS=""
if cat "$T"/serve.*.log | grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error'; then
	not_ok "the servers logged no sanitizer report"
	diag "$(cat "$T"/serve.*.log | grep -E -A5 'Sanitizer|runtime error' | head -n 20)"
else
	ok "the servers logged no sanitizer report"
fi

finish
