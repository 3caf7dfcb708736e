# Shared helpers for the shell tests (POSIX sh; sourced, never run).
#
# Each test script prints one line per check, "ok - ..." or "not ok - ...",
# may print "# ..." diagnostics, and ends with "N passed, N failed"; it
# exits non-zero when a check failed. Run from the repository root with
# BUILD set to the build directory (default build/rel).

BUILD=${BUILD:-build/rel}
SKYDD=$BUILD/skydd
LOADGEN=$BUILD/tools/loadgen
PASSED=0
FAILED=0

ok() {
	PASSED=$((PASSED + 1))
	printf 'ok - %s\n' "$*"
}

not_ok() {
	FAILED=$((FAILED + 1))
	printf 'not ok - %s\n' "$*"
}

# diag TEXT: a diagnostic line (for failures: what was seen).
diag() {
	printf '%s\n' "$*" | sed 's/^/#   /'
}

# check DESC COMMAND...: one check that passes when COMMAND exits 0.
check() {
	_desc=$1
	shift
	if "$@"; then
		ok "$_desc"
	else
		not_ok "$_desc"
	fi
}

finish() {
	printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
	[ "$FAILED" -eq 0 ]
	exit $?
}

# Fails the whole script (one "not ok" line) when a prerequisite is missing.
need_prog() {
	for _p in "$@"; do
		if ! command -v "$_p" >/dev/null 2>&1; then
			not_ok "prerequisite: $_p is not installed"
			finish
		fi
	done
}

need_file() {
	for _f in "$@"; do
		if [ ! -x "$_f" ]; then
			not_ok "prerequisite: $_f is missing (build it first)"
			finish
		fi
	done
}

# Creates $T, a private scratch directory removed on exit or interrupt.
setup_tmp() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/skydd-sh.XXXXXX") || {
		not_ok "cannot create a temporary directory"
		finish
	}
	trap 'rm -rf "$T"' EXIT
	trap 'rm -rf "$T"; exit 130' INT
	trap 'rm -rf "$T"; exit 143' TERM
}

# run CMD...: runs CMD with stdout in $T/out, stderr in $T/err and its exit
# status in $RC (never aborts the script).
run() {
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# Number of lines of a file (0 for an empty file; a last line without a
# newline counts).
nlines() {
	awk 'END { print NR }' "$1"
}

# Shows what a failing command printed.
show_output() {
	diag "exit status $RC"
	[ -s "$T/out" ] && diag "stdout: $(head -c 600 "$T/out")"
	[ -s "$T/err" ] && diag "stderr: $(head -c 600 "$T/err")"
	return 0
}

# expect_rc WANT DESC: checks the $RC of the last run.
expect_rc() {
	if [ "$RC" -eq "$1" ]; then
		ok "$2"
	else
		not_ok "$2 (exit $RC, expected $1)"
		show_output
	fi
}

# expect_fail_msg WANT_RC REGEX DESC: the last run exited WANT_RC and its
# stderr+stdout matches the extended REGEX.
expect_fail_msg() {
	if [ "$RC" -eq "$1" ] && cat "$T/err" "$T/out" | grep -Eq -- "$2"; then
		ok "$3"
	else
		not_ok "$3"
		diag "expected exit $1 and a message matching /$2/"
		show_output
	fi
}

# one_line_stderr: stderr of the last run is exactly one line starting "skydd:".
one_line_stderr() {
	[ "$(nlines "$T/err")" -eq 1 ] && head -n 1 "$T/err" | grep -q '^skydd: '
}

# rc_one_line WANT: the last run exited WANT with one "skydd: " line on stderr.
rc_one_line() {
	[ "$RC" -eq "$1" ] && one_line_stderr
}

# fails_one_line: the last run failed (any non-zero exit) with one line.
fails_one_line() {
	[ "$RC" -ne 0 ] && one_line_stderr
}

# all EXPR...: true when every shell expression (run with eval) is true;
# for `check DESC all '...' '...'`, since `check DESC A && B` checks A only.
all() {
	for _expr in "$@"; do
		eval "$_expr" || return 1
	done
	return 0
}

# new_instance DIR [THREADS COUNT]: init plus entries appended by loadgen
# (which runs to the end and closes cleanly). Returns non-zero on failure.
new_instance() {
	"$SKYDD" init --data "$1" --origin "skydd.test/ledger" >/dev/null 2>"$T/init.err" || {
		diag "init failed: $(cat "$T/init.err")"
		return 1
	}
	if [ $# -ge 3 ]; then
		"$LOADGEN" "$1" "$2" "$3" >"$T/loadgen.out" 2>"$T/loadgen.err" || {
			diag "loadgen failed: $(cat "$T/loadgen.err")"
			return 1
		}
	fi
	return 0
}

# sq DB SQL: the sqlite3 CLI as the attacker/auditor (batch mode, no rc
# file); its exit status is sqlite3's.
sq() {
	sqlite3 -batch -init /dev/null "$1" "$2"
}

# Random integer in [LO, HI] from /dev/urandom.
rand_between() {
	_r=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	echo $(($1 + _r % ($2 - $1 + 1)))
}

# sha256 of a file (hex only).
sha() {
	sha256sum "$1" | cut -d ' ' -f 1
}

# json_str KEY FILE / json_num KEY FILE: the first string / number value of
# "KEY" in compact JSON (no JSON parser needed).
json_str() {
	sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$2" | head -n 1
}
json_num() {
	sed -n "s/.*\"$1\":\\([0-9][0-9]*\\).*/\\1/p" "$2" | head -n 1
}

# expect_one_line RC REGEX DESC: the last run exited RC with exactly one
# "skydd:" line on stderr matching REGEX.
expect_one_line() {
	if [ "$RC" -eq "$1" ] && one_line_stderr && grep -Eq -- "$2" "$T/err"; then
		ok "$3"
	else
		not_ok "$3"
		diag "expected exit $1 and one stderr line matching /$2/"
		show_output
	fi
}

# help_ok DESC REGEX [quiet]: the last run (a --help) exited 0 and printed a
# line matching REGEX (grep) on stdout; with "quiet", nothing on stderr.
help_ok() {
	if [ "$RC" -eq 0 ] && grep -q "$2" "$T/out" &&
		{ [ "${3:-}" != quiet ] || [ ! -s "$T/err" ]; }; then
		ok "$1"
	else
		not_ok "$1"
		show_output
	fi
}

# wait_until TENTHS CMD...: runs CMD every tenth of a second until it succeeds, at most
# TENTHS times; returns CMD's last status.
wait_until() {
	_wn=$1
	shift
	_wi=0
	while ! "$@" && [ "$_wi" -lt "$_wn" ]; do
		sleep 0.1
		_wi=$((_wi + 1))
	done
	"$@"
}

# free_port: a TCP port on loopback not in use in any state now, below the kernel's ephemeral
# range (32768-60999), so no outgoing connection takes it meanwhile. A server started on it may
# still lose it to another process: start it again on another if it fails.
free_port() {
	_p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 12000))
	while ss -tan 2>/dev/null | grep -q ":$_p "; do
		_p=$((_p + 1))
	done
	echo "$_p"
}

# wait_port PORT: up to 10 s for a listener on 127.0.0.1:PORT.
wait_port() {
	_i=0
	while [ $_i -lt 100 ]; do
		ss -ltn 2>/dev/null | grep -q "127.0.0.1:$1 " && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# go_verifier NAME: builds the independent verifier tests/go/NAME.go (with checkpoint.go, Go's
# sumdb/note and tlog from golang-golang-x-mod-dev) as $T/NAME; on failure a "not ok" and the end.
go_verifier() {
	if [ ! -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ]; then
		not_ok "prerequisite: golang-golang-x-mod-dev is not installed"
		finish
	fi
	if ! GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$T/gocache \
		go build -o "$T/$1" "tests/go/$1.go" tests/go/checkpoint.go >"$T/go.err" 2>&1; then
		not_ok "building tests/go/$1.go"
		diag "$(head -c 600 "$T/go.err")"
		finish
	fi
}

# recv_start WAIT ARGS...: tests/tools/seclogrecv on $I with the sources in $T/sources and ARGS,
# in the background as SPID (under $RECV_WRAP if set); waits up to WAIT tenths of a second for
# "ready", else a "not ok" and the end. recv_port NAME then gives a listener's port.
recv_start() {
	_rw=$1
	shift
	${RECV_WRAP:-} "$RECV" "$I" "$T/sources" "$@" >"$T/recv.out" 2>"$T/recv.err" &
	SPID=$!
	wait_until "$_rw" grep -qs '^ready' "$T/recv.out"
	if ! grep -q '^ready' "$T/recv.out"; then
		not_ok "seclogrecv did not start"
		diag "$(cat "$T/recv.err")"
		finish
	fi
}
recv_port() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$T/recv.out" | head -n 1; }

# rsyslog_start CONF PORTFILE: rsyslogd in the foreground with CONF (pid file and output
# beside it: CONF.pid, CONF.out), in the background as RPID; RS_PORT gets the port its
# input wrote to PORTFILE (listenPortFileName), "" when none came within 10 s.
rsyslog_start() {
	rm -f "$2"
	rsyslogd -n -f "$1" -i "$1.pid" >"$1.out" 2>&1 &
	RPID=$!
	wait_until 100 test -s "$2"
	RS_PORT=$(cat "$2" 2>/dev/null)
}
