/*
 * http: the HTTPS server (libmicrohttpd, epoll thread pool, GnuTLS), the
 * route table with typed field validation, JSON in and out, limits,
 * security headers and the embedded web UI. Knows no SQL.
 */
#ifndef SKYDD_HTTP_H
#define SKYDD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "util/util.h"

#define HTTP_MAX_BODY      (1024 * 1024) /* after login */
#define HTTP_MAX_BODY_ANON (8 * 1024)    /* before login */
#define HTTP_MAX_DEPTH     32
#define HTTP_MAX_HEADERS   16

/* Connection defaults; see docs/internals/http.md "Deadlines and caps". */
#define HTTP_MAX_CONNS        1024 /* connections at once, from everyone */
#define HTTP_MAX_CONNS_PER_IP 128  /* from one client address (wrk's 64 fit) */
#define HTTP_HEAD_TIMEOUT     10   /* s for a request head: from accept or the last answer */
#define HTTP_BODY_TIMEOUT     60   /* s for a request body (1 MiB at 17 KiB/s) */
#define HTTP_IDLE_TIMEOUT     30   /* s without a byte either way (libmicrohttpd's own) */

/* ---- the server core (server.c) ---- */

struct http_server;

/* A request as the handler sees it. Strings are valid for the handler's call only. */
struct http_req {
	const char *method; /* "GET", "POST", ...; HEAD arrives as "GET" (MHD drops the body) */
	const char *path;   /* URL path, percent-decoded by libmicrohttpd, without the query */
	const char *body;   /* NULL when there is none; not NUL-terminated */
	size_t body_len;
	const char *remote; /* client address, "127.0.0.1" or "::1" */
	bool tls;
	void *conn; /* private: the libmicrohttpd connection */
	/* set by the application while handling, for the access log */
	int64_t actor;
	int64_t token; /* the service token that made the request, or 0 */
};

/* A request header (case-insensitive name), or NULL. */
const char *http_req_header(const struct http_req *r, const char *name);
/* A cookie's value, or NULL. */
const char *http_req_cookie(const struct http_req *r, const char *name);
/* A query-string argument (decoded), "" for a bare "?x", or NULL when absent. */
const char *http_req_query(const struct http_req *r, const char *name);
/* Calls fn for every query argument (value "" when bare); returns fn's first non-zero. */
int http_req_query_each(const struct http_req *r,
                        int (*fn)(void *ctx, const char *key, const char *value), void *ctx);

struct http_resp {
	unsigned status;
	const char *content_type; /* static string; default "application/json; charset=utf-8" */
	struct buf body;          /* owned; max HTTP_MAX_RESPONSE */
	const unsigned char *static_body; /* alternatively, a static body (embedded file) */
	size_t static_len;
	unsigned nheaders;
	char *headers[HTTP_MAX_HEADERS][2]; /* owned copies */
};

#define HTTP_MAX_RESPONSE (64 * 1024 * 1024)

/*
 * Adds a response header (copied); it replaces a default header of the same
 * name. Returns SK_OK, SK_ERANGE when full, SK_EINVAL (not a token name, a
 * control character in the value, or a framing header such as Content-Length)
 * or SK_ENOMEM.
 */
int http_resp_header(struct http_resp *r, const char *name, const char *value);

/* The application's entry point: fill resp; called on a pool thread. */
typedef void (*http_handler_fn)(void *ctx, struct http_req *req, struct http_resp *resp);

/*
 * Called once the headers are in, before any body is read: the largest body
 * this request may send (e.g. 8 KiB unless it carries a valid session).
 * A bigger Content-Length, or more bytes, gets 413 without calling the handler.
 */
typedef size_t (*http_body_limit_fn)(void *ctx, const struct http_req *req);

struct http_server_opts {
	const char *listen;   /* "127.0.0.1:8443", "[::1]:8443", "0.0.0.0:443" */
	const char *tls_cert; /* PEM file paths; both or neither */
	const char *tls_key;
	unsigned threads;          /* pool size; 0 = number of CPUs */
	unsigned timeout_s;        /* idle connection timeout; 0 = HTTP_IDLE_TIMEOUT */
	unsigned head_timeout_s;   /* request head deadline; 0 = HTTP_HEAD_TIMEOUT */
	unsigned body_timeout_s;   /* request body deadline; 0 = HTTP_BODY_TIMEOUT */
	unsigned max_conns;        /* 0 = HTTP_MAX_CONNS */
	unsigned max_conns_per_ip; /* 0 = HTTP_MAX_CONNS_PER_IP (at most max_conns) */
	FILE *access_log;          /* one line per request, NULL = none */
	http_handler_fn handler;
	http_body_limit_fn body_limit; /* NULL = HTTP_MAX_BODY for all */
	void *ctx;
};

/*
 * Starts listening. Refuses (SK_EPERM, with *why set) to listen on a
 * non-loopback address without TLS. Returns SK_OK, SK_EINVAL (bad address or
 * options), SK_EPERM, SK_EIO (cannot bind, cannot read the key files).
 */
int http_server_start(const struct http_server_opts *o, struct http_server **out, char *why,
                      size_t why_cap);

/* The port actually bound (useful with port 0). */
unsigned http_server_port(const struct http_server *s);

/*
 * Stops: refuses new requests (503, Connection: close) before they reach the
 * handler, stops accepting, waits until every request already in the
 * handler has been answered, then closes the rest and frees. The caller
 * stops the writer only after this. NULL is a no-op.
 */
void http_server_stop(struct http_server *s);

/* Is the textual address a loopback address (127.0.0.0/8, ::1, localhost)? */
bool http_addr_is_loopback(const char *host);

/* ---- static files (static.c) ---- */

/*
 * Finds the embedded web UI file for a URL path: "/" → web/index.html,
 * "/app.js" → web/app.js. Rejects "..", NUL and backslashes. Sets the
 * content type. Returns SK_OK or SK_ENOTFOUND.
 */
int http_static_lookup(const char *path, const unsigned char **data, size_t *len,
                       const char **content_type);

#endif
