/*
 * libFuzzer target for the RFC 6587 framer (seclog/parse.h). The first byte
 * chooses the flags, a small max_frame and how the rest is split into
 * reads; the same stream is also fed whole. Both runs must yield the same
 * frames, the same error at the same offset, frames never over max_frame,
 * and every frame goes through both parsers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "syslog_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	uint64_t hash, frames, consumed;
	int err;
};

/* FNV-1a over every frame and its length: cheap equality of two runs. */
static void mix(uint64_t *h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ (uint8_t)p[i]) * 1099511628211u;
	*h = (*h ^ n) * 1099511628211u;
}

static void feed(const char *in, size_t len, size_t max, unsigned flags, unsigned split,
                 struct run *r)
{
	struct seclog_framer f;
	size_t off = 0, step = 0;

	if (seclog_framer_init(&f, max, flags) != SK_OK)
		abort();
	*r = (struct run){.hash = 1469598103934665603u};
	while (off < len) {
		size_t chunk = split ? 1 + (step++ * split) % 13 : len - off;
		size_t used;

		if (chunk > len - off)
			chunk = len - off;
		while (chunk) {
			struct seclog_slice fr;
			struct seclog_parsed m;
			int rc = seclog_framer_feed(&f, in + off, chunk, &used, &fr);

			if (used > chunk)
				abort();
			off += used;
			chunk -= used;
			if (rc < 0)
				goto out_done;
			if (rc == 0 && chunk)
				abort();
			if (rc == 1) {
				if (fr.n > f.max_frame)
					abort();
				mix(&r->hash, fr.p, fr.n);
				check_result(fr.p, fr.n,
				             seclog_parse(fr.p, fr.n, true, 2026, 60, &m), &m);
			}
		}
	}
	(void)seclog_framer_eof(&f);
out_done:
	r->frames = f.frames;
	r->consumed = f.consumed;
	r->err = f.err;
	seclog_framer_release(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, split;
	unsigned flags, sp;
	size_t max;

	if (size < 1)
		return 0;
	flags = data[0] & 1 ? SECLOG_FRAME_ALLOW_LF : 0;
	max = (size_t)(data[0] >> 1) * 64 + 1; /* 1..8129: small, so the bounds are reached */
	sp = 1 + (data[0] >> 5);
	feed((const char *)data + 1, size - 1, max, flags, 0, &whole);
	feed((const char *)data + 1, size - 1, max, flags, sp, &split);
	if (whole.hash != split.hash || whole.frames != split.frames || whole.err != split.err ||
	    whole.consumed != split.consumed)
		abort();
	return 0;
}
