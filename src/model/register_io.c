/*
 * Import and export of the registers defined as data (register_io.h):
 * the table readers (CSV over util/csv.h, XLSX over libzip and a small
 * reader of the two SpreadsheetML parts we need), the import as one writer
 * command over reg_tx_exec, the export over reg_list.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>
#include <zip.h>

#include "model/access_int.h"
#include "model/io.h"
#include "model/reg_int.h"
#include "model/register_io.h"
#include "model/xlsx.h"

/* ---- Swedish local time ---- */

/* The time (UTC) of the last Sunday of month mon (0-based) of year y at 01:00 UTC. */
static time_t last_sunday_1utc(int y, int mon)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mon, .tm_mday = 31, .tm_hour = 1};
	time_t t = timegm(&tm);
	struct tm g;

	gmtime_r(&t, &g);
	return t - (time_t)g.tm_wday * 86400;
}

bool reg_io_local_time(const char *s, char out[32])
{
	struct tm tm = {0}, l;
	time_t t;
	int off;

	/* the EU rule of Sweden since 1996: summer time from the last Sunday of March to the
	 * last Sunday of October, both at 01:00 UTC; no tz database is needed for it */
	if (!s || strlen(s) < 20 || s[4] != '-' || s[10] != 'T' || s[strlen(s) - 1] != 'Z' ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	           &tm.tm_min, &tm.tm_sec) != 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	off = t >= last_sunday_1utc(tm.tm_year + 1900, 2) &&
	                      t < last_sunday_1utc(tm.tm_year + 1900, 9)
	              ? 2
	              : 1;
	t += (time_t)off * 3600;
	gmtime_r(&t, &l);
	if (l.tm_year + 1900 > 9999 || l.tm_year + 1900 < 1000)
		return false;
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+%02d:00", (l.tm_year + 1900) % 10000,
	         (l.tm_mon + 1) % 100, l.tm_mday % 100, l.tm_hour % 100, l.tm_min % 100,
	         l.tm_sec % 100, off % 100);
	return true;
}

/* ---- reading a table: CSV ---- */

static int table_csv(const char *data, size_t len, json_t *rows, struct model_err *err)
{
	struct csv c;
	unsigned bad_line;
	int got;

	if (!csv_check_utf8(data, len, &bad_line))
		return model_fail(err, SK_EINVAL, "csv", "import.not_utf8",
		                  json_pack("{s:I}", "line", (json_int_t)bad_line),
		                  "line %u is not UTF-8 text: save the file as \"CSV UTF-8\"",
		                  bad_line);
	if (csv_open(&c, data, len, 0))
		return model_fail(err, SK_ETOOBIG, "csv", "import.too_large",
		                  json_pack("{s:I}", "max", (json_int_t)REG_IO_MAX_BYTES),
		                  "the file is too large");
	while ((got = csv_next(&c)) == 1) {
		json_t *cells = json_array();
		bool empty = true;

		for (unsigned i = 0; cells && i < c.nfields; i++) {
			json_array_append_new(cells, json_string(csv_field(&c, i)));
			empty = empty && !csv_field(&c, i)[0];
		}
		if (empty && json_array_size(rows)) {
			json_decref(cells);
			continue; /* a blank line between rows */
		}
		json_array_append_new(rows, json_pack("{s:I, s:o}", "line", (json_int_t)c.rec_line,
		                                      "cells", cells));
		if (json_array_size(rows) > REG_IO_MAX_ROWS + 1) {
			csv_release(&c);
			return model_fail(err, SK_ETOOBIG, "csv", "import.too_many_rows",
			                  json_pack("{s:I}", "max", (json_int_t)REG_IO_MAX_ROWS),
			                  "more than %u rows: split the file", REG_IO_MAX_ROWS);
		}
	}
	if (got < 0) {
		/* a cell over the bound is a refusal of the whole file: the reader cannot go on */
		bool big = strstr(c.err, "longer") != NULL;

		model_fail(err, big ? SK_ETOOBIG : SK_EINVAL, "csv",
		           big ? "regio.cell_too_long" : "import.csv",
		           json_pack("{s:I, s:I}", "line", (json_int_t)c.rec_line, "max",
		                     (json_int_t)REG_IO_MAX_CELL),
		           "line %u: %s", c.rec_line, c.err);
		csv_release(&c);
		return big ? SK_ETOOBIG : SK_EINVAL;
	}
	csv_release(&c);
	return SK_OK;
}

/* ---- reading a table: XLSX ---- */

#define XLSX_NOT_UTF8 1 /* a reader result: text that is not UTF-8 */

/* The bytes of one part of the package (NUL-terminated), or NULL. */
static char *zip_part(zip_t *z, const char *name, size_t *len, int *rc)
{
	zip_stat_t st;
	zip_int64_t idx = zip_name_locate(z, name, 0), n;
	zip_file_t *f;
	char *p;

	*rc = SK_OK;
	if (idx < 0 || zip_stat_index(z, (zip_uint64_t)idx, 0, &st) != 0)
		return NULL;
	if (!(st.valid & ZIP_STAT_SIZE) || st.size > REG_IO_MAX_PART) {
		*rc = SK_ETOOBIG; /* a zip bomb is refused before it is unpacked */
		return NULL;
	}
	f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	p = f ? malloc((size_t)st.size + 1) : NULL;
	n = p ? zip_fread(f, p, st.size) : -1;
	if (f)
		zip_fclose(f);
	if (n < 0 || (zip_uint64_t)n != st.size) {
		free(p);
		*rc = SK_EINVAL;
		return NULL;
	}
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

/* Decodes XML text (s..end) with its entities into b. false: a bad entity. */
static bool xml_text(struct buf *b, const char *s, const char *end)
{
	while (s < end) {
		const char *semi;
		unsigned long cp;
		char u[5];

		if (*s != '&') {
			buf_putc(b, *s++);
			continue;
		}
		semi = memchr(s, ';', (size_t)(end - s));
		if (!semi || semi - s > 10)
			return false;
		if (!strncmp(s, "&lt;", 4))
			buf_putc(b, '<');
		else if (!strncmp(s, "&gt;", 4))
			buf_putc(b, '>');
		else if (!strncmp(s, "&amp;", 5))
			buf_putc(b, '&');
		else if (!strncmp(s, "&quot;", 6))
			buf_putc(b, '"');
		else if (!strncmp(s, "&apos;", 6))
			buf_putc(b, '\'');
		else if (s[1] == '#') {
			cp = s[2] == 'x' ? strtoul(s + 3, NULL, 16) : strtoul(s + 2, NULL, 10);
			if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
				return false;
			if (cp < 0x80) {
				u[0] = (char)cp, u[1] = 0;
			} else if (cp < 0x800) {
				u[0] = (char)(0xc0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3f));
				u[2] = 0;
			} else if (cp < 0x10000) {
				u[0] = (char)(0xe0 | (cp >> 12));
				u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
				u[2] = (char)(0x80 | (cp & 0x3f)), u[3] = 0;
			} else {
				u[0] = (char)(0xf0 | (cp >> 18));
				u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
				u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
				u[3] = (char)(0x80 | (cp & 0x3f)), u[4] = 0;
			}
			buf_puts(b, u);
		} else {
			return false;
		}
		s = semi + 1;
	}
	return true;
}

/* The end of the element that starts at s ("<t ...>…</t>"): after its closing tag, or NULL. */
static const char *elem_end(const char *s, const char *tag)
{
	char close[24];
	const char *gt = strchr(s, '>');

	if (!gt)
		return NULL;
	if (gt[-1] == '/')
		return gt + 1; /* <t/> */
	snprintf(close, sizeof(close), "</%s>", tag);
	s = strstr(gt, close);
	return s ? s + strlen(close) : NULL;
}

/* Is s at the start tag <tag followed by a space, '>' or '/'? */
static bool at_tag(const char *s, const char *tag)
{
	size_t n = strlen(tag);

	return s[0] == '<' && !strncmp(s + 1, tag, n) &&
	       (s[n + 1] == ' ' || s[n + 1] == '>' || s[n + 1] == '/');
}

/*
 * The text of the <t> elements in s..end (an <si> or an <is>), without the
 * phonetic runs (<rPh>), into b. false when malformed.
 */
static bool rich_text(struct buf *b, const char *s, const char *end)
{
	while (s < end && (s = strchr(s, '<')) && s < end) {
		const char *e, *gt;

		if (at_tag(s, "rPh")) {
			e = elem_end(s, "rPh");
			if (!e)
				return false;
			s = e;
			continue;
		}
		if (!at_tag(s, "t")) {
			s++;
			continue;
		}
		gt = strchr(s, '>');
		e = elem_end(s, "t");
		if (!gt || !e || e > end)
			return false;
		if (gt[-1] != '/' && !xml_text(b, gt + 1, e - 4))
			return false;
		s = e;
	}
	return true;
}

/* needle in s..end, or NULL: every search stays inside its element, so a sheet costs linear time.
 */
static const char *find(const char *s, const char *end, const char *needle)
{
	return s && end > s ? memmem(s, (size_t)(end - s), needle, strlen(needle)) : NULL;
}

/* The value of attribute name in the start tag at s (up to its '>'), into out. */
static bool attr(const char *s, const char *name, char *out, size_t cap)
{
	const char *gt = strchr(s, '>');
	char key[24];
	const char *a;
	size_t n;

	snprintf(key, sizeof(key), " %s=\"", name);
	a = find(s, gt, key);
	if (!a)
		return false;
	a += strlen(key);
	n = strcspn(a, "\"");
	if (n >= cap)
		return false;
	memcpy(out, a, n);
	out[n] = '\0';
	return true;
}

/* The shared strings of the package: a JSON array of strings. */
static int shared_strings(zip_t *z, json_t *ss)
{
	size_t len = 0;
	int rc;
	char *x = zip_part(z, "xl/sharedStrings.xml", &len, &rc);
	const char *s;

	if (!x)
		return rc; /* no shared strings: every cell inline */
	for (s = x; (s = strstr(s, "<si")) != NULL;) {
		const char *e;
		struct buf b;
		json_t *v;

		if (!at_tag(s, "si")) {
			s += 3;
			continue;
		}
		e = elem_end(s, "si");
		if (!e) {
			free(x);
			return SK_EINVAL;
		}
		buf_init(&b, REG_IO_MAX_PART);
		if (!rich_text(&b, s, e) || b.err) {
			buf_release(&b);
			free(x);
			return SK_EINVAL;
		}
		v = json_string(b.ptr ? b.ptr : "");
		buf_release(&b);
		if (!v) {
			free(x);
			return XLSX_NOT_UTF8; /* not UTF-8 */
		}
		json_array_append_new(ss, v);
		s = e;
	}
	free(x);
	return SK_OK;
}

/* The first worksheet's part name (workbook.xml's first sheet through its rels). */
static void first_sheet(zip_t *z, char *out, size_t cap)
{
	size_t len;
	int rc;
	char *wb = zip_part(z, "xl/workbook.xml", &len, &rc), *rels;
	char rid[64], target[200];
	const char *s;

	snprintf(out, cap, "xl/worksheets/sheet1.xml");
	s = wb ? strstr(wb, "<sheet ") : NULL;
	if (!s || !attr(s, "r:id", rid, sizeof(rid))) {
		free(wb);
		return;
	}
	free(wb);
	rels = zip_part(z, "xl/_rels/workbook.xml.rels", &len, &rc);
	for (s = rels; s && (s = strstr(s, "<Relationship ")) != NULL; s++) {
		char id[64];

		if (attr(s, "Id", id, sizeof(id)) && !strcmp(id, rid) &&
		    attr(s, "Target", target, sizeof(target))) {
			if (target[0] == '/')
				snprintf(out, cap, "%s", target + 1);
			else
				snprintf(out, cap, "xl/%s", target);
			break;
		}
	}
	free(rels);
}

/* The column (0-based) of a cell reference "BC12", or -1. */
static int ref_col(const char *r)
{
	int col = 0, n = 0;

	for (; *r >= 'A' && *r <= 'Z' && n < 3; r++, n++)
		col = col * 26 + (*r - 'A' + 1);
	return n && n < 3 ? col - 1 : -1;
}

static int sheet_fail(struct model_err *err, int rc, unsigned line)
{
	if (rc == SK_ETOOBIG)
		return model_fail(err, rc, "xlsx", "import.too_large",
		                  json_pack("{s:I}", "max", (json_int_t)REG_IO_MAX_PART),
		                  "a part of the workbook unpacks to more than %u bytes",
		                  REG_IO_MAX_PART);
	if (rc == XLSX_NOT_UTF8)
		return model_fail(err, SK_EINVAL, "xlsx", "import.not_utf8", NULL,
		                  "the workbook holds text that is not UTF-8");
	return model_fail(err, SK_EINVAL, "xlsx", "regio.xlsx",
	                  json_pack("{s:I}", "line", (json_int_t)line),
	                  "the workbook cannot be read (row %u): save it again as .xlsx", line);
}

/* One cell <c …>…</c> at s (ending at e) into cells; rc as sheet_fail takes it. */
static int sheet_cell(const char *s, const char *e, json_t *ss, json_t *cells)
{
	char t[16] = "n", r[16];
	const char *v = find(s, e, "<v>");
	const char *gt = strchr(s, '>');
	json_t *val = NULL;
	int col = (int)json_array_size(cells);
	struct buf b;

	attr(s, "t", t, sizeof(t));
	if (attr(s, "r", r, sizeof(r)) && (col = ref_col(r)) < 0)
		return SK_EINVAL;
	if (col >= (int)REG_IO_MAX_COLS)
		return SK_EINVAL;
	if (gt && gt[-1] == '/')
		return SK_OK; /* <c r="A1" s="1"/>: a formatted empty cell */
	buf_init(&b, REG_IO_MAX_CELL + 16);
	if (find(s, e, "<f>") || find(s, e, "<f ") || find(s, e, "<f/")) {
		val = json_null(); /* a formula: refused by the import, naming its column */
	} else if (!strcmp(t, "inlineStr")) {
		if (!rich_text(&b, s, e) || b.err)
			goto bad;
		val = json_string(b.ptr ? b.ptr : "");
	} else if (v) {
		const char *ve = find(v, e, "</v>");

		if (!ve || !xml_text(&b, v + 3, ve) || b.err)
			goto bad;
		if (!strcmp(t, "s")) {
			char *endp;
			long i = strtol(b.ptr ? b.ptr : "", &endp, 10);

			val = json_copy(json_array_get(ss, i < 0 ? (size_t)-1 : (size_t)i));
			if (!val || *endp)
				goto bad;
		} else if (!strcmp(t, "n")) {
			char *endp;
			double d = strtod(b.ptr ? b.ptr : "", &endp);

			if (*endp || !b.ptr)
				goto bad;
			val = d == (double)(json_int_t)d && d > -1e15 && d < 1e15
			              ? json_integer((json_int_t)d)
			              : json_real(d);
		} else if (!strcmp(t, "b")) {
			val = json_boolean(b.ptr && b.ptr[0] == '1');
		} else {
			val = json_string(b.ptr ? b.ptr : ""); /* str, d: text as it is */
		}
	} else {
		buf_release(&b);
		return SK_OK;
	}
	buf_release(&b);
	if (!val)
		return XLSX_NOT_UTF8;
	if (json_is_string(val) && json_string_length(val) > REG_IO_MAX_CELL) {
		json_decref(val);
		return SK_ERANGE;
	}
	while ((int)json_array_size(cells) < col)
		json_array_append_new(cells, json_string(""));
	if ((int)json_array_size(cells) > col)
		json_array_set_new(cells, (size_t)col, val);
	else
		json_array_append_new(cells, val);
	return SK_OK;
bad:
	buf_release(&b);
	return SK_EINVAL;
}

static int table_xlsx(const char *data, size_t len, json_t *rows, struct model_err *err)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	json_t *ss = json_array();
	char name[220], *x = NULL;
	size_t xlen = 0;
	const char *s;
	int rc;

	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (!z) {
		if (src)
			zip_source_free(src);
		zip_error_fini(&ze);
		json_decref(ss);
		return sheet_fail(err, SK_EINVAL, 0);
	}
	zip_error_fini(&ze);
	rc = shared_strings(z, ss);
	if (!rc) {
		first_sheet(z, name, sizeof(name));
		x = zip_part(z, name, &xlen, &rc);
		if (!x && !rc)
			rc = SK_EINVAL;
	}
	zip_close(z); /* frees src */
	for (s = x; !rc && s && (s = strstr(s, "<row")) != NULL;) {
		const char *re, *c;
		char rn[16];
		json_t *cells = json_array();
		unsigned line;

		if (!at_tag(s, "row")) {
			s += 4;
			json_decref(cells);
			continue;
		}
		line = attr(s, "r", rn, sizeof(rn)) ? (unsigned)strtoul(rn, NULL, 10)
		                                    : (unsigned)json_array_size(rows) + 1;
		re = elem_end(s, "row");
		if (!re) {
			json_decref(cells);
			rc = SK_EINVAL;
			break;
		}
		for (c = s + 4; !rc && (c = strstr(c, "<c")) != NULL && c < re;) {
			const char *ce;

			if (!at_tag(c, "c")) {
				c += 2;
				continue;
			}
			ce = elem_end(c, "c");
			if (!ce || ce > re) {
				rc = SK_EINVAL;
				break;
			}
			rc = sheet_cell(c, ce, ss, cells);
			c = ce;
		}
		if (rc == SK_ERANGE) {
			json_decref(cells);
			model_fail(err, SK_ETOOBIG, "xlsx", "regio.cell_too_long",
			           json_pack("{s:I, s:I}", "line", (json_int_t)line, "max",
			                     (json_int_t)REG_IO_MAX_CELL),
			           "row %u: a cell longer than %u bytes", line, REG_IO_MAX_CELL);
			free(x);
			json_decref(ss);
			return SK_ETOOBIG;
		}
		if (rc) {
			json_decref(cells);
			free(x);
			json_decref(ss);
			return sheet_fail(err, rc, line);
		}
		json_array_append_new(
		        rows, json_pack("{s:I, s:o}", "line", (json_int_t)line, "cells", cells));
		if (json_array_size(rows) > REG_IO_MAX_ROWS + 1) {
			free(x);
			json_decref(ss);
			return model_fail(err, SK_ETOOBIG, "xlsx", "import.too_many_rows",
			                  json_pack("{s:I}", "max", (json_int_t)REG_IO_MAX_ROWS),
			                  "more than %u rows: split the file", REG_IO_MAX_ROWS);
		}
		s = re;
	}
	free(x);
	json_decref(ss);
	return rc ? sheet_fail(err, rc, 0) : SK_OK;
}

int reg_io_table(const char *data, size_t len, json_t **rows, struct model_err *err)
{
	int rc;

	*rows = json_array();
	if (!*rows)
		return SK_ENOMEM;
	if (!data || len == 0)
		rc = model_fail(err, SK_EINVAL, "csv", "import.empty", NULL,
		                "the file is empty: the first line names the columns");
	else if (len > REG_IO_MAX_BYTES)
		rc = model_fail(
		        err, SK_ETOOBIG, len >= 4 && !memcmp(data, "PK\3\4", 4) ? "xlsx" : "csv",
		        "import.too_large", json_pack("{s:I}", "max", (json_int_t)REG_IO_MAX_BYTES),
		        "the file has %zu bytes; at most %u are imported at once", len,
		        REG_IO_MAX_BYTES);
	else if (len >= 4 && !memcmp(data, "PK\3\4", 4))
		rc = table_xlsx(data, len, *rows, err);
	else
		rc = table_csv(data, len, *rows, err);
	if (!rc && json_array_size(*rows) == 0)
		rc = model_fail(err, SK_EINVAL, "csv", "import.empty", NULL,
		                "the file is empty: the first line names the columns");
	if (rc) {
		json_decref(*rows);
		*rows = NULL;
	}
	return rc;
}

/* ---- the import: the header ---- */

/* s trimmed of spaces and tabs, lower-cased ASCII, '-' as '_', into out. */
static void fold(const char *s, char *out, size_t cap)
{
	size_t n = 0, len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	for (size_t i = 0; i < len && n + 1 < cap; i++)
		out[n++] = s[i] == '-' ? '_' : (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
}

/* s trimmed of spaces, tabs and line ends, into out (cut at cap). */
static void fold_keep(const char *s, char *out, size_t cap)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	snprintf(out, cap, "%.*s", (int)len, s);
}

/* The argument a header cell names: its field, or its CLI option ("parent", "class"). */
static const struct reg_arg *header_arg(const struct reg_cmd *cmd, const char *cell)
{
	char want[80], opt[80];

	fold(cell, want, sizeof(want));
	for (const struct reg_arg *a = cmd->args; a->field; a++) {
		fold(a->opt ? a->opt : a->field, opt, sizeof(opt));
		if (!strcmp(want, a->field) || !strcmp(want, opt))
			return a;
	}
	return NULL;
}

/* ---- the import: a row's values ---- */

/* Would a spreadsheet evaluate s (after leading white space)? OWASP's list. */
static bool formula_like(const char *s)
{
	while (*s == ' ')
		s++;
	return *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
}

/* The day of an Excel serial number (1900 system, after its 1900-02-29). */
static bool serial_day(json_int_t n, char out[32])
{
	time_t t;
	struct tm g;

	if (n < 61 || n > 2958465)
		return false;
	t = (time_t)(n - 25569) * 86400; /* 25569: 1970-01-01 */
	gmtime_r(&t, &g);
	snprintf(out, 32, "%04d-%02d-%02d", g.tm_year + 1900, g.tm_mon + 1, g.tm_mday);
	return true;
}

/*
 * The argument's value of cell v for field f: NULL when the cell is empty
 * (the argument is left out), else a new value (reg_validate checks it), or
 * SK_EINVAL with err filled.
 */
static int cell_value(const struct reg_field *f, json_t *v, json_t **out, struct model_err *err)
{
	char s[REG_IO_MAX_CELL + 1], tmp[32];
	const char *p;
	size_t n;

	*out = NULL;
	if (json_is_null(v))
		return model_fail(err, SK_EINVAL, f->name, "regio.formula", NULL,
		                  "%s: a formula; write the value itself", f->name);
	if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v)) {
		if (f->type == REG_INT || f->type == REG_REF) {
			*out = json_is_integer(v) ? json_incref(v) : json_string("x");
		} else if (f->type == REG_BOOL && json_is_boolean(v)) {
			*out = json_incref(v);
		} else if (f->type == REG_DATE && json_is_integer(v) &&
		           serial_day(json_integer_value(v), tmp)) {
			*out = json_string(tmp);
		} else if (json_is_boolean(v)) {
			*out = json_string(json_is_true(v) ? "true" : "false");
		} else {
			if (json_is_integer(v))
				snprintf(tmp, sizeof(tmp), "%lld",
				         (long long)json_integer_value(v));
			else
				snprintf(tmp, sizeof(tmp), "%.15g", json_real_value(v));
			*out = json_string(tmp);
		}
		if (f->type == REG_INT || f->type == REG_REF || f->type == REG_BOOL) {
			if (json_is_string(*out)) {
				json_decref(*out);
				*out = NULL;
				return model_fail(
				        err, SK_EINVAL, f->name, "field.type",
				        json_pack("{s:s}", "type",
				                  f->type == REG_BOOL ? "boolean" : "integer"),
				        "%s: %s", f->name,
				        f->type == REG_BOOL ? "true or false" : "a number");
			}
		}
		return *out ? SK_OK : SK_ENOMEM;
	}
	p = json_string_value(v);
	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	if (n == 0)
		return SK_OK;
	snprintf(s, sizeof(s), "%.*s", (int)n, p);
	if (formula_like(s))
		return model_fail(err, SK_EINVAL, f->name, "regio.formula", NULL,
		                  "%s: a value starting with = + - or @ would be a formula in a "
		                  "spreadsheet; start it with ' to keep it as text",
		                  f->name);
	/* an export's guard: '=… is the text =… */
	p = s[0] == '\'' && formula_like(s + 1) ? s + 1 : s;
	switch (f->type) {
	case REG_INT:
	case REG_REF: {
		char *end;
		long long x;

		if (strlen(p) > 15 || !isdigit((unsigned char)p[0]))
			goto not_int;
		x = strtoll(p, &end, 10);
		if (*end)
			goto not_int;
		*out = json_integer(x);
		break;
	not_int:
		return model_fail(err, SK_EINVAL, f->name, "field.type",
		                  json_pack("{s:s}", "type", "integer"), "%s: a number", f->name);
	}
	case REG_BOOL: {
		static const char *const yes[] = {"ja", "yes", "true", "1", "sant", "x", NULL};
		static const char *const no[] = {"nej", "no", "false", "0", "falskt", NULL};

		for (size_t i = 0; !*out && yes[i]; i++)
			if (!strcasecmp(p, yes[i]))
				*out = json_true();
		for (size_t i = 0; !*out && no[i]; i++)
			if (!strcasecmp(p, no[i]))
				*out = json_false();
		if (!*out)
			return model_fail(err, SK_EINVAL, f->name, "field.type",
			                  json_pack("{s:s}", "type", "boolean"),
			                  "%s: ja or nej (true or false)", f->name);
		break;
	}
	case REG_CLASS: {
		char up[8];
		size_t i;

		for (i = 0; p[i] && i + 1 < sizeof(up); i++)
			up[i] = (char)toupper((unsigned char)p[i]);
		up[i] = '\0';
		*out = json_string(up);
		break;
	}
	case REG_ENUM:
		for (const char *const *e = f->values; e && *e; e++) {
			if (!strcasecmp(p, *e)) {
				*out = json_string(*e);
				break;
			}
		}
		if (!*out)
			*out = json_string(p); /* reg_validate names the values */
		break;
	case REG_IDS: {
		char *save = NULL, *tok, copy[REG_IO_MAX_CELL + 1];

		*out = json_array();
		snprintf(copy, sizeof(copy), "%s", p);
		for (tok = strtok_r(copy, " ,;", &save); *out && tok;
		     tok = strtok_r(NULL, " ,;", &save)) {
			char *end;
			long long x = strtoll(tok, &end, 10);

			if (*end || strlen(tok) > 15 || !isdigit((unsigned char)tok[0])) {
				json_decref(*out);
				*out = NULL;
				return model_fail(err, SK_EINVAL, f->name, "field.type",
				                  json_pack("{s:s}", "type", "integer"),
				                  "%s: numbers separated by spaces", f->name);
			}
			json_array_append_new(*out, json_integer(x));
		}
		break;
	}
	default:
		*out = json_string(p);
		break;
	}
	return *out ? SK_OK : SK_ENOMEM;
}

/* ---- the import: the writer command ---- */

struct row {
	unsigned line;
	json_t *in;     /* the arguments, NULL when the row is bad already */
	json_t *names;  /* references given by name: field → name, resolved in the writer */
	json_t *result; /* {"line", "ok", …} */
};

/*
 * The register a reference may name a record of by its display field ("Huset"
 * for parent): one whose rows are the same for every reader (no class_col, no
 * view hook), so a name says nothing a number would not. NULL: by id only.
 */
static const struct register_def *by_name(const struct reg_field *f)
{
	const struct register_def *r;
	const struct reg_field *df;

	if (f->type != REG_REF || !f->ref || !strcmp(f->ref, "identities"))
		return NULL;
	r = reg_find(f->ref);
	df = r && r->display ? reg_field_find(r, r->display) : NULL;
	if (!df || r->class_col || r->view || df->src == REG_SRC_LEDGER_ONLY)
		return NULL;
	return r;
}

/* Sets in[field] to the id of the one record of f's register named name; else a refusal. */
static int resolve_name(struct store_tx *tx, const struct reg_field *f, const char *name,
                        json_t *in, struct model_err *e)
{
	const struct register_def *r = by_name(f);
	char sql[300];
	struct store_q *q;
	int64_t id = 0;
	int n = 0, rc;

	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = ?1 ORDER BY id", r->table,
	         reg_col(reg_field_find(r, r->display)));
	if ((rc = store_tx_query(tx, sql, &q)))
		return rc;
	store_q_bind_text(q, 1, name);
	while (n < 2 && store_q_step(q) == SK_OK) {
		id = store_q_int(q, 0);
		n++;
	}
	store_q_done(q);
	if (n == 1) {
		json_object_set_new(in, f->name, json_integer(id));
		return SK_OK;
	}
	return model_fail(e, n ? SK_EEXIST : SK_ENOTFOUND, f->name,
	                  n ? "regio.ref_ambiguous" : "regio.ref_unknown",
	                  json_pack("{s:s, s:s}", "name", name, "register", r->name),
	                  n ? "%s: several %s are named %s: give the number"
	                    : "%s: no %s is named %s",
	                  f->name, r->name, name);
}

struct import {
	const struct principal *p;
	const struct register_def *def;
	const struct reg_cmd *cmd;
	struct row *rows;
	size_t nrows;
	bool dry_run;
	const char *format;
	char sha[65];
	size_t bytes;
	struct store_cmd sc;
	/* results of the writer (set again on each run of the command) */
	size_t created, errors_db;
	int64_t first_id, last_id, import_no;
	int first_rc;
};

static void row_problem(json_t *result, const char *field, const char *reason, json_t *params,
                        const char *msg)
{
	json_object_set_new(result, "ok", json_false());
	if (field && *field)
		json_object_set_new(result, "field", json_string(field));
	if (reason && *reason)
		json_object_set_new(result, "reason", json_string(reason));
	if (params)
		json_object_set_new(result, "params", params);
	json_object_set_new(result, "message", json_string(msg ? msg : ""));
}

static bool refusal(int rc)
{
	return rc == SK_EINVAL || rc == SK_EEXIST || rc == SK_ENOTFOUND || rc == SK_EPERM ||
	       rc == SK_ERULE;
}

static int import_fn(struct store_tx *tx, void *arg)
{
	struct import *x = arg;
	struct store_cmd *sc = &x->sc;
	int rc;

	/* A command may run twice (the writer retries a batch): start from the parse. */
	x->created = x->errors_db = 0;
	x->first_id = x->last_id = 0;
	x->first_rc = 0;
	for (size_t i = 0; i < x->nrows; i++) {
		struct row *r = &x->rows[i];
		int64_t id = 0;

		json_t *in;
		const char *field;
		json_t *name;
		struct model_err e = {0};

		if (!r->in)
			continue;
		json_object_clear(r->result);
		json_object_set_new(r->result, "line", json_integer(r->line));
		/* names of records, resolved here: an earlier row's record counts */
		in = json_copy(r->in);
		if (!in)
			return SK_ENOMEM;
		rc = SK_OK;
		json_object_foreach(r->names, field, name)
		{
			if (!rc)
				rc = resolve_name(tx, reg_field_find(x->def, field),
				                  json_string_value(name), in, &e);
		}
		if (rc) {
			json_decref(in);
			if (!refusal(rc))
				return rc;
			row_problem(r->result, e.field, e.reason,
			            e.params[0] ? json_loads(e.params, 0, NULL) : NULL, e.msg);
			if (!x->first_rc)
				x->first_rc = rc;
			x->errors_db++;
			continue;
		}
		if ((rc = store_tx_run(tx, "SAVEPOINT reg_io_row", ""))) {
			json_decref(in);
			return rc;
		}
		rc = reg_tx_exec(tx, x->p, x->def, x->cmd, in, &id);
		json_decref(in);
		if (rc) {
			if (!refusal(rc))
				return rc;
			row_problem(r->result, sc->err_field, sc->err_reason,
			            sc->err_params[0] ? json_loads(sc->err_params, 0, NULL) : NULL,
			            sc->err_msg[0] ? sc->err_msg : sk_strerror(rc));
			/* let the next row's refusal say its own (only the first one stands) */
			sc->err_field[0] = sc->err_msg[0] = sc->err_reason[0] = sc->err_params[0] =
			        '\0';
			if (!x->first_rc)
				x->first_rc = rc;
			x->errors_db++;
			if (store_tx_run(tx, "ROLLBACK TO reg_io_row", "") ||
			    store_tx_run(tx, "RELEASE reg_io_row", ""))
				return SK_EIO;
			continue;
		}
		if ((rc = store_tx_run(tx, "RELEASE reg_io_row", "")))
			return rc;
		json_object_set_new(r->result, "ok", json_true());
		json_object_set_new(r->result, "id", json_integer(id));
		x->created++;
		if (!x->first_id)
			x->first_id = id;
		x->last_id = id;
	}
	if (x->dry_run || x->errors_db)
		return store_tx_failr(tx, SK_EINVAL, NULL, "import.nothing", NULL,
		                      "nothing was imported");
	rc = store_tx_int(tx, &x->import_no,
	                  "SELECT count(*) + 1 FROM ledger WHERE kind = 'import.completed'", "");
	if (rc)
		return rc;
	{
		json_t *data = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:I}", "import",
		                         (json_int_t)x->import_no, "what", x->def->name, "format",
		                         x->format, "rows", (json_int_t)x->nrows, "created",
		                         (json_int_t)x->created, "first_id",
		                         (json_int_t)x->first_id, "last_id", (json_int_t)x->last_id,
		                         "sha256", x->sha, "bytes", (json_int_t)x->bytes);

		if (data && x->p->token_id)
			json_object_set_new(data, "token_id", json_integer(x->p->token_id));
		return model_tx_log(tx, x->p->id, "import.completed", "import", x->import_no, data);
	}
}

/* Maps the header to arguments; SK_OK, or SK_EINVAL with err naming the column. */
static int header(const struct register_def *d, const struct reg_cmd *cmd, const json_t *cells,
                  const struct reg_arg **map, struct model_err *err)
{
	size_t i;
	json_t *v;

	json_array_foreach(cells, i, v)
	{
		const char *name = json_string_value(v);
		char folded[80];

		if (!name)
			return model_fail(err, SK_EINVAL, "header", "regio.column_unknown",
			                  json_pack("{s:s, s:s}", "name", "?", "register", d->name),
			                  "column %zu: the header names the columns as text",
			                  i + 1);
		fold(name, folded, sizeof(folded));
		if (!folded[0]) {
			map[i] = NULL;
			continue; /* a column without a heading is refused if any row fills it */
		}
		map[i] = header_arg(cmd, name);
		if (!map[i] && reg_field_find(d, folded))
			/* an export's column that skydd sets itself (id, status, created_at …) */
			return model_fail(
			        err, SK_EINVAL, folded, "regio.column_not_imported",
			        json_pack("{s:s, s:s}", "name", folded, "register", d->name),
			        "column %s is set by skydd, not imported: remove it", folded);
		if (!map[i])
			return model_fail(
			        err, SK_EINVAL, folded, "regio.column_unknown",
			        json_pack("{s:s, s:s}", "name", folded, "register", d->name),
			        "unknown column %s: %s %s takes its arguments' names", folded,
			        d->cli ? d->cli : d->one, cmd->name);
		for (size_t j = 0; j < i; j++) {
			if (map[j] == map[i])
				return model_fail(err, SK_EINVAL, map[i]->field,
				                  "import.column_twice",
				                  json_pack("{s:s}", "name", map[i]->field),
				                  "the column %s appears twice", map[i]->field);
		}
	}
	for (const struct reg_arg *a = cmd->args; a->field; a++) {
		bool have = false;

		for (size_t j = 0; j < json_array_size(cells); j++)
			have = have || map[j] == a;
		if ((a->flags & REG_A_REQUIRED) && !have)
			return model_fail(err, SK_EINVAL, a->field, "import.columns_missing",
			                  json_pack("{s:s}", "columns", a->field),
			                  "the required column %s is missing", a->field);
	}
	return SK_OK;
}

/* Builds one data row's arguments; false (and the row's problem) when it is bad. */
static bool row_args(const struct register_def *d, const struct reg_cmd *cmd,
                     const struct reg_arg **map, size_t ncols, const json_t *cells, struct row *r,
                     struct model_err *fatal, int *frc)
{
	struct model_err e = {0};
	size_t i;
	json_t *v;

	r->in = json_object();
	json_array_foreach(cells, i, v)
	{
		const struct reg_field *f;
		json_t *val;

		if (i >= ncols || !map[i]) {
			if (json_is_string(v) &&
			    !json_string_value(v)[strspn(json_string_value(v), " \t")])
				continue;
			model_fail(&e, SK_EINVAL, "csv", "import.field_count",
			           json_pack("{s:I, s:I}", "fields", (json_int_t)i + 1, "header",
			                     (json_int_t)ncols),
			           "line %u: a value in column %zu, which has no heading", r->line,
			           i + 1);
			goto bad;
		}
		f = reg_arg_field(d, map[i]);
		if (by_name(f) && json_is_string(v) && !formula_like(json_string_value(v))) {
			char name[REG_IO_MAX_CELL + 1];

			/* a record named, not numbered ("Huset" for parent): the writer finds it */
			fold_keep(json_string_value(v), name, sizeof(name));
			if (name[0] && name[strspn(name, "0123456789")]) {
				if (!r->names)
					r->names = json_object();
				json_object_set_new(r->names, f->name, json_string(name));
				/* a stand-in that passes reg_validate; resolve_name replaces it */
				json_object_set_new(r->in, map[i]->field, json_integer(1));
				continue;
			}
		}
		if (cell_value(f, v, &val, &e)) {
			if (!strcmp(e.reason, "regio.formula")) {
				/* hostile input refuses the whole file, naming the column */
				*fatal = e;
				model_fail(fatal, SK_EINVAL, f->name, "regio.formula",
				           json_pack("{s:I}", "line", (json_int_t)r->line),
				           "line %u, %s: %s", r->line, f->name, e.msg);
				*frc = SK_EINVAL;
			}
			goto bad;
		}
		if (val)
			json_object_set_new(r->in, map[i]->field, val);
	}
	if (reg_validate(d, cmd, r->in, &e))
		goto bad;
	return true;
bad:
	json_decref(r->in);
	r->in = NULL;
	row_problem(r->result, e.field, e.reason,
	            e.params[0] ? json_loads(e.params, 0, NULL) : NULL, e.msg);
	return false;
}

int reg_import(struct model *m, const struct principal *p, const struct register_def *d,
               const char *data, size_t len, bool dry_run, json_t **report, struct model_err *err)
{
	const struct reg_cmd *cmd = d->import ? reg_cmd_find(d, d->import) : NULL;
	const struct reg_arg *map[REG_IO_MAX_COLS + 1] = {0};
	struct import x = {.p = p, .def = d, .cmd = cmd, .dry_run = dry_run};
	struct model_err fatal = {0};
	json_t *table = NULL, *results;
	size_t ncols, bad = 0;
	uint8_t sha[32];
	int rc, frc = 0;

	*report = NULL;
	if (!cmd || cmd->verb != REG_CREATE)
		return model_fail(err, SK_ENOTFOUND, NULL, "regio.not_importable",
		                  json_pack("{s:s}", "register", d->name), "%s are not imported",
		                  d->name);
	if (!(p->roles & cmd->roles))
		return model_fail(
		        err, SK_EPERM, NULL, "record.forbidden",
		        json_pack("{s:s, s:s}", "register", d->name, "command", cmd->name),
		        "%s %s: your roles do not allow it", d->one, cmd->name);
	if ((rc = reg_io_table(data, len, &table, err)))
		return rc;
	ncols = json_array_size(json_object_get(json_array_get(table, 0), "cells"));
	if (ncols > REG_IO_MAX_COLS) {
		json_decref(table);
		return model_fail(err, SK_EINVAL, "header", "import.field_count",
		                  json_pack("{s:I, s:I}", "fields", (json_int_t)ncols, "header",
		                            (json_int_t)REG_IO_MAX_COLS),
		                  "more than %u columns", REG_IO_MAX_COLS);
	}
	if ((rc = header(d, cmd, json_object_get(json_array_get(table, 0), "cells"), map, err))) {
		json_decref(table);
		return rc;
	}
	if (json_array_size(table) < 2) {
		json_decref(table);
		return model_fail(err, SK_EINVAL, "csv", "import.no_rows", NULL,
		                  "the file has no rows below the header");
	}
	crypto_hash_sha256(sha, (const unsigned char *)data, len);
	sodium_bin2hex(x.sha, sizeof(x.sha), sha, sizeof(sha));
	x.bytes = len;
	x.format = len >= 4 && !memcmp(data, "PK\3\4", 4) ? "xlsx" : "csv";
	x.nrows = json_array_size(table) - 1;
	x.rows = calloc(x.nrows, sizeof(*x.rows));
	results = json_array();
	if (!x.rows || !results) {
		free(x.rows);
		json_decref(results);
		json_decref(table);
		return SK_ENOMEM;
	}
	for (size_t i = 0; i < x.nrows; i++) {
		json_t *row = json_array_get(table, i + 1);
		struct row *r = &x.rows[i];

		r->line = (unsigned)json_integer_value(json_object_get(row, "line"));
		r->result = json_pack("{s:I, s:b}", "line", (json_int_t)r->line, "ok", 1);
		json_array_append(results, r->result);
		if (!row_args(d, cmd, map, ncols, json_object_get(row, "cells"), r, &fatal, &frc))
			bad++;
		if (frc)
			break;
	}
	json_decref(table);
	if (frc) {
		*err = fatal;
		rc = frc;
		goto out;
	}
	/* The register is consulted when some row can be: always in a dry run. */
	if (dry_run || !bad) {
		store_cmd_init(&x.sc, import_fn, &x);
		rc = store_submit(m->store, &x.sc);
		if (rc && !(rc == SK_EINVAL && (dry_run || x.errors_db))) {
			/* a store failure, not a problem with the file */
			const char *fwd_reason = x.sc.err_reason[0] ? x.sc.err_reason : NULL;

			model_fail(err, rc, x.sc.err_field[0] ? x.sc.err_field : NULL, fwd_reason,
			           x.sc.err_params[0] ? json_loads(x.sc.err_params, 0, NULL) : NULL,
			           "%s", x.sc.err_msg[0] ? x.sc.err_msg : sk_strerror(rc));
			goto out;
		}
	}
	{
		size_t errors = bad + x.errors_db, i;
		bool ok = errors == 0;
		json_t *r = NULL;

		*report = json_pack("{s:s, s:s, s:b, s:b, s:I, s:I, s:I, s:O, s:s, s:I}",
		                    "register", d->name, "format", x.format, "dry_run", dry_run,
		                    "ok", ok, "rows", (json_int_t)x.nrows, "created",
		                    (json_int_t)(ok && !dry_run ? x.created : 0), "errors",
		                    (json_int_t)errors, "results", results, "sha256", x.sha,
		                    "bytes", (json_int_t)len);
		if (*report && ok && !dry_run)
			json_object_set_new(*report, "import_id", json_integer(x.import_no));
		rc = ok || dry_run ? SK_OK : SK_EINVAL;
		if (!ok && err) {
			json_array_foreach(results, i, r)
			{
				if (json_is_false(json_object_get(r, "ok")))
					break;
			}
			model_fail(err, rc, json_string_value(json_object_get(r, "field")),
			           "import.refused",
			           json_pack("{s:I, s:I}", "count", (json_int_t)errors, "line",
			                     json_integer_value(json_object_get(r, "line"))),
			           "line %lld: %.150s (%zu problem%s; nothing imported)",
			           (long long)json_integer_value(json_object_get(r, "line")),
			           json_string_value(json_object_get(r, "message"))
			                   ? json_string_value(json_object_get(r, "message"))
			                   : "",
			           errors, errors == 1 ? "" : "s");
		}
		if (!*report)
			rc = SK_ENOMEM;
	}
out:
	for (size_t i = 0; i < x.nrows; i++) {
		json_decref(x.rows[i].in);
		json_decref(x.rows[i].names);
		json_decref(x.rows[i].result);
	}
	free(x.rows);
	json_decref(results);
	return rc;
}

/* ---- the export ---- */

/* o[name] where name may be dotted ("holds.copies"). */
static json_t *get_path(json_t *o, const char *name)
{
	const char *dot = strchr(name, '.');
	char head[64];

	if (!dot || (size_t)(dot - name) >= sizeof(head))
		return json_object_get(o, name);
	snprintf(head, sizeof(head), "%.*s", (int)(dot - name), name);
	return get_path(json_object_get(o, head), dot + 1);
}

/* The register a reference names, when its records have a name p may read. */
static const struct register_def *named_ref(const struct reg_field *f, const struct principal *p)
{
	const struct register_def *r;

	if (f->type != REG_REF || !f->ref || !strcmp(f->ref, "identities"))
		return NULL;
	r = reg_find(f->ref);
	return r && r->display && (p->roles & r->read_roles) ? r : NULL;
}

/* The columns: every field in the rows, and a name beside each named reference. */
struct col {
	const struct reg_field *f;
	const struct register_def *ref; /* the name column of a reference */
	char head[80];
	json_t *names; /* id → name, looked up once */
};

static size_t export_cols(const struct register_def *d, const struct principal *p, struct col *cols,
                          size_t cap)
{
	size_t n = 0;

	for (const struct reg_field *f = d->fields; f->name && n + 2 <= cap; f++) {
		if (f->src == REG_SRC_LEDGER_ONLY || f->type == REG_IDS)
			continue;
		cols[n] = (struct col){.f = f};
		snprintf(cols[n].head, sizeof(cols[n].head), "%s", f->name);
		n++;
		if (named_ref(f, p)) {
			cols[n] = (struct col){
			        .f = f, .ref = named_ref(f, p), .names = json_object()};
			snprintf(cols[n].head, sizeof(cols[n].head), "%s_name", f->name);
			n++;
		}
	}
	return n;
}

/* The cell of column c for row o: a string (new), an integer, a boolean, or NULL (empty). */
static json_t *export_cell(struct model *m, const struct principal *p, struct col *c, json_t *o)
{
	json_t *v = get_path(o, c->f->name);
	char key[32], t[32];

	if (!v || json_is_null(v))
		return NULL;
	if (c->ref) {
		json_t *name, *rec;

		if (!json_is_integer(v))
			return NULL;
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(v));
		name = json_object_get(c->names, key);
		if (!name) {
			/* need-to-know: the referred record as p may read it, else no name */
			rec = reg_get(m, p, c->ref, json_integer_value(v));
			name = json_string_value(get_path(rec, c->ref->display))
			               ? json_string(
			                         json_string_value(get_path(rec, c->ref->display)))
			               : json_string("");
			json_decref(rec);
			json_object_set_new(c->names, key, name);
		}
		return json_incref(name);
	}
	if ((c->f->src == REG_SRC_CREATED_AT || c->f->src == REG_SRC_UPDATED_AT) &&
	    reg_io_local_time(json_string_value(v), t))
		return json_string(t);
	return json_incref(v);
}

struct export_cmd {
	const struct principal *p;
	const struct register_def *d;
	const char *format;
	size_t rows, bytes;
	char sha[65];
};

static int export_fn(struct store_tx *tx, void *arg)
{
	struct export_cmd *c = arg;
	json_t *data;
	int64_t no;
	int rc = io_export_next_no(tx, &no);

	if (rc)
		return rc;
	data = json_pack("{s:I, s:s, s:s, s:I, s:s, s:I}", "export", (json_int_t)no, "what",
	                 c->d->name, "format", c->format, "rows", (json_int_t)c->rows, "sha256",
	                 c->sha, "bytes", (json_int_t)c->bytes);
	if (data && c->p->token_id)
		json_object_set_new(data, "token_id", json_integer(c->p->token_id));
	return model_tx_log(tx, c->p->id, "export.made", "export", no, data);
}

int reg_export(struct model *m, const struct principal *p, const struct register_def *d,
               enum reg_io_fmt fmt, struct buf *out, struct model_err *err)
{
	struct col cols[2 * REG_IO_MAX_COLS];
	struct export_cmd c = {.p = p, .d = d, .format = fmt == REG_IO_XLSX ? "xlsx" : "csv"};
	struct model_xlsx x;
	lxw_worksheet *ws = NULL;
	lxw_format *bold = NULL;
	size_t ncols, i;
	json_t *rows, *o;
	uint8_t sha[32];
	int rc = SK_OK;

	if (!p || !(p->roles & d->read_roles))
		return model_fail(err, SK_EPERM, NULL, "record.forbidden",
		                  json_pack("{s:s, s:s}", "register", d->name, "command", "export"),
		                  "%s: your roles do not allow reading it", d->name);
	rows = reg_list(m, p, d, NULL); /* the rows p may read: roles, class_col, view */
	if (!rows)
		return SK_EIO;
	ncols = export_cols(d, p, cols, sizeof(cols) / sizeof(cols[0]));
	if (fmt == REG_IO_XLSX) {
		if ((rc = model_xlsx_open(&x, NULL))) {
			json_decref(rows);
			return rc;
		}
		ws = workbook_add_worksheet(x.wb, d->name);
		bold = workbook_add_format(x.wb);
		format_set_bold(bold);
		worksheet_freeze_panes(ws, 1, 0);
	} else {
		/* the BOM tells Excel it is UTF-8; ';' is what Swedish Excel expects */
		buf_puts(out, CSV_BOM);
	}
	for (size_t k = 0; k < ncols; k++) {
		if (ws)
			worksheet_write_string(ws, 0, (lxw_col_t)k, cols[k].head, bold);
		else {
			if (k)
				buf_putc(out, ';');
			csv_cell(out, cols[k].head, ';');
		}
	}
	if (!ws)
		buf_puts(out, "\r\n");
	json_array_foreach(rows, i, o)
	{
		for (size_t k = 0; k < ncols; k++) {
			json_t *v = export_cell(m, p, &cols[k], o);
			char num[32];

			if (ws && v) {
				lxw_row_t r = (lxw_row_t)(i + 1);

				if (json_is_integer(v))
					worksheet_write_number(ws, r, (lxw_col_t)k,
					                       (double)json_integer_value(v), NULL);
				else if (json_is_boolean(v))
					worksheet_write_boolean(ws, r, (lxw_col_t)k,
					                        json_is_true(v), NULL);
				else if (json_string_value(v) && json_string_value(v)[0])
					/* a string cell is never evaluated: no guard needed */
					worksheet_write_string(ws, r, (lxw_col_t)k,
					                       json_string_value(v), NULL);
			} else if (!ws) {
				if (k)
					buf_putc(out, ';');
				if (json_is_integer(v)) {
					snprintf(num, sizeof(num), "%lld",
					         (long long)json_integer_value(v));
					buf_puts(out, num);
				} else if (json_is_boolean(v)) {
					buf_puts(out, json_is_true(v) ? "true" : "false");
				} else if (json_string_value(v)) {
					csv_cell(out, json_string_value(v), ';');
				}
			}
			json_decref(v);
		}
		if (!ws)
			buf_puts(out, "\r\n");
	}
	c.rows = json_array_size(rows);
	json_decref(rows);
	for (size_t k = 0; k < ncols; k++)
		json_decref(cols[k].names);
	if (ws) {
		worksheet_set_column(ws, 0, (lxw_col_t)(ncols ? ncols - 1 : 0), 16, NULL);
		rc = model_xlsx_finish(&x, SK_OK, out);
	} else if (out->err) {
		rc = out->err;
	}
	if (rc) {
		buf_reset(out);
		return rc;
	}
	/* Logged before anything leaves: an export that is not in the ledger never happened. */
	crypto_hash_sha256(sha, (const unsigned char *)out->ptr, out->len);
	sodium_bin2hex(c.sha, sizeof(c.sha), sha, sizeof(sha));
	c.bytes = out->len;
	rc = model_submit(m, export_fn, &c, err);
	if (rc)
		buf_reset(out);
	return rc;
}
