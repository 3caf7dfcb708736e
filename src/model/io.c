/*
 * Import and export of the register (see io.h and docs/internals/io.md): the
 * import column set and its row checks over util/csv.h's reader, the
 * import as one writer command over the documents slice's tx-level create
 * functions, and the 3 kap. 10 § exports (CSV, XLSX, JSON).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>
#include <unistd.h>

#include "model/access_int.h"
#include "model/document.h"
#include "model/io.h"
#include "model/reg_int.h"
#include "model/xlsx.h"

/* ---- the column set ---- */

static const struct {
	const char *sv;
	const char *alias[4];
} columns[IO_COL_COUNT] = {
        [IO_COL_DESIGNATION] = {"beteckning", {"designation", NULL}},
        [IO_COL_TITLE] = {"titel", {"title", "rubrik", NULL}},
        [IO_COL_TITLE_CLASSIFIED] = {"titel_klassificerad",
                                     {"title_classified", "hemlig_titel", NULL}},
        [IO_COL_CLASS] = {"klass", {"class", "säkerhetsskyddsklass", NULL}},
        [IO_COL_FORM] = {"form", {NULL}},
        [IO_COL_PAGES] = {"sidor", {"pages", "sidantal", NULL}},
        [IO_COL_ATTACHMENTS] = {"bilagor", {"attachments", NULL}},
        [IO_COL_ORIGINATOR] = {"upphov", {"originator", NULL}},
        [IO_COL_CASE_NUMBER] = {"diarienummer", {"case_number", "dnr", NULL}},
        [IO_COL_SYSTEM] = {"system", {NULL}},
        [IO_COL_DATE] = {"datum", {"date", "document_date", NULL}},
        [IO_COL_REGISTERED] = {"registrerad", {"registered", "registered_on", NULL}},
        [IO_COL_COPIES] = {"exemplar", {"copies", "antal_exemplar", NULL}},
        [IO_COL_CONTAINER] = {"förvaring", {"container", "storage", "forvaring", NULL}},
        [IO_COL_HOLDER] = {"innehavare", {"holder", NULL}},
        [IO_COL_RECEIPT] = {"kvittens", {"receipt", "paper_ref", NULL}},
        [IO_COL_INVENTORIED] = {"inventerad", {"inventoried", "last_inventoried_on", NULL}},
};

const char *io_col_name(enum io_col col)
{
	return (unsigned)col < IO_COL_COUNT ? columns[col].sv : "";
}

/* Lower-cases ASCII and the Swedish capitals Å Ä Ö into out; trims spaces. */
static void fold(const char *s, char *out, size_t cap)
{
	size_t n = 0, len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < len && n + 1 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == 0xc3 && i + 1 < len && n + 2 < cap &&
		    ((unsigned char)s[i + 1] == 0x85 || (unsigned char)s[i + 1] == 0x84 ||
		     (unsigned char)s[i + 1] == 0x96)) {
			out[n++] = (char)ch;
			out[n++] = (char)((unsigned char)s[i + 1] + 0x20);
			i++;
			continue;
		}
		out[n++] = (char)tolower(ch);
	}
	out[n] = '\0';
}

int io_col_parse(const char *name)
{
	char f[96];

	fold(name, f, sizeof(f));
	for (int i = 0; i < IO_COL_COUNT; i++) {
		if (strcmp(f, columns[i].sv) == 0)
			return i;
		for (int k = 0; k < 4 && columns[i].alias[k]; k++) {
			if (strcmp(f, columns[i].alias[k]) == 0)
				return i;
		}
	}
	return -1;
}

/* ---- problems ---- */

/* The length of s cut to at most max bytes on a character's boundary (for params). */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	while (n > 0 && !sk_utf8_valid(s, n))
		n--;
	return n;
}

/* The params of a cell's value, the first 40 bytes of it. */
static json_t *cut40(const char *v)
{
	return json_pack("{s:s%}", "value", v, utf8_cut(v, 40));
}

void io_import_problemr(struct io_import *imp, unsigned line, const char *field, const char *reason,
                        json_t *params, const char *fmt, ...)
{
	struct io_problem *pr;
	char *text = NULL;
	va_list ap;
	size_t n;

	imp->nerrors++;
	if (imp->nproblems >= IO_MAX_ERRORS || !imp->problems) {
		json_decref(params);
		return;
	}
	pr = &imp->problems[imp->nproblems++];
	pr->line = line;
	snprintf(pr->field, sizeof(pr->field), "%s", field ? field : "");
	snprintf(pr->reason, sizeof(pr->reason), "%s", reason ? reason : "");
	pr->params[0] = '\0';
	if (params)
		text = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	if (text && strlen(text) < sizeof(pr->params))
		snprintf(pr->params, sizeof(pr->params), "%s", text);
	free(text);
	json_decref(params);
	va_start(ap, fmt);
	vsnprintf(pr->msg, sizeof(pr->msg), fmt, ap);
	va_end(ap);
	/* a message cut short must still be UTF-8 (it goes into JSON) */
	n = strlen(pr->msg);
	while (n > 0 && !sk_utf8_valid(pr->msg, n))
		pr->msg[--n] = '\0';
	n = strlen(pr->field);
	while (n > 0 && !sk_utf8_valid(pr->field, n))
		pr->field[--n] = '\0';
}

/* ---- row values ---- */

/* Copies s (trimmed) into the arena; returns its offset, or (size_t)-1. */
static size_t arena_put(struct io_import *imp, const char *s)
{
	size_t len, off = imp->arena.len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (buf_append(&imp->arena, s, len) || buf_putc(&imp->arena, '\0'))
		return (size_t)-1;
	return off;
}

/* A non-negative decimal integer of at most 9 digits. */
static bool parse_uint(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t n = 0;

	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 9)
			return false;
		v = v * 10 + (s[n] - '0');
	}
	if (n == 0)
		return false;
	*out = v;
	return true;
}

static const char *class_of(const char *v)
{
	static const struct {
		const char *text, *cls;
	} names[] = {{"bh", "BH"},
	             {"k", "K"},
	             {"h", "H"},
	             {"kh", "KH"},
	             {"begränsat hemlig", "BH"},
	             {"konfidentiell", "K"},
	             {"hemlig", "H"},
	             {"kvalificerat hemlig", "KH"}};
	char f[64];

	fold(v, f, sizeof(f));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(f, names[i].text) == 0)
			return names[i].cls;
	}
	return NULL;
}

static const char *form_of(const char *v)
{
	char f[32];

	fold(v, f, sizeof(f));
	if (strcmp(f, "fysisk") == 0 || strcmp(f, "physical") == 0 || strcmp(f, "papper") == 0)
		return "physical";
	if (strcmp(f, "elektronisk") == 0 || strcmp(f, "electronic") == 0)
		return "electronic";
	return NULL;
}

static int yes_no(const char *v)
{
	char f[16];

	fold(v, f, sizeof(f));
	if (!*f || strcmp(f, "nej") == 0 || strcmp(f, "no") == 0 || strcmp(f, "0") == 0)
		return 0;
	if (strcmp(f, "ja") == 0 || strcmp(f, "yes") == 0 || strcmp(f, "1") == 0 ||
	    strcmp(f, "x") == 0)
		return 1;
	return -1;
}

/* The value of column col in the current record ("" when the column is absent). */
static const char *value(const struct io_import *imp, const struct csv *c, enum io_col col)
{
	return imp->cols[col] < 0 ? "" : csv_field(c, (unsigned)imp->cols[col]);
}

struct offs {
	size_t s[IO_COL_COUNT];
};

/* A text column: bounded, no control characters; stored in the arena. */
static bool text_col(struct io_import *imp, const struct csv *c, unsigned line, enum io_col col,
                     size_t max, bool required, struct offs *o)
{
	const char *v = value(imp, c, col);
	size_t off = arena_put(imp, v);
	const char *t;

	if (off == (size_t)-1)
		return io_import_problemr(imp, line, "", "import.memory", NULL, "out of memory"),
		       false;
	o->s[col] = off;
	t = imp->arena.ptr + off;
	/* A spreadsheet cell of spaces is an empty cell (the register refuses blank text). */
	if (sk_text_blank(t, strlen(t)))
		imp->arena.ptr[off] = '\0';
	if (required && !*t)
		return io_import_problemr(imp, line, io_col_name(col), "field.required", NULL,
		                          "required, but empty"),
		       false;
	if (strlen(t) > max)
		return io_import_problemr(imp, line, io_col_name(col), "field.too_long",
		                          json_pack("{s:I}", "max", (json_int_t)max),
		                          "at most %zu bytes", max),
		       false;
	/* the register's own rule (model_text_ok), said here with the line */
	if (!model_text_ok(t, 0))
		return io_import_problemr(imp, line, io_col_name(col), "field.text", NULL,
		                          "a line break, control character or bidi override in the "
		                          "text"),
		       false;
	return true;
}

/* A date column: "" or YYYY-MM-DD, a real day, not after today. */
static bool date_col(struct io_import *imp, const struct csv *c, unsigned line, enum io_col col,
                     struct offs *o)
{
	const char *t;

	if (!text_col(imp, c, line, col, 10, false, o))
		return false;
	t = imp->arena.ptr + o->s[col];
	if (!*t)
		return true;
	if (!model_date_valid(t))
		return io_import_problemr(imp, line, io_col_name(col), "field.date", NULL,
		                          "'%s' is not a date YYYY-MM-DD", t),
		       false;
	/* the same rule as the API's (document_tx_create checks it again) */
	if (!model_date_not_future(t, imp->today))
		return io_import_problemr(imp, line, io_col_name(col), "field.date_not_future",
		                          json_pack("{s:s}", "today", imp->today),
		                          "%s is in the future (today is %s)", t, imp->today),
		       false;
	return true;
}

static bool int_col(struct io_import *imp, const struct csv *c, unsigned line, enum io_col col,
                    int64_t min, int64_t max, int64_t dflt, int64_t *out)
{
	char f[32];
	const char *v = value(imp, c, col);

	fold(v, f, sizeof(f));
	if (!*f) {
		*out = dflt;
		return true;
	}
	if (strlen(v) > 20 || !parse_uint(f, out) || *out < min || *out > max)
		return io_import_problemr(imp, line, io_col_name(col), "import.number",
		                          json_pack("{s:s%,s:I,s:I}", "value", v, utf8_cut(v, 20),
		                                    "min", (json_int_t)min, "max", (json_int_t)max),
		                          "'%.20s' is not a whole number %lld..%lld", v,
		                          (long long)min, (long long)max),
		       false;
	return true;
}

/* Validates the current record as row r; false when a problem was recorded. */
static bool row_check(struct io_import *imp, const struct csv *c, struct io_row *r, struct offs *o)
{
	unsigned line = c->rec_line;
	const char *v, *cls, *form;
	bool ok = true;
	int64_t n;
	int yn;

	memset(r, 0, sizeof(*r));
	r->line = line;
	ok &= text_col(imp, c, line, IO_COL_DESIGNATION, 64, false, o);
	ok &= text_col(imp, c, line, IO_COL_TITLE, 500, true, o);
	ok &= text_col(imp, c, line, IO_COL_ORIGINATOR, 200, false, o);
	ok &= text_col(imp, c, line, IO_COL_CASE_NUMBER, 64, false, o);
	ok &= text_col(imp, c, line, IO_COL_SYSTEM, 128, false, o);
	ok &= text_col(imp, c, line, IO_COL_CONTAINER, 128, false, o);
	ok &= text_col(imp, c, line, IO_COL_HOLDER, 128, false, o);
	ok &= text_col(imp, c, line, IO_COL_RECEIPT, 128, false, o);
	ok &= date_col(imp, c, line, IO_COL_DATE, o);
	ok &= date_col(imp, c, line, IO_COL_REGISTERED, o);
	ok &= date_col(imp, c, line, IO_COL_INVENTORIED, o);

	yn = yes_no(value(imp, c, IO_COL_TITLE_CLASSIFIED));
	if (yn < 0) {
		io_import_problemr(imp, line, io_col_name(IO_COL_TITLE_CLASSIFIED), "import.yes_no",
		                   cut40(value(imp, c, IO_COL_TITLE_CLASSIFIED)),
		                   "'%.40s': ja or nej (yes/no)",
		                   value(imp, c, IO_COL_TITLE_CLASSIFIED));
		ok = false;
	}
	r->title_classified = yn == 1;

	v = value(imp, c, IO_COL_CLASS);
	cls = class_of(v);
	if (!cls) {
		io_import_problemr(imp, line, io_col_name(IO_COL_CLASS), "import.class", cut40(v),
		                   "'%.40s' is not a class: BH, K, H or KH", v);
		ok = false;
	} else {
		snprintf(r->cls, sizeof(r->cls), "%s", cls);
	}
	v = value(imp, c, IO_COL_FORM);
	form = form_of(v);
	if (!form) {
		io_import_problemr(imp, line, io_col_name(IO_COL_FORM), "import.form", cut40(v),
		                   "'%.40s' is not a form: fysisk or elektronisk", v);
		ok = false;
	}
	r->form = form ? form : "";
	ok &= int_col(imp, c, line, IO_COL_PAGES, 1, 100000, 0, &r->pages);
	ok &= int_col(imp, c, line, IO_COL_ATTACHMENTS, 0, 10000, 0, &r->attachments);
	ok &= int_col(imp, c, line, IO_COL_COPIES, 0, IO_MAX_COPIES,
	              form && strcmp(form, "physical") == 0 ? 1 : 0, &n);
	r->copies = (int)n;
	if (!ok)
		return false;

	/* Where the copies are (3 kap. 9 §): with a person or in a container, not both. */
	{
		const char *sys = imp->arena.ptr + o->s[IO_COL_SYSTEM];
		const char *box = imp->arena.ptr + o->s[IO_COL_CONTAINER];
		const char *who = imp->arena.ptr + o->s[IO_COL_HOLDER];
		const char *rcpt = imp->arena.ptr + o->s[IO_COL_RECEIPT];
		const char *inv = imp->arena.ptr + o->s[IO_COL_INVENTORIED];

		if (strcmp(form, "electronic") == 0 && !*sys) {
			io_import_problemr(imp, line, io_col_name(IO_COL_SYSTEM),
			                   "import.system_required", NULL,
			                   "an electronic document names the approved information "
			                   "system it is held in (3 kap. 1 §)");
			ok = false;
		}
		if (strcmp(form, "physical") == 0 && *sys) {
			io_import_problemr(imp, line, io_col_name(IO_COL_SYSTEM),
			                   "import.physical_no_system", NULL,
			                   "only electronic documents name a system");
			ok = false;
		}
		if (r->copies > 0 && !*box && !*who) {
			io_import_problemr(
			        imp, line, io_col_name(IO_COL_CONTAINER), "import.copy_place", NULL,
			        "each copy is with a person (innehavare) or in an approved "
			        "container (förvaring), 3 kap. 9 §: give one");
			ok = false;
		}
		if (*box && *who) {
			io_import_problemr(imp, line, io_col_name(IO_COL_HOLDER),
			                   "import.place_both", NULL,
			                   "give förvaring or innehavare, not both");
			ok = false;
		}
		if (r->copies == 0 && (*box || *who || *inv)) {
			io_import_problemr(imp, line, io_col_name(IO_COL_COPIES),
			                   "import.no_copies_place", NULL,
			                   "no copies (exemplar 0), yet förvaring, innehavare or "
			                   "inventerad is given");
			ok = false;
		}
		if (*rcpt && !*who) {
			io_import_problemr(imp, line, io_col_name(IO_COL_RECEIPT),
			                   "import.receipt_holder", NULL,
			                   "a receipt goes with a holder (innehavare)");
			ok = false;
		}
	}
	return ok;
}

static void row_strings(struct io_import *imp, struct io_row *r, const struct offs *o)
{
	const char *a = imp->arena.ptr;

	r->designation = a + o->s[IO_COL_DESIGNATION];
	r->title = a + o->s[IO_COL_TITLE];
	r->originator = a + o->s[IO_COL_ORIGINATOR];
	r->case_number = a + o->s[IO_COL_CASE_NUMBER];
	r->system = a + o->s[IO_COL_SYSTEM];
	r->date = a + o->s[IO_COL_DATE];
	r->registered = a + o->s[IO_COL_REGISTERED];
	r->container = a + o->s[IO_COL_CONTAINER];
	r->holder = a + o->s[IO_COL_HOLDER];
	r->receipt = a + o->s[IO_COL_RECEIPT];
	r->inventoried = a + o->s[IO_COL_INVENTORIED];
}

static bool header(struct io_import *imp, struct csv *c)
{
	static const enum io_col required[] = {IO_COL_TITLE, IO_COL_CLASS, IO_COL_FORM};
	char missing[128] = "";
	bool ok = true;

	for (int i = 0; i < IO_COL_COUNT; i++)
		imp->cols[i] = -1;
	imp->ncols = c->nfields;
	for (unsigned i = 0; i < c->nfields; i++) {
		const char *name = csv_field(c, i);
		int col = io_col_parse(name);
		char f[96];

		fold(name, f, sizeof(f));
		if (!*f) {
			io_import_problemr(imp, c->rec_line, "", "import.column_unnamed",
			                   json_pack("{s:I}", "column", (json_int_t)i + 1),
			                   "column %u has no name", i + 1);
			ok = false;
		} else if (col < 0) {
			io_import_problemr(
			        imp, c->rec_line, "", "import.column_unknown",
			        json_pack("{s:s%}", "name", name, utf8_cut(name, 60)),
			        "unknown column '%.60s' (known: beteckning, titel, "
			        "titel_klassificerad, klass, form, sidor, bilagor, upphov, "
			        "diarienummer, system, datum, registrerad, exemplar, "
			        "förvaring, innehavare, kvittens, inventerad)",
			        name);
			ok = false;
		} else if (imp->cols[col] >= 0) {
			io_import_problemr(
			        imp, c->rec_line, io_col_name((enum io_col)col),
			        "import.column_twice",
			        json_pack("{s:s}", "name", io_col_name((enum io_col)col)),
			        "the column %s appears twice", io_col_name((enum io_col)col));
			ok = false;
		} else {
			imp->cols[col] = (int)i;
		}
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (imp->cols[required[i]] < 0) {
			size_t n = strlen(missing);

			snprintf(missing + n, sizeof(missing) - n, "%s%s", n ? ", " : "",
			         io_col_name(required[i]));
		}
	}
	if (*missing) {
		io_import_problemr(imp, c->rec_line, "", "import.columns_missing",
		                   json_pack("{s:s}", "columns", missing),
		                   "missing required columns: %s", missing);
		ok = false;
	}
	return ok;
}

static bool all_empty(const struct csv *c)
{
	for (unsigned i = 0; i < c->nfields; i++) {
		const char *s = csv_field(c, i);

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s)
			return false;
	}
	return true;
}

static int row_add(struct io_import *imp, const struct io_row *r)
{
	if (imp->nrows == imp->rows_cap) {
		size_t cap = imp->rows_cap ? imp->rows_cap * 2 : 64, bytes;
		struct io_row *p;

		if (!sk_mul_ok(cap, sizeof(*p), &bytes))
			return SK_ENOMEM;
		p = realloc(imp->rows, bytes);
		if (!p)
			return SK_ENOMEM;
		imp->rows = p;
		imp->rows_cap = cap;
	}
	imp->rows[imp->nrows++] = *r;
	return SK_OK;
}

static int cmp_designation(const void *a, const void *b)
{
	const struct io_row *const *x = a, *const *y = b;
	int d = strcmp((*x)->designation, (*y)->designation);

	if (d)
		return d;
	return (*x)->line < (*y)->line ? -1 : (*x)->line > (*y)->line;
}

/* Designations given twice in the file (each later line is a problem). */
static int duplicates(struct io_import *imp)
{
	struct io_row **v;
	size_t n = 0;

	if (imp->nrows < 2)
		return SK_OK;
	v = calloc(imp->nrows, sizeof(*v));
	if (!v)
		return SK_ENOMEM;
	for (size_t i = 0; i < imp->nrows; i++) {
		if (*imp->rows[i].designation)
			v[n++] = &imp->rows[i];
	}
	qsort(v, n, sizeof(*v), cmp_designation);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(v[i]->designation, v[i - 1]->designation) == 0) {
			size_t first = i - 1;

			while (first > 0 &&
			       strcmp(v[first - 1]->designation, v[i]->designation) == 0)
				first--;
			io_import_problemr(imp, v[i]->line, io_col_name(IO_COL_DESIGNATION),
			                   "import.designation_twice",
			                   json_pack("{s:s,s:I}", "designation", v[i]->designation,
			                             "line", (json_int_t)v[first]->line),
			                   "'%.64s' is also on line %u", v[i]->designation,
			                   v[first]->line);
			v[i]->bad = true;
		}
	}
	free(v);
	return SK_OK;
}

void io_import_release(struct io_import *imp)
{
	if (!imp)
		return;
	free(imp->rows);
	free(imp->problems);
	buf_release(&imp->arena);
	memset(imp, 0, sizeof(*imp));
}

int io_import_parse(const char *data, size_t len, struct io_import *imp)
{
	struct offs *offs = NULL;
	size_t noffs = 0, offs_cap = 0;
	struct csv c;
	unsigned bad_line;
	int rc = SK_OK, got;

	memset(imp, 0, sizeof(*imp));
	buf_init(&imp->arena, (size_t)IO_MAX_BYTES * 2);
	imp->problems = calloc(IO_MAX_ERRORS, sizeof(*imp->problems));
	if (!imp->problems)
		return SK_ENOMEM;
	model_today(imp->today);
	imp->bytes = len;
	if (len > IO_MAX_BYTES) {
		io_import_problemr(imp, 0, "", "import.too_large",
		                   json_pack("{s:I}", "max", (json_int_t)IO_MAX_BYTES),
		                   "the file has %zu bytes; at most 32 MiB (%u) are "
		                   "imported at once",
		                   len, IO_MAX_BYTES);
		imp->fatal = true;
		return SK_ETOOBIG;
	}
	crypto_hash_sha256(imp->sha256, (const unsigned char *)data, len);
	if (!csv_check_utf8(data, len, &bad_line)) {
		io_import_problemr(imp, bad_line, "", "import.not_utf8", NULL,
		                   "not UTF-8 text: save the file as \"CSV UTF-8\" and try again");
		imp->fatal = true;
		return SK_EINVAL;
	}
	csv_open(&c, data, len, 0);
	imp->sep = c.sep;
	got = csv_next(&c);
	if (got <= 0) {
		io_import_problemr(imp, got < 0 ? c.rec_line : 1, "",
		                   got < 0 ? "import.csv" : "import.empty", NULL, "%s",
		                   got < 0 ? c.err
		                           : "the file is empty: the first line names the "
		                             "columns");
		csv_release(&c);
		imp->fatal = true;
		return SK_EINVAL;
	}
	if (!header(imp, &c)) {
		csv_release(&c);
		imp->fatal = true;
		return SK_EINVAL;
	}
	while ((got = csv_next(&c)) != 0) {
		struct io_row r;
		struct offs o;

		if (got < 0) {
			/* the reader cannot go on after a broken record: stop here */
			io_import_problemr(imp, c.rec_line, "", "import.csv", NULL, "%s", c.err);
			break;
		}
		if (all_empty(&c))
			continue;
		if (imp->nrows >= IO_MAX_ROWS) {
			io_import_problemr(imp, c.rec_line, "", "import.too_many_rows",
			                   json_pack("{s:I}", "max", (json_int_t)IO_MAX_ROWS),
			                   "more than %u rows: split the file", IO_MAX_ROWS);
			rc = SK_ETOOBIG;
			imp->fatal = true;
			break;
		}
		if (c.nfields != imp->ncols) {
			io_import_problemr(imp, c.rec_line, "", "import.field_count",
			                   json_pack("{s:I,s:I}", "fields", (json_int_t)c.nfields,
			                             "header", (json_int_t)imp->ncols),
			                   "the row has %u fields; the header has %u", c.nfields,
			                   imp->ncols);
			continue;
		}
		memset(&o, 0, sizeof(o));
		if (!row_check(imp, &c, &r, &o))
			r.bad = true;
		if (noffs == offs_cap) {
			size_t cap = offs_cap ? offs_cap * 2 : 64;
			struct offs *p = realloc(offs, cap * sizeof(*p));

			if (!p) {
				rc = SK_ENOMEM;
				break;
			}
			offs = p;
			offs_cap = cap;
		}
		offs[noffs++] = o;
		if (row_add(imp, &r)) {
			rc = SK_ENOMEM;
			break;
		}
	}
	csv_release(&c);
	/* The arena may have moved while it grew: point the rows into it now. */
	for (size_t i = 0; !rc && i < imp->nrows; i++)
		row_strings(imp, &imp->rows[i], &offs[i]);
	free(offs);
	if (!rc && imp->arena.err)
		rc = SK_ENOMEM;
	if (!rc)
		rc = duplicates(imp);
	if (!rc && imp->nrows == 0 && imp->nerrors == 0)
		io_import_problemr(imp, 2, "", "import.no_rows", NULL,
		                   "the file has no rows below the header");
	if (!rc && imp->nerrors)
		rc = SK_EINVAL;
	return rc;
}

/* ---- the import command ---- */

#define CACHE_N 32

/* A few names resolved to ids: rows of a file often repeat the same holder or container. */
struct name_cache {
	char name[CACHE_N][129];
	int64_t id[CACHE_N];
	unsigned next;
};

struct import_cmd {
	struct io_import *imp;
	const struct principal *p;
	bool dry_run;
	struct store_cmd *cmd;
	size_t base_problems, base_errors; /* found while parsing */
	int first_rc;                      /* of the first problem found in the register */
	int64_t import_no, documents, copies, receipts, first_id, last_id;
	struct name_cache systems, spaces, persons;
};

/* The column a field of the documents slice's errors belongs to. */
static const char *column_of(const char *field)
{
	static const struct {
		const char *field;
		enum io_col col;
	} map[] = {{"designation", IO_COL_DESIGNATION},
	           {"title", IO_COL_TITLE},
	           {"title_classified", IO_COL_TITLE_CLASSIFIED},
	           {"class", IO_COL_CLASS},
	           {"cls", IO_COL_CLASS},
	           {"form", IO_COL_FORM},
	           {"pages", IO_COL_PAGES},
	           {"attachments", IO_COL_ATTACHMENTS},
	           {"originator", IO_COL_ORIGINATOR},
	           {"case_number", IO_COL_CASE_NUMBER},
	           {"system_id", IO_COL_SYSTEM},
	           {"document_date", IO_COL_DATE},
	           {"registered_on", IO_COL_REGISTERED},
	           {"holder_id", IO_COL_HOLDER},
	           {"person_id", IO_COL_HOLDER},
	           {"space_id", IO_COL_CONTAINER},
	           {"decision_id", IO_COL_COPIES},
	           {"count", IO_COL_COPIES},
	           {"paper_ref", IO_COL_RECEIPT},
	           {"last_inventoried_on", IO_COL_INVENTORIED}};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(field, map[i].field) == 0)
			return io_col_name(map[i].col);
	}
	return field;
}

/* Records a problem found in the register; the first one's rc decides the answer. */
static void db_problem(struct import_cmd *c, int rc, unsigned line, const char *field,
                       const char *reason, json_t *params, const char *msg)
{
	if (!c->first_rc)
		c->first_rc = rc;
	io_import_problemr(c->imp, line, field, reason, params, "%s", msg);
}

/* A failure of the documents slice's function: its message, its field as our column. */
static void tx_problem(struct import_cmd *c, int rc, const struct io_row *r)
{
	char msg[200];

	const char *fwd_reason = c->cmd->err_reason[0] ? c->cmd->err_reason : "import.row";

	snprintf(msg, sizeof(msg), "%s", c->cmd->err_msg[0] ? c->cmd->err_msg : sk_strerror(rc));
	if (!c->first_rc)
		c->first_rc = rc;
	/* the slice's reason and params as they are: the UI says them for this line */
	io_import_problemr(c->imp, r->line, column_of(c->cmd->err_field), fwd_reason,
	                   c->cmd->err_params[0] ? json_loads(c->cmd->err_params, 0, NULL) : NULL,
	                   "%s", msg);
	/* let the next failure say its own reason (store_tx_fail keeps only the first) */
	c->cmd->err_field[0] = c->cmd->err_msg[0] = '\0';
	c->cmd->err_reason[0] = c->cmd->err_params[0] = '\0';
}

static bool all_digits(const char *s)
{
	if (!*s || strlen(s) > 15)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

/*
 * Resolves a name or id with sql_name (?1 = name) or sql_id (?1 = id):
 * SK_OK, SK_ENOTFOUND, or SK_EEXIST when the name is ambiguous.
 */
static int resolve(struct store_tx *tx, struct name_cache *nc, const char *text, const char *sql_id,
                   const char *sql_name, int64_t *out)
{
	struct store_q *q;
	int rc, n = 0;

	for (unsigned i = 0; i < CACHE_N; i++) {
		if (nc->id[i] && strcmp(nc->name[i], text) == 0) {
			*out = nc->id[i];
			return SK_OK;
		}
	}
	rc = store_tx_query(tx, all_digits(text) ? sql_id : sql_name, &q);
	if (rc)
		return rc;
	if (all_digits(text))
		store_q_bind_int(q, 1, strtoll(text, NULL, 10));
	else
		store_q_bind_text(q, 1, text);
	while ((rc = store_q_step(q)) == SK_OK && n < 2) {
		*out = store_q_int(q, 0);
		n++;
	}
	store_q_done(q);
	if (rc && rc != SK_ENOTFOUND)
		return rc;
	if (n == 0)
		return SK_ENOTFOUND;
	if (n > 1)
		return SK_EEXIST;
	snprintf(nc->name[nc->next], sizeof(nc->name[0]), "%s", text);
	nc->id[nc->next] = *out;
	nc->next = (nc->next + 1) % CACHE_N;
	return SK_OK;
}

/* Resolves the row's system, container and holder; false after recording problems. */
static bool row_resolve(struct store_tx *tx, struct import_cmd *c, struct io_row *r, int *fatal)
{
	char msg[200];
	bool ok = true;
	int rc;

	if (*r->system) {
		rc = resolve(tx, &c->systems, r->system, "SELECT id FROM info_system WHERE id = ?1",
		             "SELECT id FROM info_system WHERE name = ?1 COLLATE NOCASE",
		             &r->system_id);
		if (rc == SK_ENOTFOUND || rc == SK_EEXIST) {
			snprintf(msg, sizeof(msg), "no information system '%.128s' in the register",
			         r->system);
			db_problem(c, SK_EINVAL, r->line, io_col_name(IO_COL_SYSTEM),
			           "import.no_system", json_pack("{s:s}", "name", r->system), msg);
			ok = false;
		} else if (rc) {
			*fatal = rc;
			return false;
		}
	}
	if (*r->container) {
		rc = resolve(tx, &c->spaces, r->container,
		             "SELECT id FROM space WHERE id = ?1 AND kind = 'container'",
		             "SELECT id FROM space WHERE name = ?1 COLLATE NOCASE AND kind = "
		             "'container' AND status = 'approved'",
		             &r->space_id);
		if (rc == SK_ENOTFOUND || rc == SK_EEXIST) {
			snprintf(msg, sizeof(msg),
			         rc == SK_EEXIST
			                 ? "several approved containers are named '%.128s': give "
			                   "its id"
			                 : "no approved storage container '%.128s' (5 kap. 10 §)",
			         r->container);
			db_problem(c, SK_EINVAL, r->line, io_col_name(IO_COL_CONTAINER),
			           rc == SK_EEXIST ? "import.container_ambiguous"
			                           : "import.no_container",
			           json_pack("{s:s}", "name", r->container), msg);
			ok = false;
		} else if (rc) {
			*fatal = rc;
			return false;
		}
	}
	if (*r->holder) {
		rc = resolve(tx, &c->persons, r->holder, "SELECT id FROM person WHERE id = ?1",
		             "SELECT id FROM person WHERE name = ?1 COLLATE NOCASE AND status = "
		             "'active'",
		             &r->holder_id);
		if (rc == SK_ENOTFOUND || rc == SK_EEXIST) {
			snprintf(msg, sizeof(msg),
			         rc == SK_EEXIST ? "several persons are named '%.128s': give the "
			                           "person's id"
			                         : "no active person '%.128s' in the register",
			         r->holder);
			db_problem(c, SK_EINVAL, r->line, io_col_name(IO_COL_HOLDER),
			           rc == SK_EEXIST ? "import.person_ambiguous" : "import.no_person",
			           json_pack("{s:s}", "name", r->holder), msg);
			ok = false;
		} else if (rc) {
			*fatal = rc;
			return false;
		}
	}
	if (*r->designation) {
		int64_t one = 0;

		rc = store_tx_int(tx, &one, "SELECT count(*) FROM document WHERE designation = ?1",
		                  "t", r->designation);
		if (rc) {
			*fatal = rc;
			return false;
		}
		if (one) {
			snprintf(msg, sizeof(msg), "'%.64s' is already in the register",
			         r->designation);
			db_problem(c, SK_EEXIST, r->line, io_col_name(IO_COL_DESIGNATION),
			           "document.designation_taken",
			           json_pack("{s:s}", "designation", r->designation), msg);
			ok = false;
		}
	}
	return ok;
}

/* Creates the row's document and copies; false after recording a problem. */
static bool row_create(struct store_tx *tx, struct import_cmd *c, const struct io_row *r,
                       int *fatal)
{
	struct document_new d = {
	        .designation = r->designation,
	        .title = r->title,
	        .title_classified = r->title_classified,
	        .cls = r->cls,
	        .form = r->form,
	        .pages = r->pages,
	        .attachments = r->attachments,
	        .originator = r->originator,
	        .case_number = r->case_number,
	        .system_id = r->system_id,
	        .document_date = *r->date ? r->date : NULL,
	        .registered_on = *r->registered ? r->registered : NULL,
	        .access = r->holder_id ? &r->holder_id : NULL,
	        .n_access = r->holder_id ? 1 : 0,
	        .token_id = c->p->token_id,
	};
	struct copy_new cn = {
	        .holder_id = r->holder_id,
	        .space_id = r->space_id,
	        .last_inventoried_on = *r->inventoried ? r->inventoried : NULL,
	        .paper_ref = *r->receipt ? r->receipt : NULL,
	        .token_id = c->p->token_id,
	};
	int64_t id = 0, copy_id = 0;
	int rc;

	if (!document_cleared(c->p, r->cls)) {
		char msg[64];

		snprintf(msg, sizeof(msg), "you are not cleared for %s", r->cls);
		db_problem(c, SK_EPERM, r->line, io_col_name(IO_COL_CLASS),
		           "document.class_above_own", json_pack("{s:s}", "class", r->cls), msg);
		return false;
	}
	rc = document_tx_create(tx, c->p->id, &d, &id);
	if (rc == SK_EIO || rc == SK_ENOMEM || rc == SK_EINTERNAL || rc == SK_ECORRUPT) {
		*fatal = rc;
		return false;
	}
	if (rc) {
		tx_problem(c, rc, r);
		return false;
	}
	for (int k = 0; k < r->copies; k++) {
		rc = copy_tx_create(tx, c->p->id, id, &cn, &copy_id);
		if (rc == SK_EIO || rc == SK_ENOMEM || rc == SK_EINTERNAL || rc == SK_ECORRUPT) {
			*fatal = rc;
			return false;
		}
		if (rc) {
			tx_problem(c, rc, r);
			return false;
		}
	}
	c->documents++;
	c->copies += r->copies;
	if (r->holder_id && document_class_k_plus(r->cls) && strcmp(r->form, "physical") == 0)
		c->receipts += r->copies;
	if (!c->first_id)
		c->first_id = id;
	c->last_id = id;
	return true;
}

static int import_fn(struct store_tx *tx, void *arg)
{
	struct import_cmd *c = arg;
	struct io_import *imp = c->imp;
	int fatal = SK_OK, rc;

	/* A command may run twice (the writer retries a batch): start from the parse. */
	imp->nproblems = c->base_problems;
	imp->nerrors = c->base_errors;
	c->first_rc = 0;
	c->documents = c->copies = c->receipts = c->first_id = c->last_id = 0;
	memset(&c->systems, 0, sizeof(c->systems));
	memset(&c->spaces, 0, sizeof(c->spaces));
	memset(&c->persons, 0, sizeof(c->persons));
	if (!c->p->token_id) {
		char today[11];

		model_today(today);
		if (!(model_tx_roles_of(tx, c->p->id, today) &
		      (ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC))))
			return store_tx_failr(tx, SK_EPERM, NULL, "document.register_keeper", NULL,
			                      "the register is written by a registrar or "
			                      "the ssc");
	}
	for (size_t i = 0; i < imp->nrows && !fatal; i++) {
		struct io_row *r = &imp->rows[i];

		if (r->bad)
			continue;
		r->system_id = r->space_id = r->holder_id = 0;
		if (!row_resolve(tx, c, r, &fatal))
			continue;
		/*
		 * Each row alone: a failed one leaves no rows behind for the next row's
		 * checks. The tree in memory is not rolled back with it, which is safe only
		 * because any failed row fails the whole command below, and the writer then
		 * restores the tree (run_command) or rolls the batch back (try_batch).
		 */
		rc = store_tx_run(tx, "SAVEPOINT io_row", "");
		if (rc)
			return rc;
		if (row_create(tx, c, r, &fatal))
			rc = store_tx_run(tx, "RELEASE io_row", "");
		else
			rc = store_tx_run(tx, "ROLLBACK TO io_row", "") ||
			     store_tx_run(tx, "RELEASE io_row", "");
		if (rc)
			return SK_EIO;
	}
	if (fatal)
		return fatal;
	if (c->dry_run || imp->nerrors)
		return store_tx_failr(tx, SK_EINVAL, NULL, "import.nothing", NULL,
		                      "nothing was imported");
	rc = store_tx_int(tx, &c->import_no,
	                  "SELECT count(*) + 1 FROM ledger WHERE kind = 'import.completed'", "");
	if (rc)
		return rc;
	{
		char hex[65];
		json_t *data;

		sodium_bin2hex(hex, sizeof(hex), imp->sha256, sizeof(imp->sha256));
		data = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:s}", "import",
		                 (json_int_t)c->import_no, "rows", (json_int_t)imp->nrows,
		                 "documents", (json_int_t)c->documents, "copies",
		                 (json_int_t)c->copies, "receipts", (json_int_t)c->receipts,
		                 "first_document_id", (json_int_t)c->first_id, "last_document_id",
		                 (json_int_t)c->last_id, "sha256", hex, "bytes",
		                 (json_int_t)imp->bytes, "separator", imp->sep == ';' ? ";" : ",");
		if (data && c->p->token_id)
			json_object_set_new(data, "token_id", json_integer(c->p->token_id));
		return model_tx_log(tx, c->p->id, "import.completed", "import", c->import_no, data);
	}
}

static json_t *problems_json(const struct io_import *imp)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < imp->nproblems; i++) {
		const struct io_problem *pr = &imp->problems[i];

		json_t *o = json_pack("{s:I, s:s?, s:s, s:s?}", "line", (json_int_t)pr->line,
		                      "field", pr->field[0] ? pr->field : NULL, "message", pr->msg,
		                      "reason", pr->reason[0] ? pr->reason : NULL);

		/* the reason's params as an object, as in an API error (the UI says them) */
		if (o && pr->params[0])
			json_object_set_new(o, "params", json_loads(pr->params, 0, NULL));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *report_json(const struct io_import *imp, const struct import_cmd *c, bool dry_run,
                           bool ok)
{
	char hex[65];
	json_t *o;

	sodium_bin2hex(hex, sizeof(hex), imp->sha256, sizeof(imp->sha256));
	o = json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:o, s:b, s:s, s:I, s:s}", "dry_run",
	              dry_run, "ok", ok, "rows", (json_int_t)imp->nrows, "documents",
	              (json_int_t)(ok ? c->documents : 0), "copies",
	              (json_int_t)(ok ? c->copies : 0), "receipts",
	              (json_int_t)(ok ? c->receipts : 0), "errors", (json_int_t)imp->nerrors,
	              "problems", problems_json(imp), "truncated", imp->nerrors > imp->nproblems,
	              "sha256", hex, "bytes", (json_int_t)imp->bytes, "separator",
	              imp->sep == ',' ? "," : ";");
	if (o && ok && !dry_run) {
		json_object_set_new(o, "import_id", json_integer(c->import_no));
		json_object_set_new(o, "first_document_id", json_integer(c->first_id));
		json_object_set_new(o, "last_document_id", json_integer(c->last_id));
	}
	return o;
}

static void first_problem(const struct io_import *imp, struct model_err *err)
{
	if (!err)
		return;
	if (imp->nproblems == 0) {
		model_fail(err, 0, "csv", "import.nothing", NULL, "the file was not imported");
		return;
	}
	/* the UI lists every problem; the error itself says how many and where the first is */
	model_fail(err, 0, imp->problems[0].field[0] ? imp->problems[0].field : "csv",
	           "import.refused",
	           json_pack("{s:I,s:I}", "count", (json_int_t)imp->nerrors, "line",
	                     (json_int_t)imp->problems[0].line),
	           "line %u%s%s: %.120s (%zu problem%s; nothing imported)", imp->problems[0].line,
	           imp->problems[0].field[0] ? ", " : "", imp->problems[0].field,
	           imp->problems[0].msg, imp->nerrors, imp->nerrors == 1 ? "" : "s");
}

int io_import(struct model *m, const struct principal *p, const char *data, size_t len,
              bool dry_run, json_t **report, struct model_err *err)
{
	struct import_cmd c;
	struct io_import imp;
	struct store_cmd sc;
	int rc, prc;

	*report = NULL;
	if (!(p->roles & (ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC)))) {
		return model_fail(err, SK_EPERM, NULL, "document.register_keeper", NULL,
		                  "the register is written by a registrar or the ssc");
	}
	memset(&c, 0, sizeof(c));
	prc = io_import_parse(data, len, &imp);
	if (prc == SK_ENOMEM) {
		io_import_release(&imp);
		return SK_ENOMEM;
	}
	c.imp = &imp;
	c.p = p;
	c.dry_run = dry_run;
	c.cmd = &sc;
	c.base_problems = imp.nproblems;
	c.base_errors = imp.nerrors;
	rc = prc;
	/* The register is consulted when some row can be: always in a dry run. */
	if (!imp.fatal && (dry_run || prc == SK_OK)) {
		store_cmd_init(&sc, import_fn, &c);
		rc = store_submit(m->store, &sc);
		if (rc == SK_EPERM) {
			if (err) {
				const char *fwd_reason = sc.err_reason[0] ? sc.err_reason : NULL;

				model_fail(err, rc, NULL, fwd_reason,
				           sc.err_params[0] ? json_loads(sc.err_params, 0, NULL)
				                            : NULL,
				           "%s", sc.err_msg);
			}
			io_import_release(&imp);
			return rc;
		}
		if (imp.nerrors)
			rc = prc == SK_OK && c.first_rc ? c.first_rc : SK_EINVAL;
		else if (dry_run && rc == SK_EINVAL)
			rc = SK_OK; /* rolled back on purpose */
		else if (rc) {
			/* a store failure, not a problem with the file */
			io_import_release(&imp);
			return rc;
		}
	}
	*report = report_json(&imp, &c, dry_run, rc == SK_OK);
	if (rc)
		first_problem(&imp, err);
	io_import_release(&imp);
	if (!*report)
		return SK_ENOMEM;
	return dry_run && rc != SK_ETOOBIG ? SK_OK : rc;
}

/* ---- export (3 kap. 10 §) ---- */

static const char *state_sv(const char *state)
{
	static const char *const map[][2] = {
	        {"in_register", "i registret"}, {"issued", "utlämnad"}, {"returned", "återlämnad"},
	        {"shipped", "skickad"},         {"lost", "förlorad"},   {"archived", "arkiverad"},
	        {"destroyed", "förstörd"}};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(state, map[i][0]) == 0)
			return map[i][1];
	}
	return state;
}

#define EXPORT_NCOLS 14
/* the columns written as numbers in XLSX */
#define COL_PAGES       4
#define COL_ATTACHMENTS 5
#define COL_NCOPIES     6
#define COL_NUMBER      7

/*
 * Times are Swedish local time with their offset ("2026-12-06 22:15:03+01:00",
 * sk_time_stockholm) and days taken from a time are the Swedish day: the
 * export is read by people in Sweden, not by the model (issue 15).
 */
static const char *const export_head[EXPORT_NCOLS] = {
        "beteckning", "klass",          "titel",    "diarienummer", "sidor",
        "bilagor",    "antal exemplar", "exemplar", "mottagare",    "kvitterat av",
        "kvitterat",  "inventerad",     "status",   "status datum"};

/* A classified title is shown only to those cleared for the class (as in the lists). */
#define EXPORT_TITLE_HIDDEN "[titeln är säkerhetsskyddsklassificerad]"

/* The visibility rule and the filters (?1 class, ?2 copy state, ?3 holder), and the order. */
#define IO_WHERE                                                                                   \
	" WHERE " DOCUMENT_VISIBLE_SQL(                                                            \
	        "d") " AND (?1 IS NULL OR d.class = ?1) AND (?2 IS NULL "                          \
	             "OR c.state = ?2) AND (?3 = 0 OR c.holder_person_id = "                       \
	             "?3) ORDER BY d.designation, c.number"

/* One row per copy (a document without copies is one row), within p's visibility. */
#define EXPORT_SQL                                                                                 \
	"SELECT d.id, d.designation, d.class, (SELECT count(*) FROM copy k WHERE k.document_id = " \
	"d.id), c.id, c.number, c.state, c.last_inventoried_on, substr(c.updated_at, 1, 10), "     \
	"hp.name, sp.name, rp.name, r.state, r.signed_at, r.paper_ref, r.returned_at, "            \
	"s.recipient, "                                                                            \
	"s.sent_on, x.destroyed_on, d.title, d.title_classified, d.case_number, d.pages, "         \
	"d.attachments, c.updated_at "                                                             \
	"FROM document d LEFT JOIN copy c ON c.document_id = d.id "                                \
	"LEFT JOIN person hp ON hp.id = c.holder_person_id "                                       \
	"LEFT JOIN space sp ON sp.id = c.space_id "                                                \
	"LEFT JOIN receipt r ON r.id = (SELECT max(id) FROM receipt WHERE copy_id = c.id) "        \
	"LEFT JOIN person rp ON rp.id = r.person_id "                                              \
	"LEFT JOIN shipment s ON s.id = (SELECT max(id) FROM shipment WHERE copy_id = c.id) "      \
	"LEFT JOIN destruction x ON x.id = (SELECT max(id) FROM destruction WHERE copy_id = "      \
	"c.id)" IO_WHERE

struct export_row {
	char cells[EXPORT_NCOLS][300];
	int64_t ncopies, number;    /* number 0: no copy */
	int64_t pages, attachments; /* pages 0: not given (electronic) */
};

static void cell(struct export_row *e, int i, const char *s)
{
	snprintf(e->cells[i], sizeof(e->cells[i]), "%s", s ? s : "");
}

/* An RFC 3339 time as Swedish local time ("YYYY-MM-DD HH:MM:SS+01:00"), or its day only. */
static void cell_time(struct export_row *e, int i, const char *rfc3339, bool day_only)
{
	char out[SK_STHLM_LEN + 1];
	int64_t t;

	if (!rfc3339 || sk_time_parse(rfc3339, strlen(rfc3339), &t) != SK_OK ||
	    sk_time_stockholm(t, out) != SK_OK) {
		cell(e, i, rfc3339); /* never happens for the model's own times */
		return;
	}
	if (day_only)
		out[10] = '\0';
	cell(e, i, out);
}

/* Fills one export row from the statement's current row (the title as p may see it). */
static void export_row_of(struct store_q *q, const struct principal *p, struct export_row *e)
{
	const char *state = store_q_text(q, 6), *rstate = store_q_text(q, 12);
	char tmp[300];

	memset(e, 0, sizeof(*e));
	cell(e, 0, store_q_text(q, 1));
	cell(e, 1, store_q_text(q, 2));
	cell(e, 2,
	     store_q_int(q, 20) && !document_cleared(p, store_q_text(q, 2)) ? EXPORT_TITLE_HIDDEN
	                                                                    : store_q_text(q, 19));
	cell(e, 3, store_q_text(q, 21));
	e->pages = store_q_is_null(q, 22) ? 0 : store_q_int(q, 22);
	if (e->pages)
		snprintf(e->cells[COL_PAGES], sizeof(e->cells[0]), "%lld", (long long)e->pages);
	e->attachments = store_q_int(q, 23);
	snprintf(e->cells[COL_ATTACHMENTS], sizeof(e->cells[0]), "%lld", (long long)e->attachments);
	e->ncopies = store_q_int(q, 3);
	snprintf(e->cells[COL_NCOPIES], sizeof(e->cells[0]), "%lld", (long long)e->ncopies);
	if (store_q_is_null(q, 4))
		return;
	e->number = store_q_int(q, 5);
	snprintf(e->cells[COL_NUMBER], sizeof(e->cells[0]), "%lld", (long long)e->number);
	/* the recipient: who received it (the receipt), else who holds it, else where it went */
	if (!store_q_is_null(q, 11))
		cell(e, 8, store_q_text(q, 11));
	else if (!store_q_is_null(q, 9))
		cell(e, 8, store_q_text(q, 9));
	else if (!store_q_is_null(q, 16))
		cell(e, 8, store_q_text(q, 16));
	else if (!store_q_is_null(q, 10)) {
		snprintf(tmp, sizeof(tmp), "förvaring: %.200s", store_q_text(q, 10));
		cell(e, 8, tmp);
	}
	if (strcmp(rstate, "signed") == 0 || strcmp(rstate, "returned") == 0) {
		if (!store_q_is_null(q, 14))
			snprintf(tmp, sizeof(tmp), "%.200s (papperskvittens %.60s)",
			         store_q_text(q, 11), store_q_text(q, 14));
		else
			snprintf(tmp, sizeof(tmp), "%.200s", store_q_text(q, 11));
		cell(e, 9, tmp);
		cell_time(e, 10, store_q_text(q, 13), false);
	} else if (strcmp(rstate, "pending") == 0) {
		cell(e, 10, "väntar på kvittens");
	}
	cell(e, 11, store_q_text(q, 7));
	cell(e, 12, state_sv(state));
	/* a recorded day as it is; a day from a time is the Swedish day of that time */
	if (strcmp(state, "returned") == 0)
		cell_time(e, 13, store_q_is_null(q, 15) ? store_q_text(q, 24) : store_q_text(q, 15),
		          true);
	else if (strcmp(state, "destroyed") == 0 && !store_q_is_null(q, 18))
		cell(e, 13, store_q_text(q, 18));
	else if (strcmp(state, "destroyed") == 0)
		cell_time(e, 13, store_q_text(q, 24), true);
	else if (strcmp(state, "shipped") == 0)
		cell(e, 13, store_q_text(q, 17));
	else if (strcmp(state, "lost") == 0 || strcmp(state, "archived") == 0)
		cell_time(e, 13, store_q_text(q, 24), true);
}

static int export_query(struct store_reader *r, const struct principal *p,
                        const struct io_export_filter *f, struct store_q **q)
{
	int rc = store_reader_query(r, EXPORT_SQL, q);

	if (rc)
		return rc;
	if (f && f->cls)
		store_q_bind_text(*q, 1, f->cls);
	else
		store_q_bind_null(*q, 1);
	if (f && f->state)
		store_q_bind_text(*q, 2, f->state);
	else
		store_q_bind_null(*q, 2);
	store_q_bind_int(*q, 3, f ? f->holder : 0);
	document_visible_bind(*q, p);
	return SK_OK;
}

struct export_out {
	enum io_format fmt;
	struct buf *csv;
	lxw_worksheet *ws;
	size_t rows;
	size_t documents;
	int64_t last_doc;
};

static void export_emit(struct export_out *o, const struct export_row *e, int64_t doc)
{
	if (doc != o->last_doc) {
		o->documents++;
		o->last_doc = doc;
	}
	o->rows++;
	if (o->fmt == IO_CSV) {
		for (int i = 0; i < EXPORT_NCOLS; i++) {
			if (i)
				buf_putc(o->csv, ';');
			csv_cell(o->csv, e->cells[i], ';');
		}
		buf_puts(o->csv, "\r\n");
		return;
	}
	for (int i = 0; i < EXPORT_NCOLS; i++) {
		lxw_row_t row = (lxw_row_t)o->rows;

		if (i == COL_NCOPIES || i == COL_ATTACHMENTS || (i == COL_NUMBER && e->number) ||
		    (i == COL_PAGES && e->pages))
			worksheet_write_number(o->ws, row, (lxw_col_t)i,
			                       (double)(i == COL_NCOPIES  ? e->ncopies
			                                : i == COL_NUMBER ? e->number
			                                : i == COL_PAGES  ? e->pages
			                                                  : e->attachments),
			                       NULL);
		else if (e->cells[i][0])
			worksheet_write_string(o->ws, row, (lxw_col_t)i, e->cells[i], NULL);
	}
}

/* Reads the register into o (a consistent snapshot). */
static int export_rows(struct model *m, const struct principal *p, const struct io_export_filter *f,
                       struct export_out *o)
{
	struct store_reader *r = model_reader(m);
	struct export_row *e = malloc(sizeof(*e));
	struct store_q *q = NULL;
	int rc;

	if (!r || !e) {
		free(e);
		return r ? SK_ENOMEM : SK_EIO;
	}
	rc = store_reader_begin(r);
	if (rc) {
		free(e);
		return rc;
	}
	rc = export_query(r, p, f, &q);
	while (!rc && (rc = store_q_step(q)) == SK_OK) {
		export_row_of(q, p, e);
		export_emit(o, e, store_q_int(q, 0));
	}
	if (rc == SK_ENOTFOUND)
		rc = SK_OK;
	store_q_done(q);
	store_reader_end(r);
	free(e);
	return rc;
}

static int export_csv(struct model *m, const struct principal *p, const struct io_export_filter *f,
                      struct buf *out, struct export_out *o)
{
	int rc;

	o->fmt = IO_CSV;
	o->csv = out;
	/* the BOM tells Excel it is UTF-8; ';' is what Swedish Excel expects */
	buf_puts(out, CSV_BOM);
	for (int i = 0; i < EXPORT_NCOLS; i++) {
		if (i)
			buf_putc(out, ';');
		csv_cell(out, export_head[i], ';');
	}
	buf_puts(out, "\r\n");
	rc = export_rows(m, p, f, o);
	if (!rc && out->err)
		rc = out->err;
	return rc;
}

static int export_xlsx(struct model *m, const struct principal *p, const struct io_export_filter *f,
                       struct buf *out, struct export_out *o)
{
	struct model_xlsx x;
	lxw_format *bold;
	int rc = model_xlsx_open(&x, NULL);

	if (rc)
		return rc;
	o->fmt = IO_XLSX;
	o->ws = workbook_add_worksheet(x.wb, "Register");
	bold = workbook_add_format(x.wb);
	format_set_bold(bold);
	for (int i = 0; i < EXPORT_NCOLS; i++)
		worksheet_write_string(o->ws, 0, (lxw_col_t)i, export_head[i], bold);
	worksheet_set_column(o->ws, 0, 0, 18, NULL);
	worksheet_set_column(o->ws, 2, 2, 30, NULL);
	worksheet_set_column(o->ws, 8, 10, 24, NULL);
	worksheet_freeze_panes(o->ws, 1, 0);
	rc = export_rows(m, p, f, o);
	return model_xlsx_finish(&x, rc, out);
}

struct export_cmd {
	const struct principal *p;
	const char *format;
	const struct io_export_filter *f;
	const struct export_out *o;
	const uint8_t *sha256;
	size_t bytes;
	int64_t no;
};

int io_export_next_no(struct store_tx *tx, int64_t *no)
{
	return store_tx_int(tx, no, "SELECT count(*) + 1 FROM ledger WHERE kind = 'export.made'",
	                    "");
}

static int export_fn(struct store_tx *tx, void *arg)
{
	struct export_cmd *c = arg;
	char hex[65];
	json_t *data, *filters;
	int rc;

	rc = io_export_next_no(tx, &c->no);
	if (rc)
		return rc;
	sodium_bin2hex(hex, sizeof(hex), c->sha256, 32);
	filters = json_object();
	if (filters && c->f && c->f->cls)
		json_object_set_new(filters, "class", json_string(c->f->cls));
	if (filters && c->f && c->f->state)
		json_object_set_new(filters, "state", json_string(c->f->state));
	if (filters && c->f && c->f->holder)
		json_object_set_new(filters, "holder", json_integer(c->f->holder));
	data = json_pack("{s:I, s:s, s:I, s:I, s:o, s:s, s:I}", "export", (json_int_t)c->no,
	                 "format", c->format, "rows", (json_int_t)c->o->rows, "documents",
	                 (json_int_t)c->o->documents, "filters", filters ? filters : json_null(),
	                 "sha256", hex, "bytes", (json_int_t)c->bytes);
	if (data && c->p->token_id)
		json_object_set_new(data, "token_id", json_integer(c->p->token_id));
	return model_tx_log(tx, c->p->id, "export.made", "export", c->no, data);
}

static bool may_export(const struct principal *p)
{
	return (p->roles & (ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_AUDITOR) |
	                    ROLE_BIT(ROLE_CHIEF))) != 0;
}

int io_export(struct model *m, const struct principal *p, enum io_format fmt,
              const struct io_export_filter *f, struct buf *out, struct model_err *err)
{
	struct export_out o = {.last_doc = -1};
	uint8_t sha[32];
	struct export_cmd c;
	int rc;

	if (!may_export(p)) {
		return model_fail(err, SK_EPERM, NULL, "document.export_role", NULL,
		                  "the register is exported by a registrar, the ssc, an auditor or "
		                  "the chief");
	}
	rc = fmt == IO_XLSX ? export_xlsx(m, p, f, out, &o) : export_csv(m, p, f, out, &o);
	if (rc) {
		buf_reset(out);
		return rc;
	}
	/* Logged before anything leaves: an export that is not in the ledger never happened. */
	crypto_hash_sha256(sha, (const unsigned char *)out->ptr, out->len);
	c = (struct export_cmd){p, fmt == IO_XLSX ? "xlsx" : "csv", f, &o, sha, out->len, 0};
	rc = model_submit(m, export_fn, &c, err);
	if (rc)
		buf_reset(out);
	return rc;
}

/* ---- the print view (JSON) ---- */

/*
 * One page of the print view: the documents (visible to the caller, after the
 * cursor ?4, in designation order, at most ?5 of them) in a subquery, then
 * their copies. A copy filter (?2 state, ?3 holder) keeps a document only with
 * a matching copy, and only those copies, as the export does.
 */
#define REGISTER_COPY_FILTER(c)                                                                    \
	"(?2 IS NULL OR " c ".state = ?2) AND (?3 = 0 OR " c ".holder_person_id = ?3)"
#define REGISTER_SQL                                                                               \
	"SELECT d.id, d.designation, d.title, d.title_classified, d.class, d.form, d.pages, "      \
	"d.attachments, d.originator, d.case_number, d.document_date, d.registered_on, d.status, " \
	"c.id, c.number, c.state, c.holder_person_id, hp.name, c.space_id, sp.name, "              \
	"c.last_inventoried_on, (SELECT count(*) FROM copy k WHERE k.document_id = d.id) "         \
	"FROM (SELECT * FROM document d WHERE " DOCUMENT_VISIBLE_SQL(                              \
	        "d") " AND (?1 IS NULL OR "                                                        \
	             "d.class = ?1) AND (?4 IS NULL OR d.designation > ?4) AND ((?2 IS NULL AND "  \
	             "?3 = 0) OR "                                                                 \
	             "EXISTS (SELECT 1 FROM copy f WHERE f.document_id = d.id "                    \
	             "AND " REGISTER_COPY_FILTER("f") ")) ORDER BY d.designation LIMIT ?5) d "     \
	                                              "LEFT JOIN copy c ON c.document_id = d.id "  \
	                                              "AND " REGISTER_COPY_FILTER(                 \
	                                                      "c") " LEFT JOIN person hp ON "      \
	                                                           "hp.id = c.holder_person_id "   \
	                                                           "LEFT JOIN space sp ON sp.id "  \
	                                                           "= c.space_id ORDER BY "        \
	                                                           "d.designation, c.number"

#define RECEIPT_SQL                                                                                \
	"SELECT r.id, r.person_id, p.name, r.class, r.state, r.issued_at, r.signed_at, "           \
	"r.paper_ref, r.returned_at FROM receipt r JOIN person p ON p.id = r.person_id WHERE "     \
	"r.copy_id = ?1 ORDER BY r.id"

static json_t *document_json(struct store_q *q, const struct principal *p)
{
	const char *cls = store_q_text(q, 4);
	bool hidden = store_q_int(q, 3) && !document_cleared(p, cls);

	return json_pack(
	        "{s:I, s:s, s:s, s:b, s:s, s:s, s:o, s:I, s:s, s:s, s:o, s:s, s:s, s:[], "
	        "s:I}",
	        "id", (json_int_t)store_q_int(q, 0), "designation", store_q_text(q, 1), "title",
	        hidden ? DOCUMENT_TITLE_REDACTED : store_q_text(q, 2), "title_classified",
	        store_q_int(q, 3) != 0, "class", cls, "form", store_q_text(q, 5), "pages",
	        model_q_json_int(q, 6), "attachments", (json_int_t)store_q_int(q, 7), "originator",
	        store_q_text(q, 8), "case_number", store_q_text(q, 9), "document_date",
	        model_q_json_text(q, 10), "registered_on", store_q_text(q, 11), "status",
	        store_q_text(q, 12), "copies", "copy_count", (json_int_t)store_q_int(q, 21));
}

static json_t *copy_json(struct store_reader *r, struct store_q *q)
{
	json_t *o, *receipts = json_array();
	struct store_q *rq;

	o = json_pack("{s:I, s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)store_q_int(q, 13),
	              "number", (json_int_t)store_q_int(q, 14), "state", store_q_text(q, 15),
	              "holder",
	              store_q_is_null(q, 16)
	                      ? json_null()
	                      : json_pack("{s:I, s:s}", "id", (json_int_t)store_q_int(q, 16),
	                                  "name", store_q_text(q, 17)),
	              "space",
	              store_q_is_null(q, 18)
	                      ? json_null()
	                      : json_pack("{s:I, s:s}", "id", (json_int_t)store_q_int(q, 18),
	                                  "name", store_q_text(q, 19)),
	              "last_inventoried_on", model_q_json_text(q, 20));
	if (!o || !receipts || store_reader_query(r, RECEIPT_SQL, &rq)) {
		json_decref(o);
		json_decref(receipts);
		return NULL;
	}
	store_q_bind_int(rq, 1, store_q_int(q, 13));
	while (store_q_step(rq) == SK_OK)
		json_array_append_new(
		        receipts,
		        json_pack("{s:I, s:{s:I, s:s}, s:s, s:s, s:s, s:o, s:o, s:o}", "id",
		                  (json_int_t)store_q_int(rq, 0), "person", "id",
		                  (json_int_t)store_q_int(rq, 1), "name", store_q_text(rq, 2),
		                  "class", store_q_text(rq, 3), "state", store_q_text(rq, 4),
		                  "issued_at", store_q_text(rq, 5), "signed_at",
		                  model_q_json_text(rq, 6), "paper_ref", model_q_json_text(rq, 7),
		                  "returned_at", model_q_json_text(rq, 8)));
	store_q_done(rq);
	json_object_set_new(o, "receipts", receipts);
	return o;
}

static void register_bind(struct store_q *q, const struct principal *p,
                          const struct io_export_filter *f, const char *after, unsigned limit)
{
	if (f && f->cls)
		store_q_bind_text(q, 1, f->cls);
	else
		store_q_bind_null(q, 1);
	if (f && f->state)
		store_q_bind_text(q, 2, f->state);
	else
		store_q_bind_null(q, 2);
	store_q_bind_int(q, 3, f ? f->holder : 0);
	if (after)
		store_q_bind_text(q, 4, after);
	else
		store_q_bind_null(q, 4);
	/* One more than the page: whether there is a next page, without a count. */
	store_q_bind_int(q, 5, (int64_t)limit + 1);
	document_visible_bind(q, p);
}

json_t *io_register(struct model *m, const struct principal *p, const struct io_export_filter *f,
                    const char *after, unsigned limit)
{
	struct store_reader *r = model_reader(m);
	json_t *docs = json_array(), *doc = NULL, *out = NULL, *next = json_null();
	struct store_q *q = NULL;
	int64_t last = -1;
	int rc;

	if (limit == 0)
		limit = IO_REGISTER_LIMIT;
	if (limit > IO_REGISTER_LIMIT_MAX)
		limit = IO_REGISTER_LIMIT_MAX;
	if (!r || !docs || store_reader_begin(r))
		goto out_free;
	rc = store_reader_query(r, REGISTER_SQL, &q);
	if (!rc)
		register_bind(q, p, f, after, limit);
	while (!rc && (rc = store_q_step(q)) == SK_OK) {
		if (store_q_int(q, 0) != last) {
			if (json_array_size(docs) == limit) {
				/* the (limit+1)th document: there is a next page, after the last
				 * one */
				json_decref(next);
				next = json_object_get(doc, "designation");
				json_incref(next);
				rc = SK_ENOTFOUND;
				break;
			}
			doc = document_json(q, p);
			if (!doc) {
				rc = SK_ENOMEM;
				break;
			}
			json_array_append_new(docs, doc);
			last = store_q_int(q, 0);
		}
		if (!store_q_is_null(q, 13)) {
			json_t *cp = copy_json(r, q);

			if (!cp) {
				rc = SK_ENOMEM;
				break;
			}
			json_array_append_new(json_object_get(doc, "copies"), cp);
		}
	}
	store_q_done(q);
	store_reader_end(r);
	if (rc == SK_ENOTFOUND)
		out = json_pack("{s:O, s:O}", "documents", docs, "next", next);
out_free:
	json_decref(docs);
	json_decref(next);
	return out;
}
