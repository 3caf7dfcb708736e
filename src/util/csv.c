/*
 * A small bounded CSV reader (RFC 4180: UTF-8 with or without BOM, ',' or
 * ';', CRLF, LF or CR) and the CSV cell writer with its formula guard; see
 * csv.h. Pure: no I/O, no allocation beyond the record buffer.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/csv.h"

/* ---- reading ---- */

/* Length of a line break at p[i] (LF, CRLF or a lone CR), 0 if none. */
static size_t line_break(const char *p, size_t len, size_t i)
{
	if (i >= len)
		return 0;
	if (p[i] == '\n')
		return 1;
	if (p[i] == '\r')
		return i + 1 < len && p[i + 1] == '\n' ? 2 : 1;
	return 0;
}

static char detect_sep(const char *p, size_t len)
{
	size_t semi = 0, comma = 0;
	bool quoted = false;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (!quoted && (p[i] == '\n' || p[i] == '\r'))
			break;
		else if (!quoted && p[i] == ';')
			semi++;
		else if (!quoted && p[i] == ',')
			comma++;
	}
	return comma > semi ? ',' : ';';
}

int csv_open(struct csv *c, const char *data, size_t len, char sep)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->rec, (size_t)CSV_MAX_FIELDS * (CSV_MAX_FIELD + 1) + 1);
	if (len > CSV_MAX_BYTES)
		return SK_ETOOBIG;
	if (len >= 3 && memcmp(data, CSV_BOM, 3) == 0) {
		data += 3;
		len -= 3;
	}
	c->p = data;
	c->len = len;
	c->line = 1;
	c->sep = sep ? sep : detect_sep(data, len);
	return SK_OK;
}

void csv_release(struct csv *c)
{
	buf_release(&c->rec);
}

const char *csv_field(const struct csv *c, unsigned i)
{
	if (i >= c->nfields || !c->rec.ptr)
		return "";
	return c->rec.ptr + c->off[i];
}

static int csv_fail(struct csv *c, const char *msg)
{
	snprintf(c->err, sizeof(c->err), "%s", msg);
	return SK_EINVAL;
}

/* Appends one byte of a field, bounded by CSV_MAX_FIELD. */
static int field_put(struct csv *c, size_t start, char ch)
{
	if (ch == '\0')
		return csv_fail(c, "a NUL byte in the file");
	if (c->rec.len - start >= CSV_MAX_FIELD)
		return csv_fail(c, "a field longer than 4096 bytes");
	if (buf_putc(&c->rec, ch))
		return csv_fail(c, "out of memory");
	return SK_OK;
}

/* A quoted field: from after the opening quote to after the closing one. */
static int quoted_field(struct csv *c, size_t start)
{
	for (;;) {
		size_t br;
		int rc;

		if (c->pos >= c->len)
			return csv_fail(c, "a quoted field is not closed (a missing '\"')");
		if (c->p[c->pos] == '"') {
			if (c->pos + 1 < c->len && c->p[c->pos + 1] == '"') {
				rc = field_put(c, start, '"');
				c->pos += 2;
			} else {
				c->pos++;
				return SK_OK;
			}
		} else if ((br = line_break(c->p, c->len, c->pos)) > 0) {
			for (size_t k = 0; k < br; k++) {
				rc = field_put(c, start, c->p[c->pos + k]);
				if (rc)
					return rc;
			}
			c->pos += br;
			c->line++;
			rc = SK_OK;
		} else {
			rc = field_put(c, start, c->p[c->pos]);
			c->pos++;
		}
		if (rc)
			return rc;
	}
}

int csv_next(struct csv *c)
{
	int rc;

	if (c->pos >= c->len)
		return 0;
	buf_reset(&c->rec);
	c->nfields = 0;
	c->rec_line = c->line;
	for (;;) {
		size_t start = c->rec.len, br;

		if (c->nfields >= CSV_MAX_FIELDS)
			return csv_fail(c, "more than 64 fields in a row");
		c->off[c->nfields] = start;
		if (c->pos < c->len && c->p[c->pos] == '"') {
			c->pos++;
			rc = quoted_field(c, start);
			if (rc)
				return rc;
			if (c->pos < c->len && c->p[c->pos] != c->sep &&
			    !line_break(c->p, c->len, c->pos))
				return csv_fail(c, "text after the closing quote of a field");
		} else {
			while (c->pos < c->len && c->p[c->pos] != c->sep &&
			       !line_break(c->p, c->len, c->pos)) {
				rc = field_put(c, start, c->p[c->pos]);
				if (rc)
					return rc;
				c->pos++;
			}
		}
		if (buf_putc(&c->rec, '\0'))
			return csv_fail(c, "out of memory");
		c->nfields++;
		if (c->pos >= c->len)
			return 1;
		if (c->p[c->pos] == c->sep) {
			c->pos++;
			continue;
		}
		br = line_break(c->p, c->len, c->pos);
		c->pos += br;
		c->line++;
		return 1;
	}
}

bool csv_check_utf8(const char *data, size_t len, unsigned *line)
{
	const unsigned char *p = (const unsigned char *)data;
	unsigned ln = 1;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		if (p[i] < 0x80) {
			if (p[i] == '\n' || (p[i] == '\r' && !(i + 1 < len && p[i + 1] == '\n')))
				ln++;
			i++;
			continue;
		}
		n = sk_utf8_next(p + i, len - i, &cp);
		if (n == 0) {
			*line = ln;
			return false;
		}
		i += n;
	}
	return true;
}

/* ---- writing ---- */

/*
 * Would a spreadsheet evaluate the cell? OWASP's list (= + - @, tab, CR) and
 * the same after leading white space: Excel and LibreOffice skip spaces (and
 * line breaks, NBSP …) before a formula sign, so " =1+1" is a formula too.
 */
static bool formula_like(const char *s)
{
	size_t len = strlen(s), i = sk_text_skip_space(s, len);

	if (s[0] == '\t' || s[0] == '\r' || s[0] == '\n')
		return true;
	return i < len && (s[i] == '=' || s[i] == '+' || s[i] == '-' || s[i] == '@');
}

void csv_cell(struct buf *b, const char *s, char sep)
{
	bool quote = false, guard = formula_like(s);

	for (const char *t = s; *t; t++) {
		if (*t == sep || *t == '"' || *t == '\n' || *t == '\r' || *t == ',' || *t == ';')
			quote = true;
	}
	/* Formula injection (OWASP): a cell a spreadsheet would evaluate starts with '. */
	if (guard)
		quote = true;
	if (quote)
		buf_putc(b, '"');
	if (guard)
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	if (quote)
		buf_putc(b, '"');
}
