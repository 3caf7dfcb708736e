/*
 * HTTP benchmark: an authenticated GET /api/v1/ledger/{seq} against skydd's
 * server (started in-process through cli_serve_run, plain http on loopback),
 * next to a minimal libmicrohttpd daemon with the server core's flags,
 * options and thread count that answers every request with the very bytes
 * skydd sent. wrk drives both, in interleaved rounds; the best round of each
 * counts. docs/performance.md explains the figures; the last lines are
 * "bench NAME VALUE UNIT baseline VALUE ratio R".
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "model/model.h"
#include "store/store.h"
#include "bench.h"
#include "rules/rules.h"

const char *const bench_name = "bench_http";

#define GOAL_RATE      20000.0
#define GOAL_RATIO     0.6
#define GOAL_P99_MS    10.0
#define PATH_MAX_BENCH 700
#define APPEND_CHUNK   500 /* entries per writer command while filling the ledger */
#define MAX_HEADERS    32
#define BODY_MAX       (1024 * 1024)

/* The server core's settings (src/http/server.c), copied for the baseline. */
#define CORE_FLAGS      (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO)
#define CORE_CONNS      1024
#define CORE_PER_IP     256
#define CORE_TIMEOUT_S  30
#define CORE_MEMORY     (64 * 1024)
#define CORE_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%SERVER_PRECEDENCE"

extern char **environ;

struct config {
	unsigned seconds;     /* per wrk run */
	unsigned warmup;      /* seconds of unmeasured load on each server first */
	unsigned conns;       /* wrk -c */
	unsigned wrk_threads; /* wrk -t */
	unsigned threads;     /* server thread pool, both servers */
	unsigned rounds;      /* interleaved rounds; the best of each side counts */
	uint64_t entries;     /* appended to the ledger before serving */
	uint64_t seq;         /* the entry fetched */
	bool tls;             /* also one TLS round each (detail lines only) */
	bool keep;
	char dir[512];
};

static double process_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Runs argv; with out, its stdout is collected there; quiet sends its stderr
 * to /dev/null. Returns the exit status or -1.
 */
static int run_prog(char *const argv[], struct buf *out, bool quiet)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t def;
	int fds[2] = {-1, -1}, status = 0, rc;
	pid_t pid;

	if (out && pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* skydd's server ignores SIGPIPE; the child should not inherit that. */
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (out) {
		posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
		posix_spawn_file_actions_addclose(&fa, fds[0]);
		posix_spawn_file_actions_addclose(&fa, fds[1]);
	}
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (out)
		close(fds[1]);
	if (rc != 0) {
		if (out)
			close(fds[0]);
		return -1;
	}
	if (out) {
		char chunk[4096];
		ssize_t n;

		while ((n = read(fds[0], chunk, sizeof(chunk))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			buf_append(out, chunk, (size_t)n);
		}
		close(fds[0]);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- the instance ---- */

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

/* About 300 bytes of canonical JSON: a register event of the usual shape (as bench_store). */
static json_t *make_data(uint64_t i)
{
	char ref[32], dnr[32];

	snprintf(ref, sizeof(ref), "doc/%" PRIu64, i / 8);
	snprintf(dnr, sizeof(dnr), "SÄK 2026/%06" PRIu64, i / 8 % 1000000);
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:b}", "amount",
	                 (json_int_t)(i * 7919 % 1000003), "copy", (json_int_t)(i % 8 + 1),
	                 "diarienr", dnr, "doc", ref, "note", notes[i % 4], "recipient",
	                 (json_int_t)(1000 + i % 977), "signed", (int)(i % 3 == 0));
}

struct fill {
	struct store_cmd cmd;
	uint64_t lo, hi;
};

/* A writer command appending entries [lo, hi) in one savepoint. */
static int fill_fn(struct store_tx *tx, void *arg)
{
	struct fill *f = arg;
	char object[32];
	int rc = SK_OK;

	for (uint64_t i = f->lo; !rc && i < f->hi; i++) {
		json_t *data = make_data(i);

		if (!data)
			return SK_ENOMEM;
		snprintf(object, sizeof(object), "doc/%" PRIu64, i / 8);
		rc = store_tx_append(tx, 1 + (int64_t)(i % 50), "bench.copy.issued", object, data,
		                     NULL);
		json_decref(data);
	}
	return rc;
}

static void fill_ledger(struct store *s, uint64_t n)
{
	size_t count = (size_t)((n + APPEND_CHUNK - 1) / APPEND_CHUNK);
	struct fill *f = calloc(count ? count : 1, sizeof(*f));
	int rc;

	if (!f)
		bench_die_rc("fill", SK_ENOMEM);
	for (size_t k = 0; k < count; k++) {
		f[k].lo = (uint64_t)k * APPEND_CHUNK;
		f[k].hi = f[k].lo + APPEND_CHUNK < n ? f[k].lo + APPEND_CHUNK : n;
		store_cmd_init(&f[k].cmd, fill_fn, &f[k]);
		rc = store_submit_async(s, &f[k].cmd);
		if (rc)
			bench_die_rc("store_submit_async", rc);
	}
	for (size_t k = 0; k < count; k++) {
		rc = store_wait(s, &f[k].cmd);
		if (rc)
			bench_die_rc("append", rc);
	}
	free(f);
}

struct login {
	char username[32];
	char password[48];
	uint8_t secret[AUTH_TOTP_SECRET_LEN];
};

/*
 * A new instance: store_init and the first identity as skydd init makes
 * them, the entries, and an auditor (may read the security log) with a
 * known password and TOTP secret.
 */
static void make_instance(struct config *cfg, struct login *lg)
{
	struct model_new_identity ni = {"bench", "Benchmark auditor", CLEAR_NONE};
	struct model_new_grant g = {0};
	struct model_err err = {0};
	struct cli_first first;
	struct store *s = NULL;
	struct model *m = NULL;
	const char *tmp = getenv("TMPDIR");
	char vkey[256], otp[32], today[11];
	uint8_t pw[24];
	int64_t id = 0, gid = 0;
	double t0 = now_s();
	int rc;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(cfg->dir, sizeof(cfg->dir), "%s/skydd-bench-http-XXXXXX", tmp);
	if (!mkdtemp(cfg->dir))
		bench_die(cfg->dir, strerror(errno));
	rc = store_init(cfg->dir, &(struct store_init_opts){.origin = "skydd/bench"}, vkey,
	                sizeof(vkey));
	if (rc)
		bench_die_rc("store_init", rc);
	rc = cli_first_identity(cfg->dir, "ssc", "Säkerhetsskyddschef", CLEAR_H, &first);
	if (rc)
		bench_die("cli_first_identity", first.why);
	sodium_memzero(&first, sizeof(first));
	model_register();
	rules_register();
	rc = store_open(cfg->dir, NULL, &s);
	if (!rc)
		rc = model_open(s, cfg->dir, NULL, &m);
	if (rc)
		bench_die_rc("store_open", rc);
	fill_ledger(s, cfg->entries);
	rc = model_identity_create(m, 0, &ni, &id, otp, sizeof(otp), &err);
	model_today(today);
	g.identity_id = id;
	g.role = ROLE_AUDITOR;
	g.decision_ref = "bench_http (benchmark setup)";
	g.valid_from = today;
	if (!rc)
		rc = model_grant_create(m, 0, &g, &gid, &err);
	if (rc)
		bench_die("identity", err.msg[0] ? err.msg : sk_strerror(rc));
	snprintf(lg->username, sizeof(lg->username), "%s", ni.username);
	randombytes_buf(pw, sizeof(pw));
	sk_base64_encode(pw, sizeof(pw), lg->password, sizeof(lg->password));
	auth_totp_secret_new(lg->secret);
	rc = model_identity_set_credentials(m, id, lg->password, lg->secret, sizeof(lg->secret));
	if (rc)
		bench_die_rc("model_identity_set_credentials", rc);
	model_close(m);
	store_close(s);
	printf("bench_http: instance in %s: %" PRIu64 " entries appended, auditor '%s' (%.1f s)\n",
	       cfg->dir, cfg->entries, lg->username, now_s() - t0);
}

/* A self-signed certificate for 127.0.0.1 in DIR/tls, made by the openssl CLI. */
static bool make_cert(const char *dir, char *cert, char *key, size_t cap)
{
	char tls[PATH_MAX_BENCH];

	snprintf(tls, sizeof(tls), "%s/tls", dir);
	snprintf(cert, cap, "%s/cert.pem", tls);
	snprintf(key, cap, "%s/key.pem", tls);
	if (mkdir(tls, 0700) != 0 && errno != EEXIST)
		return false;
	{
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
		struct buf ignored;
		int rc;

		buf_init(&ignored, 64 * 1024);
		rc = run_prog(argv, &ignored, true);
		buf_release(&ignored);
		return rc == 0;
	}
}

/* ---- skydd's server, in-process ---- */

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

/*
 * Runs `skydd serve` exactly as the command does (cli_serve_run) on its own
 * thread; it blocks SIGTERM there and waits for it, so serve_stop signals
 * that thread only.
 */
static void serve_start(struct serve *sv, const struct config *cfg, const char *cert,
                        const char *key)
{
	memset(sv, 0, sizeof(*sv));
	sv->o.dir = cfg->dir;
	sv->o.listen = "127.0.0.1:0";
	sv->o.tls_cert = cert;
	sv->o.tls_key = key;
	sv->o.threads = cfg->threads;
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

/* ---- libcurl ---- */

struct fetched {
	long status;
	struct buf head, body;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	return buf_append(ud, p, size * n) == SK_OK ? size * n : 0;
}

/* One request; body non-NULL makes it a JSON POST. cafile for https. */
static void fetch(const char *url, const char *auth, const char *body, const char *cafile,
                  struct fetched *f)
{
	struct curl_slist *hdrs = NULL;
	CURL *c = curl_easy_init();
	CURLcode cr;

	buf_init(&f->head, 64 * 1024);
	buf_init(&f->body, BODY_MAX);
	if (!c)
		bench_die("curl_easy_init", "failed");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &f->head);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &f->body);
	if (cafile)
		curl_easy_setopt(c, CURLOPT_CAINFO, cafile);
	if (auth)
		hdrs = curl_slist_append(hdrs, auth);
	if (body) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	cr = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	if (cr != CURLE_OK)
		bench_die(url, curl_easy_strerror(cr));
}

static void fetched_release(struct fetched *f)
{
	buf_release(&f->head);
	buf_release(&f->body);
}

/* POSTs a JSON object and returns the string member key of the 200 answer (malloc'd). */
static char *post_for(const char *url, json_t *req, const char *key, const char *cafile)
{
	char *text = json_dumps(req, JSON_COMPACT), *val;
	struct fetched f;
	json_t *ans;

	if (!text)
		bench_die_rc("json_dumps", SK_ENOMEM);
	fetch(url, NULL, text, cafile, &f);
	sodium_memzero(text, strlen(text));
	free(text);
	json_decref(req);
	ans = json_loads(f.body.ptr ? f.body.ptr : "", 0, NULL);
	if (f.status != 200 || !json_string_value(json_object_get(ans, key))) {
		fprintf(stderr, "bench_http: %s answered %ld: %s\n", url, f.status,
		        f.body.ptr ? f.body.ptr : "");
		exit(1);
	}
	val = strdup(json_string_value(json_object_get(ans, key)));
	json_decref(ans);
	fetched_release(&f);
	if (!val)
		bench_die_rc("strdup", SK_ENOMEM);
	return val;
}

/* Logs in through the API (password, then TOTP, asking for a bearer token). */
static char *api_login(const char *base, const struct login *lg, const char *cafile)
{
	char url[PATH_MAX_BENCH], code[AUTH_TOTP_DIGITS + 1], *challenge, *token;
	int rc;

	snprintf(url, sizeof(url), "%s/api/v1/login", base);
	challenge = post_for(
	        url, json_pack("{s:s, s:s}", "username", lg->username, "password", lg->password),
	        "challenge", cafile);
	rc = auth_totp_code(lg->secret, sizeof(lg->secret), (int64_t)time(NULL), code);
	if (rc)
		bench_die_rc("auth_totp_code", rc);
	snprintf(url, sizeof(url), "%s/api/v1/login/totp", base);
	token = post_for(
	        url,
	        json_pack("{s:s, s:s, s:b}", "challenge", challenge, "code", code, "bearer", 1),
	        "token", cafile);
	free(challenge);
	return token;
}

/* ---- the response, and the baseline that repeats it ---- */

struct header {
	char *name, *value;
};

struct response {
	struct buf body;
	struct header h[MAX_HEADERS];
	size_t nh;
	const char *content_type;
};

/* Headers libmicrohttpd writes itself, per connection or per response. */
static bool mhd_owned(const char *name)
{
	static const char *const owned[] = {"Date", "Content-Length", "Connection", "Keep-Alive",
	                                    "Transfer-Encoding"};

	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (strcasecmp(name, owned[i]) == 0)
			return true;
	return false;
}

/* Splits the raw header block into the response's own headers (not the MHD-owned ones). */
static void response_parse_headers(struct response *r, const char *head)
{
	const char *line = strstr(head, "\r\n"); /* skip the status line */

	while (line && line[0] == '\r' && line[1] == '\n' && line[2] && line[2] != '\r') {
		const char *start = line + 2, *end = strstr(start, "\r\n"), *colon;
		const char *v;

		if (!end)
			break;
		colon = memchr(start, ':', (size_t)(end - start));
		line = end;
		if (!colon)
			continue;
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		{
			char *name = strndup(start, (size_t)(colon - start));
			char *value = strndup(v, (size_t)(end - v));

			if (!name || !value)
				bench_die_rc("headers", SK_ENOMEM);
			if (mhd_owned(name) || r->nh == MAX_HEADERS) {
				free(name);
				free(value);
				continue;
			}
			r->h[r->nh].name = name;
			r->h[r->nh].value = value;
			if (strcasecmp(name, "Content-Type") == 0)
				r->content_type = value;
			r->nh++;
		}
	}
}

static void response_release(struct response *r)
{
	for (size_t i = 0; i < r->nh; i++) {
		free(r->h[i].name);
		free(r->h[i].value);
	}
	buf_release(&r->body);
	memset(r, 0, sizeof(*r));
}

/* GETs url with the token; dies unless it answers 200. Takes the answer into r. */
static void capture(const char *url, const char *auth, const char *cafile, struct response *r)
{
	struct fetched f;

	memset(r, 0, sizeof(*r));
	fetch(url, auth, NULL, cafile, &f);
	if (f.status != 200) {
		fprintf(stderr, "bench_http: GET %s answered %ld: %s\n", url, f.status,
		        f.body.ptr ? f.body.ptr : "");
		exit(1);
	}
	response_parse_headers(r, f.head.ptr ? f.head.ptr : "");
	r->body = f.body;
	buf_release(&f.head);
}

/* Same body bytes and the same headers, in the same order? */
static bool response_same(const struct response *a, const struct response *b)
{
	if (a->body.len != b->body.len || memcmp(a->body.ptr, b->body.ptr, a->body.len) != 0 ||
	    a->nh != b->nh)
		return false;
	for (size_t i = 0; i < a->nh; i++)
		if (strcasecmp(a->h[i].name, b->h[i].name) != 0 ||
		    strcmp(a->h[i].value, b->h[i].value) != 0)
			return false;
	return true;
}

struct baseline {
	struct MHD_Daemon *d;
	struct MHD_Response *resp;
	struct sockaddr_in addr;
	unsigned port;
};

/* The whole application: hand back the prepared response once the request is in. */
static enum MHD_Result baseline_request(void *cls, struct MHD_Connection *conn, const char *url,
                                        const char *method, const char *version, const char *upload,
                                        size_t *upload_size, void **con_cls)
{
	static int started;

	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	if (!*con_cls) {
		*con_cls = &started;
		return MHD_YES;
	}
	*upload_size = 0;
	return MHD_queue_response(conn, MHD_HTTP_OK, cls);
}

/* A daemon with the server core's flags, options and pool size; cert/key NULL for http. */
static void baseline_start(struct baseline *b, const struct config *cfg, const struct response *r,
                           char *cert, char *key)
{
	static char priorities[] = CORE_PRIORITIES;
	struct MHD_OptionItem opt[16];
	unsigned flags = CORE_FLAGS;
	const union MHD_DaemonInfo *info;
	size_t n = 0;

	memset(b, 0, sizeof(*b));
	b->resp = MHD_create_response_from_buffer(r->body.len, r->body.ptr, MHD_RESPMEM_PERSISTENT);
	if (!b->resp)
		bench_die("baseline", "MHD_create_response_from_buffer failed");
	for (size_t i = 0; i < r->nh; i++)
		if (MHD_add_response_header(b->resp, r->h[i].name, r->h[i].value) != MHD_YES)
			bench_die("baseline", "MHD_add_response_header failed");
	b->addr.sin_family = AF_INET;
	b->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	b->addr.sin_port = 0;
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &b->addr};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, CORE_CONNS, NULL};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, CORE_PER_IP, NULL};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, CORE_TIMEOUT_S, NULL};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, CORE_MEMORY, NULL};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL};
	if (cfg->threads > 1)
		opt[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL};
	if (cert) {
		flags |= MHD_USE_TLS;
		opt[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, cert};
		opt[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, key};
		opt[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0, priorities};
	}
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	b->d = MHD_start_daemon(flags, 0, NULL, NULL, baseline_request, b->resp, MHD_OPTION_ARRAY,
	                        opt, MHD_OPTION_END);
	if (!b->d)
		bench_die("baseline", "MHD_start_daemon failed");
	info = MHD_get_daemon_info(b->d, MHD_DAEMON_INFO_BIND_PORT);
	b->port = info ? info->port : 0;
}

static void baseline_stop(struct baseline *b)
{
	MHD_stop_daemon(b->d);
	MHD_destroy_response(b->resp);
}

/* Reads a whole small file (a PEM) into a NUL-terminated string. */
static char *slurp(const char *path)
{
	struct buf b;
	FILE *f = fopen(path, "r");
	char chunk[4096];
	size_t n;

	if (!f)
		bench_die(path, strerror(errno));
	buf_init(&b, 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	if (b.err || !b.ptr)
		bench_die(path, "cannot read");
	return buf_detach(&b, NULL);
}

/* ---- wrk ---- */

struct wrk_result {
	double rps;
	double p50_ms, p90_ms, p99_ms;
	uint64_t requests, non2xx;
	double cpu_us; /* this process's CPU per request: the server under load */
	char errors[128];
};

/* "812.00us", "3.10ms", "1.02s", "1.50m" → milliseconds; -1 when unreadable. */
static double wrk_ms(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s)
		return -1;
	if (strncmp(end, "us", 2) == 0)
		return v / 1000.0;
	if (strncmp(end, "ms", 2) == 0)
		return v;
	if (end[0] == 's')
		return v * 1000.0;
	if (end[0] == 'm')
		return v * 60000.0;
	if (end[0] == 'h')
		return v * 3600000.0;
	return -1;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static void wrk_parse(char *text, struct wrk_result *res)
{
	char *save = NULL;

	res->rps = res->p50_ms = res->p90_ms = res->p99_ms = -1;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *l = skip_space(line);

		if (strncmp(l, "Requests/sec:", 13) == 0)
			res->rps = strtod(l + 13, NULL);
		else if (strncmp(l, "50%", 3) == 0)
			res->p50_ms = wrk_ms(skip_space(l + 3));
		else if (strncmp(l, "90%", 3) == 0)
			res->p90_ms = wrk_ms(skip_space(l + 3));
		else if (strncmp(l, "99%", 3) == 0)
			res->p99_ms = wrk_ms(skip_space(l + 3));
		else if (strstr(l, " requests in "))
			res->requests = strtoull(l, NULL, 10);
		else if (strncmp(l, "Non-2xx or 3xx responses:", 25) == 0)
			res->non2xx = strtoull(l + 25, NULL, 10);
		else if (strncmp(l, "Socket errors:", 14) == 0)
			snprintf(res->errors, sizeof(res->errors), "%s", skip_space(l + 14));
	}
}

/* One wrk run of seconds against url; dies when wrk fails or anything but 200 came back. */
static void wrk_run(const struct config *cfg, const char *url, const char *auth, unsigned seconds,
                    struct wrk_result *res)
{
	char t[16], c[16], d[16];
	char *argv[] = {"wrk",
	                "-t",
	                t,
	                "-c",
	                c,
	                "-d",
	                d,
	                "--latency",
	                "-H",
	                (char *)(uintptr_t)auth,
	                (char *)(uintptr_t)url,
	                NULL};
	struct buf out;
	double cpu0;
	int rc;

	snprintf(t, sizeof(t), "%u", cfg->wrk_threads);
	snprintf(c, sizeof(c), "%u", cfg->conns);
	snprintf(d, sizeof(d), "%us", seconds);
	memset(res, 0, sizeof(*res));
	buf_init(&out, 1024 * 1024);
	cpu0 = process_cpu_s();
	rc = run_prog(argv, &out, false);
	res->cpu_us = process_cpu_s() - cpu0;
	if (rc != 0 || out.err || !out.ptr) {
		fprintf(stderr, "bench_http: wrk failed (exit %d)%s%s\n", rc, out.ptr ? ":\n" : "",
		        out.ptr ? out.ptr : "");
		exit(1);
	}
	{
		char *copy = strdup(out.ptr);

		if (!copy)
			bench_die_rc("wrk output", SK_ENOMEM);
		wrk_parse(copy, res);
		free(copy);
	}
	if (res->rps <= 0 || res->p99_ms < 0 || res->requests == 0 || res->non2xx) {
		fprintf(stderr, "bench_http: unusable wrk run (%" PRIu64 " non-2xx):\n%s",
		        res->non2xx, out.ptr);
		exit(1);
	}
	res->cpu_us = res->cpu_us * 1e6 / (double)res->requests;
	buf_release(&out);
}

struct target {
	const char *name;
	char url[PATH_MAX_BENCH];
	struct wrk_result best; /* the round with the most requests/s */
	double best_p99_ms;     /* the lowest p99 of any round */
	bool have;
};

static void measure(const struct config *cfg, struct target *tg, const char *auth,
                    const char *label)
{
	struct wrk_result r;

	wrk_run(cfg, tg->url, auth, cfg->seconds, &r);
	printf("%s: %-8s %8.0f req/s  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  %" PRIu64
	       " requests, server CPU %.1f us/request%s%s\n",
	       label, tg->name, r.rps, r.p50_ms, r.p90_ms, r.p99_ms, r.requests, r.cpu_us,
	       r.errors[0] ? ", socket errors: " : "", r.errors);
	if (!tg->have || r.rps > tg->best.rps)
		tg->best = r;
	if (!tg->have || r.p99_ms < tg->best_p99_ms)
		tg->best_p99_ms = r.p99_ms;
	tg->have = true;
}

/*
 * Warm-up, then rounds; odd rounds run skydd first, even rounds the
 * baseline first, so that a drift in the machine's load favours neither.
 */
static void compare(const struct config *cfg, struct target *sk, struct target *base,
                    const char *auth, const char *label)
{
	struct wrk_result w;

	if (cfg->warmup) {
		wrk_run(cfg, sk->url, auth, cfg->warmup, &w);
		wrk_run(cfg, base->url, auth, cfg->warmup, &w);
	}
	for (unsigned k = 0; k < cfg->rounds; k++) {
		char l[64];

		snprintf(l, sizeof(l), "%s round %u", label, k + 1);
		if (k % 2 == 0) {
			measure(cfg, sk, auth, l);
			measure(cfg, base, auth, l);
		} else {
			measure(cfg, base, auth, l);
			measure(cfg, sk, auth, l);
		}
	}
}

/* The same comparison over TLS (skydd restarted with a certificate): detail lines only. */
static void run_tls(const struct config *cfg, const char *auth, struct serve *sv)
{
	char cert[PATH_MAX_BENCH + 32], key[PATH_MAX_BENCH + 32], url[PATH_MAX_BENCH];
	struct target sk = {.name = "skydd"}, base = {.name = "baseline"};
	struct response r, check;
	struct baseline b;
	char *cert_pem, *key_pem;
	struct config c1 = *cfg;

	if (!make_cert(cfg->dir, cert, key, sizeof(cert))) {
		printf("tls: openssl could not make a certificate: no TLS figures\n");
		return;
	}
	serve_start(sv, cfg, cert, key);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u/api/v1/ledger/%" PRIu64, sv->port,
	         cfg->seq);
	capture(url, auth, cert, &r);
	cert_pem = slurp(cert);
	key_pem = slurp(key);
	baseline_start(&b, cfg, &r, cert_pem, key_pem);
	snprintf(sk.url, sizeof(sk.url), "%s", url);
	snprintf(base.url, sizeof(base.url), "https://127.0.0.1:%u/api/v1/ledger/%" PRIu64, b.port,
	         cfg->seq);
	capture(base.url, auth, cert, &check);
	if (!response_same(&r, &check))
		bench_die("tls baseline", "its response differs from skydd's");
	response_release(&check);
	c1.rounds = 1;
	compare(&c1, &sk, &base, auth, "tls");
	printf("tls: skydd %.0f req/s p99 %.2f ms, baseline %.0f req/s p99 %.2f ms, ratio %.3f "
	       "(keep-alive: one handshake per connection)\n",
	       sk.best.rps, sk.best_p99_ms, base.best.rps, base.best_p99_ms,
	       sk.best.rps / base.best.rps);
	baseline_stop(&b);
	serve_stop(sv);
	response_release(&r);
	sodium_memzero(key_pem, strlen(key_pem));
	free(key_pem);
	free(cert_pem);
}

int main(void)
{
	struct config cfg = {0};
	struct login lg;
	struct serve sv;
	struct baseline b;
	struct response r, check;
	struct target sk = {.name = "skydd"}, base = {.name = "baseline"};
	char root[64], auth[AUTH_TOKEN_SIZE + 32], *token;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	cfg.seconds = (unsigned)env_u64("SKYDD_BENCH_HTTP_SECONDS", 20, 1, 3600);
	cfg.warmup = (unsigned)env_u64("SKYDD_BENCH_HTTP_WARMUP", 2, 0, 600);
	cfg.conns = (unsigned)env_u64("SKYDD_BENCH_HTTP_CONNS", 64, 1, 1000);
	cfg.wrk_threads = (unsigned)env_u64("SKYDD_BENCH_HTTP_WRK_THREADS", 2, 1, 256);
	cfg.threads = (unsigned)env_u64("SKYDD_BENCH_HTTP_THREADS",
	                                cpus < 1     ? 1
	                                : cpus > 256 ? 256
	                                             : (uint64_t)cpus,
	                                1, 256);
	cfg.rounds = (unsigned)env_u64("SKYDD_BENCH_HTTP_ROUNDS", 2, 1, 100);
	cfg.entries = env_u64("SKYDD_BENCH_HTTP_ENTRIES", 10000, 1, 10000000);
	cfg.seq = env_u64("SKYDD_BENCH_HTTP_SEQ", cfg.entries < 5000 ? cfg.entries : 5000, 1,
	                  SK_JSON_MAX_INT - 1);
	cfg.tls = env_u64("SKYDD_BENCH_HTTP_TLS", 0, 0, 1) == 1;
	cfg.keep = env_u64("SKYDD_BENCH_HTTP_KEEP", 0, 0, 1) == 1;
	if (cfg.wrk_threads > cfg.conns)
		bench_die("SKYDD_BENCH_HTTP_WRK_THREADS",
		          "wrk needs at least one connection per thread");
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		bench_die("init", "libsodium or libcurl did not initialise");
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench_http: libmicrohttpd %s, libcurl %s; %ld CPUs; server pool %u threads (both "
	       "servers); "
	       "wrk -t%u -c%u -d%us --latency, %u rounds + %u s warm-up each\n",
	       MHD_get_version(), curl_version_info(CURLVERSION_NOW)->version, cpus, cfg.threads,
	       cfg.wrk_threads, cfg.conns, cfg.seconds, cfg.rounds, cfg.warmup);
	print_load("at start");
	make_instance(&cfg, &lg);

	serve_start(&sv, &cfg, NULL, NULL);
	snprintf(root, sizeof(root), "http://127.0.0.1:%u", sv.port);
	token = api_login(root, &lg, NULL);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	sodium_memzero(token, strlen(token));
	free(token);
	snprintf(sk.url, sizeof(sk.url), "%s/api/v1/ledger/%" PRIu64, root, cfg.seq);
	capture(sk.url, auth, NULL, &r);
	printf("bench_http: GET /api/v1/ledger/%" PRIu64 " as the auditor (bearer token): 200, "
	       "%zu body bytes of %s, %zu headers besides those libmicrohttpd adds\n",
	       cfg.seq, r.body.len, r.content_type ? r.content_type : "no type", r.nh);

	baseline_start(&b, &cfg, &r, NULL, NULL);
	snprintf(base.url, sizeof(base.url), "http://127.0.0.1:%u/api/v1/ledger/%" PRIu64, b.port,
	         cfg.seq);
	capture(base.url, auth, NULL, &check);
	if (!response_same(&r, &check))
		bench_die("baseline", "its response differs from skydd's");
	response_release(&check);
	printf("bench_http: the baseline answers with the same headers and body bytes\n");

	compare(&cfg, &sk, &base, auth, "http");
	baseline_stop(&b);
	serve_stop(&sv);
	response_release(&r);

	if (cfg.tls)
		run_tls(&cfg, auth, &sv);
	sodium_memzero(auth, sizeof(auth));

	printf("http: best of %u rounds: skydd %.0f req/s, p99 %.2f ms; baseline %.0f req/s, p99 "
	       "%.2f ms\n",
	       cfg.rounds, sk.best.rps, sk.best_p99_ms, base.best.rps, base.best_p99_ms);
	printf("http: goal >= %.0f req/s and ratio >= %.1f: %s; goal p99 < %.0f ms: %s (p99 ratio "
	       "is baseline/value: lower latency is better)\n",
	       GOAL_RATE, GOAL_RATIO,
	       bench_met(sk.best.rps >= GOAL_RATE && sk.best.rps / base.best.rps >= GOAL_RATIO),
	       GOAL_P99_MS, bench_met(sk.best_p99_ms < GOAL_P99_MS));
	print_load("at end");
	bench_report("http_get_entry", sk.best.rps, "req/s", base.best.rps,
	             sk.best.rps / base.best.rps);
	bench_report("http_get_entry_p99", sk.best_p99_ms, "ms", base.best_p99_ms,
	             base.best_p99_ms / sk.best_p99_ms);
	if (!cfg.keep)
		bench_remove_tree(cfg.dir);
	curl_global_cleanup();
	return 0;
}
