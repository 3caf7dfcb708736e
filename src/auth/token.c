/*
 * Bearer secrets: session and service tokens (256 random bits, only their
 * SHA-256 stored), single-use recovery codes, and CSRF tokens bound to a
 * session by HMAC. Every comparison of secrets is constant time.
 */
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"

static bool prefix_ok(const char *prefix)
{
	size_t n;

	if (!prefix)
		return false;
	n = strnlen(prefix, AUTH_TOKEN_PREFIX_MAX + 1);
	if (n == 0 || n > AUTH_TOKEN_PREFIX_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((prefix[i] >= 'a' && prefix[i] <= 'z') || prefix[i] == '_'))
			return false;
	return true;
}

int auth_token_new(const char *prefix, char *out, size_t out_cap)
{
	uint8_t raw[AUTH_TOKEN_BYTES];
	size_t plen;
	int err = SK_EINVAL;

	if (!prefix_ok(prefix) || !out)
		goto out;
	plen = strlen(prefix);
	err = SK_ETOOBIG;
	if (out_cap < plen + AUTH_TOKEN_B64_LEN + 1)
		goto out;
	err = SK_EINTERNAL;
	if (sodium_init() < 0)
		goto out;
	randombytes_buf(raw, sizeof(raw));
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, out_cap - plen, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	err = SK_OK;
out:
	sodium_memzero(raw, sizeof(raw));
	return err;
}

static bool b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

bool auth_token_well_formed(const char *token, const char *prefix)
{
	size_t plen;

	if (!token || !prefix_ok(prefix))
		return false;
	plen = strlen(prefix);
	if (strncmp(token, prefix, plen) != 0)
		return false;
	if (strnlen(token + plen, AUTH_TOKEN_B64_LEN + 1) != AUTH_TOKEN_B64_LEN)
		return false;
	for (size_t i = 0; i < AUTH_TOKEN_B64_LEN; i++)
		if (!b64url_char(token[plen + i]))
			return false;
	/* 43 characters carry 258 bits: the last two must be zero, as the encoder makes them. */
	return strchr("AEIMQUYcgkosw048", token[plen + AUTH_TOKEN_B64_LEN - 1]) != NULL;
}

int auth_token_hash(const char *token, uint8_t out[AUTH_HASH_LEN])
{
	size_t len;

	if (!token || !out)
		return SK_EINVAL;
	len = strnlen(token, AUTH_TOKEN_SIZE);
	if (len >= AUTH_TOKEN_SIZE)
		return SK_EINVAL;
	crypto_hash_sha256(out, (const unsigned char *)token, len);
	return SK_OK;
}

bool auth_token_equal(const char *a, const char *b)
{
	uint8_t ha[crypto_hash_sha256_BYTES], hb[crypto_hash_sha256_BYTES];
	bool eq;

	if (!a || !b)
		return false;
	/* Hashing first makes the comparison independent of lengths and contents. */
	crypto_hash_sha256(ha, (const unsigned char *)a, strlen(a));
	crypto_hash_sha256(hb, (const unsigned char *)b, strlen(b));
	eq = sodium_memcmp(ha, hb, sizeof(ha)) == 0;
	sodium_memzero(ha, sizeof(ha));
	sodium_memzero(hb, sizeof(hb));
	return eq;
}

/* Crockford's base32: no i, l, o, u, so nothing is read as something else. */
static const char recovery_alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

static void recovery_code_one(char out[AUTH_RECOVERY_LEN + 1])
{
	size_t o = 0;

	for (int i = 0; i < AUTH_RECOVERY_CHARS; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		/* 32 divides 2^32: uniform, no modulo bias. */
		out[o++] = recovery_alphabet[randombytes_uniform(32)];
	}
	out[o] = '\0';
}

int auth_recovery_codes_new(char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1])
{
	if (!codes || sodium_init() < 0)
		return SK_EINTERNAL;
	for (int i = 0; i < AUTH_RECOVERY_COUNT; i++) {
		bool dup;

		/* A repeat among 10 draws of 60 bits is practically impossible, but free to rule
		 * out. */
		do {
			recovery_code_one(codes[i]);
			dup = false;
			for (int j = 0; j < i; j++)
				if (strcmp(codes[i], codes[j]) == 0)
					dup = true;
		} while (dup);
	}
	return SK_OK;
}

int auth_recovery_code_normalise(const char *in, char out[AUTH_RECOVERY_CHARS + 1])
{
	size_t n = 0;

	if (!in || !out)
		return SK_EINVAL;
	/* The bound on the input keeps a pasted novel from being walked to its end. */
	for (size_t i = 0; in[i] && i < 64; i++) {
		char c = in[i];

		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == 'o')
			c = '0';
		else if (c == 'i' || c == 'l')
			c = '1';
		if (!strchr(recovery_alphabet, c) || n == AUTH_RECOVERY_CHARS)
			goto bad;
		out[n++] = c;
	}
	if (n != AUTH_RECOVERY_CHARS || strnlen(in, 65) > 64)
		goto bad;
	out[n] = '\0';
	return SK_OK;
bad:
	sodium_memzero(out, AUTH_RECOVERY_CHARS + 1);
	return SK_EINVAL;
}

/*
 * Why SHA-256 and not argon2id: a code has 60 random bits, so guessing one
 * from its hash takes ~2^59 hashes per code, and the identity id in the input
 * stops one guess from being tried against every user at once. A recovery
 * code only stands in for TOTP, whose secret the same database must keep in
 * usable form; a slow hash would protect the codes better than the thing they
 * replace, at the price of ten argon2 runs per attempt. The tag separates
 * these hashes from any other SHA-256 in the store.
 */
int auth_recovery_code_hash(int64_t identity_id, const char *code, uint8_t out[AUTH_HASH_LEN])
{
	static const char tag[] = "skydd recovery code v1";
	crypto_hash_sha256_state st;
	char norm[AUTH_RECOVERY_CHARS + 1];
	uint8_t id_be[8];
	int err;

	err = out ? auth_recovery_code_normalise(code, norm) : SK_EINVAL;
	if (err != SK_OK)
		goto out;
	for (int i = 0; i < 8; i++)
		id_be[i] = (uint8_t)((uint64_t)identity_id >> (56 - 8 * i));
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)tag, sizeof(tag));
	crypto_hash_sha256_update(&st, id_be, sizeof(id_be));
	crypto_hash_sha256_update(&st, (const unsigned char *)norm, AUTH_RECOVERY_CHARS);
	crypto_hash_sha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
out:
	sodium_memzero(norm, sizeof(norm));
	return err;
}

int auth_csrf_token(const uint8_t session_hash[AUTH_HASH_LEN], const uint8_t key[32],
                    char out[AUTH_CSRF_LEN + 1])
{
	static const char tag[] = "skydd csrf v1";
	crypto_auth_hmacsha256_state st;
	uint8_t mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&st, key, 32);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)tag, sizeof(tag));
	crypto_auth_hmacsha256_update(&st, session_hash, AUTH_HASH_LEN);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(out, AUTH_CSRF_LEN + 1, mac, sizeof(mac),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(mac, sizeof(mac));
	return SK_OK;
}

bool auth_csrf_check(const uint8_t session_hash[AUTH_HASH_LEN], const uint8_t key[32],
                     const char *token)
{
	char want[AUTH_CSRF_LEN + 1];
	bool ok;

	/* The length is public (always 43), so only the bytes need constant time. */
	if (!token || strnlen(token, AUTH_CSRF_LEN + 1) != AUTH_CSRF_LEN)
		return false;
	auth_csrf_token(session_hash, key, want);
	ok = sodium_memcmp(want, token, AUTH_CSRF_LEN) == 0;
	sodium_memzero(want, sizeof(want));
	return ok;
}
