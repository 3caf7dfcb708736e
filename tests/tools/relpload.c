/*
 * relpload: a load client for syslog receivers, for the seclog kill test
 * (tests/sh/test_seclog_kill.sh) and the ingest bench
 * (bench/bench_seclog_ingest.sh). Plain sockets (and GnuTLS for
 * --syslog-tls); no librelp, so it checks our receiver and rsyslog's imrelp
 * against our own reading of the protocol.
 *
 *   relpload [options] HOST:PORT
 *     -n COUNT   messages in all, split over the connections (default 10000)
 *     -w WINDOW  unacknowledged RELP messages per connection (default 1024)
 *     -s SIZE    bytes per syslog message, 80..65000 (default 200)
 *     -c CONNS   connections, one thread each, 1..64 (default 1)
 *     -a FILE    appends "ID\n" for every message whose "rsp 200" arrived
 *     -r RUN     the run's name in the ids (default the pid)
 *     -t SECS    a connection silent this long is an error (default 30)
 *     -d SECS    stop sending after SECS (then wait for the answers and
 *                close): a bounded run against a slow receiver
 *     --syslog-tcp        RFC 6587 octet-counted syslog over TCP, no acks
 *     --syslog-tls        the same over TLS (RFC 5425), GnuTLS
 *     --cert F --key F    the client's certificate and key (PEM) for TLS
 *     --ca F              trust anchor for the server; without it the
 *                         server's certificate is not checked
 *
 * Every message is RFC 5424 and carries "id=RUN-CONN-N" as the first word of
 * its MSG; the ack file gets the same "RUN-CONN-N". The ack file is written
 * with one write(2) per batch of answers read, and only with ids whose
 * "rsp 200" arrived, so whatever is in it when the receiver dies was
 * acknowledged.
 *
 * Prints one line on stdout at the end:
 *   relpload sent=S acked=A refused=R seconds=T msgs_per_s=X mb_per_s=Y
 * (RELP: the rate is of acknowledged messages; syslog modes: of messages
 * written, the receiver's commit is not visible to the sender).
 * Exit status: 0 all messages acknowledged (or written), 3 the server closed
 * or died before that (a clean end for the kill test), 1 a protocol error, a
 * refusal or a timeout, 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#define MAX_CONNS   64
#define MAX_WINDOW  65536
#define MAX_DATALEN (128 * 1024) /* an answer bigger than this is a protocol error */
#define OUT_HIGH    (256 * 1024) /* stop filling the send buffer here */
#define IN_CAP      (256 * 1024)
#define TXNR_MAX    999999999u /* RELP: after this the counter starts again at 1 */

enum mode { MODE_RELP, MODE_TCP, MODE_TLS };

enum end { END_DONE = 0, END_ERROR = 1, END_GONE = 3 };

static struct {
	const char *host, *port, *ack_path, *cert, *key, *ca;
	char run[32];
	uint64_t count;
	unsigned window, size, conns, timeout_s;
	double deadline; /* now_s() after which nothing new is sent; 0 = none */
	enum mode mode;
	int ack_fd;
	char stamp[40];
	char hostname[64];
	gnutls_certificate_credentials_t cred;
} opt = {.count = 10000, .window = 1024, .size = 200, .conns = 1, .timeout_s = 30, .ack_fd = -1};

static atomic_uint_fast64_t n_sent, n_acked, n_refused, bytes_acked;

struct conn {
	unsigned id;
	uint64_t count; /* messages this connection sends */
	int fd;
	gnutls_session_t tls;
	enum end end;
	char why[160];
	/* output */
	char *out;
	size_t out_len, out_cap;
	/* input */
	char *in;
	size_t in_len;
	/* RELP: in-flight transactions, slot = txnr & mask; value = message number + 1 */
	uint64_t *slot;
	size_t mask;
	unsigned inflight;
	uint32_t txnr; /* the next one to use */
	uint32_t close_txnr;
	uint64_t next, acked, refused;
	/* acks read in this round, written at once */
	char *acks;
	size_t acks_len, acks_cap;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((format(printf, 3, 4))) static void fail(struct conn *c, enum end e, const char *fmt,
                                                       ...)
{
	va_list ap;

	if (c->end != END_DONE)
		return;
	c->end = e;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

static bool expired(void)
{
	return opt.deadline > 0 && now_s() >= opt.deadline;
}

static bool out_reserve(struct conn *c, size_t more)
{
	if (c->out_len + more <= c->out_cap)
		return true;
	size_t cap = c->out_cap ? c->out_cap : 1 << 16;
	while (cap < c->out_len + more)
		cap *= 2;
	char *p = realloc(c->out, cap);
	if (!p)
		return false;
	c->out = p;
	c->out_cap = cap;
	return true;
}

/* The message's id: RUN-CONN-N, with N counted per connection. */
static int msg_id(const struct conn *c, uint64_t n, char *buf, size_t cap)
{
	return snprintf(buf, cap, "%s-%u-%" PRIu64, opt.run, c->id, n);
}

/* Appends one RFC 5424 message of opt.size bytes, or its frame, to c->out. */
static bool add_message(struct conn *c, uint64_t n, uint32_t txnr)
{
	char id[64], head[256];
	int idl = msg_id(c, n, id, sizeof(id));
	int hl = snprintf(head, sizeof(head), "<86>1 %s %s relpload %d - - id=%s ", opt.stamp,
	                  opt.hostname, (int)getpid(), id);
	size_t len = opt.size > (unsigned)hl ? opt.size : (size_t)hl;
	char prefix[48];
	int pl;

	(void)idl;
	if (opt.mode == MODE_RELP)
		pl = snprintf(prefix, sizeof(prefix), "%" PRIu32 " syslog %zu ", txnr, len);
	else
		pl = snprintf(prefix, sizeof(prefix), "%zu ", len);
	if (!out_reserve(c, (size_t)pl + len + 1))
		return false;
	memcpy(c->out + c->out_len, prefix, (size_t)pl);
	c->out_len += (size_t)pl;
	memcpy(c->out + c->out_len, head, (size_t)hl);
	/* padding the text: printable and varying, so no compressor flatters anyone */
	for (size_t i = (size_t)hl; i < len; i++)
		c->out[c->out_len + i] = (char)('a' + (i * 7 + n) % 26);
	c->out_len += len;
	if (opt.mode == MODE_RELP)
		c->out[c->out_len++] = '\n';
	return true;
}

static bool add_command(struct conn *c, uint32_t txnr, const char *cmd, const char *data)
{
	char prefix[64];
	size_t dl = strlen(data);
	int pl = dl ? snprintf(prefix, sizeof(prefix), "%" PRIu32 " %s %zu ", txnr, cmd, dl)
	            : snprintf(prefix, sizeof(prefix), "%" PRIu32 " %s 0", txnr, cmd);

	if (!out_reserve(c, (size_t)pl + dl + 1))
		return false;
	memcpy(c->out + c->out_len, prefix, (size_t)pl);
	memcpy(c->out + c->out_len + pl, data, dl);
	c->out_len += (size_t)pl + dl;
	c->out[c->out_len++] = '\n';
	return true;
}

static uint32_t txnr_next(uint32_t t)
{
	return t >= TXNR_MAX ? 1 : t + 1;
}

/* Writes what it can of c->out; false when the connection is gone. */
static bool flush_out(struct conn *c)
{
	size_t off = 0;

	while (off < c->out_len) {
		ssize_t w;

		if (c->tls) {
			w = gnutls_record_send(c->tls, c->out + off, c->out_len - off);
			if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
				break;
			if (w < 0) {
				fail(c, END_GONE, "TLS send: %s", gnutls_strerror((int)w));
				return false;
			}
		} else {
			w = send(c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL);
			if (w < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			if (w < 0) {
				fail(c, END_GONE, "send: %s", strerror(errno));
				return false;
			}
		}
		off += (size_t)w;
	}
	memmove(c->out, c->out + off, c->out_len - off);
	c->out_len -= off;
	return true;
}

static void ack_add(struct conn *c, uint64_t n)
{
	char id[64];
	int l = msg_id(c, n, id, sizeof(id));

	if (opt.ack_fd < 0)
		return;
	if (c->acks_len + (size_t)l + 1 > c->acks_cap) {
		size_t cap = c->acks_cap ? c->acks_cap * 2 : 1 << 16;
		while (cap < c->acks_len + (size_t)l + 1)
			cap *= 2;
		char *p = realloc(c->acks, cap);
		if (!p) {
			fail(c, END_ERROR, "%s", "out of memory");
			return;
		}
		c->acks = p;
		c->acks_cap = cap;
	}
	memcpy(c->acks + c->acks_len, id, (size_t)l);
	c->acks_len += (size_t)l;
	c->acks[c->acks_len++] = '\n';
}

/* One write(2) per batch: O_APPEND keeps the threads' batches whole. */
static void ack_flush(struct conn *c)
{
	size_t off = 0;

	while (off < c->acks_len) {
		ssize_t w = write(opt.ack_fd, c->acks + off, c->acks_len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fail(c, END_ERROR, "ack file: %s", strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	c->acks_len = 0;
}

static unsigned parse_uint(const char **p, const char *end, unsigned maxdigits, bool *ok)
{
	uint64_t v = 0;
	unsigned d = 0;

	while (*p < end && **p >= '0' && **p <= '9') {
		if (++d > maxdigits) {
			*ok = false;
			return 0;
		}
		v = v * 10 + (uint64_t)(**p - '0');
		(*p)++;
	}
	if (d == 0)
		*ok = false;
	return (unsigned)v;
}

/*
 * One RELP frame: TXNR SP COMMAND SP DATALEN [SP DATA] LF. Returns its
 * length, 0 when more bytes are needed, -1 on a malformed frame.
 */
static ssize_t relp_frame(const char *b, size_t len, unsigned *txnr, const char **cmd,
                          size_t *cmd_len, const char **data, size_t *data_len)
{
	const char *p = b, *end = b + len;
	bool ok = true;
	unsigned dl;

	*txnr = parse_uint(&p, end, 9, &ok);
	if (p == end)
		return ok ? 0 : -1;
	if (!ok || *p++ != ' ')
		return -1;
	*cmd = p;
	while (p < end && *p >= 'a' && *p <= 'z' && p - *cmd < 32)
		p++;
	if (p == end)
		return 0;
	*cmd_len = (size_t)(p - *cmd);
	if (*cmd_len == 0 || *p++ != ' ')
		return -1;
	dl = parse_uint(&p, end, 9, &ok);
	if (p == end)
		return ok ? 0 : -1;
	if (!ok || dl > MAX_DATALEN)
		return -1;
	if (dl == 0) {
		if (*p == ' ')
			p++;
		if (p == end)
			return 0;
		if (*p != '\n')
			return -1;
		*data = p;
		*data_len = 0;
		return p + 1 - b;
	}
	if (*p++ != ' ')
		return -1;
	if ((size_t)(end - p) < (size_t)dl + 1)
		return 0;
	if (p[dl] != '\n')
		return -1;
	*data = p;
	*data_len = dl;
	return p + dl + 1 - b;
}

static bool is_cmd(const char *cmd, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(cmd, want, len) == 0;
}

/* Reads every whole frame in c->in; false when the session is over. */
static bool relp_read_frames(struct conn *c, bool *opened, bool *closed)
{
	size_t off = 0;
	bool go = true;

	while (go && off < c->in_len) {
		unsigned txnr;
		const char *cmd, *data;
		size_t cmd_len = 0, data_len = 0;
		ssize_t fl = relp_frame(c->in + off, c->in_len - off, &txnr, &cmd, &cmd_len, &data,
		                        &data_len);

		if (fl == 0)
			break;
		if (fl < 0) {
			fail(c, END_ERROR, "%s", "a malformed RELP frame from the server");
			return false;
		}
		off += (size_t)fl;
		if (is_cmd(cmd, cmd_len, "serverclose")) {
			fail(c, END_GONE, "%s", "the server closed the session (serverclose)");
			go = false;
			continue;
		}
		if (!is_cmd(cmd, cmd_len, "rsp")) {
			fail(c, END_ERROR, "%s", "an unexpected RELP command from the server");
			return false;
		}
		bool ok200 = data_len >= 3 && memcmp(data, "200", 3) == 0 &&
		             (data_len == 3 || data[3] == ' ' || data[3] == '\n');
		if (!*opened) {
			if (txnr != 1 || !ok200) {
				char what[80];
				snprintf(what, sizeof(what), "%.*s",
				         (int)(data_len < 60 ? data_len : 60), data);
				fail(c, END_ERROR, "open refused: %s", what);
				return false;
			}
			*opened = true;
			continue;
		}
		if (c->close_txnr && txnr == c->close_txnr) {
			*closed = true;
			go = false;
			continue;
		}
		uint64_t v = c->slot[txnr & c->mask];
		if (txnr == 0 || v == 0) {
			fail(c, END_ERROR, "%s", "an answer to no transaction of ours");
			return false;
		}
		c->slot[txnr & c->mask] = 0;
		c->inflight--;
		if (ok200) {
			ack_add(c, v - 1);
			c->acked++;
			atomic_fetch_add(&n_acked, 1);
			atomic_fetch_add(&bytes_acked, opt.size);
		} else {
			char what[80];
			snprintf(what, sizeof(what), "%.*s", (int)(data_len < 60 ? data_len : 60),
			         data);
			c->refused++;
			atomic_fetch_add(&n_refused, 1);
			fail(c, END_ERROR, "a message refused: %s", what);
		}
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	return go;
}

static bool read_some(struct conn *c, bool *eof)
{
	ssize_t r;

	if (c->in_len == IN_CAP) {
		fail(c, END_ERROR, "%s", "the server's frame does not fit the buffer");
		return false;
	}
	if (c->tls) {
		r = gnutls_record_recv(c->tls, c->in + c->in_len, IN_CAP - c->in_len);
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			return true;
		if (r < 0) {
			fail(c, END_GONE, "TLS receive: %s", gnutls_strerror((int)r));
			return false;
		}
	} else {
		r = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return true;
		if (r < 0) {
			fail(c, END_GONE, "receive: %s", strerror(errno));
			return false;
		}
	}
	if (r == 0)
		*eof = true;
	c->in_len += (size_t)r;
	return true;
}

static bool wait_io(struct conn *c, bool want_out)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN | (want_out ? POLLOUT : 0)};
	int r;

	if (c->tls && gnutls_record_check_pending(c->tls) > 0)
		return true;
	do
		r = poll(&p, 1, (int)opt.timeout_s * 1000);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		fail(c, END_ERROR, "%s", "the server went silent (timeout)");
		return false;
	}
	return r > 0;
}

static void relp_session(struct conn *c)
{
	bool opened = false, closed = false, eof = false;

	if (!add_command(c, 1, "open",
	                 "relp_version=0\nrelp_software=relpload,1,skydd tests\ncommands=syslog")) {
		fail(c, END_ERROR, "%s", "out of memory");
		return;
	}
	c->txnr = 2;
	while (!closed) {
		if (opened && !c->close_txnr) {
			bool stop = expired();

			while (!stop && c->next < c->count && c->inflight < opt.window &&
			       c->out_len < OUT_HIGH && c->slot[c->txnr & c->mask] == 0) {
				if (!add_message(c, c->next, c->txnr)) {
					fail(c, END_ERROR, "%s", "out of memory");
					return;
				}
				c->slot[c->txnr & c->mask] = c->next + 1;
				c->txnr = txnr_next(c->txnr);
				c->next++;
				c->inflight++;
				atomic_fetch_add(&n_sent, 1);
			}
			if ((stop || c->next == c->count) && c->inflight == 0) {
				c->close_txnr = c->txnr;
				add_command(c, c->close_txnr, "close", "");
			}
		}
		if (c->out_len && !flush_out(c))
			return;
		if (!wait_io(c, c->out_len > 0))
			return;
		if (!read_some(c, &eof))
			return;
		bool go = relp_read_frames(c, &opened, &closed);
		if (c->acks_len)
			ack_flush(c);
		if (!go || c->end != END_DONE)
			return;
		if (eof && !closed) {
			fail(c, END_GONE, "%s", "the server closed the connection");
			return;
		}
	}
}

static void syslog_session(struct conn *c)
{
	bool eof = false;

	while ((c->next < c->count && !expired()) || c->out_len) {
		while (c->next < c->count && c->out_len < OUT_HIGH && !expired()) {
			if (!add_message(c, c->next, 0)) {
				fail(c, END_ERROR, "%s", "out of memory");
				return;
			}
			c->next++;
			atomic_fetch_add(&n_sent, 1);
		}
		if (!flush_out(c))
			return;
		if (c->out_len && !wait_io(c, true))
			return;
		/* the server says nothing; a read sees only its end */
		struct pollfd p = {.fd = c->fd, .events = POLLIN};
		if (poll(&p, 1, 0) > 0) {
			c->in_len = 0;
			if (!read_some(c, &eof))
				return;
			if (eof) {
				fail(c, END_GONE, "%s", "the server closed the connection");
				return;
			}
		}
	}
	/* an orderly end: close our side, wait a moment for the server's */
	if (c->tls)
		gnutls_bye(c->tls, GNUTLS_SHUT_WR);
	else
		shutdown(c->fd, SHUT_WR);
}

static int dial(struct conn *c)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	int rc = getaddrinfo(opt.host, opt.port, &hints, &res), one = 1;

	if (rc) {
		fail(c, END_ERROR, "address: %s", gai_strerror(rc));
		return -1;
	}
	c->fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, res->ai_addr, res->ai_addrlen) < 0) {
		fail(c, END_GONE, "connect: %s", strerror(errno));
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (opt.mode == MODE_TLS) {
		gnutls_init(&c->tls, GNUTLS_CLIENT);
		gnutls_set_default_priority(c->tls);
		gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, opt.cred);
		if (opt.ca)
			gnutls_session_set_verify_cert(c->tls, NULL, 0);
		gnutls_transport_set_int(c->tls, c->fd);
		gnutls_handshake_set_timeout(c->tls, opt.timeout_s * 1000);
		do
			rc = gnutls_handshake(c->tls);
		while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
		if (rc < 0) {
			fail(c, END_ERROR, "TLS handshake: %s", gnutls_strerror(rc));
			return -1;
		}
	}
	/* TLS stays blocking: a GnuTLS send that would block must be repeated with
	 * the same arguments, which a growing buffer cannot promise. */
	if (!c->tls)
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;

	c->in = malloc(IN_CAP);
	if (!c->in) {
		fail(c, END_ERROR, "%s", "out of memory");
		return NULL;
	}
	if (dial(c) == 0) {
		if (opt.mode == MODE_RELP)
			relp_session(c);
		else
			syslog_session(c);
	}
	if (c->tls) {
		gnutls_deinit(c->tls);
		c->tls = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	free(c->out);
	free(c->acks);
	return NULL;
}

static bool num(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int usage(void)
{
	fprintf(stderr,
	        "usage: relpload [-n COUNT] [-w WINDOW] [-s SIZE] [-c CONNS] [-a ACKFILE] "
	        "[-r RUN] [-t SECS] [-d SECS] [--syslog-tcp | --syslog-tls [--cert F --key F] "
	        "[--ca F]] HOST:PORT\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct conn conns[MAX_CONNS];
	pthread_t th[MAX_CONNS];
	char *addr = NULL;
	uint64_t v;

	snprintf(opt.run, sizeof(opt.run), "%d", (int)getpid());
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;

		if (strcmp(a, "-n") == 0 && num(val, 1, UINT64_C(1) << 40, &v))
			opt.count = v;
		else if (strcmp(a, "-w") == 0 && num(val, 1, MAX_WINDOW, &v))
			opt.window = (unsigned)v;
		else if (strcmp(a, "-s") == 0 && num(val, 80, 65000, &v))
			opt.size = (unsigned)v;
		else if (strcmp(a, "-c") == 0 && num(val, 1, MAX_CONNS, &v))
			opt.conns = (unsigned)v;
		else if (strcmp(a, "-t") == 0 && num(val, 1, 3600, &v))
			opt.timeout_s = (unsigned)v;
		else if (strcmp(a, "-d") == 0 && num(val, 1, 3600, &v))
			opt.deadline = (double)v; /* seconds for now; a time once started */
		else if (strcmp(a, "-a") == 0 && val)
			opt.ack_path = val;
		else if (strcmp(a, "-r") == 0 && val && strlen(val) < sizeof(opt.run) &&
		         strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789") == strlen(val) && *val)
			snprintf(opt.run, sizeof(opt.run), "%s", val);
		else if (strcmp(a, "--cert") == 0 && val)
			opt.cert = val;
		else if (strcmp(a, "--key") == 0 && val)
			opt.key = val;
		else if (strcmp(a, "--ca") == 0 && val)
			opt.ca = val;
		else {
			takes = false;
			if (strcmp(a, "--syslog-tcp") == 0)
				opt.mode = MODE_TCP;
			else if (strcmp(a, "--syslog-tls") == 0)
				opt.mode = MODE_TLS;
			else if (a[0] != '-' && !addr)
				addr = argv[i];
			else
				return usage();
		}
		if (takes)
			i++;
	}
	if (!addr || (opt.cert && !opt.key) || (!opt.cert && opt.key))
		return usage();
	char *colon = strrchr(addr, ':');
	if (!colon || colon == addr || !colon[1])
		return usage();
	*colon = '\0';
	opt.host = addr[0] == '[' ? addr + 1 : addr;
	if (addr[0] == '[' && colon[-1] == ']')
		colon[-1] = '\0';
	opt.port = colon + 1;
	if (opt.count < opt.conns)
		opt.conns = (unsigned)opt.count;

	if (opt.ack_path) {
		opt.ack_fd = open(opt.ack_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (opt.ack_fd < 0) {
			fprintf(stderr, "relpload: %s: %s\n", opt.ack_path, strerror(errno));
			return 1;
		}
	}
	if (opt.mode == MODE_TLS) {
		int rc = gnutls_certificate_allocate_credentials(&opt.cred);
		if (rc == 0 && opt.cert)
			rc = gnutls_certificate_set_x509_key_file(opt.cred, opt.cert, opt.key,
			                                          GNUTLS_X509_FMT_PEM);
		if (rc >= 0 && opt.ca)
			rc = gnutls_certificate_set_x509_trust_file(opt.cred, opt.ca,
			                                            GNUTLS_X509_FMT_PEM);
		if (rc < 0) {
			fprintf(stderr, "relpload: TLS credentials: %s\n", gnutls_strerror(rc));
			return 1;
		}
	}
	{
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(opt.stamp, sizeof(opt.stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(opt.stamp + strlen(opt.stamp), sizeof(opt.stamp) - strlen(opt.stamp),
		         ".%06ldZ", ts.tv_nsec / 1000);
		if (gethostname(opt.hostname, sizeof(opt.hostname)) != 0 || !opt.hostname[0])
			snprintf(opt.hostname, sizeof(opt.hostname), "localhost");
		opt.hostname[strcspn(opt.hostname, " ")] = '\0';
	}

	size_t ring = 1;
	while (ring < 2 * (size_t)opt.window)
		ring <<= 1;
	double t0 = now_s();
	if (opt.deadline > 0)
		opt.deadline += t0;
	for (unsigned i = 0; i < opt.conns; i++) {
		struct conn *c = &conns[i];
		*c = (struct conn){.id = i,
		                   .fd = -1,
		                   .count = opt.count / opt.conns + (i < opt.count % opt.conns),
		                   .mask = ring - 1};
		if (opt.mode == MODE_RELP) {
			c->slot = calloc(ring, sizeof(*c->slot));
			if (!c->slot) {
				fprintf(stderr, "relpload: out of memory\n");
				return 1;
			}
		}
		if (pthread_create(&th[i], NULL, conn_main, c) != 0) {
			fprintf(stderr, "relpload: cannot start a thread\n");
			return 1;
		}
	}
	int status = 0;
	for (unsigned i = 0; i < opt.conns; i++) {
		pthread_join(th[i], NULL);
		if (conns[i].end != END_DONE) {
			fprintf(stderr, "relpload: connection %u: %s (%" PRIu64 " acknowledged)\n",
			        i, conns[i].why, conns[i].acked);
			if (conns[i].end == END_ERROR || status == 0)
				status = conns[i].end;
		}
		free(conns[i].slot);
	}
	double dt = now_s() - t0;
	uint64_t done = opt.mode == MODE_RELP ? atomic_load(&n_acked) : atomic_load(&n_sent);
	double bytes = opt.mode == MODE_RELP ? (double)atomic_load(&bytes_acked)
	                                     : (double)atomic_load(&n_sent) * opt.size;
	printf("relpload sent=%" PRIuFAST64 " acked=%" PRIuFAST64 " refused=%" PRIuFAST64
	       " seconds=%.3f msgs_per_s=%.0f mb_per_s=%.2f\n",
	       atomic_load(&n_sent), atomic_load(&n_acked), atomic_load(&n_refused), dt,
	       dt > 0 ? done / dt : 0, dt > 0 ? bytes / dt / 1e6 : 0);
	if (opt.ack_fd >= 0)
		close(opt.ack_fd);
	if (opt.mode == MODE_TLS)
		gnutls_certificate_free_credentials(opt.cred);
	return status;
}
