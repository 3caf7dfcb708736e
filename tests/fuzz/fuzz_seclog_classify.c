/*
 * libFuzzer target for the seclog classifier and the monitor behind it:
 * the input is split into APP-NAME, structured data and text (any bytes,
 * lengths honoured, no NUL terminator relied on), classified, and fed to a
 * monitor with every rule on. Nothing may crash or read outside the input;
 * every string the classifier returns is terminated, within its bound,
 * valid UTF-8 without control characters; every alert's strings likewise.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seclog/classify.h"
#include "seclog/monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t cap, bool clean)
{
	const char *end = memchr(s, '\0', cap);

	if (!end)
		abort();
	for (const unsigned char *p = (const unsigned char *)s; clean && *p;) {
		size_t k = *p < 0x80                  ? 1
		           : *p >= 0xc2 && *p <= 0xdf ? 2
		           : *p >= 0xe0 && *p <= 0xef ? 3
		           : *p >= 0xf0 && *p <= 0xf4 ? 4
		                                      : 0;

		if (k == 0 || *p < 0x20 || *p == 0x7f)
			abort();
		for (size_t i = 1; i < k; i++)
			if ((p[i] & 0xc0) != 0x80)
				abort();
		p += k;
	}
}

static void on_alert(void *ctx, const struct seclog_alert *a)
{
	(void)ctx;
	check_str(a->key, sizeof(a->key), true);
	check_str(a->detail, sizeof(a->detail), true);
	if (a->kind < SECLOG_A_FAILED_LOGINS || a->kind > SECLOG_A_INTEGRITY)
		abort();
}

/* A copy in its own allocation, so a read past n is caught by ASan. */
static char *dup_n(const uint8_t *p, size_t n)
{
	char *c = malloc(n ? n : 1);

	if (c && n)
		memcpy(c, p, n);
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seclog_monitor *mon;
	struct seclog_event ev;
	struct seclog_msg m = {.source = 1, .timestamp_us = SECLOG_TS_NONE, .recv_us = 1};
	size_t napp, nsd;
	char *app, *sd, *text;

	if (!mon) {
		struct seclog_watch w = {.system = 1,
		                         .fail_threshold = 9,
		                         .fail_window_s = 600,
		                         .priv_from_min = 0,
		                         .priv_to_min = 1,
		                         .priv_days = 1};
		struct seclog_watch_source s = {.source = 1, .system = 1, .silent_s = 1};

		memcpy(w.priv_accounts, "root,Administrator,?", 21);
		mon = seclog_monitor_new(on_alert, NULL);
		if (!mon || seclog_monitor_configure(mon, &w, 1, &s, 1) != 0)
			abort();
	}
	if (size < 2)
		return 0;
	napp = data[0] % 49;
	nsd = data[1];
	data += 2;
	size -= 2;
	napp = napp < size ? napp : size;
	nsd = nsd < size - napp ? nsd : size - napp;
	app = dup_n(data, napp);
	sd = dup_n(data + napp, nsd);
	text = dup_n(data + napp + nsd, size - napp - nsd);
	if (!app || !sd || !text)
		abort();
	m.app = app;
	m.app_len = napp;
	m.sd = sd;
	m.sd_len = nsd;
	m.text = text;
	m.text_len = size - napp - nsd;
	m.hostname = "h";
	m.hostname_len = 1;
	seclog_classify(&m, &ev);
	if (ev.kind > SECLOG_EV_PRIV_USE || !ev.pattern || ev.repeat < 1 || ev.repeat > 1000000)
		abort();
	if ((ev.kind == SECLOG_EV_NONE) != (ev.pattern[0] == '\0'))
		abort();
	check_str(ev.account, sizeof(ev.account), true);
	check_str(ev.by, sizeof(ev.by), true);
	check_str(ev.remote, sizeof(ev.remote), true);
	if (seclog_sequence_id(sd, nsd) > SECLOG_SEQ_MAX)
		abort();
	seclog_monitor_feed(mon, &m, 1, 0);
	free(app);
	free(sd);
	free(text);
	return 0;
}
