/*
 * The reminder service (docs/internals/reminders.md): one thread of its own
 * that sends the daily run after --remind-hour and the runs asked for by
 * POST /api/v1/reminders/send, so that a slow or refusing mail server never
 * holds a request thread. Each run is one reminders.sent entry in the ledger
 * with numbers only, never an address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "model/access_int.h"
#include "model/remind.h"
#include "model/todo.h"

#define SMTP_CONNECT_S 10
#define SMTP_TOTAL_S   60
#define TICK_S         60 /* how often the thread looks at the clock */
#define MSG_MAX        (64 * 1024)

struct remind {
	struct model *m;
	struct remind_config cfg;
	char *url, *from, *user, *password, *public_url; /* the copies cfg points at */
	bool loopback;
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	uint64_t asked, answered; /* runs asked for now, runs finished of those */
	int64_t actor;            /* who asked for the next run */
	struct remind_result last;
	char last_day[11]; /* the local day of the last daily run */
};

/* ---- configuration ---- */

/* The URL's scheme and host through libcurl's own parser: what it parses is what it uses. */
static int url_parts(const char *url, char *scheme, size_t scap, char *host, size_t hcap,
                     bool *userinfo)
{
	CURLU *u = curl_url();
	char *s = NULL, *h = NULL, *usr = NULL, *pw = NULL;
	int rc = SK_EINVAL;

	if (!u)
		return SK_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		snprintf(scheme, scap, "%s", s);
		snprintf(host, hcap, "%s", h);
		*userinfo = curl_url_get(u, CURLUPART_USER, &usr, 0) == CURLUE_OK ||
		            curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK;
		rc = SK_OK;
	}
	curl_free(s);
	curl_free(h);
	curl_free(usr);
	curl_free(pw);
	curl_url_cleanup(u);
	return rc;
}

bool remind_url_loopback(const char *url)
{
	char scheme[16], host[256];
	bool userinfo;

	if (!url || url_parts(url, scheme, sizeof(scheme), host, sizeof(host), &userinfo))
		return false;
	{
		struct in_addr a4;
		struct in6_addr a6;
		size_t n = strlen(host);

		/* literal addresses only: "127.0.0.1.example.se" is somebody else's host */
		if (inet_pton(AF_INET, host, &a4) == 1)
			return (ntohl(a4.s_addr) >> 24) == 127;
		if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
			host[n - 1] = '\0';
			return inet_pton(AF_INET6, host + 1, &a6) == 1 &&
			       memcmp(&a6, &in6addr_loopback, sizeof(a6)) == 0;
		}
		return strcmp(host, "localhost") == 0;
	}
}

int remind_config_check(const struct remind_config *c, char *why, size_t cap)
{
	char scheme[16], host[256];
	bool userinfo = false;

	if (!c->smtp_url)
		return SK_OK;
	for (const char *p = c->smtp_url; *p; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p > 0x7e) {
			snprintf(why, cap, "--smtp: the URL has a space or control character");
			return SK_EINVAL;
		}
	}
	if (url_parts(c->smtp_url, scheme, sizeof(scheme), host, sizeof(host), &userinfo) ||
	    (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0) || !host[0]) {
		snprintf(why, cap, "--smtp: give smtp://HOST[:PORT] or smtps://HOST[:PORT]");
		return SK_EINVAL;
	}
	if (userinfo) {
		snprintf(why, cap,
		         "--smtp: no user or password in the URL; use --smtp-user and "
		         "--smtp-password-file");
		return SK_EINVAL;
	}
	if (!c->from || !c->from[0] || !model_email_valid(c->from)) {
		snprintf(why, cap, "--smtp-from: one address local@domain is required with --smtp");
		return SK_EINVAL;
	}
	if (c->user && (!c->user[0] || strlen(c->user) > 256 || strpbrk(c->user, "\r\n"))) {
		snprintf(why, cap, "--smtp-user: 1..256 characters on one line");
		return SK_EINVAL;
	}
	if (c->public_url) {
		struct buf b;
		json_t *one = json_pack("[{s:s, s:i}]", "kind", "receipts", "count", 1);
		int rc;

		/* the message builder is the judge of what it accepts */
		buf_init(&b, MSG_MAX);
		rc = remind_message(c->from, c->from, c->public_url, one, 0, &b);
		buf_release(&b);
		json_decref(one);
		if (rc) {
			snprintf(why, cap,
			         "--public-url: http:// or https:// and printable characters "
			         "without spaces, at most 200");
			return SK_EINVAL;
		}
	}
	if (c->hour > 23) {
		snprintf(why, cap, "--remind-hour: 0..23");
		return SK_EINVAL;
	}
	return SK_OK;
}

/* ---- sending ---- */

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;

	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static bool stopping(struct remind *r);

/* libcurl asks about once a second: a shutdown aborts a transfer to a mail server that hangs. */
static int progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return stopping(arg) ? 1 : 0;
}

/* One mail to one address; why gets libcurl's words on failure. */
static int smtp_send(struct remind *r, const char *to, const struct buf *msg, char *why, size_t cap)
{
	CURL *e = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	struct upload up = {msg->ptr, msg->len};
	char from[300], addr[300];
	CURLcode cc;

	if (!e)
		return SK_ENOMEM;
	snprintf(from, sizeof(from), "<%s>", r->cfg.from);
	snprintf(addr, sizeof(addr), "<%s>", to);
	rcpt = curl_slist_append(NULL, addr);
	if (!rcpt) {
		curl_easy_cleanup(e);
		return SK_ENOMEM;
	}
	curl_easy_setopt(e, CURLOPT_URL, r->cfg.smtp_url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)SMTP_CONNECT_S);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)SMTP_TOTAL_S);
	/* STARTTLS or nothing, except on this machine's loopback (a local relay or test sink) */
	curl_easy_setopt(e, CURLOPT_USE_SSL, (long)(r->loopback ? CURLUSESSL_TRY : CURLUSESSL_ALL));
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt);
	if (r->cfg.user)
		curl_easy_setopt(e, CURLOPT_USERNAME, r->cfg.user);
	if (r->cfg.password)
		curl_easy_setopt(e, CURLOPT_PASSWORD, r->cfg.password);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(e, CURLOPT_READDATA, &up);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, r);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	cc = curl_easy_perform(e);
	if (cc != CURLE_OK)
		snprintf(why, cap, "%s", curl_easy_strerror(cc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(e);
	return cc == CURLE_OK ? SK_OK : SK_EIO;
}

/* ---- a run ---- */

struct recipient {
	struct principal p;
	char email[256];
};

/* Active identities with an address, with their roles in force today (?2). */
#define RECIPIENTS_SQL                                                                             \
	"SELECT i.id, i.email, " MODEL_CLEARANCE_OF_IDENTITY(                                      \
	        "i.id", "?2") ", (SELECT group_concat(role, ' ') FROM role_grant "                 \
	                      "WHERE " MODEL_GRANT_IN_FORCE(                                       \
	                              "i.id") ") FROM identity i WHERE i.status = 'active' AND "   \
	                                      "i.email <> '' ORDER BY i.id"

static struct recipient *recipients(struct model *m, size_t *n)
{
	struct store_reader *rd = model_reader(m);
	struct recipient *out = NULL;
	struct store_q *q;
	size_t cap = 0;
	char today[11];

	*n = 0;
	if (!rd || store_reader_query(rd, RECIPIENTS_SQL, &q))
		return NULL;
	model_today(today);
	store_q_bind_text(q, 2, today);
	while (store_q_step(q) == SK_OK) {
		struct recipient *x;

		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct recipient *t = realloc(out, ncap * sizeof(*out));

			if (!t)
				break;
			out = t;
			cap = ncap;
		}
		x = &out[(*n)++];
		memset(x, 0, sizeof(*x));
		x->p.id = store_q_int(q, 0);
		snprintf(x->email, sizeof(x->email), "%s", store_q_text(q, 1));
		x->p.clearance = (enum clearance)clearance_parse(store_q_text(q, 2));
		x->p.roles = model_roles_mask(store_q_text(q, 3) ? store_q_text(q, 3) : "");
	}
	store_q_done(q);
	return out;
}

struct record_cmd {
	int64_t actor;
	const char *trigger;
	const struct remind_result *res;
};

static int record_fn(struct store_tx *tx, void *arg)
{
	struct record_cmd *c = arg;
	json_t *d = json_pack("{s:s, s:I, s:I, s:I}", "trigger", c->trigger, "recipients",
	                      (json_int_t)c->res->recipients, "sent", (json_int_t)c->res->sent,
	                      "failed", (json_int_t)c->res->failed);
	int rc;

	if (!d)
		return SK_ENOMEM;
	rc = store_tx_append(tx, c->actor, "reminders.sent", "reminders", d, NULL);
	json_decref(d);
	return rc;
}

static bool stopping(struct remind *r)
{
	bool stop;

	pthread_mutex_lock(&r->mu);
	stop = r->stop;
	pthread_mutex_unlock(&r->mu);
	return stop;
}

static struct remind_result run(struct remind *r, int64_t actor, const char *trigger)
{
	struct remind_result res = {.done = true};
	struct recipient *to;
	size_t n = 0;
	int rc;

	to = recipients(r->m, &n);
	for (size_t i = 0; i < n; i++) {
		char why[CURL_ERROR_SIZE + 64] = "";
		struct buf msg;
		json_t *todo;

		if (stopping(r)) {
			/* a shutdown does not wait for a whole run against a slow mail server */
			fprintf(stderr, "skydd: reminders: stopped before %zu of %zu people\n",
			        n - i, n);
			break;
		}
		todo = model_todo(r->m, &to[i].p);
		buf_init(&msg, MSG_MAX);
		rc = todo ? remind_message(r->cfg.from, to[i].email, r->cfg.public_url, todo,
		                           time(NULL), &msg)
		          : SK_EIO;
		json_decref(todo);
		if (rc == SK_ENOTFOUND) {
			buf_release(&msg);
			continue; /* nothing waits for this person */
		}
		res.recipients++;
		if (!rc)
			rc = smtp_send(r, to[i].email, &msg, why, sizeof(why));
		buf_release(&msg);
		if (rc) {
			res.failed++;
			/* the identity's number, never its address: stderr ends up in logs */
			fprintf(stderr, "skydd: reminders: identity %lld: not sent: %s\n",
			        (long long)to[i].p.id, why[0] ? why : sk_strerror(rc));
		} else {
			res.sent++;
		}
	}
	free(to);
	rc = model_submit(r->m, record_fn,
	                  &(struct record_cmd){.actor = actor, .trigger = trigger, .res = &res},
	                  NULL);
	if (rc)
		fprintf(stderr, "skydd: reminders: the run could not be recorded: %s\n",
		        sk_strerror(rc));
	if (res.failed)
		fprintf(stderr, "skydd: reminders: %lld of %lld not sent\n", (long long)res.failed,
		        (long long)res.recipients);
	return res;
}

static void local_day(time_t t, char out[11], int *hour)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
	*hour = tm.tm_hour;
}

/* The local day of the last daily run in the ledger, so that a restart does not send twice. */
static void last_daily(struct remind *r)
{
	struct store_reader *rd = model_reader(r->m);
	struct store_q *q;
	int64_t sec;

	if (!rd ||
	    store_reader_query(rd,
	                       "SELECT time FROM ledger WHERE kind = 'reminders.sent' AND "
	                       "json_extract(entry, '$.data.trigger') = 'daily' ORDER BY seq "
	                       "DESC LIMIT 1",
	                       &q))
		return;
	if (store_q_step(q) == SK_OK) {
		const char *t = store_q_text(q, 0);
		int64_t us;
		int hour;

		if (t && sk_time_parse(t, strlen(t), &us) == SK_OK) {
			sec = us / 1000000;
			local_day((time_t)sec, r->last_day, &hour);
		}
	}
	store_q_done(q);
}

static void *thread_main(void *arg)
{
	struct remind *r = arg;

	last_daily(r);
	pthread_mutex_lock(&r->mu);
	while (!r->stop) {
		char today[11];
		int hour;

		local_day(time(NULL), today, &hour);
		if (r->answered < r->asked) {
			uint64_t upto = r->asked;
			int64_t actor = r->actor;
			struct remind_result res;

			pthread_mutex_unlock(&r->mu);
			res = run(r, actor, "manual");
			pthread_mutex_lock(&r->mu);
			r->last = res;
			r->answered = upto;
			pthread_cond_broadcast(&r->cv);
			continue;
		}
		if (hour >= (int)r->cfg.hour && strcmp(today, r->last_day) != 0) {
			snprintf(r->last_day, sizeof(r->last_day), "%s", today);
			pthread_mutex_unlock(&r->mu);
			run(r, 0, "daily");
			pthread_mutex_lock(&r->mu);
			continue;
		}
		{
			struct timespec until;

			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += TICK_S;
			pthread_cond_timedwait(&r->cv, &r->mu, &until);
		}
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

int remind_start(struct model *m, const struct remind_config *c, struct remind **out)
{
	struct remind *r;
	char why[256];

	*out = NULL;
	if (!c->smtp_url)
		return SK_OK;
	if (remind_config_check(c, why, sizeof(why)))
		return SK_EINVAL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return SK_EIO;
	r = calloc(1, sizeof(*r));
	if (!r)
		return SK_ENOMEM;
	r->m = m;
	r->cfg = *c;
	r->cfg.smtp_url = r->url = dup0(c->smtp_url);
	r->cfg.from = r->from = dup0(c->from);
	r->cfg.user = r->user = dup0(c->user);
	r->cfg.password = r->password = dup0(c->password);
	r->cfg.public_url = r->public_url = dup0(c->public_url);
	r->loopback = remind_url_loopback(c->smtp_url);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (!r->url || !r->from || (c->user && !r->user) || (c->password && !r->password) ||
	    (c->public_url && !r->public_url) ||
	    pthread_create(&r->thread, NULL, thread_main, r) != 0) {
		remind_stop(r);
		return SK_ENOMEM;
	}
	r->started = true;
	*out = r;
	return SK_OK;
}

void remind_stop(struct remind *r)
{
	if (!r)
		return;
	if (r->started) {
		pthread_mutex_lock(&r->mu);
		r->stop = true;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	}
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r->url);
	free(r->from);
	free(r->user);
	if (r->password) {
		sodium_memzero(r->password, strlen(r->password));
		free(r->password);
	}
	free(r->public_url);
	free(r);
}

int remind_run_now(struct remind *r, int64_t actor, unsigned wait_s, struct remind_result *res)
{
	struct timespec until;
	uint64_t mine;

	memset(res, 0, sizeof(*res));
	if (!r)
		return SK_EINVAL;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_s;
	pthread_mutex_lock(&r->mu);
	mine = ++r->asked;
	r->actor = actor;
	pthread_cond_broadcast(&r->cv);
	while (r->answered < mine && !r->stop) {
		if (pthread_cond_timedwait(&r->cv, &r->mu, &until) == ETIMEDOUT)
			break;
	}
	if (r->answered >= mine)
		*res = r->last;
	pthread_mutex_unlock(&r->mu);
	return SK_OK;
}

/* ---- the ledger kind ---- */

static const char *const nothing[] = {NULL};
static const struct store_projection kind_reminders = {
        .name = "reminders",
        .kind_prefix = "reminders.",
        .touches = nothing,
};

void remind_register(void)
{
	store_register_projection(&kind_reminders);
}
