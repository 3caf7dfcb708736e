/* Base64 and hex, strict, over libsodium's constant-time codecs. */
#include <string.h>

#include <sodium.h>

#include "util.h"

int sk_base64_encode(const uint8_t *in, size_t n, char *out, size_t out_cap)
{
	if (out_cap < sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL))
		return SK_ETOOBIG;
	sodium_bin2base64(out, out_cap, in, n, sodium_base64_VARIANT_ORIGINAL);
	return SK_OK;
}

int sk_base64_decode(const char *in, size_t len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	size_t got = 0;
	const char *end = NULL;

	/* Padding is required: the encoded length is a multiple of 4. */
	if (len % 4 != 0)
		return SK_EINVAL;
	/*
	 * libsodium 1.0.18 decodes bytes >= 0x80 as if they were '/', so check
	 * the alphabet first: one value, one encoding.
	 */
	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/' || (c == '=' && i >= len - 2)))
			return SK_EINVAL;
	}
	if (sodium_base642bin(out, out_cap, in, len, NULL, &got, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return SK_EINVAL;
	if (end != in + len)
		return SK_EINVAL;
	if (out_len)
		*out_len = got;
	else if (got != out_cap)
		return SK_EINVAL;
	return SK_OK;
}

int sk_hex_encode(const uint8_t *in, size_t n, char *out, size_t out_cap)
{
	size_t need;

	if (!sk_mul_ok(n, 2, &need) || need >= out_cap)
		return SK_ETOOBIG;
	sodium_bin2hex(out, out_cap, in, n);
	return SK_OK;
}

int sk_hex_decode(const char *in, size_t len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	size_t got = 0;
	const char *end = NULL;

	if (len % 2 != 0)
		return SK_EINVAL;
	if (sodium_hex2bin(out, out_cap, in, len, NULL, &got, &end) != 0)
		return SK_EINVAL;
	if (end != in + len)
		return SK_EINVAL;
	if (out_len)
		*out_len = got;
	else if (got != out_cap)
		return SK_EINVAL;
	return SK_OK;
}
