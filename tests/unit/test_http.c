/*
 * The HTTP server core against a real client (libcurl): echo of method, path,
 * body, query, cookie and header; body limits and 413; security headers;
 * TLS and HSTS; listen rules; the access log; draining shutdown; static paths.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "embedded.h"
#include "http/http.h"

static atomic_int handler_calls;
static char tmpdir[64];
static char cert_path[128], key_path[128], other_key_path[128];
static bool have_tls;

/* ---- the test application ---- */

static int collect_key(void *ctx, const char *key, const char *value)
{
	(void)value;
	json_array_append_new(ctx, json_string(key));
	return 0;
}

static int stop_at_x(void *ctx, const char *key, const char *value)
{
	(void)ctx;
	(void)value;
	return strcmp(key, "x") == 0 ? 7 : 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void echo_handler(void *ctx, struct http_req *req, struct http_resp *resp)
{
	json_t *keys = json_array(), *o;
	char *text;

	(void)ctx;
	atomic_fetch_add(&handler_calls, 1);
	if (strcmp(req->path, "/slow") == 0)
		sleep_ms(200);
	if (strcmp(req->path, "/missing") == 0) {
		resp->status = 404;
		buf_puts(&resp->body, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such "
		                      "route\",\"field\":null}}");
		json_decref(keys);
		return;
	}
	if (strcmp(req->path, "/nostatus") == 0) {
		json_decref(keys);
		return;
	}
	if (strcmp(req->path, "/static") == 0) {
		static const unsigned char page[] = "<p>hej</p>";

		resp->status = 200;
		resp->static_body = page;
		resp->static_len = sizeof(page) - 1;
		resp->content_type = "text/html; charset=utf-8";
		json_decref(keys);
		return;
	}
	if (strcmp(req->path, "/actor") == 0)
		req->actor = 42;
	if (strcmp(req->path, "/token") == 0) {
		req->actor = 42;
		req->token = 7;
	}
	http_req_query_each(req, collect_key, keys);
	o = json_pack("{s:s, s:s, s:I, s:s?, s:s?, s:s?, s:s?, s:b, s:b, s:o, s:i}", "method",
	              req->method, "path", req->path, "body_len", (json_int_t)req->body_len, "q",
	              http_req_query(req, "q"), "flag", http_req_query(req, "flag"), "cookie",
	              http_req_cookie(req, "c"), "header", http_req_header(req, "x-test"), "tls",
	              req->tls, "absent", http_req_query(req, "absent") == NULL, "keys", keys,
	              "stop", http_req_query_each(req, stop_at_x, NULL));
	json_object_set_new(o, "remote", json_string(req->remote));
	if (req->body && req->body_len < 4096)
		json_object_set_new(o, "body", json_stringn(req->body, req->body_len));
	/* header rules: injection, framing headers, capacity */
	json_object_set_new(o, "h_crlf",
	                    json_integer(http_resp_header(resp, "X-Bad", "a\r\nSet-Cookie: x")));
	json_object_set_new(o, "h_name", json_integer(http_resp_header(resp, "X Bad", "a")));
	json_object_set_new(o, "h_len",
	                    json_integer(http_resp_header(resp, "Content-Length", "1")));
	text = json_dumps(o, JSON_COMPACT);
	buf_puts(&resp->body, text);
	free(text);
	json_decref(o);
	http_resp_header(resp, "X-Echo", "1");
	resp->status = 200;
}

static size_t limit_8k_unless_big(void *ctx, const struct http_req *req)
{
	(void)ctx;
	return http_req_header(req, "X-Big") ? HTTP_MAX_BODY : HTTP_MAX_BODY_ANON;
}

/* ---- the client ---- */

struct reply {
	long status;
	CURLcode err;
	struct buf head;
	struct buf body;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	return buf_append(ud, p, size * n) == SK_OK ? size * n : 0;
}

struct upload {
	size_t left;
};

static size_t on_read(char *p, size_t size, size_t n, void *ud)
{
	struct upload *u = ud;
	size_t k = size * n < u->left ? size * n : u->left;

	memset(p, 'u', k);
	u->left -= k;
	return k;
}

struct req_opts {
	const char *method;
	const char *body;
	size_t body_len;
	const char *cookie;
	const char *header1;
	const char *header2;
	size_t chunked; /* a chunked upload of this many bytes */
	bool tls;
	long tls_version; /* CURL_SSLVERSION_* or 0 */
};

static void reply_release(struct reply *r)
{
	buf_release(&r->head);
	buf_release(&r->body);
}

static void request(unsigned port, const char *path, const struct req_opts *o, struct reply *r)
{
	char *url, resolve_s[64];
	size_t url_cap = strlen(path) + 64;
	struct curl_slist *hdrs = NULL, *resolve = NULL;
	struct upload up = {o ? o->chunked : 0};
	struct req_opts none = {0};
	CURL *c = curl_easy_init();

	if (!o)
		o = &none;
	memset(r, 0, sizeof(*r));
	buf_init(&r->head, 1 << 20);
	buf_init(&r->body, 1 << 24);
	url = malloc(url_cap);
	assert_non_null(c);
	assert_non_null(url);
	snprintf(url, url_cap, "%s://%s:%u%s", o->tls ? "https" : "http",
	         o->tls ? "localhost" : "127.0.0.1", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->head);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	if (o->tls) {
		snprintf(resolve_s, sizeof(resolve_s), "localhost:%u:127.0.0.1", port);
		resolve = curl_slist_append(NULL, resolve_s);
		curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
		curl_easy_setopt(c, CURLOPT_CAINFO, cert_path);
		if (o->tls_version)
			curl_easy_setopt(c, CURLOPT_SSLVERSION, o->tls_version);
	}
	if (o->method && strcmp(o->method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (o->method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, o->method);
	if (o->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, o->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)o->body_len);
	}
	if (o->chunked) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &up);
		hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
	}
	if (o->cookie)
		curl_easy_setopt(c, CURLOPT_COOKIE, o->cookie);
	if (o->header1)
		hdrs = curl_slist_append(hdrs, o->header1);
	if (o->header2)
		hdrs = curl_slist_append(hdrs, o->header2);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	r->err = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
	curl_slist_free_all(resolve);
	curl_easy_cleanup(c);
	free(url);
}

/* Is "name: value" among the response headers (name case-insensitive)? */
static bool has_header(const struct reply *r, const char *name, const char *value)
{
	char want[512];

	snprintf(want, sizeof(want), "\n%s: %s\r\n", name, value ? value : "");
	if (!value) {
		snprintf(want, sizeof(want), "\n%s:", name);
		return r->head.ptr && strcasestr(r->head.ptr, want);
	}
	return r->head.ptr && strcasestr(r->head.ptr, want);
}

static void assert_security_headers(const struct reply *r, bool tls)
{
	assert_true(has_header(r, "Content-Security-Policy",
	                       "default-src 'none'; script-src 'self'; style-src 'self'; img-src "
	                       "'self' data:; connect-src 'self'; font-src 'self'; form-action "
	                       "'self'; base-uri 'none'; frame-ancestors 'none'"));
	assert_true(has_header(r, "X-Content-Type-Options", "nosniff"));
	assert_true(has_header(r, "Referrer-Policy", "no-referrer"));
	assert_true(has_header(r, "X-Frame-Options", "DENY"));
	assert_true(has_header(r, "Cross-Origin-Opener-Policy", "same-origin"));
	assert_true(has_header(r, "Cross-Origin-Resource-Policy", "same-origin"));
	assert_true(
	        has_header(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=()"));
	if (tls)
		assert_true(has_header(r, "Strict-Transport-Security",
		                       "max-age=63072000; includeSubDomains"));
	else
		assert_false(has_header(r, "Strict-Transport-Security", NULL));
}

/* The JSON body of r, or a failed test. */
static json_t *reply_json(const struct reply *r)
{
	json_error_t e;
	json_t *j;

	assert_non_null(r->body.ptr);
	j = json_loadb(r->body.ptr, r->body.len, 0, &e);
	if (!j)
		fail_msg("not JSON: %s", r->body.ptr);
	return j;
}

static void assert_error(const struct reply *r, long status, const char *code)
{
	json_t *j;

	assert_int_equal(r->err, CURLE_OK);
	assert_int_equal(r->status, status);
	assert_true(has_header(r, "Content-Type", "application/json; charset=utf-8"));
	assert_true(has_header(r, "Cache-Control", "no-store"));
	j = reply_json(r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
	                    code);
	assert_non_null(json_string_value(json_object_get(json_object_get(j, "error"), "message")));
	assert_true(json_is_null(json_object_get(json_object_get(j, "error"), "field")));
	json_decref(j);
}

/* ---- fixtures ---- */

static int group_setup(void **state)
{
	char cmd[1024];

	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/skydd-test-http-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", tmpdir);
	snprintf(key_path, sizeof(key_path), "%s/key.pem", tmpdir);
	snprintf(other_key_path, sizeof(other_key_path), "%s/other.pem", tmpdir);
	snprintf(cmd, sizeof(cmd),
	         "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
	         "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout %s -out %s "
	         ">/dev/null 2>&1 && openssl genpkey -algorithm EC -pkeyopt "
	         "ec_paramgen_curve:P-256 -out %s >/dev/null 2>&1",
	         key_path, cert_path, other_key_path);
	have_tls = system(cmd) == 0;
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	curl_global_cleanup();
	return 0;
}

static struct http_server *start(struct http_server_opts *o)
{
	struct http_server *s = NULL;
	char why[256];
	int rc;

	if (!o->listen)
		o->listen = "127.0.0.1:0";
	o->handler = echo_handler;
	if (!o->threads)
		o->threads = 4;
	rc = http_server_start(o, &s, why, sizeof(why));
	if (rc != SK_OK)
		fail_msg("start: %s (%s)", sk_strerror(rc), why);
	assert_true(http_server_port(s) > 0);
	return s;
}

/* ---- tests ---- */

static void test_get_query_cookie_header(void **state)
{
	struct http_server_opts o = {0};
	struct http_server *s;
	struct reply r;
	json_t *j;

	(void)state;
	s = start(&o);
	request(http_server_port(s), "/echo?q=hej%20d%C3%A5&flag&x=1&z=2",
	        &(struct req_opts){.cookie = "a=1; c=kaka; d=2", .header1 = "X-Test: värde"}, &r);
	assert_int_equal(r.err, CURLE_OK);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type", "application/json; charset=utf-8"));
	assert_true(has_header(&r, "Cache-Control", "no-store"));
	assert_true(has_header(&r, "X-Echo", "1"));
	assert_false(has_header(&r, "X-Bad", NULL));
	assert_security_headers(&r, false);
	j = reply_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "method")), "GET");
	assert_string_equal(json_string_value(json_object_get(j, "path")), "/echo");
	assert_string_equal(json_string_value(json_object_get(j, "q")), "hej då");
	assert_string_equal(json_string_value(json_object_get(j, "flag")), "");
	assert_true(json_is_true(json_object_get(j, "absent")));
	assert_string_equal(json_string_value(json_object_get(j, "cookie")), "kaka");
	assert_string_equal(json_string_value(json_object_get(j, "header")), "värde");
	assert_string_equal(json_string_value(json_object_get(j, "remote")), "127.0.0.1");
	assert_true(json_is_false(json_object_get(j, "tls")));
	assert_int_equal(json_integer_value(json_object_get(j, "body_len")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "keys")), 4);
	assert_int_equal(json_integer_value(json_object_get(j, "stop")), 7);
	assert_int_equal(json_integer_value(json_object_get(j, "h_crlf")), SK_EINVAL);
	assert_int_equal(json_integer_value(json_object_get(j, "h_name")), SK_EINVAL);
	assert_int_equal(json_integer_value(json_object_get(j, "h_len")), SK_EINVAL);
	json_decref(j);
	reply_release(&r);

	/* HEAD reaches the handler as GET; only the headers come back */
	request(http_server_port(s), "/echo", &(struct req_opts){.method = "HEAD"}, &r);
	assert_int_equal(r.err, CURLE_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	assert_security_headers(&r, false);
	reply_release(&r);
	http_server_stop(s);
}

static void test_post_body(void **state)
{
	struct http_server_opts o = {0};
	struct http_server *s;
	struct reply r;
	json_t *j;
	static const char body[] = "{\"username\":\"anna\"}";

	(void)state;
	s = start(&o);
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.method = "POST", .body = body, .body_len = strlen(body)}, &r);
	assert_int_equal(r.status, 200);
	j = reply_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "method")), "POST");
	assert_int_equal(json_integer_value(json_object_get(j, "body_len")), strlen(body));
	assert_string_equal(json_string_value(json_object_get(j, "body")), body);
	json_decref(j);
	reply_release(&r);

	/* a chunked body under the limit arrives whole */
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.method = "PATCH", .chunked = 100000}, &r);
	assert_int_equal(r.status, 200);
	j = reply_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "method")), "PATCH");
	assert_int_equal(json_integer_value(json_object_get(j, "body_len")), 100000);
	json_decref(j);
	reply_release(&r);

	/* a body on DELETE is the application's business */
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.method = "DELETE", .body = "x", .body_len = 1}, &r);
	assert_int_equal(r.status, 200);
	j = reply_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "body_len")), 1);
	json_decref(j);
	reply_release(&r);
	http_server_stop(s);
}

static void test_body_limits(void **state)
{
	struct http_server_opts o = {.body_limit = limit_8k_unless_big};
	struct http_server *s;
	struct reply r;
	char *big = malloc(HTTP_MAX_BODY + 1);
	json_t *j;
	int before;

	(void)state;
	assert_non_null(big);
	memset(big, 'b', HTTP_MAX_BODY + 1);
	s = start(&o);

	/* exactly the limit is fine */
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.method = "POST", .body = big, .body_len = HTTP_MAX_BODY_ANON},
	        &r);
	assert_int_equal(r.status, 200);
	j = reply_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "body_len")), HTTP_MAX_BODY_ANON);
	json_decref(j);
	reply_release(&r);

	/* one byte over: 413 from the Content-Length, the handler never runs */
	before = atomic_load(&handler_calls);
	request(http_server_port(s), "/echo",
	        &(struct req_opts){
	                .method = "POST", .body = big, .body_len = HTTP_MAX_BODY_ANON + 1},
	        &r);
	assert_error(&r, 413, "too_large");
	assert_security_headers(&r, false);
	assert_non_null(strstr(r.body.ptr, "request body over 8192 bytes"));
	reply_release(&r);

	/* the same without "Expect: 100-continue": the body is already on its way */
	request(http_server_port(s), "/echo",
	        &(struct req_opts){
	                .method = "PUT", .body = big, .body_len = 9000, .header1 = "Expect:"},
	        &r);
	assert_error(&r, 413, "too_large");
	reply_release(&r);

	/* chunked: no length up front, stopped once the bytes pass the limit */
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.method = "POST", .chunked = 20000}, &r);
	assert_error(&r, 413, "too_large");
	assert_security_headers(&r, false);
	reply_release(&r);
	/* a chunked flood is cut off rather than read to its end */
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.method = "POST", .chunked = 64 * 1024 * 1024}, &r);
	assert_true(r.err != CURLE_OK || r.status == 413);
	reply_release(&r);
	assert_int_equal(atomic_load(&handler_calls), before);

	/* the callback sees the headers: with X-Big the limit is 1 MiB */
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.method = "POST",
	                           .body = big,
	                           .body_len = HTTP_MAX_BODY,
	                           .header1 = "X-Big: 1"},
	        &r);
	assert_int_equal(r.status, 200);
	j = reply_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "body_len")), HTTP_MAX_BODY);
	json_decref(j);
	reply_release(&r);
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.method = "POST",
	                           .body = big,
	                           .body_len = HTTP_MAX_BODY + 1,
	                           .header1 = "X-Big: 1"},
	        &r);
	assert_error(&r, 413, "too_large");
	assert_non_null(strstr(r.body.ptr, "request body over 1048576 bytes"));
	reply_release(&r);
	assert_int_equal(atomic_load(&handler_calls), before + 1);
	http_server_stop(s);
	free(big);
}

static void test_default_limit(void **state)
{
	struct http_server_opts o = {0};
	struct http_server *s;
	struct reply r;
	char *big = calloc(1, HTTP_MAX_BODY + 1);

	(void)state;
	assert_non_null(big);
	s = start(&o);
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.method = "POST", .body = big, .body_len = HTTP_MAX_BODY + 1},
	        &r);
	assert_error(&r, 413, "too_large");
	reply_release(&r);
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.method = "POST", .body = big, .body_len = 10000}, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	http_server_stop(s);
	free(big);
}

static void test_errors_have_headers(void **state)
{
	struct http_server_opts o = {0};
	struct http_server *s;
	struct reply r;
	int before;

	(void)state;
	s = start(&o);
	request(http_server_port(s), "/missing", NULL, &r);
	assert_error(&r, 404, "not_found");
	assert_security_headers(&r, false);
	reply_release(&r);

	before = atomic_load(&handler_calls);
	request(http_server_port(s), "/echo", &(struct req_opts){.method = "BREW"}, &r);
	assert_error(&r, 405, "method_not_allowed");
	assert_true(has_header(&r, "Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"));
	assert_security_headers(&r, false);
	reply_release(&r);
	request(http_server_port(s), "/echo", &(struct req_opts){.method = "TRACE"}, &r);
	assert_error(&r, 405, "method_not_allowed");
	reply_release(&r);
	request(http_server_port(s), "/echo", &(struct req_opts){.method = "get"}, &r);
	assert_error(&r, 405, "method_not_allowed");
	reply_release(&r);

	/* a path that does not decode to UTF-8, or hides a NUL */
	request(http_server_port(s), "/a%ff", NULL, &r);
	assert_error(&r, 400, "bad_path");
	assert_security_headers(&r, false);
	reply_release(&r);
	request(http_server_port(s), "/echo%00.json", NULL, &r);
	assert_error(&r, 400, "bad_path");
	reply_release(&r);
	request(http_server_port(s), "/%C0%AF", NULL, &r);
	assert_error(&r, 400, "bad_path");
	reply_release(&r);
	assert_int_equal(atomic_load(&handler_calls), before);

	/* a handler that forgets the status answers 500, not garbage */
	request(http_server_port(s), "/nostatus", NULL, &r);
	assert_error(&r, 500, "internal");
	assert_security_headers(&r, false);
	reply_release(&r);

	/* static bodies may be revalidated, everything else is not stored */
	request(http_server_port(s), "/static", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Cache-Control", "no-cache"));
	assert_true(has_header(&r, "Content-Type", "text/html; charset=utf-8"));
	assert_security_headers(&r, false);
	assert_string_equal(r.body.ptr, "<p>hej</p>");
	reply_release(&r);

	/* an over-long URL is refused by libmicrohttpd itself, and the server lives on */
	{
		char *path = malloc(70000);

		assert_non_null(path);
		path[0] = '/';
		memset(path + 1, 'a', 69998);
		path[69999] = '\0';
		request(http_server_port(s), path, NULL, &r);
		assert_true(r.err != CURLE_OK || r.status >= 400);
		reply_release(&r);
		free(path);
	}
	request(http_server_port(s), "/echo", NULL, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	http_server_stop(s);
}

static void test_tls(void **state)
{
	struct http_server_opts o = {.tls_cert = cert_path, .tls_key = key_path};
	struct http_server *s;
	struct reply r;
	json_t *j;

	(void)state;
	if (!have_tls)
		skip();
	s = start(&o);
	request(http_server_port(s), "/echo", &(struct req_opts){.tls = true}, &r);
	assert_int_equal(r.err, CURLE_OK);
	assert_int_equal(r.status, 200);
	assert_security_headers(&r, true);
	j = reply_json(&r);
	assert_true(json_is_true(json_object_get(j, "tls")));
	json_decref(j);
	reply_release(&r);

	request(http_server_port(s), "/missing", &(struct req_opts){.tls = true}, &r);
	assert_error(&r, 404, "not_found");
	assert_security_headers(&r, true);
	reply_release(&r);

	/* TLS 1.2 and 1.3 are spoken; older versions are not */
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.tls = true,
	                           .tls_version =
	                                   CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2},
	        &r);
	assert_int_equal(r.err, CURLE_OK);
	reply_release(&r);
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.tls = true, .tls_version = CURL_SSLVERSION_TLSv1_3}, &r);
	assert_int_equal(r.err, CURLE_OK);
	reply_release(&r);
	request(http_server_port(s), "/echo",
	        &(struct req_opts){.tls = true,
	                           .tls_version =
	                                   CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_1},
	        &r);
	assert_true(r.err != CURLE_OK);
	reply_release(&r);

	/* plain HTTP to the TLS port gets nothing useful */
	request(http_server_port(s), "/echo", NULL, &r);
	assert_true(r.err != CURLE_OK || r.status != 200);
	reply_release(&r);
	http_server_stop(s);

	/* with TLS any address may be used */
	o = (struct http_server_opts){
	        .listen = "0.0.0.0:0", .tls_cert = cert_path, .tls_key = key_path};
	s = start(&o);
	request(http_server_port(s), "/echo", &(struct req_opts){.tls = true}, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	http_server_stop(s);
}

static void test_tls_bad_files(void **state)
{
	struct http_server *s = NULL;
	char why[256], link[160];
	struct http_server_opts o = {.listen = "127.0.0.1:0", .handler = echo_handler};

	(void)state;
	if (!have_tls)
		skip();
	/* a symlinked key is refused (O_NOFOLLOW) */
	snprintf(link, sizeof(link), "%s/link.pem", tmpdir);
	assert_int_equal(symlink(key_path, link), 0);
	o.tls_cert = cert_path;
	o.tls_key = link;
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EIO);
	assert_null(s);
	assert_true(why[0] != '\0');
	/* a key that does not belong to the certificate */
	o.tls_key = other_key_path;
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EIO);
	assert_non_null(strstr(why, "TLS"));
	/* missing files, a directory, one without the other */
	o.tls_key = "/nonexistent/key.pem";
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EIO);
	o.tls_key = tmpdir;
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EIO);
	o.tls_key = NULL;
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EINVAL);
	assert_true(why[0] != '\0');
	/* the certificate given as the key */
	o.tls_key = cert_path;
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EIO);
	assert_null(s);
}

static void test_listen_rules(void **state)
{
	static const char *const bad[] = {"",
	                                  "1.2.3.4",
	                                  "host:99999",
	                                  "[::1",
	                                  "a:b",
	                                  ":80",
	                                  "1.2.3.4:",
	                                  "1.2.3.4:-1",
	                                  "1.2.3.4:+80",
	                                  "::1:80",
	                                  "[::1]80",
	                                  "[::1]:",
	                                  "127.1:80",
	                                  "2130706433:80",
	                                  "[localhost]:80",
	                                  "1.2.3.4:080800",
	                                  "127.0.0.1:8 0",
	                                  "[]:80"};
	struct http_server_opts o = {.handler = echo_handler};
	struct http_server *s = NULL;
	char why[256];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.listen = bad[i];
		why[0] = '\0';
		rc = http_server_start(&o, &s, why, sizeof(why));
		if (rc != SK_EINVAL)
			fail_msg("\"%s\": %s", bad[i], sk_strerror(rc));
		assert_null(s);
		assert_true(why[0] != '\0');
	}
	/* no TLS off loopback */
	o.listen = "0.0.0.0:0";
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EPERM);
	assert_null(s);
	assert_non_null(strstr(why, "TLS"));
	assert_null(strchr(why, '\n'));
	o.listen = "[::]:0";
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EPERM);
	o.listen = "192.168.1.10:8443";
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EPERM);
	o.listen = "[::ffff:10.0.0.1]:8443";
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EPERM);
	o.listen = NULL;
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EINVAL);
	assert_int_equal(http_server_start(NULL, &s, why, sizeof(why)), SK_EINVAL);

	/* loopback in its forms */
	o.listen = "localhost:0";
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_OK);
	http_server_stop(s);
	s = NULL;
	o.listen = "127.0.0.2:0";
	assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_OK);
	http_server_stop(s);
	s = NULL;
	o.listen = "[::1]:0";
	rc = http_server_start(&o, &s, why, sizeof(why));
	assert_true(rc == SK_OK || rc == SK_EIO); /* a host without IPv6 */
	http_server_stop(s);
	http_server_stop(NULL);

	/* a port in use */
	{
		struct http_server *a = NULL;
		char addr[32];

		o.listen = "127.0.0.1:0";
		assert_int_equal(http_server_start(&o, &a, why, sizeof(why)), SK_OK);
		snprintf(addr, sizeof(addr), "127.0.0.1:%u", http_server_port(a));
		o.listen = addr;
		s = NULL;
		assert_int_equal(http_server_start(&o, &s, why, sizeof(why)), SK_EIO);
		assert_null(s);
		assert_true(why[0] != '\0');
		http_server_stop(a);
	}
}

static void test_loopback(void **state)
{
	(void)state;
	assert_true(http_addr_is_loopback("127.0.0.1"));
	assert_true(http_addr_is_loopback("127.255.0.9"));
	assert_true(http_addr_is_loopback("::1"));
	assert_true(http_addr_is_loopback("[::1]"));
	assert_true(http_addr_is_loopback("::ffff:127.0.0.1"));
	assert_true(http_addr_is_loopback("localhost"));
	assert_false(http_addr_is_loopback("0.0.0.0"));
	assert_false(http_addr_is_loopback("::"));
	assert_false(http_addr_is_loopback("128.0.0.1"));
	assert_false(http_addr_is_loopback("::ffff:10.0.0.1"));
	assert_false(http_addr_is_loopback("localhost.example.com"));
	assert_false(http_addr_is_loopback("127.1"));
	assert_false(http_addr_is_loopback(""));
	assert_false(http_addr_is_loopback(NULL));
}

static void test_access_log(void **state)
{
	struct http_server_opts o = {0};
	struct http_server *s;
	struct reply r;
	char line[2048], when[64], remote[64], method[32], path[1024], actor[32], tail[8];
	unsigned status;
	size_t bytes;
	double ms;
	FILE *log = tmpfile();
	int lines = 0;

	(void)state;
	assert_non_null(log);
	o.access_log = log;
	s = start(&o);
	request(http_server_port(s), "/echo?token=hemligt",
	        &(struct req_opts){.cookie = "c=kakhemlis", .header1 = "Authorization: Bearer bär"},
	        &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	request(http_server_port(s), "/actor",
	        &(struct req_opts){.method = "POST", .body = "pw", .body_len = 2}, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	request(http_server_port(s), "/a%20b%0a%22", &(struct req_opts){.method = "BREW"}, &r);
	assert_int_equal(r.status, 405);
	reply_release(&r);
	request(http_server_port(s), "/token", &(struct req_opts){.method = "PUT"}, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	http_server_stop(s);

	rewind(log);
	while (fgets(line, sizeof(line), log)) {
		assert_null(strstr(line, "hemligt"));
		assert_null(strstr(line, "kakhemlis"));
		assert_null(strstr(line, "Bearer"));
		assert_null(strchr(line, '?'));
		assert_int_equal(sscanf(line, "%63s %63s %31s %1023s %u %zu %lf %31s %7s", when,
		                        remote, method, path, &status, &bytes, &ms, actor, tail),
		                 8);
		assert_int_equal(strlen(when), 27);
		assert_int_equal(when[26], 'Z');
		assert_int_equal(when[10], 'T');
		assert_string_equal(remote, "127.0.0.1");
		assert_true(ms >= 0 && ms < 10000);
		/*
		 * A line is written when its request completes, which may be after
		 * the client already sent the next one: match lines by method.
		 */
		if (strcmp(method, "GET") == 0) {
			assert_string_equal(path, "/echo");
			assert_int_equal(status, 200);
			assert_true(bytes > 50);
			assert_string_equal(actor, "-");
		} else if (strcmp(method, "POST") == 0) {
			assert_string_equal(path, "/actor");
			assert_string_equal(actor, "42");
		} else if (strcmp(method, "PUT") == 0) {
			/* a service token's use names the token and who created it */
			assert_string_equal(path, "/token");
			assert_string_equal(actor, "42/token:7");
		} else {
			assert_string_equal(method, "BREW");
			/* a space, a newline and a quote cannot forge a log line */
			assert_string_equal(path, "/a\\x20b\\x0a\\x22");
			assert_int_equal(status, 405);
		}
		lines++;
	}
	assert_int_equal(lines, 4);
	fclose(log);
}

/* A raw connection to the server, for what a polite client would never send. */
static int raw_connect(unsigned port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct timeval tv = {5, 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void raw_send(int fd, const char *s)
{
	assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

static void test_aborted_and_idle(void **state)
{
	struct http_server_opts o = {.timeout_s = 1};
	struct http_server *s;
	struct timespec t0, t1;
	char line[1024], got[256];
	FILE *log = tmpfile();
	int before, fd, aborted = 0;
	ssize_t n;

	(void)state;
	assert_non_null(log);
	o.access_log = log;
	s = start(&o);
	before = atomic_load(&handler_calls);

	/* a client that promises a body and leaves half-way */
	fd = raw_connect(http_server_port(s));
	raw_send(fd, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
	sleep_ms(50);
	close(fd);

	/* a client that sends part of its headers and then nothing: cut off by the timeout */
	fd = raw_connect(http_server_port(s));
	raw_send(fd, "GET /echo HTTP/1.1\r\nHost: x\r\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = recv(fd, got, sizeof(got), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(n <= 0);
	assert_true(t1.tv_sec - t0.tv_sec < 4);
	close(fd);

	/* garbage instead of HTTP, and a header without a colon: refused, the server lives */
	fd = raw_connect(http_server_port(s));
	raw_send(fd, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n");
	n = recv(fd, got, sizeof(got) - 1, 0);
	close(fd);
	fd = raw_connect(http_server_port(s));
	raw_send(fd, "GET /echo HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n");
	n = recv(fd, got, sizeof(got) - 1, 0);
	got[n > 0 ? n : 0] = '\0';
	assert_null(strstr(got, " 200 "));
	close(fd);
	/* HTTP/1.1 without Host is refused (strict parsing) */
	fd = raw_connect(http_server_port(s));
	raw_send(fd, "GET /echo HTTP/1.1\r\n\r\n");
	n = recv(fd, got, sizeof(got) - 1, 0);
	got[n > 0 ? n : 0] = '\0';
	assert_non_null(strstr(got, " 400 "));
	close(fd);

	{
		struct reply r;

		request(http_server_port(s), "/echo", NULL, &r);
		assert_int_equal(r.status, 200);
		reply_release(&r);
	}
	http_server_stop(s);
	assert_int_equal(atomic_load(&handler_calls), before + 1);
	rewind(log);
	while (fgets(line, sizeof(line), log))
		if (strstr(line, " POST /echo 0 0 "))
			aborted++;
	assert_int_equal(aborted, 1);
	fclose(log);
}

struct slow {
	unsigned port;
	struct reply r;
};

static void *slow_client(void *arg)
{
	struct slow *sl = arg;

	request(sl->port, "/slow", NULL, &sl->r);
	return NULL;
}

static void test_stop_drains(void **state)
{
	struct http_server_opts o = {0};
	struct http_server *s;
	struct slow sl;
	struct timespec t0, t1;
	pthread_t th;
	struct reply r;
	unsigned port;
	json_t *j;
	long ms;

	(void)state;
	s = start(&o);
	port = http_server_port(s);
	sl.port = port;
	assert_int_equal(pthread_create(&th, NULL, slow_client, &sl), 0);
	sleep_ms(60);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	http_server_stop(s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(th, NULL);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms < 5000);
	assert_int_equal(sl.r.err, CURLE_OK);
	assert_int_equal(sl.r.status, 200);
	assert_true(has_header(&sl.r, "Connection", "close"));
	j = reply_json(&sl.r);
	assert_string_equal(json_string_value(json_object_get(j, "path")), "/slow");
	json_decref(j);
	reply_release(&sl.r);

	/* nobody listens any more */
	request(port, "/echo", NULL, &r);
	assert_int_equal(r.err, CURLE_COULDNT_CONNECT);
	reply_release(&r);
}

static void *hammer(void *arg)
{
	unsigned port = *(unsigned *)arg;
	char url[64];
	CURL *c = curl_easy_init();
	struct buf b;
	long status = 0;
	intptr_t fails = 0;
	int i;

	buf_init(&b, 1 << 16);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/echo?i=1", port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	for (i = 0; i < 100; i++) {
		buf_reset(&b);
		if (curl_easy_perform(c) != CURLE_OK)
			fails++;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (status != 200)
			fails++;
	}
	curl_easy_cleanup(c);
	buf_release(&b);
	return (void *)fails;
}

static void test_concurrent(void **state)
{
	struct http_server_opts o = {0};
	struct http_server *s;
	pthread_t th[16];
	unsigned port;
	void *fails;
	int i;

	(void)state;
	s = start(&o);
	port = http_server_port(s);
	for (i = 0; i < 16; i++)
		assert_int_equal(pthread_create(&th[i], NULL, hammer, &port), 0);
	for (i = 0; i < 16; i++) {
		pthread_join(th[i], &fails);
		assert_int_equal((intptr_t)fails, 0);
	}
	http_server_stop(s);
}

static void test_static_lookup(void **state)
{
	static const char *const bad[] = {"/../sql/0001_init.sql",
	                                  "/..%2f",
	                                  "/web/../x",
	                                  "//etc/passwd",
	                                  "\\x",
	                                  "/a\\b",
	                                  "/..",
	                                  "/.",
	                                  "/./index.html",
	                                  "/js/../app.js",
	                                  "/.hidden",
	                                  "",
	                                  "index.html",
	                                  "/app.js/",
	                                  "/js//api.js",
	                                  "/%2e%2e/x",
	                                  "/app.js\n",
	                                  "/sql/0001_init.sql",
	                                  "/../docs/api/openapi.yaml"};
	const unsigned char *data = NULL;
	const char *type = NULL;
	size_t len = 0, i;
	char url[300];
	int served = 0;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (http_static_lookup(bad[i], &data, &len, &type) != SK_ENOTFOUND)
			fail_msg("served \"%s\"", bad[i]);
	assert_int_equal(http_static_lookup(NULL, &data, &len, &type), SK_ENOTFOUND);
	{
		/* a path at and over the length bound */
		char longp[400];

		memset(longp, 'a', sizeof(longp) - 1);
		longp[0] = '/';
		longp[sizeof(longp) - 1] = '\0';
		assert_int_equal(http_static_lookup(longp, &data, &len, &type), SK_ENOTFOUND);
	}

	/* every embedded web/ file is reachable by its path, nothing else is */
	for (i = 0; i < sk_embedded_count; i++) {
		const char *name = sk_embedded_files[i].name;
		int rc;

		if (strlen(name) > 250)
			continue;
		snprintf(url, sizeof(url), "/%s", name);
		if (strncmp(name, "web/", 4) != 0) {
			assert_int_equal(http_static_lookup(url, &data, &len, &type), SK_ENOTFOUND);
			continue;
		}
		if (strchr(name + 4, '\\') || strstr(name, "/."))
			continue; /* a name the lookup may never serve */
		rc = http_static_lookup(url + 4, &data, &len, &type);
		assert_int_equal(rc, SK_OK);
		assert_ptr_equal(data, sk_embedded_files[i].data);
		assert_int_equal(len, sk_embedded_files[i].len);
		assert_non_null(type);
		if (strstr(name, ".js") && strstr(name, ".js")[3] == '\0')
			assert_string_equal(type, "text/javascript; charset=utf-8");
		if (strstr(name, ".css") && strstr(name, ".css")[4] == '\0')
			assert_string_equal(type, "text/css; charset=utf-8");
		if (strstr(name, ".json") && strstr(name, ".json")[5] == '\0')
			assert_string_equal(type, "application/json; charset=utf-8");
		if (strstr(name, ".html") && strstr(name, ".html")[5] == '\0')
			assert_string_equal(type, "text/html; charset=utf-8");
		served++;
		if (strcmp(name, "web/index.html") == 0) {
			assert_int_equal(http_static_lookup("/", &data, &len, &type), SK_OK);
			assert_ptr_equal(data, sk_embedded_files[i].data);
		}
	}
	if (served == 0)
		print_message("no web/ files embedded: file checks skipped\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_get_query_cookie_header),
	        cmocka_unit_test(test_post_body),
	        cmocka_unit_test(test_body_limits),
	        cmocka_unit_test(test_default_limit),
	        cmocka_unit_test(test_errors_have_headers),
	        cmocka_unit_test(test_tls),
	        cmocka_unit_test(test_tls_bad_files),
	        cmocka_unit_test(test_listen_rules),
	        cmocka_unit_test(test_loopback),
	        cmocka_unit_test(test_access_log),
	        cmocka_unit_test(test_aborted_and_idle),
	        cmocka_unit_test(test_stop_drains),
	        cmocka_unit_test(test_concurrent),
	        cmocka_unit_test(test_static_lookup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
