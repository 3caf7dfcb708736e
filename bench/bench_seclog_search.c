/*
 * Search over the security logs (issue 14, "Measure"): N messages (sshd,
 * sudo, kernel, firewall and postgres lines of 60 hosts and 8 sources,
 * received over the last day) appended and indexed, then seclog_search
 * latency p50/p99 over eight kinds of query (newest page, host, severity,
 * one word, two words, words and host, a ten-minute window, a page deep in
 * the log), each beside a baseline measured in the same run: the same
 * filter as a plain indexed SELECT of the 50 indices and their bodies (no
 * need-to-know list, no decoding, no JSON). Also the indexer's rate, bytes
 * on disk per message without and with the index, and seclog_verify's rate.
 *
 *   SECLOG_BENCH_N (default 1,000,000), SECLOG_BENCH_QUERIES (per kind, 200)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "seclog/search.h"
#include "seclog/store.h"
#include "store/store.h"
#include "bench.h"

const char *const bench_name = "bench_seclog_search";

#define CHUNK   10000
#define HOSTS   60
#define SOURCES 8
#define PAGE    50
#define DAY_US  (86400LL * 1000000)
#define KINDS   8

static const char *const kind_names[KINDS] = {"newest",   "host",      "severity<=1",
                                              "one word", "two words", "words+host",
                                              "10 min",   "deep page"};

static char hosts[HOSTS][32];
static const char *const apps[] = {"sshd", "sudo", "kernel", "fw", "postgres", "cron"};

static unsigned rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(*s >> 33);
}

/* One message's text: a few templates with user names and addresses that vary. */
static int text_of(char *out, size_t cap, uint64_t i, uint64_t *s, unsigned *sev, unsigned *app)
{
	unsigned k = rnd(s) % 10, u = rnd(s) % 5000, a = rnd(s) % 256, b = rnd(s) % 256;

	switch (k) {
	case 0:
	case 1:
	case 2:
		*app = 0;
		*sev = 4;
		return snprintf(out, cap,
		                "Failed password for user%04u from 10.%u.%u.7 port %u ssh2", u, a,
		                b, 40000 + (unsigned)(i % 20000));
	case 3:
	case 4:
		*app = 0;
		*sev = 6;
		return snprintf(out, cap, "Accepted publickey for user%04u from 10.%u.%u.8 port 22",
		                u, a, b);
	case 5:
		*app = 1;
		*sev = 5;
		return snprintf(out, cap,
		                "user%04u : TTY=pts/%u ; PWD=/home/user%04u ; USER=root ; "
		                "COMMAND=/bin/systemctl restart tjanst%u",
		                u, a % 8, u, b % 40);
	case 6:
		*app = 2;
		*sev = (unsigned)(i % 97 == 0 ? 0 : 3);
		return snprintf(out, cap, "EXT4-fs error (device sd%c%u): inode %u: block bitmap",
		                'a' + (int)(a % 4), b % 8, u * 31);
	case 7:
	case 8:
		*app = 3;
		*sev = 4;
		return snprintf(out, cap, "avvisat paket från 192.0.%u.%u till port %u proto tcp",
		                a, b, u % 1024);
	default:
		*app = 4;
		*sev = (unsigned)(u % 50 == 0 ? 1 : 6);
		return snprintf(out, cap,
		                "connection authorized: user=user%04u database=register%u", u,
		                a % 12);
	}
}

static void load(struct seclog *s, uint64_t n)
{
	struct seclog_msg *m = calloc(CHUNK, sizeof(*m));
	char(*text)[192] = calloc(CHUNK, sizeof(*text));
	int64_t now = sk_now_us(), start = now - DAY_US + 3600LL * 1000000;
	uint64_t seed = 42, first;

	if (!m || !text)
		bench_die("memory", "out of memory");
	for (uint64_t done = 0; done < n;) {
		size_t c = n - done < CHUNK ? (size_t)(n - done) : CHUNK;

		for (size_t j = 0; j < c; j++) {
			uint64_t i = done + j;
			unsigned sev = 6, app = 0, h = rnd(&seed) % HOSTS;
			int len = text_of(text[j], sizeof(text[j]), i, &seed, &sev, &app);

			m[j] = (struct seclog_msg){
			        /* spread over the last 23 hours, in index order */
			        .recv_us = start + (int64_t)((double)(DAY_US - 7200LL * 1000000) *
			                                     (double)i / (double)n),
			        .source = (int64_t)(h % SOURCES) + 1,
			        .retention_years = 10,
			        .facility = 4,
			        .severity = sev,
			        .timestamp_us = SECLOG_TS_NONE,
			        .hostname = hosts[h],
			        .hostname_len = strlen(hosts[h]),
			        .app = apps[app],
			        .app_len = strlen(apps[app]),
			        .text = text[j],
			        .text_len = (size_t)len};
		}
		int rc = seclog_append(s, m, c, &first, NULL, NULL);
		if (rc)
			bench_die_rc("seclog_append", rc);
		done += c;
	}
	free(m);
	free(text);
}

static uint64_t db_bytes(const char *dir)
{
	char path[1024];
	struct stat st;
	uint64_t n = 0;
	sqlite3 *db = NULL;

	/* Everything in the main file first, so the WAL does not count twice or not at all. */
	snprintf(path, sizeof(path), "%s/seclog.db", dir);
	if (sqlite3_open(path, &db) == SQLITE_OK)
		sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_close(db);
	if (stat(path, &st) == 0)
		n += (uint64_t)st.st_size;
	snprintf(path, sizeof(path), "%s/seclog.db-wal", dir);
	if (stat(path, &st) == 0)
		n += (uint64_t)st.st_size;
	return n;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	qsort(v, n, sizeof(*v), cmp_d);
	return v[i < n ? i : n - 1];
}

struct q {
	char word1[32], word2[32], host[32];
	int64_t from, to;
	uint64_t before;
	int sev;
};

static void make_query(unsigned kind, uint64_t n, uint64_t *seed, int64_t t0, int64_t t1,
                       struct q *q)
{
	memset(q, 0, sizeof(*q));
	q->sev = -1;
	switch (kind) {
	case 1:
		snprintf(q->host, sizeof(q->host), "%s", hosts[rnd(seed) % HOSTS]);
		break;
	case 2:
		q->sev = 1;
		break;
	case 3:
		snprintf(q->word1, sizeof(q->word1), "user%04u", rnd(seed) % 5000);
		break;
	case 4:
		snprintf(q->word1, sizeof(q->word1), "failed");
		snprintf(q->word2, sizeof(q->word2), "user%04u", rnd(seed) % 5000);
		break;
	case 5:
		snprintf(q->word1, sizeof(q->word1), "avvisat");
		snprintf(q->host, sizeof(q->host), "%s", hosts[rnd(seed) % HOSTS]);
		break;
	case 6:
		q->from =
		        t0 + (int64_t)(rnd(seed) % (unsigned)((t1 - t0) / 1000000 - 600)) * 1000000;
		q->to = q->from + 600LL * 1000000;
		break;
	case 7:
		q->before = 1 + rnd(seed) % n;
		break;
	default:
		break;
	}
}

/* The same filter as a plain indexed SELECT: 50 indices and their bodies. */
static double baseline(sqlite3 *db, const struct q *q)
{
	char sql[1024], words[80];
	sqlite3_stmt *st = NULL, *body = NULL;
	double t = now_s();
	int rows = 0;

	if (q->word1[0]) {
		snprintf(words, sizeof(words), "\"%s\"%s%s%s", q->word1, q->word2[0] ? " \"" : "",
		         q->word2, q->word2[0] ? "\"" : "");
		snprintf(sql, sizeof(sql),
		         "SELECT x.idx FROM ix_fts f CROSS JOIN ix_msg x ON x.idx = f.rowid"
		         " WHERE ix_fts MATCH ?1 %s ORDER BY f.rowid DESC LIMIT %d",
		         q->host[0] ? "AND x.host = ?2" : "", PAGE);
	} else {
		snprintf(
		        sql, sizeof(sql),
		        "SELECT idx FROM ix_msg WHERE idx < ?3 %s %s %s ORDER BY idx DESC LIMIT %d",
		        q->host[0] ? "AND host = ?2" : "", q->sev >= 0 ? "AND severity <= ?4" : "",
		        q->from ? "AND recv_us >= ?5 AND recv_us < ?6" : "", PAGE);
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT body FROM msg WHERE idx = ?1", -1, &body, NULL) !=
	            SQLITE_OK)
		bench_die("baseline", sqlite3_errmsg(db));
	if (q->word1[0])
		sqlite3_bind_text(st, 1, words, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, q->before ? (int64_t)q->before : INT64_MAX);
	sqlite3_bind_int(st, 4, q->sev);
	sqlite3_bind_int64(st, 5, q->from);
	sqlite3_bind_int64(st, 6, q->to);
	while (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_reset(body);
		sqlite3_bind_int64(body, 1, sqlite3_column_int64(st, 0));
		if (sqlite3_step(body) == SQLITE_ROW && sqlite3_column_bytes(body, 0) > 0)
			rows++;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(body);
	(void)rows;
	return now_s() - t;
}

static double ours(const char *dir, const struct q *q, const int64_t *src, size_t nsrc)
{
	char words[80];
	struct seclog_query sq = {.sources = src,
	                          .nsources = nsrc,
	                          .from_us = q->from,
	                          .to_us = q->to,
	                          .host = q->host[0] ? q->host : NULL,
	                          .max_severity = q->sev,
	                          .before = q->before,
	                          .limit = PAGE};
	const char *field = NULL;
	json_t *out = NULL;
	double t;
	int rc;

	if (q->word1[0]) {
		snprintf(words, sizeof(words), "%s %s", q->word1, q->word2);
		sq.text = words;
	}
	t = now_s();
	rc = seclog_search(dir, &sq, &out, &field);
	t = now_s() - t;
	if (rc)
		bench_die_rc("seclog_search", rc);
	json_decref(out);
	return t;
}

int main(void)
{
	uint64_t n = env_u64("SECLOG_BENCH_N", 1000000, 1000, 100000000);
	uint64_t nq = env_u64("SECLOG_BENCH_QUERIES", 200, 10, 100000);
	struct seclog_verify_report vr;
	struct seclog_index *ix = NULL;
	struct seclog *s = NULL;
	char dir[512], vkey[256], path[1024];
	int64_t src[SOURCES];
	double t, t_load, t_index, t_verify;
	double *lat = calloc(KINDS * nq, sizeof(double)),
	       *base = calloc(KINDS * nq, sizeof(double));
	uint64_t bytes_plain, bytes_ix, seed = 7;
	int64_t t0, t1;
	sqlite3 *db = NULL;
	int rc;

	if (!lat || !base)
		bench_die("memory", "out of memory");
	for (unsigned i = 0; i < HOSTS; i++)
		snprintf(hosts[i], sizeof(hosts[i]), "%s%u.example.se",
		         i % 3 == 0   ? "web"
		         : i % 3 == 1 ? "db"
		                      : "fw",
		         i);
	for (unsigned i = 0; i < SOURCES; i++)
		src[i] = i + 1;
	snprintf(dir, sizeof(dir), "%s/skydd-bench-seclogsearch-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		bench_die("mkdtemp", "failed");
	rmdir(dir);
	rc = store_init(dir, &(struct store_init_opts){.origin = "bench/seclog"}, vkey,
	                sizeof(vkey));
	if (rc)
		bench_die_rc("store_init", rc);
	print_load("before");

	t = now_s();
	rc = seclog_open(dir, &(struct seclog_opts){.batch_max = 65536}, &s);
	if (rc)
		bench_die_rc("seclog_open", rc);
	t0 = sk_now_us() - DAY_US + 3600LL * 1000000;
	load(s, n);
	seclog_close(s);
	t_load = now_s() - t;
	t1 = t0 + DAY_US - 7200LL * 1000000;
	bytes_plain = db_bytes(dir);

	t = now_s();
	rc = seclog_index_start(dir, &ix);
	if (!rc)
		rc = seclog_index_sync(ix);
	if (rc)
		bench_die_rc("index", rc);
	seclog_index_stop(ix);
	t_index = now_s() - t;
	bytes_ix = db_bytes(dir);

	snprintf(path, sizeof(path), "%s/seclog.db", dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		bench_die("open", "seclog.db");
	/* the two alternate, query by query, so a busy machine slows both alike */
	for (unsigned k = 0; k < KINDS; k++) {
		for (uint64_t i = 0; i < nq; i++) {
			struct q q;

			make_query(k, n, &seed, t0, t1, &q);
			lat[k * nq + i] = ours(dir, &q, src, SOURCES);
			base[k * nq + i] = baseline(db, &q);
		}
	}
	sqlite3_close(db);

	t = now_s();
	rc = seclog_verify(dir, &vr);
	t_verify = now_s() - t;
	if (rc)
		bench_die("seclog_verify", vr.problem);
	print_load("after");

	printf("%s: %" PRIu64 " messages of %u hosts and %u sources appended in %.1f s, indexed in "
	       "%.1f s (%.0f msg/s)\n",
	       bench_name, n, HOSTS, SOURCES, t_load, t_index, (double)n / t_index);
	printf("%s: %" PRIu64
	       " queries per kind, a page of %d; ms p50 / p99, ours vs the baseline:\n",
	       bench_name, nq, PAGE);
	for (unsigned k = 0; k < KINDS; k++) {
		double *a = lat + k * nq, *b = base + k * nq;
		double a50 = pct(a, nq, 0.5), a99 = pct(a, nq, 0.99);
		double b50 = pct(b, nq, 0.5), b99 = pct(b, nq, 0.99);

		printf("%s:   %-12s %7.2f / %7.2f   baseline %7.2f / %7.2f\n", bench_name,
		       kind_names[k], a50 * 1e3, a99 * 1e3, b50 * 1e3, b99 * 1e3);
	}
	double p50 = pct(lat, KINDS * nq, 0.5), p99 = pct(lat, KINDS * nq, 0.99);
	double b50 = pct(base, KINDS * nq, 0.5), b99 = pct(base, KINDS * nq, 0.99);
	double per_plain = (double)bytes_plain / (double)n, per_ix = (double)bytes_ix / (double)n;

	printf("%s: all queries: p50 %.2f ms, p99 %.2f ms; baseline p50 %.2f ms, p99 %.2f ms\n",
	       bench_name, p50 * 1e3, p99 * 1e3, b50 * 1e3, b99 * 1e3);
	printf("%s: bytes on disk per message %.1f without the index, %.1f with it (index %.1f)\n",
	       bench_name, per_plain, per_ix, per_ix - per_plain);
	printf("%s: verify %" PRIu64 " messages in %.1f s: %.0f msg/s\n", bench_name, vr.size,
	       t_verify, (double)vr.size / t_verify);
	/* as the other latency lines: ratio = baseline / ours (1 = as fast as the plain SELECT) */
	printf("bench seclog_search_p50 %.3f ms baseline %.3f ratio %.3f\n", p50 * 1e3, b50 * 1e3,
	       b50 / p50);
	printf("bench seclog_search_p99 %.3f ms baseline %.3f ratio %.3f\n", p99 * 1e3, b99 * 1e3,
	       b99 / p99);
	printf("bench seclog_index_bytes %.1f B/msg baseline %.1f ratio %.3f\n", per_ix, per_plain,
	       per_ix / per_plain);
	free(lat);
	free(base);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		bench_die("cleanup", dir);
	return 0;
}
