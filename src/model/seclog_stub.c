/*
 * TEMPORARY (helper S's branch only; the coordinator deletes this file at
 * merge): stand-ins for helper M's need-to-know functions of
 * model/seclog.h and helper R's receiver counters, so that the search API
 * builds and can be tested alone. The ssc reads every source that has
 * messages in seclog.db; nobody else reads any.
 */
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/seclog.h"
#include "seclog/search.h"

static bool is_ssc(const struct principal *p)
{
	return (p->roles & ROLE_BIT(ROLE_SSC)) != 0;
}

int model_seclog_readable_sources(struct model *m, const struct principal *p, int64_t **ids,
                                  size_t *n)
{
	int rc;

	*ids = NULL;
	*n = 0;
	if (!is_ssc(p))
		return SK_OK;
	rc = seclog_index_sources(m->dir, ids, n);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
}

bool model_seclog_may_read(struct model *m, const struct principal *p, int64_t source)
{
	int64_t *ids = NULL;
	size_t n = 0;
	bool yes = false;

	if (model_seclog_readable_sources(m, p, &ids, &n) == SK_OK)
		for (size_t i = 0; i < n && !yes; i++)
			yes = ids[i] == source;
	free(ids);
	return yes;
}

void seclog_recv_stats(struct seclog_recv *r, struct seclog_source_stats *out, size_t cap,
                       size_t *n, struct seclog_unknown_stats *u)
{
	(void)r;
	(void)out;
	(void)cap;
	*n = 0;
	if (u)
		memset(u, 0, sizeof(*u));
}
