/*
 * auth: identities, credentials, sessions and grants (4 kap. 7-10 §§ PMFS 2022:1).
 * This header is all other modules may call. So far it holds the pure primitives
 * (no SQL, no HTTP): password hashing and policy, TOTP, tokens, CSRF and QR codes.
 */
#ifndef SKYDD_AUTH_H
#define SKYDD_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* ---- passwords (password.c) ---- */

/* Size of an encoded argon2id hash incl. NUL; equals crypto_pwhash_STRBYTES (checked). */
#define AUTH_PW_HASH_SIZE 128
#define AUTH_PW_MIN_LEN   12  /* default minimum, in Unicode code points */
#define AUTH_PW_MAX_BYTES 256 /* longer inputs are refused before hashing */
#define AUTH_PW_HISTORY   5   /* no reuse of the last 5 passwords (4 kap. 10 §) */

/*
 * Sets the argon2id cost used by auth_password_hash() and needs_rehash for the
 * whole process: ops passes over mem bytes. The default is libsodium's
 * "interactive" limits (2 passes, 64 MiB). Call before any thread hashes
 * (start-up, tests). Returns SK_OK or SK_EINVAL (outside libsodium's limits).
 */
int auth_password_set_cost(unsigned long long ops, size_t mem);

/*
 * Hashes pw (at most AUTH_PW_MAX_BYTES) with argon2id and a random salt into
 * out, an encoded "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string.
 * Returns SK_OK, SK_EINVAL (NULL or too long pw) or SK_ENOMEM (argon2 could
 * not get its memory).
 */
int auth_password_hash(const char *pw, char out[AUTH_PW_HASH_SIZE]);

/*
 * Checks pw against an encoded hash in constant time with respect to pw.
 * Returns SK_OK on a match, SK_EVERIFY on a mismatch or an unparseable hash,
 * SK_EINVAL for NULL or over-long arguments.
 */
int auth_password_verify(const char *hash, const char *pw);

/* True when hash was made with other parameters than the current cost (or is not argon2id). */
bool auth_password_needs_rehash(const char *hash);

/* Why a password was refused; the name (auth_pw_reason_name) is stable, for the UI's i18n. */
enum auth_pw_reason {
	AUTH_PW_OK = 0,
	AUTH_PW_TOO_SHORT,     /* fewer code points than the minimum */
	AUTH_PW_TOO_LONG,      /* more than AUTH_PW_MAX_BYTES bytes */
	AUTH_PW_BAD_UTF8,      /* not well-formed UTF-8 */
	AUTH_PW_CONTROL_CHAR,  /* C0/C1 control character or DEL */
	AUTH_PW_CONTAINS_USER, /* contains the user name (pwquality) */
	AUTH_PW_DICTIONARY,    /* a dictionary word (pwquality/cracklib) */
	AUTH_PW_WEAK,          /* any other pwquality rule: palindrome, repeats, sequences ... */
	AUTH_PW_REUSED         /* one of the last AUTH_PW_HISTORY; set by the caller */
};

/* "ok", "too_short", "too_long", "bad_utf8", ...; never NULL. */
const char *auth_pw_reason_name(enum auth_pw_reason r);

/*
 * Checks a new password against the policy: valid UTF-8, no control
 * characters, at most AUTH_PW_MAX_BYTES bytes, at least min_len code points
 * (0 means AUTH_PW_MIN_LEN), then libpwquality (with username, which may be
 * NULL). reason (may be NULL) gets the reason code and why (may be NULL) a
 * short English sentence; neither ever contains the password.
 * Returns SK_OK, SK_EINVAL (refused; see reason), SK_ENOMEM or SK_EINTERNAL
 * (libpwquality failed in a way that is not about the password).
 */
int auth_password_check_policy(const char *pw, const char *username, size_t min_len,
                               enum auth_pw_reason *reason, char *why, size_t why_cap);

/*
 * True if pw matches any of the stored hashes old_hashes[0..n), newest first.
 * Only the first AUTH_PW_HISTORY are considered, so callers may pass more;
 * NULL entries are skipped. Costs one argon2id run per hash considered.
 */
bool auth_password_reused(const char *pw, const char *const *old_hashes, size_t n);

/* ---- TOTP, RFC 6238 (totp.c) ---- */

#define AUTH_TOTP_SECRET_LEN 20 /* 160 bits, as RFC 4226 recommends */
#define AUTH_TOTP_SECRET_MIN 16 /* RFC 4226: at least 128 bits */
#define AUTH_TOTP_SECRET_MAX 64
#define AUTH_TOTP_DIGITS     6
#define AUTH_TOTP_STEP       30 /* seconds */
#define AUTH_TOTP_WINDOW     1  /* steps accepted either side of now */
/* Base32 of AUTH_TOTP_SECRET_MAX bytes without padding, plus NUL. */
#define AUTH_TOTP_BASE32_SIZE ((AUTH_TOTP_SECRET_MAX * 8 + 4) / 5 + 1)

/* Fills secret with AUTH_TOTP_SECRET_LEN random bytes from the OS. Returns SK_OK. */
int auth_totp_secret_new(uint8_t secret[AUTH_TOTP_SECRET_LEN]);

/*
 * RFC 4648 base32 of secret (upper case, no padding), as authenticator apps
 * and `oathtool --totp -b` take it. Returns SK_OK, SK_EINVAL (len outside
 * AUTH_TOTP_SECRET_MIN..MAX) or SK_ETOOBIG (out_cap too small).
 */
int auth_totp_secret_base32(const uint8_t *secret, size_t len, char *out, size_t out_cap);

/*
 * Appends the enrolment URI
 * "otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30"
 * to out, with issuer and account percent-encoded. Returns SK_OK, SK_EINVAL
 * (empty, invalid UTF-8, a colon or a control character in issuer or
 * account; bad secret length) or out's error.
 */
int auth_totp_uri(const char *issuer, const char *account, const uint8_t *secret, size_t len,
                  struct buf *out);

/*
 * The 6-digit code for time t_s (seconds since the epoch, >= 0).
 * Returns SK_OK, SK_EINVAL (bad secret length, negative time) or SK_EINTERNAL.
 */
int auth_totp_code(const uint8_t *secret, size_t len, int64_t t_s, char out[AUTH_TOTP_DIGITS + 1]);

/*
 * Checks code (exactly 6 ASCII digits) for the steps now-1..now+1, skipping
 * every step <= last_used_step (-1 when none was used), so that each code is
 * accepted at most once: on SK_OK the caller must persist *matched_step as
 * the new last_used_step before answering. Candidates are compared in
 * constant time. Returns SK_OK, SK_EVERIFY (no match, or a replay) or
 * SK_EINVAL (malformed code, bad secret length, negative time).
 */
int auth_totp_verify(const uint8_t *secret, size_t len, const char *code, int64_t now_s,
                     int64_t last_used_step, int64_t *matched_step);

/* ---- tokens, recovery codes, CSRF (token.c) ---- */

#define AUTH_TOKEN_BYTES          32 /* 256 bits from the OS */
#define AUTH_TOKEN_B64_LEN        43 /* base64url of 32 bytes, no padding */
#define AUTH_TOKEN_PREFIX_MAX     8
#define AUTH_TOKEN_SIZE           (AUTH_TOKEN_PREFIX_MAX + AUTH_TOKEN_B64_LEN + 1)
#define AUTH_TOKEN_PREFIX_SESSION "sk_"
#define AUTH_TOKEN_PREFIX_SERVICE "skt_"
#define AUTH_HASH_LEN             32 /* SHA-256 */

/*
 * Writes prefix + base64url(32 random bytes) into out. prefix is 1..8 chars
 * of [a-z_]. Returns SK_OK, SK_EINVAL (bad prefix) or SK_ETOOBIG (out_cap).
 */
int auth_token_new(const char *prefix, char *out, size_t out_cap);

/* True if token is prefix followed by exactly 43 base64url characters. */
bool auth_token_well_formed(const char *token, const char *prefix);

/*
 * SHA-256 of the token string: the only form in which tokens are stored.
 * Returns SK_OK or SK_EINVAL (NULL, or longer than AUTH_TOKEN_SIZE - 1).
 */
int auth_token_hash(const char *token, uint8_t out[AUTH_HASH_LEN]);

/* Compares two token strings in time independent of where they differ. */
bool auth_token_equal(const char *a, const char *b);

#define AUTH_RECOVERY_COUNT 10
#define AUTH_RECOVERY_CHARS 12 /* 12 x 5 bits = 60 bits */
#define AUTH_RECOVERY_LEN   14 /* "xxxx-xxxx-xxxx" */

/* Makes 10 distinct random codes "xxxx-xxxx-xxxx" (Crockford base32, lower case). Returns SK_OK. */
int auth_recovery_codes_new(char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1]);

/*
 * Normalises what a person typed: case-insensitive, spaces and dashes
 * ignored, o->0 and i/l->1 (Crockford). Returns SK_OK or SK_EINVAL (not 12
 * characters of the alphabet after normalisation).
 */
int auth_recovery_code_normalise(const char *in, char out[AUTH_RECOVERY_CHARS + 1]);

/*
 * The stored form of a recovery code of identity_id: SHA-256 over a domain
 * tag, the id and the normalised code (see token.c for why a fast hash).
 * Returns SK_OK or SK_EINVAL (as auth_recovery_code_normalise).
 */
int auth_recovery_code_hash(int64_t identity_id, const char *code, uint8_t out[AUTH_HASH_LEN]);

#define AUTH_CSRF_LEN 43 /* base64url of an HMAC-SHA256, no padding */

/*
 * The CSRF token of a session: base64url(HMAC-SHA256(key, tag || session_hash)).
 * Returns SK_OK.
 */
int auth_csrf_token(const uint8_t session_hash[AUTH_HASH_LEN], const uint8_t key[32],
                    char out[AUTH_CSRF_LEN + 1]);

/* True if token is the CSRF token of the session; constant time. NULL token is false. */
bool auth_csrf_check(const uint8_t session_hash[AUTH_HASH_LEN], const uint8_t key[32],
                     const char *token);

/* ---- QR codes (qr.c) ---- */

#define AUTH_QR_MAX_TEXT 1024 /* bytes; an otpauth URI is far shorter */
#define AUTH_QR_QUIET    4    /* modules of quiet zone on each side */

/*
 * Appends an SVG of text as a QR code (8-bit mode, error correction M): one
 * <path> of dark modules on a white rect, viewBox including the quiet zone,
 * no script and no external reference. Returns SK_OK, SK_EINVAL (NULL or
 * empty text), SK_ETOOBIG (text too long for a QR code or AUTH_QR_MAX_TEXT),
 * SK_ENOMEM or out's error.
 */
int auth_qr_svg(const char *text, struct buf *out);

/*
 * Appends a terminal rendering with UTF-8 half blocks, two module rows per
 * line, quiet zone included. Light modules are drawn as blocks so that on
 * the usual light-on-dark terminal the code shows dark-on-light. Returns as
 * auth_qr_svg.
 */
int auth_qr_utf8(const char *text, struct buf *out);

#endif
