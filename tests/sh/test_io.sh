#!/bin/sh
# Import and export of the register through a running 'skydd serve', with curl
# and the CLI: the sample file imports; broken files (bad encoding, missing
# and unknown columns, duplicates, wrong classes, unknown names) are refused
# with line-level problems and nothing imported (the tables' hash and the
# ledger size are the same before and after); a dry run changes nothing;
# exports (CSV with the formula guard, XLSX checked with python's zipfile)
# are ledger entries with the SHA-256 of the bytes sent; staff may not export,
# the chief off every need-to-know list and an auditor cleared for H see
# nothing they may not; 'skydd verify --replay' at the end.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 python3 sha256sum
SAMPLE=docs/import-sample.csv

# import_body FILE DRY: the JSON body {"csv": <FILE as a string>, "dry_run": DRY}.
import_body() {
	python3 -c 'import json,sys; print(json.dumps({"csv": open(sys.argv[1], encoding="utf-8").read(), "dry_run": sys.argv[2] == "true"}))' "$1" "$2" >"$T/body.json"
}

# state: a hash of the register's tables and the ledger's size (read by sqlite3, the outsider).
state() {
	db_hash "SELECT * FROM document ORDER BY id; SELECT * FROM copy ORDER BY id;
		SELECT * FROM receipt ORDER BY id; SELECT * FROM document_access ORDER BY 1, 2;
		SELECT count(*) FROM ledger;"
}

# ---- no server needed ----
for cmd in "doc import" "doc export"; do
	# shellcheck disable=SC2086
	run "$SKYDD" $cmd --help
	checks "$cmd --help prints its usage, exit 0" \
		'[ "$RC" -eq 0 ] && grep -q "^usage: skydd $cmd" "$T/out"'
done
run "$SKYDD" doc import
expect_one_line 2 "give one FILE" "doc import without a file: exit 2, one line"
run "$SKYDD" doc export --format pdf
expect_one_line 2 "csv or xlsx" "doc export --format pdf: exit 2, one line"
run "$SKYDD" doc export --class Q
expect_one_line 2 "BH, K, H or KH" "doc export --class Q: exit 2, one line"
run "$SKYDD" doc import "$T/none.csv"
expect_one_line 2 "cannot open" "doc import of a missing file: exit 2, one line"
# a file in Latin-1 (Excel's "CSV" without UTF-8): the line is named, nothing is sent
printf 'titel;klass;form;förvaring\nBra;K;fysisk;Skåp\nF\345rgat;K;fysisk;Sk\345p\n' >"$T/latin1.csv"
run "$SKYDD" doc import "$T/latin1.csv"
checks "a Latin-1 file: exit 1, line 3 named, nothing sent (no server needed)" \
	'[ "$RC" -eq 1 ] && grep -q "^line 3: not UTF-8" "$T/out" && grep -q "nothing was sent" "$T/err"'

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"

new_user rut registrar KH && new_user carl chief KH && CARL=$UID_OUT &&
	new_user stig staff KH && STIG=$UID_OUT && new_user greta auditor H && GRETA=$UID_OUT
checks "a registrar, the chief, a staff member and an auditor (H) are enrolled" \
	'[ -n "${GRETA:-}" ]'

api POST /api/v1/spaces anna '{"kind":"container","name":"Kassaskåp A","max_class":"H","decision_ref":"SP-1"}'
S_A=$(json_num id "$T/resp")
api POST /api/v1/spaces carl '{"kind":"container","name":"Valvet","max_class":"KH","decision_ref":"SP-2"}'
S_V=$(json_num id "$T/resp")
api POST /api/v1/systems anna '{"name":"Diariet","max_class":"H","decision_ref":"S-1"}'
SYS=$(json_num id "$T/resp")
person_of "Eva Ek" "" && P_EVA=$PID_OUT
person_of "Stig Staff" "$STIG"
checks "two containers, a system and two persons are registered" \
	'[ -n "$S_A" ] && [ -n "$S_V" ] && [ -n "$SYS" ] && [ -n "$P_EVA" ] && [ "$STATUS" = 200 ]'

# ---- broken files: refused with the line and field, nothing imported ----
BEFORE=$(state)
refused() { # FILE STATUS REGEX DESC
	import_body "$1" false
	api POST /api/v1/documents/import rut "@$T/body.json"
	expect_api "$2" "$3" "$4"
	checks "  … and nothing changed ($4)" '[ "$(state)" = "$BEFORE" ]'
}
printf 'beteckning;titel\nX-1;Plan\n' >"$T/missing.csv"
refused "$T/missing.csv" 400 'missing required columns: klass, form' \
	"missing columns are named"
printf 'titel;klass;form;färg\nPlan;K;fysisk;röd\n' >"$T/unknown.csv"
refused "$T/unknown.csv" 400 "unknown column 'färg'" "an unknown column is named"
printf 'beteckning;titel;klass;form;sidor;förvaring\nD-1;A;K;fysisk;1;Kassaskåp A\nD-2;B;K;fysisk;1;Kassaskåp A\nD-1;C;K;fysisk;1;Kassaskåp A\n' >"$T/dup.csv"
refused "$T/dup.csv" 400 '"line":4,"message":"'"'"'D-1'"'"' is also on line 2"' \
	"a designation twice in the file: line 4 names line 2"
printf 'beteckning;titel;klass;form;sidor;förvaring\nC-1;A;K;fysisk;1;Kassaskåp A\nC-2;B;Hemligt;fysisk;1;Kassaskåp A\nC-3;C;S;fysisk;1;Kassaskåp A\nC-4;D;H;fysisk;1;Kassaskåp A\n' >"$T/class.csv"
refused "$T/class.csv" 400 '"field":"klass","line":3.*"field":"klass","line":4' \
	"wrong classes: every bad line reported (3 and 4)"
printf 'beteckning;titel;klass;form;sidor;förvaring;innehavare\nN-1;A;K;fysisk;1;Kassaskåp A;\nN-2;B;KH;fysisk;1;Kassaskåp A;\nN-3;C;K;fysisk;1;;Ingen Alls\n' >"$T/names.csv"
refused "$T/names.csv" 422 '"field":"förvaring","line":3.*"field":"innehavare","line":4' \
	"a container below the class and an unknown holder: refused, both lines named"

# the dry run of the same file reports the same problems, changes nothing
import_body "$T/names.csv" true
api POST /api/v1/documents/import rut "@$T/body.json"
expect_api 200 '"dry_run":true.*"errors":2' "a dry run of a bad file: 200 with both problems"
checks "  … and nothing changed (dry run)" '[ "$(state)" = "$BEFORE" ]'

# the CLI: the same file, the lines on stdout, one line on stderr
as rut doc import "$T/names.csv"
checks "doc import of a bad file: exit 1, lines 3 and 4 named" \
	'[ "$RC" -eq 1 ] && grep -q "^line 3, förvaring:" "$T/out" && grep -q "^line 4, innehavare:" "$T/out"'
as rut doc import "$T/class.csv"
checks "doc import: a wrong class is found before anything is sent" \
	'[ "$RC" -eq 1 ] && grep -q "^line 3, klass:" "$T/out" && grep -q "nothing was sent" "$T/err"'
checks "  … and nothing changed (CLI)" '[ "$(state)" = "$BEFORE" ]'

# ---- the sample file ----
as rut doc import --dry-run "$SAMPLE"
checks "doc import --dry-run of the sample: 5 documents, 5 copies, nothing imported" \
	'[ "$RC" -eq 0 ] && grep -q "5 documents and 5 copies would be imported" "$T/out"'
checks "  … and nothing changed (dry run)" '[ "$(state)" = "$BEFORE" ]'
as stig doc import "$SAMPLE"
expect_one_line 1 "roles do not allow" "staff may not import: exit 1, one line"
as rut doc import "$SAMPLE"
checks "doc import of the sample: exit 0, 5 documents and 5 copies" \
	'[ "$RC" -eq 0 ] && grep -q "imported 5 documents and 5 copies (1 receipts)" "$T/out"'
checks "  … five documents in the register, the holder on the need-to-know list" \
	'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM document")" = 5 ] &&
	 [ "$(sq "$I/skydd.db" "SELECT count(*) FROM document_access WHERE person_id = $P_EVA")" = 1 ]'
checks "  … the import is one ledger entry with the file's SHA-256" \
	'sq "$I/skydd.db" "SELECT entry FROM ledger WHERE kind = '"'"'import.completed'"'"'" | grep -q "\"sha256\":\"$(sha "$SAMPLE")\""'
BEFORE=$(state)
as rut doc import "$SAMPLE"
checks "the sample again: refused (the designations are in the register), line 2 named" \
	'[ "$RC" -eq 1 ] && grep -q "^line 2, beteckning: .2025-0101. is already in the register" "$T/out"'
checks "  … and nothing changed" '[ "$(state)" = "$BEFORE" ]'
printf 'beteckning;titel;klass;form;sidor;förvaring\nKH-1;Valvplanen;KH;fysisk;3;Valvet\n=HYPERLINK("x");Formel;K;fysisk;1;Kassaskåp A\n' >"$T/kh.csv"
as rut doc import "$T/kh.csv"
expect_rc 0 "a KH document and one with a formula-like designation are imported"

# ---- a file over 1 MiB: refused without --batches, imported in parts with it ----
python3 -c 'import sys
print("titel;klass;form;exemplar;förvaring")
for i in range(12000):
    print("Veckorapport nummer %05d om läget i verksamheten, utfärdad av enheten;BH;fysisk;1;Kassaskåp A" % i)' >"$T/big.csv"
BEFORE=$(state)
as rut doc import "$T/big.csv"
checks "a file over 1 MiB without --batches: exit 2, nothing sent" \
	'[ "$RC" -eq 2 ] && grep -q "give --batches" "$T/err" && [ "$(state)" = "$BEFORE" ]'
as rut doc import --dry-run --batches "$T/big.csv"
checks "--dry-run --batches: every part checked, nothing imported" \
	'[ "$RC" -eq 0 ] && grep -q "dry run: 2 parts are fine: 12000 documents" "$T/out" && [ "$(state)" = "$BEFORE" ]'
as rut doc import --batches "$T/big.csv"
checks "--batches: 12000 documents imported in 2 parts, 2 import entries" \
	'[ "$RC" -eq 0 ] && grep -q "imported 12000 documents and 12000 copies" "$T/out" &&
	 [ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'"'import.completed'"'"'")" = 4 ]'
printf 'titel;klass;form;exemplar;förvaring\n' >"$T/big2.csv"
sed -n '2,8000p' "$T/big.csv" >>"$T/big2.csv"
printf 'Sista;Q;fysisk;1;Kassaskåp A\n' >>"$T/big2.csv"
as rut doc import --batches "$T/big2.csv"
checks "--batches with a bad last row: found before anything is sent, line 8001 named" \
	'[ "$RC" -eq 1 ] && grep -q "^line 8001, klass:" "$T/out"'

# ---- export ----
api GET /api/v1/documents/export.csv rut
checks "export.csv: 200, text/csv, an attachment" \
	'[ "$STATUS" = 200 ] && grep -qi "^content-type: text/csv; charset=utf-8" "$T/hdr" &&
	 grep -qi "^content-disposition: attachment; filename=\"register-$TODAY.csv\"" "$T/hdr"'
cp "$T/resp" "$T/export.csv"
checks "  … the header is the 3 kap. 10 § fields" \
	'head -n 1 "$T/export.csv" | grep -q "beteckning;klass;titel;diarienummer;sidor;bilagor;antal exemplar;exemplar;mottagare;kvitterat av;kvitterat;inventerad;status;status datum"'
checks "  … one row per copy (12007 copies, 1 document without copies, the header)" \
	'[ "$(wc -l <"$T/export.csv")" -eq 12009 ]'
checks "  … the receipt: Eva Ek signed on paper" \
	'grep -q "^2025-0102;K;[^;]*;[^;]*;[0-9]*;[0-9]*;1;1;Eva Ek;Eva Ek (papperskvittens Kvittens 2025-17);" "$T/export.csv"'
checks "  … the signing time is Swedish local time with its offset, no UTC Z" \
	'grep "^2025-0102;" "$T/export.csv" | grep -Eq ";20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]\+0[12]:00;" &&
	 ! grep -Eq "[0-9]T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z" "$T/export.csv"'
checks "  … with title and page count (KH-1, Valvplanen, 3 pages)" \
	'grep -q "^KH-1;KH;Valvplanen;;3;0;" "$T/export.csv"'
formula_guarded() {
	grep -q "^\"'=HYPERLINK" "$T/export.csv" && ! grep -q '^=HYPERLINK' "$T/export.csv"
}
check "  … a formula is not a formula: the cell starts with an apostrophe" formula_guarded
checks "  … the export is a ledger entry with the SHA-256 of the bytes sent" \
	'sq "$I/skydd.db" "SELECT entry FROM ledger WHERE kind = '"'"'export.made'"'"' ORDER BY seq DESC LIMIT 1" | grep -q "\"sha256\":\"$(sha "$T/export.csv")\""'

as rut doc export --format xlsx -o "$T/register.xlsx"
checks "doc export --format xlsx -o: exit 0, the file is mode 0600" \
	'[ "$RC" -eq 0 ] && [ "$(stat -c %a "$T/register.xlsx")" = 600 ]'
checks "  … a valid zip with the sheet (python zipfile)" \
	"python3 -c \"import zipfile; z=zipfile.ZipFile('$T/register.xlsx'); assert z.testzip() is None; s=z.read('xl/sharedStrings.xml').decode(); assert 'Valvplanen' in s and 'KH-1' in s and '2025-0102' in s\""
checks "  … and a ledger entry (format xlsx)" \
	'sq "$I/skydd.db" "SELECT entry FROM ledger WHERE kind = '"'"'export.made'"'"' ORDER BY seq DESC LIMIT 1" | grep -q "\"format\":\"xlsx\"" &&
	 sq "$I/skydd.db" "SELECT entry FROM ledger WHERE kind = '"'"'export.made'"'"' ORDER BY seq DESC LIMIT 1" | grep -q "\"sha256\":\"$(sha "$T/register.xlsx")\""'
as rut doc export --class K
checks "doc export --class K to stdout: only K rows" \
	'[ "$RC" -eq 0 ] && grep -q "^2025-0102;K;" "$T/out" && ! grep -q ";H;" "$T/out"'

# who sees what
N_EXP=$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = 'export.made'")
api GET /api/v1/documents/export.csv stig
expect_api 403 '"forbidden"' "staff may not export: 403"
api GET /api/v1/register stig
expect_api 403 '"forbidden"' "staff may not read the register's print view: 403"
as stig doc export -o "$T/stig.csv"
checks "doc export by staff: exit 1, no file" '[ "$RC" -eq 1 ] && [ ! -e "$T/stig.csv" ]'
checks "  … and no export entry" \
	'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'"'export.made'"'"'")" = "$N_EXP" ]'
api GET /api/v1/documents/export.csv carl
checks "the chief, on no need-to-know list, exports the header only" \
	'[ "$STATUS" = 200 ] && [ "$(wc -l <"$T/resp")" -eq 1 ]'
api GET /api/v1/documents/export.csv greta
checks "an auditor cleared for H exports the register without the KH document" \
	'[ "$STATUS" = 200 ] && grep -q "^2025-0101;H;" "$T/resp" && ! grep -q "KH-1" "$T/resp"'
api GET "/api/v1/register?class=K" greta
checks "GET /api/v1/register: documents with copies and receipts" \
	'[ "$STATUS" = 200 ] && grep -q "\"designation\":\"2025-0102\"" "$T/resp" && grep -q "\"receipts\":\[{" "$T/resp" && ! grep -q "2025-0101" "$T/resp"'
# the print view in keyset pages (issue 10, item 15): 500 documents a page, every
# visible one exactly once, following next; greta (auditor, H) never sees KH-1
walk_register() {
	_after="" _n=0 : >"$T/walk"
	while :; do
		api GET "/api/v1/register?limit=500$_after" "$1"
		[ "$STATUS" = 200 ] || { echo "status $STATUS" >>"$T/walk"; break; }
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["documents"]) <= 500; [print(x["designation"]) for x in d["documents"]]' "$T/resp" >>"$T/walk"
		_next=$(python3 -c 'import json,sys,urllib.parse as u; n=json.load(open(sys.argv[1]))["next"]; print(u.quote(n, safe="") if n else "")' "$T/resp")
		[ -n "$_next" ] || break
		_after="&after=$_next" _n=$((_n + 1))
		[ "$_n" -lt 100 ] || break
	done
}
walk_register greta
sq "$I/skydd.db" "SELECT designation FROM document WHERE class <> 'KH' ORDER BY designation" >"$T/walk.want"
checks "GET /api/v1/register?limit=500: greta walks every page, each H/K/BH document once, no KH" \
	'[ "$_n" -gt 1 ] && cmp -s "$T/walk" "$T/walk.want"'
api GET "/api/v1/register?limit=0" greta
expect_api 400 '"field":"limit"' "register: limit 0: 400 naming limit"
api GET "/api/v1/register?limit=501" greta
expect_api 400 '"field":"limit"' "register: limit 501 (over the maximum 500): 400 naming limit"
api GET "/api/v1/register?limit=x" greta
expect_api 400 '"field":"limit"' "register: limit x: 400 naming limit"
api GET "/api/v1/register?after=" greta
expect_api 400 '"field":"after"' "register: an empty after: 400 naming after"
api GET "/api/v1/register?after=$(printf '%065d' 0)" greta
expect_api 400 '"field":"after"' "register: an after over 64 bytes: 400 naming after"
api GET "/api/v1/register?after=%01x" greta
expect_api 400 '"field":"after"' "register: a control character in after: 400 naming after"

api GET "/api/v1/documents/export.csv?class=Q" rut
expect_api 400 '"field":"class"' "an unknown class filter: 400 naming class"

# ---- bad requests: refused by the router before the handler ----
api POST /api/v1/documents/import rut '{"dry_run":true}'
expect_api 400 '"missing_field".*"field":"csv"' "import without csv: 400 missing_field csv"
api POST /api/v1/documents/import rut '{"csv":""}'
expect_api 400 '"field":"csv"' "import of an empty text: 400 naming csv"
api POST /api/v1/documents/import rut '{"csv":"titel;klass;form\n","dry_run":"yes"}'
expect_api 400 '"field":"dry_run"' "dry_run not a boolean: 400 naming dry_run"
api POST /api/v1/documents/import rut '{"csv":"a\u0001b"}'
expect_api 400 '"field":"csv"' "a control character in the text: 400 naming csv"
python3 -c 'import json; print(json.dumps({"csv": "a" * (1024 * 1024)}))' >"$T/huge.json"
api POST /api/v1/documents/import rut "@$T/huge.json"
expect_api 413 '"too_large"' "a body over 1 MiB: 413"
api GET "/api/v1/documents/export.xlsx?holder=x" rut
expect_api 400 '"field":"holder"' "a holder that is not a number: 400 naming holder"
api GET "/api/v1/documents/export.csv?zz=1" rut
expect_api 400 '"field":"zz"' "an unknown query parameter: 400"

# ---- the ledger replays to the same tables ----
stop_server
replay_check "skydd verify --replay: the projections equal the ledger's replay"

finish
