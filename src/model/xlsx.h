/*
 * XLSX files made in memory for the registers' exports and reports.
 * libxlsxwriter 1.1 cannot write to memory, so a workbook is written to a
 * private temporary file (mkstemp, 0600, in $TMPDIR or /tmp), read back and
 * removed at once. One place for that, for every register that exports.
 */
#ifndef SKYDD_MODEL_XLSX_H
#define SKYDD_MODEL_XLSX_H

#include <xlsxwriter.h>

#include "util/util.h"

struct model_xlsx {
	lxw_workbook *wb;
	char path[512];
};

/* Opens a workbook on a new temporary file in tmpdir (NULL: $TMPDIR, else /tmp). SK_OK or SK_EIO.
 */
int model_xlsx_open(struct model_xlsx *x, const char *tmpdir);

/*
 * Closes the workbook; when rc is SK_OK, appends the file's bytes to out.
 * Removes the file either way. Returns rc, or the first failure of its own.
 */
int model_xlsx_finish(struct model_xlsx *x, int rc, struct buf *out);

#endif
