/*
 * libFuzzer target for the import's CSV reader and row checks (util/csv.h, model/io.h):
 * whatever the bytes, the reader stays within its bounds, every record has
 * 1..64 fields of at most 4096 bytes, line numbers only grow, and the
 * import's parse either accepts the file or names at least one problem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reader(const char *text, size_t len, char sep)
{
	struct csv c;
	unsigned last = 0;
	int rc;

	if (csv_open(&c, text, len, sep) != SK_OK)
		abort();
	while ((rc = csv_next(&c)) == 1) {
		if (c.nfields < 1 || c.nfields > IO_MAX_FIELDS || c.rec_line <= last ||
		    c.line < c.rec_line || c.pos > c.len)
			abort();
		for (unsigned i = 0; i < c.nfields; i++) {
			if (strlen(csv_field(&c, i)) > IO_MAX_FIELD)
				abort();
		}
		last = c.rec_line;
	}
	if (rc < 0 && !c.err[0])
		abort();
	csv_release(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct io_import imp;
	unsigned line;
	int rc;

	check_reader(text, size, 0);
	check_reader(text, size, ',');
	(void)csv_check_utf8(text, size, &line);
	rc = io_import_parse(text, size, &imp);
	if (rc == SK_OK && (imp.nerrors || imp.nrows == 0))
		abort();
	if (rc != SK_OK && rc != SK_ENOMEM && imp.nerrors == 0)
		abort();
	for (size_t i = 0; i < imp.nrows; i++) {
		const struct io_row *r = &imp.rows[i];

		if (!r->bad && (!*r->title || !r->cls[0] || !*r->form || r->copies < 0 ||
		                r->copies > IO_MAX_COPIES))
			abort();
	}
	io_import_release(&imp);
	return 0;
}
