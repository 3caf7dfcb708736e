/*
 * Helpers every benchmark program shares: its name in messages, sizes from
 * the environment, the monotonic clock, and how busy the machine was.
 */
#ifndef SKYDD_BENCH_H
#define SKYDD_BENCH_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Each program defines its name, e.g. "bench_store", for its messages. */
extern const char *const bench_name;

/* NAME from the environment, def when unset; exits 2 outside min..max. */
static inline uint64_t env_u64(const char *name, uint64_t def, uint64_t min, uint64_t max)
{
	const char *s = getenv(name);
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "%s: %s=%s: expected an integer in %" PRIu64 "..%" PRIu64 "\n",
		        bench_name, name, s, min, max);
		exit(2);
	}
	return v;
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Other work on the machine shows in every figure: say how busy it was. */
static inline void print_load(const char *when)
{
	char line[128] = "?\n";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			snprintf(line, sizeof(line), "?\n");
		fclose(f);
	}
	printf("%s: load average %s: %s", bench_name, when, line);
}

#endif
