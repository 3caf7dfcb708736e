/*
 * The watchdog (monitor.h): one thread that gives the monitor its clock
 * (silent sources are found by absence, so something must look) and
 * verifies seclog.db at intervals, so tampering is noticed without anyone
 * running `skydd verify` (4 kap. 29 §).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seclog/monitor.h"
#include "util/util.h"
#include "util/banned.h"

#define DIR_MAX 4096

struct seclog_watchdog {
	struct seclog_monitor *mon;
	char dir[DIR_MAX];
	bool verify, seen_log;
	unsigned tick_s, verify_s;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	struct seclog_watchdog_stats st;
};

static int64_t mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void verify_once(struct seclog_watchdog *w)
{
	struct seclog_verify_report r = {0};
	char problem[SECLOG_PROBLEM_MAX] = "";
	int rc = seclog_verify(w->dir, &r);

	if (rc == SK_OK) {
		w->seen_log = true;
	} else if (rc == SK_ENOTFOUND) {
		/* nothing received yet is fine; a log that was there and went is destruction */
		if (w->seen_log)
			snprintf(problem, sizeof(problem), "seclog.db is missing");
	} else if (r.problem[0]) {
		snprintf(problem, sizeof(problem), "%s", r.problem);
	} else {
		snprintf(problem, sizeof(problem), "verification failed: %s", sk_strerror(rc));
	}
	pthread_mutex_lock(&w->mu);
	w->st.verifies++;
	if (problem[0])
		w->st.failures++;
	memcpy(w->st.last_problem, problem, sizeof(problem));
	pthread_mutex_unlock(&w->mu);
	seclog_monitor_integrity(w->mon, problem[0] ? problem : NULL, sk_now_us());
}

static void *watchdog_main(void *arg)
{
	struct seclog_watchdog *w = arg;
	int64_t next_tick = mono_s() + w->tick_s, next_verify = mono_s() + w->verify_s;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		int64_t now = mono_s(), next = next_tick;
		struct timespec until;

		if (w->verify && next_verify < next)
			next = next_verify;
		if (now < next) {
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += (time_t)(next - now);
			pthread_cond_timedwait(&w->cv, &w->mu, &until);
			continue;
		}
		pthread_mutex_unlock(&w->mu);
		if (now >= next_tick) {
			seclog_monitor_tick(w->mon, sk_now_us());
			next_tick = now + w->tick_s;
			pthread_mutex_lock(&w->mu);
			w->st.ticks++;
			pthread_mutex_unlock(&w->mu);
		}
		if (w->verify && now >= next_verify) {
			verify_once(w);
			next_verify = mono_s() + w->verify_s;
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int seclog_watchdog_start(struct seclog_monitor *mon, const char *dir,
                          const struct seclog_watchdog_opts *opts, struct seclog_watchdog **out)
{
	struct seclog_watchdog *w;
	pthread_condattr_t ca;

	*out = NULL;
	if (!mon || (dir && strlen(dir) >= DIR_MAX))
		return SK_EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return SK_ENOMEM;
	w->mon = mon;
	w->verify = dir != NULL;
	if (dir)
		snprintf(w->dir, sizeof(w->dir), "%s", dir);
	w->tick_s = opts && opts->tick_s ? opts->tick_s : 60;
	w->verify_s = opts && opts->verify_s ? opts->verify_s : 86400;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->th, NULL, watchdog_main, w) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return SK_EINTERNAL;
	}
	*out = w;
	return SK_OK;
}

void seclog_watchdog_stop(struct seclog_watchdog *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void seclog_watchdog_stats(struct seclog_watchdog *w, struct seclog_watchdog_stats *st)
{
	pthread_mutex_lock(&w->mu);
	*st = w->st;
	pthread_mutex_unlock(&w->mu);
}
