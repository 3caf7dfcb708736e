/*
 * csv: a bounded RFC 4180 reader (UTF-8 with or without BOM, ',' or ';',
 * CRLF, LF or a lone CR) and the cell writer with the formula guard. Pure;
 * fuzzed by tests/fuzz/fuzz_csv.c. The register's import (model/io.c) reads
 * with it; the exports (io.c, ledger_export.c) write with csv_cell.
 */
#ifndef SKYDD_UTIL_CSV_H
#define SKYDD_UTIL_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

#define CSV_MAX_BYTES  (32u * 1024 * 1024) /* a file to read */
#define CSV_MAX_FIELDS 64u                 /* fields in one record */
#define CSV_MAX_FIELD  4096u               /* bytes in one field */
#define CSV_BOM        "\xef\xbb\xbf"      /* UTF-8's byte order mark */

struct csv {
	const char *p; /* the input (after a BOM) */
	size_t len, pos;
	char sep;      /* ',' or ';' */
	unsigned line; /* the physical line where the next record starts (1-based) */
	/* the current record: fields NUL-terminated in rec, starting at off[i] */
	struct buf rec;
	size_t off[CSV_MAX_FIELDS];
	unsigned nfields;
	unsigned rec_line; /* where the current record started */
	char err[160];     /* why csv_next failed */
};

/*
 * Starts reading data (len bytes, not NUL-terminated). Strips a UTF-8 BOM.
 * sep 0 detects the separator from the first line (the one of ';' and ','
 * more frequent outside quotes; ';' on a tie, ',' when neither occurs).
 * Returns SK_OK or SK_ETOOBIG (over CSV_MAX_BYTES).
 */
int csv_open(struct csv *c, const char *data, size_t len, char sep);
void csv_release(struct csv *c);

/*
 * Reads the next record into c->rec/off/nfields (a quoted field may span
 * lines; "" is a quote; a bare quote inside an unquoted field is literal).
 * Returns 1 with a record, 0 at the end, or SK_EINVAL with c->err and
 * c->rec_line set (an unterminated quote, text after a closing quote, a NUL
 * byte, a field over CSV_MAX_FIELD bytes, more than CSV_MAX_FIELDS fields).
 * The reader does not check UTF-8: csv_check_utf8 does, by line.
 */
int csv_next(struct csv *c);
/* Field i of the current record, or "" past the last. */
const char *csv_field(const struct csv *c, unsigned i);

/*
 * Checks that data is UTF-8; on failure *line is the first bad line
 * (1-based, counting LF) and the result false.
 */
bool csv_check_utf8(const char *data, size_t len, unsigned *line);

/*
 * Writes one cell: quoted when it holds sep, a quote, a line break, ',' or
 * ';'; a cell a spreadsheet would evaluate as a formula (OWASP: = + - @, tab,
 * CR, also after leading white space) is quoted and starts with '.
 */
void csv_cell(struct buf *b, const char *s, char sep);

#endif
