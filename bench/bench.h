/*
 * Helpers every benchmark program shares: its name in messages, sizes from
 * the environment, the monotonic clock, and how busy the machine was.
 */
#ifndef SKYDD_BENCH_H
#define SKYDD_BENCH_H

#include <errno.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "model/register.h"
#include "util/util.h"

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

/* A benchmark cannot go on: says why and exits 1. */
static inline void bench_die(const char *what, const char *why)
{
	fprintf(stderr, "%s: %s: %s\n", bench_name, what, why);
	exit(1);
}

static inline void bench_die_rc(const char *what, int rc)
{
	bench_die(what, sk_strerror(rc));
}

static inline const char *bench_met(bool ok)
{
	return ok ? "met" : "NOT met";
}

/* The line bench/run collects: a figure next to its baseline from the same run. */
static inline void bench_report(const char *name, double v, const char *unit, double base,
                                double ratio)
{
	int dv = v < 10 ? 2 : v < 100 ? 1 : 0, db = base < 10 ? 2 : base < 100 ? 1 : 0;

	printf("bench %s %.*f %s baseline %.*f ratio %.3f\n", name, dv, v, unit, db, base, ratio);
	fflush(stdout);
}

/* xorshift64: a repeatable sequence for a seed (set bench_rng_state, odd, before use). */
static uint64_t bench_rng_state = 1;

static inline uint64_t bench_rnd(void)
{
	uint64_t x = bench_rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return bench_rng_state = x;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Removes a benchmark's scratch directory (rm -rf); says so when it cannot. */
static inline void bench_remove_tree(const char *dir)
{
	extern char **environ;
	char *argv[] = {"rm", "-rf", "--", (char *)(uintptr_t)dir, NULL};
	int status = 0;
	pid_t pid;

	if (posix_spawnp(&pid, "rm", NULL, NULL, argv, environ) != 0 ||
	    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "%s: could not remove %s\n", bench_name, dir);
}

/* The approved storage container for H the register benches keep copies in ("Kassaskåp A"). */
static inline int bench_container(struct model *m, const struct principal *p, int64_t *id,
                                  struct model_err *err)
{
	json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "container", "name",
	                       "Kassaskåp A", "location", "Plan 3, rum 301", "max_class", "H",
	                       "decision_ref", "Beslut 2026/1");
	int rc = reg_run(m, p, "spaces", "add", in, id, err);

	json_decref(in);
	return rc;
}

#endif
