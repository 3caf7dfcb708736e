/*
 * A fresh instance directory for the security-log suites (test_seclog_store,
 * test_seclog_search): keys made by store_init, the clock unskewed; and its
 * removal. Include after <cmocka.h>.
 */
#ifndef SKYDD_SECLOGFIXTURE_H
#define SKYDD_SECLOGFIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"

#define DAY_US  (86400LL * 1000000)
#define YEAR_US (365LL * DAY_US)

/* Makes DIR (/tmp/skydd-test-TAG-XXXXXX) an instance; vkey gets its verifier key. */
static inline void seclog_fixture_init(char *dir, size_t cap, const char *tag, char *vkey,
                                       size_t vcap)
{
	snprintf(dir, cap, "/tmp/skydd-test-%s-XXXXXX", tag);
	assert_non_null(mkdtemp(dir));
	rmdir(dir);
	assert_int_equal(
	        store_init(dir, &(struct store_init_opts){.origin = "test/seclog"}, vkey, vcap),
	        SK_OK);
	sk_clock_set_offset(0);
}

static inline void seclog_fixture_remove(const char *dir)
{
	char cmd[512];

	sk_clock_set_offset(0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

#endif
