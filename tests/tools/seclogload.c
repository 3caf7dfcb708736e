/*
 * Load for the seclog crash test (tests/sh/test_seclog_crash.sh).
 *
 *   seclogload DIR THREADS   appends batches of 1..400 messages from THREADS
 *                            threads until killed; after each acknowledged
 *                            batch prints "ack INDEX NONCE" per message and
 *                            flushes, so what the test reads was acknowledged
 *   seclogload verify DIR    seclog_verify: prints "ok SIZE CHECKPOINTS" and
 *                            exits 0, or the problem and exits 1
 *   seclogload close DIR     opens and closes the writer (signs a checkpoint)
 *   seclogload prove DIR I   prints the inclusion proof of message I as JSON
 *                            {"index","size","leaf","path":[…],"body","note"}
 *                            (hashes and body base64) for an outside verifier
 *   seclogload replay DIR [SECONDS]
 *                            seclog_replay of the last SECONDS (default: all)
 *                            through a monitor watching sources 1..100 (failed
 *                            logins, root outside office hours): prints the
 *                            messages, the time and the messages per second
 *   seclogload seed DIR N [SOURCES]
 *                            appends N messages of a few hosts, applications,
 *                            severities and texts (Swedish and English) from
 *                            the sources 1..SOURCES (default 3) and closes
 *                            (signing a checkpoint): data to search
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seclog/monitor.h"
#include "seclog/store.h"

#define BATCH_MAX 400

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;
static struct seclog *log_;

struct worker {
	unsigned id;
	unsigned seed;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	static __thread struct seclog_msg m[BATCH_MAX];
	static __thread char text[BATCH_MAX][64];
	uint64_t counter = 0;
	struct buf out;

	buf_init(&out, 1 << 20);
	for (;;) {
		unsigned n = 1 + (unsigned)rand_r(&w->seed) % BATCH_MAX;
		uint64_t first;
		int rc;

		for (unsigned i = 0; i < n; i++) {
			int len = snprintf(text[i], sizeof(text[i]), "n%d-%u-%" PRIu64,
			                   (int)getpid(), w->id, counter++);

			m[i] = (struct seclog_msg){.source = w->id,
			                           .retention_years = 10,
			                           .facility = 10,
			                           .severity = 6,
			                           .timestamp_us = SECLOG_TS_NONE,
			                           .hostname = "crash.example.se",
			                           .hostname_len = 16,
			                           .app = "load",
			                           .app_len = 4,
			                           .text = text[i],
			                           .text_len = (size_t)len};
		}
		rc = seclog_append(log_, m, n, &first, NULL, NULL);
		if (rc) {
			fprintf(stderr, "seclogload: append: %s\n", sk_strerror(rc));
			exit(1);
		}
		buf_reset(&out);
		for (unsigned i = 0; i < n; i++)
			buf_printf(&out, "ack %" PRIu64 " %s\n", first + i, text[i]);
		pthread_mutex_lock(&out_mu);
		fwrite(out.ptr, 1, out.len, stdout);
		fflush(stdout);
		pthread_mutex_unlock(&out_mu);
	}
	return NULL;
}

static int verify(const char *dir)
{
	struct seclog_verify_report r;
	int rc = seclog_verify(dir, &r);

	if (rc) {
		printf("%s: %s\n", sk_strerror(rc), r.problem);
		return 1;
	}
	printf("ok %" PRIu64 " %" PRIu64 "\n", r.size, r.checkpoints);
	return 0;
}

static int prove(const char *dir, const char *arg)
{
	struct seclog_proof p;
	char *end = NULL, b64[64];
	unsigned long long idx = strtoull(arg, &end, 10);
	json_t *o, *path;
	char *body = NULL, *text;
	int rc;

	if (*end || arg[0] == '-')
		return 2;
	rc = seclog_prove(dir, idx, &p);
	if (rc) {
		fprintf(stderr, "seclogload: prove: %s\n", sk_strerror(rc));
		return 1;
	}
	path = json_array();
	for (size_t i = 0; i < p.n; i++) {
		sk_base64_encode(p.path[i], LEDGER_HASH_LEN, b64, sizeof(b64));
		json_array_append_new(path, json_string(b64));
	}
	if (p.body) {
		size_t cap = p.body_len / 3 * 4 + 8;

		body = malloc(cap);
		if (!body)
			return 1;
		sk_base64_encode(p.body, p.body_len, body, cap);
	}
	sk_base64_encode(p.leaf, LEDGER_HASH_LEN, b64, sizeof(b64));
	o = json_pack("{s:I, s:I, s:s, s:o, s:s?, s:s%}", "index", (json_int_t)p.index, "size",
	              (json_int_t)p.size, "leaf", b64, "path", path, "body", body, "note", p.note,
	              p.note_len);
	text = json_dumps(o, JSON_COMPACT);
	printf("%s\n", text);
	free(text);
	json_decref(o);
	free(body);
	seclog_proof_release(&p);
	return 0;
}

/* Varied messages to search (the browser and shell tests of seclog search). */
static int seed(const char *dir, const char *ns, const char *nsrc)
{
	static const char *const hosts[] = {"web1.example.se", "db1.example.se", "fw1.example.se"};
	static const char *const apps[] = {"sshd", "postgres", "kernel", "sudo"};
	static const char *const texts[] = {
	        "Failed password for root from 192.0.2.7 port 50022 ssh2",
	        "Accepted publickey for anna from 192.0.2.8 port 50100 ssh2",
	        "inloggning misslyckades för användaren kalle",
	        "connection authorized: user=backup database=register",
	        "anna : TTY=pts/0 ; PWD=/home/anna ; USER=root ; COMMAND=/bin/systemctl",
	        "brandvägg: avvisat paket från 198.51.100.4 till port 22"};
	unsigned long n = strtoul(ns, NULL, 10), sources = nsrc ? strtoul(nsrc, NULL, 10) : 3;
	struct seclog_msg *m;
	char(*text)[128];
	uint64_t first;
	int rc;

	if (n < 1 || n > SECLOG_BATCH_MAX || sources < 1 || sources > 100)
		return 2;
	m = calloc(n, sizeof(*m));
	text = calloc(n, sizeof(*text));
	if (!m || !text)
		return 1;
	for (unsigned long i = 0; i < n; i++) {
		const char *h = hosts[i % 3], *a = apps[i % 4];
		int len = snprintf(text[i], sizeof(text[i]), "%s (%lu)", texts[i % 6], i);

		m[i] = (struct seclog_msg){.source = (int64_t)(1 + i % sources),
		                           .retention_years = 10,
		                           .facility = 4,
		                           .severity = (unsigned)((i * 5) % 8),
		                           .timestamp_us = SECLOG_TS_NONE,
		                           .hostname = h,
		                           .hostname_len = strlen(h),
		                           .app = a,
		                           .app_len = strlen(a),
		                           .text = text[i],
		                           .text_len = (size_t)len};
	}
	rc = seclog_open(dir, NULL, &log_);
	if (!rc)
		rc = seclog_append(log_, m, n, &first, NULL, NULL);
	seclog_close(log_);
	free(m);
	free(text);
	if (rc) {
		fprintf(stderr, "seclogload: seed: %s\n", sk_strerror(rc));
		return 1;
	}
	printf("seeded %lu\n", n);
	return 0;
}

static void count_alert(void *ctx, const struct seclog_alert *a)
{
	(void)a;
	(*(uint64_t *)ctx)++;
}

/* The restart's replay (skydd serve), measured. */
static int replay(const char *dir, const char *secs)
{
	struct seclog_watch w = {.system = 1,
	                         .fail_threshold = 5,
	                         .fail_window_s = 600,
	                         .priv_accounts = "root",
	                         .priv_from_min = 8 * 60,
	                         .priv_to_min = 17 * 60,
	                         .priv_days = 0x1f};
	struct seclog_watch_source src[100];
	struct seclog_replay_stats st;
	uint64_t alerts = 0;
	struct seclog_monitor *mon = seclog_monitor_new(count_alert, &alerts);
	int64_t since = 1, t0, us;
	int rc;

	if (!mon)
		return 1;
	for (int i = 0; i < 100; i++)
		src[i] = (struct seclog_watch_source){.source = i + 1, .system = 1};
	seclog_monitor_configure(mon, &w, 1, src, 100);
	if (secs)
		since = sk_now_us() - (int64_t)strtoll(secs, NULL, 10) * 1000000;
	t0 = sk_now_us();
	rc = seclog_replay(dir, since, SECLOG_REPLAY_MAX, seclog_monitor_committed, mon, &st);
	us = sk_now_us() - t0;
	seclog_monitor_free(mon);
	if (rc) {
		fprintf(stderr, "seclogload: replay: %s\n", sk_strerror(rc));
		return 1;
	}
	printf("replayed %" PRIu64 " of %" PRIu64 " messages in %.3f s: %.0f messages/s; "
	       "%" PRIu64 " alerts, %u probes%s\n",
	       st.replayed, st.size, (double)us / 1e6,
	       us > 0 ? (double)st.replayed * 1e6 / (double)us : 0.0, alerts, st.probes,
	       st.cut ? ", cut to the newest" : "");
	return 0;
}

int main(int argc, char **argv)
{
	struct worker w[8];
	pthread_t t[8];
	unsigned long nthreads = 0;
	char *end = NULL;
	int rc;

	if (argc == 3 && strcmp(argv[1], "verify") == 0)
		return verify(argv[2]);
	if (argc == 3 && strcmp(argv[1], "close") == 0) {
		rc = seclog_open(argv[2], NULL, &log_);
		seclog_close(log_);
		return rc ? 1 : 0;
	}
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "replay") == 0)
		return replay(argv[2], argc == 4 ? argv[3] : NULL);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "seed") == 0)
		return seed(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (argc == 4 && strcmp(argv[1], "prove") == 0)
		return prove(argv[2], argv[3]);
	if (argc == 3)
		nthreads = strtoul(argv[2], &end, 10);
	if (argc != 3 || *end || nthreads < 1 || nthreads > 8) {
		fprintf(stderr, "usage: seclogload DIR THREADS(1..8) | seclogload verify DIR\n");
		return 2;
	}
	rc = seclog_open(argv[1], NULL, &log_);
	if (rc) {
		fprintf(stderr, "seclogload: open: %s\n", sk_strerror(rc));
		return 1;
	}
	for (unsigned i = 0; i < nthreads; i++) {
		w[i] = (struct worker){.id = i, .seed = (unsigned)getpid() * 31 + i};
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	seclog_close(log_);
	return 0;
}
