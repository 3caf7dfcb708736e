#!/bin/sh
# The seclog parsers against another implementation: util-linux logger sends
# RFC 5424 and RFC 3164 messages over TCP, octet-counted (RFC 6587) and
# LF-terminated, to a one-connection sink (tests/tools/syslog_sink.py); the
# captured bytes go through our framer and parsers (tests/tools/syslogparse)
# and each field is compared with what logger was told to send. The bad half:
# LF framing refused unless enabled, an oversized frame from logger, a
# truncated stream, a bad PRI.
HERE=$(dirname "$0")
# shellcheck source=tests/sh/lib.sh
. "$HERE/lib.sh"
need_prog logger python3
PARSE=$BUILD/tools/syslogparse
SINK=tests/tools/syslog_sink.py
need_file "$PARSE"
setup_tmp

# capture NAME LOGGER-ARGS...: logger's bytes, sent over TCP, into $T/NAME.raw
# (stdin is passed to logger).
capture() {
	_name=$1
	shift
	rm -f "$T/port"
	python3 "$SINK" "$T/port" "$T/$_name.raw" &
	_sink=$!
	_i=0
	while [ ! -s "$T/port" ] && [ "$_i" -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	if [ ! -s "$T/port" ]; then
		not_ok "$_name: the sink did not start"
		kill "$_sink" 2>/dev/null
		return 1
	fi
	TZ=UTC logger --tcp -n 127.0.0.1 -P "$(cat "$T/port")" "$@"
	wait "$_sink"
}

# parse NAME [syslogparse options]: $T/NAME.raw parsed into $T/NAME.json, exit in $RC
parse() {
	_name=$1
	shift
	"$PARSE" --year "$(date -u +%Y)" --offset 0 "$@" <"$T/$_name.raw" >"$T/$_name.json" 2>"$T/err"
	RC=$?
}

# jcheck NAME LINE PYEXPR DESC: PYEXPR holds for m, the JSON of line LINE
# (1-based) of $T/NAME.json; n is the number of lines; now the time in µs.
jcheck() {
	if python3 - "$T/$1.json" "$2" "$3" <<'PY'; then
import json, os, socket, sys, time
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
n = len(lines)
m = json.loads(lines[int(sys.argv[2]) - 1]) if int(sys.argv[2]) <= n else {}
now = int(time.time() * 1e6)
host = socket.gethostname()
short = host.split(".")[0]
sys.exit(0 if eval(sys.argv[3]) else 1)
PY
		ok "$4"
	else
		not_ok "$4"
		diag "expected: $3"
		diag "got: $(head -c 800 "$T/$1.json")"
	fi
}

# ---- RFC 5424, octet counting: every header field and structured data ----
capture a --rfc5424 --octet-count -p auth.notice -t myapp --id=4242 --msgid ID47 \
	--sd-id 'ex@32473' --sd-param 'k="v 1"' --sd-param 'q="a\"b\\c\]d"' "hello räksmörgås"
parse a
expect_rc 0 "5424 octet-counted: framed and parsed"
jcheck a 1 'n == 1 and m["format"] == "rfc5424" and not m["legacy"] and m["version"] == 1' \
	"5424: one message, version 1, not legacy"
jcheck a 1 'm["facility"] == 4 and m["severity"] == 5' "5424: auth.notice is facility 4, severity 5"
jcheck a 1 'm["hostname"] in (host, short)' "5424: HOSTNAME is this machine's"
jcheck a 1 'm["app_name"] == "myapp" and m["procid"] == "4242" and m["msgid"] == "ID47"' \
	"5424: APP-NAME, PROCID and MSGID as given"
jcheck a 1 'abs(m["time_us"] - now) < 120e6 and m["timestamp"].endswith(("Z", "+00:00"))' \
	"5424: TIMESTAMP parsed, within two minutes of now"
jcheck a 1 '[e["id"] for e in m["sd"]] == ["timeQuality", "ex@32473"]' \
	"5424: SD-IDs in order, logger's timeQuality first"
jcheck a 1 'm["sd"][1]["params"] == {"k": "v 1", "q": "a\"b\\c]d"}' \
	"5424: PARAM values with escapes undone"
jcheck a 1 'm["msg"] == "hello räksmörgås"' "5424: MSG (UTF-8) intact"

# ---- several messages on one connection, NILVALUE timestamp, no timeQuality ----
printf 'first\nandra raden\nthird\n' | capture b --rfc5424=notime,notq --octet-count -t multi
parse b
expect_rc 0 "5424 three frames on one connection"
jcheck b 3 'n == 3 and [json.loads(l)["msg"] for l in lines] == ["first", "andra raden", "third"]' \
	"5424: three messages, in order"
jcheck b 1 'm["time_us"] is None and m["timestamp"] is None and m["sd"] == []' \
	"5424 notime,notq: TIMESTAMP is NILVALUE, no structured data"

# ---- non-transparent framing: only when enabled ----
capture c --rfc5424 -t lfapp "lf framed"
parse c --lf
expect_rc 0 "5424 LF-framed, accepted with --lf"
jcheck c 1 'n == 1 and m["app_name"] == "lfapp" and m["msg"] == "lf framed"' "LF-framed: fields as given"
parse c
expect_rc 1 "LF framing without --lf: the connection is refused"
jcheck c 1 'm.get("frame_error") == "frame_prefix" and m["at"] == 0' "LF framing refused as frame_prefix at byte 0"

# ---- RFC 3164 (legacy), octet counting and LF ----
capture d --rfc3164 --octet-count -p local3.warning -t legacy-tag --id=77 "old style"
parse d
expect_rc 0 "3164 octet-counted: framed and parsed"
jcheck d 1 'm["format"] == "rfc3164" and m["legacy"] and m["version"] == 0' "3164: marked legacy"
jcheck d 1 'm["facility"] == 19 and m["severity"] == 4' "3164: local3.warning is facility 19, severity 4"
jcheck d 1 'm["hostname"] == short and m["app_name"] == "legacy-tag" and m["procid"] == "77"' \
	"3164: HOSTNAME, TAG and PID as given"
jcheck d 1 'm["msg"] == "old style" and abs(m["time_us"] - now) < 120e6' "3164: CONTENT and time (year from us)"
printf 'x1\nx2\n' | capture e --rfc3164 -t t
parse e --lf
jcheck e 2 'n == 2 and m["msg"] == "x2" and m["app_name"] == "t"' "3164 LF-framed: two messages"
parse e --lf --no-3164
jcheck e 1 'm["error"] == "version"' "3164 refused when only RFC 5424 is allowed"

# ---- oversized: logger may send more than we take ----
python3 -c 'print("A" * 70000)' >"$T/big.txt"
capture f --rfc5424 --octet-count -S 80000 -t big -f "$T/big.txt"
parse f
expect_rc 1 "a 70000-byte frame from logger is refused (default 64 KiB)"
jcheck f 1 'm.get("frame_error") == "frame_too_big" and m["at"] < 10' \
	"too big: refused at the length prefix, before the body is read"
parse f --max 100000
jcheck f 1 'm["app_name"] == "big" and len(m["msg"]) == 70000' "the same frame fits when the limit allows it"

# ---- bad bytes ----
printf '14 <13>1 - h a p' >"$T/g.raw"
parse g
expect_rc 1 "a stream cut inside a frame is an error"
jcheck g 1 'm["frame_error"] == "frame_truncated"' "truncated: frame_truncated"
printf '18 <192>1 - h a p m -' >"$T/h.raw"
parse h
expect_rc 0 "a refused message does not end a well-framed stream"
jcheck h 1 'm["error"] == "pri_range" and m["offset"] == 1' "PRI 192 refused as pri_range"

finish
