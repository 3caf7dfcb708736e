/*
 * The seclog monitor: every classifier pattern and its near misses, every
 * rule's good path and negatives (below threshold, outside the window,
 * within hours, unwatched account, no routine), silence raised once per
 * silence, sequence gaps with wrap and restart, Swedish time across both
 * DST changes, bounded keys under 100,000 distinct names, configuration
 * refused whole, configure beside feed on two threads, and the watchdog.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "seclog/classify.h"
#include "seclog/monitor.h"
#include "seclog/recv.h"
#include "store/store.h"

#define US       INT64_C(1000000)
#define MAX_SEEN 64
#define WIN_APP  "Microsoft-Windows-Security-Auditing"
#define T0       INT64_C(1796806800) /* 2026-12-09 09:00:00 UTC, a Wednesday */

/* ---- alerts captured (the watchdog raises them on its own thread) ---- */

static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;
static struct seclog_alert seen[MAX_SEEN];
static size_t nseen;

static void on_alert(void *ctx, const struct seclog_alert *a)
{
	(void)ctx;
	pthread_mutex_lock(&seen_mu);
	if (nseen < MAX_SEEN)
		seen[nseen] = *a;
	nseen++;
	pthread_mutex_unlock(&seen_mu);
}

static size_t nalerts(void)
{
	size_t n;

	pthread_mutex_lock(&seen_mu);
	n = nseen;
	pthread_mutex_unlock(&seen_mu);
	return n;
}

static int reset(void **state)
{
	(void)state;
	nseen = 0;
	memset(seen, 0, sizeof(seen));
	return 0;
}

static struct seclog_msg mk(const char *app, const char *text, const char *sd, const char *host)
{
	return (struct seclog_msg){.source = 10,
	                           .retention_years = 10,
	                           .timestamp_us = SECLOG_TS_NONE,
	                           .hostname = host,
	                           .hostname_len = host ? strlen(host) : 0,
	                           .app = app,
	                           .app_len = app ? strlen(app) : 0,
	                           .sd = sd,
	                           .sd_len = sd ? strlen(sd) : 0,
	                           .text = text,
	                           .text_len = text ? strlen(text) : 0};
}

/* Feeds one message received at t seconds (UTC) as index idx. */
static void feed1(struct seclog_monitor *mon, const char *app, const char *text, const char *host,
                  int64_t t, uint64_t idx)
{
	struct seclog_msg m = mk(app, text, NULL, host);

	m.recv_us = t * US;
	seclog_monitor_feed(mon, &m, 1, idx);
}

static void feed_seq(struct seclog_monitor *mon, const char *host, uint32_t seq, int64_t t)
{
	char sd[64];
	struct seclog_msg m;

	snprintf(sd, sizeof(sd), "[meta sequenceId=\"%u\"]", seq);
	m = mk("app", "hello", sd, host);
	m.recv_us = t * US;
	seclog_monitor_feed(mon, &m, 1, seq);
}

/* ---- the classifier table ---- */

struct ccase {
	const char *app, *text, *sd;
	enum seclog_ev_kind kind;
	const char *pattern, *account, *by, *remote;
	unsigned repeat;
};

static const struct ccase good[] = {
        {"sshd", "Failed password for root from 192.0.2.7 port 50122 ssh2", NULL,
         SECLOG_EV_LOGIN_FAILED, "sshd.failed", "root", "", "192.0.2.7", 1},
        {"sshd", "Failed password for invalid user admin from 192.0.2.8 port 4242 ssh2", NULL,
         SECLOG_EV_LOGIN_FAILED, "sshd.failed", "admin", "", "192.0.2.8", 1},
        {"sshd", "Failed publickey for bob from 2001:db8::1 port 22 ssh2: RSA SHA256:abc", NULL,
         SECLOG_EV_LOGIN_FAILED, "sshd.failed", "bob", "", "2001:db8::1", 1},
        {"sshd", "Failed keyboard-interactive/pam for carl from 192.0.2.3 port 9 ssh2", NULL,
         SECLOG_EV_LOGIN_FAILED, "sshd.failed", "carl", "", "192.0.2.3", 1},
        {"sshd-session",
         "Accepted publickey for alice from 192.0.2.9 port 5000 ssh2: ED25519 SHA256:xyz", NULL,
         SECLOG_EV_LOGIN_OK, "sshd.accepted", "alice", "", "192.0.2.9", 1},
        {"sshd", "Accepted password for root from 10.0.0.1 port 1 ssh2", NULL, SECLOG_EV_LOGIN_OK,
         "sshd.accepted", "root", "", "10.0.0.1", 1},
        /* a user name that carries a false "from … port": the last one is the host */
        {"sshd",
         "Failed password for invalid user x from 6.6.6.6 port 1 ssh2 from 192.0.2.10 port 5555 "
         "ssh2",
         NULL, SECLOG_EV_LOGIN_FAILED, "sshd.failed", "x from 6.6.6.6 port 1 ssh2", "",
         "192.0.2.10", 1},
        {"sshd", "Failed password for invalid user a\tb from 192.0.2.1 port 1 ssh2", NULL,
         SECLOG_EV_LOGIN_FAILED, "sshd.failed", "a?b", "", "192.0.2.1", 1},
        {"sshd",
         "message repeated 5 times: [ Failed password for root from 192.0.2.7 port 50122 ssh2]",
         NULL, SECLOG_EV_LOGIN_FAILED, "sshd.failed", "root", "", "192.0.2.7", 5},
        {"sshd", "pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)", NULL,
         SECLOG_EV_LOGIN_OK, "pam.session", "alice", "", "", 1},
        {"sshd-session", "pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)",
         NULL, SECLOG_EV_LOGIN_OK, "pam.session", "root", "", "", 1},
        {"login",
         "pam_unix(login:auth): authentication failure; logname=LOGIN uid=0 euid=0 "
         "tty=/dev/tty1 ruser= rhost=  user=root",
         NULL, SECLOG_EV_LOGIN_FAILED, "pam.auth_failure", "root", "", "", 1},
        {"login",
         "pam_sss(login:auth): authentication failure; logname= uid=0 euid=0 tty=tty2 ruser= "
         "rhost=198.51.100.4 user=carl",
         NULL, SECLOG_EV_LOGIN_FAILED, "pam.auth_failure", "carl", "", "198.51.100.4", 1},
        {"su", "pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)",
         NULL, SECLOG_EV_PRIV_USE, "pam.session", "root", "alice", "", 1},
        {"sudo", "pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)",
         NULL, SECLOG_EV_PRIV_USE, "pam.session", "root", "alice", "", 1},
        {"sudo", "    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id", NULL,
         SECLOG_EV_PRIV_USE, "sudo", "root", "alice", "", 1},
        {"sudo", "dave : PWD=/srv ; USER=postgres ; COMMAND=/usr/bin/psql", NULL,
         SECLOG_EV_PRIV_USE, "sudo", "postgres", "dave", "", 1},
        {"sudo",
         "bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; "
         "COMMAND=/bin/sh",
         NULL, SECLOG_EV_LOGIN_FAILED, "sudo.refused", "bob", "", "", 1},
        {"sudo", "eve : user NOT in sudoers ; TTY=pts/2 ; PWD=/tmp ; USER=root ; COMMAND=/bin/bash",
         NULL, SECLOG_EV_LOGIN_FAILED, "sudo.refused", "eve", "", "", 1},
        {"su", "Successful su for root by alice", NULL, SECLOG_EV_PRIV_USE, "su.ok", "root",
         "alice", "", 1},
        {"su", "FAILED su for root by mallory", NULL, SECLOG_EV_LOGIN_FAILED, "su.failed", "root",
         "mallory", "", 1},
        {"su", "(to root) alice on pts/0", NULL, SECLOG_EV_PRIV_USE, "su.ok", "root", "alice", "",
         1},
        {"su", "FAILED SU (to root) mallory on pts/3", NULL, SECLOG_EV_LOGIN_FAILED, "su.failed",
         "root", "mallory", "", 1},
        {"su", "+ pts/0 alice:root", NULL, SECLOG_EV_PRIV_USE, "su.ok", "root", "alice", "", 1},
        {"su", "- pts/0 mallory:root", NULL, SECLOG_EV_LOGIN_FAILED, "su.failed", "root", "mallory",
         "", 1},
        {"login", "FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure", NULL,
         SECLOG_EV_LOGIN_FAILED, "login.failed", "root", "", "", 1},
        {"login", "FAILED LOGIN 2 FROM 192.0.2.20 FOR admin, Authentication failure", NULL,
         SECLOG_EV_LOGIN_FAILED, "login.failed", "admin", "", "192.0.2.20", 1},
        {"login",
         "FAILED LOGIN (1) on '/dev/pts/1' from 'host.example' FOR 'root', Authentication "
         "failure",
         NULL, SECLOG_EV_LOGIN_FAILED, "login.failed", "root", "", "host.example", 1},
        {"login", "ROOT LOGIN ON tty1", NULL, SECLOG_EV_LOGIN_OK, "login.root", "root", "", "", 1},
        {"login", "ROOT LOGIN ON pts/0 FROM 192.0.2.30", NULL, SECLOG_EV_LOGIN_OK, "login.root",
         "root", "", "192.0.2.30", 1},
        {"login", "LOGIN ON tty2 BY alice", NULL, SECLOG_EV_LOGIN_OK, "login.ok", "alice", "", "",
         1},
        {WIN_APP, "An account failed to log on.",
         "[NXLOG@14506 EventID=\"4625\" TargetUserName=\"Administrator\" "
         "IpAddress=\"203.0.113.5\"]",
         SECLOG_EV_LOGIN_FAILED, "win.4625", "Administrator", "", "203.0.113.5", 1},
        {NULL, "whatever",
         "[NXLOG@14506 SourceName=\"Microsoft-Windows-Security-Auditing\" EventID=\"4624\" "
         "TargetUserName=\"svc_admin\" IpAddress=\"-\"]",
         SECLOG_EV_LOGIN_OK, "win.4624", "svc_admin", "", "", 1},
        {WIN_APP, "Special privileges assigned to new logon.",
         "[x@1 EventID=\"4672\" SubjectUserName=\"admin_bob\"]", SECLOG_EV_PRIV_USE, "win.4672",
         "admin_bob", "", "", 1},
        {WIN_APP, "An account failed to log on.",
         "[x@1 EventID=\"4625\" TargetUserName=\"we\\\"ird\"]", SECLOG_EV_LOGIN_FAILED, "win.4625",
         "we\"ird", "", "", 1},
        {WIN_APP,
         "An account failed to log on.\r\n\r\nSubject:\r\n\tSecurity ID:\t\tS-1-0-0\r\n\tAccount "
         "Name:\t\t-\r\n\r\nAccount For Which Logon Failed:\r\n\tSecurity ID:\t\tS-1-0-0\r\n"
         "\tAccount Name:\t\tbob\r\n\r\nNetwork Information:\r\n\tSource Network "
         "Address:\t198.51.100.9\r\n\tSource Port:\t\t0\r\n",
         NULL, SECLOG_EV_LOGIN_FAILED, "win.4625", "bob", "", "198.51.100.9", 1},
        {WIN_APP,
         "An account was successfully logged on.\r\n\tAccount Name:\t\tSRV$\r\nNew "
         "Logon:\r\n\tAccount Name:\t\tAdministrator\r\n\tSource Network Address:\t-\r\n",
         NULL, SECLOG_EV_LOGIN_OK, "win.4624", "Administrator", "", "", 1},
};

/* Near misses: right words, wrong sender or shape. None may be recognised. */
struct miss {
	const char *app, *text, *sd;
};

static const struct miss misses[] = {
        {"chat", "Failed password for root from 192.0.2.7 port 50122 ssh2", NULL},
        {"sshd", "User said: Failed password for root from 1.2.3.4 port 1 ssh2", NULL},
        {"sshd", "Failed password for root from 192.0.2.7", NULL},
        {"sshd", "Failed password for root from 192.0.2.7 port x ssh2", NULL},
        {"sshd", "Failed password for  from 1.2.3.4 port 1 ssh2", NULL},
        {"sshd", "Accepted for root from 1.2.3.4 port 1", NULL},
        {"sshd", "Connection closed by authenticating user root 1.2.3.4 port 1 [preauth]", NULL},
        {"chat", "pam_unix(sshd:auth): authentication failure; user=root", NULL},
        {"chat", "pam_unix(chatd:auth): authentication failure; user=root", NULL},
        {"sshd",
         "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
         "rhost=1.2.3.4 user=root",
         NULL},
        {"CRON", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)", NULL},
        {"systemd",
         "pam_unix(systemd-user:session): session opened for user root(uid=0) by (uid=0)", NULL},
        {"login", "pam_unix(login:session): session closed for user root", NULL},
        {"login", "pam_unix(login", NULL},
        {"sudo", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root", NULL},
        {"sudo", "just some text", NULL},
        {"sudo", " : TTY=pts/0 ; USER=root ; COMMAND=/bin/sh", NULL},
        {"logger", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id", NULL},
        {"su", "Successful su for root", NULL},
        {"su", "(to root", NULL},
        {"su", "+ pts/0 aliceroot", NULL},
        {"login", "FAILED LOGIN 1 FROM tty1", NULL},
        {"login", "LOGIN ON tty2", NULL},
        {"getty", "FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure", NULL},
        {WIN_APP, "A process has been created.", "[x@1 EventID=\"4688\" TargetUserName=\"bob\"]"},
        {"evil", "An account failed to log on.", "[x@1 EventID=\"4625\" TargetUserName=\"x\"]"},
        {WIN_APP, "An account failed to log on.", "[x@1 EventID=\"4625\" TargetUserName=\"-\"]"},
        {"chat", "message repeated 3 times: [ Failed password for root from 1.2.3.4 port 1 ssh2]",
         NULL},
        {"sshd", "message repeated 0 times: [ Failed password for root from 1.2.3.4 port 1 ssh2]",
         NULL},
        {"sshd", "", NULL},
        {NULL, NULL, NULL},
};

static void test_classify_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct ccase *c = &good[i];
		struct seclog_msg m = mk(c->app, c->text, c->sd, "h");
		struct seclog_event ev;

		seclog_classify(&m, &ev);
		if (ev.kind != c->kind || strcmp(ev.pattern, c->pattern) != 0 ||
		    strcmp(ev.account, c->account) != 0 || strcmp(ev.by, c->by) != 0 ||
		    strcmp(ev.remote, c->remote) != 0 || ev.repeat != c->repeat)
			fail_msg("good[%zu] %s: got kind %d pattern '%s' account '%s' by '%s' "
			         "remote "
			         "'%s' repeat %u",
			         i, c->text, ev.kind, ev.pattern, ev.account, ev.by, ev.remote,
			         ev.repeat);
	}
	for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
		struct seclog_msg m = mk(misses[i].app, misses[i].text, misses[i].sd, "h");
		struct seclog_event ev;

		seclog_classify(&m, &ev);
		if (ev.kind != SECLOG_EV_NONE)
			fail_msg("misses[%zu] '%s' recognised as %s", i, misses[i].text,
			         ev.pattern);
	}
}

static void test_classify_bounds(void **state)
{
	char text[600], acc[400];
	struct seclog_msg m;
	struct seclog_event ev;

	(void)state;
	/* a 300-byte name is cut at SECLOG_ACCOUNT_MAX bytes, never inside a character */
	memset(acc, 0, sizeof(acc));
	for (size_t i = 0; i + 2 < 300; i += 2)
		memcpy(acc + i, "\xc3\xa5", 2); /* å */
	snprintf(text, sizeof(text), "Failed password for %s from 192.0.2.1 port 1 ssh2", acc);
	m = mk("sshd", text, NULL, "h");
	seclog_classify(&m, &ev);
	assert_int_equal(ev.kind, SECLOG_EV_LOGIN_FAILED);
	assert_true(strlen(ev.account) <= SECLOG_ACCOUNT_MAX);
	assert_int_equal(strlen(ev.account) % 2, 0);
	/* invalid UTF-8 and NUL-free bytes past the length are not read */
	m = mk("sshd", "Failed password for \xff\xfe from 192.0.2.1 port 1 ssh2", NULL, "h");
	seclog_classify(&m, &ev);
	assert_string_equal(ev.account, "??");
	m = mk("sshd", "Failed password for root from 192.0.2.1 port 1 ssh2", NULL, "h");
	m.text_len = 40; /* "… from 192.0.2.1 po": the port is past the length */
	seclog_classify(&m, &ev);
	assert_int_equal(ev.kind, SECLOG_EV_NONE);
}

static void test_sequence_id(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(seclog_sequence_id("[meta sequenceId=\"5\"]", 21), 5);
	assert_int_equal(seclog_sequence_id("[origin ip=\"192.0.2.1\"][meta sequenceId=\"42\" "
	                                    "sysUpTime=\"1\"]",
	                                    64),
	                 42);
	{
		const char *q = "[x a=\"[meta sequenceId=\\\"9\\\"]\"][meta sequenceId=\"7\"]";

		assert_int_equal(seclog_sequence_id(q, strlen(q)), 7);
	}
	assert_int_equal(seclog_sequence_id("[meta sequenceId=\"2147483647\"]", 30), 2147483647u);
	assert_int_equal(seclog_sequence_id("[meta sequenceId=\"2147483648\"]", 30), 0);
	assert_int_equal(seclog_sequence_id("[meta sequenceId=\"0\"]", 21), 0);
	assert_int_equal(seclog_sequence_id("[meta sequenceId=\"05\"]", 22), 0);
	assert_int_equal(seclog_sequence_id("[meta sequenceId=\"\"]", 20), 0);
	assert_int_equal(seclog_sequence_id("[meta sequenceid=\"5\"]", 21), 0);
	assert_int_equal(seclog_sequence_id("[META sequenceId=\"5\"]", 21), 0);
	assert_int_equal(seclog_sequence_id("[meta sequenceId=\"5\"", 20), 0);
	assert_int_equal(seclog_sequence_id("[meta sequenceId=\"5\"]", 15), 0);
	assert_int_equal(seclog_sequence_id(NULL, 0), 0);
	assert_int_equal(seclog_sd_param("[a b=\"x\\]y\"]", 12, "A", "B", out, sizeof(out)), 3);
	assert_string_equal(out, "x]y");
	assert_int_equal(seclog_sd_param("[a b=\"0123456789\"]", 18, NULL, "b", out, sizeof(out)),
	                 10);
	assert_string_equal(out, "0123456");
	assert_int_equal(seclog_sd_param("[a b=\"x\"]", 9, "c", "b", out, sizeof(out)), -1);
}

/* ---- rules ---- */

static struct seclog_monitor *mon_with(const struct seclog_watch *w, size_t nw,
                                       const struct seclog_watch_source *s, size_t ns)
{
	struct seclog_monitor *mon = seclog_monitor_new(on_alert, NULL);

	assert_non_null(mon);
	assert_int_equal(seclog_monitor_configure(mon, w, nw, s, ns), SK_OK);
	return mon;
}

static const struct seclog_watch_source src10 = {.source = 10, .system = 1, .silent_s = 60};

#define FAIL(user, host) "Failed password for " user " from " host " port 2 ssh2"

static void test_failed_logins(void **state)
{
	struct seclog_watch w = {.system = 1, .fail_threshold = 3, .fail_window_s = 60};
	struct seclog_monitor *mon = mon_with(&w, 1, &src10, 1);

	(void)state;
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0, 100);
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + 10, 101);
	/* another host, another account, another app's chatter: their own keys or nothing */
	feed1(mon, "sshd", FAIL("root", "192.0.2.8"), "web1", T0 + 11, 102);
	feed1(mon, "sshd", FAIL("admin", "192.0.2.7"), "web1", T0 + 12, 103);
	feed1(mon, "chat", FAIL("root", "192.0.2.7"), "web1", T0 + 13, 104);
	assert_int_equal(nalerts(), 0); /* below the threshold */
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + 20, 105);
	assert_int_equal(nalerts(), 1);
	assert_int_equal(seen[0].kind, SECLOG_A_FAILED_LOGINS);
	assert_int_equal(seen[0].system, 1);
	assert_int_equal(seen[0].source, 10);
	assert_string_equal(seen[0].key, "root@192.0.2.7");
	assert_int_equal(seen[0].count, 3);
	assert_int_equal(seen[0].first_idx, 100);
	assert_int_equal(seen[0].last_idx, 105);
	assert_int_equal(seen[0].first_us, T0 * US);
	assert_int_equal(seen[0].last_us, (T0 + 20) * US);
	assert_non_null(strstr(seen[0].detail, "threshold=3 window=60"));
	/* the same situation goes on: not raised again */
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + 50, 106);
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + 100, 107);
	assert_int_equal(nalerts(), 1);
	/* a window without failures ends it; three more raise it again */
	for (int i = 0; i < 3; i++)
		feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + 200 + i,
		      110 + (uint64_t)i);
	assert_int_equal(nalerts(), 2);
	assert_int_equal(seen[1].first_idx, 110);
	/* outside the window: one a minute never adds up */
	for (int i = 0; i < 5; i++)
		feed1(mon, "sshd", FAIL("bob", "192.0.2.9"), "web1", T0 + 1000 + 61 * i, 200);
	assert_int_equal(nalerts(), 2);
	/* rsyslog's "message repeated 5 times" counts five */
	feed1(mon, "sshd",
	      "message repeated 5 times: [ Failed password for carl from 192.0.2.4 port 2 ssh2]",
	      "web1", T0 + 2000, 300);
	assert_int_equal(nalerts(), 3);
	assert_string_equal(seen[2].key, "carl@192.0.2.4");
	/* a long non-ASCII machine name is cut whole characters at a time */
	{
		char host[200];

		for (size_t i = 0; i < 99; i++)
			memcpy(host + 2 * i, "\xc3\xa4", 2); /* ä */
		host[198] = '\0';
		for (int i = 0; i < 3; i++)
			feed1(mon, "su", "FAILED su for x by y", host, T0 + 2500 + i, 350);
		assert_int_equal(nalerts(), 4);
		assert_int_equal(strlen(seen[3].key), 2 + 64); /* "x@" and 32 whole "ä" */
	}
	/* a local failure (no remote host) is keyed by the machine's name */
	for (int i = 0; i < 3; i++)
		feed1(mon, "su", "FAILED su for root by mallory", "db1", T0 + 3000 + i, 400);
	assert_int_equal(nalerts(), 5);
	assert_string_equal(seen[4].key, "root@db1");
	seclog_monitor_free(mon);
}

static void test_failed_logins_off(void **state)
{
	struct seclog_watch w = {.system = 1};
	struct seclog_watch_source other = {.source = 11, .system = 2};
	struct seclog_watch_source both[] = {src10, other};
	struct seclog_monitor *mon = mon_with(&w, 1, both, 2);
	struct seclog_monitor_stats st;

	(void)state;
	for (int i = 0; i < 10; i++) {
		feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + i,
		      1); /* threshold 0: off */
		struct seclog_msg m = mk("sshd", FAIL("root", "192.0.2.7"), NULL, "x");

		m.source = 11; /* a system without a routine */
		m.recv_us = (T0 + i) * US;
		seclog_monitor_feed(mon, &m, 1, 2);
		m.source = 99; /* a source not configured */
		seclog_monitor_feed(mon, &m, 1, 3);
	}
	assert_int_equal(nalerts(), 0);
	seclog_monitor_stats(mon, &st);
	assert_int_equal(st.messages, 30);
	assert_int_equal(st.recognised, 20);
	seclog_monitor_free(mon);
}

static struct seclog_watch priv_watch(void)
{
	struct seclog_watch w = {.system = 1,
	                         .priv_from_min = 7 * 60,
	                         .priv_to_min = 17 * 60,
	                         .priv_days = 0x1f}; /* Monday to Friday, 07:00-17:00 */

	snprintf(w.priv_accounts, sizeof(w.priv_accounts), " root , Administrator,admin_bob");
	return w;
}

#define SUDO "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id"

static void test_privileged_hours(void **state)
{
	struct seclog_watch w = priv_watch();
	struct seclog_monitor *mon = mon_with(&w, 1, &src10, 1);

	(void)state;
	/* Wednesday 12:00 UTC = 13:00 CET: within the hours */
	feed1(mon, "sudo", SUDO, "web1", T0 + 3 * 3600, 1);
	assert_int_equal(nalerts(), 0);
	/* 17:30 UTC = 18:30 CET: outside */
	feed1(mon, "sudo", SUDO, "web1", T0 + 8 * 3600 + 1800, 2);
	assert_int_equal(nalerts(), 1);
	assert_int_equal(seen[0].kind, SECLOG_A_PRIVILEGED);
	assert_string_equal(seen[0].key, "root@web1");
	assert_int_equal(seen[0].first_idx, 2);
	assert_non_null(strstr(seen[0].detail, "local=18:30 day=3 allowed=07:00-17:00"));
	assert_non_null(strstr(seen[0].detail, "pattern=sudo by=alice"));
	/* ten minutes later: the same stretch */
	feed1(mon, "sudo", SUDO, "web1", T0 + 8 * 3600 + 2400, 3);
	assert_int_equal(nalerts(), 1);
	/* another machine is its own key */
	feed1(mon, "sudo", SUDO, "web2", T0 + 8 * 3600 + 2400, 4);
	assert_int_equal(nalerts(), 2);
	/* more than an hour after the last use: a new stretch */
	feed1(mon, "sudo", SUDO, "web1", T0 + 10 * 3600, 5);
	assert_int_equal(nalerts(), 3);
	/* Saturday 11:00 CET: not an allowed day */
	feed1(mon, "sshd", "Accepted publickey for Administrator from 192.0.2.9 port 5 ssh2: K",
	      "web1", T0 + 3 * 86400 + 3600, 6);
	assert_int_equal(nalerts(), 4);
	assert_string_equal(seen[3].key, "Administrator@web1");
	/* an account not on the list, any time */
	feed1(mon, "sshd", "Accepted publickey for alice from 192.0.2.9 port 5 ssh2: K", "web1",
	      T0 + 3 * 86400 + 3600, 7);
	/* a failed login of a privileged account is the other rule's business */
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + 3 * 86400 + 3600, 8);
	assert_int_equal(nalerts(), 4);
	/* the invoker may be the privileged one (su by admin_bob to a service account) */
	feed1(mon, "su", "Successful su for backup by admin_bob", "db1", T0 + 3 * 86400, 9);
	assert_int_equal(nalerts(), 5);
	assert_string_equal(seen[4].key, "admin_bob@db1");
	seclog_monitor_free(mon);
}

static void test_privileged_no_routine(void **state)
{
	struct seclog_watch w = priv_watch();
	struct seclog_monitor *mon;

	(void)state;
	w.priv_accounts[0] = '\0'; /* not watched */
	mon = mon_with(&w, 1, &src10, 1);
	feed1(mon, "sudo", SUDO, "web1", T0 + 12 * 3600, 1);
	seclog_monitor_free(mon);
	w = priv_watch();
	w.system = 2; /* the source's system has no routine */
	mon = mon_with(&w, 1, &src10, 1);
	feed1(mon, "sudo", SUDO, "web1", T0 + 12 * 3600, 1);
	seclog_monitor_free(mon);
	assert_int_equal(nalerts(), 0);
}

/* 06:30 UTC on these days is 07:30 in winter and 08:30 in summer, Swedish time. */
#define FRI_BEFORE_SPRING INT64_C(1774593000) /* 2026-03-27 06:30 UTC, Friday, CET */
#define MON_AFTER_SPRING  INT64_C(1774852200) /* 2026-03-30 06:30 UTC, Monday, CEST */
#define FRI_BEFORE_AUTUMN INT64_C(1792737000) /* 2026-10-23 06:30 UTC, Friday, CEST */
#define MON_AFTER_AUTUMN  INT64_C(1792996200) /* 2026-10-26 06:30 UTC, Monday, CET */

static void test_privileged_dst(void **state)
{
	struct seclog_watch w = priv_watch();
	struct seclog_monitor *mon;

	(void)state;
	w.priv_from_min = 8 * 60; /* 08:00-17:00 */
	mon = mon_with(&w, 1, &src10, 1);
	feed1(mon, "sudo", SUDO, "a", FRI_BEFORE_SPRING, 1);
	assert_int_equal(nalerts(), 1);
	assert_non_null(strstr(seen[0].detail, "local=07:30 day=5"));
	feed1(mon, "sudo", SUDO, "b", MON_AFTER_SPRING, 2);
	assert_int_equal(nalerts(), 1); /* 08:30 CEST */
	feed1(mon, "sudo", SUDO, "c", FRI_BEFORE_AUTUMN, 3);
	assert_int_equal(nalerts(), 1); /* 08:30 CEST */
	feed1(mon, "sudo", SUDO, "d", MON_AFTER_AUTUMN, 4);
	assert_int_equal(nalerts(), 2);
	assert_non_null(strstr(seen[1].detail, "local=07:30 day=1"));
	/* a fixed offset instead: +01:00 all year makes the spring Monday 07:30 */
	assert_int_equal(seclog_monitor_set_utc_offset(mon, 60), SK_OK);
	feed1(mon, "sudo", SUDO, "e", MON_AFTER_SPRING, 5);
	assert_int_equal(nalerts(), 3);
	assert_int_equal(seclog_monitor_set_utc_offset(mon, 1440), SK_EINVAL);
	assert_int_equal(seclog_monitor_set_utc_offset(mon, SECLOG_TZ_STOCKHOLM), SK_OK);
	feed1(mon, "sudo", SUDO, "f", MON_AFTER_SPRING, 6);
	assert_int_equal(nalerts(), 3);
	/* a queued message is judged by its own time when believable: sent 13:00, received 18:30 */
	{
		struct seclog_msg m = mk("sudo", SUDO, NULL, "g");

		m.recv_us = (T0 + 8 * 3600 + 1800) * US;
		m.timestamp_us = (T0 + 3 * 3600) * US;
		seclog_monitor_feed(mon, &m, 1, 7);
		assert_int_equal(nalerts(), 3);
		m.timestamp_us = (T0 + 8 * 3600 + 1800 - 2 * 86400) * US; /* two days back: not */
		seclog_monitor_feed(mon, &m, 1, 8);
		assert_int_equal(nalerts(), 4);
	}
	seclog_monitor_free(mon);
}

static void test_silent(void **state)
{
	struct seclog_watch_source s[] = {src10, {.source = 11, .system = 1, .silent_s = 0}};
	struct seclog_monitor *mon = mon_with(NULL, 0, s, 2);

	(void)state;
	seclog_monitor_tick(mon, T0 * US); /* never heard: the silence counts from here */
	seclog_monitor_tick(mon, (T0 + 60) * US);
	assert_int_equal(nalerts(), 0);
	seclog_monitor_tick(mon, (T0 + 61) * US);
	assert_int_equal(nalerts(), 1);
	assert_int_equal(seen[0].kind, SECLOG_A_SILENT);
	assert_int_equal(seen[0].source, 10);
	assert_int_equal(seen[0].system, 1);
	assert_int_equal(seen[0].first_us, T0 * US);
	assert_int_equal(seen[0].last_us, (T0 + 61) * US);
	seclog_monitor_tick(mon, (T0 + 200) * US);
	seclog_monitor_tick(mon, (T0 + 900) * US);
	assert_int_equal(nalerts(), 1); /* once per silence */
	feed1(mon, "app", "hello", "h", T0 + 1000, 1);
	seclog_monitor_tick(mon, (T0 + 1050) * US);
	assert_int_equal(nalerts(), 1);
	seclog_monitor_tick(mon, (T0 + 1061) * US);
	assert_int_equal(nalerts(), 2); /* spoke, fell silent again */
	/* a reconfiguration keeps what was heard and that the silence is known */
	assert_int_equal(seclog_monitor_configure(mon, NULL, 0, s, 2), SK_OK);
	seclog_monitor_tick(mon, (T0 + 2000) * US);
	assert_int_equal(nalerts(), 2);
	seclog_monitor_free(mon);
}

#define SEQ_MAX 2147483647u

static void test_gap(void **state)
{
	struct seclog_monitor *mon = mon_with(NULL, 0, &src10, 1);

	(void)state;
	feed_seq(mon, "h1", 1, T0);
	feed_seq(mon, "h1", 2, T0);
	feed_seq(mon, "h1", 3, T0);
	assert_int_equal(nalerts(), 0);
	feed_seq(mon, "h1", 5, T0 + 1);
	assert_int_equal(nalerts(), 1);
	assert_int_equal(seen[0].kind, SECLOG_A_GAP);
	assert_int_equal(seen[0].source, 10);
	assert_string_equal(seen[0].key, "h1");
	assert_int_equal(seen[0].count, 1);
	assert_int_equal(seen[0].first_idx, 5);
	assert_string_equal(seen[0].detail, "expected=4 got=5 missing=1");
	{
		/* through the receiver's callback type */
		seclog_committed_fn fn = seclog_monitor_committed;
		struct seclog_msg m = mk("app", "x", "[meta sequenceId=\"6\"]", "h1");

		m.recv_us = (T0 + 2) * US;
		fn(mon, &m, 1, 6);
	}
	feed_seq(mon, "h1", 9, T0 + 3); /* within the hour: the same situation */
	assert_int_equal(nalerts(), 1);
	/* another host of the same source has its own sequence */
	feed_seq(mon, "h2", 7, T0);
	feed_seq(mon, "h2", 8, T0);
	/* a restart at 1 */
	feed_seq(mon, "h1", 1, T0 + 10);
	feed_seq(mon, "h1", 2, T0 + 11);
	/* the wrap at 2147483647 */
	feed_seq(mon, "h3", SEQ_MAX - 1, T0);
	feed_seq(mon, "h3", SEQ_MAX, T0);
	feed_seq(mon, "h3", 1, T0);
	feed_seq(mon, "h3", 2, T0);
	/* late or repeated messages are not gaps */
	feed_seq(mon, "h5", 10, T0);
	feed_seq(mon, "h5", 9, T0);
	feed_seq(mon, "h5", 10, T0);
	feed_seq(mon, "h5", 11, T0);
	assert_int_equal(nalerts(), 1);
	/* a wrap with losses: 2147483647 and 1 missing */
	feed_seq(mon, "h4", SEQ_MAX - 1, T0);
	feed_seq(mon, "h4", 2, T0);
	assert_int_equal(nalerts(), 2);
	assert_int_equal(seen[1].count, 2);
	/* over an hour after h1's last gap: raised again */
	feed_seq(mon, "h1", 5, T0 + 4000);
	assert_int_equal(nalerts(), 3);
	assert_string_equal(seen[2].detail, "expected=3 got=5 missing=2");
	seclog_monitor_free(mon);
}

static void test_integrity(void **state)
{
	struct seclog_monitor *mon = mon_with(NULL, 0, NULL, 0);

	(void)state;
	seclog_monitor_integrity(mon, "message 4 is missing", T0 * US);
	assert_int_equal(nalerts(), 1);
	assert_int_equal(seen[0].kind, SECLOG_A_INTEGRITY);
	assert_int_equal(seen[0].source, 0);
	assert_string_equal(seen[0].key, "seclog.db");
	assert_string_equal(seen[0].detail, "message 4 is missing");
	seclog_monitor_integrity(mon, "message 4 is missing", (T0 + 86400) * US);
	assert_int_equal(nalerts(), 1);
	seclog_monitor_integrity(mon, "tile 0/0: hash 1 differs", (T0 + 86400) * US);
	assert_int_equal(nalerts(), 2);
	seclog_monitor_integrity(mon, NULL, (T0 + 2 * 86400) * US); /* passed again */
	seclog_monitor_integrity(mon, "tile 0/0: hash 1 differs", (T0 + 3 * 86400) * US);
	assert_int_equal(nalerts(), 3);
	seclog_monitor_free(mon);
}

/* 100,000 distinct names: memory stays at SECLOG_KEYS_MAX per table, the oldest go first. */
static void test_bounded_keys(void **state)
{
	struct seclog_watch w = {.system = 1, .fail_threshold = 2, .fail_window_s = 3600};
	struct seclog_monitor *mon = mon_with(&w, 1, &src10, 1);
	enum { N = 100000, B = 1000 };
	static char texts[B][96], hosts[B][32], sds[B][40];
	struct seclog_msg *m = calloc(B, sizeof(*m));
	struct seclog_monitor_stats st;

	(void)state;
	assert_non_null(m);
	for (int b = 0; b < N / B; b++) {
		for (int i = 0; i < B; i++) {
			int k = b * B + i;

			snprintf(texts[i], sizeof(texts[i]),
			         "Failed password for u%d from 192.0.2.1 port 2 ssh2", k);
			snprintf(hosts[i], sizeof(hosts[i]), "host%d", k);
			snprintf(sds[i], sizeof(sds[i]), "[meta sequenceId=\"%d\"]", k % 1000 + 1);
			m[i] = mk("sshd", texts[i], sds[i], hosts[i]);
			m[i].recv_us = (T0 + b) * US;
		}
		seclog_monitor_feed(mon, m, B, (uint64_t)b * B);
	}
	seclog_monitor_stats(mon, &st);
	assert_int_equal(st.messages, N);
	assert_int_equal(st.keys, 2 * SECLOG_KEYS_MAX); /* failed logins and hosts' sequences */
	assert_int_equal(st.evicted, 2 * (N - SECLOG_KEYS_MAX));
	assert_int_equal(nalerts(), 0);
	/* the newest name is still tracked: its second failure raises */
	feed1(mon, "sshd", "Failed password for u99999 from 192.0.2.1 port 2 ssh2", "x", T0 + 200,
	      1);
	assert_int_equal(nalerts(), 1);
	/* the oldest was dropped: its second failure starts afresh */
	feed1(mon, "sshd", "Failed password for u0 from 192.0.2.1 port 2 ssh2", "x", T0 + 200, 2);
	assert_int_equal(nalerts(), 1);
	free(m);
	seclog_monitor_free(mon);
}

/* The failed-login times of all keys share a budget: the least recently seen keys make room. */
static void test_ring_budget(void **state)
{
	struct seclog_watch w = {
	        .system = 1, .fail_threshold = SECLOG_FAIL_THRESHOLD_MAX, .fail_window_s = 86400};
	struct seclog_monitor *mon = mon_with(&w, 1, &src10, 1);
	struct seclog_monitor_stats st;
	char text[96];

	(void)state;
	for (int k = 0; k < 200; k++) {
		snprintf(text, sizeof(text), "Failed password for u%d from 192.0.2.1 port 2 ssh2",
		         k);
		for (int i = 0; i < 999; i++)
			feed1(mon, "sshd", text, "x", T0 + k, (uint64_t)i);
		seclog_monitor_stats(mon, &st);
		assert_true(st.ring_slots <= 131072);
	}
	assert_int_equal(nalerts(), 0);
	assert_true(st.evicted > 0);
	assert_true(st.keys <= 131072 / SECLOG_FAIL_THRESHOLD_MAX + 1);
	/* the newest key kept all 999: the thousandth raises */
	feed1(mon, "sshd", text, "x", T0 + 300, 1000);
	assert_int_equal(nalerts(), 1);
	assert_int_equal(seen[0].count, SECLOG_FAIL_THRESHOLD_MAX);
	seclog_monitor_free(mon);
}

static void test_configure(void **state)
{
	struct seclog_watch w = {.system = 1, .fail_threshold = 3, .fail_window_s = 60};
	struct seclog_monitor *mon = mon_with(&w, 1, &src10, 1);
	struct seclog_watch bad;
	struct seclog_watch two[2] = {w, w};
	struct seclog_watch_source s2[2] = {src10, src10};

	(void)state;
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0, 1);
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + 1, 2);
	/* refused whole, the old configuration stays */
	bad = w;
	bad.fail_threshold = SECLOG_FAIL_THRESHOLD_MAX + 1;
	assert_int_equal(seclog_monitor_configure(mon, &bad, 1, &src10, 1), SK_EINVAL);
	bad = w;
	bad.fail_window_s = 0;
	assert_int_equal(seclog_monitor_configure(mon, &bad, 1, &src10, 1), SK_EINVAL);
	bad = w;
	bad.fail_window_s = SECLOG_FAIL_WINDOW_MAX + 1;
	assert_int_equal(seclog_monitor_configure(mon, &bad, 1, &src10, 1), SK_EINVAL);
	bad = priv_watch();
	bad.priv_from_min = bad.priv_to_min;
	assert_int_equal(seclog_monitor_configure(mon, &bad, 1, &src10, 1), SK_EINVAL);
	bad = priv_watch();
	bad.priv_to_min = 1441;
	assert_int_equal(seclog_monitor_configure(mon, &bad, 1, &src10, 1), SK_EINVAL);
	bad = priv_watch();
	bad.priv_days = 0x80;
	assert_int_equal(seclog_monitor_configure(mon, &bad, 1, &src10, 1), SK_EINVAL);
	bad = w;
	memset(bad.priv_accounts, 'a', sizeof(bad.priv_accounts)); /* not terminated */
	assert_int_equal(seclog_monitor_configure(mon, &bad, 1, &src10, 1), SK_EINVAL);
	assert_int_equal(seclog_monitor_configure(mon, two, 2, &src10, 1), SK_EINVAL);
	assert_int_equal(seclog_monitor_configure(mon, &w, 1, s2, 2), SK_EINVAL);
	assert_int_equal(seclog_monitor_configure(mon, NULL, 1, NULL, 0), SK_EINVAL);
	/* the same configuration again keeps the window: the third failure raises */
	assert_int_equal(seclog_monitor_configure(mon, &w, 1, &src10, 1), SK_OK);
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + 2, 3);
	assert_int_equal(nalerts(), 1);
	assert_int_equal(seen[0].first_idx, 1);
	/* a changed threshold starts afresh */
	w.fail_threshold = 2;
	assert_int_equal(seclog_monitor_configure(mon, &w, 1, &src10, 1), SK_OK);
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + 3, 4);
	assert_int_equal(nalerts(), 1);
	feed1(mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + 4, 5);
	assert_int_equal(nalerts(), 2);
	seclog_monitor_free(mon);
	seclog_monitor_free(NULL);
}

struct feeder {
	struct seclog_monitor *mon;
	int n;
};

static void *feeder_main(void *arg)
{
	struct feeder *f = arg;

	for (int i = 0; i < f->n; i++)
		feed1(f->mon, "sshd", FAIL("root", "192.0.2.7"), "web1", T0 + i, (uint64_t)i);
	return NULL;
}

/* configure on one thread while another feeds and a third ticks */
static void test_threads(void **state)
{
	struct seclog_watch w = {.system = 1, .fail_threshold = 3, .fail_window_s = 60};
	struct seclog_monitor *mon = mon_with(&w, 1, &src10, 1);
	struct feeder f = {.mon = mon, .n = 20000};
	struct seclog_monitor_stats st;
	pthread_t th;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, feeder_main, &f), 0);
	for (int i = 0; i < 300; i++) {
		w.fail_threshold = 2 + (unsigned)(i % 3);
		assert_int_equal(seclog_monitor_configure(mon, &w, 1, &src10, 1), SK_OK);
		seclog_monitor_tick(mon, (T0 + i) * US);
	}
	pthread_join(th, NULL);
	seclog_monitor_stats(mon, &st);
	assert_int_equal(st.messages, 20000);
	assert_true(st.keys <= 2);
	assert_true(nalerts() >= 1);
	seclog_monitor_free(mon);
}

/* ---- the watchdog ---- */

static bool wait_alerts(size_t n, int ms)
{
	for (int i = 0; i < ms / 20; i++) {
		if (nalerts() >= n)
			return true;
		usleep(20000);
	}
	return nalerts() >= n;
}

static void test_watchdog_ticks(void **state)
{
	struct seclog_watch_source s = {.source = 10, .system = 1, .silent_s = 1};
	struct seclog_monitor *mon = mon_with(NULL, 0, &s, 1);
	struct seclog_watchdog *wd = NULL;
	struct seclog_watchdog_stats st;
	struct timespec a, b;

	(void)state;
	assert_int_equal(seclog_watchdog_start(NULL, NULL, NULL, &wd), SK_EINVAL);
	assert_int_equal(
	        seclog_watchdog_start(mon, NULL, &(struct seclog_watchdog_opts){.tick_s = 1}, &wd),
	        SK_OK);
	assert_true(wait_alerts(1, 6000));
	assert_int_equal(seen[0].kind, SECLOG_A_SILENT);
	seclog_watchdog_stats(wd, &st);
	assert_true(st.ticks >= 2);
	assert_int_equal(st.verifies, 0);
	seclog_watchdog_stop(wd);
	/* stopping does not wait for the next tick */
	assert_int_equal(seclog_watchdog_start(mon, NULL, NULL, &wd), SK_OK);
	clock_gettime(CLOCK_MONOTONIC, &a);
	seclog_watchdog_stop(wd);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 2);
	seclog_watchdog_stop(NULL);
	seclog_monitor_free(mon);
}

static void test_watchdog_verify(void **state)
{
	char dir[256], path[300], vkey[256];
	struct seclog_monitor *mon = mon_with(NULL, 0, NULL, 0);
	struct seclog_watchdog *wd = NULL;
	struct seclog_watchdog_stats st;
	struct seclog *log = NULL;
	struct seclog_msg m = mk("app", "hello", NULL, "h");
	uint64_t first;
	sqlite3 *db;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/skydd-test-monitor-XXXXXX");
	assert_non_null(mkdtemp(dir));
	rmdir(dir);
	assert_int_equal(store_init(dir, &(struct store_init_opts){.origin = "test/mon"}, vkey,
	                            sizeof(vkey)),
	                 SK_OK);
	assert_int_equal(seclog_open(dir, NULL, &log), SK_OK);
	m.raw = (const uint8_t *)"hello";
	m.raw_len = 5;
	assert_int_equal(seclog_append(log, &m, 1, &first, NULL, NULL), SK_OK);
	assert_int_equal(seclog_append(log, &m, 1, &first, NULL, NULL), SK_OK);
	seclog_close(log);
	assert_int_equal(
	        seclog_watchdog_start(
	                mon, dir, &(struct seclog_watchdog_opts){.tick_s = 1, .verify_s = 1}, &wd),
	        SK_OK);
	for (int i = 0; i < 150; i++) {
		seclog_watchdog_stats(wd, &st);
		if (st.verifies >= 1)
			break;
		usleep(20000);
	}
	assert_true(st.verifies >= 1);
	assert_int_equal(st.failures, 0);
	assert_int_equal(nalerts(), 0);
	/* a body removed without a culling decision */
	snprintf(path, sizeof(path), "%s/seclog.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "DROP TRIGGER IF EXISTS msg_cull_only", NULL, NULL, NULL);
	assert_int_equal(
	        sqlite3_exec(db, "UPDATE msg SET body = NULL WHERE idx = 1", NULL, NULL, NULL),
	        SQLITE_OK);
	sqlite3_close(db);
	assert_true(wait_alerts(1, 5000));
	assert_int_equal(seen[0].kind, SECLOG_A_INTEGRITY);
	assert_true(strlen(seen[0].detail) > 0);
	seclog_watchdog_stats(wd, &st);
	assert_true(st.failures >= 1);
	assert_string_equal(st.last_problem, seen[0].detail);
	usleep(1200000);
	assert_int_equal(nalerts(), 1); /* the same problem is not raised daily */
	/* the log taken away after it was seen */
	snprintf(path, sizeof(path), "rm -f '%s'/seclog.db*", dir);
	assert_int_equal(system(path), 0);
	assert_true(wait_alerts(2, 5000));
	assert_string_equal(seen[1].detail, "seclog.db is missing");
	seclog_watchdog_stop(wd);
	seclog_monitor_free(mon);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_classify_table),
	        cmocka_unit_test(test_classify_bounds),
	        cmocka_unit_test(test_sequence_id),
	        cmocka_unit_test_setup(test_failed_logins, reset),
	        cmocka_unit_test_setup(test_failed_logins_off, reset),
	        cmocka_unit_test_setup(test_privileged_hours, reset),
	        cmocka_unit_test_setup(test_privileged_no_routine, reset),
	        cmocka_unit_test_setup(test_privileged_dst, reset),
	        cmocka_unit_test_setup(test_silent, reset),
	        cmocka_unit_test_setup(test_gap, reset),
	        cmocka_unit_test_setup(test_integrity, reset),
	        cmocka_unit_test_setup(test_bounded_keys, reset),
	        cmocka_unit_test_setup(test_ring_budget, reset),
	        cmocka_unit_test_setup(test_configure, reset),
	        cmocka_unit_test_setup(test_threads, reset),
	        cmocka_unit_test_setup(test_watchdog_ticks, reset),
	        cmocka_unit_test_setup(test_watchdog_verify, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
