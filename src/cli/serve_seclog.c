/*
 * The security logs in `skydd serve` (4 kap. 25-31 §§, issue 14): opens
 * seclog.db when a receiver is configured or the file exists, starts the
 * search index, the monitor and the receiver, and one housekeeping thread
 * that records the monitor's alerts in the registers' ledger and reloads
 * sources and routines when the registers change; the monitor's
 * watchdog ticks it (silent sources) and verifies seclog.db once a day (an
 * integrity alert when it fails). At the start the monitor's state is derived
 * from the log (the recent tail replayed through it), so neither a restart nor
 * a crash loses an alert. docs/internals/seclog.md, "In skydd serve".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/serve_seclog.h"
#include "model/seclog.h"
#include "seclog/monitor.h"
#include "seclog/recv.h"
#include "seclog/search.h"
#include "seclog/store.h"
#include "util/util.h"

#define RELOAD_S          2    /* how soon a change of sources or routines reaches the receiver */
#define TICK_S            30   /* the monitor's clock: silent sources */
#define ALERTS_Q          256  /* alerts waiting to be recorded (one per situation: a handful) */
#define RETRY_S           2    /* an alert the registers' writer could not take: tried again */
#define REPLAY_ALERTS_MAX 4096 /* alerts raised by the replay at the start, recorded then */

struct serve_seclog {
	struct model *m;
	const char *dir;
	struct seclog *store;
	struct seclog_index *index;
	struct seclog_monitor *mon;
	struct seclog_recv *recv;
	struct seclog_watchdog *watchdog;
	pthread_t thread;
	bool running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	struct seclog_alert alerts[ALERTS_Q]; /* raised, not yet recorded */
	size_t nalerts;
	uint64_t alerts_dropped;
	int64_t retry_us; /* the queue's next try when the writer was busy */
	bool waiting;     /* alerts wait for a busy writer (said once on stderr) */
	uint64_t generation;
	unsigned verify_s;
	bool replaying;                /* the start's replay feeds the monitor (this thread) */
	struct seclog_alert *replayed; /* the alerts it raised */
	size_t nreplayed, capreplayed;
	uint64_t replayed_dropped;
};

bool serve_seclog_wanted(const struct cli_seclog_opts *o)
{
	return o->tls || o->relp || o->relp_tls || o->tcp || o->udp;
}

/* The receiver's after-commit hook: the monitor sees the messages, the index wakes. */
static void on_committed(void *ctx, const struct seclog_msg *msgs, size_t n, uint64_t first)
{
	struct serve_seclog *x = ctx;

	if (x->mon)
		seclog_monitor_feed(x->mon, msgs, n, first);
	if (x->index)
		seclog_index_kick(x->index);
}

static int resolve(void *ctx, unsigned transport, const char *addr, const char *fp,
                   struct seclog_source *out)
{
	struct serve_seclog *x = ctx;

	return model_seclog_resolve(x->m, transport, addr, fp, out);
}

/*
 * The monitor's alert, on the receiver's thread with the monitor's lock held:
 * queued for the housekeeping thread, which records it in the registers'
 * ledger, so that acknowledgements never wait for that writer.
 */
static void on_alert(void *ctx, const struct seclog_alert *a)
{
	struct serve_seclog *x = ctx;

	if (x->replaying) { /* the starting thread, before any other feeds or ticks */
		struct seclog_alert *r = NULL;

		if (x->nreplayed < REPLAY_ALERTS_MAX)
			r = sk_array_room(x->replayed, &x->capreplayed, x->nreplayed,
			                  sizeof(*x->replayed));
		if (r) {
			x->replayed = r;
			x->replayed[x->nreplayed++] = *a;
		} else {
			x->replayed_dropped++;
		}
		return;
	}
	pthread_mutex_lock(&x->mu);
	if (x->nalerts < ALERTS_Q) {
		x->alerts[x->nalerts++] = *a;
		pthread_cond_signal(&x->cv);
	} else {
		x->alerts_dropped++;
	}
	pthread_mutex_unlock(&x->mu);
}

/*
 * Records the queued alerts; called with x->mu held, which it releases
 * meanwhile. An alert the registers' writer cannot take now (SK_EBUSY: an
 * outside program holds skydd.db past the busy timeout) goes back to the
 * front of the queue and is tried again RETRY_S later — unless this is the
 * stop's last round: the replay at the next start records what a stop or a
 * crash still left (model_seclog_alert_raise_replayed).
 */
static void record_alerts(struct serve_seclog *x, bool last)
{
	static struct seclog_alert batch[ALERTS_Q]; /* only the housekeeping thread uses it */
	size_t n = x->nalerts, back = 0, unrecorded = 0;
	uint64_t dropped = x->alerts_dropped;
	bool busy = false;

	memcpy(batch, x->alerts, n * sizeof(batch[0]));
	x->nalerts = 0;
	x->alerts_dropped = 0;
	pthread_mutex_unlock(&x->mu);
	for (size_t i = 0; i < n; i++) {
		/* once the writer was busy, the rest wait too (each try waits out its timeout) */
		int rc = busy ? SK_EBUSY : model_seclog_alert_raise(x->m, &batch[i]);

		busy = rc == SK_EBUSY;
		if (busy && !last)
			batch[back++] = batch[i];
		else if (busy && last)
			unrecorded++;
		else if (rc && rc != SK_EEXIST)
			fprintf(stderr,
			        "skydd: security logs: an alert could not be recorded: %s\n",
			        sk_strerror(rc));
	}
	if (dropped)
		fprintf(stderr,
		        "skydd: security logs: %llu alerts not recorded (queue full); the next "
		        "start records them from the log\n",
		        (unsigned long long)dropped);
	if (unrecorded)
		fprintf(stderr,
		        "skydd: security logs: %zu alerts not recorded at the stop (skydd.db is "
		        "busy); the next start records them from the log\n",
		        unrecorded);
	pthread_mutex_lock(&x->mu);
	if (back) {
		/* the waiting ones first, then what came meanwhile, as the queue has room */
		size_t keep = x->nalerts < ALERTS_Q - back ? x->nalerts : ALERTS_Q - back;

		x->alerts_dropped += x->nalerts - keep;
		memmove(x->alerts + back, x->alerts, keep * sizeof(x->alerts[0]));
		memcpy(x->alerts, batch, back * sizeof(batch[0]));
		x->nalerts = back + keep;
		x->retry_us = sk_now_us() + RETRY_S * INT64_C(1000000);
		if (!x->waiting)
			fprintf(stderr,
			        "skydd: security logs: %zu alerts wait for the registers' writer "
			        "(skydd.db is busy); trying again every %d s\n",
			        back, RETRY_S);
	} else if (x->waiting) {
		fprintf(stderr, "skydd: security logs: the waiting alerts are recorded\n");
	}
	x->waiting = back > 0;
}

/* Loads the routines and sources into the monitor; tells the receiver. */
static void reload(struct serve_seclog *x)
{
	struct seclog_watch *w = NULL;
	struct seclog_watch_source *s = NULL;
	size_t nw = 0, ns = 0;
	uint64_t g = model_seclog_generation(x->m);

	if (g == x->generation)
		return;
	if (model_seclog_watches(x->m, &w, &nw, &s, &ns) == SK_OK) {
		seclog_monitor_configure(x->mon, w, nw, s, ns);
		x->generation = g;
	}
	free(w);
	free(s);
	if (x->recv)
		seclog_recv_sources_changed(x->recv);
}

/*
 * Silence watched longer than the replayed span: the sources the replay did
 * not hear get their last message from the log (the index columns only), so
 * a silence that began before the stop is found by the next tick and keeps
 * its start. A source not heard within its interval counts from the first
 * tick, as one never heard.
 */
static void heard(struct serve_seclog *x, int64_t since)
{
	unsigned longest = 0;
	size_t n = seclog_monitor_unheard(x->mon, NULL, 0, &longest);
	int64_t from = sk_now_us() - (int64_t)longest * INT64_C(1000000), *ids, *last;
	int rc;

	if (n == 0 || from >= since)
		return; /* the replay covered every interval */
	ids = calloc(n, sizeof(*ids));
	last = calloc(n, sizeof(*last));
	if (ids && last) {
		n = seclog_monitor_unheard(x->mon, ids, n, NULL);
		rc = seclog_last_heard(x->dir, from, SECLOG_REPLAY_MAX, ids, n, last, NULL);
		if (rc && rc != SK_ENOTFOUND)
			fprintf(stderr,
			        "skydd: security logs: no last messages of the sources: %s\n",
			        sk_strerror(rc));
		for (size_t i = 0; !rc && i < n; i++)
			seclog_monitor_heard(x->mon, ids[i], last[i]);
	}
	free(ids);
	free(last);
}

/*
 * The monitor's state derived from the log: the stored tail that decides it
 * (the longest failed-login window, at least the hour of the dedupe) fed
 * through the monitor as it was fed live, so windows, dedupe and sequence
 * numbers span the restart and a source's last message is its last stored
 * one. An alert it raises that overlaps one recorded before the stop is not
 * recorded again; the rest are what a crash lost (the in-memory queue).
 * Before the receiver, the watchdog and the housekeeping thread start.
 */
static void resume(struct serve_seclog *x)
{
	int64_t since = sk_now_us() - (int64_t)seclog_monitor_span_s(x->mon) * INT64_C(1000000);
	struct seclog_replay_stats st;
	char when[SK_TIME_LEN + 1] = "?";
	uint64_t recorded = 0, told = 0;
	int rc;

	x->replaying = true;
	rc = seclog_replay(x->dir, since, SECLOG_REPLAY_MAX, seclog_monitor_committed, x->mon, &st);
	x->replaying = false;
	if (rc && rc != SK_ENOTFOUND)
		fprintf(stderr,
		        "skydd: security logs: the monitor's replay stopped after %llu messages: "
		        "%s\n",
		        (unsigned long long)st.replayed, sk_strerror(rc));
	if (st.cut)
		fprintf(stderr,
		        "skydd: security logs: the replay was cut to the newest %u messages (from "
		        "index %llu of %llu)\n",
		        SECLOG_REPLAY_MAX, (unsigned long long)st.first,
		        (unsigned long long)st.size);
	heard(x, since);
	sk_time_format(since, when);
	fprintf(stderr, "skydd: security logs: monitor resumed over %llu messages since %s\n",
	        (unsigned long long)st.replayed, when);
	for (size_t i = 0; i < x->nreplayed; i++) {
		rc = model_seclog_alert_raise_replayed(x->m, &x->replayed[i]);
		if (rc == SK_OK)
			recorded++;
		else if (rc == SK_EEXIST)
			told++;
		else
			fprintf(stderr, "skydd: seclog: an alert could not be recorded: %s\n",
			        sk_strerror(rc));
	}
	if (x->nreplayed || x->replayed_dropped)
		fprintf(stderr,
		        "skydd: security logs: the replay raised %zu alerts: %llu recorded now, "
		        "%llu recorded before the stop%s\n",
		        x->nreplayed + (size_t)x->replayed_dropped, (unsigned long long)recorded,
		        (unsigned long long)told,
		        x->replayed_dropped ? ", the rest over the bound and not recorded" : "");
	free(x->replayed);
	x->replayed = NULL;
	x->nreplayed = x->capreplayed = 0;
}

/*
 * Records the monitor's alerts as they come, and reloads what the registers
 * say whenever it changed (a cheap counter read). At the stop, what is queued
 * is recorded first.
 */
static void *housekeeping(void *arg)
{
	struct serve_seclog *x = arg;
	int64_t next = sk_now_us() + RELOAD_S * INT64_C(1000000);

	pthread_mutex_lock(&x->mu);
	for (;;) {
		if ((x->nalerts && (x->stop || sk_now_us() >= x->retry_us)) || x->alerts_dropped)
			record_alerts(x, x->stop);
		if (x->stop)
			break;
		if (sk_now_us() >= next) {
			pthread_mutex_unlock(&x->mu);
			reload(x);
			pthread_mutex_lock(&x->mu);
			next = sk_now_us() + RELOAD_S * INT64_C(1000000);
			continue;
		}
		if (!x->nalerts || x->waiting) {
			struct timespec until;

			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += RELOAD_S;
			pthread_cond_timedwait(&x->cv, &x->mu, &until);
		}
	}
	pthread_mutex_unlock(&x->mu);
	return NULL;
}

/*
 * Root opening seclog.db for a server that then drops to the directory's
 * owner (serve --user): its files go to that owner, or the daily
 * verification and the next start as that user could not open them. SQLite
 * gives later WAL and journal files the database's owner itself.
 */
static void give_to_dir_owner(const char *dir)
{
	static const char *const files[] = {SECLOG_DB_FILE, SECLOG_DB_FILE "-wal",
	                                    SECLOG_DB_FILE "-shm", "seclog.lock", "seclog.head"};
	struct stat dst, st;
	char path[4096];

	if (geteuid() != 0 || stat(dir, &dst) != 0)
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, files[i]) >= sizeof(path))
			continue;
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid == dst.st_uid)
			continue;
		if (chown(path, dst.st_uid, dst.st_gid) != 0)
			fprintf(stderr,
			        "skydd: security logs: cannot give %s to the directory's owner\n",
			        path);
	}
}

static bool seclog_exists(const char *dir)
{
	char path[4096];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, SECLOG_DB_FILE) >= sizeof(path))
		return false;
	return stat(path, &st) == 0;
}

int serve_seclog_start(const char *dir, const struct cli_seclog_opts *o, struct model *m,
                       struct serve_seclog **out, char *why, size_t cap)
{
	struct serve_seclog *x;
	int rc = SK_OK;

	*out = NULL;
	if (!serve_seclog_wanted(o) && !seclog_exists(dir))
		return SK_OK; /* no security logs here: nothing to search, nothing to receive */
	x = calloc(1, sizeof(*x));
	if (!x)
		return SK_ENOMEM;
	x->m = m;
	x->dir = dir;
	x->verify_s = o->verify_s ? o->verify_s : 86400;
	x->generation = UINT64_MAX;
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->cv, NULL);
	if (serve_seclog_wanted(o)) {
		rc = seclog_open(dir, NULL, &x->store);
		if (rc)
			snprintf(why, cap, "security logs: cannot open %s: %s", SECLOG_DB_FILE,
			         sk_strerror(rc));
	}
	if (!rc) {
		rc = seclog_index_start(dir, &x->index);
		give_to_dir_owner(dir);
		if (rc)
			snprintf(why, cap, "security logs: cannot start the index: %s",
			         sk_strerror(rc));
	}
	if (!rc && x->store) {
		x->mon = seclog_monitor_new(on_alert, x);
		rc = x->mon ? SK_OK : SK_ENOMEM;
	}
	if (!rc && x->mon) {
		reload(x);
		resume(x);
		rc = pthread_create(&x->thread, NULL, housekeeping, x) ? SK_EIO : SK_OK;
		x->running = rc == SK_OK;
	}
	if (!rc && x->mon)
		rc = seclog_watchdog_start(
		        x->mon, dir,
		        &(struct seclog_watchdog_opts){.tick_s = TICK_S, .verify_s = x->verify_s},
		        &x->watchdog);
	if (!rc && x->store) {
		struct seclog_recv_opts ro = {
		        .tls_listen = o->tls,
		        .relp_tls_listen = o->relp_tls,
		        .relp_listen = o->relp,
		        .tcp_listen = o->tcp,
		        .udp_listen = o->udp,
		        .tls_cert = o->cert,
		        .tls_key = o->key,
		        .tcp_allow_lf = o->tcp_lf,
		        .resolve = resolve,
		        .committed = on_committed,
		        .ctx = x,
		};

		rc = seclog_recv_start(x->store, &ro, &x->recv, why, cap);
	}
	if (rc) {
		serve_seclog_stop(x);
		return rc;
	}
	*out = x;
	return SK_OK;
}

unsigned serve_seclog_port(const struct serve_seclog *x, unsigned transport)
{
	return x && x->recv ? seclog_recv_port(x->recv, transport) : 0;
}

struct seclog_recv *serve_seclog_recv(struct serve_seclog *x)
{
	return x ? x->recv : NULL;
}

struct seclog *serve_seclog_store(struct serve_seclog *x)
{
	return x ? x->store : NULL;
}

struct seclog_index *serve_seclog_index(struct serve_seclog *x)
{
	return x ? x->index : NULL;
}

void serve_seclog_stop(struct serve_seclog *x)
{
	if (!x)
		return;
	/* the receiver first: what it acknowledged is committed before the store closes */
	seclog_recv_stop(x->recv);
	/* the watchdog's last tick may raise an alert: it stops before the recorder */
	seclog_watchdog_stop(x->watchdog);
	if (x->running) {
		pthread_mutex_lock(&x->mu);
		x->stop = true;
		pthread_cond_signal(&x->cv);
		pthread_mutex_unlock(&x->mu);
		pthread_join(x->thread, NULL);
	}
	seclog_monitor_free(x->mon);
	free(x->replayed);
	seclog_index_stop(x->index);
	seclog_close(x->store);
	pthread_cond_destroy(&x->cv);
	pthread_mutex_destroy(&x->mu);
	free(x);
}

/* One line naming every listener with the port it got (a test may ask for port 0). */
void serve_seclog_announce(const struct serve_seclog *x, const struct cli_seclog_opts *o)
{
	static const struct {
		unsigned t;
		const char *name;
	} ls[] = {{SECLOG_T_TLS, "syslog-tls"},
	          {SECLOG_T_RELP_TLS, "relp-tls"},
	          {SECLOG_T_RELP, "relp"},
	          {SECLOG_T_TCP, "syslog-tcp"},
	          {SECLOG_T_UDP, "syslog-udp"}};
	char line[512] = "";
	size_t len = 0;

	if (!x || !x->recv)
		return;
	for (size_t i = 0; i < sizeof(ls) / sizeof(ls[0]); i++) {
		unsigned port = seclog_recv_port(x->recv, ls[i].t);
		int k;

		if (!port)
			continue;
		k = snprintf(line + len, sizeof(line) - len, "%s%s=%u", len ? " " : "", ls[i].name,
		             port);
		if (k < 0 || (size_t)k >= sizeof(line) - len)
			break;
		len += (size_t)k;
	}
	fprintf(stderr, "skydd: security logs: %s%s\n", line,
	        o->udp ? " (UDP is lossy: messages may be lost without notice)" : "");
}
