/*
 * Ledger entries: the canonical bytes that are hashed into the tree, and
 * the strict decoder that accepts only those bytes. Encoding is on the
 * append path, so it writes the fixed envelope directly instead of building
 * a json_t for it.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"

/* data may nest this deep; the envelope adds one level around it. */
#define ENTRY_DATA_MAX_DEPTH 32

static bool kind_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool ledger_kind_valid(const char *kind)
{
	size_t i = 0;

	if (!kind)
		return false;
	for (;;) {
		size_t seg = i;

		while (i <= LEDGER_KIND_MAX && kind_char(kind[i]))
			i++;
		if (i == seg || i > LEDGER_KIND_MAX)
			return false;
		if (kind[i] == '\0')
			return true;
		if (kind[i] != '.')
			return false;
		i++;
	}
}

bool ledger_object_valid(const char *object)
{
	size_t i;

	if (!object)
		return false;
	for (i = 0; object[i] != '\0'; i++) {
		char c = object[i];

		if (i >= LEDGER_OBJECT_MAX)
			return false;
		if (!kind_char(c) && c != '.' && c != '/' && c != '-')
			return false;
	}
	return true;
}

/* Writes a non-negative integer below 2^64 in decimal. */
static int put_uint(struct buf *out, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return buf_append(out, tmp + i, sizeof(tmp) - i);
}

static bool entry_valid(const struct ledger_entry *e)
{
	return ledger_kind_valid(e->kind) && ledger_object_valid(e->object) && e->actor >= 0 &&
	       e->actor < SK_JSON_MAX_INT && e->seq >= 1 && e->seq <= (uint64_t)SK_JSON_MAX_INT &&
	       json_is_object(e->data) && sk_json_depth_ok(e->data, ENTRY_DATA_MAX_DEPTH);
}

/*
 * The members are written in their canonical (sorted) order; kind, object
 * and time are restricted to characters JCS never escapes.
 */
int ledger_entry_encode(const struct ledger_entry *e, struct buf *out)
{
	char tbuf[SK_TIME_LEN + 1];
	size_t start = out->len;
	int rc;

	if (out->err)
		return out->err;
	if (!entry_valid(e) || sk_time_format(e->time_us, tbuf) != SK_OK)
		return SK_EINVAL;
	rc = buf_append(out, "{\"actor\":", 9);
	if (rc == SK_OK)
		rc = put_uint(out, (uint64_t)e->actor);
	if (rc == SK_OK)
		rc = buf_append(out, ",\"data\":", 8);
	if (rc == SK_OK)
		rc = sk_json_canonical(e->data, out);
	if (rc == SK_OK)
		rc = buf_append(out, ",\"kind\":\"", 9);
	if (rc == SK_OK)
		rc = buf_puts(out, e->kind);
	if (rc == SK_OK)
		rc = buf_append(out, "\",\"object\":\"", 12);
	if (rc == SK_OK)
		rc = buf_puts(out, e->object);
	if (rc == SK_OK)
		rc = buf_append(out, "\",\"seq\":", 8);
	if (rc == SK_OK)
		rc = put_uint(out, e->seq);
	if (rc == SK_OK)
		rc = buf_append(out, ",\"time\":\"", 9);
	if (rc == SK_OK)
		rc = buf_append(out, tbuf, SK_TIME_LEN);
	if (rc == SK_OK)
		rc = buf_append(out, "\"}", 2);
	/* A rejected entry (e.g. a real number in data) leaves out as it was. */
	if (rc != SK_OK && !out->err) {
		out->len = start;
		if (out->ptr)
			out->ptr[start] = '\0';
	}
	return rc;
}

/* Fills out->e from the parsed envelope; types and ranges, not canonical form. */
static int decode_fields(json_t *root, struct ledger_entry *e)
{
	json_t *actor = json_object_get(root, "actor");
	json_t *data = json_object_get(root, "data");
	json_t *kind = json_object_get(root, "kind");
	json_t *object = json_object_get(root, "object");
	json_t *seq = json_object_get(root, "seq");
	json_t *time = json_object_get(root, "time");

	if (json_object_size(root) != 6 || !json_is_integer(actor) || !json_is_object(data) ||
	    !json_is_string(kind) || !json_is_string(object) || !json_is_integer(seq) ||
	    !json_is_string(time))
		return SK_EINVAL;
	if (json_integer_value(actor) < 0 || json_integer_value(seq) < 1)
		return SK_EINVAL;
	if (sk_time_parse(json_string_value(time), json_string_length(time), &e->time_us) != SK_OK)
		return SK_EINVAL;
	e->actor = json_integer_value(actor);
	e->seq = (uint64_t)json_integer_value(seq);
	e->kind = json_string_value(kind);
	e->object = json_string_value(object);
	e->data = data;
	return SK_OK;
}

int ledger_entry_decode(const char *bytes, size_t len, struct ledger_decoded *out)
{
	struct buf again;
	int rc = SK_EINVAL;

	memset(out, 0, sizeof(*out));
	/* The re-encoding must equal the input, so it never needs more room. */
	buf_init(&again, len);
	out->root = sk_json_parse(bytes, len, ENTRY_DATA_MAX_DEPTH + 1, NULL, 0, NULL, 0);
	if (!out->root || !json_is_object(out->root))
		goto out_release;
	rc = decode_fields(out->root, &out->e);
	if (rc)
		goto out_release;
	rc = ledger_entry_encode(&out->e, &again);
	if (rc == SK_ETOOBIG ||
	    (rc == SK_OK && (again.len != len || memcmp(again.ptr, bytes, len) != 0)))
		rc = SK_EINVAL;
out_release:
	buf_release(&again);
	if (rc)
		ledger_decoded_release(out);
	return rc;
}

void ledger_decoded_release(struct ledger_decoded *d)
{
	if (!d)
		return;
	json_decref(d->root);
	memset(d, 0, sizeof(*d));
}
