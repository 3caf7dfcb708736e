#!/bin/sh
# Export of the Säkerhetslogg (GET /api/v1/ledger/export.csv and /export.json, the
# print page's JSON) through a running 'skydd serve': the filters apply; each
# entry carries its leaf hash and audit path, and one of them is checked by
# tests/sh/verify_proof.py (written from RFC 9162, no skydd code) against the
# checkpoint in the export, whose signature openssl checks with verifier.key;
# an auditor cleared for K gets the H document's entries without data (no
# title, no designation anywhere in the file); the export is an export.made
# entry with the SHA-256 of the bytes; bad parameters are 400 naming the
# field and record nothing; staff may not export.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 python3 sha256sum openssl
VP="$(dirname "$0")/verify_proof.py"

init_instance
need_server
login_anna "anna (ssc, admin) logs in"
new_user rut registrar KH && new_user kalle auditor K && KALLE=$UID_OUT &&
	new_user stig staff KH && STIG=$UID_OUT
enrolled "${STIG:-}" "a registrar, an auditor cleared for K and a staff member are enrolled"

SECRET_TITLE="Operation Ormvråk"
new_doc "{\"title\":\"$SECRET_TITLE\",\"class\":\"H\",\"form\":\"physical\",\"pages\":3}" && D_H=$DOC
DESIG=$(json_str designation "$T/resp")
new_doc '{"title":"Öppen K-rapport","class":"K","form":"physical","pages":1}' && D_K=$DOC
checks "an H and a K document are registered" '[ -n "${D_H:-}" ] && [ -n "${D_K:-}" ] && [ -n "$DESIG" ]'
sleep 1.2 # the next checkpoint covers them (checkpoint_ms defaults to 1000)
api GET /api/v1/ledger/checkpoint anna
CP_SIZE=$(json_num size "$T/resp")
checks "a checkpoint covers the documents' entries" '[ "${CP_SIZE:-0}" -ge "$(ledger_size)" ]'

# ---- the good path: CSV ----
N0=$(ledger_size)
api GET /api/v1/ledger/export.csv anna
cp "$T/resp" "$T/anna.csv"
checks "export.csv: 200, text/csv, an attachment" \
	'[ "$STATUS" = 200 ] && grep -qi "^content-type: text/csv" "$T/hdr" && grep -qi "^content-disposition: attachment" "$T/hdr"'
checks "  … the header names the columns" \
	'head -n 1 "$T/anna.csv" | grep -q "^seq;time;actor;actor_name;kind;object;redacted;data;leaf_hash;leaf_index;tree_size;audit_path"'
checks "  … every entry up to the checkpoint, one row each (plus header and checkpoint row)" \
	'[ "$(python3 -c "import csv,sys; print(sum(1 for r in csv.reader(open(sys.argv[1], newline=\"\"), delimiter=\";\") if r and r[0].isdigit()))" "$T/anna.csv")" = "$CP_SIZE" ]'
checks "  … the ssc sees the H document's title" 'grep -q "$SECRET_TITLE" "$T/anna.csv"'
checks "  … the actor by name: rut's document.created" \
	'grep -q ";rut;document.created;document/$D_H;false;" "$T/anna.csv"'
checks "  … the last row is the checkpoint note" 'python3 -c "import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=\"\"), delimiter=\";\")); sys.exit(r[-1][0] != \"#checkpoint\" or \"\\n\\n\" not in r[-1][7])" "$T/anna.csv"'
checks "  … recorded: export.made with the SHA-256 of the bytes sent" \
	'sq "$I/skydd.db" "SELECT entry FROM ledger WHERE kind = '"'"'export.made'"'"' ORDER BY seq DESC LIMIT 1" | grep -q "\"sha256\":\"$(sha256sum "$T/anna.csv" | cut -d " " -f 1)\"" && [ "$(ledger_size)" -eq $((N0 + 1)) ]'

# ---- one proof from the CSV, verified outside skydd ----
python3 - "$T/anna.csv" "$T" "$D_H" <<'EOF' 2>"$T/py.err"
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline=""), delimiter=";"))
cp = [r for r in rows if r and r[0] == "#checkpoint"][0]
e = [r for r in rows if len(r) > 5 and r[4] == "document.created" and r[5] == "document/" + sys.argv[3]][0]
open(sys.argv[2] + "/note", "w").write(cp[7])
json.dump({"seq": int(e[0]), "leaf_index": int(e[9]), "tree_size": int(e[10]), "leaf_hash": e[8],
           "proof": e[11].split(" ") if e[11] else [], "root": cp[8]}, open(sys.argv[2] + "/proof.json", "w"))
open(sys.argv[2] + "/root", "w").write(cp[8])
EOF
mkdir -p "$T/n"
checks "the CSV's proof of document.created checks out against the exported checkpoint's root" \
	'python3 "$VP" inclusion "$I/skydd.db" "$T/proof.json" "$(cat "$T/root")"'
checks "  … and the exported note is signed by the verifier key, for that root" \
	'python3 "$VP" note "$T/note" "$I/verifier.key" "$T/n" >"$T/n/info" &&
	openssl pkeyutl -verify -pubin -inkey "$T/n/pub.der" -keyform DER -rawin -in "$T/n/msg" -sigfile "$T/n/sig" >/dev/null 2>&1 &&
	[ "$(cut -d " " -f 3 "$T/n/info")" = "$(cat "$T/root")" ]'
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["proof"][0]="A"*43+"="; json.dump(p, open(sys.argv[1],"w"))' "$T/proof.json"
checks "  … a changed audit path does not" \
	'! python3 "$VP" inclusion "$I/skydd.db" "$T/proof.json" "$(cat "$T/root")" 2>/dev/null'

# ---- the print page's JSON, with filters ----
api GET "/api/v1/ledger/export.json?kind=document.&actor=0" anna
checks "export?kind=document.&actor=0: 200, nothing (the system made no document)" \
	'[ "$STATUS" = 200 ] && [ "$(py "len(d[\"entries\"])" "$T/resp")" = 0 ]'
api GET "/api/v1/ledger/export.json?kind=document.created" anna
cp "$T/resp" "$T/doc.json"
checks "export?kind=document.created: the two documents, with proofs and the checkpoint" \
	'[ "$(py "[e[\"object\"] for e in d[\"entries\"]]" "$T/doc.json")" = "['"'"'document/$D_H'"'"', '"'"'document/$D_K'"'"']" ] &&
	[ "$(py "d[\"checkpoint\"][\"size\"] == d[\"entries\"][0][\"tree_size\"] and len(d[\"entries\"][0][\"proof\"]) > 0" "$T/doc.json")" = True ]'
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); e=d["entries"][1]; e["root"]=d["checkpoint"]["root"]; json.dump(e, open(sys.argv[2],"w"))' "$T/doc.json" "$T/proof2.json"
checks "  … the print page's proof checks out too" \
	'python3 "$VP" inclusion "$I/skydd.db" "$T/proof2.json" "$(py "d[\"checkpoint\"][\"root\"]" "$T/doc.json")"'
api GET "/api/v1/ledger/export.json?object=document/$D_K" anna
checks "export?object=document/$D_K: only that document's entries" \
	'[ "$STATUS" = 200 ] && [ "$(py "sorted(set(e[\"object\"] for e in d[\"entries\"]))" "$T/resp")" = "['"'"'document/$D_K'"'"']" ]'

# ---- need-to-know: an auditor cleared for K ----
api GET /api/v1/ledger/export.csv kalle
cp "$T/resp" "$T/kalle.csv"
checks "the auditor (K) exports: 200" '[ "$STATUS" = 200 ]'
checks "  … the H document's title and designation are nowhere in the file" \
	'! grep -q "$SECRET_TITLE" "$T/kalle.csv" && ! grep -qF "$DESIG" "$T/kalle.csv"'
checks "  … its entry is there, redacted, without data, with its proof" \
	'grep -Eq "^[0-9]+;[^;]*;[0-9]+;rut;document.created;document/$D_H;true;;[A-Za-z0-9+/=]{44};[0-9]+;[0-9]+;[A-Za-z0-9+/= ]+" "$T/kalle.csv"'
checks "  … the K document's title is there" 'grep -q "Öppen K-rapport" "$T/kalle.csv"'

# ---- bad input: 400 naming the field, nothing recorded; staff: 403 ----
N1=$(ledger_size)
for q in "from=0:from" "from=x:from" "actor=-2:actor" "since=yesterday:since" "until=2026-13-01:until" "kind=:kind" "bogus=1:bogus"; do
	api GET "/api/v1/ledger/export.csv?${q%%:*}" anna
	expect_api 400 "\"field\": *\"${q#*:}\"" "export.csv?${q%%:*}: 400 naming ${q#*:}"
done
api GET /api/v1/ledger/export.csv stig
expect_api 403 "forbidden" "staff may not export the log: 403"
checks "  … and none of it was recorded" '[ "$(ledger_size)" -eq "$N1" ]'

# ---- the CLI: skydd log export through the API ----
run "$SKYDD" log export --from 0
expect_one_line 2 "--from must be a seq" "log export --from 0: exit 2, one line"
as anna log export --kind document.created -o "$T/cli.csv"
checks "log export --kind document.created -o FILE: exit 0, the two documents, mode 0600" \
	'[ "$RC" -eq 0 ] && [ "$(grep -c ";document.created;" "$T/cli.csv")" = 2 ] && [ "$(stat -c %a "$T/cli.csv")" = 600 ] && [ "$(ledger_size)" -eq $((N1 + 1)) ]'
# ---- the bound: at most 5,000 entries a file, and where the next one starts ----
stop_server
if "$LOADGEN" "$I" 2 5200 >"$T/loadgen.out" 2>"$T/loadgen.err" && start_server; then
	sleep 1.2 # a checkpoint after the load
	api GET /api/v1/ledger/export.csv anna
	cp "$T/resp" "$T/big.csv"
	NEXT=$(sed -n 's/^#truncated;.*next_from=\([0-9]*\).*/\1/p' "$T/big.csv")
	checks "an export past 5,000 entries: 200, exactly 5,000 entry rows, a #truncated row naming the next seq" \
		'[ "$STATUS" = 200 ] && [ "$(grep -Ec "^[0-9]+;" "$T/big.csv")" = 5000 ] && [ "${NEXT:-0}" = 5001 ]'
	api GET "/api/v1/ledger/export.csv?from=$NEXT" anna
	checks "  … from=next_from goes on where it stopped" \
		'[ "$STATUS" = 200 ] && [ "$(grep -Ec "^[0-9]+;" "$T/resp" | head -1)" -gt 0 ] && grep -Eq "^$NEXT;" "$T/resp"'
else
	not_ok "loadgen and a restarted server for the bound"
	diag "$(cat "$T/loadgen.err" "$T/serve.log" 2>/dev/null | tail -5)"
fi
finish
