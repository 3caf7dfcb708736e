#!/bin/sh
# skydd seclog: search, show, export and verify-export from the command
# line, and export bundles checked by an implementation that is not ours
# (Go's golang.org/x/mod/sumdb/{note,tlog}, tests/go/seclog_export.go) with
# nothing but the verifier key. A bundle with one byte of a body, a path
# hash or the checkpoint changed is refused by both; bad input exits 2
# with one line.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
SECLOGLOAD=$BUILD/tools/seclogload
need_file "$SKYDD" "$SECLOGLOAD"
need_prog go python3
setup_tmp
I=$T/inst
go_verifier seclog_export
if ! new_instance "$I"; then
	not_ok "setting up the instance"
	finish
fi
run "$SECLOGLOAD" seed "$I" 600
expect_rc 0 "600 messages seeded"
VKEY=$(cat "$I/verifier.key")

run "$SKYDD" seclog search --data "$I" --q "failed password" --limit 5
expect_rc 0 "search by words"
check "five messages" [ "$(grep -c 'Failed password' "$T/out")" -eq 5 ]
check "and a cursor to the next page" grep -q '^next: ' "$T/out"
run "$SKYDD" seclog search --data "$I" --severity 0 --host fw1.example.se --json
expect_rc 0 "search by severity and host"
check "only severity 0 of fw1" python3 -c "
import json,sys; r=json.load(open('$T/out'))
m=r['messages']; assert m and all(x['severity']==0 and x['host']=='fw1.example.se' for x in m)"
run "$SKYDD" seclog search --data "$I" --q 'NEAR( "OR" *'
expect_rc 0 "FTS syntax in the words is not an error"
run "$SKYDD" seclog show --data "$I" 7
expect_rc 0 "show one message"
check "with its proof" grep -q '"proof":{"checkpoint"' "$T/out"

run "$SKYDD" seclog export --data "$I" --source 2 --q accepted --out "$T/b.json"
expect_rc 0 "export a selection"
n=$(python3 -c "import json; print(json.load(open('$T/b.json'))['count'])")
check "the selection is 100 messages ($n)" [ "$n" -eq 100 ]
run "$SKYDD" seclog verify-export --data "$I" "$T/b.json"
expect_rc 0 "our verifier accepts the bundle"
run "$T/seclog_export" "$VKEY" <"$T/b.json"
expect_rc 0 "Go's tlog and note accept the bundle ($(cat "$T/out"))"

# tamper WHAT: the bundle with one thing changed.
tamper() {
	python3 - "$T/b.json" "$1" >"$T/bad.json" <<'PY'
import base64, json, sys
b = json.load(open(sys.argv[1]))
what = sys.argv[2]
def flip(s):
    x = bytearray(base64.b64decode(s)); x[len(x) // 2] ^= 1
    return base64.b64encode(bytes(x)).decode()
m = b["messages"][len(b["messages"]) // 2]
if what == "body": m["body"] = flip(m["body"])
elif what == "path": m["path"][0] = flip(m["path"][0])
elif what == "note":
    lines = b["checkpoint"].split("\n"); lines[2] = flip(lines[2]); b["checkpoint"] = "\n".join(lines)
elif what == "index": m["index"] = m["index"] + 1
print(json.dumps(b))
PY
}
for what in body path note index; do
	tamper "$what"
	run "$SKYDD" seclog verify-export --data "$I" "$T/bad.json"
	expect_rc 1 "our verifier refuses a changed $what ($(head -c 90 "$T/out"))"
	run "$T/seclog_export" "$VKEY" <"$T/bad.json"
	expect_rc 1 "Go refuses a changed $what ($(head -c 90 "$T/out"))"
done

run "$SKYDD" seclog search --data "$I" --limit 1001
expect_fail_msg 2 "--limit" "a limit over 1000 is refused"
run "$SKYDD" seclog search --data "$I" --from yesterday
expect_fail_msg 2 "--from" "a time that is not RFC 3339 is refused"
run "$SKYDD" seclog search --data "$I" --host "two words"
expect_fail_msg 2 "--host" "a host name with a space is refused"
run "$SKYDD" seclog show --data "$I" 600
expect_rc 1 "no message 600"
run "$SKYDD" seclog verify-export --data "$I" "$T/inst/verifier.key"
expect_rc 2 "a file that is not a bundle"
for sub in "" " search" " export" " verify-export"; do
	# shellcheck disable=SC2086
	run "$SKYDD" seclog$sub --help
	help_ok "seclog$sub --help prints the usage, exit 0" "^usage: skydd seclog search" quiet
done
check "the help says the web and the API are the need-to-know path" grep -q "need-to-know" "$T/out"
run "$SKYDD" seclog
expect_rc 2 "seclog without a subcommand is a usage error"
run "$SKYDD" seclog frobnicate --data "$I"
expect_fail_msg 2 "unknown subcommand" "an unknown subcommand is refused"
run "$SKYDD" seclog search
expect_fail_msg 2 "--data DIR is required" "--data is required"
run "$SKYDD" seclog reindex --data "$I"
expect_rc 0 "reindex"
check "all 600 indexed" grep -q "indexed 600 messages" "$T/out"
run "$SKYDD" verify --data "$I"
expect_rc 0 "the instance and its seclog.db still verify with the index tables"
finish
