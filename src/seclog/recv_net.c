/*
 * The receiver's sockets and TLS material: binding "ADDR:PORT" listeners
 * (non-blocking), the GnuTLS server credentials and the peer certificate's
 * fingerprint, which is all the binding of a TLS source rests on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "seclog/recv_int.h"

static void set_why(char *why, size_t cap, const char *spec, const char *what)
{
	if (why && cap)
		snprintf(why, cap, "%s: %s", spec, what);
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT" (every address). */
static int split_spec(const char *spec, char *host, size_t hcap, char *port, size_t pcap)
{
	const char *colon;
	size_t hl;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (!end || end[1] != ':')
			return SK_EINVAL;
		hl = (size_t)(end - spec - 1);
		colon = end + 1;
		spec++;
	} else {
		colon = strrchr(spec, ':');
		if (!colon)
			return SK_EINVAL;
		hl = (size_t)(colon - spec);
	}
	if (hl >= hcap || strlen(colon + 1) >= pcap || !colon[1])
		return SK_EINVAL;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	snprintf(port, pcap, "%s", colon + 1);
	for (const char *c = port; *c; c++)
		if (*c < '0' || *c > '9')
			return SK_EINVAL;
	return SK_OK;
}

int recv_listen(struct seclog_recv *r, const char *spec, unsigned transport, char *why,
                size_t why_cap)
{
	char host[64], port[8];
	struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
	                         .ai_family = AF_UNSPEC};
	struct addrinfo *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct recv_listener *l = &r->lis[r->nlis];
	int fd = -1, one = 1, rc = SK_EIO;
	bool udp = transport == SECLOG_T_UDP;

	if (split_spec(spec, host, sizeof(host), port, sizeof(port))) {
		set_why(why, why_cap, spec, "not ADDR:PORT");
		return SK_EINVAL;
	}
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	if (getaddrinfo(host[0] ? host : NULL, port, &hints, &ai) != 0 || !ai) {
		set_why(why, why_cap, spec, "not a numeric address and port");
		return SK_EINVAL;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		set_why(why, why_cap, spec, strerror(errno));
		goto out;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (udp) {
		int rcvbuf = 4 << 20; /* UDP is lossy; a deep queue makes it less so */

		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	}
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || (!udp && listen(fd, 128) != 0) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		set_why(why, why_cap, spec, strerror(errno));
		goto out;
	}
	*l = (struct recv_listener){.kind = K_LISTEN, .fd = fd, .transport = transport};
	l->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
	                                   : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	r->nlis++;
	fd = -1;
	rc = SK_OK;
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return rc;
}

void recv_peer_addr(const struct sockaddr_storage *sa, char *out)
{
	out[0] = '\0';
	if (sa->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
		          SECLOG_ADDR_MAX);
	} else if (sa->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		/* A v4 peer on a dual-stack socket is bound by its v4 address. */
		if (IN6_IS_ADDR_V4MAPPED(a))
			inet_ntop(AF_INET, &a->s6_addr[12], out, SECLOG_ADDR_MAX);
		else
			inet_ntop(AF_INET6, a, out, SECLOG_ADDR_MAX);
	}
}

int recv_tls_init(struct seclog_recv *r, char *why, size_t why_cap)
{
	int g;

	if (!r->o.tls_cert || !r->o.tls_key) {
		set_why(why, why_cap, "tls", "a TLS listener needs tls_cert and tls_key");
		return SK_EINVAL;
	}
	if (gnutls_certificate_allocate_credentials(&r->cred) != GNUTLS_E_SUCCESS) {
		set_why(why, why_cap, "tls", "out of memory");
		return SK_ENOMEM;
	}
	g = gnutls_certificate_set_x509_key_file(r->cred, r->o.tls_cert, r->o.tls_key,
	                                         GNUTLS_X509_FMT_PEM);
	if (g < 0) {
		set_why(why, why_cap, r->o.tls_cert, gnutls_strerror(g));
		return SK_EIO;
	}
	/*
	 * Client certificates are pinned by fingerprint, not chained to a CA,
	 * so the request carries no CA names; "%NO_TICKETS" avoids TLS 1.3
	 * session tickets that a log client never uses.
	 */
	g = gnutls_priority_init(&r->prio, "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1:%NO_TICKETS", NULL);
	if (g < 0) {
		set_why(why, why_cap, "tls", gnutls_strerror(g));
		return SK_EIO;
	}
	return SK_OK;
}

int recv_tls_fingerprint(gnutls_session_t sess, char out[SECLOG_FP_LEN + 1])
{
	unsigned n = 0;
	const gnutls_datum_t *c = gnutls_certificate_get_peers(sess, &n);
	unsigned char d[32];
	static const char hex[] = "0123456789abcdef";

	out[0] = '\0';
	if (!c || n == 0 || gnutls_certificate_type_get(sess) != GNUTLS_CRT_X509)
		return SK_ENOTFOUND;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, c[0].data, c[0].size, d) < 0)
		return SK_EIO;
	for (size_t i = 0; i < sizeof(d); i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[SECLOG_FP_LEN] = '\0';
	return SK_OK;
}

int recv_tls_valid_at(gnutls_session_t sess, time_t now)
{
	unsigned n = 0;
	const gnutls_datum_t *c = gnutls_certificate_get_peers(sess, &n);
	gnutls_x509_crt_t crt;
	time_t from, until;
	int rc = SK_EINVAL;

	if (!c || n == 0 || gnutls_certificate_type_get(sess) != GNUTLS_CRT_X509)
		return SK_ENOTFOUND;
	if (gnutls_x509_crt_init(&crt) < 0)
		return SK_ENOMEM;
	if (gnutls_x509_crt_import(crt, &c[0], GNUTLS_X509_FMT_DER) >= 0) {
		from = gnutls_x509_crt_get_activation_time(crt);
		until = gnutls_x509_crt_get_expiration_time(crt);
		if (from != (time_t)-1 && until != (time_t)-1)
			rc = now >= from && now <= until ? SK_OK : SK_EPERM;
	}
	gnutls_x509_crt_deinit(crt);
	return rc;
}
