/*
 * Strict JSON parsing and RFC 8785 canonical output (expected bytes written
 * by hand from the RFC), plus the util pieces entries rest on: UTF-8, time,
 * bounded buffers, base64 and hex.
 */
#include <time.h>

#include "testutil.h"

#include "util/util.h"

/* Parses text (which must be valid) and returns its canonical form; caller frees. */
static char *canon_of(const char *text)
{
	char field[64], msg[128];
	struct buf b;
	json_t *v;
	char *out;

	v = sk_json_parse(text, strlen(text), 16, field, sizeof(field), msg, sizeof(msg));
	if (!v)
		fail_msg("parse failed for %s: %s at '%s'", text, msg, field);
	buf_init(&b, 1 << 20);
	assert_int_equal(sk_json_canonical(v, &b), SK_OK);
	json_decref(v);
	out = buf_detach(&b, NULL);
	assert_non_null(out);
	return out;
}

static void assert_canon(const char *text, const char *want)
{
	char *got = canon_of(text);

	assert_string_equal(got, want);
	free(got);
}

/* Returns whether text parses; on failure, copies out the error field. */
static bool parses(const char *text, size_t len, int depth, char *field, size_t cap)
{
	char msg[128];
	json_t *v = sk_json_parse(text, len, depth, field, cap, msg, sizeof(msg));

	if (!v) {
		assert_true(msg[0] != '\0'); /* every rejection says why */
		return false;
	}
	json_decref(v);
	return true;
}

static bool parses_str(const char *text)
{
	char field[64];

	return parses(text, strlen(text), 16, field, sizeof(field));
}

/* ---- RFC 8785 examples ---- */

/* §3.2.3: names compare as UTF-16 code units, so U+1F600 sorts before U+FB33. */
static void test_rfc_sorting(void **state)
{
	(void)state;
	assert_canon("{\n"
	             "  \"\\u20ac\": \"Euro Sign\",\n"
	             "  \"\\r\": \"Carriage Return\",\n"
	             "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
	             "  \"1\": \"One\",\n"
	             "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
	             "  \"\\u0080\": \"Control\",\n"
	             "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
	             "}",
	             "{\"\\r\":\"Carriage Return\","
	             "\"1\":\"One\","
	             "\"\xc2\x80\":\"Control\","
	             "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
	             "\"\xe2\x82\xac\":\"Euro Sign\","
	             "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
	             "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

/* §3.2.2.2's example with its floats replaced by integers we allow. */
static void test_rfc_strings(void **state)
{
	(void)state;
	assert_canon("{\n"
	             "  \"numbers\": [333333333, 1000000000000000, 4, -2, 0],\n"
	             "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
	             "  \"literals\": [null, true, false]\n"
	             "}",
	             "{\"literals\":[null,true,false],"
	             "\"numbers\":[333333333,1000000000000000,4,-2,0],"
	             "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

/* ---- canonical form ---- */

static void test_escapes(void **state)
{
	static const char raw[] = "\x01\b\t\n\x0b\f\r\x1f \x7f/\"\\";
	struct buf b;
	json_t *s = json_stringn(raw, sizeof(raw) - 1);

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(sk_json_canonical(s, &b), SK_OK);
	assert_string_equal(b.ptr, "\"\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \x7f/\\\"\\\\\"");
	json_decref(s);
	buf_release(&b);
}

static void test_nested_and_empty(void **state)
{
	(void)state;
	assert_canon("{}", "{}");
	assert_canon("[]", "[]");
	assert_canon(" [ {} , [ ] ] ", "[{},[]]");
	assert_canon("{\"b\": [1, {\"d\": [], \"c\": {}}], \"a\": {}, \"aa\": \"\"}",
	             "{\"a\":{},\"aa\":\"\",\"b\":[1,{\"c\":{},\"d\":[]}]}");
	assert_canon("\"top\"", "\"top\"");
	assert_canon("-0", "0");
	assert_canon("null", "null");
}

/* U+E000..U+FFFF sort after every supplementary character, unlike in UTF-8 byte order. */
static void test_sort_surrogates(void **state)
{
	(void)state;
	assert_canon("{\"\\uffff\":1,\"\\ud800\\udc00\":2,\"\\ue000\":3,\"\\ud7ff\":4,\"\":5}",
	             "{\"\":5,\"\xed\x9f\xbf\":4,\"\xf0\x90\x80\x80\":2,\"\xee\x80\x80\":3,"
	             "\"\xef\xbf\xbf\":1}");
	/* A shared multibyte prefix: the difference is inside the second character. */
	assert_canon("{\"\\u00e9\\ufb33\":1,\"\\u00e9\\ud83d\\ude00\":2,\"\\u00e9\":3}",
	             "{\"\xc3\xa9\":3,\"\xc3\xa9\xf0\x9f\x98\x80\":2,\"\xc3\xa9\xef\xac\xb3\":1}");
}

static void test_many_members(void **state)
{
	struct buf b;
	json_t *o = json_object();
	char key[16];

	(void)state;
	/* More members than the on-stack sort array holds. */
	for (int i = 39; i >= 0; i--) {
		snprintf(key, sizeof(key), "k%02d", i);
		json_object_set_new(o, key, json_integer(i));
	}
	buf_init(&b, 4096);
	assert_int_equal(sk_json_canonical(o, &b), SK_OK);
	assert_true(strncmp(b.ptr, "{\"k00\":0,\"k01\":1,\"k02\":2,", 25) == 0);
	assert_non_null(strstr(b.ptr, "\"k38\":38,\"k39\":39}"));
	json_decref(o);
	buf_release(&b);
}

static void test_canonical_rejects(void **state)
{
	struct buf b;
	json_t *v;

	(void)state;
	buf_init(&b, 1024);
	buf_puts(&b, "keep");

	v = json_real(1.0);
	assert_int_equal(sk_json_canonical(v, &b), SK_EINVAL);
	json_decref(v);
	v = json_pack("{s:[i,I]}", "a", 1, (json_int_t)SK_JSON_MAX_INT + 1);
	assert_int_equal(sk_json_canonical(v, &b), SK_EINVAL);
	json_decref(v);
	v = json_integer(-SK_JSON_MAX_INT - 1);
	assert_int_equal(sk_json_canonical(v, &b), SK_EINVAL);
	json_decref(v);
	v = json_stringn("a\0b", 3);
	assert_int_equal(sk_json_canonical(v, &b), SK_EINVAL);
	json_decref(v);
	assert_int_equal(sk_json_canonical(NULL, &b), SK_EINVAL);
	/* A failed value leaves the buffer as it was. */
	assert_string_equal(b.ptr, "keep");
	assert_int_equal(b.len, 4);
	assert_int_equal(b.err, SK_OK);

	v = json_integer(SK_JSON_MAX_INT);
	assert_int_equal(sk_json_canonical(v, &b), SK_OK);
	json_decref(v);
	v = json_integer(-SK_JSON_MAX_INT);
	assert_int_equal(sk_json_canonical(v, &b), SK_OK);
	json_decref(v);
	assert_string_equal(b.ptr, "keep9007199254740992-9007199254740992");
	buf_release(&b);
}

static void test_canonical_buffer_limit(void **state)
{
	struct buf b;
	json_t *v = json_pack("{s:s}", "abc", "defgh");

	(void)state;
	buf_init(&b, 15); /* {"abc":"defgh"} is 15 bytes */
	assert_int_equal(sk_json_canonical(v, &b), SK_OK);
	assert_string_equal(b.ptr, "{\"abc\":\"defgh\"}");
	buf_release(&b);
	buf_init(&b, 14);
	assert_int_equal(sk_json_canonical(v, &b), SK_ETOOBIG);
	assert_int_equal(b.err, SK_ETOOBIG);
	json_decref(v);
	buf_release(&b);
}

/* Builds n nested arrays around 1. */
static json_t *nest(int n)
{
	json_t *v = json_integer(1);

	for (int i = 0; i < n; i++) {
		json_t *a = json_array();

		json_array_append_new(a, v);
		v = a;
	}
	return v;
}

static void test_canonical_depth_guard(void **state)
{
	struct buf b;
	json_t *v;

	(void)state;
	buf_init(&b, 4096);
	v = nest(64);
	assert_int_equal(sk_json_canonical(v, &b), SK_OK);
	json_decref(v);
	buf_reset(&b);
	v = nest(65);
	assert_int_equal(sk_json_canonical(v, &b), SK_EINVAL);
	assert_int_equal(b.len, 0);
	json_decref(v);
	buf_release(&b);
}

/* ---- parsing ---- */

static void test_int_bounds(void **state)
{
	(void)state;
	assert_true(parses_str("9007199254740992"));
	assert_true(parses_str("-9007199254740992"));
	assert_true(parses_str("[9007199254740991, -9007199254740991, 0, -0]"));
	assert_false(parses_str("9007199254740993"));
	assert_false(parses_str("-9007199254740993"));
	assert_false(parses_str("9223372036854775807"));
	assert_false(parses_str("99999999999999999999999"));
	assert_false(parses_str("-99999999999999999999999"));
	assert_false(parses_str("{\"a\":[18446744073709551616]}"));
}

static void test_reals_rejected(void **state)
{
	char field[64];
	const char *bad[] = {"1.0",  "1e2",   "1E2",         "-0.5",  "0e0",
	                     "1e-2", "[0.0]", "{\"x\":2.5}", "1E400", "1."};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parses(bad[i], strlen(bad[i]), 16, field, sizeof(field)))
			fail_msg("accepted %s", bad[i]);
	}
}

static void test_syntax_rejected(void **state)
{
	const char *bad[] = {"",
	                     " ",
	                     "{",
	                     "{} x",
	                     "{}{}",
	                     "1 2",
	                     "[1,]",
	                     "{\"a\":1,}",
	                     "{a:1}",
	                     "'a'",
	                     "01",
	                     "+1",
	                     "[1 2]",
	                     "\"\t\"",
	                     "\"\\x\"",
	                     "tru",
	                     "NaN",
	                     "Infinity",
	                     "{\"a\" 1}",
	                     "\"unterminated",
	                     "[\"\\u12\"]",
	                     "/*c*/1",
	                     "\xef\xbb\xbf{}"};
	char field[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parses(bad[i], strlen(bad[i]), 16, field, sizeof(field)))
			fail_msg("accepted '%s'", bad[i]);
		assert_string_equal(field, "");
	}
	/* An embedded NUL byte is not the end of the text. */
	assert_false(parses("{}\0", 3, 16, field, sizeof(field)));
	/* jansson 2.14 on its own accepts this one */
	assert_false(parses("[1\0]", 4, 16, field, sizeof(field)));
	assert_true(parses(" \n\t{}\r\n ", 8, 16, field, sizeof(field)));
}

static void test_syntax_message(void **state)
{
	char field[64], msg[128];
	json_t *v;

	(void)state;
	v = sk_json_parse("{\n  \"a\": tru\n}", 14, 8, field, sizeof(field), msg, sizeof(msg));
	assert_null(v);
	assert_string_equal(field, "");
	assert_non_null(strstr(msg, "line 2"));
	assert_non_null(strstr(msg, "column"));
	/* NULL outputs are allowed. */
	assert_null(sk_json_parse("[", 1, 8, NULL, 0, NULL, 0));
}

static void test_duplicates_rejected(void **state)
{
	(void)state;
	assert_false(parses_str("{\"a\":1,\"a\":2}"));
	assert_false(parses_str("{\"a\":1,\"b\":{\"c\":1,\"c\":1}}"));
	/* The same name after unescaping is a duplicate too. */
	assert_false(parses_str("{\"a\":1,\"\\u0061\":2}"));
	assert_true(parses_str("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}"));
}

static const struct {
	const char *bytes;
	size_t len;
} bad_utf8[] = {
        {"\xc0\xaf", 2},         /* overlong '/' */
        {"\xe0\x80\xaf", 3},     /* overlong, three bytes */
        {"\xf0\x80\x80\xaf", 4}, /* overlong, four bytes */
        {"\xed\xa0\x80", 3},     /* U+D800 encoded directly */
        {"\xed\xbf\xbf", 3},     /* U+DFFF */
        {"\xe2\x82", 2},         /* truncated euro sign */
        {"\xf0\x9f\x98", 3},     /* truncated emoji */
        {"\xff", 1},
        {"\xfe", 1},
        {"\x80", 1},             /* lone continuation */
        {"\xf4\x90\x80\x80", 4}, /* U+110000 */
        {"\xf5\x80\x80\x80", 4},
        {"\xc2\x41", 2}, /* lead byte then ASCII */
};

/* The decoder the ledger uses for note and checkpoint text: code points, and refusals. */
static void test_utf8_next(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} good[] = {{"A", 1, 0x41},
	            {"\xc3\xa5", 2, 0xe5},
	            {"\xe2\x80\x94", 3, 0x2014},
	            {"\xef\xbf\xbd", 3, 0xfffd},
	            {"\xf0\x9f\x98\x80", 4, 0x1f600},
	            {"\xf4\x8f\xbf\xbf", 4, 0x10ffff}};
	static const char *const bad[] = {
	        "\x80",         "\xc0\xaf",         "\xc1\xbf",         "\xe0\x80\xaf",
	        "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff",
	        "\xe2\x80"};
	uint32_t cp = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(
		        sk_utf8_next((const unsigned char *)good[i].s, strlen(good[i].s), &cp),
		        good[i].len);
		assert_int_equal(cp, good[i].cp);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sk_utf8_next((const unsigned char *)bad[i], strlen(bad[i]), &cp) != 0)
			fail_msg("accepted bad sequence %zu", i);
	}
	/* a sequence cut by the length is refused, and so is nothing */
	assert_int_equal(sk_utf8_next((const unsigned char *)"\xe2\x80\x94", 2, &cp), 0);
	assert_int_equal(sk_utf8_next((const unsigned char *)"A", 0, &cp), 0);
}

static void test_utf8(void **state)
{
	char text[32], field[64];

	(void)state;
	assert_true(sk_utf8_valid("", 0));
	assert_true(sk_utf8_valid("plain", 5));
	assert_true(sk_utf8_valid(
	        "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf", 16));
	assert_true(sk_utf8_valid("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 8));
	assert_true(sk_utf8_valid("a\0b", 3)); /* NUL is well-formed UTF-8 */
	for (size_t i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		size_t n;

		assert_false(sk_utf8_valid(bad_utf8[i].bytes, bad_utf8[i].len));
		/* the same bytes inside a JSON string, and as a member name */
		n = (size_t)snprintf(text, sizeof(text), "[\"x%.*sy\"]", (int)bad_utf8[i].len,
		                     bad_utf8[i].bytes);
		assert_false(parses(text, n, 16, field, sizeof(field)));
		n = (size_t)snprintf(text, sizeof(text), "{\"%.*s\":1}", (int)bad_utf8[i].len,
		                     bad_utf8[i].bytes);
		assert_false(parses(text, n, 16, field, sizeof(field)));
	}
}

static void test_escapes_rejected(void **state)
{
	(void)state;
	assert_false(parses_str("\"\\ud800\""));
	assert_false(parses_str("\"\\udc00\""));
	assert_false(parses_str("\"\\ud83d x\""));
	assert_false(parses_str("\"\\ude00\\ud83d\""));
	assert_false(parses_str("\"\\u0000\""));
	assert_false(parses_str("{\"a\\u0000\":1}"));
	assert_true(parses_str("\"\\ud83d\\ude00\\u0001\\u001F\\/\""));
}

/* Builds n nested arrays (or objects) as text. */
static char *nest_text(int n, bool objects)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	for (int i = 0; i < n; i++)
		buf_puts(&b, objects ? "{\"k\":" : "[");
	buf_puts(&b, "\"[{\"");
	for (int i = 0; i < n; i++)
		buf_puts(&b, objects ? "}" : "]");
	assert_int_equal(b.err, SK_OK);
	return buf_detach(&b, NULL);
}

static void test_depth_limit(void **state)
{
	char field[64];

	(void)state;
	for (int objects = 0; objects < 2; objects++) {
		char *at = nest_text(10, objects), *over = nest_text(11, objects);
		json_t *v;

		assert_true(parses(at, strlen(at), 10, field, sizeof(field)));
		assert_false(parses(over, strlen(over), 10, field, sizeof(field)));
		v = sk_json_parse(at, strlen(at), 10, NULL, 0, NULL, 0);
		assert_true(sk_json_depth_ok(v, 10));
		assert_false(sk_json_depth_ok(v, 9));
		json_decref(v);
		free(at);
		free(over);
	}
	/* Scalars have depth 0; beyond jansson's own limit is rejected either way. */
	assert_true(parses("1", 1, 0, field, sizeof(field)));
	assert_false(parses("[]", 2, 0, field, sizeof(field)));
	assert_false(parses("1", 1, -1, field, sizeof(field)));
	{
		char *deep = nest_text(5000, false);

		assert_false(parses(deep, strlen(deep), 10000, field, sizeof(field)));
		assert_false(parses(deep, strlen(deep), 64, field, sizeof(field)));
		free(deep);
	}
	assert_false(sk_json_depth_ok(NULL, 5));
}

static void expect_field(const char *text, const char *want_field)
{
	char field[64];

	if (parses(text, strlen(text), 16, field, sizeof(field)))
		fail_msg("accepted %s", text);
	assert_string_equal(field, want_field);
}

static void test_err_field(void **state)
{
	char field[8];

	(void)state;
	expect_field("{\"data\":{\"items\":[1,2,3,1.5]}}", "data.items[3]");
	expect_field("{\"name\":0.5,\"other\":1}", "name");
	expect_field("{\"a\":{\"b\":{\"c\":9007199254740993}}}", "a.b.c");
	expect_field("[1,[2,2.5]]", "[1][1]");
	expect_field("[{\"x\":[{\"y\":1e3}]}]", "[0].x[0].y");
	expect_field("2.5", "");
	/* A long path is cut to fit, never overflowing. */
	assert_false(parses("{\"abcdefghij\":1.5}", 18, 4, field, sizeof(field)));
	assert_string_equal(field, "abcdefg");
}

/* ---- time ---- */

static void test_time_format(void **state)
{
	char out[SK_TIME_LEN + 1];

	(void)state;
	assert_int_equal(sk_time_format(0, out), SK_OK);
	assert_string_equal(out, "1970-01-01T00:00:00.000000Z");
	/* 2024-02-29 is day 19782 since the epoch. */
	assert_int_equal(sk_time_format(INT64_C(1709210096789012), out), SK_OK);
	assert_string_equal(out, "2024-02-29T12:34:56.789012Z");
	assert_int_equal(sk_time_format(INT64_C(253402300799999999), out), SK_OK);
	assert_string_equal(out, "9999-12-31T23:59:59.999999Z");
	assert_int_equal(sk_time_format(INT64_C(253402300800000000), out), SK_ERANGE);
	assert_int_equal(sk_time_format(-1, out), SK_ERANGE);
}

/* The arithmetic formatter agrees with gmtime_r, and parsing inverts it. */
static void test_time_format_matches_libc(void **state)
{
	char out[SK_TIME_LEN + 1], want[64];
	uint64_t x = 88172645463325252u; /* xorshift64 */

	(void)state;
	for (int i = 0; i < 200000; i++) {
		int64_t t, back = -1;
		time_t secs;
		struct tm tm;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* every day boundary near the epoch and 2000, then anywhere up to 9999 */
		if (i < 20000)
			t = (int64_t)(i % 10000) * 86400000000 + (i < 10000 ? 0 : 946684800000000) -
			    (i % 2);
		else
			t = (int64_t)(x % UINT64_C(253402300800000000));
		if (t < 0)
			continue;
		secs = (time_t)(t / 1000000);
		assert_non_null(gmtime_r(&secs, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
		         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		         tm.tm_sec, (int)(t % 1000000));
		assert_int_equal(sk_time_format(t, out), SK_OK);
		assert_string_equal(out, want);
		assert_int_equal(sk_time_parse(out, SK_TIME_LEN, &back), SK_OK);
		assert_int_equal(back, t);
	}
}

static int64_t parse_time(const char *s)
{
	int64_t t = -42;

	if (sk_time_parse(s, strlen(s), &t) != SK_OK)
		return -1;
	return t;
}

static void test_time_parse(void **state)
{
	const char *bad[] = {
	        "2023-02-29T00:00:00Z", /* not a leap year */
	        "2100-02-29T00:00:00Z", /* century, not a leap year */
	        "2024-02-30T00:00:00Z",         "2024-04-31T00:00:00Z",
	        "2024-13-01T00:00:00Z",         "2024-00-01T00:00:00Z",
	        "2024-01-00T00:00:00Z",         "2024-01-01T24:00:00Z",
	        "2024-01-01T00:60:00Z",         "2024-01-01T00:00:60Z",
	        "2024-01-01T00:00:00.1234567Z", /* 7 fraction digits */
	        "2024-01-01T00:00:00.Z",        "2024-01-01T00:00:00",
	        "2024-01-01 00:00:00Z",         "2024-01-01T00:00:00Z ",
	        "2024-01-01T00:00:00+2400",     "2024-01-01T00:00:00+24:00",
	        "2024-01-01T00:00:00+01:60",    "2024-1-01T00:00:00Z",
	        "1969-12-31T23:59:59Z",         "1970-01-01T00:30:00+01:00", /* before the epoch */
	        "10000-01-01T00:00:00Z",        "",
	        "+2024-01-01T00:00:00Z",        "9999-12-31T23:59:59-00:01",
	};

	(void)state;
	assert_int_equal(parse_time("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_time("2024-02-29T12:34:56.789012Z"), INT64_C(1709210096789012));
	assert_int_equal(parse_time("2024-02-29T13:34:56.789012+01:00"), INT64_C(1709210096789012));
	assert_int_equal(parse_time("2024-02-29T07:04:56.789012-05:30"), INT64_C(1709210096789012));
	assert_int_equal(parse_time("2024-02-29t12:34:56.789012z"), INT64_C(1709210096789012));
	assert_int_equal(parse_time("2024-02-29T12:34:56.7Z"), INT64_C(1709210096700000));
	assert_int_equal(parse_time("2024-02-29T12:34:56Z"), INT64_C(1709210096000000));
	assert_int_equal(parse_time("2000-02-29T00:00:00Z"), INT64_C(951782400000000));
	assert_int_equal(parse_time("1970-01-01T01:00:00+01:00"), 0);
	assert_int_equal(parse_time("9999-12-31T23:59:59.999999Z"), INT64_C(253402300799999999));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t t = 7;

		if (sk_time_parse(bad[i], strlen(bad[i]), &t) != SK_EINVAL)
			fail_msg("accepted or wrong error for '%s'", bad[i]);
		assert_int_equal(t, 7);
	}
	/* Only len bytes count: a valid prefix of a longer string. */
	assert_int_equal(sk_time_parse("1970-01-01T00:00:00Zjunk", 20, &(int64_t){0}), SK_OK);
}

/* ---- bounded buffers ---- */

static void test_buf_limits(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_append(&b, "0123456789", 10), SK_OK);
	assert_int_equal(b.len, 10);
	assert_int_equal(b.ptr[10], '\0');
	assert_true(b.len < b.cap);
	assert_int_equal(buf_putc(&b, 'x'), SK_ETOOBIG);
	/* sticky: even an empty append now fails, and nothing changes */
	assert_int_equal(buf_append(&b, "", 0), SK_ETOOBIG);
	assert_int_equal(buf_printf(&b, "%d", 1), SK_ETOOBIG);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.ptr, "0123456789");
	buf_reset(&b);
	assert_int_equal(b.err, SK_OK);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append(&b, "0123456789x", 11), SK_ETOOBIG);
	assert_int_equal(b.len, 0);
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "%s-%d", "abcd", 12345), SK_OK);
	assert_string_equal(b.ptr, "abcd-12345");
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "%s", "0123456789A"), SK_ETOOBIG);
	assert_int_equal(b.len, 0);
	buf_release(&b);

	buf_init(&b, 1000);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_putc(&b, 'a'), SK_OK);
	assert_int_equal(buf_putc(&b, 'a'), SK_ETOOBIG);
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "hi"), SK_OK);
	p = buf_detach(&b, &len);
	assert_int_equal(len, 2);
	assert_string_equal(p, "hi");
	free(p);
	assert_null(b.ptr);
	assert_null(buf_detach(&b, &len)); /* empty */
	assert_int_equal(len, 0);
	buf_release(&b);
}

/* ---- base64 and hex ---- */

static void test_base64(void **state)
{
	/* RFC 4648 §10 */
	static const char *vec[][2] = {{"", ""},
	                               {"f", "Zg=="},
	                               {"fo", "Zm8="},
	                               {"foo", "Zm9v"},
	                               {"foob", "Zm9vYg=="},
	                               {"fooba", "Zm9vYmE="},
	                               {"foobar", "Zm9vYmFy"}};
	const char *bad[] = {"Zg",   "Zg=",  "Zh==", "Zm9=",  "Zg==Zg==", "Zm9v\n",  "Zm9-",
	                     "Zm9_", "Z===", "====", " Zm9v", "Zm 9v",    "Zm9v===="};
	char enc[16];
	uint8_t dec[16];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		size_t len = strlen(vec[i][0]);

		assert_int_equal(
		        sk_base64_encode((const uint8_t *)vec[i][0], len, enc, sizeof(enc)), SK_OK);
		assert_string_equal(enc, vec[i][1]);
		assert_int_equal(
		        sk_base64_decode(vec[i][1], strlen(vec[i][1]), dec, sizeof(dec), &n),
		        SK_OK);
		assert_int_equal(n, len);
		assert_memory_equal(dec, vec[i][0], len);
		/* without out_len the output must fill out_cap exactly */
		assert_int_equal(sk_base64_decode(vec[i][1], strlen(vec[i][1]), dec, len, NULL),
		                 SK_OK);
	}
	assert_int_equal(sk_base64_decode("Zm9v", 4, dec, 4, NULL), SK_EINVAL);
	assert_int_equal(sk_base64_decode("Zm9v", 4, dec, 2, &n), SK_EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sk_base64_decode(bad[i], strlen(bad[i]), dec, sizeof(dec), &n) != SK_EINVAL)
			fail_msg("accepted base64 '%s'", bad[i]);
	}
	/* libsodium alone reads bytes >= 0x80 as '/': the wrapper must refuse them */
	assert_int_equal(sk_base64_decode("Zm9\xc3", 4, dec, sizeof(dec), &n), SK_EINVAL);
	assert_int_equal(sk_base64_decode("Zg=\xff", 4, dec, sizeof(dec), &n), SK_EINVAL);
	assert_int_equal(sk_base64_decode("Z=g=", 4, dec, sizeof(dec), &n), SK_EINVAL);
	/* "foobar" needs 8 characters and a terminator */
	assert_int_equal(sk_base64_encode((const uint8_t *)"foobar", 6, enc, 8), SK_ETOOBIG);
	assert_int_equal(sk_base64_encode((const uint8_t *)"foobar", 6, enc, 9), SK_OK);
}

static void test_hex(void **state)
{
	static const uint8_t bin[] = {0x00, 0x7f, 0xab, 0xff};
	const char *bad[] = {"0", "0g", "g0", " 00", "00 ", "0x00", "0:0:"};
	char enc[9];
	uint8_t dec[8];
	size_t n;

	(void)state;
	assert_int_equal(sk_hex_encode(bin, 4, enc, sizeof(enc)), SK_OK);
	assert_string_equal(enc, "007fabff");
	assert_int_equal(sk_hex_encode(bin, 4, enc, 8), SK_ETOOBIG);
	assert_int_equal(sk_hex_decode("007fabff", 8, dec, 4, NULL), SK_OK);
	assert_memory_equal(dec, bin, 4);
	assert_int_equal(sk_hex_decode("007fabff", 8, dec, 8, NULL), SK_EINVAL);
	assert_int_equal(sk_hex_decode("007fabff", 8, dec, 3, &n), SK_EINVAL);
	assert_int_equal(sk_hex_decode("", 0, dec, sizeof(dec), &n), SK_OK);
	assert_int_equal(n, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sk_hex_decode(bad[i], strlen(bad[i]), dec, sizeof(dec), &n) != SK_EINVAL)
			fail_msg("accepted hex '%s'", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rfc_sorting),
	        cmocka_unit_test(test_rfc_strings),
	        cmocka_unit_test(test_escapes),
	        cmocka_unit_test(test_nested_and_empty),
	        cmocka_unit_test(test_sort_surrogates),
	        cmocka_unit_test(test_many_members),
	        cmocka_unit_test(test_canonical_rejects),
	        cmocka_unit_test(test_canonical_buffer_limit),
	        cmocka_unit_test(test_canonical_depth_guard),
	        cmocka_unit_test(test_int_bounds),
	        cmocka_unit_test(test_reals_rejected),
	        cmocka_unit_test(test_syntax_rejected),
	        cmocka_unit_test(test_syntax_message),
	        cmocka_unit_test(test_duplicates_rejected),
	        cmocka_unit_test(test_utf8),
	        cmocka_unit_test(test_utf8_next),
	        cmocka_unit_test(test_escapes_rejected),
	        cmocka_unit_test(test_depth_limit),
	        cmocka_unit_test(test_err_field),
	        cmocka_unit_test(test_time_format),
	        cmocka_unit_test(test_time_format_matches_libc),
	        cmocka_unit_test(test_time_parse),
	        cmocka_unit_test(test_buf_limits),
	        cmocka_unit_test(test_base64),
	        cmocka_unit_test(test_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
