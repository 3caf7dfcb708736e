/* UTC time: the clock, and RFC 3339 formatting and parsing. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/*
 * The clock is injectable so that tests can move time: SKYDD_CLOCK_OFFSET
 * (seconds, may be negative, read once) or sk_clock_set_offset() shifts
 * every reading. Production leaves both alone.
 */
static _Atomic int64_t clock_offset_us;
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;

static void clock_init(void)
{
	const char *s = getenv("SKYDD_CLOCK_OFFSET");
	char *end;
	long long v;

	if (!s || !*s)
		return;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < -3153600000LL || v > 3153600000LL)
		return; /* over ±100 years or not a number: ignored */
	clock_offset_us = (int64_t)v * 1000000;
}

void sk_clock_set_offset(int64_t offset_us)
{
	pthread_once(&clock_once, clock_init);
	clock_offset_us = offset_us;
}

int64_t sk_now_us(void)
{
	struct timespec ts;

	pthread_once(&clock_once, clock_init);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 + clock_offset_us;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* The inverse of days_from_civil (same algorithm, H. Hinnant's). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Writes v as exactly n decimal digits ending before p + n. */
static void put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * Every ledger entry carries a time, so this is on the append path: plain
 * arithmetic instead of gmtime_r (which takes glibc's timezone lock) and
 * snprintf.
 */
int sk_time_format(int64_t t, char out[SK_TIME_LEN + 1])
{
	int64_t secs, days, y;
	unsigned mo, d, sod;

	/* 1970-01-01 .. 9999-12-31 */
	if (t < 0 || t > INT64_C(253402300799999999))
		return SK_ERANGE;
	secs = t / 1000000;
	days = secs / 86400;
	sod = (unsigned)(secs % 86400);
	civil_from_days(days, &y, &mo, &d);
	memcpy(out, "0000-00-00T00:00:00.000000Z", SK_TIME_LEN + 1);
	put_digits(out, (unsigned)y, 4);
	put_digits(out + 5, mo, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, sod / 3600, 2);
	put_digits(out + 14, sod / 60 % 60, 2);
	put_digits(out + 17, sod % 60, 2);
	put_digits(out + 20, (unsigned)(t % 1000000), 6);
	return SK_OK;
}

/* Reads exactly n digits at *p into *out. */
static bool digits(const char **p, const char *end, int n, int64_t *out)
{
	int64_t v = 0;

	if (end - *p < n)
		return false;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

int sk_time_parse(const char *s, size_t len, int64_t *out)
{
	const char *p = s, *end = s + len;
	int64_t y, mo, d, h, mi, sec, frac = 0, oh = 0, om = 0, t;
	int fdigits = 0, sign = 0;

	if (!digits(&p, end, 4, &y) || !expect(&p, end, '-') || !digits(&p, end, 2, &mo) ||
	    !expect(&p, end, '-') || !digits(&p, end, 2, &d))
		return SK_EINVAL;
	if (p >= end || (*p != 'T' && *p != 't'))
		return SK_EINVAL;
	p++;
	if (!digits(&p, end, 2, &h) || !expect(&p, end, ':') || !digits(&p, end, 2, &mi) ||
	    !expect(&p, end, ':') || !digits(&p, end, 2, &sec))
		return SK_EINVAL;
	if (p < end && *p == '.') {
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			if (++fdigits > 6)
				return SK_EINVAL;
			frac = frac * 10 + (*p - '0');
			p++;
		}
		if (fdigits == 0)
			return SK_EINVAL;
		for (int i = fdigits; i < 6; i++)
			frac *= 10;
	}
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (!digits(&p, end, 2, &oh) || !expect(&p, end, ':') || !digits(&p, end, 2, &om) ||
		    oh > 23 || om > 59)
			return SK_EINVAL;
	} else {
		return SK_EINVAL;
	}
	if (p != end)
		return SK_EINVAL;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > (int64_t)month_days(y, (unsigned)mo) || h > 23 || mi > 59 || sec > 59)
		return SK_EINVAL;
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
	t -= sign * (oh * 3600 + om * 60);
	/* An offset can carry an in-range date outside 1970..9999; still just bad input. */
	if (t < 0 || t > INT64_C(253402300799))
		return SK_EINVAL;
	*out = t * 1000000 + frac;
	return SK_OK;
}

/* Seconds since the epoch of 01:00 UTC on the last Sunday of month m of year y. */
static int64_t last_sunday_0100(int64_t y, unsigned m)
{
	int64_t last = days_from_civil(y, m, month_days(y, m));
	/* 1970-01-01 was a Thursday: (days + 4) % 7 is 0 on Sundays */
	int64_t wd = ((last + 4) % 7 + 7) % 7;

	return (last - wd) * 86400 + 3600;
}

/*
 * Swedish summer time: the EU rule since 1996, the end in September
 * 1981–1995, 1980's own dates, none in 1970–1979 (the model's range). Own
 * arithmetic, not localtime_r: it does not depend on the host's tzdata or
 * $TZ, and takes no lock. Checked against tzdata in tests/unit/test_time.c
 * and tests/sh/test_time.sh.
 */
static bool stockholm_summer(int64_t secs)
{
	int64_t y, start, end;
	unsigned m, d;

	civil_from_days(secs / 86400, &y, &m, &d);
	if (y < 1980)
		return false;
	if (y == 1980) {
		start = days_from_civil(1980, 4, 6) * 86400 + 3600;
		end = days_from_civil(1980, 9, 28) * 86400 + 3600;
	} else {
		start = last_sunday_0100(y, 3);
		end = last_sunday_0100(y, y <= 1995 ? 9 : 10);
	}
	return secs >= start && secs < end;
}

int sk_time_stockholm(int64_t t, char out[SK_STHLM_LEN + 1])
{
	int64_t secs, local, days, y;
	unsigned mo, d, sod;
	bool summer;

	/* 1970-01-01 .. 9999-12-31 22:59:59 UTC (local time stays within year 9999) */
	if (t < 0 || t > INT64_C(253402297199999999))
		return SK_ERANGE;
	secs = t / 1000000;
	summer = stockholm_summer(secs);
	local = secs + (summer ? 7200 : 3600);
	days = local / 86400;
	sod = (unsigned)(local % 86400);
	civil_from_days(days, &y, &mo, &d);
	memcpy(out, "0000-00-00 00:00:00+01:00", SK_STHLM_LEN + 1);
	put_digits(out, (unsigned)y, 4);
	put_digits(out + 5, mo, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, sod / 3600, 2);
	put_digits(out + 14, sod / 60 % 60, 2);
	put_digits(out + 17, sod % 60, 2);
	if (summer)
		out[21] = '2';
	return SK_OK;
}
