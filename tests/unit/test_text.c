/*
 * Unit tests for util/text.c: forbidden code points (C0, C1, bidi overrides
 * and isolates), blank text, leading white space, and the sanitiser a
 * session's User-Agent goes through before it is stored (issue 10, item 16).
 */
#include "testutil.h"

#include <string.h>

#include "util/util.h"

static void test_forbidden(void **state)
{
	static const uint32_t bad[] = {0x00,   0x1b,   0x0a,   0x7f,   0x80,   0x85,
	                               0x9b,   0x9f,   0x202a, 0x202b, 0x202c, 0x202d,
	                               0x202e, 0x2066, 0x2067, 0x2068, 0x2069};
	static const uint32_t good[] = {' ',    'a',    0xa0,   0xc5,   0xe5,   0x200e,
	                                0x200f, 0x2029, 0x2065, 0x206a, 0x2029, 0x1f600};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!sk_cp_forbidden(bad[i]))
			fail_msg("U+%04X is not forbidden", bad[i]);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (sk_cp_forbidden(good[i]))
			fail_msg("U+%04X is forbidden", good[i]);
}

static void test_blank(void **state)
{
	(void)state;
	assert_true(sk_text_blank("", 0));
	assert_true(sk_text_blank(" \t\r\n", 4));
	assert_true(sk_text_blank("\xc2\xa0\xe3\x80\x80\xe2\x80\x8b", 8)); /* NBSP U+3000 ZWSP */
	assert_false(sk_text_blank(" a ", 3));
	assert_false(sk_text_blank("\xff", 1)); /* not UTF-8: not blank either */
	assert_int_equal(sk_text_skip_space("  =1", 4), 2);
	assert_int_equal(sk_text_skip_space("\xc2\xa0=1", 4), 2);
	assert_int_equal(sk_text_skip_space("x", 1), 0);
	assert_int_equal(sk_text_skip_space("   ", 3), 3);
}

static void test_sanitize(void **state)
{
	char out[SK_CLIENT_MAX + 1], big[3000], small[8];
	size_t n;

	(void)state;
	/* controls, C1 and bidi overrides become spaces; invalid bytes '?' */
	sk_client_sanitize("Mozilla/5.0\x1b[31m\r\nX-Evil: 1\xc2\x9b\xe2\x80\xae"
	                   "txt\xff",
	                   out);
	assert_string_equal(out, "Mozilla/5.0 [31m  X-Evil: 1  txt?");
	/* Swedish letters and other text survive */
	sk_client_sanitize("skydd-klient/1.0 (Åsa; ÖÄ) 😀", out);
	assert_string_equal(out, "skydd-klient/1.0 (Åsa; ÖÄ) 😀");
	sk_client_sanitize(NULL, out);
	assert_string_equal(out, "");
	/* bounded to SK_CLIENT_MAX bytes, cut at a UTF-8 boundary (å is 2 bytes) */
	memset(big, 'a', sizeof(big));
	for (size_t i = 1; i + 1 < sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa5", 2);
	big[sizeof(big) - 1] = '\0';
	sk_client_sanitize(big, out);
	n = strlen(out);
	assert_true(n <= SK_CLIENT_MAX && n >= SK_CLIENT_MAX - 3);
	assert_true(sk_utf8_valid(out, n));
	/* a small output buffer: bounded by cap, terminated */
	n = sk_text_sanitize_line("\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5", 8, 100, small, sizeof(small));
	assert_int_equal(n, 6);
	assert_string_equal(small, "ååå");
	assert_int_equal(sk_text_sanitize_line("abc", 3, 10, small, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_forbidden),
	        cmocka_unit_test(test_blank),
	        cmocka_unit_test(test_sanitize),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
