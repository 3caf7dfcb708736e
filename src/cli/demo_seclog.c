/*
 * The demo's security logs (4 kap. 25-31 §§): a second information system
 * (KH), a log source for each system, their monitoring routines, the readers
 * (Anna for both, decided by the head; David for the KH system, decided by
 * Anna), and a day of messages in seclog.db that the real monitor reads —
 * so the alerts on the Översikt are raised by the rules, not written in:
 * six failed root logins from one address within minutes, and root used on
 * the KH system at night.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/demo_seclog.h"
#include "model/register.h"
#include "model/seclog.h"
#include "seclog/monitor.h"
#include "seclog/store.h"

#define NMSG 360

struct ctx {
	struct model *m;
	struct model_err err;
	int rc;
};

static int64_t run(struct ctx *c, const struct principal *p, const char *reg, const char *cmd,
                   json_t *in, const char *what)
{
	int64_t id = 0;

	if (!c->rc && in) {
		c->rc = reg_run(c->m, p, reg, cmd, in, &id, &c->err);
		if (c->rc)
			fprintf(stderr, "skydd: demo: %s: %s\n", what,
			        c->err.msg[0] ? c->err.msg : sk_strerror(c->rc));
	} else if (!in) {
		c->rc = c->rc ? c->rc : SK_ENOMEM;
	}
	json_decref(in);
	return c->rc ? 0 : id;
}

struct line {
	const char *host, *app, *text;
	unsigned severity, facility;
};

/* The ordinary day: what a system's log holds when nothing is wrong. */
static const struct line everyday[] = {
        {"sn1-fw", "kernel", "nft: accept in=eth0 src=10.1.4.20 dst=10.1.0.5 proto=tcp dport=443",
         6, 0},
        {"sn1-app", "sshd", "Accepted publickey for drift from 10.1.4.20 port 51022 ssh2", 6, 10},
        {"sn1-app", "backup", "nattlig säkerhetskopiering klar: 412 filer, 3,1 GB", 6, 1},
        {"sn1-app", "arende", "ärende 2026-1187 öppnat av användare e.nilsson", 6, 1},
        {"sn1-app", "arende", "ärende 2026-1187 exporterat till PDF av e.nilsson", 5, 1},
        {"sn1-fw", "kernel", "nft: drop in=eth0 src=198.51.100.23 dst=10.1.0.5 proto=tcp dport=22",
         4, 0},
        {"ls-db1", "postgres", "checkpoint complete: wrote 1822 buffers (11.1%)", 6, 16},
        {"ls-db1", "sshd", "Accepted publickey for drift from 10.2.0.8 port 40112 ssh2", 6, 10},
        {"ls-db1", "ledning", "inloggning: användare a.lindqvist, tvåfaktor godkänd", 6, 10},
        {"ls-db1", "ledning", "behörighet ändrad för användare g.alm av a.lindqvist", 5, 10},
};

/* One message at t (µs) from the source. */
static void msg(struct seclog_msg *m, int64_t t, int64_t source, unsigned retention,
                const struct line *l)
{
	memset(m, 0, sizeof(*m));
	m->recv_us = t;
	m->timestamp_us = t - 300000; /* the sender's clock, a little earlier */
	m->source = source;
	m->retention_years = retention;
	m->facility = l->facility;
	m->severity = l->severity;
	m->hostname = l->host;
	m->hostname_len = strlen(l->host);
	m->app = l->app;
	m->app_len = strlen(l->app);
	m->text = l->text;
	m->text_len = strlen(l->text);
}

/* The local (Swedish) hour h:mm of today, or of yesterday when that is not yet past, in µs. */
static int64_t at_local(int h, int mi, int64_t now_us)
{
	time_t now = (time_t)(now_us / 1000000), t;
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t > now - 60)
		t -= 86400;
	return (int64_t)t * 1000000;
}

/* A day of messages appended and fed to the monitor, which raises what it finds. */
static int messages(struct model *m, const char *dir, int64_t sn1_src, int64_t ls_src, FILE *out)
{
	static struct seclog_msg ms[NMSG + 16];
	static const struct line fail = {"sn1-app", "sshd",
	                                 "Failed password for root from 192.0.2.7 port 50022 ssh2",
	                                 5, 10};
	static const struct line night = {"ls-db1", "sudo",
	                                  "drift : TTY=pts/0 ; PWD=/home/drift ; USER=root ; "
	                                  "COMMAND=/usr/bin/systemctl restart ledning",
	                                  5, 10};
	struct seclog_watch *w = NULL;
	struct seclog_watch_source *ws = NULL;
	struct seclog_monitor *mon = NULL;
	struct seclog *s = NULL;
	size_t nw = 0, ns = 0, n = 0;
	int64_t now = sk_now_us(), start = now - (int64_t)22 * 3600 * 1000000, t_night;
	uint64_t first = 0;
	int rc;

	/* the ordinary day, spread over 22 hours in order */
	for (size_t i = 0; i < NMSG; i++) {
		const struct line *l = &everyday[i % (sizeof(everyday) / sizeof(everyday[0]))];
		bool ls = strncmp(l->host, "ls-", 3) == 0;

		msg(&ms[n++], start + (int64_t)i * (22 * 3600 / NMSG) * 1000000,
		    ls ? ls_src : sn1_src, ls ? 25 : 10, l);
	}
	/* root on the KH system at 02:14 (outside 07-18, mon-fri): a privileged-use alert */
	t_night = at_local(2, 14, now);
	if (t_night > start)
		msg(&ms[n++], t_night, ls_src, 25, &night);
	/* six failed root logins from one address within three minutes: over the threshold */
	for (int k = 0; k < 6; k++)
		msg(&ms[n++], now - (int64_t)(20 - k * 30) * 1000000 - 600 * 1000000, sn1_src, 10,
		    &fail);
	/* the monitor and the store want receipt order */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && ms[j].recv_us < ms[j - 1].recv_us; j--) {
			struct seclog_msg x = ms[j];

			ms[j] = ms[j - 1];
			ms[j - 1] = x;
		}
	rc = seclog_open(dir, NULL, &s);
	if (!rc)
		rc = seclog_append(s, ms, n, &first, NULL, NULL);
	if (!rc)
		rc = seclog_checkpoint_now(s);
	seclog_close(s);
	if (rc) {
		fprintf(stderr, "skydd: demo: security logs: %s\n", sk_strerror(rc));
		return rc;
	}
	mon = seclog_monitor_new(model_seclog_on_alert, m);
	rc = mon ? model_seclog_watches(m, &w, &nw, &ws, &ns) : SK_ENOMEM;
	if (!rc)
		rc = seclog_monitor_configure(mon, w, nw, ws, ns);
	if (!rc)
		seclog_monitor_feed(mon, ms, n, first);
	seclog_monitor_free(mon);
	free(w);
	free(ws);
	if (!rc)
		fprintf(out,
		        "Security logs: %zu messages from two systems in seclog.db; the monitor "
		        "raised its alerts (Larm).\n",
		        n);
	return rc;
}

int demo_seclog(struct model *m, const char *dir, const struct principal *ssc,
                const struct principal *chief, int64_t sn1, FILE *out)
{
	struct ctx c = {.m = m};
	int64_t ls, sn1_src, ls_src;

	ls = run(&c, ssc, "systems", "add",
	         json_pack("{s:s, s:s, s:s}", "name", "Ledningssystemet LS", "max_class", "KH",
	                   "decision_ref", "Ackreditering HC 2026:1"),
	         "system LS");
	/* SN1's firewall and application server over RELP from this machine (a local rsyslog) */
	sn1_src = run(&c, ssc, "log_sources", "add",
	              json_pack("{s:s, s:I, s:s, s:s, s:i}", "name", "sn1-servrar", "system_id",
	                        (json_int_t)sn1, "transport", "relp", "address", "127.0.0.1",
	                        "silent_minutes", 0),
	              "log source sn1");
	ls_src = run(&c, ssc, "log_sources", "add",
	             json_pack("{s:s, s:I, s:s, s:s, s:i}", "name", "ls-db1", "system_id",
	                       (json_int_t)ls, "transport", "tcp", "address", "127.0.0.2",
	                       "silent_minutes", 0),
	             "log source ls-db1");
	run(&c, ssc, "log_monitoring", "add",
	    json_pack("{s:I, s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:b}", "system_id", (json_int_t)ls,
	              "watched",
	              "inloggningar, ändrade behörigheter och användning av administratörskonton",
	              "responder", "IT-driftens jour, som larmar säkerhetsskyddschefen",
	              "fail_threshold", 5, "fail_window_minutes", 10, "privileged_accounts",
	              "root,Administrator", "privileged_hours", "07:00-18:00", "privileged_days",
	              "mon-fri", "incident_on_alert", 0),
	    "monitoring LS");
	run(&c, ssc, "log_monitoring", "add",
	    json_pack("{s:I, s:s, s:s, s:i, s:i, s:b}", "system_id", (json_int_t)sn1, "watched",
	              "misslyckade inloggningar och brandväggens avvisningar", "responder",
	              "IT-driftens jour", "fail_threshold", 5, "fail_window_minutes", 10,
	              "incident_on_alert", 0),
	    "monitoring SN1");
	/* the readers: nobody decides their own right (Anna's by the head) */
	run(&c, chief, "log_readers", "grant",
	    json_pack("{s:I, s:I}", "system_id", (json_int_t)sn1, "identity_id",
	              (json_int_t)ssc->id),
	    "reader anna SN1");
	run(&c, chief, "log_readers", "grant",
	    json_pack("{s:I, s:I}", "system_id", (json_int_t)ls, "identity_id",
	              (json_int_t)ssc->id),
	    "reader anna LS");
	run(&c, ssc, "log_readers", "grant",
	    json_pack("{s:I, s:I}", "system_id", (json_int_t)ls, "identity_id",
	              (json_int_t)chief->id),
	    "reader david LS");
	if (c.rc)
		return c.rc;
	return messages(m, dir, sn1_src, ls_src, out);
}
