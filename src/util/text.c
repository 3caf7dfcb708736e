/*
 * Text hygiene shared by every layer: which code points never belong in
 * stored text (control characters, bidi overrides), what counts as blank, the
 * spreadsheet formula guard's notion of leading space, and a sanitiser for
 * free text we do not control (a client's User-Agent).
 */
#include <string.h>

#include "util/util.h"

bool sk_cp_forbidden(uint32_t cp)
{
	/* C0, DEL and C1: terminal escapes, NEL as a line break some readers honour. */
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return true;
	/* Bidi embeddings and overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI):
	 * they reorder what a reader sees ("Trojan source"); Swedish text never needs them. */
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

bool sk_cp_space(uint32_t cp)
{
	switch (cp) {
	case ' ':
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
	case 0x85:   /* NEL */
	case 0xa0:   /* no-break space */
	case 0x1680: /* ogham space mark */
	case 0x180e: /* Mongolian vowel separator (a space before Unicode 6.3) */
	case 0x2028: /* line separator */
	case 0x2029: /* paragraph separator */
	case 0x202f: /* narrow no-break space */
	case 0x205f: /* medium mathematical space */
	case 0x3000: /* ideographic space */
	case 0xfeff: /* BOM / zero-width no-break space */
		return true;
	default:
		/* en quad .. hair space, and the zero-width space */
		return cp >= 0x2000 && cp <= 0x200b;
	}
}

size_t sk_text_skip_space(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = sk_utf8_next(p + i, len - i, &cp);

		if (n == 0 || !sk_cp_space(cp))
			break;
		i += n;
	}
	return i;
}

bool sk_text_blank(const char *s, size_t len)
{
	/* invalid UTF-8 stops the skip, so it is not blank: the caller refuses it anyway */
	return sk_text_skip_space(s, len) == len;
}

size_t sk_text_sanitize_line(const char *in, size_t in_len, size_t max, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0;

	if (!out || cap == 0)
		return 0;
	if (max > cap - 1)
		max = cap - 1;
	while (in && i < in_len) {
		uint32_t cp;
		size_t n = sk_utf8_next(p + i, in_len - i, &cp);

		if (n == 0) {
			/* not UTF-8: one byte becomes '?' */
			n = 1;
			cp = '?';
		} else if (sk_cp_forbidden(cp)) {
			cp = ' ';
		}
		if (cp == '?' || cp == ' ') {
			if (o + 1 > max)
				break;
			out[o++] = (char)cp;
		} else {
			/* whole sequences only: the cut is at a UTF-8 boundary */
			if (o + n > max)
				break;
			memcpy(out + o, p + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return o;
}

void sk_client_sanitize(const char *client, char out[SK_CLIENT_MAX + 1])
{
	/* Each output byte takes at most 4 input bytes: reading more would be wasted. */
	size_t len = client ? strnlen(client, 4 * SK_CLIENT_MAX) : 0;

	sk_text_sanitize_line(client, len, SK_CLIENT_MAX, out, SK_CLIENT_MAX + 1);
}
