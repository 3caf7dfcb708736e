/*
 * The CSV reader and cell writer (util/csv.h), without the register: quoting,
 * ';' and ',', BOM, CRLF and lone CRs, line numbers; bad input — an
 * unterminated quote, text after a closing quote, a NUL byte, a field over
 * CSV_MAX_FIELD bytes, more than CSV_MAX_FIELDS fields, a file over
 * CSV_MAX_BYTES, invalid UTF-8 — each refused with its line; the formula guard.
 */
#include "testutil.h"

#include "util/csv.h"
#include "util/util.h"

/* Reads all records of text; returns them as "a|b|c\n" lines, or "ERR@line: msg". */
static char *records(const char *text, size_t len, char sep)
{
	static char out[8192];
	struct csv c;
	size_t n = 0;
	int rc;

	out[0] = '\0';
	assert_int_equal(csv_open(&c, text, len, sep), SK_OK);
	while ((rc = csv_next(&c)) == 1) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%u:", c.rec_line);
		for (unsigned i = 0; i < c.nfields; i++)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "|" : "",
			                      csv_field(&c, i));
		n += (size_t)snprintf(out + n, sizeof(out) - n, "\n");
	}
	if (rc < 0)
		snprintf(out + n, sizeof(out) - n, "ERR@%u: %s", c.rec_line, c.err);
	csv_release(&c);
	return out;
}

#define REC(s, sep) records(s, sizeof(s) - 1, sep)

static void test_csv_reader(void **state)
{
	(void)state;
	assert_string_equal(REC("a;b;c\n1;2;3\n", 0), "1:a|b|c\n2:1|2|3\n");
	assert_string_equal(REC("a,b,c\r\n1,2,3\r\n", 0), "1:a|b|c\n2:1|2|3\n");
	/* a lone CR ends a line too; no newline at the end is fine */
	assert_string_equal(REC("a;b\r1;2", 0), "1:a|b\n2:1|2\n");
	/* the BOM is not part of the first name */
	assert_string_equal(REC("\xef\xbb\xbf"
	                        "titel;klass\nx;K\n",
	                        0),
	                    "1:titel|klass\n2:x|K\n");
	/* quoting: separators, quotes and line breaks inside; the record keeps its first line */
	assert_string_equal(REC("a;b\n\"x;y\";\"sa \"\"hej\"\"\"\n\"two\nlines\";z\nq;r\n", 0),
	                    "1:a|b\n2:x;y|sa \"hej\"\n3:two\nlines|z\n5:q|r\n");
	/* ',' detected when more frequent; ';' on a tie */
	assert_string_equal(REC("a,b,c;d\n", 0), "1:a|b|c;d\n");
	assert_string_equal(REC("a,b;c\n", 0), "1:a,b|c\n");
	assert_string_equal(REC("a,b;c;d\n", 0), "1:a,b|c|d\n");
	/* a separator inside quotes in the header does not count */
	assert_string_equal(REC("\"a;b;c\",d\n", 0), "1:a;b;c|d\n");
	/* empty fields, a trailing separator, a bare quote inside an unquoted field */
	assert_string_equal(REC(";;\nx;;\n", ';'), "1:||\n2:x||\n");
	assert_string_equal(REC("ab\"c;d\n", ';'), "1:ab\"c|d\n");
	assert_string_equal(REC("\"\";\"\"\n", ';'), "1:|\n");
	/* empty input: no records */
	assert_string_equal(REC("", 0), "");
	assert_string_equal(REC("\xef\xbb\xbf", 0), "");

	/* broken files */
	assert_non_null(strstr(REC("a;b\n\"open;x\ny;z\n", ';'), "ERR@2: a quoted field is not"));
	assert_non_null(strstr(REC("a;b\n\"x\"y;z\n", ';'), "ERR@2: text after the closing"));
	assert_non_null(strstr(records("a;b\nx\0y;z\n", 11, ';'), "ERR@2: a NUL byte"));
	{
		char many[400];
		size_t n = 0;

		for (int i = 0; i < 65; i++)
			n += (size_t)snprintf(many + n, sizeof(many) - n, "%sx", i ? ";" : "");
		assert_non_null(strstr(records(many, n, ';'), "ERR@1: more than 64 fields"));
		n = 0;
		for (int i = 0; i < 64; i++)
			n += (size_t)snprintf(many + n, sizeof(many) - n, "%sx", i ? ";" : "");
		assert_null(strstr(records(many, n, ';'), "ERR"));
	}
	{
		char *big = malloc(CSV_MAX_FIELD + 8);

		memset(big, 'a', CSV_MAX_FIELD + 1);
		assert_non_null(
		        strstr(records(big, CSV_MAX_FIELD + 1, ';'), "ERR@1: a field longer"));
		assert_null(strstr(records(big, CSV_MAX_FIELD, ';'), "ERR"));
		free(big);
	}
	{
		struct csv c;

		assert_int_equal(csv_open(&c, "x", (size_t)CSV_MAX_BYTES + 1, 0), SK_ETOOBIG);
		csv_release(&c);
	}
}

static void test_utf8_lines(void **state)
{
	unsigned line = 0;

	(void)state;
	assert_true(csv_check_utf8("a\nb\xc3\xa5\n", 6, &line));
	assert_false(csv_check_utf8("a\nb\n\xff\n", 6, &line));
	assert_int_equal(line, 3);
	assert_false(csv_check_utf8("a\r\nb\r\nc\xc3", 9, &line)); /* truncated at the end */
	assert_int_equal(line, 3);
	assert_false(csv_check_utf8("\xed\xa0\x80", 3, &line)); /* a surrogate */
	assert_int_equal(line, 1);
	assert_false(csv_check_utf8("a\rb\r\xc0\xaf", 6, &line)); /* overlong, lone CRs */
	assert_int_equal(line, 3);
}

static void test_cell_guard(void **state)
{
	static const char *const cases[][2] = {
	        {"plain", "plain"},
	        {"=1+1", "\"'=1+1\""},
	        {"+46", "\"'+46\""},
	        {"-2", "\"'-2\""},
	        {"@SUM(A1)", "\"'@SUM(A1)\""},
	        {"a;b", "\"a;b\""},
	        {"sa \"x\"", "\"sa \"\"x\"\"\""},
	        {"a\nb", "\"a\nb\""},
	        {"", ""},
	        {"2026-01-01", "2026-01-01"},
	        /* issue 10 item 16: white space first */
	        {" =1+1", "\"' =1+1\""},
	        {"  +46", "\"'  +46\""},
	        {"\t-2", "\"'\t-2\""},
	        {"\n@SUM(A1)", "\"'\n@SUM(A1)\""},
	        {"\r\n=HYPERLINK(1)", "\"'\r\n=HYPERLINK(1)\""},
	        {"\xc2\xa0=1", "\"'\xc2\xa0=1\""},         /* NBSP */
	        {"\xe3\x80\x80-1", "\"'\xe3\x80\x80-1\""}, /* U+3000 */
	        {"\n", "\"'\n\""},
	        {" plain = text", " plain = text"},
	        {"a -1", "a -1"}};
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		csv_cell(&b, cases[i][0], ';');
		if (strcmp(b.ptr ? b.ptr : "", cases[i][1]) != 0)
			fail_msg("cell '%s': got '%s', want '%s'", cases[i][0], b.ptr, cases[i][1]);
	}
	buf_release(&b);
}

/* A BOM only at the very start is one; the separator is detected after it. */
static void test_bom_and_bad_bytes(void **state)
{
	(void)state;
	assert_string_equal(REC("\xef\xbb\xbf"
	                        "a,b\n",
	                        0),
	                    "1:a|b\n");
	assert_string_equal(REC("a;\xef\xbb\xbf"
	                        "b\n",
	                        0),
	                    "1:a|\xef\xbb\xbf"
	                    "b\n");
	/* a NUL inside quotes, and in the first line */
	assert_non_null(strstr(records("\"a\0b\";c\n", 8, ';'), "ERR@1: a NUL byte"));
	assert_non_null(strstr(records("\0", 1, ';'), "ERR@1: a NUL byte"));
	/* an unterminated quote at the very end, after a BOM */
	assert_non_null(strstr(REC("\xef\xbb\xbf\"", 0), "ERR@1: a quoted field is not"));
	/* an oversize field inside quotes */
	{
		char *big = malloc(CSV_MAX_FIELD + 8);

		assert_non_null(big);
		big[0] = '"';
		memset(big + 1, 'a', CSV_MAX_FIELD + 1);
		big[CSV_MAX_FIELD + 2] = '"';
		assert_non_null(
		        strstr(records(big, CSV_MAX_FIELD + 3, ';'), "ERR@1: a field longer"));
		free(big);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_csv_reader),
	        cmocka_unit_test(test_utf8_lines),
	        cmocka_unit_test(test_cell_guard),
	        cmocka_unit_test(test_bom_and_bad_bytes),
	};

	return cmocka_run_group_tests_name("csv: reader and cells", tests, NULL, NULL);
}
