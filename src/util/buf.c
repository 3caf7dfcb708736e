/* Bounded byte buffers: every append is checked against the buffer's max. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void buf_init(struct buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->err = SK_OK;
}

void buf_release(struct buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = SK_OK;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
	b->err = SK_OK;
}

/* Makes room for extra more bytes plus the terminator. */
static int buf_grow(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->err)
		return b->err;
	if (!sk_add_ok(b->len, extra, &need) || need > b->max) {
		b->err = SK_ETOOBIG;
		return b->err;
	}
	if (need < b->cap)
		return SK_OK;
	cap = b->cap ? b->cap : 64;
	while (cap <= need) {
		if (cap > SIZE_MAX / 2) {
			cap = need + 1;
			break;
		}
		cap *= 2;
	}
	p = realloc(b->ptr, cap);
	if (!p) {
		b->err = SK_ENOMEM;
		return b->err;
	}
	b->ptr = p;
	b->cap = cap;
	return SK_OK;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
	int rc = buf_grow(b, len);

	if (rc)
		return rc;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return SK_OK;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	int rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = b->err ? b->err : SK_EINVAL;
		return b->err;
	}
	rc = buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return SK_OK;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->ptr;

	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = SK_OK;
	return p;
}

void *sk_array_room(void *arr, size_t *cap, size_t n, size_t elem)
{
	size_t nc;
	void *x;

	if (n < *cap)
		return arr;
	nc = *cap ? *cap * 2 : 16;
	if (nc < *cap || nc > SIZE_MAX / elem)
		return NULL;
	x = realloc(arr, nc * elem);
	if (x)
		*cap = nc;
	return x;
}
