/*
 * The seclog input (seclog/parse.h): RFC 6587 framing fed whole, byte by
 * byte and in random splits, its bounds and malformed prefixes; RFC 5424
 * with the RFC's own examples (§6.5) and a refusal for each field; RFC 3164
 * with its examples (§5.4) and refusals; the SD unescaping.
 */
#include "testutil.h"

#include "seclog/parse.h"
#include "util/util.h"

#define LIT(s) s, sizeof(s) - 1

static bool sl_is(struct seclog_slice s, const char *want)
{
	return s.n == strlen(want) && (s.n == 0 || !memcmp(s.p, want, s.n));
}

#define assert_sl(s, want)                                                                         \
	do {                                                                                       \
		if (!sl_is((s), (want)))                                                           \
			fail_msg("got \"%.*s\", want \"%s\"", (int)(s).n, (s).p ? (s).p : "",      \
			         (want));                                                          \
	} while (0)

/* ---- RFC 5424 ---- */

static void test_5424_rfc_examples(void **state)
{
	struct seclog_parsed m;
	char v[64];

	(void)state;
	/* §6.5 example 1: BOM, no structured data. */
	assert_int_equal(
	        seclog_parse_5424(
	                LIT("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - "
	                    "ID47 - \xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8"),
	                &m),
	        SECLOG_OK);
	assert_int_equal(m.format, SECLOG_FMT_RFC5424);
	assert_false(m.legacy);
	assert_int_equal(m.facility, 4);
	assert_int_equal(m.severity, 2);
	assert_int_equal(m.version, 1);
	assert_true(m.has_time);
	assert_int_equal(m.time_us, 1065910455003000LL);
	assert_int_equal(m.tz_offset_min, 0);
	assert_sl(m.timestamp, "2003-10-11T22:14:15.003Z");
	assert_sl(m.hostname, "mymachine.example.com");
	assert_sl(m.app_name, "su");
	assert_sl(m.procid, "");
	assert_sl(m.msgid, "ID47");
	assert_int_equal(m.nsd, 0);
	assert_sl(m.sd, "");
	assert_true(m.msg_bom);
	assert_sl(m.msg, "'su root' failed for lonvick on /dev/pts/8");

	/* Example 2: offset, microseconds, no MSGID, MSG without BOM. */
	assert_int_equal(
	        seclog_parse_5424(LIT("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc "
	                              "8710 - - %% It's time to make the do-nuts."),
	                          &m),
	        SECLOG_OK);
	assert_int_equal(m.facility, 20);
	assert_int_equal(m.severity, 5);
	assert_int_equal(m.time_us, 1061727255000003LL);
	assert_int_equal(m.tz_offset_min, -7 * 60);
	assert_sl(m.hostname, "192.0.2.1");
	assert_sl(m.app_name, "myproc");
	assert_sl(m.procid, "8710");
	assert_sl(m.msgid, "");
	assert_false(m.msg_bom);
	assert_sl(m.msg, "%% It's time to make the do-nuts.");

	/* Example 3: structured data and a message. */
	assert_int_equal(
	        seclog_parse_5424(
	                LIT("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
	                    "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
	                    "eventID=\"1011\"] \xEF\xBB\xBF"
	                    "An application event log entry..."),
	                &m),
	        SECLOG_OK);
	assert_int_equal(m.nsd, 1);
	assert_int_equal(m.nparams, 3);
	assert_sl(m.sd_elems[0].id, "exampleSDID@32473");
	assert_int_equal(m.sd_elems[0].first, 0);
	assert_int_equal(m.sd_elems[0].nparams, 3);
	assert_sl(m.params[0].name, "iut");
	assert_sl(m.params[0].value, "3");
	assert_sl(m.params[1].name, "eventSource");
	assert_sl(m.params[1].value, "Application");
	assert_sl(m.params[2].name, "eventID");
	assert_sl(m.params[2].value, "1011");
	assert_sl(m.msg, "An application event log entry...");
	assert_int_equal(seclog_sd_unescape(m.params[1].value, v, sizeof(v)), 11);
	assert_string_equal(v, "Application");

	/* Example 4: two elements, no MSG at all. */
	assert_int_equal(
	        seclog_parse_5424(
	                LIT("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
	                    "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
	                    "eventID=\"1011\"][examplePriority@32473 class=\"high\"]"),
	                &m),
	        SECLOG_OK);
	assert_int_equal(m.nsd, 2);
	assert_int_equal(m.nparams, 4);
	assert_sl(m.sd_elems[1].id, "examplePriority@32473");
	assert_int_equal(m.sd_elems[1].first, 3);
	assert_int_equal(m.sd_elems[1].nparams, 1);
	assert_sl(m.params[3].name, "class");
	assert_sl(m.params[3].value, "high");
	assert_sl(m.sd, "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
	                "eventID=\"1011\"][examplePriority@32473 class=\"high\"]");
	assert_int_equal(m.msg.n, 0);
}

static void test_5424_good_edges(void **state)
{
	struct seclog_parsed m;
	char v[64], big[600];
	size_t n;

	(void)state;
	/* All NILVALUE, PRI at both ends of its range. */
	assert_int_equal(seclog_parse_5424(LIT("<0>1 - - - - - -"), &m), SECLOG_OK);
	assert_false(m.has_time);
	assert_int_equal(m.facility, 0);
	assert_int_equal(m.hostname.n + m.app_name.n + m.procid.n + m.msgid.n + m.sd.n, 0);
	assert_int_equal(seclog_parse_5424(LIT("<191>1 - - - - - -"), &m), SECLOG_OK);
	assert_int_equal(m.facility, 23);
	assert_int_equal(m.severity, 7);
	/* An empty MSG after the SP; a MSG of raw bytes without BOM is kept as is. */
	assert_int_equal(seclog_parse_5424(LIT("<13>1 - h a p m - "), &m), SECLOG_OK);
	assert_int_equal(m.msg.n, 0);
	assert_int_equal(seclog_parse_5424(LIT("<13>1 - h a p m - \xff\xfe\x01"), &m), SECLOG_OK);
	assert_int_equal(m.msg.n, 3);
	assert_false(m.msg_bom);
	/* Escapes in a value; a lone backslash stays (§6.3.3). */
	assert_int_equal(
	        seclog_parse_5424(LIT("<13>1 - h a p m [x@1 a=\"q\\\"b\\\\c\\]d\\e\" b=\"\"] x"),
	                          &m),
	        SECLOG_OK);
	assert_int_equal(m.nparams, 2);
	assert_int_equal(seclog_sd_unescape(m.params[0].value, v, sizeof(v)), 9);
	assert_string_equal(v, "q\"b\\c]d\\e");
	assert_int_equal(seclog_sd_unescape(m.params[1].value, v, sizeof(v)), 0);
	assert_int_equal(seclog_sd_unescape(m.params[0].value, v, 9), -1);
	assert_string_equal(v, "");
	/* UTF-8 in a value; element without params. */
	assert_int_equal(
	        seclog_parse_5424(
	                LIT("<13>1 - h a p m [x@1 n=\"r\xc3\xa4ksm\xc3\xb6rg\xc3\xa5s\"][y]"), &m),
	        SECLOG_OK);
	assert_int_equal(m.nsd, 2);
	assert_int_equal(m.sd_elems[1].nparams, 0);
	/* Fields at exactly their limits: 255/48/128/32, SD name 32. */
	n = (size_t)snprintf(big, sizeof(big), "<13>1 - %0255d %048d %0128d %032d [%032d] m", 0, 0,
	                     0, 0, 0);
	assert_int_equal(seclog_parse_5424(big, n, &m), SECLOG_OK);
	assert_int_equal(m.hostname.n, 255);
	assert_int_equal(m.app_name.n, 48);
	assert_int_equal(m.procid.n, 128);
	assert_int_equal(m.msgid.n, 32);
	assert_int_equal(m.sd_elems[0].id.n, 32);
	/* Six fraction digits, positive offset, a leap day. */
	assert_int_equal(
	        seclog_parse_5424(LIT("<13>1 2024-02-29T23:59:59.999999+14:00 h - - - -"), &m),
	        SECLOG_OK);
	assert_int_equal(m.tz_offset_min, 14 * 60);
}

struct refusal {
	const char *in;
	size_t len;
	int err;
};

#define R(s, e)                                                                                    \
	{                                                                                          \
		s, sizeof(s) - 1, e                                                                \
	}

static const struct refusal refusals_5424[] = {
        R("", SECLOG_E_EMPTY),
        R("13>1 - - - - - -", SECLOG_E_PRI),
        R("<>1 - - - - - -", SECLOG_E_PRI),
        R("<1a>1 - - - - - -", SECLOG_E_PRI),
        R("<01>1 - - - - - -", SECLOG_E_PRI),
        R("<1913>1 - - - - - -", SECLOG_E_PRI),
        R("<13", SECLOG_E_PRI),
        R("<192>1 - - - - - -", SECLOG_E_PRI_RANGE),
        R("<999>1 - - - - - -", SECLOG_E_PRI_RANGE),
        R("<13>", SECLOG_E_VERSION),
        R("<13>2 - - - - - -", SECLOG_E_VERSION),
        R("<13>11 - - - - - -", SECLOG_E_VERSION),
        R("<13>0 - - - - - -", SECLOG_E_VERSION),
        R("<13>1- - - - - -", SECLOG_E_SP),
        R("<13>1  - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 2003-10-11 - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 2003-10-11t22:14:15Z - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 2003-10-11T22:14:15z - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 2003-10-11T22:14:15 - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 2003-10-11T22:14:60Z - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 2003-02-29T22:14:15Z - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 2003-10-11T22:14:15.1234567Z - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 2003-10-11T22:14:15.Z - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 2003-10-11T22:14:15+0100 - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 2003-10-11T22:14:15.000000000000000+01:00 - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 1969-12-31T23:59:59Z - - - - -", SECLOG_E_TIMESTAMP),
        R("<13>1 -  - - - -", SECLOG_E_SP),
        R("<13>1 - h\x01st - - - -", SECLOG_E_HOSTNAME_CHAR),
        R("<13>1 - h\xc3\xa4st - - - -", SECLOG_E_HOSTNAME_CHAR),
        R("<13>1 - h a\x7fp - - -", SECLOG_E_APPNAME_CHAR),
        R("<13>1 - h a p\tq - -", SECLOG_E_PROCID_CHAR),
        R("<13>1 - h a p m\x00x -", SECLOG_E_MSGID_CHAR),
        R("<13>1 - h a p m", SECLOG_E_SP),
        R("<13>1 - h a p m ", SECLOG_E_SD),
        R("<13>1 - h a p m -x", SECLOG_E_SD),
        R("<13>1 - h a p m x", SECLOG_E_SD),
        R("<13>1 - h a p m [", SECLOG_E_SD_NAME),
        R("<13>1 - h a p m []", SECLOG_E_SD_NAME),
        R("<13>1 - h a p m [x", SECLOG_E_SD),
        R("<13>1 - h a p m [x a]", SECLOG_E_SD),
        R("<13>1 - h a p m [x a=b]", SECLOG_E_SD),
        R("<13>1 - h a p m [x a=\"b]", SECLOG_E_SD_VALUE),
        R("<13>1 - h a p m [x a=\"b", SECLOG_E_SD),
        R("<13>1 - h a p m [x a=\"b\\\"]", SECLOG_E_SD_VALUE),
        R("<13>1 - h a p m [x a=\"b\\\"", SECLOG_E_SD),
        R("<13>1 - h a p m [x =\"b\"]", SECLOG_E_SD_NAME),
        R("<13>1 - h a p m [x a\"=\"b\"]", SECLOG_E_SD),
        R("<13>1 - h a p m [x a=\"b\"  c=\"d\"]", SECLOG_E_SD_NAME),
        R("<13>1 - h a p m [x a=\"\xc3\"]", SECLOG_E_SD_UTF8),
        R("<13>1 - h a p m [x a=\"\xed\xa0\x80\"]", SECLOG_E_SD_UTF8),
        R("<13>1 - h a p m [x a=\"\xc0\xaf\"]", SECLOG_E_SD_UTF8),
        R("<13>1 - h a p m [x][x]", SECLOG_E_SD_DUP),
        R("<13>1 - h a p m [x] [y]", SECLOG_OK),
        R("<13>1 - h a p m [x]y", SECLOG_E_SD),
        R("<13>1 - h a p m - \xEF\xBB\xBF\xff", SECLOG_E_MSG_UTF8),
        R("<13>1 - h a p m - \xEF\xBB\xBF\xe2\x82", SECLOG_E_MSG_UTF8),
};

static void check_refusals(const struct refusal *r, size_t n, bool legacy)
{
	for (size_t i = 0; i < n; i++) {
		struct seclog_parsed m;
		int rc = legacy ? seclog_parse_3164(r[i].in, r[i].len, 2026, 60, &m)
		                : seclog_parse_5424(r[i].in, r[i].len, &m);

		if (rc != r[i].err)
			fail_msg("case %zu \"%s\": got %s, want %s", i, r[i].in,
			         seclog_perr_name(rc), seclog_perr_name(r[i].err));
		if (rc != SECLOG_OK && m.err_off > r[i].len)
			fail_msg("case %zu: err_off %zu past the input", i, m.err_off);
	}
}

static void test_5424_refusals(void **state)
{
	(void)state;
	check_refusals(refusals_5424, sizeof(refusals_5424) / sizeof(refusals_5424[0]), false);
}

/* Each field one octet over its limit; too many elements and params. */
static void test_5424_limits(void **state)
{
	struct seclog_parsed m;
	char big[8192];
	size_t n;

	(void)state;
	n = (size_t)snprintf(big, sizeof(big), "<13>1 - %0256d a p m -", 0);
	assert_int_equal(seclog_parse_5424(big, n, &m), SECLOG_E_HOSTNAME_LEN);
	assert_int_equal(m.err_off, 8 + 255);
	n = (size_t)snprintf(big, sizeof(big), "<13>1 - h %049d p m -", 0);
	assert_int_equal(seclog_parse_5424(big, n, &m), SECLOG_E_APPNAME_LEN);
	n = (size_t)snprintf(big, sizeof(big), "<13>1 - h a %0129d m -", 0);
	assert_int_equal(seclog_parse_5424(big, n, &m), SECLOG_E_PROCID_LEN);
	n = (size_t)snprintf(big, sizeof(big), "<13>1 - h a p %033d -", 0);
	assert_int_equal(seclog_parse_5424(big, n, &m), SECLOG_E_MSGID_LEN);
	n = (size_t)snprintf(big, sizeof(big), "<13>1 - h a p m [%033d]", 0);
	assert_int_equal(seclog_parse_5424(big, n, &m), SECLOG_E_SD_NAME);
	n = (size_t)snprintf(big, sizeof(big), "<13>1 - h a p m [x %033d=\"\"]", 0);
	assert_int_equal(seclog_parse_5424(big, n, &m), SECLOG_E_SD_NAME);

	/* SECLOG_MAX_SD elements pass, one more is refused. */
	n = (size_t)snprintf(big, sizeof(big), "<13>1 - h a p m ");
	for (int i = 0; i < SECLOG_MAX_SD; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "[e%d]", i);
	assert_int_equal(seclog_parse_5424(big, n, &m), SECLOG_OK);
	assert_int_equal(m.nsd, SECLOG_MAX_SD);
	n += (size_t)snprintf(big + n, sizeof(big) - n, "[last]");
	assert_int_equal(seclog_parse_5424(big, n, &m), SECLOG_E_SD_TOO_MANY);

	n = (size_t)snprintf(big, sizeof(big), "<13>1 - h a p m [x");
	for (int i = 0; i < SECLOG_MAX_PARAMS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, " p%d=\"v\"", i);
	big[n] = ']';
	assert_int_equal(seclog_parse_5424(big, n + 1, &m), SECLOG_OK);
	assert_int_equal(m.nparams, SECLOG_MAX_PARAMS);
	n += (size_t)snprintf(big + n, sizeof(big) - n, " one=\"more\"]");
	assert_int_equal(seclog_parse_5424(big, n, &m), SECLOG_E_SD_TOO_MANY);
}

/* ---- RFC 3164 ---- */

static void test_3164_rfc_examples(void **state)
{
	struct seclog_parsed m;

	(void)state;
	/* §5.4 example 1 */
	assert_int_equal(
	        seclog_parse_3164(LIT("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for "
	                              "lonvick on /dev/pts/8"),
	                          2026, 0, &m),
	        SECLOG_OK);
	assert_int_equal(m.format, SECLOG_FMT_RFC3164);
	assert_true(m.legacy);
	assert_int_equal(m.version, 0);
	assert_int_equal(m.facility, 4);
	assert_int_equal(m.severity, 2);
	assert_int_equal(m.time_us, 1791756855000000LL);
	assert_sl(m.timestamp, "Oct 11 22:14:15");
	assert_sl(m.hostname, "mymachine");
	assert_sl(m.app_name, "su");
	assert_sl(m.procid, "");
	assert_sl(m.msg, "'su root' failed for lonvick on /dev/pts/8");
	assert_int_equal(m.nsd, 0);

	/* Example 2: no TAG: reported as absent, the whole MSG kept. */
	assert_int_equal(
	        seclog_parse_3164(LIT("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!"), 2026, 60, &m),
	        SECLOG_OK);
	assert_int_equal(m.time_us, 1770309138000000LL);
	assert_int_equal(m.tz_offset_min, 60);
	assert_sl(m.hostname, "10.0.0.99");
	assert_sl(m.app_name, "");
	assert_sl(m.msg, "Use the BFG!");

	/* Example 3: "CST 1987" in the header; the grammar takes CST as the host. */
	assert_int_equal(
	        seclog_parse_3164(LIT("<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% "
	                              "It's time to make the do-nuts."),
	                          2026, 0, &m),
	        SECLOG_OK);
	assert_sl(m.hostname, "CST");
	assert_sl(m.app_name, "");
	assert_sl(m.msg, "1987 mymachine myproc[10]: %% It's time to make the do-nuts.");

	/* Example 4 has a year before the month: not a 3164 timestamp, refused. */
	assert_int_equal(
	        seclog_parse_3164(LIT("<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org "
	                              "10.1.2.3 sched[0]: That's All Folks!"),
	                          2026, 0, &m),
	        SECLOG_E_3164_TIMESTAMP);

	/* TAG[PID]: with the characters real tags use. */
	assert_int_equal(seclog_parse_3164(
	                         LIT("<22>Dec  7 01:02:03 mx1 postfix/smtpd[4711]: connect from x"),
	                         2026, 60, &m),
	                 SECLOG_OK);
	assert_sl(m.app_name, "postfix/smtpd");
	assert_sl(m.procid, "4711");
	assert_sl(m.msg, "connect from x");
	/* Hostname only, no MSG. */
	assert_int_equal(seclog_parse_3164(LIT("<22>Dec  7 01:02:03 mx1"), 2026, 0, &m), SECLOG_OK);
	assert_sl(m.hostname, "mx1");
	assert_int_equal(m.msg.n, 0);
	/* "tag[x] text" is not the TAG shape: no tag, all content. */
	assert_int_equal(seclog_parse_3164(LIT("<22>Dec  7 01:02:03 mx1 a[1] b: c"), 2026, 0, &m),
	                 SECLOG_OK);
	assert_sl(m.app_name, "");
	assert_sl(m.msg, "a[1] b: c");
}

static const struct refusal refusals_3164[] = {
        R("", SECLOG_E_EMPTY),
        R("Oct 11 22:14:15 h t: m", SECLOG_E_PRI),
        R("<192>Oct 11 22:14:15 h t: m", SECLOG_E_PRI_RANGE),
        R("<13>Oct 11 22:14:1", SECLOG_E_3164_TIMESTAMP),
        R("<13>oct 11 22:14:15 h t: m", SECLOG_E_3164_TIMESTAMP),
        R("<13>Oct 01 22:14:15 h t: m", SECLOG_E_3164_TIMESTAMP),
        R("<13>Oct  0 22:14:15 h t: m", SECLOG_E_3164_TIMESTAMP),
        R("<13>Oct 32 22:14:15 h t: m", SECLOG_E_3164_TIMESTAMP),
        R("<13>Feb 29 22:14:15 h t: m", SECLOG_E_3164_TIMESTAMP),
        R("<13>Oct 11 24:14:15 h t: m", SECLOG_E_3164_TIMESTAMP),
        R("<13>Oct 11 22:14:15  h t: m", SECLOG_E_3164_HOSTNAME),
        R("<13>Oct 11 22:14:15", SECLOG_E_3164_TIMESTAMP),
        R("<13>Oct 11 22:14:15.123 h t: m", SECLOG_E_3164_TIMESTAMP),
        R("<13>Oct 11 22:14:15 h\x01 t: m", SECLOG_E_3164_HOSTNAME),
        R("<13>Oct 11 22:14:15 h t[]: m", SECLOG_E_3164_TAG),
        R("<13>Oct 11 22:14:15 h 123456789012345678901234567890123: m", SECLOG_E_3164_TAG),
        R("<13>1 2003-10-11T22:14:15.003Z h a p m -", SECLOG_E_3164_TIMESTAMP),
};

static void test_3164_refusals(void **state)
{
	struct seclog_parsed m;
	char big[400];
	size_t n;

	(void)state;
	check_refusals(refusals_3164, sizeof(refusals_3164) / sizeof(refusals_3164[0]), true);
	assert_int_equal(seclog_parse_3164(LIT("<13>Oct 11 22:14:15 h t: m"), 1969, 0, &m),
	                 SECLOG_E_YEAR);
	assert_int_equal(seclog_parse_3164(LIT("<13>Oct 11 22:14:15 h t: m"), 2026, 24 * 60, &m),
	                 SECLOG_E_YEAR);
	/* Leap day with a leap year from the caller; tag of exactly 32. */
	assert_int_equal(
	        seclog_parse_3164(LIT("<13>Feb 29 22:14:15 h 12345678901234567890123456789012: m"),
	                          2028, 0, &m),
	        SECLOG_OK);
	assert_int_equal(m.app_name.n, 32);
	n = (size_t)snprintf(big, sizeof(big), "<13>Oct 11 22:14:15 %0256d t: m", 0);
	assert_int_equal(seclog_parse_3164(big, n, 2026, 0, &m), SECLOG_E_3164_HOSTNAME);
	n = (size_t)snprintf(big, sizeof(big), "<13>Oct 11 22:14:15 h t[%0129d]: m", 0);
	assert_int_equal(seclog_parse_3164(big, n, 2026, 0, &m), SECLOG_E_3164_TAG);
	n = (size_t)snprintf(big, sizeof(big), "<13>Oct 11 22:14:15 h t[%0128d]: m", 0);
	assert_int_equal(seclog_parse_3164(big, n, 2026, 0, &m), SECLOG_OK);
	assert_int_equal(m.procid.n, 128);
}

static void test_parse_dispatch(void **state)
{
	struct seclog_parsed m;

	(void)state;
	assert_int_equal(seclog_parse(LIT("<13>1 - h a p m - x"), true, 2026, 0, &m), SECLOG_OK);
	assert_int_equal(m.format, SECLOG_FMT_RFC5424);
	assert_int_equal(seclog_parse(LIT("<13>Oct 11 22:14:15 h t: m"), true, 2026, 0, &m),
	                 SECLOG_OK);
	assert_int_equal(m.format, SECLOG_FMT_RFC3164);
	assert_int_equal(seclog_parse(LIT("<13>Oct 11 22:14:15 h t: m"), false, 2026, 0, &m),
	                 SECLOG_E_VERSION);
	assert_int_equal(seclog_parse(LIT("<13>2 - h a p m -"), true, 2026, 0, &m),
	                 SECLOG_E_VERSION);
	assert_int_equal(seclog_parse(LIT("<300>1 - h a p m -"), true, 2026, 0, &m),
	                 SECLOG_E_PRI_RANGE);
	assert_int_equal(seclog_parse(LIT(""), true, 2026, 0, &m), SECLOG_E_EMPTY);
	assert_string_equal(seclog_perr_name(SECLOG_E_PRI_RANGE), "pri_range");
	assert_string_equal(seclog_perr_name(-1), "unknown");
	assert_string_equal(seclog_perr_name(SECLOG_PERR_MAX), "unknown");
	assert_string_equal(seclog_perr_name(5), "unknown");
	for (int e = 0; e < SECLOG_PERR_MAX; e++)
		assert_non_null(seclog_perr_str(e));
}

/* ---- framing ---- */

struct frames {
	char text[4096];
	size_t n;
	unsigned count;
};

/* Feeds stream in chunks of the sizes chunk() gives; returns the framer's final rc. */
static int feed_split(struct seclog_framer *f, const char *s, size_t len, unsigned seed,
                      struct frames *out)
{
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	srand(seed);
	while (off < len) {
		size_t step = seed == 0 ? len - off : seed == 1 ? 1 : 1 + (size_t)rand() % 7;
		size_t left, used;

		if (step > len - off)
			step = len - off;
		left = step;
		while (left) {
			struct seclog_slice fr;
			int rc = seclog_framer_feed(f, s + off, left, &used, &fr);

			assert_true(used <= left);
			off += used;
			left -= used;
			if (rc < 0)
				return rc;
			if (rc == 1) {
				assert_true(out->n + fr.n + 1 < sizeof(out->text));
				memcpy(out->text + out->n, fr.p, fr.n);
				out->n += fr.n;
				out->text[out->n++] = '|';
				out->count++;
			} else {
				assert_int_equal(left, 0);
			}
		}
	}
	return seclog_framer_eof(f);
}

static const char stream[] = "11 <13>1 - - -5 hello10 a\nb c d ef"
                             "1 x21 <13>1 - h a p m - \n\n\n";
static const char want[] = "<13>1 - - -|hello|a\nb c d ef|x|<13>1 - h a p m - \n\n\n|";

static void test_frame_splits(void **state)
{
	struct seclog_framer f;
	struct frames out;

	(void)state;
	for (unsigned seed = 0; seed < 64; seed++) {
		assert_int_equal(seclog_framer_init(&f, 0, 0), SK_OK);
		assert_int_equal(f.max_frame, SECLOG_FRAME_DEFAULT);
		assert_int_equal(feed_split(&f, LIT(stream), seed, &out), SECLOG_OK);
		assert_int_equal(out.count, 5);
		assert_int_equal(f.frames, 5);
		assert_int_equal(f.consumed, sizeof(stream) - 1);
		assert_int_equal(out.n, sizeof(want) - 1);
		assert_memory_equal(out.text, want, out.n);
		seclog_framer_release(&f);
	}
	seclog_framer_release(NULL);
}

static void test_frame_lf(void **state)
{
	struct seclog_framer f;
	struct frames out;

	(void)state;
	for (unsigned seed = 0; seed < 32; seed++) {
		assert_int_equal(seclog_framer_init(&f, 16, SECLOG_FRAME_ALLOW_LF), SK_OK);
		assert_int_equal(
		        feed_split(&f, LIT("<13>a b\n\n4 <1>x<14>0123456789ab\n"), seed, &out),
		        SECLOG_OK);
		assert_int_equal(out.count, 3);
		assert_memory_equal(out.text, "<13>a b|<1>x|<14>0123456789ab|", out.n);
		seclog_framer_release(&f);
	}
	/* A line one over the limit, whole or split, and a line cut off by EOF. */
	for (unsigned seed = 0; seed < 8; seed++) {
		assert_int_equal(seclog_framer_init(&f, 16, SECLOG_FRAME_ALLOW_LF), SK_OK);
		assert_int_equal(feed_split(&f, LIT("<14>0123456789abc\n"), seed, &out), -1);
		assert_int_equal(f.err, SECLOG_E_FRAME_TOO_BIG);
		assert_int_equal(f.consumed, 16); /* the first byte past the limit, any split */
		seclog_framer_release(&f);
		assert_int_equal(seclog_framer_init(&f, 16, SECLOG_FRAME_ALLOW_LF), SK_OK);
		assert_int_equal(feed_split(&f, LIT("<14>ab\n<14>cd"), seed, &out),
		                 SECLOG_E_FRAME_TRUNCATED);
		assert_int_equal(out.count, 1);
		seclog_framer_release(&f);
	}
}

static void expect_frame_error(size_t max, unsigned flags, const char *s, size_t len, int err,
                               uint64_t at)
{
	struct seclog_framer f;
	struct frames out;
	struct seclog_slice fr;
	size_t used;

	for (unsigned seed = 0; seed < 8; seed++) {
		assert_int_equal(seclog_framer_init(&f, max, flags), SK_OK);
		if (feed_split(&f, s, len, seed, &out) !=
		    (err == SECLOG_E_FRAME_TRUNCATED ? err : -1))
			fail_msg("\"%s\" seed %u: want %s, got %s", s, seed, seclog_perr_name(err),
			         seclog_perr_name(f.err));
		assert_int_equal(f.err, err);
		if (err != SECLOG_E_FRAME_TRUNCATED)
			assert_int_equal(f.consumed, at);
		/* Sticky: a failed connection yields nothing more. */
		assert_int_equal(seclog_framer_feed(&f, LIT("3 abc"), &used, &fr), -1);
		assert_int_equal(used, 0);
		assert_null(fr.p);
		assert_int_equal(seclog_framer_eof(&f), err);
		seclog_framer_release(&f);
	}
}

static void test_frame_errors(void **state)
{
	struct seclog_framer f;
	struct frames out;
	char big[300];

	(void)state;
	expect_frame_error(0, 0, LIT("<13>1 - - - - - -\n"), SECLOG_E_FRAME_PREFIX, 0);
	expect_frame_error(0, 0, LIT("0 "), SECLOG_E_FRAME_PREFIX, 0);
	expect_frame_error(0, 0, LIT("05 hello"), SECLOG_E_FRAME_PREFIX, 0);
	expect_frame_error(0, 0, LIT(" 5 hello"), SECLOG_E_FRAME_PREFIX, 0);
	expect_frame_error(0, 0, LIT("5x hello"), SECLOG_E_FRAME_PREFIX, 1);
	expect_frame_error(0, 0, LIT("5\nhello"), SECLOG_E_FRAME_PREFIX, 1);
	expect_frame_error(0, 0, LIT("2 ab-3 abc"), SECLOG_E_FRAME_PREFIX, 4);
	expect_frame_error(0, 0, LIT("65537 "), SECLOG_E_FRAME_TOO_BIG, 4);
	expect_frame_error(0, 0, LIT("99999999999999999999999 "), SECLOG_E_FRAME_TOO_BIG, 4);
	expect_frame_error(SECLOG_FRAME_HARD_MAX, 0, LIT("10000000 "), SECLOG_E_FRAME_DIGITS, 7);
	expect_frame_error(SECLOG_FRAME_HARD_MAX, 0, LIT("1048577 "), SECLOG_E_FRAME_TOO_BIG, 6);
	expect_frame_error(100, 0, LIT("101 "), SECLOG_E_FRAME_TOO_BIG, 2);
	expect_frame_error(4, 0, LIT("5 hello"), SECLOG_E_FRAME_TOO_BIG, 0);
	expect_frame_error(0, 0, LIT("10 abc"), SECLOG_E_FRAME_TRUNCATED, 0);
	expect_frame_error(0, 0, LIT("10"), SECLOG_E_FRAME_TRUNCATED, 0);

	/* Exactly max_frame is accepted, in place and through the buffer. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "100 ", 4);
	for (unsigned seed = 0; seed < 4; seed++) {
		assert_int_equal(seclog_framer_init(&f, 100, 0), SK_OK);
		assert_int_equal(feed_split(&f, big, 104, seed, &out), SECLOG_OK);
		assert_int_equal(out.count, 1);
		assert_int_equal(out.n, 101);
		seclog_framer_release(&f);
	}
	assert_int_equal(seclog_framer_init(&f, SECLOG_FRAME_HARD_MAX + 1, 0), SK_ERANGE);
	assert_int_equal(seclog_framer_init(&f, 0, 2), SK_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_5424_rfc_examples), cmocka_unit_test(test_5424_good_edges),
	        cmocka_unit_test(test_5424_refusals),     cmocka_unit_test(test_5424_limits),
	        cmocka_unit_test(test_3164_rfc_examples), cmocka_unit_test(test_3164_refusals),
	        cmocka_unit_test(test_parse_dispatch),    cmocka_unit_test(test_frame_splits),
	        cmocka_unit_test(test_frame_lf),          cmocka_unit_test(test_frame_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
