#!/bin/sh
# Coordinated action plans through a real 'skydd serve' and the CLI: the
# seed (shared/data/handlingsplan-2021.json) imports with 94 measures, its
# export equals the file byte for byte (CLI and API) and as JSON (python3),
# filters by organisation and status, the 2021 report as JSON and as XLSX
# (a valid zip, from the CLI and the API), bad files refused with the JSON
# path named and nothing written (the plan tables hashed with sqlite3 before
# and after), editing with numbers never reused, history, deadlines, and
# verify --replay.
set -u
# shellcheck source=tests/sh/reglib.sh
. "$(dirname "$0")/reglib.sh"
reg_setup python3 sqlite3 sha256sum odt2txt

SEED=${SKYDD_SHARED:-../shared}/data/handlingsplan-2021.json
if [ ! -f "$SEED" ]; then
	not_ok "prerequisite: the seed $SEED is missing"
	finish
fi

export XDG_CONFIG_HOME="$T/cfg.anna" # the CLI runs as anna, the only user

# ---- help and usage, no server needed ----
for sub in list show import export measures add update complete write-off history report \
	deadlines reopen submit year continue report-text; do
	run "$SKYDD" plan "$sub" --help
	help_ok "plan $sub --help prints its usage" "^usage: skydd plan $sub"
done
run "$SKYDD" plan frobnicate
checks "plan frobnicate: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" plan complete 3
checks "plan complete without --year: exit 2, one line" 'rc_one_line 2'

# ---- an instance, its server and a login ----
init_instance
DB=$I/skydd.db
need_server
login_anna "first login (ssc) with enrolment"
TOKEN=$(sed -n 's/.*"token": *"\([^"]*\)".*/\1/p' "$XDG_CONFIG_HOME/skydd/session")
AUTH="Authorization: Bearer $TOKEN"

# the plan tables as text, hashed (nothing written = the same hash)
plan_hash() {
	db_hash "SELECT * FROM plan ORDER BY 1, 2" "SELECT * FROM plan_authority ORDER BY 1, 2" \
		"SELECT * FROM plan_priority ORDER BY 1, 2" "SELECT * FROM plan_objective ORDER BY 1, 2" \
		"SELECT * FROM plan_measure ORDER BY 1, 2"
}

# ---- import, export ----
run "$SKYDD" plan import "$SEED"
checks "plan import of the seed: exit 0, 94 measures" \
	'[ "$RC" -eq 0 ] && grep -q "imported plan 1: 94 measures" "$T/out"'
run "$SKYDD" plan list
checks "plan list: 94 measures, 69 current, 16 completed, 9 written off" \
	'[ "$RC" -eq 0 ] && grep -Eq "^1 +2021 +94 +69 +16 +9 +Samlad" "$T/out"'
run "$SKYDD" plan export
cp "$T/out" "$T/export.json"
checks "plan export (the newest plan) equals the file byte for byte" \
	'[ "$RC" -eq 0 ] && cmp -s "$T/export.json" "$SEED"'
checks "plan export equals the file as JSON (python3)" \
	'python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))" "$T/export.json" "$SEED"'
run "$SKYDD" plan export 1 --output "$T/export2.json"
checks "plan export 1 --output FILE writes the same bytes" \
	'[ "$RC" -eq 0 ] && cmp -s "$T/export2.json" "$SEED"'
curl -s -H "$AUTH" -o "$T/api-export.json" -w '%{http_code} %{content_type}' \
	"$URL/api/v1/plans/1/export" >"$T/out"
checks "GET /api/v1/plans/1/export: 200, JSON, the file's bytes" \
	'grep -q "^200 application/json" "$T/out" && cmp -s "$T/api-export.json" "$SEED"'
run "$SKYDD" plan export 9
checks "plan export of a missing plan: exit 1, one line" 'rc_one_line 1'

# ---- filters ----
run "$SKYDD" plan measures 1 --org MSB --json
checks "measures --org MSB: 50 (42 responsible, 8 participant)" \
	'[ "$(py "len(d[\"measures\"]), sum(m[\"org_role\"]==\"responsible\" for m in d[\"measures\"])" "$T/out")" = "50 42" ]'
run "$SKYDD" plan measures 1 --org Försvarsmakten --status current --json
checks "measures --org Försvarsmakten --status current: all current and Försvarsmakten's" \
	'[ "$(py "all(m[\"status\"]==\"current\" and (\"Försvarsmakten\" in m[\"responsible\"]+m[\"participants\"]) for m in d[\"measures\"]) and len(d[\"measures\"])>0" "$T/out")" = True ]'
run "$SKYDD" plan measures 1 --status written_off
checks "measures --status written_off: 9 rows and the header" \
	'[ "$RC" -eq 0 ] && [ "$(nlines "$T/out")" -eq 10 ]'
curl -s -H "$AUTH" -o "$T/bad.json" -w '%{http_code}' \
	"$URL/api/v1/plans/1/measures?status=done" >"$T/out"
checks "measures?status=done: 400 naming status" \
	'[ "$(cat "$T/out")" = 400 ] && grep -q "\"field\":\"status\"" "$T/bad.json"'

# ---- the yearly report ----
run "$SKYDD" plan report 1 --year 2021 --json
cp "$T/out" "$T/report.json"
checks "report 2021: 69 current (5 new, 20 updated), 16 completed, 9 written off" \
	'[ "$(py "[d[\"report\"][\"totals\"][k] for k in (\"current\",\"new\",\"updated\",\"completed\",\"written_off\")]" "$T/report.json")" = "[69, 5, 20, 16, 9]" ]'
checks "report 2021 is due 2022-03-01" \
	'[ "$(py "d[\"report\"][\"due\"]" "$T/report.json")" = 2022-03-01 ]'
run "$SKYDD" plan report 1 --lang en
checks "plan report as text lists the appendix" \
	'[ "$RC" -eq 0 ] && grep -q "Appendix: Written off" "$T/out" && grep -q "^    1.1.1 " "$T/out"'
checks "the English text report gives a closed measure's year and a write-off's reason" \
	'grep -Eq "^  1\.1\.7  \[written_off 20[0-9]{2}\]" "$T/out" && grep -q "^      Reason: " "$T/out"'
run "$SKYDD" plan report 1 --lang sv
cp "$T/out" "$T/report-sv.txt"
checks "plan report --lang sv: Bilaga 1 by status, with status year and reason, in Swedish" \
	'[ "$RC" -eq 0 ] && grep -q "^Bilaga 1: Åtgärder" "$T/out" && grep -q "^  Avskrivna åtgärder (9)" "$T/out" && grep -Eq "^    1\.1\.7  \[avskriven 20[0-9]{2}\]" "$T/out" && grep -q "^        Skäl: " "$T/out" && grep -Eq "\[avslutad 20[0-9]{2}" "$T/out" && grep -q "\[pågående, uppdaterad\]" "$T/out"'
checks "plan report --lang sv: no English heading or status word" \
	'! grep -Eq "Appendix|Changes in|Summary|Reason:|\[(current|completed|written_off)|, (new|updated)\]|— report|due " "$T/out"'
checks "plan report --lang sv: '1 pågående åtgärd', never '1 pågående åtgärder'" \
	'grep -q "^    1 pågående åtgärd$" "$T/out" && ! grep -q "^ *1 pågående åtgärder" "$T/out"'
run env LANG=sv_SE.UTF-8 LC_ALL= LC_MESSAGES= "$SKYDD" plan report 1
checks "plan report under LANG=sv_SE.UTF-8 is the Swedish report" \
	'[ "$RC" -eq 0 ] && cmp -s "$T/out" "$T/report-sv.txt"'
run "$SKYDD" plan report 1 --lang de
checks "plan report --lang de: exit 2, one line" 'rc_one_line 2'
run "$SKYDD" plan report 1 --org PTS --json
checks "report --org PTS: 13 measures" \
	'[ "$(py "d[\"report\"][\"totals\"][\"measures\"]" "$T/out")" = 13 ]'
run "$SKYDD" plan report 1 --xlsx "$T/report.xlsx"
checks "plan report --xlsx writes a valid workbook (zip with xl/workbook.xml)" \
	'[ "$RC" -eq 0 ] && python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); sys.exit(z.testzip() is not None or \"xl/workbook.xml\" not in z.namelist())" "$T/report.xlsx"'
curl -s -H "$AUTH" -o "$T/api.xlsx" -w '%{http_code} %{content_type}' \
	"$URL/api/v1/plans/1/report?year=2021&format=xlsx" >"$T/out"
checks "GET report?format=xlsx: 200, the XLSX type, a valid zip" \
	'grep -q "^200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" "$T/out" && python3 -c "import zipfile,sys; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)" "$T/api.xlsx"'
checks "the workbook has the measures' titles" \
	'python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); s=z.read(\"xl/sharedStrings.xml\").decode(); sys.exit(\"Proaktivt stödja de mest skyddsvärda verksamheterna\" not in s)" "$T/api.xlsx"'

# ---- bad files: refused with the JSON path, nothing written ----
H0=$(plan_hash)
L0=$(ledger_size)
bad_file() { # NAME PYTHON-STATEMENT (on d) EXPECTED-PATH
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2; json.dump(d, open(sys.argv[2],'w'), ensure_ascii=False, indent=2)" \
		"$SEED" "$T/bad-$1.json"
	run "$SKYDD" plan import "$T/bad-$1.json"
	if [ "$RC" -ne 0 ] && one_line_stderr && grep -qF -- "$3" "$T/err"; then
		ok "bad file ($1): refused, one line naming $3"
	else
		not_ok "bad file ($1): refused, one line naming $3"
		show_output
	fi
}
bad_file unknown-field 'd["colour"]="red"' "colour"
bad_file measure-field 'd["measures"][4]["owner"]="x"' "measures[4].owner"
bad_file no-objective 'd["measures"][3]["objective"]="9.9"' "measures[3].objective"
bad_file duplicate 'd["measures"][5]["number"]="1.1.1"' "measures[5].number"
bad_file bad-year 'd["measures"][0]["start_year"]=1066' "measures[0].start_year"
bad_file period-backwards 'd["measures"][0]["end_year"]=2001' "measures[0].end_year"
bad_file wrong-type 'd["report_year"]="2021"' "report_year"
bad_file unknown-authority 'd["measures"][7]["responsible"]=["NSA"]' "measures[7].responsible[0]"
bad_file objective-number 'd["strategic_priorities"][1]["objectives"][0]["number"]="1.9"' \
	"strategic_priorities[1].objectives[0].number"
bad_file written-off-reason \
	'[m.__setitem__("status_reason", None) for m in d["measures"] if m["status"]=="written_off"]' \
	".status_reason"
printf '{"title": "x", ' >"$T/broken.json"
run "$SKYDD" plan import "$T/broken.json"
checks "a file that is not JSON: exit 2, one line" 'rc_one_line 2'
checks "after every refusal the plan tables are unchanged (sqlite3 hash)" '[ "$(plan_hash)" = "$H0" ]'
checks "and the ledger has no new entry" '[ "$(ledger_size)" = "$L0" ]'
curl -s -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$T/bad-no-objective.json" \
	-o "$T/bad.json" -w '%{http_code}' "$URL/api/v1/plans" >"$T/out"
checks "POST /api/v1/plans with a bad measure: 400 naming measures[3].objective" \
	'[ "$(cat "$T/out")" = 400 ] && grep -qF "\"field\":\"measures[3].objective\"" "$T/bad.json"'
checks "still nothing written" '[ "$(plan_hash)" = "$H0" ] && [ "$(ledger_size)" = "$L0" ]'

# ---- editing ----
run "$SKYDD" plan add 1 --objective 1.1 --title "Gemensam övning" --responsible "MSB, FRA" \
	--participants PTS --period "2022 och tills vidare" --marker new --json
NEWID=$(py 'd["measure"]["id"]' "$T/out" 2>/dev/null)
checks "plan add: the next free number 1.1.19" \
	'[ "$(py "d[\"measure\"][\"number\"]" "$T/out")" = 1.1.19 ]'
checks "its responsible line is built from the lists" \
	'[ "$(py "d[\"measure\"][\"responsible_text\"]" "$T/out")" = "MSB och FRA i samverkan med PTS" ]'
WO=$(sq "$DB" "SELECT id FROM plan_measure WHERE number = '3.2.1'")
run "$SKYDD" plan add 1 --objective 3.2 --number 3.2.1 --title "Återanvänd"
checks "plan add with a written-off measure's number: exit 1, never reused" \
	'rc_one_line 1 && grep -q "never reused" "$T/err"'
run "$SKYDD" plan update 1.1.19 --period "2021–2023" --marker updated
checks "plan update 1.1.19 (by number): exit 0" '[ "$RC" -eq 0 ] && grep -Eq "^period +2021–2023" "$T/out"'
run "$SKYDD" plan report 1 --xlsx "$T/marked.xlsx"
checks "the XLSX has the marker column with the status detail: 1.1.19 'Uppdaterad, tidplan', 1.1.17 'Ny', Bilaga with status, year, reason and marker (openpyxl)" \
	'[ "$RC" -eq 0 ] && /usr/bin/python3 - "$T/marked.xlsx" <<"PY"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Redovisning"]
head = [c.value for c in ws[3]]
assert head[6] == "Markering", head
mark = {r[0]: r[6] for r in ws.iter_rows(min_row=4, values_only=True) if r[0] and r[0][0].isdigit() and r[1]}
assert mark["1.1.19"] == "Uppdaterad, tidplan", mark["1.1.19"]
assert mark["1.1.17"] == "Ny", mark["1.1.17"]
assert sum(v == "Ny" for v in mark.values()) == 5, sorted(mark.items())
b = wb["Bilaga"]
assert [c.value for c in b[1]] == ["Status", "Nummer", "Åtgärd", "Ansvarig myndighet", "År", "Skäl", "Markering"]
rows = list(b.iter_rows(min_row=2, values_only=True))
wo = [r for r in rows if r[0] == "Avskriven"]
assert len(wo) == 9 and all(r[4] and r[5] for r in wo), wo[:1]
assert any(r[1] == "1.1.19" and r[6] == "Uppdaterad, tidplan" for r in rows)
PY'
run "$SKYDD" plan update 5.3.6 --period "2020 – 2022"
checks "plan update 5.3.6 --period with thin spaces as imported: exit 0" '[ "$RC" -eq 0 ]'
run "$SKYDD" plan update 3.2.1 --title "x"
checks "plan update of a written-off measure: exit 1" 'rc_one_line 1'
H1=$(plan_hash)
run "$SKYDD" plan complete 1.1.19 --year 2099
checks "plan complete --year 2099: exit 2 (400), one line naming the year" \
	'rc_one_line 2 && grep -q "year" "$T/err"'
run "$SKYDD" plan write-off 1.1.3 --year 2021 --reason "   "
checks "plan write-off --reason of spaces: exit 2 (400), one line naming the reason" \
	'rc_one_line 2 && grep -q "reason" "$T/err"'
run "$SKYDD" plan complete 1.1.42 --year 2021
checks "plan complete of an unknown number: exit 1, one line" \
	'rc_one_line 1 && grep -q "no measure 1.1.42" "$T/err"'
checks "the refusals wrote nothing" '[ "$(plan_hash)" = "$H1" ]'
run "$SKYDD" plan complete 1.1.19 --year 2021
checks "plan complete 1.1.19: exit 0, completed" '[ "$RC" -eq 0 ] && grep -Eq "^status +completed" "$T/out"'
run "$SKYDD" plan write-off 1.1.3 --year 2021 --reason "Uppgår i 1.1.19."
checks "plan write-off 1.1.3: exit 0, written off with the reason" \
	'[ "$RC" -eq 0 ] && grep -Eq "^reason +Uppgår i 1.1.19." "$T/out"'
run "$SKYDD" plan history 1.1.19 --json
checks "plan history: added, updated, completed, each with the number" \
	'[ "$(py "[(e[\"kind\"], e[\"data\"][\"number\"]) for e in d[\"history\"]]" "$T/out")" = "[('"'"'plan.measure.added'"'"', '"'"'1.1.19'"'"'), ('"'"'plan.measure.updated'"'"', '"'"'1.1.19'"'"'), ('"'"'plan.measure.completed'"'"', '"'"'1.1.19'"'"')]" ]'
curl -s -H "$AUTH" -o "$T/m.json" -w '%{http_code}' "$URL/api/v1/measures/1.1.17" >"$T/out"
checks "GET /api/v1/measures/1.1.17: 200, that measure" \
	'[ "$(cat "$T/out")" = 200 ] && [ "$(py "d[\"measure\"][\"number\"]" "$T/m.json")" = 1.1.17 ]'
curl -s -H "$AUTH" -o "$T/m.json" -w '%{http_code}' "$URL/api/v1/measures/1.1.42" >"$T/out"
checks "GET /api/v1/measures/1.1.42: 404 naming measure" \
	'[ "$(cat "$T/out")" = 404 ] && grep -q "\"field\":\"measure\"" "$T/m.json"'
run "$SKYDD" plan deadlines --json
checks "plan deadlines: the report for 2021, due 2022-03-01" \
	'[ "$(py "len(d[\"deadlines\"]), d[\"deadlines\"][0][\"due\"], d[\"deadlines\"][0][\"year\"]" "$T/out")" = "1 2022-03-01 2021" ]'
run "$SKYDD" plan export 1 --output "$T/after.json"
checks "re-importing the plan is refused: exit 1, naming plan 1" \
	'[ "$RC" -eq 0 ] && ! "$SKYDD" plan import "$T/after.json" >"$T/out" 2>"$T/err" && grep -q "plan 1 " "$T/err"'

# ---- reporting years: submit 2021 (frozen), move to 2022, the 2021 report stays ----
curl -s -H "$AUTH" -o "$T/bad.json" -w '%{http_code}' "$URL/api/v1/plans/1/report?year=1990" >"$T/out"
checks "report?year=1990: 400 naming year" \
	'[ "$(cat "$T/out")" = 400 ] && grep -q "\"field\":\"year\"" "$T/bad.json"'
run "$SKYDD" plan year 1 --to 2022
checks "plan year before the report is submitted: exit 1" 'rc_one_line 1 && grep -q "submit" "$T/err"'
run "$SKYDD" plan submit 1 --year 2021
checks "plan submit 1 --year 2021: exit 0, its SHA-256" \
	'[ "$RC" -eq 0 ] && grep -Eq "sha256 [0-9a-f]{64}" "$T/out"'
SHA=$(sed -n 's/.*sha256 \([0-9a-f]*\).*/\1/p' "$T/out")
curl -s -H "$AUTH" -D "$T/hdr" -o "$T/r2021a.json" -w '%{http_code} %{content_type}' \
	"$URL/api/v1/plans/1/report?year=2021" >"$T/out"
checks "GET report?year=2021 after submission: 200, JSON, marked frozen" \
	'grep -q "^200 application/json" "$T/out" && grep -qi "^x-report-frozen: true" "$T/hdr"'
checks "the frozen 2021 report's bytes hash to the submitted SHA-256" \
	'[ "$(sha256sum "$T/r2021a.json" | cut -d" " -f1)" = "$SHA" ]'
run "$SKYDD" plan complete 1.1.4 --year 2021
checks "changes after the submission are refused until the plan moves on" 'rc_one_line 1'
run "$SKYDD" plan year 1 --to 2022
checks "plan year 1 --to 2022: exit 0" '[ "$RC" -eq 0 ] && grep -q "reporting year 2022" "$T/out"'
run "$SKYDD" plan complete 1.1.4 --year 2022
checks "plan complete 1.1.4 --year 2022: exit 0" '[ "$RC" -eq 0 ]'
run "$SKYDD" plan add 1 --objective 1.1 --title "Ny 2022" --marker new --json
checks "plan add in 2022: a fresh number 1.1.20" \
	'[ "$(py "d[\"measure\"][\"number\"]" "$T/out")" = 1.1.20 ]'
run "$SKYDD" plan reopen 1.1.3 --reason "Fel år."
checks "plan reopen 1.1.3: exit 0, current again" '[ "$RC" -eq 0 ] && grep -Eq "^status +current" "$T/out"'
run "$SKYDD" plan report 1 --json
checks "report 2022: 1 new, 1.1.4 completed in 2022, 1.1.3 reopened" \
	'[ "$(py "d[\"report\"][\"year\"], d[\"report\"][\"totals\"][\"new\"], [c[\"number\"] for c in d[\"report\"][\"changes\"][\"completed\"]], [c[\"number\"] for c in d[\"report\"][\"changes\"][\"reopened\"]]" "$T/out")" = "2022 1 ['"'"'1.1.4'"'"'] ['"'"'1.1.3'"'"']" ]'
run "$SKYDD" plan report 1 --lang en
checks "plan report as text lists the year's changes and the ended periods" \
	'[ "$RC" -eq 0 ] && grep -q "^Changes in 2022" "$T/out" && grep -q "^    1.1.4 " "$T/out" && grep -q "^Period ended, still current" "$T/out"'
run "$SKYDD" plan submit 1 --year 2022
checks "the final report (2022) without closing decisions: exit 1, naming the measures" \
	'rc_one_line 1 && grep -q "closing decision" "$T/err"'
run "$SKYDD" plan continue 1.1.1 --reason "Fortsätter i nästa plan."
checks "plan continue 1.1.1 in the final year: exit 0, the decision shown" \
	'[ "$RC" -eq 0 ] && grep -Eq "^continues +Fortsätter i nästa plan." "$T/out"'
printf '{"summary": "Arbetet fortskrider.", "sections": [{"title": "Covid-19", "text": "Pandemin."}]}' >"$T/text.json"
run "$SKYDD" plan report-text 1 --year 2022 --file "$T/text.json"
checks "plan report-text: exit 0" '[ "$RC" -eq 0 ]'
run "$SKYDD" plan report 1 --json
checks "the 2022 report carries its text" \
	'[ "$(py "d[\"report\"][\"text\"][\"sections\"][0][\"title\"]" "$T/out")" = Covid-19 ]'
run "$SKYDD" plan report 1 --lang en
checks "the text report has the summary and the sections" \
	'[ "$RC" -eq 0 ] && grep -q "^Arbetet fortskrider." "$T/out" && grep -q "^Covid-19" "$T/out"'
run "$SKYDD" plan report 1 --odt "$T/r.odt"
checks "plan report --odt: an OpenDocument text (mimetype first and stored, content.xml parses)" \
	'[ "$RC" -eq 0 ] && python3 - "$T/r.odt" <<"PY"
import sys, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
first = z.infolist()[0]
assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
root = ET.fromstring(z.read("content.xml"))
text = "".join(root.itertext())
for want in ("Bilaga 1", "Sammanfattning", "Arbetet fortskrider.", "Covid-19", "Gemensam övning",
             "Förändringar sedan föregående år", "1.1.4"):
    assert want in text, want
ET.fromstring(z.read("META-INF/manifest.xml"))
PY'
checks "the ODT is editable: named heading, body and table styles in styles.xml, every style used is defined, headings with outline levels, tables with a repeated header row" \
	'python3 - "$T/r.odt" <<"PY"
import sys, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
NS = {"style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"}
S = "{%s}" % NS["style"]
styles = ET.fromstring(z.read("styles.xml"))
content = ET.fromstring(z.read("content.xml"))
named = {e.get(S + "name") for e in styles.iter(S + "style")}
for want in ("Heading_20_1", "Heading_20_2", "Text_20_body", "Table_20_Contents", "Table_20_Heading"):
    assert want in named, want
defined = named | {e.get(S + "name") for e in content.iter(S + "style")}
used = {v for e in content.iter() for k, v in e.attrib.items() if k.endswith("}style-name")}
assert used <= defined, used - defined
hs = content.findall(".//text:h", NS)
assert len(hs) > 20 and all(h.get("{%s}outline-level" % NS["text"]) in ("1", "2") for h in hs)
tables = content.findall(".//table:table", NS)
assert len(tables) > 10 and all(t.find("table:table-header-rows", NS) is not None for t in tables)
files = {e.get("{%s}full-path" % NS["manifest"]) for e in ET.fromstring(z.read("META-INF/manifest.xml"))}
assert {"/", "content.xml", "styles.xml"} <= files, files
PY'
checks "odt2txt (a standard reader) reads the report: headings, the table rows, Bilaga 1" \
	'odt2txt "$T/r.odt" >"$T/r.txt" && grep -q "Bilaga 1: Åtgärder" "$T/r.txt" && grep -q "Sammanfattning" "$T/r.txt" && grep -q "1.1.4" "$T/r.txt" && grep -q "Covid-19" "$T/r.txt"'
# LibreOffice, when there, opens and converts it too (not a Debian package the suite needs)
if command -v soffice >/dev/null 2>&1; then
	checks "LibreOffice headless converts the ODT to text" \
		'(cd "$T" && HOME="$T" timeout 120 soffice --headless --convert-to txt:Text r.odt >/dev/null 2>&1) && grep -q "Bilaga 1" "$T/r.txt"'
fi
curl -s -H "$AUTH" -o "$T/api.odt" -w '%{http_code} %{content_type}' \
	"$URL/api/v1/plans/1/report?year=2021&format=odt" >"$T/out"
checks "GET report?year=2021&format=odt (frozen): 200, the ODT type, a valid zip" \
	'grep -q "^200 application/vnd.oasis.opendocument.text" "$T/out" && python3 -c "import zipfile,sys; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)" "$T/api.odt"'
printf '{"sections": [{"text": "utan rubrik"}]}' >"$T/text-bad.json"
run "$SKYDD" plan report-text 1 --year 2022 --file "$T/text-bad.json"
checks "a section without a title: refused, naming sections[0].title" \
	'rc_one_line 2 && grep -qF "sections[0].title" "$T/err"'
curl -s -H "$AUTH" -o "$T/r2021b.json" "$URL/api/v1/plans/1/report?year=2021"
checks "the frozen 2021 report is byte for byte the same after 2022's changes" \
	'cmp -s "$T/r2021a.json" "$T/r2021b.json"'

# ---- the ledger replays to the same tables ----
replay_check "verify --replay: exit 0"

finish
