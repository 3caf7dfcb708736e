/*
 * Import and export of the registers defined as data (model/register_io.h):
 * CSV and XLSX in, all or nothing through the register's own create command
 * (a bad row changes nothing and is reported with its line, field and
 * reason; a dry run writes nothing), hostile files refused whole naming the
 * field, the bounds; out: the rows the caller may read (a medium above the
 * caller's clearance is not exported), the formula guard, Swedish local
 * times, and an export.made entry for every export.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "model/register.h"
#include "model/register_io.h"
#include "model/xlsx.h"
#include "regfixture.h"

static struct reg_fixture g_fx;
static struct principal ssc, reg, reg_k, staff;

static int group_setup(void **state)
{
	char today[11], until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-regio-XXXXXX", REGFX_READER | REGFX_CLEAR, NULL);
	model_today(today);
	model_plus_year(today, until);
	regfx_identity(g_fx.model, &ssc, "ssc.io", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg, "reg.io", ROLE_REGISTRAR, CLEAR_H, NULL, until);
	regfx_identity(g_fx.model, &reg_k, "regk.io", ROLE_REGISTRAR, CLEAR_K, NULL, until);
	regfx_identity(g_fx.model, &staff, "staff.io", ROLE_STAFF, CLEAR_KH, NULL, until);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

static int64_t count(const char *table)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return regfx_sql_int(&g_fx, sql);
}

/*
 * Imports text into register name as p; expects rc want and, for a refusal,
 * field and reason (NULL: not checked). A refused or dry import must leave
 * the ledger as it was. Returns the report (the caller frees it; may be NULL).
 */
static json_t *import(const struct principal *p, const char *name, const char *text, size_t len,
                      bool dry, int want, const char *field, const char *reason)
{
	struct model_err err = {0};
	uint64_t before = regfx_ledger_size(&g_fx);
	json_t *report = NULL;
	int rc = reg_import(g_fx.model, p, reg_find(name), text, len ? len : strlen(text), dry,
	                    &report, &err);

	if (rc != want)
		fail_msg("import %s [%.40s]: want %s, got %s (%s: %s %s)", name, text,
		         sk_strerror(want), sk_strerror(rc), err.field, err.reason, err.msg);
	if (want != SK_OK) {
		if (field && strcmp(err.field, field) != 0)
			fail_msg("import %s: want field %s, got '%s' (%s)", name, field, err.field,
			         err.msg);
		if (reason && strcmp(err.reason, reason) != 0)
			fail_msg("import %s: want reason %s, got '%s' (%s)", name, reason,
			         err.reason, err.msg);
	}
	if ((want != SK_OK || dry) && regfx_ledger_size(&g_fx) != before)
		fail_msg("import %s: refused or dry, yet the ledger grew", name);
	return report;
}

static json_t *result(json_t *report, size_t i)
{
	return json_array_get(json_object_get(report, "results"), i);
}

static void test_csv_good(void **state)
{
	int64_t persons = count("person");
	uint64_t before = regfx_ledger_size(&g_fx);
	json_t *r;

	(void)state;
	/* the header takes the argument names, any case; ';' or ','; a BOM; blank lines */
	r = import(&reg, "persons", CSV_BOM "Name;unit\r\nAnna Ek;Ekonomi\r\n\r\nBo Berg;\r\n", 0,
	           false, SK_OK, NULL, NULL);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(json_integer_value(json_object_get(r, "created")), 2);
	assert_int_equal(json_integer_value(json_object_get(result(r, 1), "line")), 4);
	assert_true(json_integer_value(json_object_get(result(r, 1), "id")) > 0);
	json_decref(r);
	assert_int_equal(count("person"), persons + 2);
	/* two person.created and one import.completed */
	assert_int_equal(regfx_ledger_size(&g_fx), before + 3);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM person WHERE name = 'Bo Berg' "
	                                      "AND unit = ''"),
	                 1);
}

static void test_csv_bad_row(void **state)
{
	int64_t persons = count("person"), areas = count("area");
	json_t *r;

	(void)state;
	/* line 3 is too long a name: nothing of lines 2 and 4 is written either */
	{
		char text[600], big[300];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		snprintf(text, sizeof(text), "name,unit\nCarl,A\n%s,B\nDora,C\n", big);
		r = import(&reg, "persons", text, 0, false, SK_EINVAL, "name", "import.refused");
		assert_false(json_is_true(json_object_get(r, "ok")));
		assert_int_equal(json_integer_value(json_object_get(r, "errors")), 1);
		assert_true(json_is_true(json_object_get(result(r, 0), "ok")));
		assert_int_equal(json_integer_value(json_object_get(result(r, 1), "line")), 3);
		assert_string_equal(json_string_value(json_object_get(result(r, 1), "field")),
		                    "name");
		assert_string_equal(json_string_value(json_object_get(result(r, 1), "reason")),
		                    "field.too_long");
		assert_non_null(json_object_get(json_object_get(result(r, 1), "params"), "max"));
		json_decref(r);
	}
	assert_int_equal(count("person"), persons);
	/* a refusal only the writer finds (a missing parent area), on line 3 of 3 */
	r = import(&ssc, "areas", "name,kind,parent\nHus A,building,\nZon 1,zone,9999\n", 0, false,
	           SK_EINVAL, "parent_id", "import.refused");
	assert_string_equal(json_string_value(json_object_get(result(r, 1), "reason")),
	                    "record.ref_missing");
	json_decref(r);
	assert_int_equal(count("area"), areas);
	/* an enum value that is not one: the reason names the values */
	r = import(&ssc, "areas", "name,kind\nHus B,castle\n", 0, true, SK_OK, NULL, NULL);
	assert_false(json_is_true(json_object_get(r, "ok")));
	assert_string_equal(json_string_value(json_object_get(result(r, 0), "reason")),
	                    "field.enum");
	assert_string_equal(json_string_value(json_object_get(result(r, 0), "field")), "kind");
	json_decref(r);
}

static void test_dry_run(void **state)
{
	int64_t areas = count("area");
	json_t *r;
	char text[200];

	(void)state;
	/* a later row may name an earlier one (the same transaction): in the dry run too */
	snprintf(text, sizeof(text), "name;kind;parent_id\nHus C;building;\nZon C1;zone;%lld\n",
	         (long long)(regfx_sql_int(&g_fx, "SELECT coalesce(max(id), 0) + 1 FROM area")));
	r = import(&ssc, "areas", text, 0, true, SK_OK, NULL, NULL);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_true(json_is_true(json_object_get(r, "dry_run")));
	assert_int_equal(json_integer_value(json_object_get(r, "created")), 0);
	assert_true(json_is_true(json_object_get(result(r, 1), "ok")));
	json_decref(r);
	assert_int_equal(count("area"), areas);
	/* the same for real */
	r = import(&ssc, "areas", text, 0, false, SK_OK, NULL, NULL);
	json_decref(r);
	assert_int_equal(count("area"), areas + 2);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM area a JOIN area p ON "
	                                      "a.parent_id = p.id WHERE a.name = 'Zon C1' AND "
	                                      "p.name = 'Hus C'"),
	                 1);
}

/* A reference named by its record's name: resolved in the writer, an earlier row's record too. */
static void test_ref_by_name(void **state)
{
	int64_t areas = count("area"), media = count("medium");
	json_t *r;

	(void)state;
	json_decref(import(
	        &ssc, "areas",
	        "name;kind;parent\nHus N;building;\nZon N1;zone;Hus N\nZon N2;zone; Hus N \n", 0,
	        false, SK_OK, NULL, NULL));
	assert_int_equal(count("area"), areas + 3);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM area z JOIN area p ON "
	                                      "z.parent_id = p.id WHERE p.name = 'Hus N'"),
	                 2);
	/* a name nobody has: the row says so, nothing is written */
	r = import(&ssc, "areas", "name;kind;parent\nZon N3;zone;Hus N\nZon N4;zone;Slottet\n", 0,
	           true, SK_OK, NULL, NULL);
	assert_true(json_is_true(json_object_get(result(r, 0), "ok")));
	assert_string_equal(json_string_value(json_object_get(result(r, 1), "reason")),
	                    "regio.ref_unknown");
	assert_string_equal(json_string_value(json_object_get(result(r, 1), "field")), "parent_id");
	json_decref(r);
	assert_int_equal(count("area"), areas + 3);
	/* two persons of one name: the number is needed */
	json_decref(import(&reg, "persons", "name\nDubbel Namn\nDubbel Namn\nEnkel Namn\n", 0,
	                   false, SK_OK, NULL, NULL));
	r = import(
	        &reg, "media",
	        "identifier;type;class;holder\nUSB-D1;usb;K;Dubbel Namn\nUSB-D2;usb;K;Enkel Namn\n",
	        0, false, SK_EINVAL, "holder_id", "import.refused");
	assert_string_equal(json_string_value(json_object_get(result(r, 0), "reason")),
	                    "regio.ref_ambiguous");
	assert_true(json_is_true(json_object_get(result(r, 1), "ok")));
	json_decref(r);
	assert_int_equal(count("medium"), media);
	json_decref(import(&reg, "media", "identifier;type;class;holder\nUSB-D2;usb;K;Enkel Namn\n",
	                   0, false, SK_OK, NULL, NULL));
	assert_int_equal(regfx_sql_int(&g_fx,
	                               "SELECT count(*) FROM medium m JOIN person p ON "
	                               "m.holder_person_id = p.id WHERE p.name = 'Enkel Namn'"),
	                 1);
}

/* An existing key and card list: the spare's container by name, what each opens by number. */
static void test_keys_list(void **state)
{
	int64_t keys = count("key_item"), box = 0, area = 0;
	char csv[512];
	json_t *in, *r;
	struct model_err err = {0};

	(void)state;
	in = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "container", "name", "Nyckelskåp IO",
	               "location", "Vaktmästeriet", "max_class", "H", "decision_ref", "B-IO");
	assert_int_equal(reg_run(g_fx.model, &ssc, "spaces", "add", in, &box, &err), SK_OK);
	json_decref(in);
	in = json_pack("{s:s, s:s}", "name", "Entrén IO", "kind", "area");
	assert_int_equal(reg_run(g_fx.model, &ssc, "areas", "add", in, &area, &err), SK_OK);
	json_decref(in);
	snprintf(csv, sizeof(csv),
	         "kind;number;description;copies;spare;areas\n"
	         "key;N-IO-1;Huvudentré;3;Nyckelskåp IO;%lld\n"
	         "card;K-IO-7;Passerkort;;;%lld\n",
	         (long long)area, (long long)area);
	r = import(&reg, "keys", csv, 0, true, SK_OK, NULL, NULL);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	assert_int_equal(count("key_item"), keys); /* a dry run writes nothing */
	json_decref(import(&reg, "keys", csv, 0, false, SK_OK, NULL, NULL));
	assert_int_equal(count("key_item"), keys + 2);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT copies FROM key_item WHERE number = 'N-IO-1' "
	                                      "AND spare_space_id IS NOT NULL"),
	                 3);
	/* a spare that is no approved container is the register's own refusal, for that row */
	r = import(&reg, "keys", "kind;number;spare\nkey;N-IO-2;Nyckelskåp IO\nkey;N-IO-3;Okänt\n",
	           0, false, SK_EINVAL, "spare_space_id", "import.refused");
	assert_true(json_is_true(json_object_get(result(r, 0), "ok")));
	assert_string_equal(json_string_value(json_object_get(result(r, 1), "reason")),
	                    "regio.ref_unknown");
	json_decref(r);
	assert_int_equal(count("key_item"), keys + 2);
}

static void test_hostile(void **state)
{
	char *big;
	size_t n;
	json_t *r;

	(void)state;
	json_decref(import(&reg, "persons", "name,shoe_size\nA,42\n", 0, true, SK_EINVAL,
	                   "shoe_size", "regio.column_unknown"));
	json_decref(import(&reg, "persons", "id,name\n1,A\n", 0, true, SK_EINVAL, "id",
	                   "regio.column_not_imported"));
	json_decref(import(&reg, "persons", "name,Name\nA,B\n", 0, true, SK_EINVAL, "name",
	                   "import.column_twice"));
	json_decref(import(&reg, "persons", "unit\nA\n", 0, true, SK_EINVAL, "name",
	                   "import.columns_missing"));
	json_decref(import(&reg, "persons", "name,unit\n=HYPERLINK(\"http://x\"),A\n", 0, true,
	                   SK_EINVAL, "name", "regio.formula"));
	json_decref(import(&reg, "persons", "name,unit\nA,@SUM(1)\n", 0, false, SK_EINVAL, "unit",
	                   "regio.formula"));
	json_decref(import(&reg, "persons", "name\nA\xff\n", 0, true, SK_EINVAL, "csv",
	                   "import.not_utf8"));
	json_decref(import(&reg, "persons", "name\n", 0, true, SK_EINVAL, "csv", "import.no_rows"));
	json_decref(import(&reg, "persons", "", 0, true, SK_EINVAL, "csv", "import.empty"));
	json_decref(import(&reg, "persons", "name;unit\nA;B;C\n", 0, false, SK_EINVAL, NULL,
	                   "import.refused"));
	json_decref(
	        import(&reg, "persons", "PK\3\4garbage", 0, true, SK_EINVAL, "xlsx", "regio.xlsx"));
	/* a huge cell, too many rows, too many bytes */
	big = malloc(REG_IO_MAX_BYTES + 16);
	assert_non_null(big);
	n = (size_t)snprintf(big, 16, "name\n");
	memset(big + n, 'x', 5000);
	big[n + 5000] = '\n';
	json_decref(import(&reg, "persons", big, n + 5001, true, SK_ETOOBIG, "csv",
	                   "regio.cell_too_long"));
	n = (size_t)snprintf(big, 16, "name\n");
	for (unsigned i = 0; i < REG_IO_MAX_ROWS + 1; i++)
		n += (size_t)snprintf(big + n, 16, "P%u\n", i);
	json_decref(
	        import(&reg, "persons", big, n, true, SK_ETOOBIG, "csv", "import.too_many_rows"));
	memset(big, 'x', REG_IO_MAX_BYTES + 1);
	json_decref(import(&reg, "persons", big, REG_IO_MAX_BYTES + 1, true, SK_ETOOBIG, "csv",
	                   "import.too_large"));
	free(big);
	/* who may: the create command's roles; a register without .import is not imported */
	json_decref(import(&staff, "persons", "name\nA\n", 0, true, SK_EPERM, NULL,
	                   "record.forbidden"));
	r = import(&ssc, "systems", "name\nA\n", 0, true, SK_ENOTFOUND, NULL,
	           "regio.not_importable");
	json_decref(r);
}

/* An XLSX file made by libxlsxwriter: a header, two rows, and a formula when asked. */
static void make_xlsx(struct buf *out, bool formula)
{
	struct model_xlsx x;
	lxw_worksheet *ws;

	assert_int_equal(model_xlsx_open(&x, NULL), SK_OK);
	ws = workbook_add_worksheet(x.wb, "Blad1");
	worksheet_write_string(ws, 0, 0, "name", NULL);
	worksheet_write_string(ws, 0, 1, "kind", NULL);
	worksheet_write_string(ws, 0, 2, "max_class", NULL);
	worksheet_write_string(ws, 1, 0, "Förråd & <lager>", NULL);
	worksheet_write_string(ws, 1, 1, "building", NULL);
	worksheet_write_string(ws, 1, 2, "k", NULL);
	worksheet_write_string(ws, 2, 0, "Arkiv", NULL);
	worksheet_write_string(ws, 2, 1, "Object", NULL);
	if (formula)
		worksheet_write_formula(ws, 2, 2, "=A1", NULL);
	assert_int_equal(model_xlsx_finish(&x, SK_OK, out), SK_OK);
}

static void test_xlsx_import(void **state)
{
	int64_t areas = count("area");
	struct buf b;
	json_t *r;

	(void)state;
	buf_init(&b, 1 << 20);
	make_xlsx(&b, false);
	r = import(&ssc, "areas", b.ptr, b.len, false, SK_OK, NULL, NULL);
	assert_string_equal(json_string_value(json_object_get(r, "format")), "xlsx");
	assert_int_equal(json_integer_value(json_object_get(r, "created")), 2);
	json_decref(r);
	buf_release(&b);
	assert_int_equal(count("area"), areas + 2);
	/* shared strings with entities, the class upper-cased, the enum's case folded */
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM area WHERE name = 'Förråd & "
	                                      "<lager>' AND max_class = 'K'"),
	                 1);
	assert_int_equal(
	        regfx_sql_int(&g_fx,
	                      "SELECT count(*) FROM area WHERE name = 'Arkiv' AND kind = 'object'"),
	        1);
	buf_init(&b, 1 << 20);
	make_xlsx(&b, true);
	json_decref(
	        import(&ssc, "areas", b.ptr, b.len, true, SK_EINVAL, "max_class", "regio.formula"));
	buf_release(&b);
	assert_int_equal(count("area"), areas + 2);
}

/* A package of the given parts (name, text, … NULL) in out (malloc'd), its length returned. */
static size_t make_zip(char **out, ...)
{
	char path[] = "/tmp/skydd-test-zip-XXXXXX";
	const char *name;
	va_list ap;
	zip_t *z;
	FILE *f;
	long n;
	int fd, err = 0;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	z = zip_open(path, ZIP_TRUNCATE, &err);
	assert_non_null(z);
	va_start(ap, out);
	while ((name = va_arg(ap, const char *)) != NULL) {
		const char *text = va_arg(ap, const char *);
		zip_source_t *src = zip_source_buffer(z, text, strlen(text), 0);

		assert_true(zip_file_add(z, name, src, 0) >= 0);
	}
	va_end(ap);
	assert_int_equal(zip_close(z), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	*out = malloc((size_t)n);
	assert_non_null(*out);
	assert_int_equal(fread(*out, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(path);
	return (size_t)n;
}

/* Malformed workbooks: every one refused as a whole with a reason, none read past its bounds. */
static void test_xlsx_hostile(void **state)
{
	static const char *const sheets[] = {
	        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>",
	        "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a",
	        "<sheetData><row r=\"1\"><c r=\"A1\"><v>1</c></row></sheetData>",
	        "<sheetData><row r=\"1\"><c r=\"ZZZ1\" t=\"str\"><v>x</v></c></row></sheetData>",
	        "<sheetData><row r=\"1\"><c r=\"BZ1\" t=\"str\"><v>x</v></c></row></sheetData>",
	        "<sheetData><row r=\"1\"><c t=\"str\"><v>&#0;</v></c></row></sheetData>",
	        "<sheetData><row r=\"1\"><c t=\"str\"><v>&#xD800;</v></c></row></sheetData>",
	        "<sheetData><row r=\"1\"><c t=\"str\"><v>&bogus;</v></c></row></sheetData>",
	        "<sheetData><row r=\"1\"><c t=\"str\"><v>&amp</v></c></row></sheetData>",
	        "<sheetData><row r=\"1\"><c><v>1e</v></c></row></sheetData>",
	        "<sheetData><row r=\"1\"><c t=\"str\"><v>\xff\xfe</v></c></row></sheetData>",
	};
	struct model_err err;
	json_t *rows;
	char *z;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(sheets) / sizeof(sheets[0]); i++) {
		memset(&err, 0, sizeof(err));
		n = make_zip(&z, "xl/worksheets/sheet1.xml", sheets[i], NULL);
		if (reg_io_table(z, n, &rows, &err) == SK_OK)
			fail_msg("sheet %zu was read: %s", i, sheets[i]);
		assert_string_equal(err.field, "xlsx");
		assert_true(err.reason[0] != '\0');
		free(z);
	}
	/* a shared string index past the list; a sheet the rels name that is not there */
	n = make_zip(&z, "xl/sharedStrings.xml", "<sst><si><t>a</t></si></sst>",
	             "xl/worksheets/sheet1.xml",
	             "<sheetData><row r=\"1\"><c t=\"s\"><v>1</v></c></row></sheetData>", NULL);
	assert_int_equal(reg_io_table(z, n, &rows, &err), SK_EINVAL);
	free(z);
	n = make_zip(&z, "xl/workbook.xml", "<workbook><sheets><sheet name=\"x\" r:id=\"rId9\"/>",
	             "xl/_rels/workbook.xml.rels",
	             "<Relationships><Relationship Id=\"rId9\" Target=\"worksheets/nope.xml\"/>",
	             NULL);
	assert_int_equal(reg_io_table(z, n, &rows, &err), SK_EINVAL);
	free(z);
	/* the good case of the same reader: rich text runs, phonetic runs left out, a number */
	n = make_zip(&z, "xl/sharedStrings.xml",
	             "<sst><si><r><t>Ö</t></r><r><t xml:space=\"preserve\"> &amp; &#229;</t></r>"
	             "<rPh><t>x</t></rPh></si></sst>",
	             "xl/worksheets/sheet1.xml",
	             "<sheetData><row r=\"3\"><c r=\"B3\" t=\"s\"><v>0</v></c><c r=\"C3\" "
	             "s=\"1\"/><c r=\"D3\"><v>42</v></c></row></sheetData>",
	             NULL);
	assert_int_equal(reg_io_table(z, n, &rows, &err), SK_OK);
	free(z);
	{
		json_t *cells = json_object_get(json_array_get(rows, 0), "cells");

		assert_int_equal(
		        json_integer_value(json_object_get(json_array_get(rows, 0), "line")), 3);
		assert_string_equal(json_string_value(json_array_get(cells, 0)), "");
		assert_string_equal(json_string_value(json_array_get(cells, 1)), "Ö & å");
		assert_int_equal(json_integer_value(json_array_get(cells, 3)), 42);
	}
	json_decref(rows);
}

/* A workbook whose sheet unpacks to more than REG_IO_MAX_PART bytes (a zip bomb, small packed). */
static void test_xlsx_bomb(void **state)
{
	char path[] = "/tmp/skydd-test-bomb-XXXXXX";
	size_t big = REG_IO_MAX_PART + 1024;
	char *sheet = malloc(big), *data;
	zip_source_t *src;
	zip_t *z;
	FILE *f;
	long n;
	int fd, err = 0;

	(void)state;
	assert_non_null(sheet);
	memset(sheet, ' ', big);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	z = zip_open(path, ZIP_TRUNCATE, &err);
	assert_non_null(z);
	src = zip_source_buffer(z, sheet, big, 0);
	assert_true(zip_file_add(z, "xl/worksheets/sheet1.xml", src, 0) >= 0);
	assert_int_equal(zip_close(z), 0);
	free(sheet);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	assert_true(n > 0 && n < (long)REG_IO_MAX_BYTES);
	data = malloc((size_t)n);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(path);
	json_decref(import(&ssc, "areas", data, (size_t)n, true, SK_ETOOBIG, "xlsx",
	                   "import.too_large"));
	free(data);
}

static int64_t add(const struct principal *p, const char *name, const char *args)
{
	json_t *in = json_loads(args, 0, NULL);
	struct model_err err = {0};
	int64_t id = 0;

	assert_non_null(in);
	if (reg_run(g_fx.model, p, name, "add", in, &id, &err))
		fail_msg("add %s: %s", name, err.msg);
	json_decref(in);
	return id;
}

static char *export(const struct principal *p, const char *name, enum reg_io_fmt fmt, size_t *len)
{
	struct model_err err = {0};
	uint64_t before = regfx_ledger_size(&g_fx);
	struct buf b;

	buf_init(&b, 16u << 20);
	if (reg_export(g_fx.model, p, reg_find(name), fmt, &b, &err))
		fail_msg("export %s: %s", name, err.msg);
	assert_int_equal(regfx_ledger_size(&g_fx), before + 1);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM ledger WHERE kind = "
	                                      "'export.made' AND seq = (SELECT max(seq) FROM "
	                                      "ledger)"),
	                 1);
	buf_putc(&b, '\0');
	*len = b.len - 1;
	return buf_detach(&b, NULL);
}

static void test_export(void **state)
{
	char args[200], *out;
	size_t len;
	int64_t s;

	(void)state;
	add(&reg, "persons", "{\"name\":\"=SUM(A1)\",\"unit\":\"-x\"}");
	out = export(&reg, "persons", REG_IO_CSV, &len);
	assert_memory_equal(out, CSV_BOM "id;name;", strlen(CSV_BOM "id;name;"));
	assert_non_null(strstr(out, "'=SUM(A1)"));
	assert_non_null(strstr(out, "'-x"));
	assert_null(strstr(out, ";=SUM"));
	/* times in Swedish local time with the offset */
	assert_non_null(strstr(out, ":00;") ? strstr(out, "+0") : NULL);
	free(out);
	/* need-to-know: a medium above the caller's clearance is not exported */
	s = add(&ssc, "spaces",
	        "{\"kind\":\"container\",\"name\":\"KH-skåp\",\"max_class\":\"H\",\"decision_ref\":"
	        "\"B9\"}");
	snprintf(args, sizeof(args),
	         "{\"identifier\":\"H-USB-9\",\"type\":\"usb\",\"class\":\"H\",\"space_id\":%lld}",
	         (long long)s);
	add(&reg, "media", args);
	snprintf(args, sizeof(args),
	         "{\"identifier\":\"K-USB-9\",\"type\":\"usb\",\"class\":\"K\",\"space_id\":%lld}",
	         (long long)s);
	add(&reg, "media", args);
	out = export(&reg_k, "media", REG_IO_CSV, &len);
	assert_null(strstr(out, "H-USB-9"));
	assert_non_null(strstr(out, "K-USB-9"));
	/* a reference by id and by the referred record's name */
	assert_non_null(strstr(out, "space_id;space_id_name"));
	assert_non_null(strstr(out, "KH-skåp"));
	free(out);
	out = export(&reg, "media", REG_IO_CSV, &len);
	assert_non_null(strstr(out, "H-USB-9"));
	free(out);
	/* an XLSX export reads back through the importer's own reader */
	{
		struct model_err err = {0};
		json_t *rows;

		out = export(&reg_k, "media", REG_IO_XLSX, &len);
		assert_memory_equal(out, "PK\3\4", 4);
		assert_int_equal(reg_io_table(out, len, &rows, &err), SK_OK);
		assert_string_equal(json_string_value(json_array_get(
		                            json_object_get(json_array_get(rows, 0), "cells"), 0)),
		                    "id");
		/* the header and the media up to K (K-USB-9 …), not H-USB-9 */
		assert_int_equal(json_array_size(rows),
		                 1 + regfx_sql_int(&g_fx,
		                                   "SELECT count(*) FROM medium WHERE class IN "
		                                   "('BH', 'K')"));
		json_decref(rows);
		free(out);
	}
	/* who may: the register's readers */
	{
		struct model_err err = {0};
		struct buf b;

		buf_init(&b, 1 << 20);
		assert_int_equal(
		        reg_export(g_fx.model, &staff, reg_find("media"), REG_IO_CSV, &b, &err),
		        SK_EPERM);
		assert_int_equal(b.len, 0);
		buf_release(&b);
	}
}

static void test_local_time(void **state)
{
	char t[32];

	(void)state;
	assert_true(reg_io_local_time("2026-07-01T10:00:00.000000Z", t));
	assert_string_equal(t, "2026-07-01 12:00:00+02:00");
	assert_true(reg_io_local_time("2026-12-06T23:30:00.5Z", t));
	assert_string_equal(t, "2026-12-07 00:30:00+01:00");
	/* summer time begins 2026-03-29 01:00 UTC and ends 2026-10-25 01:00 UTC */
	assert_true(reg_io_local_time("2026-03-29T00:59:59Z", t));
	assert_string_equal(t, "2026-03-29 01:59:59+01:00");
	assert_true(reg_io_local_time("2026-03-29T01:00:00Z", t));
	assert_string_equal(t, "2026-03-29 03:00:00+02:00");
	assert_true(reg_io_local_time("2026-10-25T00:59:59Z", t));
	assert_string_equal(t, "2026-10-25 02:59:59+02:00");
	assert_true(reg_io_local_time("2026-10-25T01:00:00Z", t));
	assert_string_equal(t, "2026-10-25 02:00:00+01:00");
	assert_false(reg_io_local_time("2026-10-25", t));
	assert_false(reg_io_local_time("yesterday at noon Z", t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_csv_good),    cmocka_unit_test(test_csv_bad_row),
	        cmocka_unit_test(test_dry_run),     cmocka_unit_test(test_ref_by_name),
	        cmocka_unit_test(test_keys_list),   cmocka_unit_test(test_hostile),
	        cmocka_unit_test(test_xlsx_import), cmocka_unit_test(test_xlsx_hostile),
	        cmocka_unit_test(test_xlsx_bomb),   cmocka_unit_test(test_export),
	        cmocka_unit_test(test_local_time),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
