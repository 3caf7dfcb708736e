/*
 * seclog input benchmark: RFC 6587 framing plus RFC 5424 parsing of
 * SKYDD_BENCH_SYSLOG_N (200,000) octet-counted messages of the kinds a
 * receiver sees (with and without structured data and BOM), in reads of
 * 16 KiB as from a socket. Baseline: a memchr pass over the same frames,
 * the least any parser must do (touch every byte once).
 *
 * Result lines "bench NAME VALUE UNIT baseline VALUE ratio R", the ratio
 * as in the other benches: our rate over the baseline's (1 would be free).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seclog/parse.h"
#include "bench.h"

const char *const bench_name = "bench_syslog_parse";

#define READ_SIZE 16384

/* Three kinds of message; literal formats so the compiler checks them. */
static int make_msg(uint64_t i, char *out, size_t cap)
{
	unsigned long long us = i % 1000000, host = i % 97, pid = 1000 + i % 50000, x = i % 250;

	switch (i % 3) {
	case 0:
		return snprintf(
		        out, cap,
		        "<37>1 2026-12-07T01:52:46.%06lluZ srv%llu.example.se sshd %llu - - "
		        "Failed password for invalid user admin from 192.0.2.%llu port 52314 ssh2",
		        us, host, pid, x);
	case 1:
		return snprintf(
		        out, cap,
		        "<165>1 2026-12-07T01:52:46.%06llu+01:00 db%llu.example.se postgres %llu "
		        "AUDIT [audit@32473 user=\"app\" db=\"reg\" stmt=\"SELECT\"][timeQuality "
		        "tzKnown=\"1\" isSynced=\"1\"] \xEF\xBB\xBFstatement: SELECT * FROM "
		        "person WHERE id = %llu",
		        us, host, pid, x);
	default:
		return snprintf(
		        out, cap,
		        "<86>1 2026-12-07T01:52:46.%06llu-05:00 fw%llu.example.se kernel %llu DROP "
		        "- IN=eth0 OUT= SRC=198.51.100.%llu DST=203.0.113.7 PROTO=TCP DPT=22",
		        us, host, pid, x);
	}
}

static char *build(uint64_t n, size_t *len, size_t *bytes)
{
	size_t cap = (size_t)n * 320, off = 0;
	char *buf = malloc(cap);

	if (!buf)
		bench_die("malloc", "out of memory");
	*bytes = 0;
	for (uint64_t i = 0; i < n; i++) {
		char msg[300];
		int m = make_msg(i, msg, sizeof(msg));

		if (m <= 0 || (size_t)m >= sizeof(msg) || cap - off < (size_t)m + 16)
			bench_die("build", "template too long");
		off += (size_t)snprintf(buf + off, cap - off, "%d %s", m, msg);
		*bytes += (size_t)m;
	}
	*len = off;
	return buf;
}

/* Framer + parser over the stream in READ_SIZE reads; returns messages parsed OK. */
static uint64_t run_parse(const char *s, size_t len)
{
	struct seclog_framer f;
	struct seclog_parsed m;
	uint64_t ok = 0;

	if (seclog_framer_init(&f, 0, 0) != SK_OK)
		bench_die("framer", "init failed");
	for (size_t off = 0; off < len;) {
		size_t chunk = len - off < READ_SIZE ? len - off : READ_SIZE;

		while (chunk) {
			struct seclog_slice fr;
			size_t used;
			int rc = seclog_framer_feed(&f, s + off, chunk, &used, &fr);

			off += used;
			chunk -= used;
			if (rc < 0)
				bench_die("framer", seclog_perr_str(f.err));
			if (rc == 1 && seclog_parse_5424(fr.p, fr.n, &m) == SECLOG_OK)
				ok += m.severity < 8;
		}
	}
	seclog_framer_release(&f);
	return ok;
}

/* The baseline: find each frame's SP with memchr and scan its body once. */
static uint64_t run_memchr(const char *s, size_t len)
{
	uint64_t n = 0;
	size_t off = 0;

	while (off < len) {
		const char *sp = memchr(s + off, ' ', len - off);
		size_t body = (size_t)strtoul(s + off, NULL, 10);

		if (!sp)
			break;
		off = (size_t)(sp - s) + 1;
		n += memchr(s + off, '\n', body) == NULL;
		off += body;
	}
	return n;
}

int main(void)
{
	uint64_t n = env_u64("SKYDD_BENCH_SYSLOG_N", 200000, 1000, 10000000);
	uint64_t reps = env_u64("SKYDD_BENCH_REPS", 5, 1, 100);
	size_t len, bytes;
	char *s = build(n, &len, &bytes);
	double best_p = 1e9, best_b = 1e9;

	print_load("before");
	for (uint64_t r = 0; r < reps; r++) {
		double t0 = now_s(), t1, t2;
		uint64_t a = run_parse(s, len), b;

		t1 = now_s();
		b = run_memchr(s, len);
		t2 = now_s();
		if (a != n || b != n)
			bench_die("check", "not every message was parsed");
		if (t1 - t0 < best_p)
			best_p = t1 - t0;
		if (t2 - t1 < best_b)
			best_b = t2 - t1;
	}
	printf("%s: %" PRIu64 " messages, %.1f MB, best of %" PRIu64 "\n", bench_name, n,
	       (double)len / 1e6, reps);
	bench_report("syslog_parse_msgs", (double)n / best_p, "msgs/s", (double)n / best_b,
	             best_b / best_p);
	bench_report("syslog_parse_mbps", (double)bytes / best_p / 1e6, "MB/s",
	             (double)bytes / best_b / 1e6, best_b / best_p);
	print_load("after");
	free(s);
	return 0;
}
