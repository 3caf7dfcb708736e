/*
 * Strict JSON parsing over jansson and RFC 8785 (JCS) serialisation, in our
 * integer-only profile: the bytes we hash must be reproducible by anyone, and
 * integers within ±2^53 need no number-formatting algorithm to agree on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * Depth counts containers: a scalar is depth 0, [] and {} are depth 1. The
 * serialiser recurses, so it has its own fixed bound; the depth check caps at
 * jansson's parser limit, since no parsed value can be deeper.
 */
#define CANON_MAX_DEPTH 64
#define HARD_MAX_DEPTH  2048

/* Members sorted on the stack up to this many; larger objects use the heap. */
#define SMALL_OBJECT 16

/* ---- UTF-8 ---- */

/*
 * Length of the well-formed sequence at s (Unicode Table 3-7), or 0. The
 * second-byte ranges are what exclude overlongs, surrogates and > U+10FFFF.
 * Validation only: the canonical writer's loop needs no code points.
 */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	}
	return len;
}

size_t sk_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const unsigned char lead_mask[5] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	size_t n = len ? utf8_seq(s, len) : 0;
	uint32_t c;

	if (n == 0)
		return 0;
	c = s[0] & lead_mask[n];
	for (size_t i = 1; i < n; i++)
		c = c << 6 | (s[i] & 0x3f);
	*cp = c;
	return n;
}

bool sk_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n;

		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_seq(p + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/*
 * jansson's iteration API takes a non-const object but only reads it; the
 * round trip through uintptr_t keeps -Wcast-qual meaningful elsewhere.
 */
static json_t *unconst(const json_t *v)
{
	return (json_t *)(uintptr_t)v;
}

/* ---- depth ---- */

static bool depth_ok(const json_t *v, int left)
{
	if (!json_is_object(v) && !json_is_array(v))
		return true;
	if (left < 1)
		return false;
	if (json_is_array(v)) {
		size_t n = json_array_size(v);

		for (size_t i = 0; i < n; i++) {
			if (!depth_ok(json_array_get(v, i), left - 1))
				return false;
		}
		return true;
	}
	for (void *it = json_object_iter(unconst(v)); it;
	     it = json_object_iter_next(unconst(v), it)) {
		if (!depth_ok(json_object_iter_value(it), left - 1))
			return false;
	}
	return true;
}

bool sk_json_depth_ok(const json_t *v, int max_depth)
{
	if (!v)
		return false;
	return depth_ok(v, max_depth < HARD_MAX_DEPTH ? max_depth : HARD_MAX_DEPTH);
}

/* ---- parsing ---- */

/* One step of the path to a value, kept on the walker's stack. */
struct path_seg {
	const struct path_seg *up;
	const char *key; /* member name, or NULL for an array element */
	size_t index;
};

struct parse_err {
	char *field;
	size_t field_cap;
	char *msg;
	size_t msg_cap;
};

/* Appends s to a fixed, always-terminated buffer, truncating silently. */
static void fixed_append(char *dst, size_t cap, const char *s)
{
	size_t have, n;

	if (cap == 0)
		return;
	have = strnlen(dst, cap - 1);
	n = strlen(s);
	if (n > cap - 1 - have)
		n = cap - 1 - have;
	memcpy(dst + have, s, n);
	dst[have + n] = '\0';
}

/* Writes the path root first: "data.items[3]"; a top-level member is just its name. */
static void path_write(const struct path_seg *seg, char *dst, size_t cap)
{
	char idx[32];

	if (!seg)
		return;
	path_write(seg->up, dst, cap);
	if (seg->key) {
		if (seg->up)
			fixed_append(dst, cap, ".");
		fixed_append(dst, cap, seg->key);
	} else {
		snprintf(idx, sizeof(idx), "[%zu]", seg->index);
		fixed_append(dst, cap, idx);
	}
}

static void fail_at(struct parse_err *pe, const struct path_seg *seg, const char *msg)
{
	if (pe->field && pe->field_cap) {
		pe->field[0] = '\0';
		path_write(seg, pe->field, pe->field_cap);
	}
	if (pe->msg && pe->msg_cap)
		snprintf(pe->msg, pe->msg_cap, "%s", msg);
}

/*
 * The rules jansson does not enforce: integers only, within ±2^53, and the
 * nesting bound. Recursion is bounded by the depth the pre-scan allowed.
 */
static bool check_value(const json_t *v, int left, const struct path_seg *seg, struct parse_err *pe)
{
	struct path_seg child = {seg, NULL, 0};

	switch (json_typeof(v)) {
	case JSON_REAL:
		fail_at(pe, seg, "only integers are allowed (no fraction or exponent)");
		return false;
	case JSON_INTEGER:
		if (json_integer_value(v) > SK_JSON_MAX_INT ||
		    json_integer_value(v) < -SK_JSON_MAX_INT) {
			fail_at(pe, seg, "integer outside ±2^53");
			return false;
		}
		return true;
	case JSON_ARRAY:
		if (left < 1) {
			fail_at(pe, seg, "nested too deeply");
			return false;
		}
		for (size_t i = 0; i < json_array_size(v); i++) {
			child.index = i;
			if (!check_value(json_array_get(v, i), left - 1, &child, pe))
				return false;
		}
		return true;
	case JSON_OBJECT:
		if (left < 1) {
			fail_at(pe, seg, "nested too deeply");
			return false;
		}
		for (void *it = json_object_iter(unconst(v)); it;
		     it = json_object_iter_next(unconst(v), it)) {
			child.key = json_object_iter_key(it);
			if (!check_value(json_object_iter_value(it), left - 1, &child, pe))
				return false;
		}
		return true;
	default:
		return true;
	}
}

/*
 * Bounds nesting before jansson builds anything, so a deep input costs one
 * linear scan. For well-formed text this is the exact depth; malformed text
 * is left for jansson to reject.
 */
static bool text_too_deep(const char *s, size_t n, int max_depth)
{
	bool in_str = false, esc = false;
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max_depth)
				return true;
		} else if (c == ']' || c == '}') {
			if (--depth < 0)
				return false;
		}
	}
	return false;
}

json_t *sk_json_parse(const char *text, size_t len, int max_depth, char *err_field,
                      size_t err_field_cap, char *err_msg, size_t err_msg_cap)
{
	struct parse_err pe = {err_field, err_field_cap, err_msg, err_msg_cap};
	json_error_t jerr;
	json_t *root = NULL;
	char msg[256];

	fail_at(&pe, NULL, "");
	if (!text && len) {
		fail_at(&pe, NULL, "no text");
		goto out_fail;
	}
	if (!sk_utf8_valid(text, len)) {
		fail_at(&pe, NULL, "invalid UTF-8");
		goto out_fail;
	}
	/* Never valid JSON, and a C-string reader could stop at it. */
	if (len && memchr(text, '\0', len)) {
		fail_at(&pe, NULL, "NUL byte in text");
		goto out_fail;
	}
	if (max_depth < 0 || text_too_deep(text, len, max_depth)) {
		snprintf(msg, sizeof(msg), "nested deeper than %d", max_depth);
		fail_at(&pe, NULL, msg);
		goto out_fail;
	}
	/* jansson rejects \u0000 and lone surrogate escapes unless asked not to. */
	root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!root) {
		snprintf(msg, sizeof(msg), "%s (line %d, column %d)", jerr.text, jerr.line,
		         jerr.column);
		fail_at(&pe, NULL, msg);
		goto out_fail;
	}
	if (!check_value(root, max_depth, NULL, &pe)) {
		json_decref(root);
		root = NULL;
	}
out_fail:
	return root;
}

/* ---- canonical serialisation ---- */

/*
 * Output is staged in a small array and handed to the buf in chunks: an
 * entry's data is mostly short tokens, and a buf_append per token was the
 * larger part of encoding time. The buf's error is kept in rc, sticky.
 */
struct out {
	struct buf *b;
	int rc;
	size_t n;
	char tmp[512];
};

static void out_flush(struct out *o)
{
	if (o->n && o->rc == SK_OK)
		o->rc = buf_append(o->b, o->tmp, o->n);
	o->n = 0;
}

static inline void out_put(struct out *o, const void *p, size_t len)
{
	if (len > sizeof(o->tmp) - o->n) {
		out_flush(o);
		if (len > sizeof(o->tmp)) {
			if (o->rc == SK_OK)
				o->rc = buf_append(o->b, p, len);
			return;
		}
	}
	memcpy(o->tmp + o->n, p, len);
	o->n += len;
}

static inline void out_putc(struct out *o, char c)
{
	if (o->n == sizeof(o->tmp))
		out_flush(o);
	o->tmp[o->n++] = c;
}

static int put_int(struct out *o, json_int_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	unsigned long long m;

	if (v > SK_JSON_MAX_INT || v < -SK_JSON_MAX_INT)
		return SK_EINVAL;
	m = v < 0 ? (unsigned long long)-v : (unsigned long long)v;
	do {
		tmp[--i] = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (v < 0)
		tmp[--i] = '-';
	out_put(o, tmp + i, sizeof(tmp) - i);
	return SK_OK;
}

/* RFC 8785 §3.2.2.2: only '"', '\\' and C0 controls are escaped; the rest is raw UTF-8. */
static int put_string(struct out *o, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0;
	char esc[6] = {'\\', 'u', '0', '0', 0, 0};

	out_putc(o, '"');
	while (i < len) {
		unsigned char c = p[i];
		const char *e = NULL;
		size_t elen = 2;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t n = utf8_seq(p + i, len - i);

			if (n == 0)
				return SK_EINVAL;
			i += n;
			continue;
		}
		switch (c) {
		case '\0':
			return SK_EINVAL;
		case '"':
			e = "\\\"";
			break;
		case '\\':
			e = "\\\\";
			break;
		case '\b':
			e = "\\b";
			break;
		case '\t':
			e = "\\t";
			break;
		case '\n':
			e = "\\n";
			break;
		case '\f':
			e = "\\f";
			break;
		case '\r':
			e = "\\r";
			break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			e = esc;
			elen = 6;
			break;
		}
		out_put(o, s + run, i - run);
		out_put(o, e, elen);
		run = ++i;
	}
	out_put(o, s + run, i - run);
	out_putc(o, '"');
	return SK_OK;
}

struct member {
	const char *key;
	size_t klen;
	const json_t *val;
};

/*
 * RFC 8785 §3.2.3 orders names by UTF-16 code units. UTF-8 byte order is
 * code point order, which agrees except that supplementary characters
 * (surrogates 0xD800..) sort before U+E000..U+FFFF in UTF-16. So compare
 * bytes, and only where the first difference starts a character whose lead
 * bytes are F0..F4 against EE..EF, flip the answer. Keys are valid UTF-8.
 */
static int member_cmp(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	size_t i = 0;
	unsigned char ca, cb;

	while (i < n && a->key[i] == b->key[i])
		i++;
	if (i == n)
		return a->klen < b->klen ? -1 : a->klen > b->klen;
	ca = (unsigned char)a->key[i];
	cb = (unsigned char)b->key[i];
	if (ca >= 0xF0 && (cb == 0xEE || cb == 0xEF))
		return -1;
	if (cb >= 0xF0 && (ca == 0xEE || ca == 0xEF))
		return 1;
	return ca < cb ? -1 : 1;
}

static int put_value(const json_t *v, struct out *o, int depth);

static int put_array(const json_t *v, struct out *o, int depth)
{
	size_t n = json_array_size(v);
	int rc = SK_OK;

	out_putc(o, '[');
	for (size_t i = 0; rc == SK_OK && i < n; i++) {
		if (i)
			out_putc(o, ',');
		rc = put_value(json_array_get(v, i), o, depth + 1);
	}
	out_putc(o, ']');
	return rc;
}

static int put_object(const json_t *v, struct out *o, int depth)
{
	struct member small[SMALL_OBJECT];
	struct member *m = small;
	size_t n = json_object_size(v), k = 0;
	int rc = SK_OK;

	if (n > SMALL_OBJECT) {
		m = calloc(n, sizeof(*m));
		if (!m)
			return SK_ENOMEM;
	}
	for (void *it = json_object_iter(unconst(v)); it && k < n;
	     it = json_object_iter_next(unconst(v), it), k++) {
		m[k].key = json_object_iter_key(it);
		m[k].klen = json_object_iter_key_len(it);
		m[k].val = json_object_iter_value(it);
		/* The comparison below relies on it. */
		if (!sk_utf8_valid(m[k].key, m[k].klen)) {
			rc = SK_EINVAL;
			goto out_free;
		}
	}
	if (k <= SMALL_OBJECT) {
		/* Insertion sort: for the usual handful of members, faster than qsort's calls. */
		for (size_t i = 1; i < k; i++) {
			struct member x = m[i];
			size_t j = i;

			while (j > 0 && member_cmp(&m[j - 1], &x) > 0) {
				m[j] = m[j - 1];
				j--;
			}
			m[j] = x;
		}
	} else {
		qsort(m, k, sizeof(*m), member_cmp);
	}
	out_putc(o, '{');
	for (size_t i = 0; rc == SK_OK && i < k; i++) {
		if (i)
			out_putc(o, ',');
		rc = put_string(o, m[i].key, m[i].klen);
		out_putc(o, ':');
		if (rc == SK_OK)
			rc = put_value(m[i].val, o, depth + 1);
	}
	out_putc(o, '}');
out_free:
	if (m != small)
		free(m);
	return rc;
}

static int put_value(const json_t *v, struct out *o, int depth)
{
	if (!v)
		return SK_EINVAL;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (depth >= CANON_MAX_DEPTH)
			return SK_EINVAL;
		return put_object(v, o, depth);
	case JSON_ARRAY:
		if (depth >= CANON_MAX_DEPTH)
			return SK_EINVAL;
		return put_array(v, o, depth);
	case JSON_STRING:
		return put_string(o, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return put_int(o, json_integer_value(v));
	case JSON_TRUE:
		out_put(o, "true", 4);
		return SK_OK;
	case JSON_FALSE:
		out_put(o, "false", 5);
		return SK_OK;
	case JSON_NULL:
		out_put(o, "null", 4);
		return SK_OK;
	default:
		/* JSON_REAL: JCS number formatting is outside our profile. */
		return SK_EINVAL;
	}
}

int sk_json_canonical(const json_t *v, struct buf *out)
{
	struct out o;
	size_t start = out->len;
	int rc;

	if (out->err)
		return out->err;
	o.b = out;
	o.rc = SK_OK;
	o.n = 0;
	rc = put_value(v, &o, 0);
	if (rc == SK_OK) {
		out_flush(&o);
		rc = o.rc;
	}
	/* A rejected value leaves no half-written output behind. */
	if (rc != SK_OK && !out->err) {
		out->len = start;
		if (out->ptr)
			out->ptr[start] = '\0';
	}
	return rc;
}
