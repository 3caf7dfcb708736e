#!/bin/sh
# Import and export of the registers defined as data through a running
# 'skydd serve', checked against other implementations: a CSV written by
# Python's csv module imports (CLI, dry run first: nothing changes); our CSV
# export reads back with Python's csv module (the formula guard, names with
# quotes and separators); our XLSX export reads with openpyxl (Debian's
# python3-openpyxl), and a workbook openpyxl writes imports. Refusals (an
# unknown column, a bad row, a formula, a caller who may not) change nothing;
# every export is an export.made entry naming the register; 'skydd verify
# --replay' at the end.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup sqlite3 python3
# openpyxl is Debian's (script/bootstrap): the system python, not one on PATH
DEBPY=/usr/bin/python3

# state: a hash of the persons' and areas' tables and the ledger's size (read by sqlite3).
state() {
	db_hash "SELECT * FROM person ORDER BY id; SELECT * FROM area ORDER BY id;
		SELECT count(*) FROM ledger;"
}

# ---- no server needed ----
for sub in export import; do
	run "$SKYDD" person $sub --help
	checks "person $sub --help prints its usage, exit 0" \
		'[ "$RC" -eq 0 ] && grep -q "^usage: skydd person $sub" "$T/out"'
done
run "$SKYDD" area import
expect_one_line 2 "give one FILE" "area import without a file: exit 2, one line"
run "$SKYDD" area export --format pdf
expect_one_line 2 "csv or xlsx" "area export --format pdf: exit 2, one line"
run "$SKYDD" area import "$T/none.csv"
expect_one_line 2 "cannot open" "area import of a missing file: exit 2, one line"
run "$SKYDD" system import "$T/none.csv"
checks "a register that is not imported has no import subcommand (exit 2)" '[ "$RC" -eq 2 ]'

# ---- an instance, its server, the people ----
init_instance
need_server
login_anna "anna (ssc, admin) logs in"
new_user rut registrar H && new_user stig staff KH && STIG=$UID_OUT
checks "a registrar (H) and a staff member are enrolled" '[ -n "${STIG:-}" ]'

# ---- a CSV written by Python's csv module ----
python3 - "$T/persons.csv" <<'EOF'
import csv, sys
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)  # ',' and quotes where needed, CRLF
    w.writerow(["name", "unit"])
    w.writerow(['Ek, "Anna"', "Ekonomi; ledning"])
    w.writerow(["Åsa Öberg", ""])
EOF
BEFORE=$(state)
as rut person import "$T/persons.csv" --dry-run
checks "the dry run of Python's CSV passes (exit 0) and says nothing was imported" \
	'[ "$RC" -eq 0 ] && grep -q "2 rows are fine" "$T/out"'
checks "  … and nothing changed" '[ "$(state)" = "$BEFORE" ]'
as rut person import "$T/persons.csv"
checks "the import of Python's CSV: exit 0, two persons" \
	'[ "$RC" -eq 0 ] && grep -q "imported 2 persons" "$T/out"'
checks "  … with the quotes and separators as they were" \
	'[ "$(sq "$I/skydd.db" "SELECT unit FROM person WHERE name = '"'"'Ek, \"Anna\"'"'"'")" = "Ekonomi; ledning" ]'
checks "  … and an import.completed entry naming the register" \
	'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'"'import.completed'"'"' AND entry LIKE '"'"'%\"what\":\"persons\"%'"'"'")" = 1 ]'

# ---- refusals change nothing ----
printf 'name,unit\nGun,A\n%s,B\nHans,C\n' "$(python3 -c 'print("x" * 300)')" >"$T/bad.csv"
BEFORE=$(state)
as rut person import "$T/bad.csv"
checks "a bad row: exit 1, 'line 3, name' printed, nothing imported" \
	'[ "$RC" -eq 1 ] && grep -q "^line 3, name: " "$T/out" && grep -q "nothing was imported" "$T/err"'
checks "  … and nothing changed" '[ "$(state)" = "$BEFORE" ]'
as rut person import "$T/bad.csv" --dry-run
checks "the same file in a dry run: exit 1, line 3 named, nothing imported" \
	'[ "$RC" -eq 1 ] && grep -q "^line 3, name: " "$T/out" && ! grep -q "^line 2" "$T/out"'
as rut person import "$T/bad.csv" --dry-run --json
checks "  … --json prints the report: every row with its result" \
	'[ "$RC" -eq 1 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert [r[\"ok\"] for r in d[\"results\"]] == [True, False, True], d" "$T/out"'
api POST /api/v1/persons/import rut '{"csv":"name,shoe_size\nA,42\n","dry_run":true}'
expect_api 400 '"field":"shoe_size".*"reason":"regio.column_unknown"|"reason":"regio.column_unknown".*"field":"shoe_size"' \
	"an unknown column: 400 naming it, even in a dry run"
api POST /api/v1/persons/import rut '{"csv":"name,unit\n=1+1,A\n"}'
expect_api 400 '"regio.formula"' "a formula: 400 regio.formula"
api POST /api/v1/persons/import rut '{"csv":"name,unit\nA,B\n","xlsx":"UEs="}'
expect_api 400 '"field":"csv"' "both csv and xlsx: 400"
api POST /api/v1/persons/import rut '{"xlsx":"not base64!"}'
expect_api 400 '"field":"xlsx"' "xlsx that is not base64: 400 naming xlsx"
api POST /api/v1/persons/import stig '{"csv":"name\nA\n"}'
expect_api 403 'forbidden' "staff may not import persons: 403"
api POST /api/v1/persons/import rut '{"csv":"name\nA\n","dry_run":true}'
expect_api 200 '"ok":true.*"results":\[\{.*"line":2' "a dry run over the API reports line 2 ok"
checks "  … and nothing changed by any of these" '[ "$(state)" = "$BEFORE" ]'

# ---- our CSV export, read by Python's csv module ----
api POST /api/v1/persons rut '{"name":"=HYPERLINK(\"http://x\")","unit":"+46 8"}'
N0=$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = 'export.made'")
as rut person export -o "$T/persons-out.csv"
checks "person export -o FILE: exit 0" '[ "$RC" -eq 0 ] && [ -s "$T/persons-out.csv" ]'
python3 - "$T/persons-out.csv" >"$T/py.out" 2>&1 <<'EOF'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f, delimiter=";"))
head = rows[0]
assert head[:2] == ["id", "name"], head
by = {r[1]: dict(zip(head, r)) for r in rows[1:]}
assert 'Ek, "Anna"' in by and by['Ek, "Anna"']["unit"] == "Ekonomi; ledning", by
assert "'=HYPERLINK(\"http://x\")" in by, list(by)  # the formula guard
assert by["'=HYPERLINK(\"http://x\")"]["unit"] == "'+46 8"
assert all(r[0].isdigit() for r in rows[1:])
t = by["Åsa Öberg"]["created_at"]
assert t[19:] in ("+01:00", "+02:00"), t  # Swedish time with its offset
print("rows", len(rows) - 1)
EOF
# every person: those recorded here and the logins' persons made with their clearances
NP=$(sq "$I/skydd.db" "SELECT count(*) FROM person")
checks "Python's csv module reads our CSV: header, quotes, the formula guard, local time" \
	'[ "$NP" -ge 3 ] && grep -q "^rows $NP$" "$T/py.out"'
[ -s "$T/py.out" ] && ! grep -q "^rows" "$T/py.out" && diag "$(cat "$T/py.out")"

# ---- our XLSX export, read by openpyxl ----
as rut person export --format xlsx -o "$T/persons.xlsx"
checks "person export --format xlsx -o FILE: exit 0" '[ "$RC" -eq 0 ] && [ -s "$T/persons.xlsx" ]'
if "$DEBPY" -c 'import openpyxl' 2>/dev/null; then
	"$DEBPY" - "$T/persons.xlsx" >"$T/py.out" 2>&1 <<'EOF'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
rows = list(ws.iter_rows(values_only=True))
assert rows[0][:2] == ("id", "name"), rows[0]
names = [r[1] for r in rows[1:]]
assert 'Ek, "Anna"' in names and "Åsa Öberg" in names, names
assert '=HYPERLINK("http://x")' in names  # a string cell, never a formula
assert all(isinstance(r[0], int) for r in rows[1:])  # ids as numbers
assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
print("rows", len(rows) - 1)
EOF
	checks "openpyxl reads our XLSX: header, names, ids as numbers, no formula cells" \
		'grep -q "^rows $NP$" "$T/py.out"'
	[ -s "$T/py.out" ] && ! grep -q "^rows" "$T/py.out" && diag "$(cat "$T/py.out")"

	# ---- a workbook openpyxl writes, imported ----
	"$DEBPY" - "$T/areas.xlsx" <<'EOF'
import sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["Name", "kind", "class", "location", "parent"])
ws.append(["Huset", "building", "H", "Storgatan 1", None])
ws.append(["Arkivet", "object", "k", None, None])
ws.append(["Entrézonen", "zone", None, None, "Huset"])  # the parent by name, a row above
wb.save(sys.argv[1])
EOF
	as anna area import "$T/areas.xlsx"
	checks "an XLSX file written by openpyxl imports: three areas, the zone inside Huset by name" \
		'[ "$RC" -eq 0 ] && [ "$(sq "$I/skydd.db" "SELECT count(*) FROM area WHERE (name = '"'"'Huset'"'"' AND max_class = '"'"'H'"'"') OR (name = '"'"'Arkivet'"'"' AND max_class = '"'"'K'"'"') OR (name = '"'"'Entrézonen'"'"' AND parent_id = (SELECT id FROM area WHERE name = '"'"'Huset'"'"'))")" = 3 ]'
else
	not_ok "python3-openpyxl is installed (script/bootstrap)"
fi
checks "each export is an export.made entry naming the register" \
	'[ "$(sq "$I/skydd.db" "SELECT count(*) FROM ledger WHERE kind = '"'"'export.made'"'"' AND entry LIKE '"'"'%\"what\":\"persons\"%'"'"'")" = $((N0 + 2)) ]'

# ---- the API's download ----
api GET "/api/v1/areas/export?format=csv" anna
checks "GET /api/v1/areas/export: 200, text/csv, an attachment" \
	'[ "$STATUS" = 200 ] && grep -qi "^content-type: text/csv" "$T/hdr" && grep -qi "attachment; filename=\"areas-" "$T/hdr"'
api GET "/api/v1/areas/export?format=pdf" anna
expect_api 400 '"field":"format"' "an unknown format: 400 naming format"

# ---- the ledger replays to the same tables ----
stop_server
replay_check "skydd verify --replay: the projections equal the ledger's replay"

finish
