/*
 * RFC 6587 frame splitter for syslog over TCP and TLS (RFC 5425 mandates
 * octet counting). Incremental: the stream may arrive split anywhere. One
 * buffer of max_frame bytes per connection, allocated at init; a frame that
 * arrives whole in one read is handed out in place, without a copy.
 */
#include <stdlib.h>
#include <string.h>

#include "seclog/parse.h"
#include "util/util.h"

enum { ST_START, ST_LEN, ST_BODY, ST_LINE, ST_FAILED };

int seclog_framer_init(struct seclog_framer *f, size_t max_frame, unsigned flags)
{
	*f = (struct seclog_framer){.state = ST_START};
	if (max_frame == 0)
		max_frame = SECLOG_FRAME_DEFAULT;
	if (max_frame > SECLOG_FRAME_HARD_MAX)
		return SK_ERANGE;
	if (flags & ~SECLOG_FRAME_ALLOW_LF)
		return SK_EINVAL;
	f->buf = malloc(max_frame);
	if (!f->buf)
		return SK_ENOMEM;
	f->max_frame = max_frame;
	f->flags = flags;
	return SK_OK;
}

void seclog_framer_release(struct seclog_framer *f)
{
	if (!f)
		return;
	free(f->buf);
	*f = (struct seclog_framer){.state = ST_FAILED, .err = SECLOG_E_FRAME_TRUNCATED};
}

/* The stream is unusable from here on: RFC 6587 has no resynchronisation. */
static int fail(struct seclog_framer *f, int err, size_t i, size_t *used)
{
	f->state = ST_FAILED;
	f->err = err;
	f->consumed += i;
	*used = i;
	return -1;
}

static int deliver(struct seclog_framer *f, size_t i, size_t *used)
{
	f->state = ST_START;
	f->frames++;
	f->consumed += i;
	*used = i;
	return 1;
}

/* Octet-counted body: in place when it all arrived in this call, else via buf. */
static int feed_body(struct seclog_framer *f, const char *data, size_t len, size_t *i,
                     struct seclog_slice *frame)
{
	size_t avail = len - *i, need = f->want - f->have, n;

	if (f->have == 0 && avail >= need) {
		*frame = (struct seclog_slice){.p = data + *i, .n = need};
		*i += need;
		return 1;
	}
	n = avail < need ? avail : need;
	memcpy(f->buf + f->have, data + *i, n);
	f->have += n;
	*i += n;
	if (f->have < f->want)
		return 0;
	*frame = (struct seclog_slice){.p = f->buf, .n = f->have};
	return 1;
}

/* Non-transparent frame: up to LF (not included), never more than max_frame. */
static int feed_line(struct seclog_framer *f, const char *data, size_t len, size_t *i,
                     struct seclog_slice *frame)
{
	const char *start = data + *i;
	const char *lf = memchr(start, '\n', len - *i);
	size_t n = lf ? (size_t)(lf - start) : len - *i;

	if (n > f->max_frame - f->have) {
		/* Report the first byte past the limit, however the line was split. */
		*i += f->max_frame - f->have;
		return -1;
	}
	if (lf && f->have == 0) {
		*frame = (struct seclog_slice){.p = start, .n = n};
		*i += n + 1;
		return 1;
	}
	memcpy(f->buf + f->have, start, n);
	f->have += n;
	*i += n;
	if (!lf)
		return 0;
	(*i)++;
	*frame = (struct seclog_slice){.p = f->buf, .n = f->have};
	return 1;
}

int seclog_framer_feed(struct seclog_framer *f, const char *data, size_t len, size_t *used,
                       struct seclog_slice *frame)
{
	size_t i = 0;
	int rc;

	*frame = (struct seclog_slice){0};
	if (f->state == ST_FAILED) {
		*used = 0;
		return -1;
	}
	while (i < len) {
		char c = data[i];

		switch (f->state) {
		case ST_START:
			if (c >= '1' && c <= '9') {
				f->want = (size_t)(c - '0');
				f->ndigits = 1;
				f->state = ST_LEN;
				/* Even one digit can exceed a tiny max_frame: the buffer holds no
				 * more. */
				if (f->want > f->max_frame)
					return fail(f, SECLOG_E_FRAME_TOO_BIG, i, used);
				i++;
			} else if (!(f->flags & SECLOG_FRAME_ALLOW_LF)) {
				return fail(f, SECLOG_E_FRAME_PREFIX, i, used);
			} else if (c == '\n') {
				i++; /* an empty line between frames carries nothing */
			} else {
				f->state = ST_LINE;
				f->have = 0;
			}
			break;
		case ST_LEN:
			if (c == ' ') {
				f->state = ST_BODY;
				f->have = 0;
				i++;
				break;
			}
			if (c < '0' || c > '9')
				return fail(f, SECLOG_E_FRAME_PREFIX, i, used);
			if (++f->ndigits > SECLOG_FRAME_MAX_DIGITS)
				return fail(f, SECLOG_E_FRAME_DIGITS, i, used);
			/* Refused as soon as it is too big: never wait for a body we will not keep.
			 */
			f->want = f->want * 10 + (size_t)(c - '0');
			if (f->want > f->max_frame)
				return fail(f, SECLOG_E_FRAME_TOO_BIG, i, used);
			i++;
			break;
		case ST_BODY:
			if (feed_body(f, data, len, &i, frame))
				return deliver(f, i, used);
			break;
		case ST_LINE:
			rc = feed_line(f, data, len, &i, frame);
			if (rc < 0)
				return fail(f, SECLOG_E_FRAME_TOO_BIG, i, used);
			if (rc)
				return deliver(f, i, used);
			break;
		default:
			return fail(f, SECLOG_E_FRAME_TRUNCATED, i, used);
		}
	}
	f->consumed += i;
	*used = i;
	return 0;
}

int seclog_framer_eof(struct seclog_framer *f)
{
	if (f->state == ST_FAILED)
		return f->err;
	if (f->state != ST_START) {
		f->state = ST_FAILED;
		f->err = SECLOG_E_FRAME_TRUNCATED;
		return f->err;
	}
	return SECLOG_OK;
}
