/*
 * Register benchmark (issue "Benchmarks", register part):
 *
 *  1. import: documents with their copies through POST /api/v1/documents/import
 *     (CSV batches of at most 1 MiB of JSON, HTTPS to skydd's server started
 *     in-process); baseline: the same document and copy rows inserted with
 *     plain prepared INSERTs into a scratch database with the same schema and
 *     pragmas, in the same batches.
 *  2. list: with the register filled up to SKYDD_BENCH_COPIES copies (through
 *     document_tx_create / copy_tx_create in large writer commands), p50/p99
 *     of GET /api/v1/documents?class=K, ?overdue=true and ?q= at random
 *     "after" positions; baseline: GET /healthz over the same connection,
 *     interleaved.
 *  3. overdue: inventory_overdue (copies not inventoried in 12 months)
 *     in-process and through GET /api/v1/inventories/overdue; baseline:
 *     SELECT count(*) FROM copy on the same reader (and /healthz).
 *  4. the print view: GET /api/v1/register?limit=100 at random cursors (a page
 *     of documents with their copies and receipts); baseline /healthz.
 *
 * Every result ends as "bench NAME VALUE UNIT baseline VALUE ratio R";
 * docs/performance.md ("Register and compliance engine") explains them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>
#include <sqlite3.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "model/document.h"
#include "model/inventory.h"
#include "model/model.h"
#include "model/records.h"
#include "store/store.h"
#include "bench.h"
#include "rules/rules.h"

const char *const bench_name = "bench_register";

#define GOAL_IMPORT_RATIO 0.25  /* documents/s through the API against plain INSERTs */
#define GOAL_LIST_P99_MS  100.0 /* a filtered page */
#define GOAL_OVERDUE_MS   200.0 /* the issue's figure */
#define BODY_MAX          (1024 * 1024)
#define CSV_MAX           (BODY_MAX - 64 * 1024) /* the JSON escapes add a little */
#define FILL_DOCS         250                    /* documents per writer command */
#define FILL_COPIES       4                      /* copies per filled document */
#define PATH_CAP          700
#define CONTAINER         "Kassaskåp A"
#define OLD_DATE          "2025-03-01" /* more than 12 months before 2026-11 */
#define RECENT_DATE       "2026-09-01"

extern char **environ;

struct config {
	uint64_t docs, import_copies, copies, persons, requests, overdue_requests, reps, seed;
	bool keep;
	char dir[512];
};

/* The q-quantile (nearest rank) of v[0..n), sorting v. */
static double quantile(double *v, size_t n, double q)
{
	size_t k;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	k = (size_t)ceil(q * (double)n);
	return v[k ? k - 1 : 0];
}

static int run_prog(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int status = 0, rc;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A self-signed certificate for 127.0.0.1 in DIR/tls, made by the openssl CLI. */
static void make_cert(const char *dir, char *cert, char *key, size_t cap)
{
	char tls[PATH_CAP];
	char *argv[] = {"openssl",
	                "req",
	                "-x509",
	                "-newkey",
	                "ec",
	                "-pkeyopt",
	                "ec_paramgen_curve:P-256",
	                "-nodes",
	                "-days",
	                "2",
	                "-subj",
	                "/CN=127.0.0.1/O=skydd bench",
	                "-addext",
	                "subjectAltName=IP:127.0.0.1",
	                "-keyout",
	                key,
	                "-out",
	                cert,
	                NULL};

	snprintf(tls, sizeof(tls), "%s/tls", dir);
	snprintf(cert, cap, "%s/cert.pem", tls);
	snprintf(key, cap, "%s/key.pem", tls);
	if (mkdir(tls, 0700) != 0 && errno != EEXIST)
		bench_die(tls, strerror(errno));
	if (run_prog(argv) != 0)
		bench_die("openssl", "could not make a certificate");
}

/* ---- the instance ---- */

struct instance {
	struct principal p; /* the first identity: ssc (writes the register), clearance H */
	char username[32], password[48];
	uint8_t secret[AUTH_TOTP_SECRET_LEN];
	int64_t container, first_person;
};

static void open_model(const char *dir, struct store **s, struct model **m)
{
	int rc = store_open(dir, NULL, s);

	if (!rc)
		rc = model_open(*s, dir, NULL, m);
	if (rc)
		bench_die_rc("store_open", rc);
}

/*
 * store_init, the first identity as skydd init makes it (ssc), a known
 * password and TOTP secret for it, the persons and one approved container.
 */
static void make_instance(struct config *cfg, struct instance *in)
{
	struct model_err err = {0};
	struct cli_first first;
	struct store *s;
	struct model *m;
	const char *tmp = getenv("TMPDIR");
	char vkey[256], name[64];
	uint8_t pw[24];
	int rc;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(cfg->dir, sizeof(cfg->dir), "%s/skydd-bench-register-XXXXXX", tmp);
	if (!mkdtemp(cfg->dir))
		bench_die(cfg->dir, strerror(errno));
	rc = store_init(cfg->dir, &(struct store_init_opts){.origin = "skydd/bench"}, vkey,
	                sizeof(vkey));
	if (rc)
		bench_die_rc("store_init", rc);
	rc = cli_first_identity(cfg->dir, "registrator", "Registrator Bench", CLEAR_H, &first);
	if (rc)
		bench_die("cli_first_identity", first.why);
	model_register();
	rules_register();
	open_model(cfg->dir, &s, &m);
	memset(in, 0, sizeof(*in));
	in->p.id = first.id;
	in->p.roles = ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_ADMIN);
	in->p.clearance = CLEAR_H;
	snprintf(in->p.username, sizeof(in->p.username), "registrator");
	snprintf(in->username, sizeof(in->username), "registrator");
	sodium_memzero(&first, sizeof(first));
	randombytes_buf(pw, sizeof(pw));
	sk_base64_encode(pw, sizeof(pw), in->password, sizeof(in->password));
	auth_totp_secret_new(in->secret);
	rc = model_identity_set_credentials(m, in->p.id, in->password, in->secret,
	                                    sizeof(in->secret));
	if (rc)
		bench_die_rc("model_identity_set_credentials", rc);
	for (uint64_t i = 0; i < cfg->persons; i++) {
		json_t *np;
		int64_t id = 0;

		snprintf(name, sizeof(name), "Person %" PRIu64, i + 1);
		np = json_pack("{s:s, s:s}", "name", name, "unit", "Enhet 1");
		rc = reg_run(m, &in->p, "persons", "add", np, &id, &err);
		json_decref(np);
		if (rc)
			bench_die("person", err.msg[0] ? err.msg : sk_strerror(rc));
		/* cleared for H: the copies' holders and the need-to-know lists' readers */
		np = json_pack("{s:I, s:s}", "person_id", (json_int_t)id, "class", "H");
		rc = reg_run(m, &in->p, "clearances", "decide", np, &(int64_t){0}, &err);
		json_decref(np);
		if (rc)
			bench_die("clearance", err.msg[0] ? err.msg : sk_strerror(rc));
		if (!in->first_person)
			in->first_person = id;
	}
	rc = bench_container(m, &in->p, &in->container, &err);
	if (rc)
		bench_die("container", err.msg[0] ? err.msg : sk_strerror(rc));
	model_close(m);
	store_close(s);
}

/* ---- skydd's server, in-process (as bench_http) ---- */

struct serve {
	struct cli_serve_opts o;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned port;
	bool ready, done;
	int rc;
};

static void serve_ready(void *ctx, unsigned port)
{
	struct serve *sv = ctx;

	pthread_mutex_lock(&sv->mu);
	sv->port = port;
	sv->ready = true;
	pthread_cond_broadcast(&sv->cv);
	pthread_mutex_unlock(&sv->mu);
}

static void *serve_main(void *arg)
{
	struct serve *sv = arg;
	int rc = cli_serve_run(&sv->o);

	pthread_mutex_lock(&sv->mu);
	sv->rc = rc;
	sv->done = true;
	pthread_cond_broadcast(&sv->cv);
	pthread_mutex_unlock(&sv->mu);
	return NULL;
}

static void serve_start(struct serve *sv, const char *dir, const char *cert, const char *key)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(sv, 0, sizeof(*sv));
	sv->o.dir = dir;
	sv->o.listen = "127.0.0.1:0";
	sv->o.tls_cert = cert;
	sv->o.tls_key = key;
	sv->o.threads = cpus < 1 ? 1 : cpus > 64 ? 64 : (unsigned)cpus;
	sv->o.ready = serve_ready;
	sv->o.ready_ctx = sv;
	pthread_mutex_init(&sv->mu, NULL);
	pthread_cond_init(&sv->cv, NULL);
	if (pthread_create(&sv->thread, NULL, serve_main, sv) != 0)
		bench_die("pthread_create", strerror(errno));
	pthread_mutex_lock(&sv->mu);
	while (!sv->ready && !sv->done)
		pthread_cond_wait(&sv->cv, &sv->mu);
	pthread_mutex_unlock(&sv->mu);
	if (!sv->ready)
		bench_die("skydd serve", "did not start (see above)");
}

static void serve_stop(struct serve *sv)
{
	pthread_kill(sv->thread, SIGTERM);
	pthread_join(sv->thread, NULL);
	pthread_cond_destroy(&sv->cv);
	pthread_mutex_destroy(&sv->mu);
	if (sv->rc != CLI_OK)
		bench_die("skydd serve", "exited with an error");
}

/* ---- one keep-alive HTTPS connection (libcurl) ---- */

struct client {
	CURL *c;
	char base[64], cafile[PATH_CAP + 64], auth[AUTH_TOKEN_SIZE + 32];
	struct buf body;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	return buf_append(ud, p, size * n) == SK_OK ? size * n : 0;
}

static void client_init(struct client *cl, unsigned port, const char *cafile)
{
	memset(cl, 0, sizeof(*cl));
	snprintf(cl->base, sizeof(cl->base), "https://127.0.0.1:%u", port);
	snprintf(cl->cafile, sizeof(cl->cafile), "%s", cafile);
	cl->c = curl_easy_init();
	if (!cl->c)
		bench_die("curl_easy_init", "failed");
	buf_init(&cl->body, 64 * 1024 * 1024);
}

static void client_free(struct client *cl)
{
	curl_easy_cleanup(cl->c);
	buf_release(&cl->body);
}

/* One request on the connection; body non-NULL makes it a JSON POST. Returns the status. */
static long client_do(struct client *cl, const char *path, const char *body)
{
	struct curl_slist *hdrs = NULL;
	char url[PATH_CAP + 64];
	long status = 0;
	CURLcode cr;

	snprintf(url, sizeof(url), "%s%s", cl->base, path);
	cl->body.len = 0;
	curl_easy_reset(cl->c);
	curl_easy_setopt(cl->c, CURLOPT_URL, url);
	curl_easy_setopt(cl->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cl->c, CURLOPT_TIMEOUT, 600L);
	curl_easy_setopt(cl->c, CURLOPT_CAINFO, cl->cafile);
	curl_easy_setopt(cl->c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(cl->c, CURLOPT_WRITEDATA, &cl->body);
	if (cl->auth[0])
		hdrs = curl_slist_append(hdrs, cl->auth);
	if (body) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(cl->c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(cl->c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(cl->c, CURLOPT_HTTPHEADER, hdrs);
	cr = curl_easy_perform(cl->c);
	curl_easy_getinfo(cl->c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	if (cr != CURLE_OK)
		bench_die(url, curl_easy_strerror(cr));
	buf_append(&cl->body, "", 1);
	cl->body.len--;
	return status;
}

/* POSTs a JSON object (taking it) and returns the string member key of the 200 answer. */
static char *post_for(struct client *cl, const char *path, json_t *req, const char *key)
{
	char *text = json_dumps(req, JSON_COMPACT), *val;
	json_t *ans;
	long st;

	if (!text)
		bench_die_rc("json_dumps", SK_ENOMEM);
	st = client_do(cl, path, text);
	sodium_memzero(text, strlen(text));
	free(text);
	json_decref(req);
	ans = json_loads(cl->body.ptr ? cl->body.ptr : "", 0, NULL);
	if (st != 200 || !json_string_value(json_object_get(ans, key))) {
		fprintf(stderr, "bench_register: %s answered %ld: %s\n", path, st,
		        cl->body.ptr ? cl->body.ptr : "");
		exit(1);
	}
	val = strdup(json_string_value(json_object_get(ans, key)));
	json_decref(ans);
	if (!val)
		bench_die_rc("strdup", SK_ENOMEM);
	return val;
}

/* Logs in through the API (password, then TOTP, a bearer token) and keeps the header. */
static void api_login(struct client *cl, const struct instance *in)
{
	char code[AUTH_TOTP_DIGITS + 1], *challenge, *token;
	int rc;

	challenge = post_for(
	        cl, "/api/v1/login",
	        json_pack("{s:s, s:s}", "username", in->username, "password", in->password),
	        "challenge");
	rc = auth_totp_code(in->secret, sizeof(in->secret), (int64_t)time(NULL), code);
	if (rc)
		bench_die_rc("auth_totp_code", rc);
	token = post_for(
	        cl, "/api/v1/login/totp",
	        json_pack("{s:s, s:s, s:b}", "challenge", challenge, "code", code, "bearer", 1),
	        "token");
	free(challenge);
	snprintf(cl->auth, sizeof(cl->auth), "Authorization: Bearer %s", token);
	sodium_memzero(token, strlen(token));
	free(token);
}

/* ---- 1. import ---- */

static const char *const cls_of[4] = {"BH", "K", "K", "H"};
static uint64_t overdue_pct; /* of copies last inventoried more than 12 months ago */

/* One CSV row: document i (0-based) with n copies in the container. */
static void csv_row(struct buf *b, uint64_t i, int n)
{
	char row[512];
	int len =
	        snprintf(row, sizeof(row),
	                 "BR-%07" PRIu64 ";Lägesrapport %" PRIu64
	                 " om skyddsåtgärder för verksamheten;%s;fysisk;%u;%u;;SÄK 2026/%06" PRIu64
	                 ";;2026-01-15;;%d;%s;;;%s\n",
	                 i + 1, i + 1, cls_of[i % 4], (unsigned)(4 + i % 40), (unsigned)(i % 3),
	                 i % 100000, n, n ? CONTAINER : "",
	                 n == 0                  ? ""
	                 : i % 100 < overdue_pct ? OLD_DATE
	                                         : RECENT_DATE);

	buf_append(b, row, (size_t)len);
}

#define CSV_HEADER                                                                                 \
	"beteckning;titel;klass;form;sidor;bilagor;upphov;diarienummer;system;datum;registrerad;"  \
	"exemplar;förvaring;innehavare;kvittens;inventerad\n"

struct batch {
	uint64_t docs, copies; /* in this request */
	double secs;           /* the request's wall time */
};

/* Imports cfg->docs documents with cfg->import_copies copies; returns the batches. */
static struct batch *run_import(const struct config *cfg, struct client *cl, size_t *nb,
                                double *elapsed)
{
	size_t cap = 64, n = 0;
	struct batch *bt = calloc(cap, sizeof(*bt));
	uint64_t i = 0, per = cfg->import_copies / cfg->docs,
	         extra = cfg->import_copies % cfg->docs;
	struct buf csv;
	double t0 = now_s();

	if (!bt)
		bench_die_rc("calloc", SK_ENOMEM);
	buf_init(&csv, 4 * 1024 * 1024);
	while (i < cfg->docs) {
		struct batch b = {0};
		json_t *req;
		char *text;
		double t1;
		long st;

		csv.len = 0;
		buf_append(&csv, CSV_HEADER, strlen(CSV_HEADER));
		while (i < cfg->docs && csv.len < CSV_MAX - 512 && b.docs < 100000) {
			int k = (int)(per + (i < extra ? 1 : 0));

			csv_row(&csv, i, k);
			b.docs++;
			b.copies += (uint64_t)k;
			i++;
		}
		req = json_pack("{s:s%, s:b}", "csv", csv.ptr, csv.len, "dry_run", 0);
		text = req ? json_dumps(req, JSON_COMPACT) : NULL;
		json_decref(req);
		if (!text)
			bench_die_rc("json", SK_ENOMEM);
		if (strlen(text) > BODY_MAX)
			bench_die("import", "a request over 1 MiB");
		t1 = now_s();
		st = client_do(cl, "/api/v1/documents/import", text);
		b.secs = now_s() - t1;
		if (st != 201 && st != 200) {
			fprintf(stderr, "bench_register: import answered %ld: %.2000s\n", st,
			        cl->body.ptr ? cl->body.ptr : "");
			exit(1);
		}
		if (n == 0)
			printf("import: first request: %zu bytes of JSON, %" PRIu64
			       " documents, %" PRIu64 " copies, %.2f s; answer %.300s\n",
			       strlen(text), b.docs, b.copies, b.secs, cl->body.ptr);
		free(text);
		if (n == cap) {
			cap *= 2;
			bt = realloc(bt, cap * sizeof(*bt));
			if (!bt)
				bench_die_rc("realloc", SK_ENOMEM);
		}
		bt[n++] = b;
	}
	*elapsed = now_s() - t0;
	buf_release(&csv);
	*nb = n;
	return bt;
}

static void sql_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench_register: %s: %s\n", sql, msg ? msg : "?");
		exit(1);
	}
}

/* The rows of table between ids lo and hi of src (attached), duplicated into memory. */
struct rows {
	sqlite3_value **v;
	size_t n, cols;
};

static void rows_load(sqlite3 *db, const char *sql, int64_t lo, int64_t hi, struct rows *r)
{
	sqlite3_stmt *st;
	size_t cap = 1024;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		bench_die(sql, sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	r->cols = (size_t)sqlite3_column_count(st);
	r->n = 0;
	r->v = malloc(cap * r->cols * sizeof(*r->v));
	while (r->v && sqlite3_step(st) == SQLITE_ROW) {
		if (r->n == cap) {
			cap *= 2;
			r->v = realloc(r->v, cap * r->cols * sizeof(*r->v));
			if (!r->v)
				break;
		}
		for (size_t c = 0; c < r->cols; c++)
			r->v[r->n * r->cols + c] =
			        sqlite3_value_dup(sqlite3_column_value(st, (int)c));
		r->n++;
	}
	if (!r->v)
		bench_die_rc("rows", SK_ENOMEM);
	sqlite3_finalize(st);
}

static void rows_insert(sqlite3_stmt *ins, const struct rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		for (size_t c = 0; c < r->cols; c++)
			sqlite3_bind_value(ins, (int)c + 1, r->v[i * r->cols + c]);
		if (sqlite3_step(ins) != SQLITE_DONE)
			bench_die("baseline insert", sqlite3_errmsg(sqlite3_db_handle(ins)));
		sqlite3_reset(ins);
	}
}

static void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n * r->cols; i++)
		sqlite3_value_free(r->v[i]);
	free(r->v);
	r->v = NULL;
}

static sqlite3_stmt *prepare_insert(sqlite3 *db, const char *table, size_t cols)
{
	char sql[1024];
	size_t len = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO main.%s VALUES (?", table);
	sqlite3_stmt *st;

	for (size_t c = 1; c < cols && len + 4 < sizeof(sql); c++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ",?");
	snprintf(sql + len, sizeof(sql) - len, ")");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		bench_die(sql, sqlite3_errmsg(db));
	return st;
}

/*
 * The baseline of the import: a scratch database with skydd.db's schema
 * (every table, index and trigger, from sqlite_master) and the store's
 * writer pragmas; the persons, identities and spaces copied untimed; then
 * the imported document and copy rows, read back from skydd.db into memory
 * (untimed), inserted with one prepared INSERT per row, one transaction per
 * request of the import. Returns the seconds spent inserting and committing.
 */
static double run_baseline(const struct config *cfg, const struct batch *bt, size_t nb,
                           uint64_t *rows_out)
{
	char path[PATH_CAP], src[PATH_CAP], *attach;
	sqlite3 *db;
	sqlite3_stmt *st, *ins_doc = NULL, *ins_copy = NULL;
	int64_t doc = 1, copy = 1;
	double total = 0;
	uint64_t rows = 0;

	snprintf(path, sizeof(path), "%s/baseline.db", cfg->dir);
	snprintf(src, sizeof(src), "%s/skydd.db", cfg->dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		bench_die(path, sqlite3_errmsg(db));
	sql_exec(db, "PRAGMA journal_mode=WAL");
	sql_exec(db, "PRAGMA synchronous=FULL");
	sql_exec(db, "PRAGMA foreign_keys=ON");
	sql_exec(db, "PRAGMA trusted_schema=OFF");
	sql_exec(db, "PRAGMA cell_size_check=ON");
	sql_exec(db, "PRAGMA cache_size=-16384");
	attach = sqlite3_mprintf("ATTACH %Q AS src", src);
	sql_exec(db, attach);
	sqlite3_free(attach);
	sql_exec(db, "BEGIN");
	if (sqlite3_prepare_v2(db,
	                       "SELECT sql FROM src.sqlite_master WHERE sql IS NOT NULL AND name "
	                       "NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 "
	                       "END, rowid",
	                       -1, &st, NULL) != SQLITE_OK)
		bench_die("schema", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW)
		sql_exec(db, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sql_exec(db, "INSERT INTO main.identity SELECT * FROM src.identity");
	sql_exec(db, "INSERT INTO main.person SELECT * FROM src.person");
	sql_exec(db, "INSERT INTO main.space SELECT * FROM src.space");
	sql_exec(db, "INSERT INTO main.info_system SELECT * FROM src.info_system");
	sql_exec(db, "COMMIT");
	for (size_t k = 0; k < nb; k++) {
		struct rows d, c;
		double t0;

		rows_load(db, "SELECT * FROM src.document WHERE id >= ?1 AND id < ?2", doc,
		          doc + (int64_t)bt[k].docs, &d);
		rows_load(db, "SELECT * FROM src.copy WHERE id >= ?1 AND id < ?2", copy,
		          copy + (int64_t)bt[k].copies, &c);
		if (d.n != bt[k].docs || c.n != bt[k].copies)
			bench_die("baseline", "the imported rows are not numbered as expected");
		if (!ins_doc) {
			ins_doc = prepare_insert(db, "document", d.cols);
			ins_copy = prepare_insert(db, "copy", c.cols);
		}
		t0 = now_s();
		sql_exec(db, "BEGIN");
		rows_insert(ins_doc, &d);
		rows_insert(ins_copy, &c);
		sql_exec(db, "COMMIT");
		total += now_s() - t0;
		rows += d.n + c.n;
		doc += (int64_t)bt[k].docs;
		copy += (int64_t)bt[k].copies;
		rows_free(&d);
		rows_free(&c);
	}
	sqlite3_finalize(ins_doc);
	sqlite3_finalize(ins_copy);
	sql_exec(db, "DETACH src");
	sqlite3_close(db);
	*rows_out = rows;
	return total;
}

/* ---- 2. filling the register up to cfg->copies ---- */

struct fill {
	struct store_cmd cmd;
	const struct instance *in;
	uint64_t lo, hi; /* documents [lo, hi) of the fill */
	uint64_t npersons;
};

static int fill_fn(struct store_tx *tx, void *arg)
{
	struct fill *f = arg;
	char des[32], title[96], cn[32];
	int rc = SK_OK;

	for (uint64_t i = f->lo; !rc && i < f->hi; i++) {
		struct document_new d = {0};
		int64_t id = 0, reader = f->in->first_person + (int64_t)(i % f->npersons);

		snprintf(des, sizeof(des), "BF-%07" PRIu64, i + 1);
		snprintf(title, sizeof(title), "Underlag %" PRIu64 " för säkerhetsskyddsarbetet",
		         i + 1);
		snprintf(cn, sizeof(cn), "SÄK 2026/F%06" PRIu64, i % 1000000);
		d.designation = des;
		d.title = title;
		d.cls = cls_of[i % 4];
		d.form = "physical";
		d.pages = 3 + (int64_t)(i % 50);
		d.case_number = cn;
		d.document_date = "2026-02-01";
		d.access = &reader; /* need to know: the person who may hold its copies */
		d.n_access = 1;
		rc = document_tx_create(tx, f->in->p.id, &d, &id);
		for (int k = 0; !rc && k < FILL_COPIES; k++) {
			struct copy_new c = {0};
			char paper[48];
			int64_t cid;
			uint64_t j = i * FILL_COPIES + (uint64_t)k;

			if (j % 10 == 9) {
				c.holder_id = reader;
				snprintf(paper, sizeof(paper), "Papperskvitto F%" PRIu64, j);
				c.paper_ref = paper;
			} else {
				c.space_id = f->in->container;
			}
			c.last_inventoried_on = j % 100 < overdue_pct ? OLD_DATE : RECENT_DATE;
			rc = copy_tx_create(tx, f->in->p.id, id, &c, &cid);
		}
	}
	return rc;
}

/* Documents of FILL_COPIES copies until the register holds cfg->copies copies. */
static void fill_register(const struct config *cfg, const struct instance *in, uint64_t have)
{
	uint64_t docs = have >= cfg->copies ? 0 : (cfg->copies - have) / FILL_COPIES;
	size_t count = (size_t)((docs + FILL_DOCS - 1) / FILL_DOCS);
	struct fill *f = calloc(count ? count : 1, sizeof(*f));
	struct store *s;
	struct model *m;
	double t0 = now_s();
	int rc;

	if (!f)
		bench_die_rc("fill", SK_ENOMEM);
	open_model(cfg->dir, &s, &m);
	for (size_t k = 0; k < count; k++) {
		f[k].in = in;
		f[k].npersons = cfg->persons;
		f[k].lo = (uint64_t)k * FILL_DOCS;
		f[k].hi = f[k].lo + FILL_DOCS < docs ? f[k].lo + FILL_DOCS : docs;
		store_cmd_init(&f[k].cmd, fill_fn, &f[k]);
		rc = store_submit_async(s, &f[k].cmd);
		if (rc)
			bench_die_rc("store_submit_async", rc);
	}
	for (size_t k = 0; k < count; k++) {
		rc = store_wait(s, &f[k].cmd);
		if (rc) {
			fprintf(stderr, "bench_register: fill: %s: %s: %s\n", sk_strerror(rc),
			        f[k].cmd.err_field, f[k].cmd.err_msg);
			exit(1);
		}
	}
	free(f);
	model_close(m);
	store_close(s);
	printf("fill: %" PRIu64 " documents with %" PRIu64
	       " copies more through document_tx_create "
	       "and copy_tx_create, %d documents per writer command (%.1f s)\n",
	       docs, docs * FILL_COPIES, FILL_DOCS, now_s() - t0);
}

/* ---- 3. inventory_overdue in-process ---- */

static void year_ago(char out[11])
{
	char today[11];
	int y;

	model_today(today);
	y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 +
	    (today[3] - '0') - 1;
	snprintf(out, 11, "%04d%s", y < 0 ? 0 : y % 10000, today + 4);
	if (strcmp(out + 4, "-02-29") == 0)
		out[9] = '8';
}

static int64_t count_copies(struct store_reader *r)
{
	struct store_q *q;
	int64_t n = -1;
	int rc = store_reader_query(r, "SELECT count(*) FROM copy", &q);

	if (rc)
		bench_die_rc("count", rc);
	if (store_q_step(q) == SK_OK)
		n = store_q_int(q, 0);
	store_q_done(q);
	return n;
}

static void bench_overdue_inproc(const struct config *cfg, double *value_ms, double *base_ms)
{
	struct store_reader *r;
	double *v = calloc(cfg->reps, sizeof(double)), *b = calloc(cfg->reps, sizeof(double));
	char before[11];
	int64_t total = 0, copies = 0;
	int rc = store_reader_open(cfg->dir, &r);

	if (rc || !v || !b)
		bench_die_rc("store_reader_open", rc ? rc : SK_ENOMEM);
	year_ago(before);
	for (uint64_t k = 0; k < cfg->reps; k++) {
		json_t *out = NULL;
		double t0 = now_s();

		copies = count_copies(r);
		b[k] = (now_s() - t0) * 1e3;
		t0 = now_s();
		rc = inventory_overdue(r, before, CLEAR_H, 0, &out);
		v[k] = (now_s() - t0) * 1e3;
		if (rc)
			bench_die_rc("inventory_overdue", rc);
		total = json_integer_value(json_object_get(out, "copies_total"));
		json_decref(out);
	}
	store_reader_close(r);
	*value_ms = quantile(v, cfg->reps, 0.5);
	*base_ms = quantile(b, cfg->reps, 0.5);
	printf("overdue: inventory_overdue(before %s, clearance H, limit 1000) over %" PRId64
	       " copies: %" PRId64 " overdue; median of %" PRIu64
	       " runs %.1f ms (max %.1f); SELECT count(*) FROM copy %.1f ms (max %.1f)\n",
	       before, copies, total, cfg->reps, *value_ms, v[cfg->reps - 1], *base_ms,
	       b[cfg->reps - 1]);
	free(v);
	free(b);
}

/* ---- 2. and 3. over HTTPS: a query interleaved with /healthz ---- */

struct latency {
	double p50, p99, base_p50, base_p99;
};

/* GET prefix (with a random "after" appended when max_after > 0), n times. */
static void measure(struct client *cl, const char *name, const char *prefix, uint64_t max_after,
                    uint64_t n, struct latency *out)
{
	double *v = calloc(n, sizeof(double)), *b = calloc(n, sizeof(double));
	char path[PATH_CAP];
	size_t bytes = 0, items = 0;

	if (!v || !b)
		bench_die_rc("calloc", SK_ENOMEM);
	/* One unmeasured request of each first (connection, caches). */
	snprintf(path, sizeof(path), "%s%s", prefix, max_after ? "1" : "");
	client_do(cl, path, NULL);
	client_do(cl, "/healthz", NULL);
	for (uint64_t k = 0; k < n; k++) {
		uint64_t after = max_after ? bench_rnd() % max_after : 0; /* after + 1 is sent */
		double t0;
		long st;

		if (max_after)
			snprintf(path, sizeof(path), "%s%" PRIu64, prefix, after + 1);
		else
			snprintf(path, sizeof(path), "%s", prefix);
		t0 = now_s();
		st = client_do(cl, path, NULL);
		v[k] = (now_s() - t0) * 1e3;
		if (st != 200) {
			fprintf(stderr, "bench_register: %s answered %ld: %.500s\n", path, st,
			        cl->body.ptr);
			exit(1);
		}
		bytes += cl->body.len;
		if (k == 0 || k == n / 2) {
			json_t *j = json_loads(cl->body.ptr, 0, NULL);
			json_t *arr = json_object_get(j, "documents");

			if (!arr)
				arr = json_object_get(json_object_get(j, "overdue"), "copies");

			items += json_is_array(arr) ? json_array_size(arr) : 0;
			json_decref(j);
		}
		t0 = now_s();
		st = client_do(cl, "/healthz", NULL);
		b[k] = (now_s() - t0) * 1e3;
		if (st != 200)
			bench_die("/healthz", "not 200");
	}
	out->p50 = quantile(v, n, 0.5);
	out->p99 = quantile(v, n, 0.99);
	out->base_p50 = quantile(b, n, 0.5);
	out->base_p99 = quantile(b, n, 0.99);
	printf("%s: %" PRIu64 " requests (%s), mean %zu bytes; p50 %.2f ms p99 %.2f ms max %.2f "
	       "ms; /healthz p50 %.2f ms p99 %.2f ms; %zu items in 2 sampled answers\n",
	       name, n, prefix, n ? bytes / n : 0, out->p50, out->p99, v[n - 1], out->base_p50,
	       out->base_p99, items);
	free(v);
	free(b);
}

int main(void)
{
	struct config cfg = {0};
	struct instance in;
	struct serve sv;
	struct client cl;
	struct batch *bt;
	struct latency lk, lo, lq, lr, lp;
	char cert[PATH_CAP + 32], key[PATH_CAP + 32];
	size_t nb;
	double import_s, base_s, ov_ms, ov_base_ms;
	uint64_t base_rows, max_doc;

	cfg.docs = env_u64("SKYDD_BENCH_DOCS", 100000, 1, 10000000);
	cfg.import_copies = env_u64("SKYDD_BENCH_IMPORT_COPIES", cfg.docs * 3, 0, 999 * cfg.docs);
	cfg.copies = env_u64("SKYDD_BENCH_COPIES", 1000000, 0, 100000000);
	cfg.persons = env_u64("SKYDD_BENCH_REGISTER_PERSONS", 100, 1, 100000);
	cfg.requests = env_u64("SKYDD_BENCH_REQUESTS", 500, 1, 1000000);
	cfg.overdue_requests = env_u64("SKYDD_BENCH_OVERDUE_REQUESTS", 50, 1, 1000000);
	cfg.reps = env_u64("SKYDD_BENCH_REPS", 10, 1, 10000);
	cfg.seed = env_u64("SKYDD_BENCH_SEED", 1, 1, UINT64_MAX);
	cfg.keep = env_u64("SKYDD_BENCH_KEEP", 0, 0, 1) == 1;
	overdue_pct = env_u64("SKYDD_BENCH_OVERDUE_PERCENT", 10, 0, 100);
	bench_rng_state = cfg.seed * 0x9E3779B97F4A7C15ull | 1;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		bench_die("init", "libsodium or libcurl did not initialise");
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench_register: import %" PRIu64 " documents with %" PRIu64
	       " copies through the API, then fill to %" PRIu64 " copies; %" PRIu64
	       " requests per listing; %ld CPUs\n",
	       cfg.docs, cfg.import_copies, cfg.copies, cfg.requests,
	       sysconf(_SC_NPROCESSORS_ONLN));
	print_load("at start");
	make_instance(&cfg, &in);
	make_cert(cfg.dir, cert, key, sizeof(cert));
	printf("bench_register: instance in %s: %" PRIu64 " persons, container '%s'\n", cfg.dir,
	       cfg.persons, CONTAINER);

	/* 1. import over HTTPS */
	serve_start(&sv, cfg.dir, cert, key);
	client_init(&cl, sv.port, cert);
	api_login(&cl, &in);
	bt = run_import(&cfg, &cl, &nb, &import_s);
	serve_stop(&sv);
	printf("import: %" PRIu64 " documents, %" PRIu64 " copies in %zu requests: %.1f s, %.0f "
	       "documents/s (%.0f copies/s)\n",
	       cfg.docs, cfg.import_copies, nb, import_s, (double)cfg.docs / import_s,
	       (double)cfg.import_copies / import_s);
	print_load("after the import");
	base_s = run_baseline(&cfg, bt, nb, &base_rows);
	printf("import baseline: %" PRIu64 " rows (documents and copies) by plain INSERTs in %zu "
	       "transactions: %.2f s, %.0f documents/s\n",
	       base_rows, nb, base_s, (double)cfg.docs / base_s);

	/* 2. fill up to cfg.copies */
	fill_register(&cfg, &in, cfg.import_copies);
	max_doc = cfg.docs + (cfg.copies > cfg.import_copies
	                              ? (cfg.copies - cfg.import_copies) / FILL_COPIES
	                              : 0);

	/* 3. in-process overdue */
	bench_overdue_inproc(&cfg, &ov_ms, &ov_base_ms);

	/* 2. and 3. over HTTPS */
	serve_start(&sv, cfg.dir, cert, key);
	snprintf(cl.base, sizeof(cl.base), "https://127.0.0.1:%u", sv.port);
	measure(&cl, "list class=K", "/api/v1/documents?class=K&limit=50&after=", max_doc,
	        cfg.requests, &lk);
	measure(&cl, "list overdue", "/api/v1/documents?overdue=true&limit=50&after=", max_doc,
	        cfg.requests, &lo);
	measure(&cl, "list q", "/api/v1/documents?q=BR-00012&limit=50&after=", max_doc,
	        cfg.requests, &lq);
	measure(&cl, "route overdue", "/api/v1/inventories/overdue?limit=1000", 0,
	        cfg.overdue_requests, &lr);
	/* The print view's pages (issue 10, item 15): 100 documents with copies and receipts at a
	 * random cursor among the filled designations (BF-00 + R: inside the BF-nnnnnnn range). */
	measure(&cl, "register page", "/api/v1/register?limit=100&after=BF-00", max_doc,
	        cfg.overdue_requests, &lp);
	serve_stop(&sv);
	client_free(&cl);
	free(bt);

	printf("import: goal ratio >= %.2f: %s\n", GOAL_IMPORT_RATIO,
	       bench_met(base_s / import_s >= GOAL_IMPORT_RATIO));
	printf("list: goal p99 < %.0f ms: class=K %s, overdue %s, q %s\n", GOAL_LIST_P99_MS,
	       bench_met(lk.p99 < GOAL_LIST_P99_MS), bench_met(lo.p99 < GOAL_LIST_P99_MS),
	       bench_met(lq.p99 < GOAL_LIST_P99_MS));
	printf("overdue: goal < %.0f ms: in-process %s, route p50 %s\n", GOAL_OVERDUE_MS,
	       bench_met(ov_ms < GOAL_OVERDUE_MS), bench_met(lr.p50 < GOAL_OVERDUE_MS));
	print_load("at end");
	bench_report("register_import", (double)cfg.docs / import_s, "docs/s",
	             (double)cfg.docs / base_s, base_s / import_s);
	bench_report("register_list_class_p50", lk.p50, "ms", lk.base_p50, lk.base_p50 / lk.p50);
	bench_report("register_list_class_p99", lk.p99, "ms", lk.base_p99, lk.base_p99 / lk.p99);
	bench_report("register_list_overdue_p50", lo.p50, "ms", lo.base_p50, lo.base_p50 / lo.p50);
	bench_report("register_list_overdue_p99", lo.p99, "ms", lo.base_p99, lo.base_p99 / lo.p99);
	bench_report("register_list_q_p50", lq.p50, "ms", lq.base_p50, lq.base_p50 / lq.p50);
	bench_report("register_list_q_p99", lq.p99, "ms", lq.base_p99, lq.base_p99 / lq.p99);
	bench_report("register_overdue", ov_ms, "ms", ov_base_ms, ov_base_ms / ov_ms);
	bench_report("register_overdue_route_p50", lr.p50, "ms", lr.base_p50, lr.base_p50 / lr.p50);
	bench_report("register_print_page_p50", lp.p50, "ms", lp.base_p50, lp.base_p50 / lp.p50);
	bench_report("register_print_page_p99", lp.p99, "ms", lp.base_p99, lp.base_p99 / lp.p99);
	if (!cfg.keep)
		bench_remove_tree(cfg.dir);
	else
		printf("bench_register: kept %s\n", cfg.dir);
	curl_global_cleanup();
	return 0;
}
