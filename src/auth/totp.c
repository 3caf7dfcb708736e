/*
 * TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps, +-1 step) over liboath,
 * with the replay rule that a step once used is never accepted again, and
 * the enrolment secret as base32 and as an otpauth:// URI.
 */
#include <pthread.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "auth/auth.h"

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_init_rc = OATH_OK;

static void oath_init_once(void)
{
	oath_init_rc = oath_init();
}

/* liboath must be initialised once per process, whichever thread comes first. */
static int oath_ready(void)
{
	if (pthread_once(&oath_once, oath_init_once) != 0 || oath_init_rc != OATH_OK)
		return SK_EINTERNAL;
	return SK_OK;
}

static bool secret_len_ok(const uint8_t *secret, size_t len)
{
	return secret && len >= AUTH_TOTP_SECRET_MIN && len <= AUTH_TOTP_SECRET_MAX;
}

int auth_totp_secret_new(uint8_t secret[AUTH_TOTP_SECRET_LEN])
{
	if (sodium_init() < 0)
		return SK_EINTERNAL;
	randombytes_buf(secret, AUTH_TOTP_SECRET_LEN);
	return SK_OK;
}

int auth_totp_secret_base32(const uint8_t *secret, size_t len, char *out, size_t out_cap)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t need, o = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (!secret_len_ok(secret, len) || !out)
		return SK_EINVAL;
	need = (len * 8 + 4) / 5 + 1;
	if (out_cap < need)
		return SK_ETOOBIG;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | secret[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = alphabet[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		out[o++] = alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return SK_OK;
}

/* Issuer and account: non-empty UTF-8, no colon (the label separator), no control character. */
static bool label_part_ok(const char *s)
{
	size_t len;

	if (!s || !*s)
		return false;
	len = strnlen(s, 256);
	if (len >= 256 || !sk_utf8_valid(s, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == ':')
			return false;
	return true;
}

/* RFC 3986: everything but the unreserved characters is percent-encoded. */
static int put_pct(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int err = SK_OK;

	for (const unsigned char *p = (const unsigned char *)s; *p && err == SK_OK; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			err = buf_putc(out, (char)*p);
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};

			err = buf_append(out, esc, sizeof(esc));
		}
	}
	return err;
}

int auth_totp_uri(const char *issuer, const char *account, const uint8_t *secret, size_t len,
                  struct buf *out)
{
	char b32[AUTH_TOTP_BASE32_SIZE];
	int err;

	if (!label_part_ok(issuer) || !label_part_ok(account) || !out)
		return SK_EINVAL;
	err = auth_totp_secret_base32(secret, len, b32, sizeof(b32));
	if (err != SK_OK)
		goto out;
	buf_puts(out, "otpauth://totp/");
	put_pct(out, issuer);
	buf_putc(out, ':');
	put_pct(out, account);
	buf_puts(out, "?secret=");
	buf_puts(out, b32);
	buf_puts(out, "&issuer=");
	put_pct(out, issuer);
	/* The buffer's error is sticky, so checking the last append covers them all. */
	err = buf_printf(out, "&algorithm=SHA1&digits=%d&period=%d", AUTH_TOTP_DIGITS,
	                 AUTH_TOTP_STEP);
out:
	sodium_memzero(b32, sizeof(b32));
	return err;
}

/* The code of one time step; step * AUTH_TOTP_STEP is within time_t for steps we accept. */
static int code_at_step(const uint8_t *secret, size_t len, int64_t step,
                        char out[AUTH_TOTP_DIGITS + 1])
{
	int err = oath_ready();

	if (err != SK_OK)
		return err;
	if (oath_totp_generate((const char *)secret, len, (time_t)(step * AUTH_TOTP_STEP),
	                       AUTH_TOTP_STEP, 0, AUTH_TOTP_DIGITS, out) != OATH_OK)
		return SK_EINTERNAL;
	return SK_OK;
}

/* Up to year ~292e9 is plenty; the bound keeps step arithmetic from overflowing. */
#define TOTP_MAX_TIME ((int64_t)1 << 40)

int auth_totp_code(const uint8_t *secret, size_t len, int64_t t_s, char out[AUTH_TOTP_DIGITS + 1])
{
	if (!secret_len_ok(secret, len) || !out || t_s < 0 || t_s > TOTP_MAX_TIME)
		return SK_EINVAL;
	return code_at_step(secret, len, t_s / AUTH_TOTP_STEP, out);
}

static bool six_digits(const char *code)
{
	if (!code || strnlen(code, AUTH_TOTP_DIGITS + 1) != AUTH_TOTP_DIGITS)
		return false;
	for (int i = 0; i < AUTH_TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return true;
}

int auth_totp_verify(const uint8_t *secret, size_t len, const char *code, int64_t now_s,
                     int64_t last_used_step, int64_t *matched_step)
{
	char cand[AUTH_TOTP_DIGITS + 1];
	int64_t now_step, found = -1;
	int err = SK_EINVAL;

	if (!secret_len_ok(secret, len) || !six_digits(code) || now_s < 0 ||
	    now_s > TOTP_MAX_TIME || !matched_step)
		goto out;
	now_step = now_s / AUTH_TOTP_STEP;
	/*
	 * Every candidate is generated and compared, and the earliest match wins:
	 * the time spent says nothing about which step (if any) matched.
	 */
	for (int64_t step = now_step + AUTH_TOTP_WINDOW; step >= now_step - AUTH_TOTP_WINDOW;
	     step--) {
		if (step < 0 || step <= last_used_step)
			continue;
		err = code_at_step(secret, len, step, cand);
		if (err != SK_OK)
			goto out;
		if (sodium_memcmp(cand, code, AUTH_TOTP_DIGITS) == 0)
			found = step;
	}
	err = found >= 0 ? SK_OK : SK_EVERIFY;
	if (err == SK_OK)
		*matched_step = found;
out:
	sodium_memzero(cand, sizeof(cand));
	return err;
}
