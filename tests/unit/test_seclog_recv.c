/*
 * The seclog receiver in process (seclog/recv.h): every refusal of
 * seclog_recv_start (and that a failed start leaves nothing bound); a RELP
 * session over loopback where every "rsp 200" arrives only when the store
 * already holds that many messages (ack after commit), a refused message
 * answered 500 and counted, the committed callback and the counters; an
 * unknown peer refused and counted; sources_changed closing a withdrawn
 * source's connection. Real peers are in tests/sh/test_seclog_recv.sh.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "seclog/recv.h"
#include "store/store.h"

static char dir[256];
static char vkey[256];
static struct seclog *slog;
static bool withdrawn; /* the resolver's answer for 127.0.0.1 */
static uint64_t committed_n;
static int64_t last_ts; /* the last committed message's own time */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static int resolve(void *ctx, unsigned transport, const char *addr, const char *fp,
                   struct seclog_source *out)
{
	(void)ctx;
	(void)fp;
	if (withdrawn || strcmp(addr, "127.0.0.1") != 0 ||
	    !(transport & (SECLOG_T_RELP | SECLOG_T_TCP)))
		return SK_ENOTFOUND;
	*out = (struct seclog_source){.id = 5,
	                              .system = 50,
	                              .retention_years = 25,
	                              .transports = SECLOG_T_RELP | SECLOG_T_TCP,
	                              .allow_3164 = transport == SECLOG_T_TCP};
	return SK_OK;
}

static void committed(void *ctx, const struct seclog_msg *m, size_t n, uint64_t first)
{
	(void)ctx;
	(void)first;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(m[i].source, 5);
		assert_int_equal(m[i].retention_years, 25);
	}
	pthread_mutex_lock(&mu);
	committed_n += n;
	if (n)
		last_ts = m[n - 1].timestamp_us;
	pthread_mutex_unlock(&mu);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/skydd-test-recv-XXXXXX");
	assert_non_null(mkdtemp(dir));
	rmdir(dir);
	assert_int_equal(store_init(dir, &(struct store_init_opts){.origin = "test/recv"}, vkey,
	                            sizeof(vkey)),
	                 SK_OK);
	assert_int_equal(seclog_open(dir, NULL, &slog), SK_OK);
	withdrawn = false;
	committed_n = 0;
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	sk_clock_set_offset(0);
	seclog_close(slog);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int connect_to(const char *from, unsigned port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct sockaddr_in b = {.sin_family = AF_INET};
	struct timeval tv = {.tv_sec = 5};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	inet_pton(AF_INET, from, &b.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&b, sizeof(b)), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Reads one LF-terminated RELP response line (open's answer: several lines). */
static bool read_line(int fd, char *out, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		ssize_t k = read(fd, out + n, 1);

		if (k <= 0)
			return false;
		if (out[n++] == '\n')
			break;
	}
	out[n] = '\0';
	return true;
}

static void test_start_refusals(void **state)
{
	struct seclog_recv *r = NULL, *r2 = NULL;
	char why[256];
	unsigned port;

	(void)state;
	struct seclog_recv_opts o = {.relp_listen = "127.0.0.1:0", .resolve = resolve};

	/* No resolver, no listener, max_msg over the store's raw limit. */
	assert_int_equal(seclog_recv_start(slog, &(struct seclog_recv_opts){.relp_listen = ":0"},
	                                   &r, why, sizeof(why)),
	                 SK_EINVAL);
	assert_null(r);
	assert_int_equal(seclog_recv_start(slog, &(struct seclog_recv_opts){.resolve = resolve}, &r,
	                                   why, sizeof(why)),
	                 SK_EINVAL);
	assert_non_null(strstr(why, "no listener"));
	o.max_msg = SECLOG_RAW_MAX + 1;
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_EINVAL);
	o.max_msg = 0;
	/* Malformed listen addresses. */
	o.relp_listen = "127.0.0.1";
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_EINVAL);
	assert_non_null(strstr(why, "ADDR:PORT"));
	o.relp_listen = "localhost:514";
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_EINVAL);
	o.relp_listen = "127.0.0.1:51x";
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_EINVAL);
	/* TLS without material, or with a file that is not there. */
	o.relp_listen = NULL;
	o.tls_listen = "127.0.0.1:0";
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_EINVAL);
	o.tls_cert = "/nonexistent/cert.pem";
	o.tls_key = "/nonexistent/key.pem";
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_EIO);
	assert_null(r);

	/* A port in use: the start fails and the listener it did bind is closed again. */
	o = (struct seclog_recv_opts){.tcp_listen = "127.0.0.1:0", .resolve = resolve};
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_OK);
	port = seclog_recv_port(r, SECLOG_T_TCP);
	assert_true(port > 0);
	assert_int_equal(seclog_recv_port(r, SECLOG_T_RELP), 0);
	{
		char spec[32];
		struct seclog_recv_opts o2 = {.relp_listen = "127.0.0.1:0", .resolve = resolve};

		snprintf(spec, sizeof(spec), "127.0.0.1:%u", port);
		o2.tcp_listen = spec;
		assert_int_equal(seclog_recv_start(slog, &o2, &r2, why, sizeof(why)), SK_EIO);
		assert_null(r2);
	}
	seclog_recv_stop(r);
	seclog_recv_stop(NULL);
}

#define OFFERS "relp_version=0\nrelp_software=test\ncommands=syslog"
#define MSG    "<14>1 2026-12-07T10:00:00Z host.skydd.test app - - - message "

static void test_relp_ack_after_commit(void **state)
{
	struct seclog_recv *r = NULL;
	struct seclog_recv_opts o = {.relp_listen = "127.0.0.1:0",
	                             .resolve = resolve,
	                             .committed = committed,
	                             .max_msg = 1024};
	struct seclog_source_stats st[1];
	struct seclog_unknown_stats u;
	char why[256], line[512], buf[8192];
	size_t len = 0, n = 0;
	unsigned acked = 0;
	int fd;

	(void)state;
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_OK);
	fd = connect_to("127.0.0.1", seclog_recv_port(r, SECLOG_T_RELP));
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "1 open %zu %s\n", strlen(OFFERS),
	                        OFFERS);
	for (unsigned t = 2; t <= 41; t++) {
		char m[128];
		int ml = snprintf(m, sizeof(m), MSG "%u", t);

		if (t == 20) /* not RFC 5424: refused with 500, the rest goes on */
			ml = snprintf(m, sizeof(m), "<14>2 - - - - - bad version");
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u syslog %d %s\n", t, ml,
		                        m);
	}
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "42 close 0\n");
	assert_int_equal(write(fd, buf, len), (ssize_t)len);

	assert_true(read_line(fd, line, sizeof(line)));
	assert_string_equal(line, "1 rsp 57 200 OK\n");
	for (int k = 0; k < 3; k++) /* the rest of open's answer: our offers */
		assert_true(read_line(fd, line, sizeof(line)));
	assert_string_equal(line, "commands=syslog\n");
	for (;;) {
		unsigned t;

		assert_true(read_line(fd, line, sizeof(line)));
		if (!strcmp(line, "0 serverclose 0\n"))
			break;
		assert_int_equal(sscanf(line, "%u rsp", &t), 1);
		if (t == 20) {
			assert_string_equal(line, "20 rsp 11 500 version\n");
			continue;
		}
		assert_non_null(strstr(line, " rsp 6 200 OK\n"));
		if (t == 42)
			continue;
		/* The answer arrives only once the store holds the message. */
		acked++;
		assert_true(seclog_size(slog) >= acked);
	}
	assert_int_equal(acked, 39);
	assert_int_equal(read(fd, buf, 1), 0); /* we closed */
	close(fd);
	assert_int_equal(seclog_size(slog), 39);

	/* A stranger: refused and counted. */
	fd = connect_to("127.0.0.2", seclog_recv_port(r, SECLOG_T_RELP));
	assert_int_equal(read(fd, buf, 1), 0);
	close(fd);
	seclog_recv_stats(r, st, 1, &n, &u);
	assert_int_equal(n, 1);
	assert_int_equal(st[0].source, 5);
	assert_int_equal(st[0].messages, 39);
	assert_int_equal(st[0].refused, 1);
	assert_int_equal(st[0].refused_by[SECLOG_E_VERSION], 1);
	assert_int_equal(st[0].connections, 1);
	assert_true(st[0].first_us > 0 && st[0].last_us >= st[0].first_us);
	assert_int_equal(u.unknown_peer, 1);
	assert_string_equal(u.last_addr, "127.0.0.2");
	seclog_recv_stop(r);
	assert_int_equal(committed_n, 39);
}

/*
 * A message the parser takes and the store refuses (structured data over the
 * store's 16 KiB): answered 500 naming the field, counted as store_too_big (not
 * as a parse reason), and the message after it is stored.
 */
static void test_store_refusal(void **state)
{
	struct seclog_recv *r = NULL;
	struct seclog_recv_opts o = {.relp_listen = "127.0.0.1:0", .resolve = resolve};
	struct seclog_source_stats st[1];
	struct seclog_unknown_stats u;
	static char buf[40000], big[SECLOG_SD_MAX + 200];
	char why[256], line[512];
	size_t len = 0, n = 0;
	int fd, bl, got500 = 0, got200 = 0;

	(void)state;
	bl = snprintf(big, sizeof(big),
	              "<14>1 2026-12-07T10:00:00Z host.skydd.test app - - [x@1 a=\"");
	while ((size_t)bl < SECLOG_SD_MAX + 50)
		big[bl++] = 'A';
	bl += snprintf(big + bl, sizeof(big) - (size_t)bl, "\"] text");
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_OK);
	fd = connect_to("127.0.0.1", seclog_recv_port(r, SECLOG_T_RELP));
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "1 open %zu %s\n", strlen(OFFERS),
	                        OFFERS);
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "2 syslog %d %s\n", bl, big);
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "3 syslog %zu %s\n",
	                        strlen(MSG "after"), MSG "after");
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "4 close 0\n");
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	while (read_line(fd, line, sizeof(line)) && strcmp(line, "0 serverclose 0\n")) {
		if (!strncmp(line, "2 rsp ", 6)) {
			assert_non_null(strstr(line, " 500 sd"));
			got500++;
		}
		if (!strncmp(line, "3 rsp ", 6)) {
			assert_non_null(strstr(line, " 200 OK"));
			got200++;
		}
	}
	close(fd);
	assert_int_equal(got500, 1);
	assert_int_equal(got200, 1);
	assert_int_equal(seclog_size(slog), 1);
	seclog_recv_stats(r, st, 1, &n, &u);
	assert_int_equal(n, 1);
	assert_int_equal(st[0].refused, 1);
	assert_int_equal(st[0].refused_by[SECLOG_E_STORE_TOO_BIG], 1);
	assert_int_equal(st[0].refused_by[SECLOG_E_SD_UTF8], 0);
	assert_string_equal(seclog_perr_name(SECLOG_E_STORE_TOO_BIG), "store_too_big");
	seclog_recv_stop(r);
}

static void test_sources_changed(void **state)
{
	struct seclog_recv *r = NULL;
	struct seclog_recv_opts o = {.tcp_listen = "127.0.0.1:0", .resolve = resolve};
	struct seclog_source_stats st[4];
	char why[256], c;
	size_t n = 0;
	int fd;

	(void)state;
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_OK);
	fd = connect_to("127.0.0.1", seclog_recv_port(r, SECLOG_T_TCP));
	/* Bound once accepted: wait until the counters show it open. */
	for (int i = 0; i < 200; i++) {
		seclog_recv_stats(r, st, 4, &n, NULL);
		if (n == 1 && st[0].open == 1)
			break;
		usleep(10000);
	}
	assert_int_equal(n, 1);
	assert_int_equal(st[0].open, 1);
	withdrawn = true;
	seclog_recv_sources_changed(r);
	assert_int_equal(read(fd, &c, 1), 0); /* closed by the receiver (a timeout gives -1) */
	close(fd);
	seclog_recv_stats(r, st, 4, &n, NULL);
	assert_int_equal(st[0].open, 0);
	seclog_recv_stop(r);
}

/* A legacy line from the old year, read just after New Year, keeps its year. */
static void test_3164_new_year(void **state)
{
	struct tm at = {.tm_year = 126,
	                .tm_mon = 0,
	                .tm_mday = 1,
	                .tm_hour = 0,
	                .tm_min = 30,
	                .tm_isdst = -1};
	struct tm then = {.tm_year = 125,
	                  .tm_mon = 11,
	                  .tm_mday = 31,
	                  .tm_hour = 23,
	                  .tm_min = 59,
	                  .tm_isdst = -1};
	struct seclog_recv *r = NULL;
	struct seclog_recv_opts o = {.tcp_listen = "127.0.0.1:0",
	                             .relp_listen = "127.0.0.1:0",
	                             .resolve = resolve,
	                             .committed = committed};
	const char line[] = "<13>Dec 31 23:59:00 oldhost app: last year's line";
	char why[256], frame[128], rbuf[256];
	uint64_t got = 0;
	int fd, len;

	(void)state;
	sk_clock_set_offset((int64_t)mktime(&at) * 1000000 - sk_now_us());
	assert_int_equal(seclog_recv_start(slog, &o, &r, why, sizeof(why)), SK_OK);
	fd = connect_to("127.0.0.1", seclog_recv_port(r, SECLOG_T_TCP));
	len = snprintf(frame, sizeof(frame), "%zu %s", sizeof(line) - 1, line);
	assert_int_equal(write(fd, frame, (size_t)len), len);
	for (int i = 0; i < 300 && got == 0; i++) {
		usleep(10000);
		pthread_mutex_lock(&mu);
		got = committed_n;
		pthread_mutex_unlock(&mu);
	}
	close(fd);
	assert_int_equal(got, 1);
	assert_int_equal(last_ts, (int64_t)mktime(&then) * 1000000);

	/* The same line over RELP, from a source not allowed RFC 3164: 500, not stored. */
	fd = connect_to("127.0.0.1", seclog_recv_port(r, SECLOG_T_RELP));
	len = snprintf(rbuf, sizeof(rbuf), "1 open %zu %s\n2 syslog %zu %s\n", strlen(OFFERS),
	               OFFERS, sizeof(line) - 1, line);
	assert_int_equal(write(fd, rbuf, (size_t)len), len);
	for (int k = 0; k < 4; k++)
		assert_true(read_line(fd, why, sizeof(why)));
	assert_true(read_line(fd, why, sizeof(why)));
	assert_string_equal(why, "2 rsp 11 500 version\n");
	close(fd);
	seclog_recv_stop(r);
	assert_int_equal(seclog_size(slog), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_start_refusals, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_relp_ack_after_commit, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_store_refusal, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_sources_changed, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_3164_new_year, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
