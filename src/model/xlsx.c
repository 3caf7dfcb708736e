/* XLSX files in memory through a private temporary file (see xlsx.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/xlsx.h"

int model_xlsx_open(struct model_xlsx *x, const char *tmpdir)
{
	const char *dir = tmpdir ? tmpdir : getenv("TMPDIR");
	lxw_workbook_options opts = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
	int fd;

	memset(x, 0, sizeof(*x));
	if (!dir || !*dir || strlen(dir) > 400)
		dir = "/tmp";
	snprintf(x->path, sizeof(x->path), "%s/skydd-xlsx-XXXXXX", dir); /* mkstemp's template */
	fd = mkstemp(x->path);
	if (fd < 0)
		return SK_EIO;
	close(fd);
	opts.tmpdir = (char *)(uintptr_t)dir;
	x->wb = workbook_new_opt(x->path, &opts);
	if (!x->wb) {
		unlink(x->path);
		return SK_EIO;
	}
	return SK_OK;
}

int model_xlsx_finish(struct model_xlsx *x, int rc, struct buf *out)
{
	char chunk[65536];
	FILE *fp;
	size_t n;

	if (workbook_close(x->wb) != LXW_NO_ERROR && !rc)
		rc = SK_EIO;
	x->wb = NULL;
	if (!rc) {
		fp = fopen(x->path, "rb");
		if (!fp) {
			rc = SK_EIO;
		} else {
			while (!rc && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
				rc = buf_append(out, chunk, n);
			if (!rc && ferror(fp))
				rc = SK_EIO;
			fclose(fp);
		}
	}
	unlink(x->path);
	return rc;
}
