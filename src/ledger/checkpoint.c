/*
 * C2SP tlog-checkpoint bodies: "origin\nsize\nbase64(root)\n" plus optional
 * extension lines. Parsing is strict so that one tree state has exactly one
 * accepted text.
 */
#include <inttypes.h>
#include <string.h>

#include "ledger/ledger.h"
#include "ledger/tlog_int.h"

#define CHECKPOINT_ROOT_B64_LEN 44 /* base64 of 32 bytes, padded */
#define CHECKPOINT_SIZE_DIGITS  20 /* UINT64_MAX has 20 decimal digits */

/* Valid UTF-8 with no ASCII control characters (newline included) and no DEL. */
static bool checkpoint_line_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	size_t i = 0, n;

	while (i < len) {
		n = sk_utf8_next(p + i, len - i, &c);
		if (n == 0 || c < 0x20 || c == 0x7f)
			return false;
		i += n;
	}
	return true;
}

static bool checkpoint_origin_ok(const char *s, size_t len)
{
	return len >= 1 && len <= LEDGER_ORIGIN_MAX && s[0] != ' ' && !memchr(s, '+', len) &&
	       checkpoint_line_ok(s, len);
}

bool ledger_origin_valid(const char *origin)
{
	return origin && checkpoint_origin_ok(origin, strnlen(origin, LEDGER_ORIGIN_MAX + 1));
}

int ledger_checkpoint_body(const struct ledger_checkpoint *c, struct buf *out)
{
	char b64[CHECKPOINT_ROOT_B64_LEN + 1];
	int rc = SK_EINVAL;

	if (!ledger_origin_valid(c->origin))
		goto out;
	rc = sk_base64_encode(c->root, LEDGER_HASH_LEN, b64, sizeof(b64));
	if (rc != SK_OK)
		goto out;
	rc = buf_printf(out, "%s\n%" PRIu64 "\n%s\n", c->origin, c->size, b64);
out:
	return rc;
}

/* Decimal without sign or leading zeros ("0" itself is fine), within uint64. */
static bool checkpoint_parse_size(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	unsigned d;
	size_t i;

	if (len == 0 || len > CHECKPOINT_SIZE_DIGITS || (len > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/*
 * Takes the next newline-terminated line from [*p, end); a last line without
 * its newline is refused, since a body always ends in one.
 */
static bool checkpoint_next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (!nl)
		return false;
	*line = *p;
	*len = (size_t)(nl - *p);
	*p = nl + 1;
	return true;
}

int ledger_checkpoint_parse(const char *text, size_t len, struct ledger_checkpoint *out)
{
	struct ledger_checkpoint c;
	const char *p = text, *end = text + len, *line;
	size_t n;
	int rc = SK_EINVAL;

	memset(&c, 0, sizeof(c));
	if (!checkpoint_next_line(&p, end, &line, &n) || !checkpoint_origin_ok(line, n))
		goto out;
	memcpy(c.origin, line, n);
	c.origin[n] = '\0';
	if (!checkpoint_next_line(&p, end, &line, &n) || !checkpoint_parse_size(line, n, &c.size))
		goto out;
	if (!checkpoint_next_line(&p, end, &line, &n) || n != CHECKPOINT_ROOT_B64_LEN ||
	    sk_base64_decode(line, n, c.root, LEDGER_HASH_LEN, NULL) != SK_OK)
		goto out;
	/* Extension lines: opaque to us, but each must be a non-empty line of text. */
	while (p < end) {
		if (!checkpoint_next_line(&p, end, &line, &n) || n == 0 ||
		    !checkpoint_line_ok(line, n))
			goto out;
	}
	*out = c;
	rc = SK_OK;
out:
	return rc;
}

int ledger_checkpoint_open(const char *note, size_t len, const struct ledger_verifier *v,
                           struct ledger_checkpoint *out)
{
	size_t text_len = 0;
	int rc;

	rc = ledger_note_open(note, len, v, 1, &text_len);
	if (rc != SK_OK)
		goto out;
	rc = ledger_checkpoint_parse(note, text_len, out);
out:
	return rc;
}
