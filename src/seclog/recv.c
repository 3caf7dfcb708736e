/*
 * The seclog receiver (recv.h): one event-loop thread over every listener
 * and connection. A round reads what is ready from every connection,
 * parses every complete frame in place, hands them all to ONE
 * seclog_append, and only then writes RELP's "rsp 200": one commit
 * acknowledges every window that was waiting. Design and limits:
 * docs/internals/seclog.md, "Receiving".
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "seclog/recv_int.h"

/* ---- counters (smu held by the caller where said) ---- */

long recv_stat_index(struct seclog_recv *r, int64_t source)
{
	for (size_t i = 0; i < r->nstats; i++)
		if (r->stats[i].source == source)
			return (long)i;
	if (r->nstats == r->capstats) {
		size_t cap = r->capstats ? r->capstats * 2 : 16;
		struct seclog_source_stats *n = realloc(r->stats, cap * sizeof(*n));

		if (!n)
			return -1;
		r->stats = n;
		r->capstats = cap;
	}
	r->stats[r->nstats] = (struct seclog_source_stats){.source = source};
	return (long)r->nstats++;
}

void recv_unknown(struct seclog_recv *r, const char *addr, int what)
{
	pthread_mutex_lock(&r->smu);
	if (what == U_UNKNOWN)
		r->unknown.unknown_peer++;
	else if (what == U_BAD_CERT)
		r->unknown.bad_cert++;
	else if (what == U_CAPACITY)
		r->unknown.over_capacity++;
	else
		r->unknown.idle++;
	snprintf(r->unknown.last_addr, sizeof(r->unknown.last_addr), "%s", addr);
	r->unknown.last_us = r->now_us;
	pthread_mutex_unlock(&r->smu);
}

/* A refused message or frame of a known source, by reason. */
static void count_refused(struct seclog_recv *r, long si, int perr)
{
	if (si < 0)
		return;
	pthread_mutex_lock(&r->smu);
	r->stats[si].refused++;
	if (perr > 0 && perr < SECLOG_PERR_MAX)
		r->stats[si].refused_by[perr]++;
	pthread_mutex_unlock(&r->smu);
}

/* ---- connections ---- */

static void conn_free(struct seclog_recv *r, struct recv_conn *c)
{
	if (c->si >= 0) {
		pthread_mutex_lock(&r->smu);
		if (r->stats[c->si].open)
			r->stats[c->si].open--;
		pthread_mutex_unlock(&r->smu);
	}
	if (c->fd >= 0) {
		epoll_ctl(r->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	if (c->sess)
		gnutls_deinit(c->sess);
	seclog_framer_release(&c->fr);
	buf_release(&c->w);
	free(c->rbuf);
	free(c);
}

static void conn_watch(struct seclog_recv *r, struct recv_conn *c)
{
	size_t pending = c->w.len - c->woff;
	unsigned ev = 0;
	struct epoll_event e;

	if (c->handshaking) {
		ev = gnutls_record_get_direction(c->sess) ? EPOLLOUT : EPOLLIN;
	} else {
		if (!c->shut && !c->eof && pending < RECV_WBUF_CAP / 2 && c->rlen < c->rcap)
			ev |= EPOLLIN;
		if (pending || c->want_write)
			ev |= EPOLLOUT;
	}
	if (ev == c->events)
		return;
	e = (struct epoll_event){.events = ev, .data.ptr = c};
	if (epoll_ctl(r->ep, EPOLL_CTL_MOD, c->fd, &e) == 0)
		c->events = ev;
}

/* Binds a connection to its source; false (counted) when it may not stay. */
static bool conn_bind(struct seclog_recv *r, struct recv_conn *c)
{
	struct seclog_source src = {0};
	unsigned limit;
	int rc = r->o.resolve(r->o.ctx, c->transport, c->addr, c->tls ? c->fp : NULL, &src);
	long si;

	if (rc != SK_OK) {
		recv_unknown(r, c->addr, U_UNKNOWN);
		return false;
	}
	limit = src.max_conns ? src.max_conns : r->per_source;
	pthread_mutex_lock(&r->smu);
	si = recv_stat_index(r, src.id);
	if (si >= 0 && r->stats[si].open >= limit) {
		r->stats[si].over_limit++;
		si = -2;
	} else if (si >= 0) {
		r->stats[si].open++;
		r->stats[si].connections++;
	}
	pthread_mutex_unlock(&r->smu);
	if (si < 0)
		return false;
	c->src = src;
	c->si = si;
	c->resolved = true;
	if (!c->relp && seclog_framer_init(&c->fr, r->max_msg,
	                                   c->transport == SECLOG_T_TCP && r->o.tcp_allow_lf
	                                           ? SECLOG_FRAME_ALLOW_LF
	                                           : 0) != SK_OK)
		return false;
	return true;
}

static void do_accept(struct seclog_recv *r, struct recv_listener *l)
{
	for (int k = 0; k < 64; k++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct recv_conn *c;
		struct epoll_event e;
		char addr[SECLOG_ADDR_MAX];

		if (fd < 0)
			return;
		/* Acks are small writes the client waits for: Nagle would hold them back. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
		recv_peer_addr(&ss, addr);
		if (r->nconns >= r->max_conns) {
			recv_unknown(r, addr, U_CAPACITY);
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			return;
		}
		*c = (struct recv_conn){.kind = K_CONN,
		                        .fd = fd,
		                        .transport = l->transport,
		                        .relp = l->transport & (SECLOG_T_RELP | SECLOG_T_RELP_TLS),
		                        .tls = l->transport & (SECLOG_T_TLS | SECLOG_T_RELP_TLS),
		                        .si = -1,
		                        .born_us = r->now_us,
		                        .last_us = r->now_us};
		memcpy(c->addr, addr, sizeof(addr));
		buf_init(&c->w, RECV_WBUF_CAP);
		c->rcap = r->max_msg + RELP_HEAD_MAX + 64;
		c->rbuf = malloc(c->rcap);
		if (!c->rbuf)
			goto drop;
		if (c->tls) {
			if (gnutls_init(&c->sess, GNUTLS_SERVER | GNUTLS_NONBLOCK) < 0)
				goto drop;
			gnutls_priority_set(c->sess, r->prio);
			gnutls_credentials_set(c->sess, GNUTLS_CRD_CERTIFICATE, r->cred);
			gnutls_certificate_server_set_request(c->sess, GNUTLS_CERT_REQUIRE);
			gnutls_transport_set_int(c->sess, fd);
			c->handshaking = true;
		} else if (!conn_bind(r, c)) {
			goto drop;
		}
		e = (struct epoll_event){.events = EPOLLIN, .data.ptr = c};
		if (epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &e) != 0)
			goto drop;
		c->events = EPOLLIN;
		r->conns[r->nconns++] = c;
		continue;
	drop:
		conn_free(r, c);
	}
}

static void handshake(struct seclog_recv *r, struct recv_conn *c)
{
	int g = gnutls_handshake(c->sess);

	if (g == GNUTLS_E_AGAIN || g == GNUTLS_E_INTERRUPTED ||
	    (g < 0 && !gnutls_error_is_fatal(g)))
		return;
	if (g < 0 || recv_tls_fingerprint(c->sess, c->fp) != SK_OK ||
	    recv_tls_valid_at(c->sess, time(NULL)) != SK_OK) {
		recv_unknown(r, c->addr, U_BAD_CERT);
		c->dead = true;
		return;
	}
	c->handshaking = false;
	if (!conn_bind(r, c))
		c->dead = true;
	else
		c->more = gnutls_record_check_pending(c->sess) > 0;
}

/* ---- output ---- */

static void conn_flush(struct recv_conn *c)
{
	while (c->woff < c->w.len && !c->dead) {
		ssize_t n;

		if (c->tls) {
			if (!c->tls_inflight)
				c->tls_inflight =
				        c->w.len - c->woff > 16384 ? 16384 : c->w.len - c->woff;
			/* GnuTLS wants the same data again after E_AGAIN. */
			n = gnutls_record_send(c->sess, c->w.ptr + c->woff, c->tls_inflight);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
				c->want_write = true;
				return;
			}
			c->tls_inflight = 0;
		} else {
			n = write(c->fd, c->w.ptr + c->woff, c->w.len - c->woff);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
		}
		if (n <= 0) {
			c->dead = true;
			return;
		}
		c->woff += (size_t)n;
	}
	c->want_write = false;
	if (c->woff == c->w.len) {
		buf_reset(&c->w);
		c->woff = 0;
		if (c->shut)
			c->dead = true;
	}
}

/* ---- input ---- */

static int64_t now_us(void)
{
	return sk_now_us();
}

/* Strips one trailing LF (or CRLF) that many senders add to the text. */
static size_t trim_lf(const char *p, size_t n)
{
	if (n && p[n - 1] == '\n')
		n--;
	if (n && p[n - 1] == '\r')
		n--;
	return n;
}

static void set_str(const char **p, size_t *n, struct seclog_slice s)
{
	*p = s.n ? s.p : NULL;
	*n = s.n;
}

/*
 * Parses one syslog payload into the round's batch. Returns false when
 * refused (counted; a RELP refusal answered 500).
 */
static bool add_message(struct seclog_recv *r, struct recv_conn *c, long si,
                        const struct seclog_source *src, const char *p, size_t n, uint32_t txnr)
{
	struct seclog_parsed *pm = &r->parsed;
	struct seclog_msg *m = &r->msgs[r->nb];
	int err = seclog_parse(p, n, src->allow_3164, r->year, r->utc_off_min, pm);

	/*
	 * RFC 3164 has no year: a "Dec 31" line read just after New Year would
	 * land a year ahead. More than a day ahead means it was last year's.
	 */
	if (err == SECLOG_OK && pm->legacy && pm->has_time &&
	    pm->time_us > r->now_us + 86400LL * 1000000)
		err = seclog_parse(p, n, true, r->year - 1, r->utc_off_min, pm);
	if (err != SECLOG_OK) {
		count_refused(r, si, err);
		if (c && c->relp)
			relp_rsp_err(&c->w, txnr, seclog_perr_name(err));
		return false;
	}
	*m = (struct seclog_msg){.recv_us = r->now_us,
	                         .source = src->id,
	                         .retention_years = src->retention_years,
	                         .facility = pm->facility,
	                         .severity = pm->severity,
	                         .timestamp_us = pm->has_time ? pm->time_us : SECLOG_TS_NONE,
	                         .raw = (const uint8_t *)p,
	                         .raw_len = n};
	set_str(&m->hostname, &m->hostname_len, pm->hostname);
	set_str(&m->app, &m->app_len, pm->app_name);
	set_str(&m->procid, &m->procid_len, pm->procid);
	set_str(&m->msgid, &m->msgid_len, pm->msgid);
	set_str(&m->sd, &m->sd_len, pm->sd);
	set_str(&m->text, &m->text_len,
	        (struct seclog_slice){.p = pm->msg.p, .n = trim_lf(pm->msg.p, pm->msg.n)});
	r->pend[r->nb] = (struct recv_pend){.c = c, .txnr = txnr, .si = si};
	r->nb++;
	return true;
}

static void parse_syslog(struct seclog_recv *r, struct recv_conn *c)
{
	while (c->roff < c->rlen) {
		struct seclog_slice fr;
		size_t used = 0;
		int rc;

		if (r->nb == RECV_ROUND_MAX) {
			c->more = true;
			return;
		}
		rc = seclog_framer_feed(&c->fr, c->rbuf + c->roff, c->rlen - c->roff, &used, &fr);
		c->roff += used;
		if (rc < 0) {
			count_refused(r, c->si, c->fr.err);
			c->dead = true;
			return;
		}
		if (rc == 0)
			return;
		add_message(r, c, c->si, &c->src, fr.p, fr.n, 0);
		/* A frame assembled in the framer lives until the next feed: stop here. */
		if (fr.p < c->rbuf || fr.p >= c->rbuf + c->rcap) {
			c->more = c->roff < c->rlen;
			return;
		}
	}
}

/* Drops the rest of a refused oversized RELP DATA, then its LF; true when done. */
static bool relp_skip(struct seclog_recv *r, struct recv_conn *c)
{
	size_t avail = c->rlen - c->roff, k = avail < c->skip ? avail : c->skip;

	c->skip -= k;
	c->roff += k;
	if (c->skip || c->roff == c->rlen)
		return false;
	if (c->rbuf[c->roff] != '\n') {
		count_refused(r, c->si, SECLOG_E_FRAME_PREFIX);
		c->dead = true;
		return false;
	}
	c->roff++;
	c->skip_lf = false;
	relp_rsp_err(&c->w, c->skip_txnr, "too_big");
	return true;
}

static void parse_relp(struct seclog_recv *r, struct recv_conn *c)
{
	while (c->roff < c->rlen && !c->shut && !c->dead && !c->close_pending) {
		struct relp_frame f = {0};
		size_t used = 0;
		int err, rc;
		const char *why = NULL;

		if (c->skip || c->skip_lf) {
			if (!relp_skip(r, c))
				return;
			continue;
		}
		if (r->nb == RECV_ROUND_MAX) {
			c->more = true;
			return;
		}
		/* Room for every answer this round may still owe (the socket drains it). */
		if (c->w.len + (c->npend + 2) * RELP_RSP_MAX > RECV_WBUF_CAP)
			return;
		rc = relp_frame_parse(c->rbuf + c->roff, c->rlen - c->roff, r->max_msg, &f, &used,
		                      &err);
		if (rc == 0)
			return;
		if (rc < 0 && err == RELP_E_TOO_BIG) {
			/* DATALEN is known, so the stream stays in step: refuse just this one. */
			struct relp_frame head = {.txnr = f.txnr, .cmd = f.cmd};

			if (relp_session_frame(&c->relp_s, &head, &c->w, &why) != RELP_A_SYSLOG) {
				count_refused(r, c->si, SECLOG_E_FRAME_TOO_BIG);
				c->shut = true;
				return;
			}
			count_refused(r, c->si, SECLOG_E_FRAME_TOO_BIG);
			c->roff += used;
			c->skip = f.data.n;
			c->skip_txnr = f.txnr;
			c->skip_lf = true;
			continue;
		}
		if (rc < 0) {
			count_refused(r, c->si, SECLOG_E_FRAME_PREFIX);
			relp_rsp_err(&c->w, 0, relp_perr_name(err));
			buf_puts(&c->w, "0 serverclose 0\n");
			c->shut = true;
			return;
		}
		c->roff += used;
		switch (relp_session_frame(&c->relp_s, &f, &c->w, &why)) {
		case RELP_A_SYSLOG:
			if (add_message(r, c, c->si, &c->src, f.data.p, f.data.n, f.txnr))
				c->npend++;
			break;
		case RELP_A_REPLIED:
			break;
		case RELP_A_CLOSE:
			c->close_pending = true;
			c->close_txnr = f.txnr;
			break;
		case RELP_A_FAIL:
			count_refused(r, c->si, SECLOG_E_FRAME_PREFIX);
			c->shut = true;
			return;
		}
	}
}

/* One read; false when nothing more is to be had now (would block, end, error). */
static bool conn_read_once(struct recv_conn *c)
{
	ssize_t n;

	if (c->tls) {
		n = gnutls_record_recv(c->sess, c->rbuf + c->rlen, c->rcap - c->rlen);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED ||
		    (n < 0 && !gnutls_error_is_fatal((int)n)))
			return false;
	} else {
		n = read(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return false;
	}
	if (n <= 0) {
		c->eof = true;
		return false;
	}
	c->rlen += (size_t)n;
	return true;
}

/*
 * Reads until the socket has nothing more or the buffer is full: a peer's
 * last bytes and its close are then seen in the same round, so a
 * short-lived connection is gone before the next accepts are counted.
 */
static void conn_read(struct seclog_recv *r, struct recv_conn *c)
{
	size_t before = c->rlen;

	if (c->eof || c->w.len - c->woff >= RECV_WBUF_CAP / 2)
		return;
	while (c->rlen < c->rcap && conn_read_once(c))
		;
	if (c->tls && !c->eof)
		c->more = gnutls_record_check_pending(c->sess) > 0;
	if (c->rlen > before)
		c->last_us = r->now_us;
}

static void conn_input(struct seclog_recv *r, struct recv_conn *c, bool readable)
{
	bool was_more = c->more;

	c->more = false;
	if (c->dead || c->shut)
		return;
	if (c->handshaking) {
		handshake(r, c);
		if (c->handshaking || c->dead)
			return;
		readable = true;
	}
	if (readable || was_more)
		conn_read(r, c);
	if (c->relp)
		parse_relp(r, c);
	else
		parse_syslog(r, c);
	if (c->eof && c->roff == c->rlen && !c->dead && !c->more) {
		if (!c->relp && seclog_framer_eof(&c->fr) != SECLOG_OK)
			count_refused(r, c->si, SECLOG_E_FRAME_TRUNCATED);
		else if (c->relp && (c->rlen || c->skip))
			count_refused(r, c->si, SECLOG_E_FRAME_TRUNCATED);
		c->shut = true;
	}
}

/* ---- UDP: one datagram, one message ---- */

static bool udp_resolve(struct seclog_recv *r, const char *addr, struct seclog_source *src,
                        long *si)
{
	struct recv_udp_cache *e = NULL;
	int rc;

	for (unsigned i = 0; i < RECV_UDP_CACHE; i++)
		if (r->cache[i].until_us > r->now_us && !strcmp(r->cache[i].addr, addr))
			e = &r->cache[i];
	if (!e) {
		e = &r->cache[r->cache_next++ % RECV_UDP_CACHE];
		*e = (struct recv_udp_cache){.until_us = r->now_us + RECV_UDP_TTL_US, .si = -1};
		snprintf(e->addr, sizeof(e->addr), "%s", addr);
		rc = r->o.resolve(r->o.ctx, SECLOG_T_UDP, addr, NULL, &e->src);
		e->found = rc == SK_OK;
		if (e->found) {
			pthread_mutex_lock(&r->smu);
			e->si = recv_stat_index(r, e->src.id);
			pthread_mutex_unlock(&r->smu);
			e->found = e->si >= 0;
		}
	}
	if (!e->found) {
		recv_unknown(r, addr, U_UNKNOWN);
		return false;
	}
	*src = e->src;
	*si = e->si;
	return true;
}

static void udp_input(struct seclog_recv *r, struct recv_listener *l)
{
	while (r->nudp < RECV_UDP_SLOTS && r->nb < RECV_ROUND_MAX) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char addr[SECLOG_ADDR_MAX];
		struct seclog_source src;
		long si;
		ssize_t n = recvfrom(l->fd, r->udp[r->nudp], RECV_UDP_MAX, MSG_TRUNC,
		                     (struct sockaddr *)&ss, &sl);

		if (n < 0)
			return;
		recv_peer_addr(&ss, addr);
		if (!udp_resolve(r, addr, &src, &si))
			continue;
		if ((size_t)n > r->max_msg) {
			count_refused(r, si, SECLOG_E_FRAME_TOO_BIG);
			continue;
		}
		if (add_message(r, NULL, si, &src, r->udp[r->nudp], (size_t)n, 0))
			r->nudp++;
	}
}

/* ---- the round's commit ---- */

/*
 * Why the store refused a parsed message: over a limit (rc SK_ETOOBIG), or the
 * field's own character code when the parser has one, else store_field.
 */
static int field_perr(int rc, const char *field)
{
	static const struct {
		const char *f;
		int e;
	} map[] = {{"text", SECLOG_E_MSG_UTF8},         {"hostname", SECLOG_E_HOSTNAME_CHAR},
	           {"app", SECLOG_E_APPNAME_CHAR},      {"procid", SECLOG_E_PROCID_CHAR},
	           {"msgid", SECLOG_E_MSGID_CHAR},      {"sd", SECLOG_E_SD_UTF8},
	           {"timestamp_us", SECLOG_E_TIMESTAMP}};

	if (rc == SK_ETOOBIG)
		return SECLOG_E_STORE_TOO_BIG;
	for (size_t i = 0; field && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(field, map[i].f))
			return map[i].e;
	return SECLOG_E_STORE_FIELD;
}

static void commit_round(struct seclog_recv *r)
{
	uint64_t first = 0;
	int rc = SK_OK;

	while (r->nb) {
		size_t bad = SIZE_MAX;
		const char *field = NULL;

		rc = seclog_append(r->s, r->msgs, r->nb, &first, &bad, &field);
		if (rc == SK_OK || !((rc == SK_EINVAL || rc == SK_ETOOBIG) && bad < r->nb))
			break;
		/* The store refused one message: refuse it alone and commit the rest. */
		count_refused(r, r->pend[bad].si, field_perr(rc, field));
		if (r->pend[bad].c && r->pend[bad].c->relp)
			relp_rsp_err(&r->pend[bad].c->w, r->pend[bad].txnr,
			             field ? field : "invalid");
		memmove(&r->msgs[bad], &r->msgs[bad + 1], (r->nb - bad - 1) * sizeof(r->msgs[0]));
		memmove(&r->pend[bad], &r->pend[bad + 1], (r->nb - bad - 1) * sizeof(r->pend[0]));
		r->nb--;
	}
	if (!r->nb)
		return;
	if (rc != SK_OK) {
		/* Not durable: nobody is acknowledged; RELP clients will send again. */
		fprintf(stderr,
		        "seclog receiver: append failed (%s); closing %zu senders' sessions\n",
		        sk_strerror(rc), r->nb);
		for (size_t i = 0; i < r->nb; i++)
			if (r->pend[i].c)
				r->pend[i].c->dead = true;
		r->nb = 0;
		return;
	}
	pthread_mutex_lock(&r->smu);
	for (size_t i = 0; i < r->nb; i++) {
		struct seclog_source_stats *st = &r->stats[r->pend[i].si];

		st->messages++;
		st->bytes += r->msgs[i].raw_len;
		if (!st->first_us)
			st->first_us = r->msgs[i].recv_us;
		st->last_us = r->msgs[i].recv_us;
	}
	pthread_mutex_unlock(&r->smu);
	for (size_t i = 0; i < r->nb; i++) {
		struct recv_conn *c = r->pend[i].c;

		if (c && c->relp && !c->dead && !c->shut)
			relp_rsp_ok(&c->w, r->pend[i].txnr);
	}

	if (r->o.committed)
		r->o.committed(r->o.ctx, r->msgs, r->nb, first);
	r->nb = 0;
}

/* ---- housekeeping ---- */

static void conn_compact(struct recv_conn *c)
{
	if (c->roff == c->rlen) {
		c->roff = c->rlen = 0;
	} else if (c->roff) {
		memmove(c->rbuf, c->rbuf + c->roff, c->rlen - c->roff);
		c->rlen -= c->roff;
		c->roff = 0;
	}
	if (c->woff && c->woff < c->w.len) {
		memmove(c->w.ptr, c->w.ptr + c->woff, c->w.len - c->woff);
		c->w.len -= c->woff;
		c->w.ptr[c->w.len] = '\0';
		c->woff = 0;
	}
}

static void recheck_sources(struct seclog_recv *r)
{
	memset(r->cache, 0, sizeof(r->cache));
	for (unsigned i = 0; i < r->nconns; i++) {
		struct recv_conn *c = r->conns[i];
		struct seclog_source src;

		if (!c->resolved || c->dead)
			continue;
		if (r->o.resolve(r->o.ctx, c->transport, c->addr, c->tls ? c->fp : NULL, &src) !=
		            SK_OK ||
		    src.id != c->src.id)
			c->dead = true;
		else
			c->src = src;
	}
}

static void check_idle(struct seclog_recv *r)
{
	int64_t hs = (int64_t)RECV_HS_MAX_S * 1000000;

	if (hs > r->idle_us)
		hs = r->idle_us;
	for (unsigned i = 0; i < r->nconns; i++) {
		struct recv_conn *c = r->conns[i];

		if (c->dead)
			continue;
		if (!c->resolved && r->now_us - c->born_us > hs) {
			recv_unknown(r, c->addr, U_IDLE);
			c->dead = true;
		} else if (c->resolved && r->now_us - c->last_us > r->idle_us) {
			pthread_mutex_lock(&r->smu);
			r->stats[c->si].idle_closed++;
			pthread_mutex_unlock(&r->smu);
			c->dead = true;
		}
	}
}

static void reap(struct seclog_recv *r)
{
	unsigned j = 0;

	for (unsigned i = 0; i < r->nconns; i++) {
		struct recv_conn *c = r->conns[i];

		if (c->dead)
			conn_free(r, c);
		else
			r->conns[j++] = c;
	}
	r->nconns = j;
}

static void set_clock(struct seclog_recv *r)
{
	time_t t;
	struct tm tm;

	r->now_us = now_us();
	t = (time_t)(r->now_us / 1000000);
	/* RFC 3164 times are the sender's local time; we take ours as theirs. */
	localtime_r(&t, &tm);
	r->utc_off_min = (int)(tm.tm_gmtoff / 60);
	r->year = tm.tm_year + 1900;
}

#define EV_MAX 256

static void *loop_main(void *arg)
{
	struct seclog_recv *r = arg;
	struct epoll_event ev[EV_MAX];
	int64_t last_idle = 0;

	while (!atomic_load(&r->stop)) {
		bool more = false;
		int n;

		for (unsigned i = 0; i < r->nconns; i++)
			more = more || r->conns[i]->more;
		n = epoll_wait(r->ep, ev, EV_MAX, more ? 0 : 1000);
		set_clock(r);
		r->nudp = 0;
		for (int i = 0; i < n; i++) {
			enum recv_kind *k = ev[i].data.ptr;

			if (*k == K_WAKE) {
				uint64_t v;

				(void)!read(r->wake.fd, &v, sizeof(v));
			} else if (*k == K_LISTEN) {
				struct recv_listener *l = ev[i].data.ptr;

				if (l->transport == SECLOG_T_UDP)
					udp_input(r, l);
				else
					l->ready = true; /* accepted after this round's closes */
			} else {
				struct recv_conn *c = ev[i].data.ptr;

				if (ev[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
					conn_flush(c);
				conn_input(r, c, ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP));
				c->events |= 1u << 31; /* seen this round */
			}
		}
		for (unsigned i = 0; i < r->nconns; i++) {
			struct recv_conn *c = r->conns[i];

			if (c->events & (1u << 31))
				c->events &= ~(1u << 31);
			else if (c->more)
				conn_input(r, c, false);
		}
		commit_round(r);
		for (unsigned i = 0; i < r->nconns; i++) {
			struct recv_conn *c = r->conns[i];

			c->npend = 0;
			if (c->close_pending && !c->dead) {
				relp_write_close(&c->w, c->close_txnr);
				c->close_pending = false;
				c->shut = true;
			}
			if (!c->dead && c->w.len > c->woff)
				conn_flush(c);
			if (c->shut && c->w.len == c->woff)
				c->dead = true;
			if (!c->dead) {
				conn_compact(c);
				conn_watch(r, c);
			}
		}
		if (atomic_exchange(&r->changed, false))
			recheck_sources(r);
		if (r->now_us - last_idle >= 1000000) {
			check_idle(r);
			last_idle = r->now_us;
		}
		reap(r);
		for (unsigned i = 0; i < r->nlis; i++) {
			if (r->lis[i].ready)
				do_accept(r, &r->lis[i]);
			r->lis[i].ready = false;
		}
	}
	for (unsigned i = 0; i < r->nconns; i++) {
		conn_flush(r->conns[i]);
		r->conns[i]->dead = true;
	}
	reap(r);
	return NULL;
}

/* ---- the interface ---- */

static void recv_free(struct seclog_recv *r)
{
	for (unsigned i = 0; i < r->nlis; i++)
		close(r->lis[i].fd);
	if (r->wake.fd >= 0)
		close(r->wake.fd);
	if (r->ep >= 0)
		close(r->ep);
	if (r->prio)
		gnutls_priority_deinit(r->prio);
	if (r->cred)
		gnutls_certificate_free_credentials(r->cred);
	pthread_mutex_destroy(&r->smu);
	free(r->conns);
	free(r->msgs);
	free(r->pend);
	free(r->udp);
	free(r->stats);
	free(r);
}

int seclog_recv_start(struct seclog *s, const struct seclog_recv_opts *o, struct seclog_recv **out,
                      char *why, size_t why_cap)
{
	static const unsigned order[5] = {SECLOG_T_TLS, SECLOG_T_RELP_TLS, SECLOG_T_RELP,
	                                  SECLOG_T_TCP, SECLOG_T_UDP};
	const char *spec[5] = {o->tls_listen, o->relp_tls_listen, o->relp_listen, o->tcp_listen,
	                       o->udp_listen};
	struct seclog_recv *r;
	int rc = SK_ENOMEM;

	*out = NULL;
	if (why && why_cap)
		why[0] = '\0';
	if (!s || !o->resolve || o->max_msg > SECLOG_FRAME_HARD_MAX ||
	    o->max_msg > SECLOG_RAW_MAX) {
		if (why && why_cap)
			snprintf(why, why_cap, "no store, no resolver, or max_msg over %d",
			         SECLOG_RAW_MAX);
		return SK_EINVAL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return SK_ENOMEM;
	r->s = s;
	r->o = *o;
	r->ep = r->wake.fd = -1;
	pthread_mutex_init(&r->smu, NULL);
	r->max_msg = o->max_msg ? o->max_msg : SECLOG_FRAME_DEFAULT;
	r->max_conns = o->max_conns ? o->max_conns : 256;
	r->per_source = o->max_conns_per_source ? o->max_conns_per_source : 8;
	r->idle_us = (int64_t)(o->idle_timeout_s ? o->idle_timeout_s : 600) * 1000000;
	r->conns = calloc(r->max_conns, sizeof(*r->conns));
	r->msgs = calloc(RECV_ROUND_MAX, sizeof(*r->msgs));
	r->pend = calloc(RECV_ROUND_MAX, sizeof(*r->pend));
	r->udp = o->udp_listen ? malloc(sizeof(*r->udp) * RECV_UDP_SLOTS) : NULL;
	if (!r->conns || !r->msgs || !r->pend || (o->udp_listen && !r->udp))
		goto fail;
	if ((o->tls_listen || o->relp_tls_listen) && (rc = recv_tls_init(r, why, why_cap)) != SK_OK)
		goto fail;
	r->ep = epoll_create1(EPOLL_CLOEXEC);
	r->wake = (struct recv_listener){.kind = K_WAKE,
	                                 .fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
	rc = SK_EIO;
	if (r->ep < 0 || r->wake.fd < 0)
		goto fail;
	for (unsigned i = 0; i < 5; i++)
		if (spec[i] && (rc = recv_listen(r, spec[i], order[i], why, why_cap)) != SK_OK)
			goto fail;
	if (r->nlis == 0) {
		if (why && why_cap)
			snprintf(why, why_cap, "no listener configured");
		rc = SK_EINVAL;
		goto fail;
	}
	for (unsigned i = 0; i <= r->nlis; i++) {
		struct recv_listener *l = i < r->nlis ? &r->lis[i] : &r->wake;
		struct epoll_event e = {.events = EPOLLIN, .data.ptr = l};

		if (epoll_ctl(r->ep, EPOLL_CTL_ADD, l->fd, &e) != 0)
			goto fail;
	}
	set_clock(r);
	if (pthread_create(&r->thread, NULL, loop_main, r) != 0)
		goto fail;
	r->started = true;
	*out = r;
	return SK_OK;
fail:
	recv_free(r);
	return rc ? rc : SK_EIO;
}

unsigned seclog_recv_port(const struct seclog_recv *r, enum seclog_transport t)
{
	for (unsigned i = 0; r && i < r->nlis; i++)
		if (r->lis[i].transport == (unsigned)t)
			return r->lis[i].port;
	return 0;
}

static void wake(struct seclog_recv *r)
{
	uint64_t one = 1;

	(void)!write(r->wake.fd, &one, sizeof(one));
}

void seclog_recv_stop(struct seclog_recv *r)
{
	if (!r)
		return;
	atomic_store(&r->stop, true);
	wake(r);
	if (r->started)
		pthread_join(r->thread, NULL);
	recv_free(r);
}

void seclog_recv_stats(struct seclog_recv *r, struct seclog_source_stats *out, size_t cap,
                       size_t *n, struct seclog_unknown_stats *u)
{
	pthread_mutex_lock(&r->smu);
	for (size_t i = 0; i < r->nstats && i < cap; i++)
		out[i] = r->stats[i];
	*n = r->nstats;
	if (u)
		*u = r->unknown;
	pthread_mutex_unlock(&r->smu);
}

void seclog_recv_sources_changed(struct seclog_recv *r)
{
	atomic_store(&r->changed, true);
	wake(r);
}
