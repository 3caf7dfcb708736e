/*
 * Passwords: argon2id hashing (libsodium), the password policy (our own
 * checks, then libpwquality) and the history check against reuse (4 kap. 10 §).
 * Passwords are never logged and never appear in a reason text.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pwquality.h>
#include <sodium.h>

#include "auth/auth.h"

static_assert(AUTH_PW_HASH_SIZE == crypto_pwhash_STRBYTES, "AUTH_PW_HASH_SIZE is out of date");

/*
 * libsodium's interactive limits: about 0.1 s on a current core. Login is
 * throttled per account and address, so this is a fair price; memory makes
 * GPU guessing expensive. Set once at start-up, hence no locking.
 */
static unsigned long long pw_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t pw_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

/* cracklib (under libpwquality) keeps static state: one check at a time. */
static pthread_mutex_t pwq_lock = PTHREAD_MUTEX_INITIALIZER;

int auth_password_set_cost(unsigned long long ops, size_t mem)
{
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_MAX ||
	    mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_MAX)
		return SK_EINVAL;
	pw_ops = ops;
	pw_mem = mem;
	return SK_OK;
}

static bool pw_len_ok(const char *pw)
{
	return pw && strnlen(pw, AUTH_PW_MAX_BYTES + 1) <= AUTH_PW_MAX_BYTES;
}

int auth_password_hash(const char *pw, char out[AUTH_PW_HASH_SIZE])
{
	if (!pw_len_ok(pw) || !out)
		return SK_EINVAL;
	if (sodium_init() < 0)
		return SK_EINTERNAL;
	/* The only failure left is argon2 not getting its memory. */
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), pw_ops, pw_mem,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return SK_ENOMEM;
	return SK_OK;
}

int auth_password_verify(const char *hash, const char *pw)
{
	if (!hash || !pw_len_ok(pw) || strnlen(hash, AUTH_PW_HASH_SIZE) >= AUTH_PW_HASH_SIZE)
		return SK_EINVAL;
	if (sodium_init() < 0)
		return SK_EINTERNAL;
	if (crypto_pwhash_str_verify(hash, pw, strlen(pw)) != 0)
		return SK_EVERIFY;
	return SK_OK;
}

bool auth_password_needs_rehash(const char *hash)
{
	if (!hash || strnlen(hash, AUTH_PW_HASH_SIZE) >= AUTH_PW_HASH_SIZE)
		return true;
	/* 1: other parameters; -1: not an argon2id string at all. */
	return crypto_pwhash_str_needs_rehash(hash, pw_ops, pw_mem) != 0;
}

bool auth_password_reused(const char *pw, const char *const *old_hashes, size_t n)
{
	bool hit = false;

	if (!old_hashes)
		return false;
	if (n > AUTH_PW_HISTORY)
		n = AUTH_PW_HISTORY;
	/* No early exit: the time does not tell which entry matched. */
	for (size_t i = 0; i < n; i++)
		if (old_hashes[i] && auth_password_verify(old_hashes[i], pw) == SK_OK)
			hit = true;
	return hit;
}

static const char *const reason_names[] = {
        [AUTH_PW_OK] = "ok",
        [AUTH_PW_TOO_SHORT] = "too_short",
        [AUTH_PW_TOO_LONG] = "too_long",
        [AUTH_PW_BAD_UTF8] = "bad_utf8",
        [AUTH_PW_CONTROL_CHAR] = "control_char",
        [AUTH_PW_CONTAINS_USER] = "contains_user",
        [AUTH_PW_DICTIONARY] = "dictionary",
        [AUTH_PW_WEAK] = "weak",
        [AUTH_PW_REUSED] = "reused",
};

const char *auth_pw_reason_name(enum auth_pw_reason r)
{
	if ((size_t)r >= sizeof(reason_names) / sizeof(reason_names[0]) || !reason_names[r])
		return "unknown";
	return reason_names[r];
}

/*
 * Counts code points of valid UTF-8 and spots control characters: C0, DEL
 * and C1 (U+0080..U+009F, encoded C2 80..C2 9F).
 */
static size_t utf8_scan(const unsigned char *s, size_t len, bool *has_control)
{
	size_t n = 0;

	*has_control = false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			*has_control = true;
		if (s[i] == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
			*has_control = true;
		if ((s[i] & 0xc0) != 0x80)
			n++;
	}
	return n;
}

static void set_why(char *why, size_t why_cap, const char *text)
{
	if (why && why_cap > 0)
		snprintf(why, why_cap, "%s", text);
}

/* cracklib without its dictionary refuses every password, so skip the check then. */
static bool dict_available(pwquality_settings_t *pwq)
{
	const char *path = NULL;
	char file[4096];
	int n;

	if (pwquality_get_str_value(pwq, PWQ_SETTING_DICT_PATH, &path) != 0 || !path)
		return false;
	n = snprintf(file, sizeof(file), "%s.pwd", path);
	if (n < 0 || (size_t)n >= sizeof(file))
		return false;
	return access(file, R_OK) == 0;
}

static enum auth_pw_reason pwq_reason(int rc)
{
	switch (rc) {
	case PWQ_ERROR_USER_CHECK:
	case PWQ_ERROR_GECOS_CHECK:
		return AUTH_PW_CONTAINS_USER;
	case PWQ_ERROR_CRACKLIB_CHECK:
	case PWQ_ERROR_BAD_WORDS:
		return AUTH_PW_DICTIONARY;
	case PWQ_ERROR_MIN_LENGTH:
		return AUTH_PW_TOO_SHORT;
	default:
		return AUTH_PW_WEAK;
	}
}

/* The libpwquality half of the policy; the caller holds no lock. */
static int pwq_check(const char *pw, const char *username, size_t min_len,
                     enum auth_pw_reason *reason, char *why, size_t why_cap)
{
	pwquality_settings_t *pwq = NULL;
	void *aux = NULL;
	char msg[PWQ_MAX_ERROR_MESSAGE_LEN];
	const char *text;
	int rc, err = SK_OK;

	pthread_mutex_lock(&pwq_lock);
	/* Defaults, not /etc/security/pwquality.conf: the policy is ours to set. */
	pwq = pwquality_default_settings();
	if (!pwq) {
		err = SK_ENOMEM;
		goto out_unlock;
	}
	if (pwquality_set_int_value(pwq, PWQ_SETTING_MIN_LENGTH, (int)min_len) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_USER_CHECK, 1) != 0) {
		err = SK_EINTERNAL;
		goto out_free;
	}
	if (!dict_available(pwq) && pwquality_set_int_value(pwq, PWQ_SETTING_DICT_CHECK, 0) != 0) {
		err = SK_EINTERNAL;
		goto out_free;
	}
	rc = pwquality_check(pwq, pw, NULL, username, &aux);
	if (rc >= 0)
		goto out_free;
	/* Always through strerror: it frees aux. It may return a static string, not msg. */
	text = pwquality_strerror(msg, sizeof(msg), rc, aux);
	if (rc == PWQ_ERROR_MEM_ALLOC) {
		err = SK_ENOMEM;
	} else if (rc == PWQ_ERROR_FATAL_FAILURE || rc == PWQ_ERROR_INTEGER ||
	           rc == PWQ_ERROR_UNKNOWN_SETTING || rc == PWQ_ERROR_NON_INT_SETTING ||
	           rc == PWQ_ERROR_NON_STR_SETTING) {
		err = SK_EINTERNAL;
	} else {
		*reason = pwq_reason(rc);
		set_why(why, why_cap, text ? text : "The password is too weak");
		err = SK_EINVAL;
	}
out_free:
	pwquality_free_settings(pwq);
out_unlock:
	pthread_mutex_unlock(&pwq_lock);
	return err;
}

/* Our own rules, cheapest first; returns the first one broken and its sentence. */
static enum auth_pw_reason policy_own(const char *pw, size_t min_len, const char **text)
{
	size_t len = strnlen(pw, AUTH_PW_MAX_BYTES + 1), points;
	bool control = false;

	if (len > AUTH_PW_MAX_BYTES) {
		*text = "The password is longer than 256 bytes";
		return AUTH_PW_TOO_LONG;
	}
	if (!sk_utf8_valid(pw, len)) {
		*text = "The password is not valid UTF-8";
		return AUTH_PW_BAD_UTF8;
	}
	points = utf8_scan((const unsigned char *)pw, len, &control);
	if (control) {
		*text = "The password contains a control character";
		return AUTH_PW_CONTROL_CHAR;
	}
	if (points < min_len) {
		*text = "The password is too short";
		return AUTH_PW_TOO_SHORT;
	}
	*text = "ok";
	return AUTH_PW_OK;
}

int auth_password_check_policy(const char *pw, const char *username, size_t min_len,
                               enum auth_pw_reason *reason, char *why, size_t why_cap)
{
	enum auth_pw_reason r = AUTH_PW_WEAK;
	const char *text = "Invalid arguments";
	int err = SK_EINVAL;

	if (min_len == 0)
		min_len = AUTH_PW_MIN_LEN;
	/* Bad arguments are not a bad password, but still refuse rather than assert. */
	if (!pw || min_len > AUTH_PW_MAX_BYTES ||
	    (username && !sk_utf8_valid(username, strnlen(username, AUTH_PW_MAX_BYTES))))
		goto out;
	r = policy_own(pw, min_len, &text);
	if (r != AUTH_PW_OK)
		goto out;
	err = pwq_check(pw, username, min_len, &r, why, why_cap);
	if (err == SK_EINVAL)
		text = NULL; /* pwq_check wrote why itself */
	else if (err != SK_OK)
		text = "The password could not be checked";
out:
	if (text)
		set_why(why, why_cap, text);
	if (reason)
		*reason = err == SK_OK ? AUTH_PW_OK : r;
	return err;
}
