/*
 * Store benchmarks: appending through the writer, verifying the whole log and
 * serving inclusion proofs, each next to a plain-SQLite/libsodium baseline
 * doing the same I/O without the ledger's work. Each benchmark and its
 * baseline run interleaved (rounds, repetitions, or per operation) so that a
 * busy machine slows both alike. docs/performance.md explains the figures;
 * every benchmark ends with one line "bench NAME VALUE UNIT baseline VALUE ratio R".
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sodium.h>
#include <sqlite3.h>

#include "embedded.h"
#include "ledger/ledger.h"
#include "store/store.h"
#include "bench.h"

const char *const bench_name = "bench_store";

#define APPEND_GOAL_RATE  100000.0
#define APPEND_GOAL_RATIO 0.8
#define VERIFY_GOAL_RATE  1000000.0
#define PROOF_GOAL_P99_US 1000.0
#define BENCH_PATH_MAX    700

struct config {
	uint64_t n;       /* entries appended */
	uint64_t window;  /* commands outstanding at once */
	uint64_t batch;   /* store_opts.batch_max */
	uint64_t round;   /* entries per append round (then the baseline's turn) */
	uint64_t reps;    /* verify repetitions, best kept */
	uint64_t proofs;  /* inclusion proofs timed */
	uint64_t seed;    /* for the random proof indexes */
	uint64_t seal_n;  /* entries per seal comparison run, window as above */
	uint64_t seal_n1; /* entries per seal comparison run, one command at a time */
	bool keep;        /* leave the databases behind */
	char dir[512];    /* the instance; baseline.db sits beside skydd.db */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, sk_strerror(rc));
	exit(1);
}

static void die_sql(const char *what, sqlite3 *db)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, db ? sqlite3_errmsg(db) : "no database");
	exit(1);
}

/* splitmix64: a fixed, seedable sequence so runs pick the same leaves. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values, in µs. */
static double pct_us(const uint64_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)(p * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)sorted[rank - 1] / 1e3;
}

static void sql_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die_sql(sql, db);
}

/* ---- the data appended ---- */

static const char *const notes[] = {
        "Kvittens för mottaget exemplar; förvaras i säkerhetsskåp B2 enligt gällande rutin, "
        "kontrollerad av registrator och kvitterad av mottagaren.",
        "Exemplar lånat ut för föredragning; återlämnas senast vid arbetsdagens slut, "
        "inventeras därefter mot förteckningen över utlämnade handlingar.",
        "Handlingen har granskats inför utlämnande och beslut fattats om delvis "
        "maskering av uppgifter som omfattas av sekretess enligt OSL.",
        "Inventering genomförd: samtliga exemplar återfanns på angiven plats och "
        "stämmer mot registret; inga avvikelser att rapportera.",
};

/* About 300 bytes of canonical JSON: a register event of the usual shape. */
static json_t *make_data(uint64_t i)
{
	char nonce[17], ref[32], dnr[32];
	uint64_t st = i;

	snprintf(nonce, sizeof(nonce), "%016" PRIx64, rng_next(&st));
	snprintf(ref, sizeof(ref), "doc/%" PRIu64, i / 8);
	snprintf(dnr, sizeof(dnr), "SÄK 2026/%06" PRIu64, i / 8 % 1000000);
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:b}", "amount",
	                 (json_int_t)(i * 7919 % 1000003), "copy", (json_int_t)(i % 8 + 1),
	                 "diarienr", dnr, "doc", ref, "nonce", nonce, "note", notes[i % 4],
	                 "recipient", (json_int_t)(1000 + i % 977), "signed", (int)(i % 3 == 0));
}

/* ---- append ---- */

/*
 * Transactions as the writer formed them, so the baseline commits the same
 * way. Written by the writer thread while a round runs, read between rounds
 * (store_wait orders the two).
 */
struct batches {
	uint64_t max;
	int64_t cur_t;
	uint32_t *size;
	size_t n, cap;
	/* the writer thread, to read its CPU clock */
	bool have_writer;
	pthread_t writer;
};

struct slot {
	struct store_cmd cmd;
	struct batches *b;
	json_t *data;
	int64_t actor;
	char object[32];
};

/* Rows copied out of the store's database for the baseline to insert. */
struct rows {
	size_t n, cap;
	struct row {
		int64_t seq, actor;
		size_t time, kind, object, entry, entry_len; /* offsets into text */
	} * r;
	char *text;
	size_t len, tcap;
};

struct append_run {
	const struct config *cfg;
	struct batches b;
	struct store *st;
	struct slot *slots;
	double store_s, waited_s, close_s;
	uint64_t writer_cpu;
	/* the baseline */
	sqlite3 *src, *db;
	sqlite3_stmt *sel, *ins;
	struct rows rs;
	int64_t next_seq;
	size_t next_batch;
	double base_s, commit_s;
	uint64_t base_cpu, entry_bytes;
};

static void batches_count(struct batches *b, int64_t batch_t)
{
	if (b->n > 0 && batch_t == b->cur_t && b->size[b->n - 1] < b->max) {
		b->size[b->n - 1]++;
		return;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		void *p = realloc(b->size, cap * sizeof(*b->size));

		if (!p)
			die("batch sizes", SK_ENOMEM);
		b->size = p;
		b->cap = cap;
	}
	b->size[b->n++] = 1;
	b->cur_t = batch_t;
	if (!b->have_writer) {
		b->writer = pthread_self();
		b->have_writer = true;
	}
}

/* Runs on the writer thread, in the batch's transaction. */
static int append_cmd(struct store_tx *tx, void *arg)
{
	struct slot *s = arg;

	/* store_tx_now is the batch's start time: a new value means a new transaction. */
	batches_count(s->b, store_tx_now(tx));
	return store_tx_append(tx, s->actor, "bench.copy.issued", s->object, s->data, NULL);
}

/* CPU time of the writer thread so far; 0 before its first command (it has done ~nothing). */
static uint64_t writer_cpu_ns(const struct batches *b)
{
	clockid_t clk;

	if (!b->have_writer || pthread_getcpuclockid(b->writer, &clk) != 0)
		return 0;
	return cpu_ns(clk);
}

/* Appends entries [lo, hi) through the writer, window commands in flight. */
static void append_round(struct append_run *a, uint64_t lo, uint64_t hi)
{
	uint64_t w = a->cfg->window, cpu0 = writer_cpu_ns(&a->b);
	double t0 = now_s();
	int rc;

	for (uint64_t i = lo; i < hi + w; i++) {
		struct slot *s = &a->slots[(i - lo) % w];

		if (i >= lo + w) {
			double w0 = now_s();

			rc = store_wait(a->st, &s->cmd);
			a->waited_s += now_s() - w0;
			if (rc)
				die("append", rc);
			json_decref(s->data);
			s->data = NULL;
		}
		if (i >= hi)
			continue;
		s->b = &a->b;
		s->actor = 1 + (int64_t)(i % 50);
		s->data = make_data(i);
		if (!s->data)
			die("json_pack", SK_ENOMEM);
		snprintf(s->object, sizeof(s->object), "doc/%" PRIu64, i / 8);
		store_cmd_init(&s->cmd, append_cmd, s);
		rc = store_submit_async(a->st, &s->cmd);
		if (rc)
			die("store_submit_async", rc);
	}
	a->store_s += now_s() - t0;
	a->writer_cpu += writer_cpu_ns(&a->b) - cpu0;
}

static size_t rows_put(struct rows *rs, const void *p, size_t n)
{
	size_t at = rs->len;

	if (rs->len + n + 1 > rs->tcap) {
		size_t cap = rs->tcap ? rs->tcap : 1 << 20;
		void *q;

		while (rs->len + n + 1 > cap)
			cap *= 2;
		q = realloc(rs->text, cap);
		if (!q)
			die("rows", SK_ENOMEM);
		rs->text = q;
		rs->tcap = cap;
	}
	memcpy(rs->text + rs->len, p, n);
	rs->text[rs->len + n] = '\0';
	rs->len += n + 1;
	return at;
}

static size_t rows_put_col(struct rows *rs, sqlite3_stmt *st, int col)
{
	return rows_put(rs, sqlite3_column_text(st, col), (size_t)sqlite3_column_bytes(st, col));
}

/* Copies count rows from seq onwards out of the store's database (not timed). */
static void rows_load(struct rows *rs, sqlite3_stmt *sel, int64_t seq, uint32_t count)
{
	rs->n = rs->len = 0;
	if (rs->cap < count) {
		void *p = realloc(rs->r, count * sizeof(*rs->r));

		if (!p)
			die("rows", SK_ENOMEM);
		rs->r = p;
		rs->cap = count;
	}
	sqlite3_bind_int64(sel, 1, seq);
	sqlite3_bind_int64(sel, 2, count);
	while (sqlite3_step(sel) == SQLITE_ROW) {
		struct row *r = &rs->r[rs->n++];

		r->seq = sqlite3_column_int64(sel, 0);
		r->time = rows_put_col(rs, sel, 1);
		r->actor = sqlite3_column_int64(sel, 2);
		r->kind = rows_put_col(rs, sel, 3);
		r->object = rows_put_col(rs, sel, 4);
		r->entry_len = (size_t)sqlite3_column_bytes(sel, 5);
		r->entry = rows_put_col(rs, sel, 5);
	}
	sqlite3_reset(sel);
	if (rs->n != count) {
		fprintf(stderr, "bench_store: expected %u rows from seq %" PRId64 ", got %zu\n",
		        count, seq, rs->n);
		exit(1);
	}
}

static const char *schema_sql(void)
{
	for (size_t i = 0; i < sk_embedded_count; i++) {
		if (strcmp(sk_embedded_files[i].name, "sql/0001_init.sql") == 0)
			return (const char *)sk_embedded_files[i].data;
	}
	fputs("bench_store: sql/0001_init.sql is not embedded\n", stderr);
	exit(1);
}

/*
 * The baseline's database: the store's schema file (so the same ledger table,
 * indexes and triggers) and the settings of the store's writer connection
 * that bear on speed (src/store/store.c).
 */
static void baseline_open(struct append_run *a)
{
	char path[BENCH_PATH_MAX];

	snprintf(path, sizeof(path), "%s/skydd.db", a->cfg->dir);
	if (sqlite3_open_v2(path, &a->src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die_sql("open skydd.db", a->src);
	if (sqlite3_prepare_v2(a->src,
	                       "SELECT seq, time, actor, kind, object, entry FROM ledger "
	                       "WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
	                       -1, &a->sel, NULL) != SQLITE_OK)
		die_sql("select", a->src);
	snprintf(path, sizeof(path), "%s/baseline.db", a->cfg->dir);
	if (sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		die_sql("open baseline.db", a->db);
	sql_exec(a->db, "PRAGMA journal_mode=WAL");
	sql_exec(a->db, "PRAGMA synchronous=FULL");
	sql_exec(a->db, "PRAGMA foreign_keys=ON");
	sql_exec(a->db, "PRAGMA trusted_schema=OFF");
	sql_exec(a->db, "PRAGMA cell_size_check=ON");
	sql_exec(a->db, "PRAGMA cache_size=-16384");
	sql_exec(a->db, schema_sql());
	if (sqlite3_prepare_v3(a->db,
	                       "INSERT INTO ledger (seq, time, actor, kind, object, entry) "
	                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                       -1, SQLITE_PREPARE_PERSISTENT, &a->ins, NULL) != SQLITE_OK)
		die_sql("insert", a->db);
	a->next_seq = 2; /* seq 1 is store_init's ledger.init */
}

static void baseline_close(struct append_run *a)
{
	sqlite3_finalize(a->ins);
	sqlite3_finalize(a->sel);
	sqlite3_close(a->db);
	sqlite3_close(a->src);
	free(a->rs.r);
	free(a->rs.text);
}

/*
 * The rows of the writer's transactions since the last round, same columns
 * and bytes, by a plain prepared INSERT, one transaction per writer batch;
 * only the inserts and commits are timed.
 */
static void baseline_round(struct append_run *a)
{
	struct rows *rs = &a->rs;

	for (; a->next_batch < a->b.n; a->next_batch++) {
		uint64_t cpu0;
		double t0, t1;

		rows_load(rs, a->sel, a->next_seq, a->b.size[a->next_batch]);
		cpu0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
		t0 = now_s();
		sql_exec(a->db, "BEGIN IMMEDIATE");
		for (size_t i = 0; i < rs->n; i++) {
			const struct row *r = &rs->r[i];

			sqlite3_bind_int64(a->ins, 1, r->seq);
			sqlite3_bind_text(a->ins, 2, rs->text + r->time, -1, SQLITE_STATIC);
			sqlite3_bind_int64(a->ins, 3, r->actor);
			sqlite3_bind_text(a->ins, 4, rs->text + r->kind, -1, SQLITE_STATIC);
			sqlite3_bind_text(a->ins, 5, rs->text + r->object, -1, SQLITE_STATIC);
			sqlite3_bind_text(a->ins, 6, rs->text + r->entry, (int)r->entry_len,
			                  SQLITE_STATIC);
			if (sqlite3_step(a->ins) != SQLITE_DONE)
				die_sql("insert", a->db);
			sqlite3_reset(a->ins);
			a->entry_bytes += r->entry_len;
		}
		t1 = now_s();
		sql_exec(a->db, "COMMIT");
		a->base_s += now_s() - t0;
		a->commit_s += now_s() - t1;
		a->base_cpu += cpu_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
		a->next_seq += (int64_t)rs->n;
	}
}

static void append_describe(const struct append_run *a)
{
	const struct batches *b = &a->b;
	uint32_t lo = UINT32_MAX, hi = 0;
	uint64_t sum = 0;

	for (size_t k = 0; k < b->n; k++) {
		sum += b->size[k];
		lo = b->size[k] < lo ? b->size[k] : lo;
		hi = b->size[k] > hi ? b->size[k] : hi;
	}
	printf("append: %" PRIu64 " entries (mean %.0f bytes), window %" PRIu64
	       ", batch_max %" PRIu64 ", rounds of %" PRIu64 "\n",
	       sum, (double)a->entry_bytes / (double)sum, a->cfg->window, a->cfg->batch,
	       a->cfg->round);
	printf("append: store %.3f s to the last acknowledgement (store_close %.3f s more); "
	       "%zu transactions, commands per transaction min %u mean %.1f max %u\n",
	       a->store_s, a->close_s, b->n, lo, (double)sum / (double)b->n, hi);
	printf("append: the submitter waited for acknowledgements %.0f%% of the time; the writer "
	       "thread was on a CPU %.0f%% of the time, %.2f us CPU per entry\n",
	       100.0 * a->waited_s / a->store_s, 100.0 * (double)a->writer_cpu / 1e9 / a->store_s,
	       (double)a->writer_cpu / 1e3 / (double)sum);
	printf("append: baseline %.3f s of inserts and commits (%.3f s in COMMIT), %.2f us CPU per "
	       "row\n",
	       a->base_s, a->commit_s, (double)a->base_cpu / 1e3 / (double)sum);
}

/* Returns entries/s through the store; *base gets the baseline's rows/s. */
static double bench_append(const struct config *cfg, double *base)
{
	struct store_opts so = {.batch_max = (unsigned)cfg->batch};
	struct append_run a = {.cfg = cfg};
	double t0;
	int rc;

	a.b.max = cfg->batch;
	a.slots = calloc(cfg->window, sizeof(*a.slots));
	if (!a.slots)
		die("window", SK_ENOMEM);
	rc = store_open(cfg->dir, &so, &a.st);
	if (rc)
		die("store_open", rc);
	baseline_open(&a);
	for (uint64_t lo = 0; lo < cfg->n; lo += cfg->round) {
		uint64_t hi = cfg->n - lo > cfg->round ? lo + cfg->round : cfg->n;

		append_round(&a, lo, hi);
		baseline_round(&a);
	}
	t0 = now_s();
	store_close(a.st);
	a.close_s = now_s() - t0;
	append_describe(&a);
	baseline_close(&a);
	free(a.slots);
	free(a.b.size);
	*base = (double)cfg->n / a.base_s;
	return (double)cfg->n / a.store_s;
}

/* ---- the cost of batch seals: the same appends with and without ---- */

struct seal_slot {
	struct store_cmd cmd;
	json_t *data;
	char object[32];
};

static int seal_cmd(struct store_tx *tx, void *arg)
{
	struct seal_slot *s = arg;

	return store_tx_append(tx, 7, "bench.copy.issued", s->object, s->data, NULL);
}

/* n entries into a fresh instance beside cfg->dir, window commands in flight; entries/s. */
static double seal_run(const struct config *cfg, uint64_t n, uint64_t window, bool unsealed)
{
	struct store_opts so = {.batch_max = (unsigned)cfg->batch, .unsealed = unsealed};
	struct seal_slot *slots = calloc(window, sizeof(*slots));
	char dir[BENCH_PATH_MAX], vkey[256];
	struct store *st = NULL;
	double t0, t;
	int rc;

	if (!slots)
		die("window", SK_ENOMEM);
	snprintf(dir, sizeof(dir), "%s/seal", cfg->dir);
	rc = store_init(dir, &(struct store_init_opts){.origin = "skydd/bench"}, vkey,
	                sizeof(vkey));
	if (!rc)
		rc = store_open(dir, &so, &st);
	if (rc)
		die("store_open (seal)", rc);
	t0 = now_s();
	for (uint64_t i = 0; i < n + window; i++) {
		struct seal_slot *s = &slots[i % window];

		if (i >= window) {
			rc = store_wait(st, &s->cmd);
			if (rc)
				die("append (seal)", rc);
			json_decref(s->data);
		}
		if (i >= n)
			continue;
		s->data = make_data(i);
		if (!s->data)
			die("json_pack", SK_ENOMEM);
		snprintf(s->object, sizeof(s->object), "doc/%" PRIu64, i / 8);
		store_cmd_init(&s->cmd, seal_cmd, s);
		rc = store_submit_async(st, &s->cmd);
		if (rc)
			die("store_submit_async (seal)", rc);
	}
	t = now_s() - t0;
	store_close(st);
	free(slots);
	bench_remove_tree(dir);
	return (double)n / t;
}

/*
 * Sealed and unsealed runs alternate, best of reps each: with many commands
 * per transaction (throughput) and with one (every command its own
 * transaction and seal: the worst case). *base gets the unsealed rate.
 */
static double bench_seal(const struct config *cfg, uint64_t n, uint64_t window, double *base)
{
	double best_on = 0, best_off = 0;

	for (uint64_t r = 0; r < cfg->reps; r++) {
		double off = seal_run(cfg, n, window, true), on = seal_run(cfg, n, window, false);

		best_off = off > best_off ? off : best_off;
		best_on = on > best_on ? on : best_on;
	}
	printf("seal: %" PRIu64 " entries, window %" PRIu64 ": %.0f entries/s sealed, %.0f "
	       "unsealed (best of %" PRIu64 ")\n",
	       n, window, best_on, best_off, cfg->reps);
	*base = best_off;
	return best_on;
}

/* One seal signature alone, as the writer makes it once per transaction. */
static double seal_sign_us(void)
{
	char skey[256], vk[256];
	struct ledger_signer sg;
	uint8_t root[LEDGER_HASH_LEN] = {0}, sig[LEDGER_SEAL_SIG_LEN];
	double t0;
	int n = 2000;

	if (ledger_note_keygen("skydd/bench", skey, sizeof(skey), vk, sizeof(vk)) ||
	    ledger_signer_parse(skey, strlen(skey), &sg))
		die("keygen", SK_EINTERNAL);
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		root[0] = (uint8_t)i;
		if (ledger_seal_sign(&sg, "skydd/bench", (uint64_t)i, root, sig))
			die("ledger_seal_sign", SK_EINTERNAL);
	}
	ledger_signer_wipe(&sg);
	return (now_s() - t0) / n * 1e6;
}

/* ---- verify ---- */

static double verify_once(const struct config *cfg, uint64_t *entries, uint64_t *cps)
{
	struct store_verify_result res;
	double t0, t;
	int rc;

	t0 = now_s();
	rc = store_verify(cfg->dir, NULL, &res);
	t = now_s() - t0;
	if (rc) {
		fprintf(stderr, "bench_store: store_verify: %s\n", res.problem);
		exit(1);
	}
	*entries = res.entries;
	*cps = res.checkpoints;
	return t;
}

/* SHA-256 of the same bytes, read the same way, with the store's reader settings. */
static double verify_baseline_once(const struct config *cfg, uint64_t *rows)
{
	char path[BENCH_PATH_MAX];
	uint8_t h[crypto_hash_sha256_BYTES];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	uint64_t n = 0;
	double t0;

	snprintf(path, sizeof(path), "%s/skydd.db", cfg->dir);
	t0 = now_s();
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		die_sql("open skydd.db", db);
	sql_exec(db, "PRAGMA trusted_schema=OFF");
	sql_exec(db, "PRAGMA cell_size_check=ON");
	sql_exec(db, "PRAGMA cache_size=-8192");
	sql_exec(db, "BEGIN");
	if (sqlite3_prepare_v2(db, "SELECT entry FROM ledger ORDER BY seq", -1, &st, NULL) !=
	    SQLITE_OK)
		die_sql("select", db);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_text(st, 0);

		/* the same SHA-256 calls the ledger uses (libcrypto), without the 0x00 prefix */
		SHA256_CTX c;

		SHA256_Init(&c);
		SHA256_Update(&c, p, (size_t)sqlite3_column_bytes(st, 0));
		SHA256_Final(h, &c);
		n++;
	}
	sqlite3_finalize(st);
	sql_exec(db, "COMMIT");
	sqlite3_close(db);
	*rows = n;
	return now_s() - t0;
}

/* Alternates baseline and store_verify; keeps the best time of each. */
static double bench_verify(const struct config *cfg, double *base)
{
	double best = 0, best_base = 0;
	uint64_t entries = 0, rows = 0, cps = 0;

	for (uint64_t k = 0; k < cfg->reps; k++) {
		double tb = verify_baseline_once(cfg, &rows);
		double tv = verify_once(cfg, &entries, &cps);

		printf("verify: repetition %" PRIu64 ": store_verify %.3f s, baseline %.3f s\n",
		       k + 1, tv, tb);
		best = k == 0 || tv < best ? tv : best;
		best_base = k == 0 || tb < best_base ? tb : best_base;
	}
	printf("verify: %" PRIu64 " entries and %" PRIu64 " checkpoints verified; baseline hashed "
	       "%" PRIu64 " rows; best of %" PRIu64 "\n",
	       entries, cps, rows, cfg->reps);
	*base = (double)rows / best_base;
	return (double)entries / best;
}

/* ---- proofs ---- */

struct entry_copy {
	uint8_t leaf[LEDGER_HASH_LEN];
	size_t len;
	bool hash;
};

static int entry_seen(void *ctx, const struct store_entry_row *row)
{
	struct entry_copy *e = ctx;

	e->len = row->len;
	if (e->hash)
		ledger_leaf_hash(row->bytes, row->len, e->leaf);
	return SK_OK;
}

static double latency_describe(const char *what, uint64_t *ns, size_t n)
{
	double p99;

	qsort(ns, n, sizeof(*ns), cmp_u64);
	p99 = pct_us(ns, n, 0.99);
	printf("proof: %s: %zu ops, p50 %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us\n", what, n,
	       pct_us(ns, n, 0.50), pct_us(ns, n, 0.90), p99, (double)ns[n - 1] / 1e3);
	return p99;
}

/*
 * For each random leaf: time reading its row (the baseline), then time the
 * root and the inclusion proof, then check the proof (not timed).
 */
static double bench_proof(const struct config *cfg, double *base_p99)
{
	uint8_t proof[LEDGER_MAX_PROOF][LEDGER_HASH_LEN], root[LEDGER_HASH_LEN];
	struct store_reader *r = NULL;
	struct entry_copy ec = {.hash = true};
	uint64_t *ns, *base_ns, *cpu, size, rng = cfg->seed, hashes = 0;
	double p99;
	size_t n;
	int rc;

	ns = calloc(cfg->proofs, sizeof(*ns));
	base_ns = calloc(cfg->proofs, sizeof(*base_ns));
	cpu = calloc(cfg->proofs, sizeof(*cpu));
	if (!ns || !base_ns || !cpu)
		die("proofs", SK_ENOMEM);
	rc = store_reader_open(cfg->dir, &r);
	if (!rc)
		rc = store_reader_begin(r);
	if (!rc)
		rc = store_reader_size(r, &size);
	if (rc)
		die("reader", rc);
	for (uint64_t k = 0; k < cfg->proofs; k++) {
		uint64_t idx = rng_next(&rng) % size, t0 = now_ns(), c0;

		rc = store_reader_entry(r, idx + 1, entry_seen, &ec);
		base_ns[k] = now_ns() - t0;
		if (rc)
			die("store_reader_entry", rc);
		c0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
		t0 = now_ns();
		rc = ledger_root_at(size, store_reader_node, r, root);
		if (!rc)
			rc = ledger_prove_inclusion(idx, size, store_reader_node, r, proof, &n);
		ns[k] = now_ns() - t0;
		cpu[k] = cpu_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
		if (rc)
			die("ledger_prove_inclusion", rc);
		hashes += n;
		rc = ledger_verify_inclusion(idx, size, ec.leaf,
		                             (const uint8_t(*)[LEDGER_HASH_LEN])proof, n, root);
		if (rc)
			die("the proof does not verify", rc);
	}
	store_reader_end(r);
	store_reader_close(r);
	printf("proof: tree size %" PRIu64 ", %.1f hashes a proof, every proof verified\n", size,
	       (double)hashes / (double)cfg->proofs);
	*base_p99 = latency_describe("baseline (store_reader_entry)", base_ns, cfg->proofs);
	p99 = latency_describe("ledger_root_at + ledger_prove_inclusion", ns, cfg->proofs);
	/* On a busy machine the wall-clock tail is mostly waiting for a CPU. */
	latency_describe("the same, on-CPU time only", cpu, cfg->proofs);
	free(cpu);
	free(ns);
	free(base_ns);
	return p99;
}

/* ---- setup and report ---- */

static void make_instance(struct config *cfg)
{
	const char *tmp = getenv("TMPDIR");
	char vkey[256];
	int rc;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(cfg->dir, sizeof(cfg->dir), "%s/skydd-bench-XXXXXX", tmp);
	if (!mkdtemp(cfg->dir)) {
		fprintf(stderr, "bench_store: mkdtemp %s: %s\n", cfg->dir, strerror(errno));
		exit(1);
	}
	rc = store_init(cfg->dir, &(struct store_init_opts){.origin = "skydd/bench"}, vkey,
	                sizeof(vkey));
	if (rc)
		die("store_init", rc);
	printf("bench_store: instance in %s\n", cfg->dir);
}

static void remove_instance(const struct config *cfg)
{
	static const char *const files[] = {"skydd.db",
	                                    "skydd.db-wal",
	                                    "skydd.db-shm",
	                                    "signing.key",
	                                    "verifier.key",
	                                    "checkpoints.log",
	                                    "baseline.db",
	                                    "baseline.db-wal",
	                                    "baseline.db-shm",
	                                    "skydd.lock",
	                                    NULL};
	char path[BENCH_PATH_MAX];

	if (cfg->keep)
		return;
	for (const char *const *f = files; *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", cfg->dir, *f);
		unlink(path);
	}
	rmdir(cfg->dir);
}

static void report(const char *name, double v, const char *unit, double base, double ratio)
{
	printf("bench %s %.*f %s baseline %.*f ratio %.3f\n", name, v < 100 ? 1 : 0, v, unit,
	       base < 100 ? 1 : 0, base, ratio);
	fflush(stdout);
}

static const char *met(bool ok)
{
	return ok ? "met" : "NOT met";
}

int main(void)
{
	struct config cfg = {0};
	double rate, base, p99;

	cfg.n = env_u64("SKYDD_BENCH_N", 1000000, 1, 100000000);
	cfg.window = env_u64("SKYDD_BENCH_WINDOW", 8192, 1, 1 << 20);
	cfg.batch = env_u64("SKYDD_BENCH_BATCH", 1024, 1, 1 << 20);
	cfg.round = env_u64("SKYDD_BENCH_ROUND", 131072, 1, UINT64_MAX);
	cfg.reps = env_u64("SKYDD_BENCH_REPS", 2, 1, 100);
	cfg.proofs = env_u64("SKYDD_BENCH_PROOFS", 10000, 1, 10000000);
	cfg.seed = env_u64("SKYDD_BENCH_SEED", 1, 0, UINT64_MAX);
	cfg.keep = env_u64("SKYDD_BENCH_KEEP", 0, 0, 1) == 1;
	cfg.seal_n = env_u64("SKYDD_BENCH_SEAL_N", 200000, 1, 100000000);
	cfg.seal_n1 = env_u64("SKYDD_BENCH_SEAL_N1", 2000, 1, 100000000);
	if (sodium_init() < 0)
		die("sodium_init", SK_EINTERNAL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench_store: SQLite %s, libsodium %s\n", sqlite3_libversion(),
	       sodium_version_string());
	print_load("at start");
	make_instance(&cfg);

	rate = bench_append(&cfg, &base);
	printf("append: goal >= %.0f entries/s and ratio >= %.1f: %s\n", APPEND_GOAL_RATE,
	       APPEND_GOAL_RATIO,
	       met(rate >= APPEND_GOAL_RATE && rate / base >= APPEND_GOAL_RATIO));
	report("append", rate, "entries/s", base, rate / base);

	printf("seal: one ledger_seal_sign takes %.1f us\n", seal_sign_us());
	rate = bench_seal(&cfg, cfg.seal_n, cfg.window, &base);
	report("append_sealed", rate, "entries/s", base, rate / base);
	rate = bench_seal(&cfg, cfg.seal_n1, 1, &base);
	report("append_sealed_w1", rate, "entries/s", base, rate / base);

	rate = bench_verify(&cfg, &base);
	printf("verify: goal >= %.0f entries/s: %s\n", VERIFY_GOAL_RATE,
	       met(rate >= VERIFY_GOAL_RATE));
	report("verify", rate, "entries/s", base, rate / base);

	p99 = bench_proof(&cfg, &base);
	printf("proof: goal p99 < %.0f us: %s (ratio is baseline/value: lower latency is better)\n",
	       PROOF_GOAL_P99_US, met(p99 < PROOF_GOAL_P99_US));
	report("proof_p99", p99, "us", base, base / p99);

	print_load("at end");
	remove_instance(&cfg);
	return 0;
}
