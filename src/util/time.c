/* UTC time: the clock, and RFC 3339 formatting and parsing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

int64_t sk_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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

int sk_time_format(int64_t t, char out[SK_TIME_LEN + 1])
{
	time_t secs;
	struct tm tm;
	int64_t us;

	/* 1970-01-01 .. 9999-12-31 */
	if (t < 0 || t > INT64_C(253402300799999999))
		return SK_ERANGE;
	secs = (time_t)(t / 1000000);
	us = t % 1000000;
	if (!gmtime_r(&secs, &tm))
		return SK_ERANGE;
	/* Checking the length also tells gcc's truncation warning the result is used. */
	if (snprintf(out, SK_TIME_LEN + 1, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	             (long)us) != SK_TIME_LEN)
		return SK_ERANGE;
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
