/*
 * Passwords: argon2id hashing (libsodium), the password policy (our own
 * checks, then libpwquality, then the patterns it misses: short user names,
 * keyboard sequences, dictionary words with digits around them) and the
 * history check against reuse (4 kap. 10 §).
 * Passwords are never logged and never appear in a reason text.
 */
#include <assert.h>
#include <pthread.h>
#include <stdint.h>
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

/*
 * pwquality ignores user names shorter than 4 characters and, with usersubstr,
 * refuses any 4 characters of a longer one; we refuse a whole name of 3.
 */
#define PW_USER_SUBSTR 4
#define PW_USER_MIN    3
/* Keyboard-row, alphabet and repeat runs this long count as no characters at all. */
#define PW_RUN_MIN 4
/* cracklib cannot judge fewer characters (and pwquality's minlen floor is 6). */
#define PW_BASE_MIN 6

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

/*
 * One pwquality_check of pw under pwq_lock, with our defaults and not
 * /etc/security/pwquality.conf (the policy is ours to set): at least min_len
 * characters; with user_checks, username and any PW_USER_SUBSTR characters of
 * it refused. cracklib without its dictionary refuses everything, so its
 * check is off then, and with dict_only nothing is checked at all (*rc 0).
 * Sets *rc to pwquality's answer and, when it refuses, text to its message
 * ("" if none). Returns SK_OK, SK_ENOMEM, or SK_EINTERNAL (a setting refused).
 */
static int pwq_run(const char *pw, const char *username, int min_len, bool user_checks,
                   bool dict_only, int *rc, char *text, size_t text_cap)
{
	pwquality_settings_t *pwq = NULL;
	void *aux = NULL;
	char msg[PWQ_MAX_ERROR_MESSAGE_LEN];
	const char *t;
	bool dict;
	int err = SK_OK;

	*rc = 0;
	text[0] = '\0';
	pthread_mutex_lock(&pwq_lock);
	pwq = pwquality_default_settings();
	if (!pwq) {
		err = SK_ENOMEM;
		goto out_unlock;
	}
	dict = dict_available(pwq);
	if (dict_only && !dict)
		goto out_free;
	if (pwquality_set_int_value(pwq, PWQ_SETTING_MIN_LENGTH, min_len) != 0 ||
	    (user_checks &&
	     (pwquality_set_int_value(pwq, PWQ_SETTING_USER_CHECK, 1) != 0 ||
	      pwquality_set_int_value(pwq, PWQ_SETTING_USER_SUBSTR, PW_USER_SUBSTR) != 0)) ||
	    (!dict && pwquality_set_int_value(pwq, PWQ_SETTING_DICT_CHECK, 0) != 0)) {
		err = SK_EINTERNAL;
		goto out_free;
	}
	*rc = pwquality_check(pwq, pw, NULL, username, &aux);
	if (*rc < 0) {
		/* Always through strerror: it frees aux. It may return a static string, not msg. */
		t = pwquality_strerror(msg, sizeof(msg), *rc, aux);
		snprintf(text, text_cap, "%s", t ? t : "");
	}
out_free:
	pwquality_free_settings(pwq);
out_unlock:
	pthread_mutex_unlock(&pwq_lock);
	return err;
}

/* The libpwquality half of the policy; the caller holds no lock. */
static int pwq_check(const char *pw, const char *username, size_t min_len,
                     enum auth_pw_reason *reason, char *why, size_t why_cap)
{
	char text[PWQ_MAX_ERROR_MESSAGE_LEN];
	int rc, err;

	/* usersubstr 4: any four characters of a longer user name are refused too. */
	err = pwq_run(pw, username, (int)min_len, true, false, &rc, text, sizeof(text));
	if (err || rc >= 0)
		return err;
	if (rc == PWQ_ERROR_MEM_ALLOC)
		return SK_ENOMEM;
	if (rc == PWQ_ERROR_FATAL_FAILURE || rc == PWQ_ERROR_INTEGER ||
	    rc == PWQ_ERROR_UNKNOWN_SETTING || rc == PWQ_ERROR_NON_INT_SETTING ||
	    rc == PWQ_ERROR_NON_STR_SETTING)
		return SK_EINTERNAL;
	*reason = pwq_reason(rc);
	set_why(why, why_cap, text[0] ? text : "The password is too weak");
	return SK_EINVAL;
}

/* A password as lowercased code points, for the pattern checks below. */
struct pw_cps {
	uint32_t cp[AUTH_PW_MAX_BYTES];
	size_t n;
};

/* Lowercase ASCII and Latin-1 (Å Ä Ö É …); enough for Swedish names and rows. */
static uint32_t cp_lower(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 32;
	return c;
}

/* Decodes UTF-8 (checked by the caller; a stray byte is skipped) into lowercased code points. */
static void cps_decode(const char *s, struct pw_cps *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strnlen(s, AUTH_PW_MAX_BYTES), i = 0;

	out->n = 0;
	while (i < len && out->n < AUTH_PW_MAX_BYTES) {
		uint32_t c;
		size_t k = sk_utf8_next(p + i, len - i, &c);

		if (k == 0) {
			i++;
			continue;
		}
		out->cp[out->n++] = cp_lower(c);
		i += k;
	}
}

static void cps_encode(const uint32_t *cp, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t c = cp[i];
		unsigned char b[4];
		size_t k;

		if (c < 0x80) {
			b[0] = (unsigned char)c;
			k = 1;
		} else if (c < 0x800) {
			b[0] = (unsigned char)(0xc0 | (c >> 6));
			b[1] = (unsigned char)(0x80 | (c & 0x3f));
			k = 2;
		} else if (c < 0x10000) {
			b[0] = (unsigned char)(0xe0 | (c >> 12));
			b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			b[2] = (unsigned char)(0x80 | (c & 0x3f));
			k = 3;
		} else {
			b[0] = (unsigned char)(0xf0 | (c >> 18));
			b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
			b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			b[3] = (unsigned char)(0x80 | (c & 0x3f));
			k = 4;
		}
		if (o + k >= cap)
			break;
		memcpy(out + o, b, k);
		o += k;
	}
	out[o] = '\0';
}

static bool cps_contains(const struct pw_cps *hay, const struct pw_cps *needle, bool reversed)
{
	size_t m = needle->n;

	for (size_t i = 0; m > 0 && i + m <= hay->n; i++) {
		size_t j = 0;

		while (j < m && hay->cp[i + j] == needle->cp[reversed ? m - 1 - j : j])
			j++;
		if (j == m)
			return true;
	}
	return false;
}

/* The whole user name (3+ characters), any case, forwards or reversed. */
static bool contains_user(const struct pw_cps *pw, const char *username)
{
	struct pw_cps user;

	if (!username)
		return false;
	cps_decode(username, &user);
	return user.n >= PW_USER_MIN &&
	       (cps_contains(pw, &user, false) || cps_contains(pw, &user, true));
}

/* Rows of a Swedish keyboard, the digits and the alphabet, as code points. */
static const uint32_t *const pw_rows[] = {
        U"1234567890",
        U"qwertyuiop\u00e5",
        U"asdfghjkl\u00f6\u00e4",
        U"zxcvbnm",
        U"abcdefghijklmnopqrstuvwxyz\u00e5\u00e4\u00f6",
};

static long row_pos(const uint32_t *row, uint32_t c)
{
	for (long i = 0; row[i]; i++)
		if (row[i] == c)
			return i;
	return -1;
}

/* Marks runs of PW_RUN_MIN+ characters that step by dir along row (dir 0: repeats). */
static void mark_runs(const struct pw_cps *pw, const uint32_t *row, int dir, bool *covered)
{
	size_t start = 0;

	for (size_t i = 1; i <= pw->n; i++) {
		bool step = false;

		if (i < pw->n && dir == 0) {
			step = pw->cp[i] == pw->cp[i - 1];
		} else if (i < pw->n) {
			long a = row_pos(row, pw->cp[i - 1]), b = row_pos(row, pw->cp[i]);

			step = a >= 0 && b >= 0 && b - a == dir;
		}
		if (step)
			continue;
		if (i - start >= PW_RUN_MIN)
			for (size_t j = start; j < i; j++)
				covered[j] = true;
		start = i;
	}
}

/*
 * Keyboard rows (qwertyuiop…), the alphabet, digit runs and repeats, forwards
 * or backwards, are worth nothing: what is left must still be half the minimum.
 */
static bool mostly_sequences(const struct pw_cps *pw, size_t min_len)
{
	bool covered[AUTH_PW_MAX_BYTES] = {false};
	size_t left = 0;

	mark_runs(pw, NULL, 0, covered);
	for (size_t r = 0; r < sizeof(pw_rows) / sizeof(pw_rows[0]); r++) {
		mark_runs(pw, pw_rows[r], 1, covered);
		mark_runs(pw, pw_rows[r], -1, covered);
	}
	for (size_t i = 0; i < pw->n; i++)
		left += !covered[i];
	return left < (min_len + 1) / 2;
}

static bool cp_is_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || c >= 0x80;
}

/* Leetspeak back to letters: p@ssw0rd is password. */
static uint32_t cp_unleet(uint32_t c)
{
	static const char from[] = "0134578@$!|+", to[] = "oieastbasilt";
	const char *p = c < 0x80 && c ? strchr(from, (int)c) : NULL;

	return p ? (uint32_t)to[p - from] : c;
}

/*
 * The word a password is built on: lowercased, the digits and symbols around
 * it dropped ("Password1234!", "!!Welcome2026"), leetspeak folded. Returns
 * false when less than cracklib can judge is left.
 */
static bool base_word(const struct pw_cps *pw, char *out, size_t cap)
{
	uint32_t base[AUTH_PW_MAX_BYTES];
	size_t b = 0, e = pw->n;

	while (b < e && !cp_is_letter(pw->cp[b]))
		b++;
	while (e > b && !cp_is_letter(pw->cp[e - 1]))
		e--;
	if (e - b < PW_BASE_MIN)
		return false;
	for (size_t i = b; i < e; i++)
		base[i - b] = cp_unleet(pw->cp[i]);
	cps_encode(base, e - b, out, cap);
	return true;
}

/*
 * Is the base word (see base_word) in cracklib's dictionary? cracklib's own
 * mangling rules miss "Password1234!". Without the dictionary: false, as in
 * pwq_check. Returns SK_OK and sets *hit, or SK_ENOMEM / SK_EINTERNAL.
 */
static int base_in_dictionary(const char *base, bool *hit)
{
	char text[PWQ_MAX_ERROR_MESSAGE_LEN];
	int rc, err;

	*hit = false;
	err = pwq_run(base, NULL, PW_BASE_MIN, false, true, &rc, text, sizeof(text));
	/* Only cracklib's verdict counts: the base word may break other rules. */
	if (!err)
		*hit = rc == PWQ_ERROR_CRACKLIB_CHECK;
	return err;
}

/* The checks pwquality lacks: a short user name, sequences, dictionary base words. */
static int policy_patterns(const char *pw, const char *username, size_t min_len,
                           enum auth_pw_reason *reason, const char **text)
{
	struct pw_cps cps;
	char base[AUTH_PW_MAX_BYTES + 1];
	bool hit = false;
	int err = SK_EINVAL;

	cps_decode(pw, &cps);
	if (contains_user(&cps, username)) {
		*reason = AUTH_PW_CONTAINS_USER;
		*text = "The password contains the user name";
		goto out;
	}
	if (mostly_sequences(&cps, min_len)) {
		*reason = AUTH_PW_WEAK;
		*text = "The password is mostly keyboard or alphabet sequences or repeats";
		goto out;
	}
	err = SK_OK;
	if (!base_word(&cps, base, sizeof(base)))
		goto out;
	err = base_in_dictionary(base, &hit);
	if (err != SK_OK) {
		*text = "The password could not be checked";
	} else if (hit) {
		*reason = AUTH_PW_DICTIONARY;
		*text = "The password is based on a dictionary word";
		err = SK_EINVAL;
	}
out:
	/* Both hold the password in another form. */
	sodium_memzero(&cps, sizeof(cps));
	sodium_memzero(base, sizeof(base));
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
	if (err == SK_EINVAL) {
		text = NULL; /* pwq_check wrote why itself */
		goto out;
	} else if (err != SK_OK) {
		text = "The password could not be checked";
		goto out;
	}
	err = policy_patterns(pw, username, min_len, &r, &text);
out:
	if (text)
		set_why(why, why_cap, text);
	if (reason)
		*reason = err == SK_OK ? AUTH_PW_OK : r;
	return err;
}
