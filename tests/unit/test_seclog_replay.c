/*
 * The monitor resumed from the log (seclog_replay, monitor.h): three failed
 * logins stored before a restart and two after raise the alert, exactly as
 * live feeding did; the first index found by binary search over 100,000
 * messages whose receipt times spread over days and go back by hours now
 * and then; a culled segment skipped; the bound keeping the newest; batches
 * of consecutive indices; silence longer than the replayed span (the
 * sources' last messages from the log); bad arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "seclog/monitor.h"
#include "seclog/store.h"
#include "store/store.h"
#include "seclogfixture.h"

#define US    INT64_C(1000000)
#define HOUR  (3600 * US)
#define NSEEN 16

static char dir[256];
static char vkey[256];

static int setup(void **state)
{
	(void)state;
	seclog_fixture_init(dir, sizeof(dir), "replay", vkey, sizeof(vkey));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	seclog_fixture_remove(dir);
	return 0;
}

/* ---- alerts captured ---- */

struct seen {
	struct seclog_alert a[NSEEN];
	size_t n;
};

static void on_alert(void *ctx, const struct seclog_alert *a)
{
	struct seen *s = ctx;

	if (s->n < NSEEN)
		s->a[s->n] = *a;
	s->n++;
}

/* System 1 watches failed logins (5 within 10 minutes); source 10 is its. */
static struct seclog_monitor *new_monitor(struct seen *s)
{
	struct seclog_watch w = {.system = 1, .fail_threshold = 5, .fail_window_s = 600};
	struct seclog_watch_source src = {.source = 10, .system = 1};
	struct seclog_monitor *mon = seclog_monitor_new(on_alert, s);

	assert_non_null(mon);
	assert_int_equal(seclog_monitor_configure(mon, &w, 1, &src, 1), SK_OK);
	return mon;
}

/* n failed logins for root from 192.0.2.7, or texts "message N" when !fail; recv_us 0: now. */
static uint64_t append(struct seclog *log, unsigned n, bool fail, int64_t recv_us,
                       struct seclog_monitor *live)
{
	struct seclog_msg *m = calloc(n, sizeof(*m));
	char(*t)[80] = calloc(n, 80);
	uint64_t first = UINT64_MAX;

	assert_non_null(m);
	assert_non_null(t);
	if (!recv_us) /* as the receiver does: its receipt time, stored as it was fed */
		recv_us = sk_now_us();
	for (unsigned i = 0; i < n; i++) {
		int len = fail ? snprintf(t[i], 80,
		                          "Failed password for root from 192.0.2.7 port %u ssh2",
		                          4000 + i)
		               : snprintf(t[i], 80, "message %u", i);

		m[i] = (struct seclog_msg){.recv_us = recv_us,
		                           .source = 10,
		                           .retention_years = 10,
		                           .facility = 4,
		                           .severity = 5,
		                           .timestamp_us = SECLOG_TS_NONE,
		                           .hostname = "db1",
		                           .hostname_len = 3,
		                           .app = "sshd",
		                           .app_len = 4,
		                           .text = t[i],
		                           .text_len = (size_t)len};
	}
	assert_int_equal(seclog_append(log, m, n, &first, NULL, NULL), SK_OK);
	if (live) /* the receiver's after-commit hook */
		seclog_monitor_feed(live, m, n, first);
	free(m);
	free(t);
	return first;
}

/* ---- what a replay delivers ---- */

struct got {
	uint64_t n, batches, first, last;
	size_t max_batch;
	int64_t min_recv;
	bool broken; /* not consecutive within a batch, or not increasing across */
	struct seclog_monitor *mon;
};

static void collect(void *ctx, const struct seclog_msg *msgs, size_t n, uint64_t first)
{
	struct got *g = ctx;

	if (g->n && first <= g->last)
		g->broken = true;
	if (!g->n)
		g->first = first;
	for (size_t i = 0; i < n; i++) {
		if (!g->min_recv || msgs[i].recv_us < g->min_recv)
			g->min_recv = msgs[i].recv_us;
		if (msgs[i].text_len == 0 || msgs[i].source != 10)
			g->broken = true;
	}
	g->last = first + n - 1;
	g->n += n;
	g->batches++;
	if (n > g->max_batch)
		g->max_batch = n;
	if (g->mon)
		seclog_monitor_feed(g->mon, msgs, n, first);
}

static struct seclog *open_log(void)
{
	struct seclog *s = NULL;

	assert_int_equal(seclog_open(dir, NULL, &s), SK_OK);
	return s;
}

static int64_t sql_int(const char *sql, int64_t arg)
{
	char path[512];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	snprintf(path, sizeof(path), "%s/seclog.db", dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* ---- a window across the restart ---- */

/*
 * Three failed logins stored before the stop; a fresh monitor replayed over
 * them is fed the next two as the receiver feeds them: one alert, the same
 * the monitor that never stopped raised; and the control that fails without
 * the replay.
 */
static void test_three_then_two(void **state)
{
	struct seen resumed = {0}, control = {0}, live = {0};
	struct seclog_monitor *mon_live = new_monitor(&live), *mon, *ctl;
	struct seclog_replay_stats st;
	struct seclog *log = open_log();

	(void)state;
	append(log, 3, true, 0, mon_live);
	mon = new_monitor(&resumed);
	ctl = new_monitor(&control);
	assert_int_equal(seclog_replay(dir, sk_now_us() - 600 * US, SECLOG_REPLAY_MAX,
	                               seclog_monitor_committed, mon, &st),
	                 SK_OK);
	assert_int_equal(st.replayed, 3);
	assert_int_equal(resumed.n, 0);
	/* after the restart: the receiver feeds the next two to the resumed monitor */
	{
		struct seclog_msg m[2];
		char t[2][80];

		for (int i = 0; i < 2; i++) {
			int len = snprintf(t[i], sizeof(t[i]),
			                   "Failed password for root from 192.0.2.7 port %d ssh2",
			                   5000 + i);

			m[i] = (struct seclog_msg){.recv_us = sk_now_us(),
			                           .source = 10,
			                           .retention_years = 10,
			                           .timestamp_us = SECLOG_TS_NONE,
			                           .hostname = "db1",
			                           .hostname_len = 3,
			                           .app = "sshd",
			                           .app_len = 4,
			                           .text = t[i],
			                           .text_len = (size_t)len};
		}
		seclog_monitor_feed(mon, m, 2, 3);
		seclog_monitor_feed(ctl, m, 2, 3);
		seclog_monitor_feed(mon_live, m, 2, 3);
	}
	assert_int_equal(control.n, 0); /* without the replay the window started empty */
	assert_int_equal(resumed.n, 1);
	assert_int_equal(resumed.a[0].kind, SECLOG_A_FAILED_LOGINS);
	assert_int_equal(resumed.a[0].count, 5);
	assert_int_equal(resumed.a[0].first_idx, 0);
	assert_int_equal(resumed.a[0].last_idx, 4);
	assert_string_equal(resumed.a[0].key, "root@192.0.2.7");
	/* exactly what the monitor that never stopped raised */
	assert_int_equal(live.n, 1);
	assert_int_equal(live.a[0].count, resumed.a[0].count);
	assert_int_equal(live.a[0].first_idx, resumed.a[0].first_idx);
	assert_int_equal(live.a[0].first_us, resumed.a[0].first_us);
	assert_string_equal(live.a[0].detail, resumed.a[0].detail);

	/* a replay over all five into a fresh monitor raises the same alert again */
	{
		struct seen again = {0};
		struct seclog_monitor *m2 = new_monitor(&again);

		append(log, 2, true, 0, NULL);
		assert_int_equal(seclog_replay(dir, sk_now_us() - 600 * US, SECLOG_REPLAY_MAX,
		                               seclog_monitor_committed, m2, &st),
		                 SK_OK);
		assert_int_equal(st.replayed, 5);
		assert_int_equal(again.n, 1);
		assert_int_equal(again.a[0].first_idx, 0);
		assert_int_equal(again.a[0].last_idx, 4);
		seclog_monitor_free(m2);
	}
	/* messages older than since are not replayed: the window is the monitor's own */
	{
		struct seen old = {0};
		struct seclog_monitor *m3 = new_monitor(&old);

		assert_int_equal(seclog_replay(dir, sk_now_us() + 120 * US, SECLOG_REPLAY_MAX,
		                               seclog_monitor_committed, m3, &st),
		                 SK_OK);
		assert_int_equal(st.replayed, 0);
		assert_int_equal(st.older, 5);
		assert_int_equal(old.n, 0);
		seclog_monitor_free(m3);
	}
	seclog_monitor_free(mon);
	seclog_monitor_free(ctl);
	seclog_monitor_free(mon_live);
	seclog_close(log);
}

/* ---- the first index over 100,000 messages, days apart ---- */

static void test_binary_search(void **state)
{
	int64_t now = sk_now_us(), base = now - 6 * DAY_US;
	struct seclog_replay_stats st;
	struct seclog *log;
	struct got g = {0};
	uint64_t size = 0;

	(void)state;
	/* ten batches of 10,000, twelve hours apart; every 7th received 20 hours back */
	sk_clock_set_offset(base - now);
	log = open_log();
	for (int c = 0; c < 10; c++) {
		int64_t t;
		struct seclog_msg *m = calloc(10000, sizeof(*m));

		assert_non_null(m);
		sk_clock_set_offset(base - now + c * 12 * HOUR);
		t = sk_now_us();
		for (unsigned i = 0; i < 10000; i++)
			m[i] = (struct seclog_msg){.recv_us = i % 7 ? t + i : t - 20 * HOUR + i,
			                           .source = 10,
			                           .retention_years = 10,
			                           .timestamp_us = SECLOG_TS_NONE,
			                           .text = "x",
			                           .text_len = 1};
		assert_int_equal(seclog_append(log, m, 10000, &size, NULL, NULL), SK_OK);
		free(m);
	}
	seclog_close(log);
	sk_clock_set_offset(0);

	/* since in the middle of the fourth batch's day: the rows a scan would give */
	{
		int64_t since = base + 40 * HOUR + 17 * 60 * US;
		int64_t want_n = sql_int("SELECT count(*) FROM msg WHERE recv_us >= ?1", since);
		int64_t want_first = sql_int("SELECT min(idx) FROM msg WHERE recv_us >= ?1", since);

		assert_true(want_n > 50000 && want_n < 80000);
		assert_int_equal(seclog_replay(dir, since, SECLOG_REPLAY_MAX, collect, &g, &st),
		                 SK_OK);
		assert_int_equal(st.size, 100000);
		assert_int_equal(g.n, (uint64_t)want_n);
		assert_int_equal(st.replayed, (uint64_t)want_n);
		assert_int_equal(g.first, (uint64_t)want_first);
		assert_true(g.min_recv >= since);
		assert_false(g.broken);
		assert_true(g.max_batch <= SECLOG_REPLAY_BATCH);
		assert_true(g.batches >= (uint64_t)want_n / SECLOG_REPLAY_BATCH);
		assert_true(st.first <= (uint64_t)want_first);
		/* the slack (a day back) is read and skipped, nothing before it */
		assert_true(st.older > 0 && st.older <= 40000);
		assert_true(st.probes > 0 && st.probes <= 18); /* log2(100,000) + 1: no scan */
		assert_false(st.cut);
	}
	/* the bound: the newest 5,000 of all */
	memset(&g, 0, sizeof(g));
	assert_int_equal(seclog_replay(dir, base - 2 * DAY_US, 5000, collect, &g, &st), SK_OK);
	assert_true(st.cut);
	assert_int_equal(st.first, 95000);
	assert_int_equal(g.first, 95000);
	assert_int_equal(g.last, 99999);
	assert_int_equal(g.n, 5000);
	assert_false(g.broken);
	/* a since after everything: nothing, found by the search alone */
	memset(&g, 0, sizeof(g));
	assert_int_equal(seclog_replay(dir, now + 2 * DAY_US, 5000, collect, &g, &st), SK_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(st.replayed, 0);
	assert_int_equal(st.older, 0);
}

/* ---- a culled segment ---- */

static void test_culled_segment(void **state)
{
	int64_t now = sk_now_us();
	int64_t base = (now / (30 * DAY_US)) * (30 * DAY_US) - 3 * YEAR_US;
	struct seclog_replay_stats st;
	struct seen seen = {0};
	struct seclog_monitor *mon = new_monitor(&seen);
	struct seclog *log;
	struct got g = {.mon = mon};

	(void)state;
	sk_clock_set_offset(base - now);
	log = open_log();
	append(log, 40, true, 0, NULL); /* segment 1: forty failed logins */
	sk_clock_set_offset(base - now + 40 * DAY_US);
	append(log, 20, false, 0, NULL); /* segment 2 */
	append(log, 4, true, 0, NULL);
	seclog_close(log);
	/* ten years and a month on, segment 1 is culled */
	sk_clock_set_offset(base - now + 10 * YEAR_US + 40 * DAY_US);
	assert_int_equal(seclog_cull(dir, 1, "ssc Anna", "gallring enligt 28 §"), SK_OK);
	sk_clock_set_offset(0);

	assert_int_equal(seclog_replay(dir, base - DAY_US, SECLOG_REPLAY_MAX, collect, &g, &st),
	                 SK_OK);
	assert_int_equal(st.culled, 40);
	assert_int_equal(st.replayed, 24);
	assert_int_equal(g.first, 40);
	assert_int_equal(g.last, 63);
	assert_false(g.broken);
	/* the culled failures are gone: four after them are below the threshold */
	assert_int_equal(seen.n, 0);

	/* the same log before the cull would have alerted: the test can tell */
	{
		struct seen all = {0};
		struct seclog_monitor *m2 = new_monitor(&all);
		struct seclog_msg f[5];

		for (int i = 0; i < 5; i++)
			f[i] = (struct seclog_msg){
			        .recv_us = base + i,
			        .source = 10,
			        .retention_years = 10,
			        .timestamp_us = SECLOG_TS_NONE,
			        .hostname = "db1",
			        .hostname_len = 3,
			        .app = "sshd",
			        .app_len = 4,
			        .text = "Failed password for root from 192.0.2.7 "
			                "port 4000 ssh2",
			        .text_len = 52};
		seclog_monitor_feed(m2, f, 5, 0);
		assert_int_equal(all.n, 1);
		seclog_monitor_free(m2);
	}
	seclog_monitor_free(mon);
}

/* ---- batches: runs of consecutive indices, at most SECLOG_REPLAY_BATCH ---- */

static void test_batches(void **state)
{
	struct seclog_replay_stats st;
	struct seclog *log = open_log();
	struct got g = {0};

	(void)state;
	append(log, 3000, false, 0, NULL);
	seclog_close(log);
	assert_int_equal(
	        seclog_replay(dir, sk_now_us() - HOUR, SECLOG_REPLAY_MAX, collect, &g, &st), SK_OK);
	assert_int_equal(g.n, 3000);
	assert_int_equal(g.batches, 3); /* 1024 + 1024 + 952 */
	assert_int_equal(st.batches, 3);
	assert_int_equal(g.max_batch, SECLOG_REPLAY_BATCH);
	assert_int_equal(g.first, 0);
	assert_int_equal(g.last, 2999);
	assert_false(g.broken);
}

/* ---- silence longer than the replayed span ---- */

static void append_from(struct seclog *log, int64_t source, int64_t recv_us)
{
	struct seclog_msg m = {.recv_us = recv_us,
	                       .source = source,
	                       .retention_years = 10,
	                       .timestamp_us = SECLOG_TS_NONE,
	                       .text = "hej",
	                       .text_len = 3};
	uint64_t first;

	assert_int_equal(seclog_append(log, &m, 1, &first, NULL, NULL), SK_OK);
}

static void test_last_heard(void **state)
{
	struct seclog_watch_source src[3] = {{.source = 10, .system = 1, .silent_s = 7200},
	                                     {.source = 11, .system = 1, .silent_s = 600},
	                                     {.source = 12, .system = 1, .silent_s = 60}};
	int64_t now = sk_now_us(), ids[3] = {0}, want[3] = {11, 10, 12}, last[3];
	struct seen seen = {0};
	struct seclog_monitor *mon = seclog_monitor_new(on_alert, &seen);
	struct seclog *log = open_log();
	unsigned longest = 0;
	uint64_t rows = 0;

	(void)state;
	/* 11 spoke five hours ago and twice three hours ago; 10 just now; 12 never */
	append_from(log, 11, now - 5 * HOUR);
	append_from(log, 11, now - 3 * HOUR - 60 * US);
	append_from(log, 11, now - 3 * HOUR);
	append_from(log, 10, now);
	seclog_close(log);
	assert_non_null(mon);
	assert_int_equal(seclog_monitor_configure(mon, NULL, 0, src, 3), SK_OK);
	assert_int_equal(seclog_monitor_unheard(mon, ids, 3, &longest), 3);
	assert_int_equal(longest, 7200);

	/* the last hour replayed: 10 is heard, 11 and 12 are not */
	{
		struct seclog_replay_stats st;

		assert_int_equal(seclog_replay(dir, now - HOUR, SECLOG_REPLAY_MAX,
		                               seclog_monitor_committed, mon, &st),
		                 SK_OK);
		assert_int_equal(st.replayed, 1);
	}
	assert_int_equal(seclog_monitor_unheard(mon, ids, 1, &longest), 2); /* cap 1: one id */
	assert_int_equal(ids[0], 11);
	assert_int_equal(longest, 600);
	assert_int_equal(seclog_monitor_unheard(mon, NULL, 0, NULL), 2);

	/* their last messages from the log, newest first */
	assert_int_equal(seclog_last_heard(dir, now - 4 * HOUR, 1000, want, 3, last, &rows), SK_OK);
	assert_int_equal(last[0], now - 3 * HOUR);
	assert_int_equal(last[1], now);
	assert_int_equal(last[2], 0);
	assert_int_equal(rows, 4); /* 12 never found: read to since (and its slack) */
	/* only what was received since */
	assert_int_equal(seclog_last_heard(dir, now - 2 * HOUR, 1000, want, 3, last, NULL), SK_OK);
	assert_int_equal(last[0], 0);
	/* the row bound */
	assert_int_equal(seclog_last_heard(dir, now - 4 * HOUR, 1, want, 3, last, &rows), SK_OK);
	assert_int_equal(rows, 1);
	assert_int_equal(last[0], 0);
	assert_int_equal(last[1], now);

	/* given to the monitor: 11's silence counts from its last message, found by a tick */
	assert_int_equal(seclog_last_heard(dir, now - 4 * HOUR, 1000, want, 3, last, NULL), SK_OK);
	seclog_monitor_heard(mon, 11, last[0]);
	seclog_monitor_heard(mon, 99, now);            /* not configured: ignored */
	seclog_monitor_heard(mon, 10, now - 9 * HOUR); /* older than what it has: ignored */
	assert_int_equal(seclog_monitor_unheard(mon, NULL, 0, NULL), 1);
	seclog_monitor_tick(mon, now + 1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.a[0].kind, SECLOG_A_SILENT);
	assert_int_equal(seen.a[0].source, 11);
	assert_int_equal(seen.a[0].first_us, now - 3 * HOUR);
	/* 12, never heard, counts from this first tick; 10 spoke just now */
	seclog_monitor_tick(mon, now + 30 * US);
	assert_int_equal(seen.n, 1);
	seclog_monitor_tick(mon, now + 61 * US + 1);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.a[1].source, 12);
	seclog_monitor_free(mon);

	/* bad arguments */
	assert_int_equal(seclog_last_heard(NULL, now, 10, want, 3, last, NULL), SK_EINVAL);
	assert_int_equal(seclog_last_heard(dir, now, 10, NULL, 3, last, NULL), SK_EINVAL);
	assert_int_equal(seclog_last_heard(dir, now, 10, want, 3, NULL, NULL), SK_EINVAL);
	assert_int_equal(seclog_last_heard(dir, 0, 10, want, 3, last, NULL), SK_EINVAL);
	assert_int_equal(seclog_last_heard(dir, now, 0, want, 3, last, NULL), SK_EINVAL);
	assert_int_equal(seclog_last_heard(dir, now, 10, NULL, 0, NULL, NULL), SK_OK);
	assert_int_equal(seclog_last_heard("/nonexistent/skydd", now, 10, want, 3, last, NULL),
	                 SK_ENOTFOUND);
	assert_int_equal(seclog_monitor_unheard(NULL, ids, 3, &longest), 0);
	assert_int_equal(longest, 0);
}

/* ---- bad arguments, no log, an empty log ---- */

static void test_bad_args(void **state)
{
	struct seclog_replay_stats st = {.replayed = 99};
	struct got g = {0};
	struct seclog *log;
	int64_t now = sk_now_us();

	(void)state;
	assert_int_equal(seclog_replay(NULL, now, 10, collect, &g, &st), SK_EINVAL);
	assert_int_equal(st.replayed, 0);
	assert_int_equal(seclog_replay(dir, now, 10, NULL, &g, &st), SK_EINVAL);
	assert_int_equal(seclog_replay(dir, now, 10, collect, &g, NULL), SK_EINVAL);
	assert_int_equal(seclog_replay(dir, 0, 10, collect, &g, &st), SK_EINVAL);
	assert_int_equal(seclog_replay(dir, -5, 10, collect, &g, &st), SK_EINVAL);
	assert_int_equal(seclog_replay(dir, now, 0, collect, &g, &st), SK_EINVAL);
	/* an instance without security logs */
	assert_int_equal(seclog_replay(dir, now, 10, collect, &g, &st), SK_ENOTFOUND);
	assert_int_equal(seclog_replay("/nonexistent/skydd", now, 10, collect, &g, &st),
	                 SK_ENOTFOUND);
	/* an empty log: nothing, no error */
	log = open_log();
	seclog_close(log);
	assert_int_equal(seclog_replay(dir, now - HOUR, 10, collect, &g, &st), SK_OK);
	assert_int_equal(st.replayed, 0);
	assert_int_equal(g.n, 0);
	/* the span: an hour at least, the longest failed-login window if longer */
	{
		struct seclog_watch w[2] = {
		        {.system = 1, .fail_threshold = 5, .fail_window_s = 600},
		        {.system = 2, .fail_threshold = 3, .fail_window_s = 7200}};
		struct seclog_monitor *mon = seclog_monitor_new(NULL, NULL);

		assert_int_equal(seclog_monitor_span_s(mon), SECLOG_DEDUPE_S);
		assert_int_equal(seclog_monitor_configure(mon, w, 1, NULL, 0), SK_OK);
		assert_int_equal(seclog_monitor_span_s(mon), SECLOG_DEDUPE_S);
		assert_int_equal(seclog_monitor_configure(mon, w, 2, NULL, 0), SK_OK);
		assert_int_equal(seclog_monitor_span_s(mon), 7200);
		w[1].fail_threshold = 0; /* off: its window does not matter */
		assert_int_equal(seclog_monitor_configure(mon, w, 2, NULL, 0), SK_OK);
		assert_int_equal(seclog_monitor_span_s(mon), SECLOG_DEDUPE_S);
		seclog_monitor_free(mon);
		assert_int_equal(seclog_monitor_span_s(NULL), SECLOG_DEDUPE_S);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_three_then_two, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_binary_search, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_culled_segment, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_batches, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_last_heard, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
