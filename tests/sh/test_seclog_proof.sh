#!/bin/sh
# Inclusion proofs of the seclog store, checked by an implementation that
# is not ours: Go's golang.org/x/mod/sumdb/{note,tlog} (Debian's
# golang-golang-x-mod-dev) with nothing but the instance's verifier key.
# A proof with a changed path, index, body or checkpoint is refused, and so
# is the registers' ledger's checkpoint, signed by the same key.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
SECLOGLOAD=$BUILD/tools/seclogload
need_file "$SKYDD" "$SECLOGLOAD"
need_prog go python3 sleep kill
setup_tmp
I=$T/inst
go_verifier seclog_proof
if ! new_instance "$I"; then
	not_ok "setting up the instance"
	finish
fi
"$SECLOGLOAD" "$I" 2 >/dev/null 2>"$T/load.err" &
pid=$!
sleep 0.5
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
run "$SECLOGLOAD" close "$I"
expect_rc 0 "the writer reopens after the kill and signs a checkpoint at close"
run "$SECLOGLOAD" verify "$I"
size=$(cut -d ' ' -f 2 "$T/out")
check "messages were appended ($size)" [ "${size:-0}" -gt 300 ]
VKEY=$(cat "$I/verifier.key")

for idx in 0 1 255 256 $((size / 2)) $((size - 1)); do
	run "$SECLOGLOAD" prove "$I" "$idx"
	cp "$T/out" "$T/proof.json"
	run "$T/seclog_proof" "$VKEY" <"$T/proof.json"
	expect_rc 0 "Go's tlog and note accept the proof of message $idx of $size"
done
run "$SECLOGLOAD" prove "$I" "$size"
check "no proof past the checkpoint" [ "$RC" -ne 0 ]

# edit FIELD PYTHON-EXPR: the last proof with one thing changed.
edit() {
	python3 - "$T/proof.json" "$1" >"$T/bad.json" <<'PY'
import base64, json, sys
p = json.load(open(sys.argv[1]))
what = sys.argv[2]
def flip(s):
    b = bytearray(base64.b64decode(s)); b[len(b) // 2] ^= 1
    return base64.b64encode(bytes(b)).decode()
if what == "path": p["path"][0] = flip(p["path"][0])
elif what == "index": p["index"] = p["index"] - 1
elif what == "body": p["body"] = flip(p["body"])
elif what == "leaf": p["leaf"] = flip(p["leaf"]); p["body"] = None
elif what == "root":
    lines = p["note"].split("\n"); lines[2] = flip(lines[2]); p["note"] = "\n".join(lines)
elif what == "registers":
    log = open(sys.argv[1].rsplit("/", 1)[0] + "/inst/checkpoints.log").read()
    p["note"] = log.split("\n\n")[0] + "\n\n" + log.split("\n\n")[1].split("\n")[0] + "\n"
    p["size"] = int(p["note"].split("\n")[1])
print(json.dumps(p))
PY
}
for what in path index body leaf root registers; do
	edit "$what"
	run "$T/seclog_proof" "$VKEY" <"$T/bad.json"
	expect_rc 1 "Go refuses the proof with a changed $what ($(head -c 80 "$T/out"))"
done
finish
