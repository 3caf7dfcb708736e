/*
 * seclog receiver: the listeners that take security logs from the
 * organisation's systems (4 kap. 25-31 §§ PMFS) into seclog.db (store.h).
 * See docs/internals/seclog.md, "Receiving".
 *
 * Transports, each its own listener, each off unless configured:
 *   SECLOG_T_TLS       syslog over TLS, RFC 5425: octet counting (RFC 6587),
 *                      a client certificate required; the source is found
 *                      by the SHA-256 fingerprint of that certificate.
 *   SECLOG_T_RELP_TLS  RELP over TLS, the same certificate binding.
 *   SECLOG_T_RELP      RELP in clear; the source is found by peer address.
 *   SECLOG_T_TCP       syslog over TCP in clear (RFC 6587, octet counting or,
 *                      opt-in, LF framing); found by peer address.
 *   SECLOG_T_UDP       syslog over UDP (RFC 5426), only if asked for; lossy
 *                      by nature and said so wherever it is shown.
 *
 * RELP "rsp 200 OK" is sent only after seclog_append() returned SK_OK for
 * that message (ack after durable commit). Every frame read in one round of
 * the event loop, from every connection, goes into one seclog_append call,
 * so one commit acknowledges many windows at once.
 *
 * Everything is bounded: message size, frame size, connections in all and
 * per source, memory per connection (fixed buffers allocated at accept).
 * Unknown sources and bad certificates are refused and counted; malformed
 * frames, invalid UTF-8 and oversized messages are refused and counted per
 * source and reason (enum seclog_perr), never stored silently.
 */
#ifndef SKYDD_SECLOG_RECV_H
#define SKYDD_SECLOG_RECV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seclog/parse.h"
#include "seclog/store.h"

enum seclog_transport {
	SECLOG_T_TLS = 1u << 0,
	SECLOG_T_RELP_TLS = 1u << 1,
	SECLOG_T_RELP = 1u << 2,
	SECLOG_T_TCP = 1u << 3,
	SECLOG_T_UDP = 1u << 4,
};
#define SECLOG_T_ALL 0x1fu

#define SECLOG_FP_LEN   64 /* hex SHA-256 of the client certificate's DER */
#define SECLOG_ADDR_MAX 46 /* INET6_ADDRSTRLEN */

/* One registered log source, as the registers (skydd.db) say. */
struct seclog_source {
	int64_t id;                          /* the log source's id (log_source register) */
	int64_t system;                      /* its information system (systems register) */
	unsigned retention_years;            /* 10, or 25 for a KH system (28 §), or more */
	unsigned transports;                 /* SECLOG_T_* it may use */
	unsigned max_conns;                  /* connections at once; 0 = the listener's default */
	bool allow_3164;                     /* legacy RFC 3164 accepted from it */
	char cert_sha256[SECLOG_FP_LEN + 1]; /* lower-case hex, "" when bound by address */
	char address[SECLOG_ADDR_MAX];       /* numeric address, "" when bound by certificate */
};

/*
 * Finds the source for a peer: by transport, the numeric peer address and
 * (TLS transports) the certificate's fingerprint (NULL otherwise). Called
 * once per connection (per datagram's address for UDP, cached by the
 * receiver for a few seconds), on the receiver's thread. Returns SK_OK with
 * *out filled, SK_ENOTFOUND (unknown or not allowed on this transport:
 * refused and counted), or another error (refused).
 */
typedef int (*seclog_resolve_fn)(void *ctx, unsigned transport, const char *addr,
                                 const char *cert_sha256, struct seclog_source *out);

/*
 * Called on the receiver's thread after every successful seclog_append,
 * with the committed messages and the index of the first. msgs and the
 * strings they point to are valid only during the call. Used by the
 * monitor (monitor.h) and the search index's wake-up.
 */
typedef void (*seclog_committed_fn)(void *ctx, const struct seclog_msg *msgs, size_t n,
                                    uint64_t first);

struct seclog_recv_opts {
	/* ADDR:PORT for each listener, NULL = off */
	const char *tls_listen, *relp_tls_listen, *relp_listen, *tcp_listen, *udp_listen;
	const char *tls_cert, *tls_key; /* the server's PEM files (TLS transports) */
	bool tcp_allow_lf;              /* LF framing on the plain TCP listener */
	size_t max_msg;                 /* bytes per message/frame; 0 = 64 KiB */
	unsigned max_conns;             /* connections at once, all sources; 0 = 256 */
	unsigned max_conns_per_source;  /* default for sources without their own; 0 = 8 */
	unsigned idle_timeout_s;        /* a silent connection is closed; 0 = 600 */
	seclog_resolve_fn resolve;
	seclog_committed_fn committed; /* may be NULL */
	void *ctx;
};

struct seclog_recv;

/*
 * Binds every configured listener and starts the receiver's thread(s).
 * Nothing is bound when any listener or the TLS material fails. why gets
 * one English line on failure. Returns SK_OK, SK_EINVAL (options), SK_EIO.
 */
int seclog_recv_start(struct seclog *s, const struct seclog_recv_opts *o, struct seclog_recv **out,
                      char *why, size_t why_cap);

/* The port a listener is bound to (for ":0" in tests), or 0 when off. */
unsigned seclog_recv_port(const struct seclog_recv *r, enum seclog_transport t);

/*
 * Stops accepting, stops reading, acknowledges what was committed, closes
 * every connection and joins the threads. NULL is a no-op. Does not close
 * the store.
 */
void seclog_recv_stop(struct seclog_recv *r);

/* Counters of one source since the receiver started. */
struct seclog_source_stats {
	int64_t source;
	uint64_t messages; /* stored */
	uint64_t bytes;    /* of stored messages, as received */
	uint64_t refused;  /* messages or frames refused, all reasons */
	uint64_t refused_by[SECLOG_PERR_MAX];
	uint64_t connections;      /* accepted, in all */
	unsigned open;             /* connections open now */
	uint64_t over_limit;       /* connections refused for the source's limit */
	int64_t first_us, last_us; /* first and last stored message, 0 = none */
	uint64_t idle_closed;      /* connections closed for silence (idle_timeout_s) */
};

/* Counters of peers that are no source: refused before any message. */
struct seclog_unknown_stats {
	uint64_t unknown_peer;  /* no source for the address / fingerprint */
	uint64_t bad_cert;      /* no certificate, or the handshake failed */
	uint64_t over_capacity; /* max_conns reached */
	uint64_t idle;          /* closed before the handshake or binding finished */
	char last_addr[SECLOG_ADDR_MAX];
	int64_t last_us;
};

/*
 * Copies the counters: up to cap sources into out (*n gets how many there
 * are, which may exceed cap), and the unknown peers' counters into *u (may
 * be NULL). Thread-safe.
 */
void seclog_recv_stats(struct seclog_recv *r, struct seclog_source_stats *out, size_t cap,
                       size_t *n, struct seclog_unknown_stats *u);

/*
 * Tells the receiver the sources changed (a source was added, rebound or
 * withdrawn): cached resolutions are dropped and open connections of a
 * source that no longer resolves are closed. Thread-safe.
 */
void seclog_recv_sources_changed(struct seclog_recv *r);

#endif
