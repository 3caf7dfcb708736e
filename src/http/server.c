/*
 * The HTTP server core: libmicrohttpd with an epoll thread pool and GnuTLS,
 * request bodies within a per-request limit, security headers on every
 * response, one access-log line per request and a draining shutdown.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <sodium.h>

#include "http.h"

/*
 * TLS 1.3 and 1.2 only. In TLS 1.2 only AEAD ciphers (AES-GCM,
 * ChaCha20-Poly1305) with forward-secret key exchange (ECDHE, DHE): no CBC
 * with HMAC-SHA1, no static RSA key exchange. TLS 1.3's suites are all AEAD
 * with (EC)DHE already; AES-CCM is left out of both.
 */
#define TLS_PRIORITIES                                                                             \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"                                              \
	"-CIPHER-ALL:+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-GCM:-MAC-ALL:+AEAD:"                 \
	"-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:+DHE-RSA:%SERVER_PRECEDENCE"
#define CERT_MAX     (256 * 1024) /* a PEM chain */
#define KEY_MAX      (64 * 1024)  /* one PEM private key */
#define CONN_MEMORY  (64 * 1024)  /* request line + headers + read buffer per connection */
#define MAX_THREADS  256
#define DRAIN_MS     10000  /* how long stop waits for requests that have not reached the handler */
#define HANDLER_MS   120000 /* a safety net only: requests in the handler are always waited for */
#define SWEEP_MS     250    /* how often the head/body deadlines are checked */
#define WATCH_CUT    (-1)   /* conn_watch.deadline_ms once the sweeper has cut it */
#define DRAIN_EXTRA  (1024 * 1024) /* body bytes read past the limit to still answer 413 */
#define BODY_FIRST   (16 * 1024)   /* first allocation for a body of unknown size */
#define LOG_PATH_MAX 512           /* escaped path bytes kept for the access log */

#define CSP                                                                                        \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "               \
	"frame-ancestors 'none'"
#define HSTS            "max-age=63072000; includeSubDomains"
#define JSON_TYPE       "application/json; charset=utf-8"
#define ALLOWED_METHODS "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"

struct http_server {
	struct MHD_Daemon *daemon;
	http_handler_fn handler;
	http_body_limit_fn body_limit;
	void *ctx;
	FILE *access_log;
	pthread_mutex_t log_lock;
	bool tls;
	unsigned port;
	atomic_int in_flight;  /* requests between their first callback and completion */
	atomic_int in_handler; /* requests let through to the handler, until completion */
	atomic_bool stopping;
	/* the head and body deadlines (ms), and the connections they watch */
	int64_t head_ms;
	int64_t body_ms;
	pthread_mutex_t watch_lock;
	struct conn_watch *watched; /* a list, under watch_lock */
	pthread_t sweeper;
	bool sweeping;
	atomic_bool sweep_stop;
};

/*
 * One connection, from accept to close (MHD's socket context). deadline_ms
 * is the monotonic time by which the current phase must end (0: none,
 * WATCH_CUT: past it, the socket shut down):
 * the request head from accept or from the end of the previous response,
 * the body from the end of the head. libmicrohttpd's own timeout restarts
 * with every byte, so a client trickling one byte at a time never meets it.
 */
struct conn_watch {
	struct conn_watch *prev, *next;
	MHD_socket fd;
	atomic_llong deadline_ms;
};

/* One request's state, from its headers to its completion (MHD's con_cls). */
struct conn_ctx {
	struct http_server *s;
	const char *method; /* canonical static name, NULL when not allowed */
	int64_t start_wall_us;
	struct timespec start;
	char remote[INET6_ADDRSTRLEN];
	char log_method[24];
	char log_path[LOG_PATH_MAX];
	size_t limit;
	char *body; /* zeroed before it is freed: it may hold passwords */
	size_t body_len;
	size_t body_cap;
	size_t drained;
	bool too_large;
	bool failed;
	bool head;
	bool handled;    /* counted in in_handler */
	unsigned status; /* 0 until a response is queued */
	size_t resp_bytes;
	int64_t actor;
	int64_t token;
};

/* A response body handed to libmicrohttpd, zeroed when it is done with it. */
struct resp_mem {
	char *ptr;
	size_t cap;
};

static void set_why(char *why, size_t cap, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void set_why(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (!why || cap == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
}

/* ---- addresses ---- */

bool http_addr_is_loopback(const char *host)
{
	char tmp[INET6_ADDRSTRLEN];
	unsigned char a[16];
	size_t n;

	if (!host)
		return false;
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof(tmp))
			return false;
		memcpy(tmp, host + 1, n - 2);
		tmp[n - 2] = '\0';
		host = tmp;
	}
	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, host, a) == 1)
		return IN6_IS_ADDR_LOOPBACK((struct in6_addr *)a) ||
		       (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)a) && a[12] == 127);
	return false;
}

struct listen_addr {
	struct sockaddr_storage ss;
	bool v6;
	bool any6; /* "[::]": accept IPv4 too */
	bool loopback;
};

/* 0..65535, decimal digits only. */
static bool parse_port(const char *s, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 5)
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (i == 0 || v > 65535)
		return false;
	*out = v;
	return true;
}

/*
 * "host:port" (dotted IPv4 or "localhost") or "[v6]:port". Returns SK_OK or
 * SK_EINVAL. IPv4 is parsed strictly (no "127.1" or "2130706433" forms).
 */
static int parse_listen(const char *listen, struct listen_addr *la)
{
	char host[INET6_ADDRSTRLEN + 16];
	const char *end, *port_s;
	struct addrinfo hints, *ai = NULL;
	unsigned port;
	size_t hlen;

	memset(la, 0, sizeof(*la));
	if (listen[0] == '[') {
		end = strchr(listen, ']');
		if (!end || end[1] != ':')
			return SK_EINVAL;
		hlen = (size_t)(end - listen - 1);
		memcpy(host, listen + 1, hlen < sizeof(host) ? hlen : 0);
		port_s = end + 2;
		la->v6 = true;
	} else {
		end = strrchr(listen, ':');
		if (!end)
			return SK_EINVAL;
		hlen = (size_t)(end - listen);
		if (memchr(listen, ':', hlen))
			return SK_EINVAL; /* IPv6 needs brackets */
		memcpy(host, listen, hlen < sizeof(host) ? hlen : 0);
		port_s = end + 1;
	}
	if (hlen == 0 || hlen >= sizeof(host) || !parse_port(port_s, &port))
		return SK_EINVAL;
	host[hlen] = '\0';
	if (!la->v6) {
		struct sockaddr_in *in = (struct sockaddr_in *)&la->ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		if (strcasecmp(host, "localhost") == 0)
			in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			return SK_EINVAL;
		la->loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
		return SK_OK;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET6;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0 || !ai)
		return SK_EINVAL;
	if (ai->ai_family != AF_INET6 || ai->ai_addrlen != sizeof(struct sockaddr_in6)) {
		freeaddrinfo(ai);
		return SK_EINVAL;
	}
	memcpy(&la->ss, ai->ai_addr, sizeof(struct sockaddr_in6));
	freeaddrinfo(ai);
	{
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&la->ss;
		const unsigned char *b = in6->sin6_addr.s6_addr;

		in6->sin6_port = htons((uint16_t)port);
		la->any6 = IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr);
		la->loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
		               (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127);
	}
	return SK_OK;
}

/* ---- TLS material ---- */

/*
 * Reads a whole PEM file (no symlinks, a regular file, at most max bytes)
 * into a NUL-terminated buffer. Returns SK_OK or SK_EIO with *why set.
 */
static int read_pem(const char *path, size_t max, char **out, size_t *out_len, char *why,
                    size_t why_cap)
{
	struct stat st;
	char *p = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, rc = SK_EIO;

	*out = NULL;
	*out_len = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		set_why(why, why_cap, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		set_why(why, why_cap, "%s is not a regular file", path);
		goto out_close;
	}
	if (st.st_size <= 0 || (uintmax_t)st.st_size > max) {
		set_why(why, why_cap, "%s: size must be 1..%zu bytes", path, max);
		goto out_close;
	}
	p = malloc((size_t)st.st_size + 1);
	if (!p) {
		set_why(why, why_cap, "out of memory reading %s", path);
		rc = SK_ENOMEM;
		goto out_close;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, p + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			set_why(why, why_cap, "cannot read %s", path);
			goto out_free;
		}
		got += (size_t)n;
	}
	p[got] = '\0';
	*out = p;
	*out_len = got;
	p = NULL;
	rc = SK_OK;
out_free:
	if (p) {
		sodium_memzero(p, (size_t)st.st_size + 1);
		free(p);
	}
out_close:
	close(fd);
out:
	return rc;
}

/* Checks that GnuTLS can load the pair, for a clear message before MHD tries. */
static int check_tls_pair(char *cert, size_t cert_len, char *key, size_t key_len, char *why,
                          size_t why_cap)
{
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t c = {(unsigned char *)cert, (unsigned)cert_len};
	gnutls_datum_t k = {(unsigned char *)key, (unsigned)key_len};
	int r;

	if (gnutls_certificate_allocate_credentials(&cred) != GNUTLS_E_SUCCESS) {
		set_why(why, why_cap, "cannot set up TLS");
		return SK_ENOMEM;
	}
	r = gnutls_certificate_set_x509_key_mem2(cred, &c, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_certificate_free_credentials(cred);
	if (r < 0) {
		set_why(why, why_cap, "TLS certificate or key not usable: %s", gnutls_strerror(r));
		return SK_EIO;
	}
	return SK_OK;
}

/* ---- responses ---- */

static void resp_init(struct http_resp *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, HTTP_MAX_RESPONSE);
}

static void resp_release(struct http_resp *r)
{
	unsigned i;

	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i][0]);
		free(r->headers[i][1]);
		r->headers[i][0] = r->headers[i][1] = NULL;
	}
	r->nheaders = 0;
	if (r->body.ptr)
		sodium_memzero(r->body.ptr, r->body.cap);
	buf_release(&r->body);
}

/* RFC 9110 token characters. */
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Headers that libmicrohttpd owns: setting them would break the framing. */
static bool is_framing_header(const char *name)
{
	static const char *const names[] = {"Content-Length", "Transfer-Encoding", "Connection",
	                                    "Date",           "Keep-Alive",        "Upgrade"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

int http_resp_header(struct http_resp *r, const char *name, const char *value)
{
	char *n, *v;
	size_t i;

	if (!name || !value || !name[0] || is_framing_header(name))
		return SK_EINVAL;
	for (i = 0; name[i]; i++)
		if (!is_tchar((unsigned char)name[i]))
			return SK_EINVAL;
	for (i = 0; value[i]; i++)
		if (((unsigned char)value[i] < 0x20 && value[i] != '\t') || value[i] == 0x7f)
			return SK_EINVAL;
	if (r->nheaders >= HTTP_MAX_HEADERS)
		return SK_ERANGE;
	n = strdup(name);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return SK_ENOMEM;
	}
	r->headers[r->nheaders][0] = n;
	r->headers[r->nheaders][1] = v;
	r->nheaders++;
	return SK_OK;
}

static bool resp_has_header(const struct http_resp *r, const char *name)
{
	unsigned i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i][0], name) == 0)
			return true;
	return false;
}

static void resp_mem_free(void *cls)
{
	struct resp_mem *m = cls;

	sodium_memzero(m->ptr, m->cap);
	free(m->ptr);
	free(m);
}

/* The MHD response for resp's body; takes the body's memory. NULL when out of memory. */
static struct MHD_Response *mhd_body(struct http_resp *r, size_t *bytes)
{
	static char empty[1];
	struct MHD_Response *m;
	struct resp_mem *mem;

	if (r->static_body) {
		*bytes = r->static_len;
		return MHD_create_response_from_buffer(
		        r->static_len, (void *)(uintptr_t)r->static_body, MHD_RESPMEM_PERSISTENT);
	}
	*bytes = r->body.len;
	if (r->body.len == 0)
		return MHD_create_response_from_buffer(0, empty, MHD_RESPMEM_PERSISTENT);
	mem = malloc(sizeof(*mem));
	if (!mem)
		return NULL;
	mem->cap = r->body.cap;
	mem->ptr = buf_detach(&r->body, NULL);
	m = MHD_create_response_from_buffer_with_free_callback_cls(*bytes, mem->ptr, resp_mem_free,
	                                                           mem);
	if (!m)
		resp_mem_free(mem);
	return m;
}

struct hdr {
	const char *name;
	const char *value;
};

/* Adds h unless the handler set the same header itself. */
static bool add_headers(struct MHD_Response *m, const struct http_resp *r, const struct hdr *h,
                        size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!h[i].value || resp_has_header(r, h[i].name))
			continue;
		if (MHD_add_response_header(m, h[i].name, h[i].value) != MHD_YES)
			return false;
	}
	return true;
}

/*
 * Sends r (consuming its body) with the security headers, then the
 * handler's own. Returns MHD_YES, or MHD_NO to drop the connection.
 */
static enum MHD_Result send_resp(struct conn_ctx *c, struct MHD_Connection *conn,
                                 struct http_resp *r)
{
	const bool no_body = r->status == 204 || r->status == 304;
	const struct hdr std[] = {
	        {"Content-Type", no_body ? NULL : (r->content_type ? r->content_type : JSON_TYPE)},
	        {"Cache-Control", r->static_body ? "no-cache" : "no-store"},
	        {"Content-Security-Policy", CSP},
	        {"X-Content-Type-Options", "nosniff"},
	        {"Referrer-Policy", "no-referrer"},
	        {"X-Frame-Options", "DENY"},
	        {"Cross-Origin-Opener-Policy", "same-origin"},
	        {"Cross-Origin-Resource-Policy", "same-origin"},
	        {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
	        {"Strict-Transport-Security", c->s->tls ? HSTS : NULL},
	};
	struct MHD_Response *m;
	enum MHD_Result ret = MHD_NO;
	size_t bytes = 0;
	unsigned i;

	if (no_body) {
		r->static_body = NULL;
		buf_reset(&r->body);
	}
	m = mhd_body(r, &bytes);
	if (!m)
		goto out;
	if (!add_headers(m, r, std, sizeof(std) / sizeof(std[0])))
		goto out_destroy;
	for (i = 0; i < r->nheaders; i++)
		if (MHD_add_response_header(m, r->headers[i][0], r->headers[i][1]) != MHD_YES)
			goto out_destroy;
	if (atomic_load(&c->s->stopping) &&
	    MHD_add_response_header(m, MHD_HTTP_HEADER_CONNECTION, "close") != MHD_YES)
		goto out_destroy;
	ret = MHD_queue_response(conn, r->status, m);
	if (ret == MHD_YES) {
		c->status = r->status;
		c->resp_bytes = c->head ? 0 : bytes;
	}
out_destroy:
	MHD_destroy_response(m);
out:
	return ret;
}

/* An error in the API's JSON shape; code and message are constant ASCII. */
/* extra: NULL, or more members of the error object (",\"reason\":…"), trusted text. */
static enum MHD_Result send_error_x(struct conn_ctx *c, struct MHD_Connection *conn,
                                    unsigned status, const char *code, const char *message,
                                    const char *extra)
{
	struct http_resp r;
	enum MHD_Result ret = MHD_NO;

	resp_init(&r);
	r.status = status;
	buf_printf(&r.body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\",\"field\":null%s}}",
	           code, message, extra ? extra : "");
	if (r.body.err)
		goto out;
	if (status == 405 && http_resp_header(&r, "Allow", ALLOWED_METHODS) != SK_OK)
		goto out;
	ret = send_resp(c, conn, &r);
out:
	resp_release(&r);
	return ret;
}

static enum MHD_Result send_error(struct conn_ctx *c, struct MHD_Connection *conn, unsigned status,
                                  const char *code, const char *message)
{
	return send_error_x(c, conn, status, code, message, NULL);
}

static enum MHD_Result send_too_large(struct conn_ctx *c, struct MHD_Connection *conn)
{
	char msg[64], extra[96];

	snprintf(msg, sizeof(msg), "request body over %zu bytes", c->limit);
	snprintf(extra, sizeof(extra), ",\"reason\":\"body.too_large\",\"params\":{\"max\":%zu}",
	         c->limit);
	return send_error_x(c, conn, 413, "too_large", msg, extra);
}

/* ---- deadlines ---- */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Starts a new phase of the connection: a deadline ms from now, or none (0).
 * Returns false when the sweeper has already cut the connection (then it
 * stays cut): a request whose deadline passed must not reach the handler,
 * whose answer could no longer be sent.
 */
static bool watch_phase(struct MHD_Connection *conn, int64_t ms)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_watch *w = ci ? ci->socket_context : NULL;
	long long old;

	if (!w)
		return true;
	old = atomic_load(&w->deadline_ms);
	do {
		if (old == WATCH_CUT)
			return false;
	} while (!atomic_compare_exchange_weak(&w->deadline_ms, &old, ms ? mono_ms() + ms : 0));
	return true;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	struct conn_watch *w = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		w = calloc(1, sizeof(*w));
		if (!w || !ci) {
			free(w); /* unwatched: MHD's idle timeout still applies */
			return;
		}
		w->fd = ci->connect_fd;
		atomic_init(&w->deadline_ms, mono_ms() + s->head_ms);
		pthread_mutex_lock(&s->watch_lock);
		w->next = s->watched;
		if (w->next)
			w->next->prev = w;
		s->watched = w;
		pthread_mutex_unlock(&s->watch_lock);
		*socket_context = w;
		return;
	}
	if (!w)
		return;
	/* MHD closes the socket after this call: once unlinked, the sweeper never sees it */
	pthread_mutex_lock(&s->watch_lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		s->watched = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&s->watch_lock);
	free(w);
	*socket_context = NULL;
}

/*
 * Every SWEEP_MS: shuts down the sockets of connections past their deadline.
 * shutdown() leaves the descriptor to libmicrohttpd, which sees the end of
 * the stream and closes the connection in its own thread as usual.
 */
static void *sweep(void *arg)
{
	struct http_server *s = arg;
	struct timespec tick = {0, SWEEP_MS * 1000 * 1000};
	struct conn_watch *w;
	int64_t now;
	long long d;

	while (!atomic_load(&s->sweep_stop)) {
		nanosleep(&tick, NULL);
		now = mono_ms();
		pthread_mutex_lock(&s->watch_lock);
		for (w = s->watched; w; w = w->next) {
			d = atomic_load(&w->deadline_ms);
			/* only if no new phase began meanwhile (see watch_phase) */
			if (d > 0 && now > d &&
			    atomic_compare_exchange_strong(&w->deadline_ms, &d, WATCH_CUT))
				shutdown(w->fd, SHUT_RDWR);
		}
		pthread_mutex_unlock(&s->watch_lock);
	}
	return NULL;
}

/* ---- requests ---- */

static const char *canonical_method(const char *m)
{
	static const char *const allowed[] = {"GET",   "HEAD",   "POST",   "PUT",
	                                      "PATCH", "DELETE", "OPTIONS"};
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcmp(m, allowed[i]) == 0)
			return allowed[i];
	return NULL;
}

/* Copies s for the log: printable ASCII as is, everything else as \xHH; truncated with "...". */
static void log_escape(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (o + 8 >= cap) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (ch > 0x20 && ch < 0x7f && ch != '\\' && ch != '"') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
}

static void client_address(struct MHD_Connection *conn, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, cap, "-");
	if (!sa)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)cap);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		/* a dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d */
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			inet_ntop(AF_INET, in6->sin6_addr.s6_addr + 12, out, (socklen_t)cap);
		else
			inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)cap);
	}
}

static void req_fill(struct http_req *req, struct conn_ctx *c, struct MHD_Connection *conn,
                     const char *url)
{
	memset(req, 0, sizeof(*req));
	/* libmicrohttpd answers HEAD with the GET response's headers only */
	req->method = c->head ? "GET" : c->method;
	req->path = url;
	req->remote = c->remote;
	req->tls = c->s->tls;
	req->conn = conn;
	req->actor = -1;
	req->token = 0;
}

/* Content-Length as a number; false when absent or not plain digits. */
static bool content_length(struct MHD_Connection *conn, uint64_t *out)
{
	const char *v =
	        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	uint64_t n = 0;

	if (!v || !*v)
		return false;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (uint64_t)(*v - '0');
	}
	*out = n;
	return true;
}

/* The first call: headers are in, no body read yet. */
static enum MHD_Result req_begin(struct http_server *s, struct MHD_Connection *conn,
                                 const char *url, const char *method, void **con_cls)
{
	struct conn_ctx *c = calloc(1, sizeof(*c));
	struct http_req req;
	uint64_t clen;

	if (!c)
		return MHD_NO;
	*con_cls = c;
	atomic_fetch_add(&s->in_flight, 1);
	c->s = s;
	c->actor = -1;
	c->start_wall_us = sk_now_us();
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	client_address(conn, c->remote, sizeof(c->remote));
	log_escape(c->log_method, sizeof(c->log_method), method);
	log_escape(c->log_path, sizeof(c->log_path), url);
	/* the head is in: from here the body has its own deadline */
	if (!watch_phase(conn, s->body_ms))
		return MHD_NO; /* cut by the sweeper as the head came in */
	c->method = canonical_method(method);
	if (atomic_load(&s->stopping))
		return send_error(c, conn, 503, "stopping",
		                  "the server is stopping: try again in a moment");
	if (!c->method)
		return send_error(c, conn, 405, "method_not_allowed", "method not allowed");
	c->head = strcmp(c->method, "HEAD") == 0;
	if (url[0] != '/' || !sk_utf8_valid(url, strlen(url)))
		return send_error(c, conn, 400, "bad_path",
		                  "the path must start with / and be valid UTF-8");
	req_fill(&req, c, conn, url);
	c->limit = s->body_limit ? s->body_limit(s->ctx, &req) : HTTP_MAX_BODY;
	if (content_length(conn, &clen) && clen > c->limit) {
		const char *expect =
		        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);

		/*
		 * A client that waits for "100 Continue" has sent no body: answer
		 * now. One that sends the body at once would see its connection
		 * reset if we answered and closed mid-body, so read and drop a
		 * modest excess first and answer 413 after it.
		 */
		if (expect || clen > c->limit + DRAIN_EXTRA)
			return send_too_large(c, conn);
		c->too_large = true;
	}
	return MHD_YES;
}

/* Grows the body to hold need bytes, zeroing the old copy. */
static bool body_reserve(struct conn_ctx *c, size_t need)
{
	size_t cap = c->body_cap ? c->body_cap : BODY_FIRST;
	char *p;

	if (need <= c->body_cap)
		return true;
	while (cap < need)
		cap = cap > c->limit / 2 ? c->limit : cap * 2;
	if (cap > c->limit)
		cap = c->limit;
	p = malloc(cap);
	if (!p)
		return false;
	if (c->body) {
		memcpy(p, c->body, c->body_len);
		sodium_memzero(c->body, c->body_cap);
		free(c->body);
	}
	c->body = p;
	c->body_cap = cap;
	return true;
}

static void body_free(struct conn_ctx *c)
{
	if (c->body) {
		sodium_memzero(c->body, c->body_cap);
		free(c->body);
	}
	c->body = NULL;
	c->body_len = c->body_cap = 0;
}

/* A piece of the body. Past the limit the rest is read and dropped, up to a point. */
static enum MHD_Result req_body(struct conn_ctx *c, const char *data, size_t *size)
{
	size_t n = *size;

	*size = 0;
	if (c->too_large || c->failed) {
		c->drained += n;
		return c->drained <= c->limit + DRAIN_EXTRA ? MHD_YES : MHD_NO;
	}
	if (n > c->limit - c->body_len) {
		c->too_large = true;
		c->drained = n;
		body_free(c);
		return MHD_YES;
	}
	if (!body_reserve(c, c->body_len + n)) {
		c->failed = true;
		body_free(c);
		return MHD_YES;
	}
	memcpy(c->body + c->body_len, data, n);
	c->body_len += n;
	return MHD_YES;
}

/* The last call: the whole body is in; run the handler and answer. */
static enum MHD_Result req_end(struct conn_ctx *c, struct MHD_Connection *conn, const char *url)
{
	struct http_server *s = c->s;
	struct http_req req;
	struct http_resp resp;
	enum MHD_Result ret;

	/* the body is in; the handler and the answer have no deadline of ours */
	if (!watch_phase(conn, 0))
		return MHD_NO; /* cut by the sweeper: the socket is shut down */
	if (c->too_large)
		return send_too_large(c, conn);
	if (c->failed)
		return send_error(c, conn, 500, "internal", "out of memory");
	/*
	 * Counted before the stopping flag is read, and http_server_stop sets
	 * the flag before it reads the count (both sequentially consistent):
	 * either this request is refused here, before it can reach the writer,
	 * or stop waits for its answer.
	 */
	atomic_fetch_add(&s->in_handler, 1);
	c->handled = true;
	if (atomic_load(&s->stopping))
		return send_error(c, conn, 503, "stopping",
		                  "the server is stopping: try again in a moment");
	req_fill(&req, c, conn, url);
	req.body = c->body_len ? c->body : NULL;
	req.body_len = c->body_len;
	resp_init(&resp);
	s->handler(s->ctx, &req, &resp);
	c->actor = req.actor;
	c->token = req.token;
	body_free(c);
	if (resp.status < 100 || resp.status > 599 || resp.body.err) {
		resp_release(&resp);
		return send_error(c, conn, 500, "internal", "the response could not be built");
	}
	ret = send_resp(c, conn, &resp);
	resp_release(&resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	struct conn_ctx *c = *con_cls;

	(void)version;
	if (!c)
		return req_begin(cls, conn, url, method, con_cls);
	if (*upload_size)
		return req_body(c, upload, upload_size);
	return req_end(c, conn, url);
}

static void log_request(struct http_server *s, const struct conn_ctx *c)
{
	char when[SK_TIME_LEN + 1], actor[48], line[LOG_PATH_MAX + 256];
	struct timespec now;
	int64_t us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (int64_t)(now.tv_sec - c->start.tv_sec) * 1000000 +
	     (now.tv_nsec - c->start.tv_nsec) / 1000;
	if (sk_time_format(c->start_wall_us, when) != SK_OK)
		snprintf(when, sizeof(when), "-");
	/* "42" an identity, "42/token:7" a service token created by identity 42 */
	if (c->actor >= 0 && c->token > 0)
		snprintf(actor, sizeof(actor), "%lld/token:%lld", (long long)c->actor,
		         (long long)c->token);
	else if (c->actor >= 0)
		snprintf(actor, sizeof(actor), "%lld", (long long)c->actor);
	else
		snprintf(actor, sizeof(actor), "-");
	snprintf(line, sizeof(line), "%s %s %s %s %u %zu %lld.%03lld %s\n", when, c->remote,
	         c->log_method, c->log_path, c->status, c->resp_bytes, (long long)(us / 1000),
	         (long long)(us % 1000), actor);
	pthread_mutex_lock(&s->log_lock);
	fputs(line, s->access_log);
	fflush(s->access_log);
	pthread_mutex_unlock(&s->log_lock);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct conn_ctx *c = *con_cls;

	(void)toe;
	if (!c)
		return;
	/* the answer is out (or the connection gone): the next request's head has a deadline */
	(void)watch_phase(conn, s->head_ms);
	if (s->access_log)
		log_request(s, c);
	if (c->handled)
		atomic_fetch_sub(&s->in_handler, 1);
	body_free(c);
	free(c);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Percent-decoding for the path and query arguments. "%00" becomes the byte
 * 0xFF, which is not UTF-8: a NUL must never cut a string short unnoticed.
 */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *r = s, *w = s;
	int hi, lo;

	(void)cls;
	(void)conn;
	while (*r) {
		if (r[0] == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0) {
			*w++ = (hi || lo) ? (char)(hi * 16 + lo) : (char)0xFF;
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* ---- request accessors ---- */

const char *http_req_header(const struct http_req *r, const char *name)
{
	if (!r || !r->conn || !name)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_req_cookie(const struct http_req *r, const char *name)
{
	if (!r || !r->conn || !name)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *http_req_query(const struct http_req *r, const char *name)
{
	const char *v = NULL;

	if (!r || !r->conn || !name)
		return NULL;
	if (MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v,
	                                  NULL) != MHD_YES)
		return NULL;
	return v ? v : "";
}

struct query_iter {
	int (*fn)(void *ctx, const char *key, const char *value);
	void *ctx;
	int rc;
};

static enum MHD_Result query_iter_one(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
	struct query_iter *it = cls;

	(void)kind;
	it->rc = it->fn(it->ctx, key, value ? value : "");
	return it->rc == 0 ? MHD_YES : MHD_NO;
}

int http_req_query_each(const struct http_req *r,
                        int (*fn)(void *ctx, const char *key, const char *value), void *ctx)
{
	struct query_iter it = {fn, ctx, 0};

	if (!r || !r->conn || !fn)
		return 0;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_iter_one, &it);
	return it.rc;
}

/* ---- lifecycle ---- */

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

/* Starts the daemon; cert and key are NULL without TLS. */
static struct MHD_Daemon *daemon_start(struct http_server *s, const struct http_server_opts *o,
                                       struct listen_addr *la, char *cert, char *key)
{
	static char priorities[] = TLS_PRIORITIES;
	unsigned threads = o->threads ? o->threads : default_threads();
	unsigned conns = o->max_conns ? o->max_conns : HTTP_MAX_CONNS;
	unsigned per_ip = o->max_conns_per_ip ? o->max_conns_per_ip : HTTP_MAX_CONNS_PER_IP;
	unsigned flags =
	        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO;
	struct MHD_OptionItem opt[20];
	size_t n = 0;

	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (threads > conns)
		threads = conns;
	if (per_ip > conns)
		per_ip = conns;
	if (la->v6)
		flags |= la->any6 ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &la->ss};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, conns, NULL};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, NULL};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
	                                   o->timeout_s ? o->timeout_s : HTTP_IDLE_TIMEOUT, NULL};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s};
	opt[n++] =
	        (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s};
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)unescape, NULL};
	if (threads > 1)
		opt[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
	if (cert) {
		flags |= MHD_USE_TLS;
		opt[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, cert};
		opt[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, key};
		opt[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0, priorities};
	}
	opt[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, opt,
	                        MHD_OPTION_END);
}

int http_server_start(const struct http_server_opts *o, struct http_server **out, char *why,
                      size_t why_cap)
{
	struct listen_addr la;
	struct http_server *s = NULL;
	const union MHD_DaemonInfo *info;
	char *cert = NULL, *key = NULL;
	size_t cert_len = 0, key_len = 0;
	int rc = SK_EINVAL;

	set_why(why, why_cap, "%s", "");
	if (out)
		*out = NULL;
	if (!o || !out || !o->handler || !o->listen) {
		set_why(why, why_cap, "missing server options");
		goto out;
	}
	if (!o->tls_cert != !o->tls_key) {
		set_why(why, why_cap,
		        "a TLS certificate and key go together: give both or neither");
		goto out;
	}
	if (parse_listen(o->listen, &la) != SK_OK) {
		set_why(why, why_cap, "bad listen address \"%s\": use host:port or [v6]:port",
		        o->listen);
		goto out;
	}
	if (!o->tls_cert && !la.loopback) {
		set_why(why, why_cap,
		        "refusing to listen on %s without TLS: give a certificate and key, or "
		        "listen on a loopback address",
		        o->listen);
		rc = SK_EPERM;
		goto out;
	}
	if (o->tls_cert) {
		rc = read_pem(o->tls_cert, CERT_MAX, &cert, &cert_len, why, why_cap);
		if (rc)
			goto out;
		rc = read_pem(o->tls_key, KEY_MAX, &key, &key_len, why, why_cap);
		if (rc)
			goto out_free_pem;
		rc = check_tls_pair(cert, cert_len, key, key_len, why, why_cap);
		if (rc)
			goto out_free_pem;
	}
	rc = SK_ENOMEM;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto out_free_pem;
	s->handler = o->handler;
	s->body_limit = o->body_limit;
	s->ctx = o->ctx;
	s->access_log = o->access_log;
	s->tls = o->tls_cert != NULL;
	atomic_init(&s->in_flight, 0);
	atomic_init(&s->in_handler, 0);
	atomic_init(&s->stopping, false);
	atomic_init(&s->sweep_stop, false);
	s->head_ms = (int64_t)(o->head_timeout_s ? o->head_timeout_s : HTTP_HEAD_TIMEOUT) * 1000;
	s->body_ms = (int64_t)(o->body_timeout_s ? o->body_timeout_s : HTTP_BODY_TIMEOUT) * 1000;
	if (pthread_mutex_init(&s->log_lock, NULL) != 0)
		goto out_free_server;
	if (pthread_mutex_init(&s->watch_lock, NULL) != 0) {
		pthread_mutex_destroy(&s->log_lock);
		goto out_free_server;
	}
	errno = 0;
	s->daemon = daemon_start(s, o, &la, cert, key);
	if (!s->daemon) {
		set_why(why, why_cap, "cannot listen on %s: %s", o->listen,
		        errno ? strerror(errno) : "the HTTP server did not start");
		rc = SK_EIO;
		goto out_destroy_lock;
	}
	if (pthread_create(&s->sweeper, NULL, sweep, s) != 0) {
		set_why(why, why_cap, "cannot start the connection sweeper");
		MHD_stop_daemon(s->daemon);
		rc = SK_ENOMEM;
		goto out_destroy_lock;
	}
	s->sweeping = true;
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	*out = s;
	s = NULL;
	rc = SK_OK;
out_destroy_lock:
	if (s) {
		pthread_mutex_destroy(&s->watch_lock);
		pthread_mutex_destroy(&s->log_lock);
	}
out_free_server:
	free(s);
out_free_pem:
	if (key) {
		sodium_memzero(key, key_len);
		free(key);
	}
	free(cert);
out:
	return rc;
}

unsigned http_server_port(const struct http_server *s)
{
	return s ? s->port : 0;
}

/*
 * The shutdown sequence: (1) the stopping flag: from now on a request that
 * has not reached the handler is answered 503 with Connection: close, and
 * every answer closes its connection; (2) no new connections (the listening
 * socket is shut down, so a client is refused instead of left in the backlog);
 * (3) wait for every request let through to the handler to be answered:
 * its write may have committed, and an unanswered committed write is what
 * makes a retrying client write twice; (4) give the others (bodies still
 * arriving, 503s still being sent) up to DRAIN_MS; (5) stop the daemon,
 * which closes what is left: none of it reached the handler.
 */
void http_server_stop(struct http_server *s)
{
	struct timespec tick = {0, 5 * 1000 * 1000};
	MHD_socket listen_fd;
	int waited = 0;

	if (!s)
		return;
	atomic_store(&s->stopping, true);
	listen_fd = MHD_quiesce_daemon(s->daemon);
	/*
	 * Refuse connections at once rather than leave them in the backlog
	 * unanswered; the descriptor itself stays open until the daemon's
	 * threads are gone (libmicrohttpd's rule for quiesced sockets).
	 */
	if (listen_fd != MHD_INVALID_SOCKET)
		shutdown(listen_fd, SHUT_RDWR);
	while (atomic_load(&s->in_handler) > 0 && waited < HANDLER_MS) {
		nanosleep(&tick, NULL);
		waited += 5;
	}
	waited = 0;
	while (atomic_load(&s->in_flight) > 0 && waited < DRAIN_MS) {
		nanosleep(&tick, NULL);
		waited += 5;
	}
	MHD_stop_daemon(s->daemon);
	if (listen_fd != MHD_INVALID_SOCKET)
		close(listen_fd);
	if (s->sweeping) {
		atomic_store(&s->sweep_stop, true);
		pthread_join(s->sweeper, NULL);
	}
	pthread_mutex_destroy(&s->watch_lock);
	pthread_mutex_destroy(&s->log_lock);
	free(s);
}
