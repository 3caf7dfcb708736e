/*
 * Fixtures as plain SQL through the ledger: a "fixture.sql" entry whose
 * projection runs its "sql", so a suite can put a register in any state
 * (rows the commands would refuse to write) and the readers see it as
 * committed. Register sqlfx_proj with regfx_open's extra projections.
 */
#ifndef SKYDD_TEST_SQLFIXTURE_H
#define SKYDD_TEST_SQLFIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/store.h"

static inline int sqlfx_apply(struct store_tx *tx, const struct ledger_entry *e)
{
	static char *pool[64];
	static size_t n;
	const char *sql = json_string_value(json_object_get(e->data, "sql"));

	/* the statement cache keeps the SQL's address: text that lives as long as the process */
	for (size_t i = 0; sql && i < n; i++) {
		if (strcmp(pool[i], sql) == 0)
			return store_tx_run(tx, pool[i], "");
	}
	if (!sql || n == sizeof(pool) / sizeof(pool[0]))
		return SK_ENOMEM;
	pool[n] = strdup(sql);
	return pool[n] ? store_tx_run(tx, pool[n++], "") : SK_ENOMEM;
}

static const char *const sqlfx_no_tables[] = {NULL};
static const struct store_projection sqlfx_proj = {
        .name = "test fixtures",
        .kind_prefix = "fixture.",
        .tables = sqlfx_no_tables,
        .apply = sqlfx_apply,
};

/* Appends one fixture entry: the SQL made from fmt (fails the test if it cannot). */
static inline void sqlfx(struct store *s, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static inline void sqlfx(struct store *s, const char *fmt, ...)
{
	char sql[4096];
	va_list ap;
	json_t *d;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	d = json_pack("{s:s}", "sql", sql);
	if (!d || store_append(s, 0, "fixture.sql", "fixture/1", d, NULL))
		fail_msg("fixture %s", sql);
	json_decref(d);
}

#endif
