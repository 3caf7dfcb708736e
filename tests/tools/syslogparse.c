/*
 * syslogparse: reads a captured syslog TCP stream from stdin, splits it with
 * the RFC 6587 framer and prints each message as one JSON line with the
 * fields our parsers found, so a shell test can compare them with what
 * another implementation (util-linux logger) was told to send.
 *
 *   syslogparse [--lf] [--no-3164] [--year Y] [--offset MIN] [--max N] < stream
 *
 * A refused message prints {"error": "<code>", "offset": N}; a framing error
 * prints {"frame_error": "<code>", "at": N} and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "seclog/parse.h"
#include "util/util.h"

static json_t *str(struct seclog_slice s)
{
	json_t *v;

	if (s.n == 0)
		return json_null();
	v = json_stringn(s.p, s.n);
	/* Not UTF-8 (MSG-ANY may be anything): show it escaped rather than lose it. */
	return v ? v : json_string("<not utf-8>");
}

static json_t *sd_json(const struct seclog_parsed *m)
{
	json_t *arr = json_array();
	static char val[65536];

	for (unsigned i = 0; i < m->nsd; i++) {
		const struct seclog_sd_elem *e = &m->sd_elems[i];
		json_t *params = json_object();

		for (unsigned k = e->first; k < e->first + e->nparams; k++) {
			char name[40];
			long n = seclog_sd_unescape(m->params[k].value, val, sizeof(val));

			snprintf(name, sizeof(name), "%.*s", (int)m->params[k].name.n,
			         m->params[k].name.p);
			json_object_set_new(params, name,
			                    n < 0 ? json_null() : json_stringn(val, (size_t)n));
		}
		json_array_append_new(arr,
		                      json_pack("{s:o,s:o}", "id", str(e->id), "params", params));
	}
	return arr;
}

static void print_msg(const char *p, size_t n, bool allow_3164, int year, int off)
{
	struct seclog_parsed m;
	int rc = seclog_parse(p, n, allow_3164, year, off, &m);
	json_t *o;
	char *text;

	if (rc != SECLOG_OK) {
		o = json_pack("{s:s,s:I}", "error", seclog_perr_name(rc), "offset",
		              (json_int_t)m.err_off);
	} else {
		o = json_pack("{s:s,s:b,s:i,s:i,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "format",
		              m.format == SECLOG_FMT_RFC5424 ? "rfc5424" : "rfc3164", "legacy",
		              m.legacy, "facility", (int)m.facility, "severity", (int)m.severity,
		              "version", (int)m.version, "time_us",
		              m.has_time ? json_integer(m.time_us) : json_null(), "timestamp",
		              str(m.timestamp), "hostname", str(m.hostname), "app_name",
		              str(m.app_name), "procid", str(m.procid), "msgid", str(m.msgid), "sd",
		              sd_json(&m), "msg", str(m.msg), "bom", m.msg_bom);
	}
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	puts(text ? text : "{}");
	free(text);
	json_decref(o);
}

int main(int argc, char **argv)
{
	struct seclog_framer f;
	unsigned flags = 0;
	bool allow_3164 = true;
	int year = 2026, off = 0, status = 0;
	size_t max = 0;
	static char in[16384];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--lf")) {
			flags |= SECLOG_FRAME_ALLOW_LF;
		} else if (!strcmp(argv[i], "--no-3164")) {
			allow_3164 = false;
		} else if (!strcmp(argv[i], "--year") && i + 1 < argc) {
			year = (int)strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--offset") && i + 1 < argc) {
			off = (int)strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--max") && i + 1 < argc) {
			max = (size_t)strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr,
			        "usage: syslogparse [--lf] [--no-3164] [--year Y] [--offset MIN] "
			        "[--max N] < stream\n");
			return 2;
		}
	}
	if (seclog_framer_init(&f, max, flags) != SK_OK) {
		fprintf(stderr, "syslogparse: bad --max\n");
		return 2;
	}
	for (;;) {
		ssize_t got = read(0, in, sizeof(in));
		size_t pos = 0;

		if (got < 0) {
			perror("syslogparse: read");
			status = 2;
			goto out_release;
		}
		if (got == 0)
			break;
		while (pos < (size_t)got) {
			struct seclog_slice fr;
			size_t used;
			int rc = seclog_framer_feed(&f, in + pos, (size_t)got - pos, &used, &fr);

			pos += used;
			if (rc < 0)
				goto out_frame_error;
			if (rc == 1)
				print_msg(fr.p, fr.n, allow_3164, year, off);
		}
	}
	if (seclog_framer_eof(&f) == SECLOG_OK)
		goto out_release;
out_frame_error:
	printf("{\"at\":%llu,\"frame_error\":\"%s\"}\n", (unsigned long long)f.consumed,
	       seclog_perr_name(f.err));
	status = 1;
out_release:
	seclog_framer_release(&f);
	return status;
}
