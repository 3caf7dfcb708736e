/*
 * The seclog store's durable ingest: messages appended through the writer
 * with acknowledgement after commit (THREADS callers, BATCH messages a
 * call), next to a baseline of plain batched SQLite inserts of the same
 * encoded rows with the same durability (WAL, synchronous=FULL), in rounds
 * that alternate so a busy machine slows both alike. Also bytes on disk
 * per message and the full verify's rate. Goal (issue 14): 100,000 msg/s.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "seclog/monitor.h"
#include "seclog/store.h"
#include "store/store.h"
#include "bench.h"

const char *const bench_name = "bench_seclog";

#define GOAL_RATE 100000.0
#define ROUNDS    4

struct config {
	uint64_t n, threads, batch;
	char dir[512];
};

/* An sshd line as rsyslog forwards it (RFC 5424), about 190 bytes raw. */
static const char raw_fmt[] = "<38>1 2026-12-07T01:02:03.123456+01:00 web1.example.se sshd "
                              "4711 - - Failed password for invalid user admin%06u from "
                              "192.0.2.17 port 53%03u ssh2";

struct msgs {
	struct seclog_msg *m;
	char (*raw)[256];
};

static void msgs_make(struct msgs *b, uint64_t n, uint64_t salt)
{
	b->m = calloc(n, sizeof(*b->m));
	b->raw = calloc(n, sizeof(*b->raw));
	if (!b->m || !b->raw)
		bench_die("memory", "out of memory");
	for (uint64_t i = 0; i < n; i++) {
		int len = snprintf(b->raw[i], sizeof(b->raw[i]), raw_fmt,
		                   (unsigned)((salt + i) % 1000000), (unsigned)(i % 1000));
		const char *text = strstr(b->raw[i], "Failed");

		b->m[i] = (struct seclog_msg){.source = 3,
		                              .retention_years = 10,
		                              .facility = 4,
		                              .severity = 6,
		                              .timestamp_us = 1796605323123456,
		                              .hostname = "web1.example.se",
		                              .hostname_len = 15,
		                              .app = "sshd",
		                              .app_len = 4,
		                              .procid = "4711",
		                              .procid_len = 4,
		                              .text = text,
		                              .text_len = (size_t)(b->raw[i] + len - text),
		                              .raw = (const uint8_t *)b->raw[i],
		                              .raw_len = (size_t)len};
	}
}

static void msgs_free(struct msgs *b)
{
	free(b->m);
	free(b->raw);
}

struct worker {
	struct seclog *s;
	const struct config *cfg;
	const struct msgs *b;
	uint64_t from, to;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (uint64_t i = w->from; i < w->to; i += w->cfg->batch) {
		uint64_t n = w->to - i < w->cfg->batch ? w->to - i : w->cfg->batch;
		uint64_t first;
		int rc = seclog_append(w->s, w->b->m + i, n, &first, NULL, NULL);

		if (rc)
			bench_die_rc("seclog_append", rc);
	}
	return NULL;
}

static double round_seclog(struct seclog *s, const struct config *cfg, const struct msgs *b,
                           uint64_t from, uint64_t n)
{
	struct worker w[8];
	pthread_t t[8];
	double t0 = now_s();
	uint64_t per = (n + cfg->threads - 1) / cfg->threads;

	for (uint64_t i = 0; i < cfg->threads; i++) {
		uint64_t a = from + i * per, z = a + per;

		if (a > from + n)
			a = from + n;
		if (z > from + n)
			z = from + n;
		w[i] = (struct worker){.s = s, .cfg = cfg, .b = b, .from = a, .to = z};
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	for (uint64_t i = 0; i < cfg->threads; i++)
		pthread_join(t[i], NULL);
	return now_s() - t0;
}

/* The same rows, encoded the same way, inserted in transactions as large as a group commit. */
static double round_baseline(sqlite3 *db, const struct config *cfg, const struct msgs *b,
                             uint64_t from, uint64_t n, uint64_t *next_idx)
{
	sqlite3_stmt *st = NULL;
	struct buf enc;
	uint64_t txn = cfg->batch * cfg->threads;
	double t0 = now_s();

	buf_init(&enc, 1 << 20);
	if (sqlite3_prepare_v2(db, "INSERT INTO msg (idx, recv_us, source, body) VALUES (?,?,?,?)",
	                       -1, &st, NULL) != SQLITE_OK)
		bench_die("baseline", sqlite3_errmsg(db));
	for (uint64_t i = from; i < from + n;) {
		uint64_t end = i + txn < from + n ? i + txn : from + n;

		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		for (; i < end; i++) {
			struct seclog_msg m = b->m[i];

			m.recv_us = sk_now_us();
			buf_reset(&enc);
			if (seclog_msg_encode(&m, &enc, NULL))
				bench_die("baseline", "encode");
			sqlite3_bind_int64(st, 1, (int64_t)(*next_idx)++);
			sqlite3_bind_int64(st, 2, m.recv_us);
			sqlite3_bind_int64(st, 3, m.source);
			sqlite3_bind_blob(st, 4, enc.ptr, (int)enc.len, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				bench_die("baseline insert", sqlite3_errmsg(db));
			sqlite3_reset(st);
		}
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			bench_die("baseline commit", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	buf_release(&enc);
	return now_s() - t0;
}

/* The replay's baseline: the same rows read and decoded, judged by nobody. */
static void count_only(void *ctx, const struct seclog_msg *m, size_t n, uint64_t first)
{
	(void)m;
	(void)first;
	*(uint64_t *)ctx += n;
}

static void count_alert(void *ctx, const struct seclog_alert *a)
{
	(void)a;
	(*(uint64_t *)ctx)++;
}

/*
 * What a restart of skydd serve costs (seclog_replay through the monitor,
 * which classifies every sshd line and keeps its failed-login windows),
 * against the same replay into a counter: msg/s of both, best of three.
 */
static void bench_replay(const char *dir, double *judged, double *read, uint64_t *alerts)
{
	struct seclog_watch w = {.system = 1, .fail_threshold = 5, .fail_window_s = 600};
	struct seclog_watch_source ws = {.source = 3, .system = 1};
	struct seclog_replay_stats st;

	*judged = *read = 0;
	for (int k = 0; k < 3; k++) {
		struct seclog_monitor *mon = seclog_monitor_new(count_alert, alerts);
		uint64_t counted = 0;
		double t;

		if (!mon || seclog_monitor_configure(mon, &w, 1, &ws, 1))
			bench_die("seclog_monitor", "cannot configure");
		t = now_s();
		if (seclog_replay(dir, 1, SECLOG_REPLAY_MAX, seclog_monitor_committed, mon, &st))
			bench_die("seclog_replay", "failed");
		t = now_s() - t;
		if ((double)st.replayed / t > *judged)
			*judged = (double)st.replayed / t;
		seclog_monitor_free(mon);
		t = now_s();
		if (seclog_replay(dir, 1, SECLOG_REPLAY_MAX, count_only, &counted, &st))
			bench_die("seclog_replay", "failed");
		t = now_s() - t;
		if ((double)counted / t > *read)
			*read = (double)counted / t;
	}
}

static uint64_t file_size(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

int main(void)
{
	struct config cfg = {
	        .n = env_u64("SKYDD_BENCH_SECLOG_N", 400000, 1000, 100000000),
	        .threads = env_u64("SKYDD_BENCH_SECLOG_THREADS", 2, 1, 8),
	        .batch = env_u64("SKYDD_BENCH_SECLOG_BATCH", 1000, 1, SECLOG_BATCH_MAX),
	};
	struct seclog_verify_report vr;
	struct seclog *s = NULL;
	sqlite3 *base = NULL;
	struct msgs b;
	char vkey[256], path[1024];
	double ts = 0, tb = 0, tv;
	uint64_t per = cfg.n / ROUNDS, next = 0;
	int rc;

	snprintf(cfg.dir, sizeof(cfg.dir), "%s/skydd-bench-seclog-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(cfg.dir))
		bench_die("mkdtemp", "failed");
	rmdir(cfg.dir);
	rc = store_init(cfg.dir, &(struct store_init_opts){.origin = "bench/seclog"}, vkey,
	                sizeof(vkey));
	if (rc)
		bench_die_rc("store_init", rc);
	print_load("before");
	msgs_make(&b, cfg.n, 0);
	rc = seclog_open(cfg.dir, NULL, &s);
	if (rc)
		bench_die_rc("seclog_open", rc);
	snprintf(path, sizeof(path), "%s/baseline.db", cfg.dir);
	if (sqlite3_open(path, &base) != SQLITE_OK ||
	    sqlite3_exec(base,
	                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	                 "CREATE TABLE msg (idx INTEGER PRIMARY KEY, recv_us INTEGER NOT NULL,"
	                 " source INTEGER NOT NULL, body BLOB)",
	                 NULL, NULL, NULL) != SQLITE_OK)
		bench_die("baseline", sqlite3_errmsg(base));
	for (unsigned r = 0; r < ROUNDS; r++) {
		ts += round_seclog(s, &cfg, &b, r * per, per);
		tb += round_baseline(base, &cfg, &b, r * per, per, &next);
	}
	seclog_close(s);
	sqlite3_close(base);

	tv = now_s();
	rc = seclog_verify(cfg.dir, &vr);
	tv = now_s() - tv;
	if (rc)
		bench_die("seclog_verify", vr.problem);
	double rj, rr;
	uint64_t alerts = 0;

	bench_replay(cfg.dir, &rj, &rr, &alerts);
	print_load("after");

	double rs = (double)(per * ROUNDS) / ts, rb = (double)(per * ROUNDS) / tb;
	double bytes_s =
	        (double)(file_size(cfg.dir, "seclog.db") + file_size(cfg.dir, "seclog.db-wal")) /
	        (double)(per * ROUNDS);
	double bytes_b = (double)(file_size(cfg.dir, "baseline.db") +
	                          file_size(cfg.dir, "baseline.db-wal")) /
	                 (double)(per * ROUNDS);

	printf("bench_seclog: %" PRIu64 " messages of %zu raw bytes, %" PRIu64 " threads x %" PRIu64
	       " a call; baseline: one thread, %" PRIu64
	       " rows a transaction, same encoding, WAL + synchronous=FULL\n",
	       per * ROUNDS, b.m[0].raw_len, cfg.threads, cfg.batch, cfg.batch * cfg.threads);
	printf("bench_seclog: durable appends %.0f msg/s (ack after commit), baseline %.0f msg/s; "
	       "goal %.0f msg/s %s\n",
	       rs, rb, GOAL_RATE, bench_met(rs >= GOAL_RATE));
	printf("bench_seclog: bytes on disk per message %.1f (seclog.db), %.1f (baseline)\n",
	       bytes_s, bytes_b);
	printf("bench_seclog: verify %" PRIu64 " messages, %" PRIu64 " checkpoints in %.2f s: "
	       "%.0f msg/s\n",
	       vr.size, vr.checkpoints, tv, (double)vr.size / tv);
	printf("bench_seclog: the monitor's replay at a restart (the newest %u at most): %.0f "
	       "msg/s "
	       "judged, %.0f msg/s read and decoded only; %" PRIu64 " alerts\n",
	       SECLOG_REPLAY_MAX, rj, rr, alerts);
	printf("bench seclog_append %.0f msg/s baseline %.0f ratio %.3f\n", rs, rb, rs / rb);
	printf("bench seclog_replay %.0f msg/s baseline %.0f ratio %.3f\n", rj, rr, rj / rr);
	printf("bench seclog_bytes %.1f B/msg baseline %.1f ratio %.3f\n", bytes_s, bytes_b,
	       bytes_s / bytes_b);
	msgs_free(&b);
	snprintf(path, sizeof(path), "rm -rf '%s'", cfg.dir);
	if (system(path) != 0)
		bench_die("cleanup", cfg.dir);
	return 0;
}
