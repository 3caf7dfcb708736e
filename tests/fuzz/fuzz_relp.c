/*
 * libFuzzer target for our RELP server's parser and session rules
 * (seclog/relp.h). The first byte chooses a small max_data and how the
 * rest arrives in reads; the stream is parsed as the receiver does (in
 * place, a growing window) and whole. Both must give the same frames and
 * the same error; a frame never exceeds its bounds or the input; the
 * session never writes more than RELP_RSP_MAX per frame (plus the open's
 * answer) into a bounded buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seclog/relp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	uint64_t hash, frames;
	int err;
};

static void mix(uint64_t *h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ (uint8_t)p[i]) * 1099511628211u;
	*h = (*h ^ n) * 1099511628211u;
}

static void check_frame(const char *base, size_t len, const struct relp_frame *f, size_t used,
                        size_t max)
{
	if (used == 0 || used > len || f->txnr == 0 || f->txnr > RELP_TXNR_MAX)
		abort();
	if (f->cmd.n == 0 || f->cmd.n > RELP_CMD_MAX || f->cmd.p < base ||
	    f->cmd.p + f->cmd.n > base + used)
		abort();
	if (f->data.n > max ||
	    (f->data.n && (f->data.p < base || f->data.p + f->data.n >= base + used)))
		abort();
	if (base[used - 1] != '\n')
		abort();
}

/* Reads arrive in chunks of 1..13 (split != 0) into a window that grows. */
static void parse(const char *in, size_t len, size_t max, unsigned split, struct run *r)
{
	struct relp_session s = {0};
	struct buf out;
	size_t off = 0, avail = 0, step = 0;

	buf_init(&out, 1 << 20);
	*r = (struct run){.hash = 1469598103934665603u};
	while (off < len) {
		struct relp_frame f = {0};
		size_t used, before;
		int err, rc;

		avail = split ? avail + 1 + (step++ * split) % 13 : len;
		if (avail > len)
			avail = len;
		rc = relp_frame_parse(in + off, avail - off, max, &f, &used, &err);
		if (rc == 0) {
			if (avail == len)
				break;
			continue;
		}
		if (rc < 0) {
			r->err = err;
			if (err == RELP_E_TOO_BIG &&
			    (used == 0 || used > avail - off || f.data.n <= max))
				abort();
			break;
		}
		check_frame(in + off, avail - off, &f, used, max);
		mix(&r->hash, in + off, used);
		r->frames++;
		before = out.len;
		(void)relp_session_frame(&s, &f, &out, NULL);
		if (out.len - before > 2 * RELP_RSP_MAX)
			abort();
		off += used;
	}
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, split;
	size_t max;
	unsigned sp;

	if (size < 1)
		return 0;
	max = (size_t)(data[0] & 0x1f) * 16; /* 0..496: the bound is reached often */
	sp = 1 + (data[0] >> 5);
	parse((const char *)data + 1, size - 1, max, 0, &whole);
	parse((const char *)data + 1, size - 1, max, sp, &split);
	if (whole.hash != split.hash || whole.frames != split.frames || whole.err != split.err)
		abort();
	return 0;
}
