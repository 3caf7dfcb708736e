/* Common includes and helpers for the cmocka unit tests. */
#ifndef SKYDD_TESTUTIL_H
#define SKYDD_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/*
 * The shared reference data (../shared next to the project root), or
 * $SKYDD_SHARED when set. Tests run from the project root.
 */
static inline const char *test_shared_dir(void)
{
	const char *d = getenv("SKYDD_SHARED");

	return d && *d ? d : "../shared";
}

/* Reads a whole file into a NUL-terminated malloc'd buffer; fails the test if it cannot. */
static inline char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return p;
}

#endif
