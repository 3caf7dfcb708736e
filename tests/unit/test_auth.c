/*
 * Unit tests for the pure auth primitives: passwords and policy, TOTP (RFC
 * 6238 vectors and the independent oathtool), tokens, recovery codes, CSRF, QR.
 * Each group has its good paths and its bad input.
 */
#include "testutil.h"

#include <sodium.h>

#include "auth/auth.h"

/* ---- passwords ---- */

static int setup_cheap_hash(void **state)
{
	(void)state;
	/* Minimal argon2id cost: the tests check behaviour, not strength. */
	return auth_password_set_cost(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
}

static void test_password_hash_verify(void **state)
{
	char h1[AUTH_PW_HASH_SIZE], h2[AUTH_PW_HASH_SIZE];

	(void)state;
	assert_int_equal(auth_password_hash("Rätt häst batteri 42", h1), SK_OK);
	assert_non_null(strstr(h1, "$argon2id$"));
	assert_int_equal(auth_password_verify(h1, "Rätt häst batteri 42"), SK_OK);
	assert_int_equal(auth_password_verify(h1, "Rätt häst batteri 43"), SK_EVERIFY);
	assert_int_equal(auth_password_verify(h1, ""), SK_EVERIFY);
	/* A fresh salt each time. */
	assert_int_equal(auth_password_hash("Rätt häst batteri 42", h2), SK_OK);
	assert_string_not_equal(h1, h2);
	assert_false(auth_password_needs_rehash(h1));
}

static void test_password_bad_input(void **state)
{
	char h[AUTH_PW_HASH_SIZE], longpw[AUTH_PW_MAX_BYTES + 2];

	(void)state;
	memset(longpw, 'a', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	assert_int_equal(auth_password_hash(NULL, h), SK_EINVAL);
	assert_int_equal(auth_password_hash(longpw, h), SK_EINVAL);
	/* Exactly the limit is allowed. */
	longpw[AUTH_PW_MAX_BYTES] = '\0';
	assert_int_equal(auth_password_hash(longpw, h), SK_OK);
	assert_int_equal(auth_password_verify(h, longpw), SK_OK);
	assert_int_equal(auth_password_verify("not a hash", "x"), SK_EVERIFY);
	assert_int_equal(auth_password_verify("", "x"), SK_EVERIFY);
	assert_int_equal(auth_password_verify(NULL, "x"), SK_EINVAL);
	assert_int_equal(auth_password_verify(h, NULL), SK_EINVAL);
	assert_true(auth_password_needs_rehash("not a hash"));
	assert_true(auth_password_needs_rehash(NULL));
	assert_int_equal(auth_password_set_cost(0, crypto_pwhash_MEMLIMIT_MIN), SK_EINVAL);
	assert_int_equal(auth_password_set_cost(1, 1), SK_EINVAL);
}

static void test_password_rehash_on_cost_change(void **state)
{
	char h[AUTH_PW_HASH_SIZE];

	(void)state;
	assert_int_equal(auth_password_hash("Ett helt annat lösen", h), SK_OK);
	assert_int_equal(
	        auth_password_set_cost(crypto_pwhash_OPSLIMIT_MIN + 1, crypto_pwhash_MEMLIMIT_MIN),
	        SK_OK);
	assert_true(auth_password_needs_rehash(h));
	/* Old hashes still verify after the cost changed. */
	assert_int_equal(auth_password_verify(h, "Ett helt annat lösen"), SK_OK);
	assert_int_equal(setup_cheap_hash(NULL), 0);
}

static int policy(const char *pw, const char *user, enum auth_pw_reason *r)
{
	char why[128];
	int err;

	why[0] = 'X';
	err = auth_password_check_policy(pw, user, 0, r, why, sizeof(why));
	/* A reason is always given, and it never echoes the password. */
	assert_true(strlen(why) > 0 && why[0] != 'X');
	if (pw && *pw)
		assert_null(strstr(why, pw));
	return err;
}

/* The policy refuses pw for user, for the reason want. */
static void refused(const char *pw, const char *user, enum auth_pw_reason want)
{
	enum auth_pw_reason r;

	assert_int_equal(policy(pw, user, &r), SK_EINVAL);
	assert_int_equal(r, want);
}

static void test_policy(void **state)
{
	enum auth_pw_reason r;
	char why[8];

	(void)state;
	assert_int_equal(policy("Kx9#mQ2!vLp7", "alice", &r), SK_OK);
	assert_int_equal(r, AUTH_PW_OK);
	/* 11 characters: one short. */
	assert_int_equal(policy("Kx9#mQ2!vLp", "alice", &r), SK_EINVAL);
	assert_int_equal(r, AUTH_PW_TOO_SHORT);
	assert_string_equal(auth_pw_reason_name(r), "too_short");
	/* 12 code points in 24 bytes are 12, not 24. */
	assert_int_equal(policy("ÅäöÜéßøæþðŋŧ", "alice", &r), SK_OK);
	refused("ÅäöÜéßøæþðŋ", "alice", AUTH_PW_TOO_SHORT);
	/* The user name, in any case or reversed, is refused by pwquality. */
	refused("x7#Qalice-R2m!", "alice", AUTH_PW_CONTAINS_USER);
	refused("x7#QALICE-R2m!", "alice", AUTH_PW_CONTAINS_USER);
	refused("x7#Qecila-R2m!", "alice", AUTH_PW_CONTAINS_USER);
	/* Without a user name the same password is fine. */
	assert_int_equal(policy("x7#Qalice-R2m!", NULL, &r), SK_OK);
	/* pwquality's own rules. */
	refused("abcdefgfedcba", "alice", AUTH_PW_WEAK);
	/* A configured minimum above the default. */
	assert_int_equal(auth_password_check_policy("Kx9#mQ2!vLp7", "alice", 14, &r, NULL, 0),
	                 SK_EINVAL);
	assert_int_equal(r, AUTH_PW_TOO_SHORT);
	/* A tiny why buffer is truncated, not overrun. */
	assert_int_equal(auth_password_check_policy("short", "alice", 0, &r, why, sizeof(why)),
	                 SK_EINVAL);
	assert_int_equal(strlen(why), sizeof(why) - 1);
}

/*
 * Issue 10 item 14: what an outside audit got accepted. Common passwords with
 * digits and symbols tacked on, keyboard rows, and a short user name inside the
 * password are refused; good passwords (random ones, passphrases) still pass.
 */
static void test_policy_audit(void **state)
{
	static const char *const dictionary[] = {
	        "Password1234!", "P@ssw0rd2026!!", "!!Welcome2026",
	        "Sommar2026!#%", "Qwerty123456!",
	};
	static const char *const sequences[] = {
	        "qwertyuiopasdfgh", "QWERTYUIOPÅasdfg", "1234567890qwer",
	        "abcdefghijkl9!",   "zxcvbnmasdfghj",   "0987654321poiu",
	};
	static const char *const good[] = {
	        "Kx9#mQ2!vLp7",         "correct horse battery staple",
	        "tåg-Ylva-7-brus-mört", "Fyra glada grävlingar dansar",
	        "x7#Qalice-R2m!",
	};
	enum auth_pw_reason r;

	(void)state;
	for (size_t i = 0; i < sizeof(dictionary) / sizeof(dictionary[0]); i++) {
		refused(dictionary[i], "alice", AUTH_PW_DICTIONARY);
	}
	for (size_t i = 0; i < sizeof(sequences) / sizeof(sequences[0]); i++) {
		/* cracklib calls some of them "too systematic": a dictionary reason. */
		assert_int_equal(policy(sequences[i], "alice", &r), SK_EINVAL);
		assert_true(r == AUTH_PW_WEAK || r == AUTH_PW_DICTIONARY);
	}
	/* A three-character user name, in any case or reversed. */
	refused("x7#Qbob-R2m!vK", "bob", AUTH_PW_CONTAINS_USER);
	refused("x7#QBoB-R2m!vK", "bob", AUTH_PW_CONTAINS_USER);
	refused("x7#Qeva-R2m!vK", "ave", AUTH_PW_CONTAINS_USER);
	refused("x7#Qnils-R2m!vK", "nils", AUTH_PW_CONTAINS_USER);
	/* A two-character name is too common a pair of letters to refuse. */
	assert_int_equal(policy("x7#Qjo-R2m!vKz", "jo", &r), SK_OK);
	assert_int_equal(policy("x7#Qbob-R2m!vK", "eva", &r), SK_OK);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(policy(good[i], "bob", &r), SK_OK);
		assert_int_equal(r, AUTH_PW_OK);
	}
}

static void test_policy_bad_input(void **state)
{
	enum auth_pw_reason r;
	char longpw[AUTH_PW_MAX_BYTES + 2];

	(void)state;
	refused("Kx9#mQ2!vLp7\xff", "alice", AUTH_PW_BAD_UTF8);
	refused("Kx9#mQ2!\xc0\xafvLp7x", "alice", AUTH_PW_BAD_UTF8);    /* overlong */
	refused("Kx9#mQ2!\xed\xa0\x80vLp7", "alice", AUTH_PW_BAD_UTF8); /* surrogate */
	refused("Kx9#mQ2!\tvLp7x", "alice", AUTH_PW_CONTROL_CHAR);
	refused("Kx9#mQ2!\x7fvLp7x", "alice", AUTH_PW_CONTROL_CHAR);
	refused("Kx9#mQ2!\xc2\x85vLp7x", "alice", AUTH_PW_CONTROL_CHAR); /* U+0085 */
	refused("", "alice", AUTH_PW_TOO_SHORT);
	memset(longpw, 'k', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	refused(longpw, "alice", AUTH_PW_TOO_LONG);
	assert_int_equal(auth_password_check_policy(NULL, "alice", 0, &r, NULL, 0), SK_EINVAL);
	assert_string_equal(auth_pw_reason_name((enum auth_pw_reason)99), "unknown");
}

static void test_password_reuse(void **state)
{
	char hashes[7][AUTH_PW_HASH_SIZE];
	const char *ptrs[7];
	char pw[32];

	(void)state;
	/* hashes[0] is the newest, hashes[6] the oldest. */
	for (int i = 0; i < 7; i++) {
		snprintf(pw, sizeof(pw), "Lösenord nummer %d!", i);
		assert_int_equal(auth_password_hash(pw, hashes[i]), SK_OK);
		ptrs[i] = hashes[i];
	}
	for (int i = 0; i < AUTH_PW_HISTORY; i++) {
		snprintf(pw, sizeof(pw), "Lösenord nummer %d!", i);
		assert_true(auth_password_reused(pw, ptrs, 7));
	}
	/* The 6th and 7th newest are outside the history. */
	assert_false(auth_password_reused("Lösenord nummer 5!", ptrs, 7));
	assert_false(auth_password_reused("Lösenord nummer 6!", ptrs, 7));
	assert_false(auth_password_reused("Något helt nytt 123", ptrs, 7));
	/* A shorter history only looks at what it is given. */
	assert_false(auth_password_reused("Lösenord nummer 3!", ptrs, 2));
	assert_false(auth_password_reused("Lösenord nummer 0!", ptrs, 0));
	assert_false(auth_password_reused("Lösenord nummer 0!", NULL, 5));
	ptrs[0] = NULL;
	assert_false(auth_password_reused("Lösenord nummer 0!", ptrs, 5));
	assert_true(auth_password_reused("Lösenord nummer 1!", ptrs, 5));
}

/* ---- TOTP ---- */

static const uint8_t rfc_secret[20] = "12345678901234567890";

static void test_totp_rfc6238_vectors(void **state)
{
	/* RFC 6238 Appendix B, SHA-1: our 6 digits are the last 6 of the 8. */
	static const struct {
		int64_t t;
		const char *code8;
	} v[] = {
	        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
	        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	};
	char code[AUTH_TOTP_DIGITS + 1];
	int64_t m;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(auth_totp_code(rfc_secret, 20, v[i].t, code), SK_OK);
		assert_string_equal(code, v[i].code8 + 2);
		assert_int_equal(auth_totp_verify(rfc_secret, 20, v[i].code8 + 2, v[i].t, -1, &m),
		                 SK_OK);
		assert_int_equal(m, v[i].t / 30);
	}
}

static void test_totp_base32(void **state)
{
	char b32[AUTH_TOTP_BASE32_SIZE];
	uint8_t s16[16] = {0};

	(void)state;
	assert_int_equal(auth_totp_secret_base32(rfc_secret, 20, b32, sizeof(b32)), SK_OK);
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	/* 16 bytes: 26 characters, no padding. */
	assert_int_equal(auth_totp_secret_base32(s16, 16, b32, sizeof(b32)), SK_OK);
	assert_string_equal(b32, "AAAAAAAAAAAAAAAAAAAAAAAAAA");
	assert_int_equal(auth_totp_secret_base32(s16, 16, b32, 26), SK_ETOOBIG);
	assert_int_equal(auth_totp_secret_base32(s16, 16, b32, 27), SK_OK);
	assert_int_equal(auth_totp_secret_base32(s16, 15, b32, sizeof(b32)), SK_EINVAL);
	assert_int_equal(auth_totp_secret_base32(NULL, 20, b32, sizeof(b32)), SK_EINVAL);
}

/* Runs oathtool on secret at time t; fails the test if oathtool is missing or fails. */
static void oathtool_code(const uint8_t *secret, size_t len, int64_t t, char out[16])
{
	char b32[AUTH_TOTP_BASE32_SIZE], cmd[256];
	FILE *p;
	size_t n;

	assert_int_equal(auth_totp_secret_base32(secret, len, b32, sizeof(b32)), SK_OK);
	snprintf(cmd, sizeof(cmd), "oathtool --totp -b %s -N @%lld 2>&1", b32, (long long)t);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, 16, p));
	assert_int_equal(pclose(p), 0);
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
}

static void test_totp_oathtool(void **state)
{
	char ours[AUTH_TOTP_DIGITS + 1], theirs[16];
	uint8_t secret[AUTH_TOTP_SECRET_LEN];
	int64_t m;

	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	for (int i = 0; i < 12; i++) {
		/* Times spread over 1970..2200 (within oathtool's date parsing). */
		int64_t t = (int64_t)randombytes_uniform(2000000000) * 3 + i;

		assert_int_equal(auth_totp_secret_new(secret), SK_OK);
		assert_int_equal(auth_totp_code(secret, sizeof(secret), t, ours), SK_OK);
		oathtool_code(secret, sizeof(secret), t, theirs);
		assert_string_equal(ours, theirs);
		assert_int_equal(auth_totp_verify(secret, sizeof(secret), theirs, t, -1, &m),
		                 SK_OK);
	}
	oathtool_code(rfc_secret, 20, 1111111109, theirs);
	assert_string_equal(theirs, "081804");
}

static void test_totp_window_and_replay(void **state)
{
	char code[AUTH_TOTP_DIGITS + 1];
	const int64_t now = 1700000015; /* step 56666667, 15 s in */
	const int64_t step = now / 30;
	int64_t m = 0;

	(void)state;
	/* +-1 step is accepted and reports the step that matched. */
	for (int d = -1; d <= 1; d++) {
		assert_int_equal(auth_totp_code(rfc_secret, 20, now + 30 * d, code), SK_OK);
		assert_int_equal(auth_totp_verify(rfc_secret, 20, code, now, -1, &m), SK_OK);
		assert_int_equal(m, step + d);
	}
	/* +-2 steps are not. */
	assert_int_equal(auth_totp_code(rfc_secret, 20, now - 60, code), SK_OK);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, code, now, -1, &m), SK_EVERIFY);
	assert_int_equal(auth_totp_code(rfc_secret, 20, now + 60, code), SK_OK);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, code, now, -1, &m), SK_EVERIFY);

	/* A code is accepted once: replaying it, even later in the window, fails. */
	assert_int_equal(auth_totp_code(rfc_secret, 20, now, code), SK_OK);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, code, now, -1, &m), SK_OK);
	assert_int_equal(m, step);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, code, now, m, &m), SK_EVERIFY);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, code, now + 20, step, &m), SK_EVERIFY);
	/* After the newer step was used, the older one is refused too. */
	assert_int_equal(auth_totp_code(rfc_secret, 20, now - 30, code), SK_OK);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, code, now, step, &m), SK_EVERIFY);
	/* The next step is still fine. */
	assert_int_equal(auth_totp_code(rfc_secret, 20, now + 30, code), SK_OK);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, code, now, step, &m), SK_OK);
	assert_int_equal(m, step + 1);
}

static void test_totp_bad_input(void **state)
{
	int64_t m = 42;
	char code[AUTH_TOTP_DIGITS + 1];

	(void)state;
	/* 1111111109's code is 081804. */
	assert_int_equal(auth_totp_verify(rfc_secret, 20, "81804", 1111111109, -1, &m), SK_EINVAL);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, "0081804", 1111111109, -1, &m),
	                 SK_EINVAL);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, "07081804", 1111111109, -1, &m),
	                 SK_EINVAL);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, "08180a", 1111111109, -1, &m), SK_EINVAL);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, " 81804", 1111111109, -1, &m), SK_EINVAL);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, "+81804", 1111111109, -1, &m), SK_EINVAL);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, "", 1111111109, -1, &m), SK_EINVAL);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, NULL, 1111111109, -1, &m), SK_EINVAL);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, "081804", -1, -1, &m), SK_EINVAL);
	assert_int_equal(auth_totp_verify(rfc_secret, 10, "081804", 1111111109, -1, &m), SK_EINVAL);
	assert_int_equal(auth_totp_verify(NULL, 20, "081804", 1111111109, -1, &m), SK_EINVAL);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, "081805", 1111111109, -1, &m),
	                 SK_EVERIFY);
	/* Nothing is reported on failure. */
	assert_int_equal(m, 42);
	assert_int_equal(auth_totp_code(rfc_secret, 20, -5, code), SK_EINVAL);
	assert_int_equal(auth_totp_code(rfc_secret, 65, 0, code), SK_EINVAL);
	/* Time 0: step -1 is skipped, not an error. */
	assert_int_equal(auth_totp_code(rfc_secret, 20, 0, code), SK_OK);
	assert_int_equal(auth_totp_verify(rfc_secret, 20, code, 0, -1, &m), SK_OK);
	assert_int_equal(m, 0);
}

static void test_totp_uri(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(auth_totp_uri("Skydd AB", "anna.berg@example.se", rfc_secret, 20, &b),
	                 SK_OK);
	assert_string_equal(b.ptr, "otpauth://totp/Skydd%20AB:anna.berg%40example.se"
	                           "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Skydd%20AB"
	                           "&algorithm=SHA1&digits=6&period=30");
	buf_reset(&b);
	assert_int_equal(auth_totp_uri("Myndighet", "åsa&x=1?", rfc_secret, 20, &b), SK_OK);
	assert_non_null(strstr(b.ptr, "Myndighet:%C3%A5sa%26x%3D1%3F?secret="));
	buf_reset(&b);
	assert_int_equal(auth_totp_uri("A:B", "anna", rfc_secret, 20, &b), SK_EINVAL);
	assert_int_equal(auth_totp_uri("Skydd", "an:na", rfc_secret, 20, &b), SK_EINVAL);
	assert_int_equal(auth_totp_uri("", "anna", rfc_secret, 20, &b), SK_EINVAL);
	assert_int_equal(auth_totp_uri("Skydd", "an\nna", rfc_secret, 20, &b), SK_EINVAL);
	assert_int_equal(auth_totp_uri("Skydd", "an\xffna", rfc_secret, 20, &b), SK_EINVAL);
	assert_int_equal(auth_totp_uri("Skydd", "anna", rfc_secret, 8, &b), SK_EINVAL);
	buf_release(&b);
	/* A buffer too small fails instead of truncating. */
	buf_init(&b, 40);
	assert_int_not_equal(auth_totp_uri("Skydd", "anna", rfc_secret, 20, &b), SK_OK);
	buf_release(&b);
}

/* ---- tokens, recovery codes, CSRF ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_token(void **state)
{
	static char toks[1000][AUTH_TOKEN_SIZE];
	uint8_t h1[AUTH_HASH_LEN], h2[AUTH_HASH_LEN];
	char small[10];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(
		        auth_token_new(AUTH_TOKEN_PREFIX_SESSION, toks[i], sizeof(toks[i])), SK_OK);
		assert_int_equal(strlen(toks[i]), 3 + AUTH_TOKEN_B64_LEN);
		assert_true(auth_token_well_formed(toks[i], AUTH_TOKEN_PREFIX_SESSION));
		assert_false(auth_token_well_formed(toks[i], AUTH_TOKEN_PREFIX_SERVICE));
		assert_null(strpbrk(toks[i], "+/="));
	}
	qsort(toks, 1000, sizeof(toks[0]), cmp_str);
	for (int i = 1; i < 1000; i++)
		assert_string_not_equal(toks[i - 1], toks[i]);

	assert_int_equal(auth_token_new(AUTH_TOKEN_PREFIX_SERVICE, toks[0], sizeof(toks[0])),
	                 SK_OK);
	assert_int_equal(strncmp(toks[0], "skt_", 4), 0);
	assert_int_equal(strlen(toks[0]), 4 + AUTH_TOKEN_B64_LEN);
	assert_true(auth_token_well_formed(toks[0], AUTH_TOKEN_PREFIX_SERVICE));

	/* The hash is stable and differs between tokens. */
	assert_int_equal(auth_token_hash(toks[0], h1), SK_OK);
	assert_int_equal(auth_token_hash(toks[0], h2), SK_OK);
	assert_memory_equal(h1, h2, sizeof(h1));
	assert_int_equal(auth_token_hash(toks[1], h2), SK_OK);
	assert_memory_not_equal(h1, h2, sizeof(h1));
	/* SHA-256("abc"), to pin the algorithm. */
	assert_int_equal(auth_token_hash("abc", h1), SK_OK);
	assert_int_equal(h1[0], 0xba);
	assert_int_equal(h1[31], 0xad);

	assert_true(auth_token_equal(toks[0], toks[0]));
	assert_false(auth_token_equal(toks[0], toks[1]));
	assert_false(auth_token_equal(toks[0], "sk_"));
	assert_false(auth_token_equal(toks[0], NULL));

	/* Bad input. */
	assert_int_equal(auth_token_new("", toks[0], sizeof(toks[0])), SK_EINVAL);
	assert_int_equal(auth_token_new("SK_", toks[0], sizeof(toks[0])), SK_EINVAL);
	assert_int_equal(auth_token_new("toolongpr", toks[0], sizeof(toks[0])), SK_EINVAL);
	assert_int_equal(auth_token_new(NULL, toks[0], sizeof(toks[0])), SK_EINVAL);
	assert_int_equal(auth_token_new("sk_", small, sizeof(small)), SK_ETOOBIG);
	assert_int_equal(auth_token_new("sk_", toks[0], 3 + AUTH_TOKEN_B64_LEN), SK_ETOOBIG);
	assert_int_equal(auth_token_new("sk_", toks[0], 3 + AUTH_TOKEN_B64_LEN + 1), SK_OK);
	assert_false(auth_token_well_formed("sk_short", "sk_"));
	assert_false(auth_token_well_formed(NULL, "sk_"));
	memcpy(toks[1], toks[0], sizeof(toks[0]));
	toks[1][10] = '+';
	assert_false(auth_token_well_formed(toks[1], "sk_"));
	/* Non-zero trailing bits: not something we issued. */
	memcpy(toks[1], toks[0], sizeof(toks[0]));
	toks[1][3 + AUTH_TOKEN_B64_LEN - 1] = 'B';
	assert_false(auth_token_well_formed(toks[1], "sk_"));
	memcpy(toks[1], toks[0], sizeof(toks[0]));
	toks[1][3 + AUTH_TOKEN_B64_LEN] = 'A';
	toks[1][3 + AUTH_TOKEN_B64_LEN + 1] = '\0';
	assert_false(auth_token_well_formed(toks[1], "sk_"));
	{
		char huge[AUTH_TOKEN_SIZE + 1];

		memset(huge, 'a', sizeof(huge) - 1);
		huge[sizeof(huge) - 1] = '\0';
		assert_int_equal(auth_token_hash(huge, h1), SK_EINVAL);
		huge[AUTH_TOKEN_SIZE - 1] = '\0';
		assert_int_equal(auth_token_hash(huge, h1), SK_OK);
	}
	assert_int_equal(auth_token_hash(NULL, h1), SK_EINVAL);
}

static void test_recovery_codes(void **state)
{
	char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
	char norm[AUTH_RECOVERY_CHARS + 1], typed[32];
	uint8_t h1[AUTH_HASH_LEN], h2[AUTH_HASH_LEN];

	(void)state;
	assert_int_equal(auth_recovery_codes_new(codes), SK_OK);
	for (int i = 0; i < AUTH_RECOVERY_COUNT; i++) {
		assert_int_equal(strlen(codes[i]), AUTH_RECOVERY_LEN);
		assert_int_equal(codes[i][4], '-');
		assert_int_equal(codes[i][9], '-');
		assert_int_equal(strspn(codes[i], "0123456789abcdefghjkmnpqrstvwxyz-"),
		                 AUTH_RECOVERY_LEN);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(codes[i], codes[j]);
		assert_int_equal(auth_recovery_code_normalise(codes[i], norm), SK_OK);
		assert_int_equal(strlen(norm), AUTH_RECOVERY_CHARS);
	}

	/* Case, spaces, dashes and look-alikes do not matter. */
	assert_int_equal(auth_recovery_code_normalise("ab0c-d1ef-9xyz", norm), SK_OK);
	assert_string_equal(norm, "ab0cd1ef9xyz");
	assert_int_equal(auth_recovery_code_normalise(" AB0C D1EF 9XYZ ", norm), SK_OK);
	assert_string_equal(norm, "ab0cd1ef9xyz");
	assert_int_equal(auth_recovery_code_normalise("abOc-dLef-9xyz", norm), SK_OK);
	assert_string_equal(norm, "ab0cd1ef9xyz");
	assert_int_equal(auth_recovery_code_normalise("abocdief9xyz", norm), SK_OK);
	assert_string_equal(norm, "ab0cd1ef9xyz");

	assert_int_equal(auth_recovery_code_hash(7, "ab0c-d1ef-9xyz", h1), SK_OK);
	assert_int_equal(auth_recovery_code_hash(7, "AB0C D1EF 9XYZ", h2), SK_OK);
	assert_memory_equal(h1, h2, sizeof(h1));
	/* The same code of another identity hashes differently. */
	assert_int_equal(auth_recovery_code_hash(8, "ab0c-d1ef-9xyz", h2), SK_OK);
	assert_memory_not_equal(h1, h2, sizeof(h1));
	assert_int_equal(auth_recovery_code_hash(7, "ab0c-d1ef-9xyy", h2), SK_OK);
	assert_memory_not_equal(h1, h2, sizeof(h1));

	/* Bad input: wrong length, characters outside the alphabet, absurd length. */
	assert_int_equal(auth_recovery_code_normalise("ab0c-d1ef-9xy", norm), SK_EINVAL);
	assert_int_equal(auth_recovery_code_normalise("ab0c-d1ef-9xyzz", norm), SK_EINVAL);
	assert_int_equal(auth_recovery_code_normalise("ab0c-d1ef-9xyu", norm), SK_EINVAL);
	assert_int_equal(auth_recovery_code_normalise("ab0c_d1ef_9xyz", norm), SK_EINVAL);
	assert_int_equal(auth_recovery_code_normalise("ab0c-d1ef-9xy\xc3\xa5", norm), SK_EINVAL);
	assert_int_equal(auth_recovery_code_normalise("", norm), SK_EINVAL);
	assert_int_equal(auth_recovery_code_normalise(NULL, norm), SK_EINVAL);
	memset(typed, ' ', sizeof(typed) - 1);
	typed[sizeof(typed) - 1] = '\0';
	memcpy(typed, "ab0cd1ef9xyz", 12);
	assert_int_equal(auth_recovery_code_normalise(typed, norm), SK_OK);
	{
		char huge[200];

		memset(huge, ' ', sizeof(huge) - 1);
		huge[sizeof(huge) - 1] = '\0';
		memcpy(huge, "ab0cd1ef9xyz", 12);
		assert_int_equal(auth_recovery_code_normalise(huge, norm), SK_EINVAL);
	}
	assert_int_equal(auth_recovery_code_hash(7, "nope", h1), SK_EINVAL);
	assert_int_equal(auth_recovery_code_hash(7, "ab0c-d1ef-9xyz", NULL), SK_EINVAL);
}

static void test_csrf(void **state)
{
	uint8_t key[32], other_key[32], sess[AUTH_HASH_LEN], other[AUTH_HASH_LEN];
	char tok[AUTH_CSRF_LEN + 1], tok2[AUTH_CSRF_LEN + 1];

	(void)state;
	randombytes_buf(key, sizeof(key));
	randombytes_buf(other_key, sizeof(other_key));
	assert_int_equal(auth_token_hash("sk_session-one", sess), SK_OK);
	assert_int_equal(auth_token_hash("sk_session-two", other), SK_OK);

	assert_int_equal(auth_csrf_token(sess, key, tok), SK_OK);
	assert_int_equal(strlen(tok), AUTH_CSRF_LEN);
	assert_null(strpbrk(tok, "+/="));
	assert_true(auth_csrf_check(sess, key, tok));
	/* Deterministic per session and key. */
	assert_int_equal(auth_csrf_token(sess, key, tok2), SK_OK);
	assert_string_equal(tok, tok2);

	/* Another session or key. */
	assert_false(auth_csrf_check(other, key, tok));
	assert_false(auth_csrf_check(sess, other_key, tok));
	/* Tampered, truncated, extended, empty, missing. */
	memcpy(tok2, tok, sizeof(tok));
	tok2[5] = tok2[5] == 'A' ? 'B' : 'A';
	assert_false(auth_csrf_check(sess, key, tok2));
	memcpy(tok2, tok, sizeof(tok));
	tok2[AUTH_CSRF_LEN - 1] = '\0';
	assert_false(auth_csrf_check(sess, key, tok2));
	{
		char longer[AUTH_CSRF_LEN + 2];

		memcpy(longer, tok, AUTH_CSRF_LEN);
		longer[AUTH_CSRF_LEN] = 'A';
		longer[AUTH_CSRF_LEN + 1] = '\0';
		assert_false(auth_csrf_check(sess, key, longer));
	}
	assert_false(auth_csrf_check(sess, key, ""));
	assert_false(auth_csrf_check(sess, key, NULL));
}

/* ---- QR ---- */

static void test_qr_svg(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(auth_qr_svg("otpauth://totp/Skydd:anna?secret=GEZDGNBVGY3TQOJQ", &b),
	                 SK_OK);
	assert_int_equal(strncmp(b.ptr, "<svg ", 5), 0);
	assert_non_null(strstr(b.ptr, "<path "));
	assert_non_null(strstr(b.ptr, " d=\"M4 4h7v1h-7z")); /* the finder pattern's top row */
	assert_non_null(strstr(b.ptr, "shape-rendering=\"crispEdges\""));
	assert_non_null(strstr(b.ptr, "</svg>"));
	assert_null(strstr(b.ptr, "<script"));
	assert_null(strstr(b.ptr, "href"));
	buf_release(&b);
}

/* Decodes one UTF-8 cell; returns its byte length, or 0 if not an allowed character. */
static size_t qr_cell(const char *p)
{
	if (*p == ' ')
		return 1;
	if (!strncmp(p, "\xe2\x96\x80", 3) || !strncmp(p, "\xe2\x96\x84", 3) ||
	    !strncmp(p, "\xe2\x96\x88", 3))
		return 3;
	return 0;
}

static void test_qr_utf8(void **state)
{
	struct buf b;
	int lines = 0, width = -1;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(auth_qr_utf8("otpauth://totp/Skydd:anna?secret=GEZDGNBVGY3TQOJQ", &b),
	                 SK_OK);
	for (const char *p = b.ptr; *p; lines++) {
		int cells = 0;

		while (*p != '\n') {
			size_t n = qr_cell(p);

			assert_int_not_equal(n, 0);
			p += n;
			cells++;
		}
		p++;
		if (width < 0)
			width = cells;
		assert_int_equal(cells, width);
	}
	/* Width = 17 + 4 * version + 2 * quiet zone; two module rows per line. */
	assert_int_equal((width - 17 - 2 * AUTH_QR_QUIET) % 4, 0);
	assert_true(width >= 21 + 2 * AUTH_QR_QUIET);
	assert_int_equal(lines, (width + 1) / 2);
	/* The quiet zone at the top is light: full blocks. */
	assert_int_equal(strncmp(b.ptr, "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88", 9), 0);
	buf_release(&b);
}

static void test_qr_bad_input(void **state)
{
	struct buf b;
	char *big = malloc(3001);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 3000);
	big[3000] = '\0';
	buf_init(&b, 1 << 20);
	assert_int_equal(auth_qr_svg(big, &b), SK_ETOOBIG);
	assert_int_equal(auth_qr_utf8(big, &b), SK_ETOOBIG);
	/* Our own cap is well within a version 40 code at level M (2331 bytes). */
	big[AUTH_QR_MAX_TEXT] = '\0';
	assert_int_equal(auth_qr_svg(big, &b), SK_OK);
	assert_int_equal(auth_qr_svg("", &b), SK_EINVAL);
	assert_int_equal(auth_qr_utf8(NULL, &b), SK_EINVAL);
	buf_release(&b);
	/* A full buffer is an error, not a truncated picture. */
	buf_init(&b, 64);
	assert_int_not_equal(auth_qr_svg("hello", &b), SK_OK);
	buf_release(&b);
	buf_init(&b, 64);
	assert_int_not_equal(auth_qr_utf8("hello", &b), SK_OK);
	buf_release(&b);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_password_hash_verify),
	        cmocka_unit_test(test_password_bad_input),
	        cmocka_unit_test(test_password_rehash_on_cost_change),
	        cmocka_unit_test(test_policy),
	        cmocka_unit_test(test_policy_audit),
	        cmocka_unit_test(test_policy_bad_input),
	        cmocka_unit_test(test_password_reuse),
	        cmocka_unit_test(test_totp_rfc6238_vectors),
	        cmocka_unit_test(test_totp_base32),
	        cmocka_unit_test(test_totp_oathtool),
	        cmocka_unit_test(test_totp_window_and_replay),
	        cmocka_unit_test(test_totp_bad_input),
	        cmocka_unit_test(test_totp_uri),
	        cmocka_unit_test(test_token),
	        cmocka_unit_test(test_recovery_codes),
	        cmocka_unit_test(test_csrf),
	        cmocka_unit_test(test_qr_svg),
	        cmocka_unit_test(test_qr_utf8),
	        cmocka_unit_test(test_qr_bad_input),
	};

	return cmocka_run_group_tests(tests, setup_cheap_hash, NULL);
}
