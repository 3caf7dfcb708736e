/* The security logs in `skydd serve` (serve_seclog.c). */
#ifndef SKYDD_CLI_SERVE_SECLOG_H
#define SKYDD_CLI_SERVE_SECLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

struct cli_seclog_opts {
	/* ADDR:PORT of each receiver listener, NULL = off */
	const char *tls, *relp, *relp_tls, *tcp, *udp;
	bool tcp_lf;            /* LF framing on the clear TCP listener */
	const char *cert, *key; /* the receiver's TLS material (default: serve's) */
	unsigned verify_s;      /* seclog.db verified every SECS; 0 = daily */
};

struct serve_seclog;
struct seclog_recv;
struct seclog_index;
struct seclog;

bool serve_seclog_wanted(const struct cli_seclog_opts *o);
/* *out stays NULL when there is neither a listener nor a seclog.db. why: one English line. */
int serve_seclog_start(const char *dir, const struct cli_seclog_opts *o, struct model *m,
                       struct serve_seclog **out, char *why, size_t cap);
unsigned serve_seclog_port(const struct serve_seclog *x, unsigned transport);
struct seclog_recv *serve_seclog_recv(struct serve_seclog *x);
struct seclog_index *serve_seclog_index(struct serve_seclog *x);
struct seclog *serve_seclog_store(struct serve_seclog *x);
void serve_seclog_announce(const struct serve_seclog *x, const struct cli_seclog_opts *o);
void serve_seclog_stop(struct serve_seclog *x);

#endif
