/*
 * Unit tests for sk_time_stockholm (util/time.c, issue 15): Swedish local
 * time with its offset at both DST edges of a year, the range limits, and
 * a comparison with someone else's implementation, glibc's localtime_r
 * reading the system's tzdata for Europe/Stockholm, over 1970–2037 (hourly
 * steps off the hour, and every transition ±1 s). With an argument
 * "--print", reads seconds (one a line) from stdin and prints each
 * formatted, for tests/sh/test_time.sh to compare with Python's zoneinfo.
 */
#include "testutil.h"

#include <time.h>
#include <unistd.h>

#include "util/util.h"

#define US INT64_C(1000000)

static void expect(int64_t secs, const char *want)
{
	char out[SK_STHLM_LEN + 1];

	assert_int_equal(sk_time_stockholm(secs * US, out), SK_OK);
	if (strcmp(out, want) != 0)
		fail_msg("@%lld: %s, want %s", (long long)secs, out, want);
}

static void test_edges(void **state)
{
	(void)state;
	/* 2026-03-29 01:00:00 UTC: 02:00 CET becomes 03:00 CEST */
	expect(1774745999, "2026-03-29 01:59:59+01:00");
	expect(1774746000, "2026-03-29 03:00:00+02:00");
	/* 2026-10-25 01:00:00 UTC: 03:00 CEST becomes 02:00 CET (02:xx happens twice) */
	expect(1792889999, "2026-10-25 02:59:59+02:00");
	expect(1792890000, "2026-10-25 02:00:00+01:00");
	/* the example, a winter evening; and midnight carrying into the next day */
	expect(1796591703, "2026-12-06 22:15:03+01:00");
	expect(1798761599, "2027-01-01 00:59:59+01:00");
	/* a leap day in summer; 1995 ended in September, 1996 in October */
	expect(1722211200, "2024-07-29 02:00:00+02:00");
	expect(811904399, "1995-09-24 02:59:59+02:00");
	expect(811904400, "1995-09-24 02:00:00+01:00");
	expect(846377999, "1996-10-27 02:59:59+02:00");
	expect(846378000, "1996-10-27 02:00:00+01:00");
	expect(0, "1970-01-01 01:00:00+01:00");
}

static void test_range(void **state)
{
	char out[SK_STHLM_LEN + 1];

	(void)state;
	assert_int_equal(sk_time_stockholm(-1, out), SK_ERANGE);
	assert_int_equal(sk_time_stockholm(INT64_C(253402297200) * US, out), SK_ERANGE);
	assert_int_equal(sk_time_stockholm(INT64_C(253402297199) * US, out), SK_OK);
	assert_string_equal(out, "9999-12-31 23:59:59+01:00");
	/* microseconds are truncated, never rounded into the next second */
	assert_int_equal(sk_time_stockholm(1796591703 * US + 999999, out), SK_OK);
	assert_string_equal(out, "2026-12-06 22:15:03+01:00");
}

/* glibc and tzdata's answer for secs, in the same format. */
static void libc_stockholm(time_t secs, char out[SK_STHLM_LEN + 1])
{
	struct tm tm;
	char tmp[80];
	long off;

	assert_non_null(localtime_r(&secs, &tm));
	off = tm.tm_gmtoff;
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d %02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
	         labs(off) / 3600, labs(off) / 60 % 60);
	snprintf(out, SK_STHLM_LEN + 1, "%.25s", tmp);
}

static void test_against_tzdata(void **state)
{
	char ours[SK_STHLM_LEN + 1], theirs[SK_STHLM_LEN + 1];
	size_t n = 0, transitions = 0;
	int prev = -1;

	(void)state;
	if (access("/usr/share/zoneinfo/Europe/Stockholm", R_OK) != 0) {
		/* print rather than pass silently: the comparison did not run */
		print_message("no tzdata for Europe/Stockholm: comparison skipped\n");
		skip();
	}
	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	/* 1970 .. 2037 (32-bit tzdata safe), 3599 s steps: every minute offset occurs */
	for (int64_t s = 0; s < INT64_C(2145916800); s += 3599, n++) {
		libc_stockholm((time_t)s, theirs);
		assert_int_equal(sk_time_stockholm(s * US, ours), SK_OK);
		if (strcmp(ours, theirs) != 0)
			fail_msg("@%lld: ours %s, tzdata %s", (long long)s, ours, theirs);
		/* at each change of offset, check the exact second on both sides */
		if (prev >= 0 && prev != theirs[21]) {
			for (int64_t e = s - 3599; e <= s; e++) {
				libc_stockholm((time_t)e, theirs);
				assert_int_equal(sk_time_stockholm(e * US, ours), SK_OK);
				if (strcmp(ours, theirs) != 0)
					fail_msg("@%lld: ours %s, tzdata %s", (long long)e, ours,
					         theirs);
			}
			transitions++;
		}
		prev = theirs[21];
	}
	/* 1980..2037: two a year; fewer means tzdata was not read at all */
	assert_true(transitions >= 2 * (2037 - 1980));
	assert_true(n > 500000);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_edges),
	        cmocka_unit_test(test_range),
	        cmocka_unit_test(test_against_tzdata),
	};

	if (argc == 2 && strcmp(argv[1], "--print") == 0) {
		char line[64], out[SK_STHLM_LEN + 1];

		while (fgets(line, sizeof(line), stdin)) {
			long long s = strtoll(line, NULL, 10);

			if (sk_time_stockholm((int64_t)s * US, out) != SK_OK)
				snprintf(out, sizeof(out), "range");
			printf("%lld %s\n", s, out);
		}
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
