/*
 * Import and export of the register (the CSV reader itself: test_csv.c):
 * the column set, row validation with every bad
 * row reported, the import as one all-or-nothing writer command, dry runs
 * that change nothing, the 3 kap. 10 § exports (columns, formula guard,
 * visibility, XLSX as a zip) as ledger entries, and replay equality.
 */
#include "testutil.h"
#include "regfixture.h"

#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "model/document.h"
#include "model/io.h"
#include "model/model.h"
#include "model/records.h"
#include "records_compat.h"
#include "store/store.h"

static struct reg_fixture g_fx;

static struct principal ssc, reg, reg_h, staff, auditor_h, chief, admin;
static int64_t p_anna, p_bo, p_staff, p_chief, sys_h, cont_h, cont_kh;

/* ---- 1. the column set (the CSV reader: test_csv.c) ---- */

static void test_columns(void **state)
{
	(void)state;
	assert_int_equal(io_col_parse("beteckning"), IO_COL_DESIGNATION);
	assert_int_equal(io_col_parse("  Designation "), IO_COL_DESIGNATION);
	assert_int_equal(io_col_parse("TITEL"), IO_COL_TITLE);
	assert_int_equal(io_col_parse("Förvaring"), IO_COL_CONTAINER);
	assert_int_equal(io_col_parse("FÖRVARING"), IO_COL_CONTAINER);
	assert_int_equal(io_col_parse("container"), IO_COL_CONTAINER);
	assert_int_equal(io_col_parse("Innehavare"), IO_COL_HOLDER);
	assert_int_equal(io_col_parse("klass"), IO_COL_CLASS);
	assert_int_equal(io_col_parse("class"), IO_COL_CLASS);
	assert_int_equal(io_col_parse("exemplar"), IO_COL_COPIES);
	assert_int_equal(io_col_parse("diarienummer"), IO_COL_CASE_NUMBER);
	assert_int_equal(io_col_parse("titlar"), -1);
	assert_int_equal(io_col_parse(""), -1);
	for (int i = 0; i < IO_COL_COUNT; i++)
		assert_int_equal(io_col_parse(io_col_name((enum io_col)i)), i);
}

/* ---- 2. validation without the register ---- */

/* Parses text; returns the problems as "line/field: msg" lines. */
static char *parse_problems(const char *text, int *rc_out, size_t *nrows)
{
	static char out[16384];
	struct io_import imp;
	size_t n = 0;
	int rc = io_import_parse(text, strlen(text), &imp);

	out[0] = '\0';
	for (size_t i = 0; i < imp.nproblems; i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%u/%s: %s\n", imp.problems[i].line,
		                      imp.problems[i].field, imp.problems[i].msg);
	if (rc_out)
		*rc_out = rc;
	if (nrows)
		*nrows = imp.nrows;
	io_import_release(&imp);
	return out;
}

static void has(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("expected '%s' in:\n%s", needle, haystack);
}

static void test_parse_validation(void **state)
{
	char *p;
	size_t rows;
	int rc;

	(void)state;
	p = parse_problems("beteckning;titel;klass;form;sidor;förvaring\r\n"
	                   "A-1;Plan;K;fysisk;3;Skåp\r\n"
	                   "A-2;\"Plan; del 2\";hemlig;Fysisk;4;Skåp\r\n",
	                   &rc, &rows);
	assert_int_equal(rc, SK_OK);
	assert_int_equal(rows, 2);
	assert_string_equal(p, "");

	/* missing required columns are named; unknown and repeated columns too */
	p = parse_problems("beteckning;titel\nA;B\n", &rc, NULL);
	assert_int_equal(rc, SK_EINVAL);
	has(p, "1/: missing required columns: klass, form");
	p = parse_problems("titel;klass;form;färg;titel\n", &rc, NULL);
	has(p, "1/: unknown column 'färg'");
	has(p, "1/titel: the column titel appears twice");
	p = parse_problems("titel;;klass;form\n", &rc, NULL);
	has(p, "column 2 has no name");
	p = parse_problems("", &rc, NULL);
	has(p, "the file is empty");
	p = parse_problems("titel;klass;form\n", &rc, NULL);
	assert_int_equal(rc, SK_EINVAL);
	has(p, "no rows below the header");

	/* every bad row and field is reported, not only the first */
	p = parse_problems("beteckning;titel;klass;form;sidor;datum;exemplar;förvaring;innehavare;"
	                   "system\n"
	                   "B-1;Ok;K;fysisk;2;2020-01-01;1;Skåp;;\n"
	                   "B-2;Fel klass;S;fysisk;2;;1;Skåp;;\n"
	                   "B-3;Fel datum;K;fysisk;2;2020-02-30;1;Skåp;;\n"
	                   "B-4;Framtid;K;fysisk;2;2999-01-01;1;Skåp;;\n"
	                   "B-5;Sidor;K;fysisk;noll;;1;Skåp;;\n"
	                   "B-6;Många;K;fysisk;2;;1000;Skåp;;\n"
	                   "B-7;Form;K;digital;2;;1;Skåp;;\n"
	                   ";;K;fysisk;2;;1;Skåp;;\n"
	                   "B-9;Båda;K;fysisk;2;;1;Skåp;Anna;\n"
	                   "B-10;Ingen plats;K;fysisk;2;;2;;;\n"
	                   "B-11;El utan system;H;elektronisk;;;0;;;\n"
	                   "B-12;Fys med system;H;fysisk;1;;1;Skåp;;Sys\n"
	                   "B-13;För få fält;K\n"
	                   "B-1;Dubblett;K;fysisk;2;;1;Skåp;;\n"
	                   ";;;;;;;;;\n"
	                   "B-14;Radbrytning \"\"x\"\";K;fysisk;1;;1;Skåp;;\n",
	                   &rc, &rows);
	assert_int_equal(rc, SK_EINVAL);
	has(p, "3/klass: 'S' is not a class");
	has(p, "4/datum: '2020-02-30' is not a date");
	has(p, "5/datum: 2999-01-01 is in the future");
	has(p, "6/sidor: 'noll' is not a whole number");
	has(p, "7/exemplar: '1000' is not a whole number 0..999");
	has(p, "8/form: 'digital' is not a form");
	has(p, "9/titel: required, but empty");
	has(p, "10/innehavare: give förvaring or innehavare, not both");
	has(p, "11/förvaring: each copy is with a person");
	has(p, "12/system: an electronic document names the approved information system");
	has(p, "13/system: only electronic documents name a system");
	has(p, "14/: the row has 3 fields; the header has 10");
	has(p, "15/beteckning: 'B-1' is also on line 2");
	assert_null(strstr(p, "\n2/")); /* the good row */
	assert_null(strstr(p, "16/"));  /* an empty row (Excel writes them) is skipped */
	assert_null(strstr(p, "17/"));  /* quotes inside a title are fine */

	/* a quoted line break in a title is refused; lines after it keep their numbers */
	p = parse_problems("titel;klass;form;förvaring\n\"a\nb\";K;fysisk;S\nc;X;fysisk;S\n", &rc,
	                   NULL);
	has(p, "2/titel: a line break");
	has(p, "4/klass: 'X' is not a class");

	/* issue 10 item 16: a bidi override or a C1 control is refused with its line; a blank
	 * required cell is empty; a blank optional cell is simply empty; a future date */
	p = parse_problems("titel;klass;form;förvaring;upphov;datum\n"
	                   "Plan\xe2\x80\xae"
	                   "fdp.exe;K;fysisk;S;;\n"
	                   "Plan\xc2\x9b"
	                   "1;K;fysisk;S;;\n"
	                   "  ;K;fysisk;S;;\n"
	                   "Bra;K;fysisk;S;   ;\n"
	                   "Sen;K;fysisk;S;;9999-12-31\n",
	                   &rc, NULL);
	has(p, "2/titel: a line break, control character or bidi override");
	has(p, "3/titel: a line break, control character or bidi override");
	has(p, "4/titel: required, but empty");
	assert_null(strstr(p, "\n5/"));
	has(p, "6/datum: 9999-12-31 is in the future");

	/* encoding: the line is named */
	p = parse_problems("titel;klass;form;förvaring\nok;K;fysisk;S\nfel\xe5;K;fysisk;S\n", &rc,
	                   NULL);
	assert_int_equal(rc, SK_EINVAL);
	has(p, "3/: not UTF-8 text");
	/* a broken record stops the reader and names its line */
	p = parse_problems("titel;klass;form;förvaring\nok;K;fysisk;S\n\"open;K;fysisk;S\n", &rc,
	                   NULL);
	has(p, "3/: a quoted field is not closed");
	/* English headers and ',' */
	p = parse_problems("designation,title,class,form,pages,container\nE-1,T,KH,physical,1,S\n",
	                   &rc, &rows);
	assert_int_equal(rc, SK_OK);
	assert_int_equal(rows, 1);
}

static void test_parse_limits(void **state)
{
	struct io_import imp;
	struct buf b;
	char *big;
	int rc;

	(void)state;
	/* at most 100,000 rows */
	buf_init(&b, 8u << 20);
	buf_puts(&b, "titel;klass;form;förvaring\n");
	for (unsigned i = 0; i <= IO_MAX_ROWS; i++)
		buf_puts(&b, "t;K;fysisk;S\n");
	assert_int_equal(b.err, SK_OK);
	rc = io_import_parse(b.ptr, b.len, &imp);
	assert_int_equal(rc, SK_ETOOBIG);
	assert_true(imp.fatal);
	has(imp.problems[imp.nproblems - 1].msg, "more than 100000 rows");
	assert_int_equal(imp.problems[imp.nproblems - 1].line, IO_MAX_ROWS + 2);
	io_import_release(&imp);
	/* exactly 100,000 parse */
	b.len -= strlen("t;K;fysisk;S\n");
	b.ptr[b.len] = '\0';
	rc = io_import_parse(b.ptr, b.len, &imp);
	assert_int_equal(rc, SK_OK);
	assert_int_equal(imp.nrows, IO_MAX_ROWS);
	io_import_release(&imp);
	buf_release(&b);

	/* at most 32 MiB */
	big = malloc((size_t)IO_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, 'a', (size_t)IO_MAX_BYTES + 1);
	rc = io_import_parse(big, (size_t)IO_MAX_BYTES + 1, &imp);
	assert_int_equal(rc, SK_ETOOBIG);
	has(imp.problems[0].msg, "at most 32 MiB");
	io_import_release(&imp);
	free(big);

	/* more than 1,000 bad rows: all counted, 1,000 kept */
	buf_init(&b, 1u << 20);
	buf_puts(&b, "titel;klass;form;förvaring\n");
	for (unsigned i = 0; i < 1500; i++)
		buf_puts(&b, "t;Q;fysisk;S\n");
	rc = io_import_parse(b.ptr, b.len, &imp);
	assert_int_equal(rc, SK_EINVAL);
	assert_int_equal(imp.nerrors, 1500);
	assert_int_equal(imp.nproblems, IO_MAX_ERRORS);
	io_import_release(&imp);
	buf_release(&b);
}

/* ---- 3. through the register ---- */

static int group_setup(void **state)
{
	struct records_system sh = {"Ärendesystemet", CLEAR_H, "SYS-1", NULL};
	struct records_space ch = {"container", "Skåp 1", "Rum 1", CLEAR_H, NULL, "SP-1"};
	struct records_space ckh = {"container", "Kassaskåpet", "Rum 2", CLEAR_KH, NULL, "SP-2"};
	struct model_err err = {0};
	char until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-io-XXXXXX", REGFX_FAST_PW | REGFX_READER, NULL);
	regfx_today_plus(180, until); /* the end of privileged grants */

	regfx_identity(g_fx.model, &chief, "chief", ROLE_CHIEF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &ssc, "ssc", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg, "reg", ROLE_REGISTRAR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg_h, "regh", ROLE_REGISTRAR, CLEAR_H, NULL, until);
	regfx_identity(g_fx.model, &staff, "staff", ROLE_STAFF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &auditor_h, "audh", ROLE_AUDITOR, CLEAR_H, NULL, until);
	regfx_identity(g_fx.model, &admin, "admin", ROLE_ADMIN, CLEAR_KH, NULL, until);
	p_anna = regfx_person(g_fx.model, &reg, "Anna Andersson", "Enheten", 0);
	p_bo = regfx_person(g_fx.model, &reg, "Bo Berg", "Enheten", 0);
	regfx_clear(g_fx.model, &ssc, p_anna, "KH");
	regfx_clear(g_fx.model, &ssc, p_bo, "KH");
	p_staff = regfx_person(g_fx.model, &reg, "Stina Staff", "Enheten", staff.id);
	p_chief = regfx_person(g_fx.model, &reg, "Chefen", "Enheten", chief.id);
	(void)p_bo;
	(void)p_chief;
	if (records_system_create(g_fx.model, &ssc, &sh, &sys_h, &err) ||
	    records_space_create(g_fx.model, &ssc, &ch, &cont_h, &err) ||
	    records_space_create(g_fx.model, &chief, &ckh, &cont_kh, &err))
		fail_msg("records: %s (%s)", err.msg, err.field);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

static int64_t count(const char *sql)
{
	struct store_q *q;
	int64_t n = -1;

	assert_int_equal(store_reader_query(g_fx.rd, sql, &q), SK_OK);
	if (store_q_step(q) == SK_OK)
		n = store_q_int(q, 0);
	store_q_done(q);
	return n;
}

/* The signing time (RFC 3339 UTC) of the receipt of copy 1 of a document. */
static void signed_at_of(const char *designation, char out[SK_TIME_LEN + 1])
{
	struct store_q *q;

	out[0] = '\0';
	assert_int_equal(store_reader_query(g_fx.rd,
	                                    "SELECT r.signed_at FROM receipt r JOIN copy c ON c.id "
	                                    "= r.copy_id JOIN document d ON d.id = c.document_id "
	                                    "WHERE d.designation = ?1 AND c.number = 1",
	                                    &q),
	                 SK_OK);
	store_q_bind_text(q, 1, designation);
	if (store_q_step(q) == SK_OK)
		snprintf(out, SK_TIME_LEN + 1, "%s", store_q_text(q, 0));
	store_q_done(q);
	assert_true(out[0]);
}

static int last_cb(void *ctx, const struct store_entry_row *row)
{
	json_t **out = ctx;

	json_decref(*out);
	*out = json_loadb(row->bytes, row->len, 0, NULL);
	return SK_OK;
}

static json_t *last_entry(void)
{
	json_t *e = NULL;

	assert_int_equal(store_reader_entry(g_fx.rd, regfx_ledger_size(&g_fx), last_cb, &e), SK_OK);
	assert_non_null(e);
	return e;
}

static int import(const struct principal *p, const char *csv, bool dry, json_t **report,
                  struct model_err *err)
{
	memset(err, 0, sizeof(*err));
	return io_import(g_fx.model, p, csv, strlen(csv), dry, report, err);
}

static const char good[] =
        "\xef\xbb\xbf"
        "Beteckning;Titel;Klass;Form;Sidor;Bilagor;Upphov;Diarienummer;System;Datum;"
        "Exemplar;Förvaring;Innehavare;Kvittens;Inventerad\r\n"
        "IMP-1;Plan för övning;H;fysisk;12;1;;DNR 1;;2025-03-01;2;Skåp 1;;;2026-01-10\r\n"
        "IMP-2;Bilaga till plan;K;fysisk;3;0;Försvarsmakten;;;;1;;Anna Andersson;PK-7;\r\n"
        "IMP-3;Elektronisk rapport;H;elektronisk;;;;;Ärendesystemet;;0;;;;\r\n"
        ";Utan beteckning;BH;fysisk;;;;;;;1;Skåp 1;;;\r\n"
        "=1+1;Formel;K;fysisk;1;;;;;;1;Skåp 1;;;\r\n";

static void test_import(void **state)
{
	struct model_err err;
	uint64_t before = regfx_ledger_size(&g_fx);
	int64_t docs = count("SELECT count(*) FROM document");
	json_t *rep = NULL, *e;
	int rc;

	(void)state;
	/* a dry run reports what would be done and changes nothing */
	rc = import(&reg, good, true, &rep, &err);
	assert_int_equal(rc, SK_OK);
	if (!json_is_true(json_object_get(rep, "ok")))
		fail_msg("dry run: %s", json_dumps(rep, JSON_COMPACT));
	assert_int_equal(json_integer_value(json_object_get(rep, "documents")), 5);
	assert_int_equal(json_integer_value(json_object_get(rep, "copies")), 5);
	json_decref(rep);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	assert_int_equal(count("SELECT count(*) FROM document"), docs);

	/* staff and admin may not import; nothing is written */
	assert_int_equal(import(&staff, good, false, &rep, &err), SK_EPERM);
	assert_null(rep);
	assert_int_equal(import(&admin, good, true, &rep, &err), SK_EPERM);
	assert_int_equal(regfx_ledger_size(&g_fx), before);

	rc = import(&reg, good, false, &rep, &err);
	if (rc)
		fail_msg("import: %s (%s) %s", err.msg, err.field, json_dumps(rep, JSON_COMPACT));
	assert_int_equal(json_integer_value(json_object_get(rep, "documents")), 5);
	assert_int_equal(json_integer_value(json_object_get(rep, "copies")), 5);
	assert_int_equal(json_integer_value(json_object_get(rep, "receipts")), 1);
	assert_int_equal(json_integer_value(json_object_get(rep, "import_id")), 1);
	json_decref(rep);
	assert_int_equal(count("SELECT count(*) FROM document") - docs, 5);
	assert_int_equal(count("SELECT count(*) FROM copy WHERE document_id IN (SELECT id FROM "
	                       "document WHERE designation = 'IMP-1')"),
	                 2);
	assert_int_equal(count("SELECT count(*) FROM copy c JOIN document d ON d.id = "
	                       "c.document_id WHERE d.designation = 'IMP-1' AND "
	                       "c.last_inventoried_on = '2026-01-10'"),
	                 2);
	assert_int_equal(count("SELECT count(*) FROM receipt r JOIN copy c ON c.id = r.copy_id "
	                       "JOIN document d ON d.id = c.document_id WHERE d.designation = "
	                       "'IMP-2' AND r.state = 'signed' AND r.paper_ref = 'PK-7'"),
	                 1);
	/* the holder is on the need-to-know list */
	assert_int_equal(count("SELECT count(*) FROM document_access a JOIN document d ON d.id = "
	                       "a.document_id WHERE d.designation = 'IMP-2'"),
	                 1);
	/* the auto-numbered one got a designation */
	assert_int_equal(count("SELECT count(*) FROM document WHERE title = 'Utan beteckning' "
	                       "AND designation <> ''"),
	                 1);
	/* the import is a ledger entry with the file's hash */
	e = last_entry();
	assert_string_equal(json_string_value(json_object_get(e, "kind")), "import.completed");
	assert_string_equal(json_string_value(json_object_get(e, "object")), "import/1");
	{
		uint8_t h[32];
		char hex[65];

		crypto_hash_sha256(h, (const unsigned char *)good, strlen(good));
		sodium_bin2hex(hex, sizeof(hex), h, 32);
		assert_string_equal(
		        json_string_value(json_object_get(json_object_get(e, "data"), "sha256")),
		        hex);
		assert_int_equal(json_integer_value(
		                         json_object_get(json_object_get(e, "data"), "documents")),
		                 5);
	}
	json_decref(e);
}

static void test_import_all_or_nothing(void **state)
{
	static const char bad[] =
	        "beteckning;titel;klass;form;sidor;exemplar;förvaring;innehavare\n"
	        "N-1;Bra;K;fysisk;1;1;Skåp 1;\n"
	        "IMP-1;Finns redan;K;fysisk;1;1;Skåp 1;\n"
	        "N-3;Okänd person;K;fysisk;1;1;;Ingen Alls\n"
	        "N-4;Okänt skåp;K;fysisk;1;1;Garderoben;\n"
	        "N-5;Skåpet räcker inte;KH;fysisk;1;1;Skåp 1;\n"
	        "N-6;Utan sidor;K;fysisk;;1;Skåp 1;\n"
	        "N-7;Bra igen;BH;fysisk;;1;Skåp 1;\n";
	struct model_err err;
	uint64_t before = regfx_ledger_size(&g_fx);
	int64_t docs = count("SELECT count(*) FROM document");
	int64_t copies = count("SELECT count(*) FROM copy");
	json_t *rep = NULL, *pr;
	char *s;
	int rc;

	(void)state;
	rc = import(&reg, bad, true, &rep, &err);
	assert_int_equal(rc, SK_OK);
	assert_false(json_is_true(json_object_get(rep, "ok")));
	s = json_dumps(json_object_get(rep, "problems"), JSON_COMPACT | JSON_SORT_KEYS);
	has(s, "{\"field\":\"beteckning\",\"line\":3,\"message\":\"'IMP-1' is already in the "
	       "register\",\"params\":{\"designation\":\"IMP-1\"},\"reason\":\"document."
	       "designation_taken\"}");
	/* each problem a reason the UI says, with the names it needs (never an internal id) */
	has(s, "\"params\":{\"name\":\"Ingen Alls\"},\"reason\":\"import.no_person\"");
	has(s, "\"params\":{\"name\":\"Garderoben\"},\"reason\":\"import.no_container\"");
	has(s, "\"params\":{\"class\":\"KH\",\"max\":\"H\",\"space\":\"Skåp 1\"},"
	       "\"reason\":\"space.class_above_max\"");
	has(s, "\"reason\":\"document.pages_required\"");
	has(s, "\"field\":\"innehavare\",\"line\":4");
	has(s, "\"field\":\"förvaring\",\"line\":5");
	has(s, "\"field\":\"förvaring\",\"line\":6"); /* the container holds only H */
	has(s, "\"field\":\"sidor\",\"line\":7");     /* 3 kap. 4 § */
	assert_null(strstr(s, "\"line\":2,"));
	assert_null(strstr(s, "\"line\":8,"));
	assert_int_equal(json_integer_value(json_object_get(rep, "errors")), 5);
	free(s);
	json_decref(rep);
	assert_int_equal(regfx_ledger_size(&g_fx), before);

	/* the import refuses the whole file, naming the first line and field */
	rc = import(&reg, bad, false, &rep, &err);
	assert_int_equal(rc, SK_EEXIST);
	assert_string_equal(err.field, "beteckning");
	has(err.msg, "line 3, beteckning: 'IMP-1' is already in the register");
	assert_string_equal(err.reason, "import.refused");
	assert_string_equal(err.params, "{\"count\":5,\"line\":3}");
	pr = json_object_get(rep, "problems");
	assert_int_equal(json_array_size(pr), 5);
	json_decref(rep);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	assert_int_equal(count("SELECT count(*) FROM document"), docs);
	assert_int_equal(count("SELECT count(*) FROM copy"), copies);

	/* a file with only a rule problem inside the documents slice: still nothing */
	rc = import(&reg,
	            "beteckning;titel;klass;form;sidor;exemplar;förvaring\n"
	            "M-1;Bra;K;fysisk;1;1;Skåp 1\n"
	            "M-2;KH två ex;KH;fysisk;1;2;Kassaskåpet\n",
	            false, &rep, &err);
	assert_int_equal(rc, SK_ERULE);
	has(err.msg, "line 3, exemplar:");
	json_decref(rep);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	assert_int_equal(count("SELECT count(*) FROM document WHERE designation = 'M-1'"), 0);

	/* not cleared for KH: refused per row */
	rc = import(&reg_h, "titel;klass;form;sidor;förvaring\nHemligt;KH;fysisk;1;Kassaskåpet\n",
	            false, &rep, &err);
	assert_int_equal(rc, SK_EPERM);
	assert_string_equal(err.field, "klass");
	json_decref(rep);
	assert_int_equal(regfx_ledger_size(&g_fx), before);

	/* parse problems: the register is not even asked */
	rc = import(&reg, "titel;klass\nx;K\n", false, &rep, &err);
	assert_int_equal(rc, SK_EINVAL);
	has(err.msg, "missing required columns: form");
	json_decref(rep);
}

/* ---- 4. export ---- */

static char *export(const struct principal *p, enum io_format fmt, const struct io_export_filter *f,
                    int *rc_out, size_t *len)
{
	struct model_err err = {0};
	struct buf b;
	char *s;

	buf_init(&b, 64u << 20);
	*rc_out = io_export(g_fx.model, p, fmt, f, &b, &err);
	s = buf_detach(&b, len);
	return s ? s : calloc(1, 1);
}

static void test_export_csv(void **state)
{
	uint64_t before = regfx_ledger_size(&g_fx);
	size_t len, lines = 0;
	char *csv, hex[65];
	uint8_t h[32];
	json_t *e;
	int rc;

	(void)state;
	csv = export(&reg, IO_CSV, NULL, &rc, &len);
	assert_int_equal(rc, SK_OK);
	assert_int_equal(memcmp(csv, "\xef\xbb\xbf", 3), 0);
	has(csv, "beteckning;klass;titel;diarienummer;sidor;bilagor;antal exemplar;exemplar;"
	         "mottagare;kvitterat av;kvitterat;inventerad;status;status datum\r\n");
	has(csv, "IMP-1;H;Plan för övning;DNR 1;12;1;2;1;förvaring: Skåp 1;;;2026-01-10;"
	         "i registret;\r\n");
	has(csv, "IMP-1;H;Plan för övning;DNR 1;12;1;2;2;");
	has(csv, "IMP-2;K;Bilaga till plan;;3;0;1;1;Anna Andersson;Anna Andersson "
	         "(papperskvittens PK-7);");
	/* an electronic document has no page count and no copies */
	has(csv, "IMP-3;H;Elektronisk rapport;;;0;0;;;;;;;\r\n");
	/* the signing time is Swedish local time with its offset, never UTC's "Z" */
	{
		const char *k = strstr(csv, "(papperskvittens PK-7);");
		char want[SK_STHLM_LEN + 1];
		char at[SK_TIME_LEN + 1];
		int64_t t;

		assert_non_null(k);
		k += strlen("(papperskvittens PK-7);");
		/* the receipt's own time as the model keeps it (UTC), converted here */
		signed_at_of("IMP-2", at);
		assert_int_equal(sk_time_parse(at, strlen(at), &t), SK_OK);
		assert_int_equal(sk_time_stockholm(t, want), SK_OK);
		assert_memory_equal(k, want, SK_STHLM_LEN);
		assert_true(strcmp(want + 19, "+01:00") == 0 || strcmp(want + 19, "+02:00") == 0);
		assert_int_equal(k[SK_STHLM_LEN], ';');
	}
	/* formula injection */
	has(csv, "\"'=1+1\";K;Formel;;1;0;1;1;");
	assert_null(strstr(csv, "\r\n=1+1"));
	for (size_t i = 0; i < len; i++)
		lines += csv[i] == '\n';
	/* header + 5 copies + 1 document without copies (+ earlier tests' none) */
	assert_int_equal(lines, 1 + 5 + 1);
	/* the export is a ledger entry with the hash of exactly these bytes */
	assert_int_equal(regfx_ledger_size(&g_fx), before + 1);
	e = last_entry();
	assert_string_equal(json_string_value(json_object_get(e, "kind")), "export.made");
	assert_string_equal(json_string_value(json_object_get(e, "object")), "export/1");
	crypto_hash_sha256(h, (const unsigned char *)csv, len);
	sodium_bin2hex(hex, sizeof(hex), h, 32);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(e, "data"), "sha256")), hex);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "data"), "rows")),
	                 6);
	json_decref(e);
	free(csv);

	/* a filter, recorded in the entry */
	csv = export(&reg, IO_CSV, &(struct io_export_filter){.cls = "K"}, &rc, &len);
	assert_int_equal(rc, SK_OK);
	assert_null(strstr(csv, "IMP-1"));
	has(csv, "IMP-2");
	free(csv);
	e = last_entry();
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_object_get(json_object_get(e, "data"), "filters"), "class")),
	        "K");
	assert_string_equal(json_string_value(json_object_get(e, "object")), "export/2");
	json_decref(e);

	/* visibility: an auditor cleared for H sees no KH; the chief only its need-to-know */
	csv = export(&auditor_h, IO_CSV, NULL, &rc, &len);
	assert_int_equal(rc, SK_OK);
	has(csv, "IMP-1");
	free(csv);
	csv = export(&chief, IO_CSV, NULL, &rc, &len);
	assert_int_equal(rc, SK_OK);
	assert_null(strstr(csv, "IMP-"));
	free(csv);
	/* staff and admin may not export, and nothing is logged */
	before = regfx_ledger_size(&g_fx);
	csv = export(&staff, IO_CSV, NULL, &rc, &len);
	assert_int_equal(rc, SK_EPERM);
	free(csv);
	csv = export(&admin, IO_XLSX, NULL, &rc, &len);
	assert_int_equal(rc, SK_EPERM);
	free(csv);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
}

static void test_export_xlsx(void **state)
{
	char path[] = "/tmp/skydd-test-io-xlsx-XXXXXX", cmd[256];
	size_t len;
	char *x;
	json_t *e;
	FILE *f;
	int rc, fd;

	(void)state;
	x = export(&reg, IO_XLSX, NULL, &rc, &len);
	assert_int_equal(rc, SK_OK);
	assert_true(len > 1000);
	assert_int_equal(memcmp(x, "PK\x03\x04", 4), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_int_equal(fwrite(x, 1, len, f), len);
	fclose(f);
	/* an independent reader: python's zipfile finds the sheet and the shared strings */
	snprintf(cmd, sizeof(cmd),
	         "python3 -c \"import sys,zipfile; z=zipfile.ZipFile('%s'); "
	         "assert z.testzip() is None; s=z.read('xl/sharedStrings.xml').decode(); "
	         "assert 'IMP-2' in s and 'beteckning' in s and 'Anna Andersson' in s\"",
	         path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
	e = last_entry();
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(e, "data"), "format")), "xlsx");
	json_decref(e);
	free(x);
}

static void test_register_json(void **state)
{
	json_t *r, *d, *c;
	size_t i;
	bool seen = false;

	(void)state;
	r = io_register(g_fx.model, &reg, NULL, NULL, IO_REGISTER_LIMIT_MAX);
	assert_non_null(r);
	json_array_foreach(json_object_get(r, "documents"), i, d)
	{
		if (strcmp(json_string_value(json_object_get(d, "designation")), "IMP-2") != 0)
			continue;
		seen = true;
		assert_int_equal(json_integer_value(json_object_get(d, "copy_count")), 1);
		c = json_array_get(json_object_get(d, "copies"), 0);
		assert_string_equal(
		        json_string_value(json_object_get(json_object_get(c, "holder"), "name")),
		        "Anna Andersson");
		assert_string_equal(
		        json_string_value(json_object_get(
		                json_array_get(json_object_get(c, "receipts"), 0), "state")),
		        "signed");
	}
	assert_true(seen);
	json_decref(r);
	/* the chief is on no list: nothing */
	r = io_register(g_fx.model, &chief, NULL, NULL, 0);
	assert_int_equal(json_array_size(json_object_get(r, "documents")), 0);
	assert_true(json_is_null(json_object_get(r, "next")));
	json_decref(r);
}

/* Does the set seen (designation -> true) hold exactly the designations sql selects (?1 = bind)? */
static void expect_designations(json_t *seen, const char *sql, int64_t bind)
{
	struct store_q *q;
	size_t n = 0;

	assert_int_equal(store_reader_query(g_fx.rd, sql, &q), SK_OK);
	store_q_bind_int(q, 1, bind);
	while (store_q_step(q) == SK_OK) {
		const char *d = store_q_text(q, 0);

		if (!json_object_get(seen, d))
			fail_msg("%s is visible but on no page", d);
		n++;
	}
	store_q_done(q);
	if (n != json_object_size(seen))
		fail_msg("the pages hold %zu documents, %zu are visible", json_object_size(seen),
		         n);
}

/* Walks every page of the print view; returns the designations seen (each once) and the pages. */
static json_t *walk_register(const struct principal *p, const struct io_export_filter *f,
                             unsigned limit, size_t *pages)
{
	json_t *seen = json_object(), *r, *d, *next;
	char after[96] = "", prev[96] = "";
	size_t i;

	*pages = 0;
	for (;;) {
		r = io_register(g_fx.model, p, f, *pages ? after : NULL, limit);
		assert_non_null(r);
		assert_true(json_array_size(json_object_get(r, "documents")) <= limit);
		json_array_foreach(json_object_get(r, "documents"), i, d)
		{
			const char *des = json_string_value(json_object_get(d, "designation"));

			if (json_object_get(seen, des))
				fail_msg("%s on two pages", des);
			/* in designation order, across pages too */
			if (prev[0] && strcmp(prev, des) >= 0)
				fail_msg("%s after %s", des, prev);
			json_object_set_new(seen, des, json_true());
			snprintf(prev, sizeof(prev), "%s", des);
		}
		(*pages)++;
		assert_true(*pages < 1000);
		next = json_object_get(r, "next");
		if (json_is_null(next)) {
			json_decref(r);
			return seen;
		}
		/* a next cursor only after a full page */
		assert_int_equal(json_array_size(json_object_get(r, "documents")), limit);
		snprintf(after, sizeof(after), "%s", json_string_value(next));
		json_decref(r);
	}
}

/* Issue 10 item 15: the print view comes in keyset pages, each within need-to-know. */
static void test_register_pages(void **state)
{
	static const char more[] = "Beteckning;Titel;Klass;Form;Sidor;Exemplar;Förvaring;System\n"
	                           "PG-1;Sida ett;BH;fysisk;1;1;Skåp 1;\n"
	                           "PG-2;Sida två;K;fysisk;1;2;Skåp 1;\n"
	                           "PG-3;Sida tre;H;fysisk;1;1;Skåp 1;\n"
	                           "PG-4;Sida fyra;KH;fysisk;1;1;Kassaskåpet;\n"
	                           "PG-5;Sida fem;KH;fysisk;1;1;Kassaskåpet;\n"
	                           "PG-6;Sida sex;H;elektronisk;;0;;Ärendesystemet\n"
	                           "PG-7;Sida sju;BH;fysisk;1;0;;\n";
	struct io_export_filter issued = {.state = "issued"};
	struct model_err err = {0};
	json_t *rep = NULL, *seen, *r;
	int64_t ids[2];
	size_t pages;
	int rc;

	(void)state;
	rc = import(&reg, more, false, &rep, &err);
	if (rc)
		fail_msg("import: %s (%s) %s", err.msg, err.field, json_dumps(rep, JSON_COMPACT));
	json_decref(rep);
	/* the chief is on the need-to-know list of one KH and one K document */
	ids[0] = count("SELECT id FROM document WHERE designation = 'PG-4'");
	ids[1] = count("SELECT id FROM document WHERE designation = 'PG-2'");
	if (document_access_change(g_fx.model, &reg, ids[0], &p_chief, 1, false, &err) ||
	    document_access_change(g_fx.model, &reg, ids[1], &p_chief, 1, false, &err))
		fail_msg("access: %s (%s)", err.msg, err.field);

	/* the registrar cleared KH: every document, over several pages */
	seen = walk_register(&reg, NULL, 2, &pages);
	assert_true(pages > 3);
	expect_designations(seen, "SELECT designation FROM document WHERE ?1 = ?1", 0);
	json_decref(seen);
	/* an auditor cleared H: never a KH document, on any page */
	seen = walk_register(&auditor_h, NULL, 3, &pages);
	assert_true(pages > 2);
	expect_designations(seen,
	                    "SELECT designation FROM document WHERE class <> 'KH' AND ?1 = ?1", 0);
	json_decref(seen);
	/* the chief: exactly the two on her list, one per page */
	seen = walk_register(&chief, NULL, 1, &pages);
	expect_designations(seen,
	                    "SELECT d.designation FROM document d JOIN document_access a ON "
	                    "a.document_id = d.id JOIN person p ON p.id = a.person_id WHERE "
	                    "p.identity_id = ?1",
	                    chief.id);
	assert_int_equal(json_object_size(seen), 2);
	json_decref(seen);
	/* a filter pages too: only documents with an issued copy */
	seen = walk_register(&reg, &issued, 1, &pages);
	expect_designations(seen,
	                    "SELECT DISTINCT d.designation FROM document d JOIN copy c ON "
	                    "c.document_id = d.id WHERE c.state = 'issued' AND ?1 = ?1",
	                    0);
	json_decref(seen);
	/* the default page is bounded; a cursor past the end is an empty last page */
	r = io_register(g_fx.model, &reg, NULL, NULL, 0);
	assert_true(json_array_size(json_object_get(r, "documents")) <= IO_REGISTER_LIMIT);
	json_decref(r);
	r = io_register(g_fx.model, &reg, NULL, "\xef\xbf\xbf", 10);
	assert_int_equal(json_array_size(json_object_get(r, "documents")), 0);
	assert_true(json_is_null(json_object_get(r, "next")));
	json_decref(r);
}

static int64_t copy_of(const char *designation, int number)
{
	struct store_q *q;
	int64_t id = -1;

	/* the statement cache is keyed by the SQL text's address: one static text, bound */
	assert_int_equal(store_reader_query(g_fx.rd,
	                                    "SELECT c.id FROM copy c JOIN document d ON d.id = "
	                                    "c.document_id WHERE d.designation = ?1 AND "
	                                    "c.number = ?2",
	                                    &q),
	                 SK_OK);
	store_q_bind_text(q, 1, designation);
	store_q_bind_int(q, 2, number);
	if (store_q_step(q) == SK_OK)
		id = store_q_int(q, 0);
	store_q_done(q);
	return id;
}

static void act(enum copy_act what, int64_t copy_id, struct copy_action *a)
{
	struct model_err err = {0};

	a->act = what;
	if (copy_act(g_fx.model, &reg, copy_id, a, &err) != SK_OK)
		fail_msg("copy act %d on %lld: %s (%s)", (int)what, (long long)copy_id, err.msg,
		         err.field);
}

/* Returned, lost, archived, destroyed: the 3 kap. 10 § states with their dates. */
static void test_export_states(void **state)
{
	char today[11], line[256], sthlm_today[SK_STHLM_LEN + 1];
	size_t len;
	char *csv;
	int rc;

	(void)state;
	model_today(today);
	/* days taken from a time are the Swedish day (after 23:00 UTC in winter: tomorrow) */
	assert_int_equal(sk_time_stockholm(sk_now_us(), sthlm_today), SK_OK);
	sthlm_today[10] = '\0';
	act(COPY_RETURN, copy_of("IMP-2", 1), &(struct copy_action){.space_id = cont_h});
	act(COPY_DESTROY, copy_of("IMP-1", 2),
	    &(struct copy_action){.method = "Kross",
	                          .destroyed_on = today,
	                          .performer_id = p_anna,
	                          .witness_id = p_bo});
	act(COPY_LOST, copy_of("IMP-1", 1), &(struct copy_action){.note = "Saknas"});
	act(COPY_ARCHIVE, copy_of("=1+1", 1), &(struct copy_action){0});
	csv = export(&reg, IO_CSV, NULL, &rc, &len);
	assert_int_equal(rc, SK_OK);
	snprintf(line, sizeof(line),
	         "IMP-2;K;Bilaga till plan;;3;0;1;1;Anna Andersson;Anna Andersson "
	         "(papperskvittens PK-7);");
	has(csv, line);
	snprintf(line, sizeof(line), ";återlämnad;%s\r\n", sthlm_today);
	has(csv, line);
	snprintf(line, sizeof(line),
	         "IMP-1;H;Plan för övning;DNR 1;12;1;2;2;;;;2026-01-10;förstörd;%s\r\n", today);
	has(csv, line);
	snprintf(line, sizeof(line),
	         "IMP-1;H;Plan för övning;DNR 1;12;1;2;1;förvaring: Skåp "
	         "1;;;2026-01-10;förlorad;%s\r\n",
	         sthlm_today);
	has(csv, line);
	snprintf(line, sizeof(line), ";arkiverad;%s\r\n", sthlm_today);
	has(csv, line);
	free(csv);

	/* a classified title: the cleared see it; a registrar cleared for H sees no KH row */
	{
		static const char ht[] = "Beteckning;Titel;Klass;Form;Sidor;Exemplar;Förvaring;"
		                         "hemlig_titel\nHT-1;Valvets ritning;KH;fysisk;2;1;"
		                         "Kassaskåpet;ja\n";
		struct model_err err = {0};
		json_t *rep = NULL;

		assert_int_equal(io_import(g_fx.model, &reg, ht, strlen(ht), false, &rep, &err),
		                 SK_OK);
		json_decref(rep);
	}
	csv = export(&reg, IO_CSV, &(struct io_export_filter){.cls = "KH"}, &rc, &len);
	assert_int_equal(rc, SK_OK);
	has(csv, "HT-1;KH;Valvets ritning;;2;0;1;1;");
	free(csv);
	csv = export(&reg_h, IO_CSV, &(struct io_export_filter){.cls = "KH"}, &rc, &len);
	assert_int_equal(rc, SK_OK);
	assert_null(strstr(csv, "HT-1"));
	assert_null(strstr(csv, "Valvets"));
	free(csv);

	/* filters: a state, a holder */
	csv = export(&reg, IO_CSV, &(struct io_export_filter){.state = "destroyed"}, &rc, &len);
	assert_int_equal(rc, SK_OK);
	has(csv, "IMP-1;H;Plan för övning;DNR 1;12;1;2;2;");
	assert_null(strstr(csv, "IMP-1;H;Plan för övning;DNR 1;12;1;2;1;"));
	assert_null(strstr(csv, "IMP-2"));
	free(csv);
	csv = export(&reg, IO_CSV, &(struct io_export_filter){.holder = p_anna}, &rc, &len);
	assert_int_equal(rc, SK_OK);
	assert_null(strstr(csv, "IMP-")); /* returned: no one holds it now */
	free(csv);
}

/* Names and ids, ambiguity, a service token, both phases in one dry run, the row limit. */
static void test_import_more(void **state)
{
	struct principal tok = reg;
	struct model_err err;
	json_t *rep = NULL, *e;
	char csv[512], *s;
	int rc;

	(void)state;
	/* ids instead of names */
	snprintf(csv, sizeof(csv),
	         "beteckning;titel;klass;form;sidor;exemplar;förvaring;innehavare;system\n"
	         "ID-1;Med id;K;fysisk;1;1;%lld;;\n"
	         "ID-2;Person med id;K;fysisk;1;1;;%lld;\n"
	         "ID-3;System med id;H;elektronisk;;0;;;%lld\n",
	         (long long)cont_h, (long long)p_bo, (long long)sys_h);
	rc = import(&reg, csv, false, &rep, &err);
	if (rc)
		fail_msg("ids: %s %s", err.msg, json_dumps(rep, JSON_COMPACT));
	json_decref(rep);
	assert_int_equal(count("SELECT count(*) FROM copy c JOIN document d ON d.id = "
	                       "c.document_id WHERE d.designation = 'ID-1' AND c.space_id IS NOT "
	                       "NULL"),
	                 1);

	/* two persons of one name: give the id */
	regfx_person(g_fx.model, &reg, "Bo Berg", "Enheten", 0);
	rc = import(&reg, "titel;klass;form;sidor;innehavare\nTvå Bo;K;fysisk;1;bo berg\n", false,
	            &rep, &err);
	assert_int_equal(rc, SK_EINVAL);
	assert_string_equal(err.field, "innehavare");
	has(err.msg, "several persons are named 'bo berg': give the person's id");
	json_decref(rep);

	/* a dry run reports the file's and the register's problems together */
	rc = import(&reg,
	            "beteckning;titel;klass;form;sidor;förvaring\n"
	            "IMP-1;Finns;K;fysisk;1;Skåp 1\n"
	            "X-2;Fel;Q;fysisk;1;Skåp 1\n",
	            true, &rep, &err);
	assert_int_equal(rc, SK_OK);
	s = json_dumps(json_object_get(rep, "problems"), JSON_COMPACT | JSON_SORT_KEYS);
	has(s, "\"field\":\"klass\",\"line\":3");
	has(s, "\"field\":\"beteckning\",\"line\":2");
	free(s);
	json_decref(rep);

	/* through a service token: the token is named in the entry */
	tok.token_id = 77;
	rc = import(&tok, "titel;klass;form;sidor;förvaring\nMed token;BH;fysisk;1;Skåp 1\n", false,
	            &rep, &err);
	if (rc)
		fail_msg("token: %s", err.msg);
	json_decref(rep);
	e = last_entry();
	assert_string_equal(json_string_value(json_object_get(e, "kind")), "import.completed");
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(e, "data"), "token_id")), 77);
	json_decref(e);

	/* over the row limit: 413's code, one problem, nothing read from the register */
	{
		struct buf b;

		buf_init(&b, 8u << 20);
		buf_puts(&b, "titel;klass;form;förvaring\n");
		for (unsigned i = 0; i <= IO_MAX_ROWS; i++)
			buf_puts(&b, "t;BH;fysisk;S\n");
		rep = NULL;
		memset(&err, 0, sizeof(err));
		rc = io_import(g_fx.model, &reg, b.ptr, b.len, true, &rep, &err);
		assert_int_equal(rc, SK_ETOOBIG);
		has(err.msg, "more than 100000 rows");
		json_decref(rep);
		buf_release(&b);
	}
}

static void test_replay(void **state)
{
	(void)state;
	regfx_verify_replay(&g_fx);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
	        cmocka_unit_test(test_columns),
	        cmocka_unit_test(test_parse_validation),
	        cmocka_unit_test(test_parse_limits),
	};
	const struct CMUnitTest reg_tests[] = {
	        cmocka_unit_test(test_import),        cmocka_unit_test(test_import_all_or_nothing),
	        cmocka_unit_test(test_export_csv),    cmocka_unit_test(test_export_xlsx),
	        cmocka_unit_test(test_register_json), cmocka_unit_test(test_register_pages),
	        cmocka_unit_test(test_export_states), cmocka_unit_test(test_import_more),
	        cmocka_unit_test(test_replay),
	};
	int fails = cmocka_run_group_tests_name("io: reader and validation", pure, NULL, NULL);

	fails += cmocka_run_group_tests_name("io: import and export", reg_tests, group_setup,
	                                     group_teardown);
	return fails ? 1 : 0;
}
