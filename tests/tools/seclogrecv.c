/*
 * The seclog receiver on its own, for tests and the bench.
 *
 *   seclogrecv DIR SOURCES [--tls A:P] [--relp A:P] [--relp-tls A:P] [--tcp A:P]
 *              [--udp A:P] [--cert F --key F] [--lf] [--max-msg N] [--max-conns N]
 *              [--per-source N] [--idle S]
 *       opens DIR/seclog.db, listens, prints "ready tls=PORT relp=PORT …" (the
 *       listeners configured) once bound; SIGUSR1 prints the counters, SIGHUP
 *       reads SOURCES again and tells the receiver (seclog_recv_sources_changed)
 *       and prints "reloaded", SIGTERM prints the counters and stops (closing
 *       the store: a final checkpoint).
 *   seclogrecv dump DIR
 *       every stored message, one line: "IDX src=S sev=V host=H app=A text=T"
 *
 * SOURCES is a static resolver, one source a line (# comments):
 *   ID SYSTEM RETENTION TRANSPORTS BINDING [MAX_CONNS] [3164]
 * TRANSPORTS is a comma list of tls, relp-tls, relp, tcp, udp (or "all");
 * BINDING a certificate's SHA-256 (lower-case hex) or a numeric address.
 */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seclog/recv.h"

#define SRC_MAX 64

static struct seclog_source srcs[SRC_MAX];
static size_t nsrcs;
static pthread_mutex_t srcs_mu = PTHREAD_MUTEX_INITIALIZER; /* SIGHUP reloads beside the loop */

static unsigned parse_transports(char *list)
{
	unsigned t = 0;

	for (char *save = NULL, *w = strtok_r(list, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "all"))
			t |= SECLOG_T_ALL;
		else if (!strcmp(w, "tls"))
			t |= SECLOG_T_TLS;
		else if (!strcmp(w, "relp-tls"))
			t |= SECLOG_T_RELP_TLS;
		else if (!strcmp(w, "relp"))
			t |= SECLOG_T_RELP;
		else if (!strcmp(w, "tcp"))
			t |= SECLOG_T_TCP;
		else if (!strcmp(w, "udp"))
			t |= SECLOG_T_UDP;
	}
	return t;
}

static int load_sources(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return -1;
	pthread_mutex_lock(&srcs_mu);
	nsrcs = 0;
	while (fgets(line, sizeof(line), f) && nsrcs < SRC_MAX) {
		struct seclog_source *s = &srcs[nsrcs];
		char tr[64], bind[128], opt1[16] = "", opt2[16] = "";
		long long id, sys;
		unsigned ret;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%lld %lld %u %63s %127s %15s %15s", &id, &sys, &ret, tr, bind,
		           opt1, opt2) < 5)
			continue;
		*s = (struct seclog_source){.id = id, .system = sys, .retention_years = ret};
		s->transports = parse_transports(tr);
		if (strlen(bind) == SECLOG_FP_LEN && !strchr(bind, '.') && !strchr(bind, ':'))
			snprintf(s->cert_sha256, sizeof(s->cert_sha256), "%.64s", bind);
		else
			snprintf(s->address, sizeof(s->address), "%.45s", bind);
		for (const char *o = opt1; o; o = o == opt1 ? opt2 : NULL) {
			if (!strcmp(o, "3164"))
				s->allow_3164 = true;
			else if (o[0] >= '0' && o[0] <= '9')
				s->max_conns = (unsigned)strtoul(o, NULL, 10);
		}
		nsrcs++;
	}
	pthread_mutex_unlock(&srcs_mu);
	fclose(f);
	return 0;
}

static int resolve(void *ctx, unsigned transport, const char *addr, const char *fp,
                   struct seclog_source *out)
{
	int rc = SK_ENOTFOUND;

	(void)ctx;
	pthread_mutex_lock(&srcs_mu);
	for (size_t i = 0; i < nsrcs; i++) {
		const struct seclog_source *s = &srcs[i];

		if (!(s->transports & transport))
			continue;
		if (fp ? !strcmp(s->cert_sha256, fp)
		       : (s->address[0] && !strcmp(s->address, addr))) {
			*out = *s;
			rc = SK_OK;
			break;
		}
	}
	pthread_mutex_unlock(&srcs_mu);
	return rc;
}

static void print_stats(struct seclog_recv *r)
{
	struct seclog_source_stats st[SRC_MAX];
	struct seclog_unknown_stats u;
	size_t n = 0;

	seclog_recv_stats(r, st, SRC_MAX, &n, &u);
	for (size_t i = 0; i < n && i < SRC_MAX; i++) {
		printf("stats source=%" PRId64 " messages=%" PRIu64 " bytes=%" PRIu64
		       " refused=%" PRIu64 " connections=%" PRIu64 " open=%u over_limit=%" PRIu64
		       " idle=%" PRIu64,
		       st[i].source, st[i].messages, st[i].bytes, st[i].refused, st[i].connections,
		       st[i].open, st[i].over_limit, st[i].idle_closed);
		for (int k = 1; k < SECLOG_PERR_MAX; k++)
			if (st[i].refused_by[k])
				printf(" %s=%" PRIu64, seclog_perr_name(k), st[i].refused_by[k]);
		printf("\n");
	}
	printf("unknown unknown_peer=%" PRIu64 " bad_cert=%" PRIu64 " over_capacity=%" PRIu64
	       " idle=%" PRIu64 "\n",
	       u.unknown_peer, u.bad_cert, u.over_capacity, u.idle);
	printf("end\n");
	fflush(stdout);
}

static int dump(const char *dir)
{
	char path[4096];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = 1;

	snprintf(path, sizeof(path), "%s/%s", dir, SECLOG_DB_FILE);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT idx, body FROM msg ORDER BY idx", -1, &st, NULL) !=
	            SQLITE_OK) {
		fprintf(stderr, "seclogrecv: %s: %s\n", path, sqlite3_errmsg(db));
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct seclog_msg m;
		const uint8_t *b = sqlite3_column_blob(st, 1);

		if (!b || seclog_msg_decode(b, (size_t)sqlite3_column_bytes(st, 1), &m)) {
			printf("%lld undecodable\n", (long long)sqlite3_column_int64(st, 0));
			continue;
		}
		printf("%lld src=%" PRId64 " sev=%u host=%.*s app=%.*s text=%.*s\n",
		       (long long)sqlite3_column_int64(st, 0), m.source, m.severity,
		       (int)m.hostname_len, m.hostname ? m.hostname : "", (int)m.app_len,
		       m.app ? m.app : "", (int)m.text_len, m.text ? m.text : "");
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

static const char *arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "seclogrecv: %s needs a value\n", argv[*i]);
		exit(2);
	}
	return argv[++*i];
}

int main(int argc, char **argv)
{
	struct seclog_recv_opts o = {.resolve = resolve};
	struct seclog *s = NULL;
	struct seclog_recv *r = NULL;
	char why[256];
	sigset_t set;
	int rc, sig = 0;

	if (argc == 3 && !strcmp(argv[1], "dump"))
		return dump(argv[2]);
	if (argc < 3) {
		fprintf(stderr,
		        "usage: seclogrecv DIR SOURCES [--tls|--relp|--relp-tls|--tcp|--udp "
		        "A:P]... [--cert F --key F] | seclogrecv dump DIR\n");
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--tls"))
			o.tls_listen = arg(argc, argv, &i);
		else if (!strcmp(a, "--relp"))
			o.relp_listen = arg(argc, argv, &i);
		else if (!strcmp(a, "--relp-tls"))
			o.relp_tls_listen = arg(argc, argv, &i);
		else if (!strcmp(a, "--tcp"))
			o.tcp_listen = arg(argc, argv, &i);
		else if (!strcmp(a, "--udp"))
			o.udp_listen = arg(argc, argv, &i);
		else if (!strcmp(a, "--cert"))
			o.tls_cert = arg(argc, argv, &i);
		else if (!strcmp(a, "--key"))
			o.tls_key = arg(argc, argv, &i);
		else if (!strcmp(a, "--lf"))
			o.tcp_allow_lf = true;
		else if (!strcmp(a, "--max-msg"))
			o.max_msg = strtoul(arg(argc, argv, &i), NULL, 10);
		else if (!strcmp(a, "--max-conns"))
			o.max_conns = (unsigned)strtoul(arg(argc, argv, &i), NULL, 10);
		else if (!strcmp(a, "--per-source"))
			o.max_conns_per_source = (unsigned)strtoul(arg(argc, argv, &i), NULL, 10);
		else if (!strcmp(a, "--idle"))
			o.idle_timeout_s = (unsigned)strtoul(arg(argc, argv, &i), NULL, 10);
		else {
			fprintf(stderr, "seclogrecv: unknown option %s\n", a);
			return 2;
		}
	}
	if (load_sources(argv[2])) {
		fprintf(stderr, "seclogrecv: cannot read %s\n", argv[2]);
		return 2;
	}
	/* Signals are taken by sigwait below: block them before any thread starts. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = seclog_open(argv[1], NULL, &s);
	if (rc) {
		fprintf(stderr, "seclogrecv: open %s: %s\n", argv[1], sk_strerror(rc));
		return 1;
	}
	rc = seclog_recv_start(s, &o, &r, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "seclogrecv: %s (%s)\n", why, sk_strerror(rc));
		seclog_close(s);
		return 1;
	}
	printf("ready");
	if (o.tls_listen)
		printf(" tls=%u", seclog_recv_port(r, SECLOG_T_TLS));
	if (o.relp_listen)
		printf(" relp=%u", seclog_recv_port(r, SECLOG_T_RELP));
	if (o.relp_tls_listen)
		printf(" relp-tls=%u", seclog_recv_port(r, SECLOG_T_RELP_TLS));
	if (o.tcp_listen)
		printf(" tcp=%u", seclog_recv_port(r, SECLOG_T_TCP));
	if (o.udp_listen)
		printf(" udp=%u", seclog_recv_port(r, SECLOG_T_UDP));
	printf("\n");
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			if (load_sources(argv[2]) == 0)
				seclog_recv_sources_changed(r);
			printf("reloaded\n");
			fflush(stdout);
			continue;
		}
		print_stats(r);
		if (sig != SIGUSR1)
			break;
	}
	seclog_recv_stop(r);
	seclog_close(s);
	return 0;
}
