/*
 * Invariants every seclog parse result must hold, shared by the syslog fuzz
 * targets: slices inside the input, fields within their limits, element and
 * parameter indices consistent, every refusal named and placed in the input.
 */
#ifndef SKYDD_FUZZ_SYSLOG_CHECK_H
#define SKYDD_FUZZ_SYSLOG_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "seclog/parse.h"
#include "util/util.h"

static inline void check_slice(const char *in, size_t len, struct seclog_slice s, size_t max)
{
	if (s.n == 0)
		return;
	if (s.p < in || s.p > in + len || s.n > (size_t)(in + len - s.p) || s.n > max)
		abort();
}

static inline void check_result(const char *in, size_t len, int rc, const struct seclog_parsed *m)
{
	static char val[65536 + 1];

	if (rc != SECLOG_OK) {
		if (!strcmp(seclog_perr_name(rc), "unknown") || m->err_off > len)
			abort();
		return;
	}
	if (m->facility > 23 || m->severity > 7 || m->nsd > SECLOG_MAX_SD ||
	    m->nparams > SECLOG_MAX_PARAMS || m->legacy != (m->format == SECLOG_FMT_RFC3164))
		abort();
	check_slice(in, len, m->timestamp, 32);
	check_slice(in, len, m->hostname, 255);
	check_slice(in, len, m->app_name, m->legacy ? 32 : 48);
	check_slice(in, len, m->procid, 128);
	check_slice(in, len, m->msgid, 32);
	check_slice(in, len, m->sd, len);
	check_slice(in, len, m->msg, len);
	if (m->msg_bom && !sk_utf8_valid(m->msg.p, m->msg.n))
		abort();
	for (unsigned i = 0, next = 0; i < m->nsd; i++) {
		const struct seclog_sd_elem *e = &m->sd_elems[i];

		if (e->first != next || e->nparams > m->nparams - e->first || e->id.n == 0)
			abort();
		check_slice(in, len, e->id, 32);
		next = e->first + e->nparams;
		if (i + 1 == m->nsd && next != m->nparams)
			abort();
	}
	for (unsigned k = 0; k < m->nparams; k++) {
		const struct seclog_sd_param *p = &m->params[k];
		long n;

		check_slice(in, len, p->name, 32);
		check_slice(in, len, p->value, len);
		if (p->value.n >= sizeof(val))
			continue;
		n = seclog_sd_unescape(p->value, val, sizeof(val));
		if (n < 0 || (size_t)n > p->value.n || !sk_utf8_valid(val, (size_t)n))
			abort();
	}
}

#endif
