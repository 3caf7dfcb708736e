/*
 * The CLI as an API client: which server and token to use, the session file,
 * HTTPS requests with libcurl, prompts without echo, aligned tables. Every
 * failure is one line on stderr and an exit code (cli.h).
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "cli/client.h"

#define CLIENT_MAX_RESPONSE (16u * 1024 * 1024) /* bytes; the ledger pages are far smaller */
#define CLIENT_MAX_SESSION  8192                /* bytes of the session file */
#define CLIENT_URL_MAX      1024
#define CLIENT_TOKEN_MAX    512
#define CLIENT_CONNECT_S    10
#define CLIENT_TIMEOUT_S    120 /* a whole-ledger verify can take a while */
#define CLIENT_MSG_MAX      300 /* characters of a server message we print */

struct client {
	const char *cmd;
	char url[CLIENT_URL_MAX];     /* without a trailing '/' */
	char token[CLIENT_TOKEN_MAX]; /* "" = none; zeroed on free */
	bool from_session;
	const char *cacert;
	bool insecure;
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
};

/*
 * Frees a block after zeroing all of it: request bodies and answers carry
 * passwords, tokens, TOTP secrets and recovery codes. (main.c installs the
 * same for every block jansson frees.)
 */
static void zero_free(void *p)
{
	if (!p)
		return;
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

/* ---- options ---- */

size_t client_std_opts(struct option *opts, size_t n)
{
	opts[n++] = (struct option){"json", no_argument, NULL, 'j'};
	opts[n++] = (struct option){"help", no_argument, NULL, 'h'};
	opts[n++] = (struct option){"url", required_argument, NULL, CLIENT_OPT_URL};
	opts[n++] = (struct option){"cacert", required_argument, NULL, CLIENT_OPT_CACERT};
	opts[n++] = (struct option){"insecure", no_argument, NULL, CLIENT_OPT_INSECURE};
	opts[n] = (struct option){NULL, 0, NULL, 0};
	return n;
}

bool client_opt(struct client_opts *o, int c, const char *arg)
{
	switch (c) {
	case CLIENT_OPT_URL:
		o->url = arg;
		return true;
	case CLIENT_OPT_CACERT:
		o->cacert = arg;
		return true;
	case CLIENT_OPT_INSECURE:
		o->insecure = true;
		return true;
	default:
		return false;
	}
}

int client_bad_option(const char *cmd, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	return cli_error(CLI_USAGE, "%s: unknown or incomplete option '%s' (see 'skydd %s --help')",
	                 cmd, arg, cmd);
}

int client_dispatch(const char *group, const char *usage, const struct client_sub *subs, size_t n,
                    int argc, char **argv)
{
	if (argc < 2)
		return cli_error(CLI_USAGE, "%s: give a subcommand (see 'skydd %s --help')", group,
		                 group);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	}
	return cli_error(CLI_USAGE, "%s: unknown subcommand '%s' (see 'skydd %s --help')", group,
	                 argv[1], group);
}

bool client_parse_id(const char *s, int64_t *out)
{
	uint64_t v;

	if (!cli_parse_u64(s, &v) || v == 0 || v >= (uint64_t)SK_JSON_MAX_INT)
		return false;
	*out = (int64_t)v;
	return true;
}

/* ---- URLs and tokens ---- */

static bool host_is_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;
	char tmp[64];
	size_t n = strlen(host);
	char *zone;

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n < 3 || host[0] != '[' || host[n - 1] != ']' || n - 2 >= sizeof(tmp))
		return false;
	memcpy(tmp, host + 1, n - 2);
	tmp[n - 2] = '\0';
	zone = strchr(tmp, '%');
	if (zone)
		*zone = '\0';
	if (inet_pton(AF_INET6, tmp, &a6) != 1)
		return false;
	return IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
}

/* Copies url without trailing slashes into out. False when it does not fit. */
static bool url_trim(const char *url, char *out, size_t cap)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	if (n == 0 || n >= cap)
		return false;
	memcpy(out, url, n);
	out[n] = '\0';
	return true;
}

/*
 * Checks a server URL: http or https, a host, no credentials, query or
 * fragment; plain http and --insecure only towards loopback (a password or
 * token must not cross a network in the clear or to an unverified peer).
 */
static int url_check(const char *cmd, const char *url, bool insecure, char *out, size_t cap)
{
	char *scheme = NULL, *host = NULL, *part = NULL;
	CURLU *u = curl_url();
	bool https, loop;
	int rc = CLI_USAGE;

	if (!u)
		return cli_error(CLI_USAGE, "%s: out of memory", cmd);
	if (!url_trim(url, out, cap) || curl_url_set(u, CURLUPART_URL, out, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		cli_error(CLI_USAGE,
		          "%s: '%s' is not a server URL (like https://skydd.example:8443)", cmd,
		          url);
		goto out;
	}
	https = strcmp(scheme, "https") == 0;
	if (!https && strcmp(scheme, "http") != 0) {
		cli_error(CLI_USAGE,
		          "%s: the URL must start with https:// (or http:// on loopback)", cmd);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK) {
		cli_error(CLI_USAGE, "%s: the URL must not contain a user, a query or a fragment",
		          cmd);
		goto out;
	}
	loop = host_is_loopback(host);
	if (!https && !loop) {
		cli_error(CLI_USAGE,
		          "%s: plain http:// is only allowed to a loopback address (localhost, "
		          "127.0.0.0/8, ::1); use https://",
		          cmd);
		goto out;
	}
	if (insecure && !loop) {
		cli_error(CLI_USAGE,
		          "%s: --insecure is only allowed for a loopback URL (localhost, "
		          "127.0.0.0/8, "
		          "::1); use --cacert FILE for a self-signed server",
		          cmd);
		goto out;
	}
	rc = CLI_OK;
out:
	curl_free(part);
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

/* A bearer token is printable ASCII without spaces (it goes into a header). */
static bool token_ok(const char *t)
{
	size_t n = 0;

	for (; t[n]; n++) {
		if ((unsigned char)t[n] < 0x21 || (unsigned char)t[n] > 0x7e)
			return false;
	}
	return n > 0 && n < CLIENT_TOKEN_MAX;
}

/* ---- the session file ---- */

static int config_dir(const char *cmd, char *out, size_t cap)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	int n;

	if (xdg && xdg[0] == '/') {
		n = snprintf(out, cap, "%s", xdg);
	} else {
		if (!home || home[0] != '/') {
			pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home)
			return cli_error(CLI_USAGE, "%s: no home directory: set XDG_CONFIG_HOME",
			                 cmd);
		n = snprintf(out, cap, "%s/.config", home);
	}
	if (n < 0 || (size_t)n >= cap)
		return cli_error(CLI_USAGE, "%s: the configuration path is too long", cmd);
	return CLI_OK;
}

int client_session_path(const char *cmd, char *path, size_t cap)
{
	char dir[PATH_MAX];
	int n;

	if (config_dir(cmd, dir, sizeof(dir)))
		return CLI_USAGE;
	n = snprintf(path, cap, "%s/skydd/session", dir);
	if (n < 0 || (size_t)n >= cap)
		return cli_error(CLI_USAGE, "%s: the session path is too long", cmd);
	return CLI_OK;
}

struct session {
	char url[CLIENT_URL_MAX];
	char token[CLIENT_TOKEN_MAX];
};

/*
 * Reads the session file. *found is false when there is none. Refuses a
 * symlink, a file of someone else, or one that group or others may read.
 * Returns CLI_OK or CLI_USAGE after a message.
 */
static int session_load(const char *cmd, struct session *s, bool *found)
{
	char path[PATH_MAX], text[CLIENT_MAX_SESSION];
	json_t *o = NULL, *url, *token;
	struct stat st;
	ssize_t n = 0, r;
	int fd, rc = CLI_USAGE;

	*found = false;
	memset(s, 0, sizeof(*s));
	if (client_session_path(cmd, path, sizeof(path)))
		return CLI_USAGE;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return CLI_OK;
	if (fd < 0 && errno == ELOOP)
		return cli_error(CLI_USAGE, "%s: %s is a symbolic link; refusing to use it", cmd,
		                 path);
	if (fd < 0)
		return cli_error(CLI_USAGE, "%s: cannot open %s: %s", cmd, path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != getuid()) {
		cli_error(CLI_USAGE, "%s: %s is not a regular file of yours; refusing to use it",
		          cmd, path);
		goto out_close;
	}
	if (st.st_mode & 077) {
		cli_error(
		        CLI_USAGE,
		        "%s: %s is accessible to group or others (mode %04o); refusing to use it: "
		        "run 'chmod 600 %s' if nobody else could have read it, else log in again",
		        cmd, path, (unsigned)(st.st_mode & 07777), path);
		goto out_close;
	}
	while ((size_t)n < sizeof(text) - 1) {
		r = read(fd, text + n, sizeof(text) - 1 - (size_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	o = n > 0 ? json_loadb(text, (size_t)n, JSON_REJECT_DUPLICATES, NULL) : NULL;
	url = json_object_get(o, "url");
	token = json_object_get(o, "token");
	if (!json_is_string(url) || !json_is_string(token) ||
	    !url_trim(json_string_value(url), s->url, sizeof(s->url)) ||
	    !token_ok(json_string_value(token))) {
		cli_error(CLI_USAGE, "%s: %s is damaged; run 'skydd login' again", cmd, path);
		goto out_close;
	}
	memcpy(s->token, json_string_value(token), json_string_length(token) + 1);
	*found = true;
	rc = CLI_OK;
out_close:
	json_decref(o);
	sodium_memzero(text, sizeof(text));
	close(fd);
	return rc;
}

/* Creates dir (0700) unless it exists. */
static int make_dir(const char *cmd, const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return CLI_OK;
	return cli_error(CLI_USAGE, "%s: cannot create %s: %s", cmd, dir, strerror(errno));
}

int client_session_save(const char *cmd, const char *url, const char *token)
{
	char base[PATH_MAX], dir[PATH_MAX], path[PATH_MAX], text[CLIENT_MAX_SESSION];
	json_t *o = NULL;
	struct stat st;
	size_t n;
	int fd = -1, rc = CLI_USAGE;

	if (config_dir(cmd, base, sizeof(base)) || make_dir(cmd, base))
		return CLI_USAGE;
	if (snprintf(dir, sizeof(dir), "%s/skydd", base) >= (int)sizeof(dir) ||
	    snprintf(path, sizeof(path), "%s/session", dir) >= (int)sizeof(path))
		return cli_error(CLI_USAGE, "%s: the session path is too long", cmd);
	if (make_dir(cmd, dir))
		return CLI_USAGE;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 022))
		return cli_error(CLI_USAGE,
		                 "%s: %s must be a directory of yours that nobody else can write; "
		                 "not storing the session there",
		                 cmd, dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return cli_error(CLI_USAGE, "%s: cannot write %s: %s", cmd, path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != getuid() ||
	    fchmod(fd, 0600) != 0) {
		cli_error(CLI_USAGE, "%s: %s is not a regular file of yours; not writing to it",
		          cmd, path);
		goto out;
	}
	o = json_pack("{s:s, s:s}", "url", url, "token", token);
	n = o ? json_dumpb(o, text, sizeof(text) - 1, JSON_SORT_KEYS) : 0;
	if (n == 0 || n >= sizeof(text) - 1) {
		cli_error(CLI_USAGE, "%s: cannot encode the session", cmd);
		goto out;
	}
	text[n++] = '\n';
	if (!sk_write_all(fd, text, n) || fsync(fd) != 0) {
		cli_error(CLI_USAGE, "%s: cannot write %s: %s", cmd, path, strerror(errno));
		goto out;
	}
	rc = CLI_OK;
out:
	sodium_memzero(text, sizeof(text));
	json_decref(o);
	if (close(fd) != 0 && rc == CLI_OK)
		rc = cli_error(CLI_USAGE, "%s: cannot write %s: %s", cmd, path, strerror(errno));
	if (rc)
		unlink(path); /* never leave a half-written token behind */
	return rc;
}

int client_session_remove(const char *cmd)
{
	char path[PATH_MAX];

	if (client_session_path(cmd, path, sizeof(path)))
		return CLI_USAGE;
	if (unlink(path) != 0 && errno != ENOENT)
		return cli_error(CLI_USAGE, "%s: cannot remove %s: %s", cmd, path, strerror(errno));
	return CLI_OK;
}

/* ---- the client ---- */

static int not_logged_in(const char *cmd)
{
	return cli_error(CLI_FAIL,
	                 "%s: not logged in: run 'skydd login --url URL', or set SKYDD_URL and "
	                 "SKYDD_TOKEN",
	                 cmd);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Picks the token: $SKYDD_TOKEN, else the session if it is for this server. */
static int pick_token(struct client *c, const struct session *s, bool have_s, bool need_token)
{
	const char *tok = env("SKYDD_TOKEN");

	if (tok) {
		if (!token_ok(tok))
			return cli_error(CLI_USAGE, "%s: SKYDD_TOKEN does not hold a token",
			                 c->cmd);
		memcpy(c->token, tok, strlen(tok) + 1);
	} else if (have_s && strcmp(s->url, c->url) == 0) {
		memcpy(c->token, s->token, sizeof(c->token));
		c->from_session = true;
	} else if (have_s && need_token) {
		return cli_error(CLI_USAGE,
		                 "%s: the stored session is for %s, not %s: log in there, or set "
		                 "SKYDD_TOKEN",
		                 c->cmd, s->url, c->url);
	}
	if (need_token && !c->token[0])
		return not_logged_in(c->cmd);
	return CLI_OK;
}

int client_open(const char *cmd, const struct client_opts *o, bool need_token, struct client **out)
{
	const char *url = o->url && *o->url ? o->url : env("SKYDD_URL");
	struct client *c;
	struct session s;
	bool have_s = false;
	int rc;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return cli_error(CLI_USAGE, "%s: out of memory", cmd);
	c->cmd = cmd;
	c->insecure = o->insecure;
	c->cacert = o->cacert && *o->cacert ? o->cacert : env("SKYDD_CACERT");
	memset(&s, 0, sizeof(s));
	if (c->cacert && access(c->cacert, R_OK) != 0) {
		rc = cli_error(CLI_USAGE, "%s: cannot read the CA certificate %s: %s", cmd,
		               c->cacert, strerror(errno));
		goto fail;
	}
	if (!url || !env("SKYDD_TOKEN")) {
		rc = session_load(cmd, &s, &have_s);
		if (rc)
			goto fail;
	}
	if (!url && have_s)
		url = s.url;
	if (!url) {
		rc = need_token
		             ? not_logged_in(cmd)
		             : cli_error(CLI_USAGE, "%s: give --url URL (or set SKYDD_URL)", cmd);
		goto fail;
	}
	rc = url_check(cmd, url, o->insecure, c->url, sizeof(c->url));
	if (!rc)
		rc = pick_token(c, &s, have_s, need_token);
	if (rc)
		goto fail;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(c->curl = curl_easy_init())) {
		rc = cli_error(CLI_USAGE, "%s: cannot initialise libcurl", cmd);
		goto fail;
	}
	sodium_memzero(&s, sizeof(s));
	*out = c;
	return CLI_OK;
fail:
	sodium_memzero(&s, sizeof(s));
	client_free(c);
	return rc;
}

void client_free(struct client *c)
{
	if (!c)
		return;
	if (c->curl) {
		curl_easy_cleanup(c->curl);
		curl_global_cleanup();
	}
	sodium_memzero(c, sizeof(*c));
	free(c);
}

const char *client_url(const struct client *c)
{
	return c->url;
}

bool client_token_from_session(const struct client *c)
{
	return c->from_session;
}

int client_set_token(struct client *c, const char *token)
{
	sodium_memzero(c->token, sizeof(c->token));
	c->from_session = false;
	if (!token)
		return CLI_OK;
	if (!token_ok(token))
		return cli_error(CLI_USAGE, "%s: the server sent no usable token", c->cmd);
	memcpy(c->token, token, strlen(token) + 1);
	return CLI_OK;
}

/* ---- HTTP ---- */

/* The response body, capped; grows by copying so no stale copy is left unzeroed. */
struct rbuf {
	char *p;
	size_t len, cap;
	bool over;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct rbuf *b = ctx;
	size_t len = size * nmemb, need, cap;
	char *p;

	if (len > CLIENT_MAX_RESPONSE - b->len) {
		b->over = true;
		return 0;
	}
	need = b->len + len + 1;
	if (need > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < need)
			cap *= 2;
		p = malloc(cap);
		if (!p)
			return 0;
		if (b->p)
			memcpy(p, b->p, b->len);
		zero_free(b->p);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return len;
}

/* Zeroes each header line (one holds the token) and frees the list. */
static void headers_free(struct curl_slist *h)
{
	for (struct curl_slist *x = h; x; x = x->next)
		sodium_memzero(x->data, strlen(x->data));
	curl_slist_free_all(h);
}

static struct curl_slist *headers_new(const struct client *c, bool body)
{
	struct curl_slist *h = NULL, *t;
	char auth[CLIENT_TOKEN_MAX + 32];
	bool ok = true;

	t = curl_slist_append(h, "Accept: application/json");
	ok = ok && t;
	h = t ? t : h;
	/* no "Expect: 100-continue" round trip */
	t = curl_slist_append(h, "Expect:");
	ok = ok && t;
	h = t ? t : h;
	if (body) {
		t = curl_slist_append(h, "Content-Type: application/json");
		ok = ok && t;
		h = t ? t : h;
	}
	if (c->token[0]) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->token);
		t = curl_slist_append(h, auth);
		sodium_memzero(auth, sizeof(auth));
		ok = ok && t;
		h = t ? t : h;
	}
	if (!ok) {
		headers_free(h);
		return NULL;
	}
	return h;
}

static void setup(struct client *c, const char *method, const char *url, struct curl_slist *h,
                  const char *body, size_t len, struct rbuf *rb)
{
	CURL *e = c->curl;

	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)CLIENT_CONNECT_S);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)CLIENT_TIMEOUT_S);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CLIENT_MAX_RESPONSE);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "skydd-cli/" SKYDD_VERSION);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, rb);
	curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->cacert);
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
		return;
	}
	if (strcmp(method, "POST") == 0)
		curl_easy_setopt(e, CURLOPT_POST, 1L);
	else
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body ? body : "");
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
}

static int transport_error(const struct client *c, CURLcode rc, const struct rbuf *rb)
{
	const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
	const char *hint = "";

	if (rb->over || rc == CURLE_FILESIZE_EXCEEDED)
		return cli_error(CLI_USAGE, "%s: the answer from %s is larger than %u MiB", c->cmd,
		                 c->url, CLIENT_MAX_RESPONSE >> 20);
	if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
		hint = " (for a self-signed server give --cacert FILE)";
	else if (rc == CURLE_COULDNT_CONNECT)
		hint = " (is 'skydd serve' running there?)";
	return cli_error(CLI_USAGE, "%s: cannot reach %s: %s%s", c->cmd, c->url, why, hint);
}

/* Fills the reply from the status and the body. */
static void reply_parse(struct client *c, struct rbuf *rb, struct client_reply *r)
{
	struct curl_header *h = NULL;
	json_t *err;
	uint64_t ra;
	char ef[8], em[8];

	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_header(c->curl, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK &&
	    cli_parse_u64(h->value, &ra) && ra < 86400)
		r->retry_after = (long)ra;
	if (rb->len > 0)
		r->json = sk_json_parse(rb->p, rb->len, 64, ef, sizeof(ef), em, sizeof(em));
	err = json_object_get(r->json, "error");
	if (json_is_object(err) && (r->status < 200 || r->status > 299)) {
		r->code = json_string_value(json_object_get(err, "code"));
		r->field = json_string_value(json_object_get(err, "field"));
		r->message = json_string_value(json_object_get(err, "message"));
	}
	r->code = r->code ? r->code : "";
	r->field = r->field ? r->field : "";
}

int client_send(struct client *c, const char *method, const char *path, json_t *body,
                struct client_reply *r)
{
	char url[CLIENT_URL_MAX + 256], *text = NULL;
	struct rbuf rb = {NULL, 0, 0, false};
	struct curl_slist *h;
	size_t len = 0;
	CURLcode cc;
	int rc = CLI_OK;

	memset(r, 0, sizeof(*r));
	if (snprintf(url, sizeof(url), "%s%s", c->url, path) >= (int)sizeof(url))
		return cli_error(CLI_USAGE, "%s: the request URL is too long", c->cmd);
	if (body) {
		len = json_dumpb(body, NULL, 0, JSON_COMPACT);
		text = len ? malloc(len) : NULL;
		if (!text || json_dumpb(body, text, len, JSON_COMPACT) != len) {
			zero_free(text);
			return cli_error(CLI_USAGE, "%s: cannot encode the request", c->cmd);
		}
	}
	h = headers_new(c, body != NULL);
	if (!h) {
		zero_free(text);
		return cli_error(CLI_USAGE, "%s: out of memory", c->cmd);
	}
	c->errbuf[0] = '\0';
	setup(c, method, url, h, text, len, &rb);
	cc = curl_easy_perform(c->curl);
	if (cc != CURLE_OK)
		rc = transport_error(c, cc, &rb);
	else
		reply_parse(c, &rb, r);
	headers_free(h);
	if (text)
		sodium_memzero(text, len);
	zero_free(text);
	zero_free(rb.p);
	return rc;
}

int client_get_bytes(struct client *c, const char *path, char **out, size_t *len)
{
	char url[CLIENT_URL_MAX + 256];
	struct rbuf rb = {NULL, 0, 0, false};
	struct client_reply r;
	struct curl_slist *h;
	CURLcode cc;
	int rc = CLI_OK;

	*out = NULL;
	*len = 0;
	memset(&r, 0, sizeof(r));
	if (snprintf(url, sizeof(url), "%s%s", c->url, path) >= (int)sizeof(url))
		return cli_error(CLI_USAGE, "%s: the request URL is too long", c->cmd);
	h = headers_new(c, false);
	if (!h)
		return cli_error(CLI_USAGE, "%s: out of memory", c->cmd);
	c->errbuf[0] = '\0';
	setup(c, "GET", url, h, NULL, 0, &rb);
	cc = curl_easy_perform(c->curl);
	headers_free(h);
	if (cc != CURLE_OK) {
		rc = transport_error(c, cc, &rb);
	} else {
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r.status);
		if (r.status >= 200 && r.status <= 299) {
			*out = rb.p ? rb.p : calloc(1, 1);
			*len = rb.len;
			return *out ? CLI_OK : cli_error(CLI_USAGE, "%s: out of memory", c->cmd);
		}
		reply_parse(c, &rb, &r);
		rc = client_refused(c, &r);
		client_reply_release(&r);
	}
	zero_free(rb.p);
	return rc;
}

int client_download(const char *cmd, const struct client_opts *co, const char *path,
                    const char *output, const char *kind)
{
	struct client *cl = NULL;
	char *bytes = NULL;
	size_t len = 0;
	int rc, fd;

	rc = client_open(cmd, co, true, &cl);
	if (!rc)
		rc = client_get_bytes(cl, path, &bytes, &len);
	client_free(cl);
	if (rc)
		return rc;
	if (output) {
		fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			free(bytes);
			return cli_error(CLI_USAGE, "%s: cannot write %s: %s", cmd, output,
			                 strerror(errno));
		}
		rc = write(fd, bytes, len) == (ssize_t)len && fsync(fd) == 0 ? CLI_OK : CLI_USAGE;
		close(fd);
		if (rc) {
			free(bytes);
			return cli_error(CLI_USAGE, "%s: cannot write %s", cmd, output);
		}
		if (kind)
			printf("wrote %zu bytes (%s) to %s; the export is in the ledger\n", len,
			       kind, output);
		else
			printf("wrote %zu bytes to %s; the export is in the ledger\n", len, output);
	} else if (fwrite(bytes, 1, len, stdout) != len || fflush(stdout) != 0) {
		rc = cli_error(CLI_USAGE, "%s: cannot write to standard output", cmd);
	}
	free(bytes);
	return rc;
}

void client_reply_release(struct client_reply *r)
{
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

static void fputs_safe(FILE *f, const char *s, size_t max)
{
	for (size_t i = 0; s[i] && i < max; i++) {
		unsigned char ch = (unsigned char)s[i];

		fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
	}
}

void client_puts_safe(const char *s)
{
	fputs_safe(stdout, s, SIZE_MAX);
}

void client_eputs_safe(const char *s)
{
	fputs_safe(stderr, s, CLIENT_MSG_MAX);
}

int client_refused(const struct client *c, const struct client_reply *r)
{
	char fallback[96];
	const char *msg = r->message;

	if (!msg || !*msg) {
		snprintf(fallback, sizeof(fallback), "the server answered HTTP %ld%s", r->status,
		         r->status >= 300 && r->status < 400 ? " (a redirect: give the final URL)"
		                                             : "");
		msg = fallback;
	}
	fprintf(stderr, "skydd: %s: ", c->cmd);
	fputs_safe(stderr, msg, CLIENT_MSG_MAX);
	if (r->field && *r->field) {
		fputs(" (", stderr);
		fputs_safe(stderr, r->field, 64);
		fputc(')', stderr);
	}
	fputc('\n', stderr);
	if (r->status == 400 || r->status == 405 || r->status == 413 || r->status == 415)
		return CLI_USAGE;
	if (r->status >= 400 && r->status < 500)
		return CLI_FAIL;
	return CLI_USAGE;
}

int client_call(struct client *c, const char *method, const char *path, json_t *body, json_t **out)
{
	struct client_reply r;
	int rc;

	*out = NULL;
	rc = client_send(c, method, path, body, &r);
	if (rc)
		return rc;
	if (r.status < 200 || r.status > 299) {
		rc = client_refused(c, &r);
	} else if (!r.json && r.status != 204) {
		rc = cli_error(CLI_USAGE, "%s: the server's answer is not JSON (HTTP %ld)", c->cmd,
		               r.status);
	} else {
		*out = r.json;
		r.json = NULL;
	}
	client_reply_release(&r);
	return rc;
}

/* ---- prompts ---- */

static int tty_fd = -1;
static struct termios tty_saved;
static volatile sig_atomic_t tty_dirty;

/* Puts the echo back before a signal ends the program during a secret prompt. */
static void on_signal(int sig)
{
	if (tty_dirty) {
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
		if (write(tty_fd, "\n", 1) < 0)
			tty_dirty = 0;
	}
	raise(sig); /* SA_RESETHAND: the default action, once the handler returns */
}

static void signals(bool catch, struct sigaction old[3])
{
	static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++) {
		if (catch)
			sigaction(sigs[i], &sa, &old[i]);
		else
			sigaction(sigs[i], &old[i], NULL);
	}
}

/* Reads up to '\n' or the end of input byte by byte (nothing is buffered beyond the line). */
static int read_line(int fd, char *out, size_t cap)
{
	bool over = false, any = false;
	size_t n = 0;
	ssize_t r;
	char ch;

	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return SK_EIO;
		if (r == 0) {
			if (!any)
				return SK_ENOTFOUND;
			break;
		}
		any = true;
		if (ch == '\n')
			break;
		if (n + 1 < cap)
			out[n++] = ch;
		else
			over = true;
	}
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	sodium_memzero(&ch, sizeof(ch));
	return over ? SK_ETOOBIG : SK_OK;
}

bool client_interactive(void)
{
	return isatty(STDIN_FILENO) == 1;
}

/* Reads from the terminal, with the echo off for a secret. */
static int tty_line(const char *prompt, bool secret, char *out, size_t cap)
{
	struct sigaction old[3];
	struct termios t;
	bool quiet = false;
	int fd, rc;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return SK_EIO;
	if (secret && tcgetattr(fd, &tty_saved) == 0) {
		t = tty_saved;
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
		t.c_lflag |= ECHONL;
		tty_fd = fd;
		signals(true, old);
		tty_dirty = 1;
		quiet = tcsetattr(fd, TCSAFLUSH, &t) == 0;
	}
	if (sk_write_all(fd, prompt, strlen(prompt)))
		rc = read_line(fd, out, cap);
	else
		rc = SK_EIO;
	if (secret && tty_fd == fd) {
		if (quiet)
			tcsetattr(fd, TCSAFLUSH, &tty_saved);
		tty_dirty = 0;
		signals(false, old);
		tty_fd = -1;
	}
	close(fd);
	return rc;
}

int client_prompt(const char *cmd, const char *prompt, bool secret, char *out, size_t cap)
{
	int rc;

	if (client_interactive())
		rc = tty_line(prompt, secret, out, cap);
	else
		rc = read_line(STDIN_FILENO, out, cap);
	if (rc == SK_OK)
		return CLI_OK;
	sodium_memzero(out, cap);
	if (rc == SK_ETOOBIG)
		return cli_error(CLI_USAGE, "%s: the answer is too long (at most %zu bytes)", cmd,
		                 cap - 1);
	if (rc == SK_ENOTFOUND)
		return cli_error(CLI_USAGE, "%s: no answer to '%s' (end of input)", cmd, prompt);
	return cli_error(CLI_USAGE, "%s: cannot read the terminal: %s", cmd, strerror(errno));
}

/* ---- output ---- */

const char *client_field(json_t *o, const char *key, char *out, size_t cap)
{
	json_t *v = json_object_get(o, key), *x;
	size_t i, n = 0;

	snprintf(out, cap, "-");
	if (json_is_string(v) && json_string_length(v) > 0) {
		snprintf(out, cap, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(out, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_boolean(v)) {
		snprintf(out, cap, "%s", json_is_true(v) ? "yes" : "no");
	} else if (json_is_array(v) && json_array_size(v) > 0) {
		json_array_foreach(v, i, x)
		{
			int w = snprintf(out + n, cap - n, "%s%s", i ? ", " : "",
			                 json_is_string(x) ? json_string_value(x) : "?");

			if (w < 0 || (size_t)w >= cap - n)
				break;
			n += (size_t)w;
		}
	}
	return out;
}

void client_kv(const char *key, const char *value)
{
	printf("%-12s ", key);
	client_puts_safe(value);
	putchar('\n');
}

/* Characters on screen: UTF-8 code points (no wide or combining ones in our data). */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

void client_table_init(struct client_table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

void client_table_row(struct client_table *t, const char *const *cells)
{
	size_t need;
	char **p;

	if (t->err)
		return;
	if (!sk_add_ok(t->nrows, 1, &need) || !sk_mul_ok(need, t->ncols, &need)) {
		t->err = SK_ERANGE;
		return;
	}
	if (need > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : t->ncols * 16;

		while (cap < need)
			cap *= 2;
		p = reallocarray(t->cells, cap, sizeof(*p));
		if (!p) {
			t->err = SK_ENOMEM;
			return;
		}
		t->cells = p;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		p = &t->cells[t->nrows * t->ncols + i];
		*p = strdup(cells[i] ? cells[i] : "-");
		if (!*p)
			t->err = SK_ENOMEM;
	}
	t->nrows++;
}

void client_table_print(const struct client_table *t)
{
	size_t w[16] = {0};

	if (t->err || t->ncols > 16) {
		fputs("skydd: cannot build the table (out of memory)\n", stderr);
		return;
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t i = 0; i < t->ncols; i++) {
			const char *s = t->cells[r * t->ncols + i];

			if (s && width(s) > w[i])
				w[i] = width(s);
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t i = 0; i < t->ncols; i++) {
			const char *s = t->cells[r * t->ncols + i];

			s = s ? s : "-";
			client_puts_safe(s);
			if (i + 1 < t->ncols)
				printf("%*s", (int)(w[i] - width(s) + 2), "");
		}
		putchar('\n');
	}
}

void client_table_release(struct client_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

void client_body_str(json_t *body, const char *key, const char *value)
{
	if (value)
		json_object_set_new(body, key, json_string(value));
}

void client_query_add(struct buf *b, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	if (!value)
		return;
	buf_putc(b, strchr(b->ptr ? b->ptr : "", '?') ? '&' : '?');
	buf_puts(b, key);
	buf_putc(b, '=');
	for (; *value; value++) {
		unsigned char ch = (unsigned char)*value;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			buf_putc(b, (char)ch);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[ch >> 4]);
			buf_putc(b, hex[ch & 15]);
		}
	}
}

void client_table_json(json_t *arr, size_t ncols, const char *const *head, const char *const *keys,
                       size_t cell_cap)
{
	char v[16][512];
	const char *row[16];
	struct client_table t;
	json_t *x;
	size_t i;

	assert(ncols <= 16 && cell_cap <= sizeof(v[0]));
	client_table_init(&t, ncols);
	client_table_row(&t, head);
	json_array_foreach(arr, i, x)
	{
		for (size_t k = 0; k < ncols; k++)
			row[k] = client_field(x, keys[k], v[k], cell_cap);
		client_table_row(&t, row);
	}
	client_table_print(&t);
	client_table_release(&t);
}

int client_parse_args(int argc, char **argv, const struct option *opts, const char *cmd,
                      const char *usage, struct client_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (client_opt(&a->co, c, optarg))
			continue;
		if (c >= CLIENT_VALUE(0) && c < CLIENT_VALUE(CLIENT_MAX_VALUES)) {
			/* a flag (no argument) is there or not: "" when given */
			a->values[c - CLIENT_VALUE(0)] = optarg ? optarg : "";
			continue;
		}
		switch (c) {
		case 'j':
			a->json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	for (; optind < argc; optind++) {
		if (a->id)
			return cli_error(CLI_USAGE, "%s: unexpected argument '%s'", cmd,
			                 argv[optind]);
		a->id = argv[optind];
	}
	return CLI_OK;
}

int client_call_show(const char *cmd, const struct client_args *a, const char *method,
                     const char *path, json_t *body, void (*show)(json_t *reply))
{
	struct client *cl = NULL;
	json_t *o = NULL;
	int rc;

	rc = client_open(cmd, &a->co, true, &cl);
	if (!rc)
		rc = client_call(cl, method, path, body, &o);
	if (!rc && a->json)
		cli_print_json(o);
	else if (!rc)
		show(o);
	json_decref(o);
	client_free(cl);
	return rc;
}
