/*
 * The receiver's private structures (recv.c, recv_net.c). One event-loop
 * thread owns every connection; only the counters are shared, under smu.
 */
#ifndef SKYDD_SECLOG_RECV_INT_H
#define SKYDD_SECLOG_RECV_INT_H

#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "seclog/recv.h"
#include "seclog/relp.h"

#define RECV_WBUF_CAP   (64 * 1024) /* responses waiting for the socket, per connection */
#define RECV_ROUND_MAX  16384       /* messages in one round: one seclog_append */
#define RECV_UDP_SLOTS  32          /* datagrams kept per round */
#define RECV_UDP_MAX    65536
#define RECV_UDP_CACHE  64
#define RECV_UDP_TTL_US (5 * 1000000LL)
#define RECV_HS_MAX_S   10 /* a TLS handshake must finish within this (or the idle timeout) */

enum recv_kind { K_LISTEN = 1, K_CONN, K_WAKE };

struct recv_listener {
	enum recv_kind kind; /* K_LISTEN; first, as in every epoll target */
	int fd;
	unsigned transport;
	unsigned port;
	bool ready; /* a connection waits to be accepted */
};

struct recv_conn {
	enum recv_kind kind; /* K_CONN */
	int fd;
	unsigned transport;
	bool relp, tls;
	char addr[SECLOG_ADDR_MAX];
	char fp[SECLOG_FP_LEN + 1];
	gnutls_session_t sess;
	bool handshaking;
	bool resolved;
	struct seclog_source src;
	long si; /* index into the counters, -1 before resolved */
	/* input: rbuf[roff..rlen) not yet parsed; fixed size, allocated at accept */
	char *rbuf;
	size_t rcap, rlen, roff;
	size_t skip;        /* RELP: bytes of a refused oversized DATA still to drop */
	uint32_t skip_txnr; /* whose DATA it is */
	bool skip_lf;       /* then its LF */
	struct seclog_framer fr;
	struct relp_session relp_s;
	uint32_t close_txnr; /* RELP close seen: answer after this round's acks */
	bool close_pending;
	size_t npend; /* RELP messages of this round awaiting their answer */
	/* output */
	struct buf w;
	size_t woff, tls_inflight;
	bool want_write; /* the TLS layer waits for the socket to be writable */
	unsigned events; /* what epoll watches now */
	bool more;       /* input left unparsed this round: go round again without waiting */
	bool eof;
	bool shut; /* close once the output is flushed */
	bool dead; /* close at the end of the round */
	int64_t born_us, last_us;
};

/* One message of the round: where it came from, for the ack and the counters. */
struct recv_pend {
	struct recv_conn *c; /* NULL for UDP */
	uint32_t txnr;       /* RELP, else 0 */
	long si;
};

struct recv_udp_cache {
	char addr[SECLOG_ADDR_MAX];
	bool found;
	struct seclog_source src;
	long si;
	int64_t until_us;
};

struct seclog_recv {
	struct seclog *s;
	struct seclog_recv_opts o;
	size_t max_msg;
	unsigned max_conns, per_source;
	int64_t idle_us;
	int ep;
	struct recv_listener lis[5];
	unsigned nlis;
	struct recv_listener wake; /* kind K_WAKE; fd is an eventfd */
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	pthread_t thread;
	bool started;
	atomic_bool stop, changed;

	struct recv_conn **conns; /* max_conns slots */
	unsigned nconns;

	struct seclog_msg *msgs; /* the round's batch */
	struct recv_pend *pend;
	size_t nb;
	struct seclog_parsed parsed; /* scratch, too big for the stack of a loop */
	int year, utc_off_min;
	int64_t now_us;

	char (*udp)[RECV_UDP_MAX];
	unsigned nudp;
	struct recv_udp_cache cache[RECV_UDP_CACHE];
	unsigned cache_next;

	pthread_mutex_t smu; /* the counters below */
	struct seclog_source_stats *stats;
	size_t nstats, capstats;
	struct seclog_unknown_stats unknown;
};

/* recv_net.c: sockets and TLS */
int recv_listen(struct seclog_recv *r, const char *spec, unsigned transport, char *why,
                size_t why_cap);
int recv_tls_init(struct seclog_recv *r, char *why, size_t why_cap);
void recv_peer_addr(const struct sockaddr_storage *sa, char *out);
int recv_tls_fingerprint(gnutls_session_t sess, char out[SECLOG_FP_LEN + 1]);
/*
 * Is the peer's certificate within its validity period at now (seconds since
 * the epoch)? The binding rests on the pinned fingerprint; an expired or not
 * yet valid certificate is refused all the same, as any TLS peer would.
 * SK_OK, SK_EPERM outside it, SK_ENOTFOUND without one, SK_EINVAL unparsable.
 */
int recv_tls_valid_at(gnutls_session_t sess, time_t now);

/* recv.c: the counters */
long recv_stat_index(struct seclog_recv *r, int64_t source); /* with smu held */
void recv_unknown(struct seclog_recv *r, const char *addr, int what);
enum { U_UNKNOWN = 1, U_BAD_CERT, U_CAPACITY, U_IDLE };

#endif
