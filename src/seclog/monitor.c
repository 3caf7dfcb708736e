/*
 * The monitor (monitor.h): the rules of 4 kap. 30-31 §§ over classified
 * messages. State lives in small LRU tables of keys ("user@host", a host)
 * capped at SECLOG_KEYS_MAX each, so a flood of distinct names evicts the
 * oldest instead of growing memory. See docs/internals/seclog.md,
 * "Monitoring".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seclog/classify.h"
#include "seclog/monitor.h"
#include "util/util.h"
#include "util/banned.h"

#define US               INT64_C(1000000)
#define KTAB_BUCKETS     8192 /* a power of two, twice SECLOG_KEYS_MAX */
#define KTAB_FIRST       16
#define SEQ_WRAP_SLACK   (1u << 20)   /* a wrap is a jump from the top 2^20 to the bottom 2^20 */
#define TS_BEHIND_MAX_US (86400 * US) /* a message's own time is believed a day back … */
#define TS_AHEAD_MAX_US  (300 * US)   /* … and five minutes ahead of its receipt */
#define UNSEEN           INT64_MIN
#define RING_FIRST       4
#define RING_BUDGET      131072 /* failed-login times held per system: 2 MiB */

struct tev {
	int64_t us;
	uint64_t idx;
};

/* One tracked key: a failed-login window, a privileged account's use or a sender's sequence. */
struct kent {
	char key[SECLOG_KEY_MAX];
	uint32_t hash;
	int32_t hnext, newer, older;
	bool open; /* an alert was raised and the situation has not ended */
	int64_t last_us;
	uint64_t count;
	uint32_t seq;             /* sequences: the last sequenceId */
	uint32_t rn, rhead, rcap; /* failed logins: events in the ring, its oldest, its size */
	struct tev *ring;         /* failed logins: the newest events, up to the threshold */
};

/*
 * Slots 0..n-1 of e are in use or on the free list (evicted for the rings'
 * budget); live of them hold keys.
 */
struct ktab {
	struct kent *e;
	uint32_t n, cap, live;
	int32_t *bucket;
	int32_t newest, oldest, free_head;
	size_t ring_slots; /* sum of the rings' sizes */
};

#define KTAB_EMPTY ((struct ktab){.newest = -1, .oldest = -1, .free_head = -1})

struct msys {
	struct seclog_watch w;
	struct ktab fails, priv;
};

struct msrc {
	struct seclog_watch_source s;
	int64_t last_us; /* the newest receipt, UNSEEN before the first message or tick */
	bool silent_open;
	struct ktab seqs;
};

struct seclog_monitor {
	pthread_mutex_t mu;
	seclog_alert_fn alert;
	void *ctx;
	struct msys *sys;
	size_t nsys;
	struct msrc *src;
	size_t nsrc;
	int tz;
	bool integrity_open;
	char integrity_problem[SECLOG_PROBLEM_MAX];
	struct seclog_monitor_stats st;
};

/* ---- key tables ---- */

static uint32_t hash_key(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void ktab_release(struct ktab *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		free(t->e[i].ring);
	free(t->e);
	free(t->bucket);
	*t = KTAB_EMPTY;
}

static void lru_unlink(struct ktab *t, int32_t i)
{
	struct kent *e = &t->e[i];

	if (e->newer >= 0)
		t->e[e->newer].older = e->older;
	else
		t->newest = e->older;
	if (e->older >= 0)
		t->e[e->older].newer = e->newer;
	else
		t->oldest = e->newer;
	e->newer = e->older = -1;
}

static void lru_push(struct ktab *t, int32_t i)
{
	struct kent *e = &t->e[i];

	e->newer = -1;
	e->older = t->newest;
	if (t->newest >= 0)
		t->e[t->newest].newer = i;
	t->newest = i;
	if (t->oldest < 0)
		t->oldest = i;
}

static void bucket_unlink(struct ktab *t, int32_t i)
{
	int32_t *p = &t->bucket[t->e[i].hash & (KTAB_BUCKETS - 1)];

	while (*p >= 0 && *p != i)
		p = &t->e[*p].hnext;
	if (*p == i)
		*p = t->e[i].hnext;
}

static struct kent *ktab_find(struct ktab *t, const char *key)
{
	uint32_t h = hash_key(key);

	if (!t->bucket)
		return NULL;
	for (int32_t i = t->bucket[h & (KTAB_BUCKETS - 1)]; i >= 0; i = t->e[i].hnext)
		if (t->e[i].hash == h && strcmp(t->e[i].key, key) == 0)
			return &t->e[i];
	return NULL;
}

/* Drops entry i: its key, its ring; the slot goes to the free list. */
static void ktab_evict(struct ktab *t, int32_t i, uint64_t *evicted)
{
	struct kent *e = &t->e[i];

	lru_unlink(t, i);
	bucket_unlink(t, i);
	t->ring_slots -= e->rcap;
	free(e->ring);
	*e = (struct kent){.hnext = t->free_head, .newer = -1, .older = -1};
	t->free_head = i;
	t->live--;
	(*evicted)++;
}

/*
 * The entry for key, made the newest; a new one (*fresh) evicts the oldest
 * when the table is full. NULL on out of memory.
 */
static struct kent *ktab_get(struct ktab *t, const char *key, bool *fresh, uint64_t *evicted)
{
	struct kent *e = ktab_find(t, key);
	int32_t i;

	*fresh = false;
	if (e) {
		i = (int32_t)(e - t->e);
		lru_unlink(t, i);
		lru_push(t, i);
		return e;
	}
	if (!t->bucket) {
		t->bucket = malloc(KTAB_BUCKETS * sizeof(*t->bucket));
		if (!t->bucket)
			return NULL;
		memset(t->bucket, 0xff, KTAB_BUCKETS * sizeof(*t->bucket));
		t->newest = t->oldest = t->free_head = -1;
	}
	if (t->live == SECLOG_KEYS_MAX)
		ktab_evict(t, t->oldest, evicted);
	if (t->free_head >= 0) {
		i = t->free_head;
		t->free_head = t->e[i].hnext;
	} else {
		if (t->n == t->cap) {
			uint32_t cap = t->cap ? t->cap * 2 : KTAB_FIRST;
			struct kent *ne;

			if (cap > SECLOG_KEYS_MAX)
				cap = SECLOG_KEYS_MAX;
			ne = realloc(t->e, cap * sizeof(*ne));
			if (!ne)
				return NULL;
			t->e = ne;
			t->cap = cap;
		}
		i = (int32_t)t->n++;
	}
	e = &t->e[i];
	*e = (struct kent){.hash = hash_key(key), .newer = -1, .older = -1, .last_us = UNSEEN};
	snprintf(e->key, sizeof(e->key), "%s", key);
	t->live++;
	e->hnext = t->bucket[e->hash & (KTAB_BUCKETS - 1)];
	t->bucket[e->hash & (KTAB_BUCKETS - 1)] = i;
	lru_push(t, i);
	*fresh = true;
	return e;
}

/* ---- helpers ---- */

static int cmp_sys(const void *a, const void *b)
{
	const struct msys *x = a, *y = b;

	return (x->w.system > y->w.system) - (x->w.system < y->w.system);
}

static int cmp_src(const void *a, const void *b)
{
	const struct msrc *x = a, *y = b;

	return (x->s.source > y->s.source) - (x->s.source < y->s.source);
}

static struct msys *find_sys(struct seclog_monitor *mon, int64_t id)
{
	struct msys k = {.w.system = id};

	return mon->nsys ? bsearch(&k, mon->sys, mon->nsys, sizeof(k), cmp_sys) : NULL;
}

static struct msrc *find_src(struct seclog_monitor *mon, int64_t id)
{
	struct msrc k = {.s.source = id};

	return mon->nsrc ? bsearch(&k, mon->src, mon->nsrc, sizeof(k), cmp_src) : NULL;
}

static void raise_alert(struct seclog_monitor *mon, struct seclog_alert *a)
{
	mon->st.alerts++;
	if (mon->alert)
		mon->alert(mon->ctx, a);
}

/*
 * n cut to at most max bytes without splitting a UTF-8 sequence (the stored
 * header fields are UTF-8; keys and details go into the registers' JSON).
 */
static size_t utf8_cut(const char *p, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)p[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* "account@host", the host cut to SECLOG_REMOTE_MAX bytes; "-" when unknown. */
static void make_key(char out[SECLOG_KEY_MAX], const char *account, const char *p, size_t n)
{
	char host[SECLOG_REMOTE_MAX + 1];
	size_t k = p ? utf8_cut(p, n, SECLOG_REMOTE_MAX) : 0;

	memcpy(host, p, k);
	host[k] = '\0';
	snprintf(out, SECLOG_KEY_MAX, "%s@%s", account[0] ? account : "-", k ? host : "-");
}

/* Is name one of the comma-separated accounts in list (case-insensitive, blanks trimmed)? */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (n == 0)
		return false;
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && strncasecmp(p, name, n) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Minutes after local midnight and the day (0 Monday … 6 Sunday) of t. */
static void local_time(int tz, int64_t t_us, unsigned *minute, unsigned *day)
{
	int64_t off = (int64_t)tz * 60, local, days;

	if (tz == SECLOG_TZ_STOCKHOLM) {
		char b[SK_STHLM_LEN + 1];

		off = sk_time_stockholm(t_us, b) == SK_OK && b[21] == '2' ? 7200 : 3600;
	}
	local = floor_div(t_us, US) + off;
	days = floor_div(local, 86400);
	*minute = (unsigned)((local - days * 86400) / 60);
	/* 1970-01-01 was a Thursday (3 counting from Monday) */
	*day = (unsigned)(((days % 7) + 7 + 3) % 7);
}

/* ---- rules ---- */

/*
 * Room for one more failure time in e's ring: it grows by doubling up to
 * the threshold (most keys see one or two failures), within the table's
 * budget, evicting the least recently seen other keys to stay inside it.
 * false when it cannot grow (the ring then wraps, keeping the newest).
 */
static bool ring_grow(struct ktab *t, struct kent *e, unsigned threshold, uint64_t *evicted)
{
	uint32_t ncap = e->rcap ? e->rcap * 2 : RING_FIRST;
	int32_t self = (int32_t)(e - t->e);
	struct tev *nr;

	if (ncap > threshold)
		ncap = threshold;
	while (t->ring_slots + (ncap - e->rcap) > RING_BUDGET && t->oldest >= 0 &&
	       t->oldest != self)
		ktab_evict(t, t->oldest, evicted);
	if (t->ring_slots + (ncap - e->rcap) > RING_BUDGET)
		return false;
	nr = malloc(ncap * sizeof(*nr));
	if (!nr)
		return false;
	for (uint32_t k = 0; k < e->rn; k++)
		nr[k] = e->ring[(e->rhead + k) % e->rcap];
	free(e->ring);
	e->ring = nr;
	e->rhead = 0;
	t->ring_slots += ncap - e->rcap;
	e->rcap = ncap;
	return true;
}

static void rule_failed(struct seclog_monitor *mon, struct msys *sy, const struct seclog_msg *m,
                        const struct seclog_event *ev, uint64_t idx, int64_t t)
{
	const struct seclog_watch *w = &sy->w;
	int64_t window = (int64_t)w->fail_window_s * US;
	char key[SECLOG_KEY_MAX];
	struct kent *e;
	bool fresh;
	unsigned pushes = ev->repeat < w->fail_threshold ? ev->repeat : w->fail_threshold;

	if (ev->remote[0])
		make_key(key, ev->account, ev->remote, strlen(ev->remote));
	else
		make_key(key, ev->account, m->hostname, m->hostname_len);
	e = ktab_get(&sy->fails, key, &fresh, &mon->st.evicted);
	if (!e)
		return;
	if (e->open && t - e->last_us > window)
		e->open = false;
	for (unsigned r = 0; r < pushes; r++) {
		if (e->rn == e->rcap && e->rcap < w->fail_threshold &&
		    !ring_grow(&sy->fails, e, w->fail_threshold, &mon->st.evicted) && e->rcap == 0)
			return;
		if (e->rn == e->rcap) { /* full: the oldest makes room */
			e->ring[e->rhead] = (struct tev){.us = t, .idx = idx};
			e->rhead = (e->rhead + 1) % e->rcap;
		} else {
			e->ring[(e->rhead + e->rn) % e->rcap] = (struct tev){.us = t, .idx = idx};
			e->rn++;
		}
	}
	while (e->rn && e->ring[e->rhead].us < t - window) {
		e->rhead = (e->rhead + 1) % e->rcap;
		e->rn--;
	}
	e->last_us = t;
	e->count += ev->repeat;
	if (e->open || e->rn < w->fail_threshold)
		return;
	struct seclog_alert a = {
	        .kind = SECLOG_A_FAILED_LOGINS,
	        .system = w->system,
	        .source = m->source,
	        .count = e->rn,
	        .first_idx = e->ring[e->rhead].idx,
	        .last_idx = idx,
	        .first_us = e->ring[e->rhead].us,
	        .last_us = t,
	};
	memcpy(a.key, key, sizeof(a.key));
	snprintf(a.detail, sizeof(a.detail), "threshold=%u window=%u pattern=%s", w->fail_threshold,
	         w->fail_window_s, ev->pattern);
	e->open = true;
	raise_alert(mon, &a);
}

static void rule_privileged(struct seclog_monitor *mon, struct msys *sy, const struct seclog_msg *m,
                            const struct seclog_event *ev, uint64_t idx, int64_t t)
{
	const struct seclog_watch *w = &sy->w;
	const char *acc = NULL;
	char key[SECLOG_KEY_MAX];
	unsigned minute, day;
	int64_t te = t;
	struct kent *e;
	bool fresh;

	if (in_list(w->priv_accounts, ev->account))
		acc = ev->account;
	else if (ev->kind == SECLOG_EV_PRIV_USE && in_list(w->priv_accounts, ev->by))
		acc = ev->by;
	if (!acc)
		return;
	/* a queued backlog is judged by when it happened, if its own time is believable */
	if (m->timestamp_us != SECLOG_TS_NONE && m->timestamp_us >= t - TS_BEHIND_MAX_US &&
	    m->timestamp_us <= t + TS_AHEAD_MAX_US)
		te = m->timestamp_us;
	local_time(mon->tz, te, &minute, &day);
	make_key(key, acc, m->hostname, m->hostname_len);
	if ((w->priv_days & (1u << day)) && minute >= w->priv_from_min && minute < w->priv_to_min) {
		e = ktab_find(&sy->priv, key);
		if (e)
			e->open =
			        false; /* used within its hours: the stretch outside them is over */
		return;
	}
	e = ktab_get(&sy->priv, key, &fresh, &mon->st.evicted);
	if (!e)
		return;
	if (e->open && t - e->last_us > SECLOG_DEDUPE_S * US)
		e->open = false;
	e->last_us = t;
	e->count += ev->repeat;
	if (e->open)
		return;
	struct seclog_alert a = {
	        .kind = SECLOG_A_PRIVILEGED,
	        .system = w->system,
	        .source = m->source,
	        .count = ev->repeat,
	        .first_idx = idx,
	        .last_idx = idx,
	        .first_us = te,
	        .last_us = te,
	};
	memcpy(a.key, key, sizeof(a.key));
	snprintf(a.detail, sizeof(a.detail),
	         "local=%02u:%02u day=%u allowed=%02u:%02u-%02u:%02u days=0x%02x pattern=%s by=%s "
	         "remote=%s",
	         minute / 60, minute % 60, day + 1, w->priv_from_min / 60, w->priv_from_min % 60,
	         w->priv_to_min / 60, w->priv_to_min % 60, w->priv_days, ev->pattern,
	         ev->by[0] ? ev->by : "-", ev->remote[0] ? ev->remote : "-");
	e->open = true;
	raise_alert(mon, &a);
}

static void rule_sequence(struct seclog_monitor *mon, struct msrc *sr, const struct seclog_msg *m,
                          uint32_t seq, uint64_t idx, int64_t t)
{
	char key[SECLOG_KEY_MAX];
	size_t hn = m->hostname ? utf8_cut(m->hostname, m->hostname_len, SECLOG_KEY_MAX - 1) : 0;
	uint32_t last, expected;
	uint64_t missing;
	struct kent *e;
	bool fresh;

	if (hn)
		memcpy(key, m->hostname, hn);
	else
		key[hn++] = '-';
	key[hn] = '\0';
	e = ktab_get(&sr->seqs, key, &fresh, &mon->st.evicted);
	if (!e)
		return;
	last = e->seq;
	if (fresh || seq == 1) { /* first seen, or the sender restarted (or wrapped) */
		e->seq = seq;
		return;
	}
	expected = last == SECLOG_SEQ_MAX ? 1 : last + 1;
	if (seq == expected) {
		e->seq = seq;
		return;
	}
	if (seq > last)
		missing = (uint64_t)seq - last - 1;
	else if (last > SECLOG_SEQ_MAX - SEQ_WRAP_SLACK && seq < SEQ_WRAP_SLACK)
		missing = (uint64_t)(SECLOG_SEQ_MAX - last) + (seq - 1);
	else
		return; /* late or repeated: order is not this rule's business */
	e->seq = seq;
	if (e->open && t - e->last_us > SECLOG_DEDUPE_S * US)
		e->open = false;
	e->last_us = t;
	e->count += missing;
	if (e->open)
		return;
	struct seclog_alert a = {
	        .kind = SECLOG_A_GAP,
	        .system = sr->s.system,
	        .source = sr->s.source,
	        .count = missing,
	        .first_idx = idx,
	        .last_idx = idx,
	        .first_us = t,
	        .last_us = t,
	};
	memcpy(a.key, key, sizeof(a.key));
	snprintf(a.detail, sizeof(a.detail), "expected=%u got=%u missing=%llu", expected, seq,
	         (unsigned long long)missing);
	e->open = true;
	raise_alert(mon, &a);
}

/* ---- the interface ---- */

struct seclog_monitor *seclog_monitor_new(seclog_alert_fn alert, void *ctx)
{
	struct seclog_monitor *mon = calloc(1, sizeof(*mon));

	if (!mon)
		return NULL;
	if (pthread_mutex_init(&mon->mu, NULL) != 0) {
		free(mon);
		return NULL;
	}
	mon->alert = alert;
	mon->ctx = ctx;
	mon->tz = SECLOG_TZ_STOCKHOLM;
	return mon;
}

static void free_state(struct msys *sys, size_t nsys, struct msrc *src, size_t nsrc)
{
	for (size_t i = 0; i < nsys; i++) {
		ktab_release(&sys[i].fails);
		ktab_release(&sys[i].priv);
	}
	for (size_t i = 0; i < nsrc; i++)
		ktab_release(&src[i].seqs);
	free(sys);
	free(src);
}

void seclog_monitor_free(struct seclog_monitor *mon)
{
	if (!mon)
		return;
	free_state(mon->sys, mon->nsys, mon->src, mon->nsrc);
	pthread_mutex_destroy(&mon->mu);
	free(mon);
}

static bool watch_ok(const struct seclog_watch *w)
{
	if (w->fail_threshold > SECLOG_FAIL_THRESHOLD_MAX ||
	    w->fail_window_s > SECLOG_FAIL_WINDOW_MAX ||
	    (w->fail_threshold && w->fail_window_s == 0))
		return false;
	if (!memchr(w->priv_accounts, '\0', sizeof(w->priv_accounts)))
		return false;
	if (w->priv_accounts[0] &&
	    (w->priv_from_min >= w->priv_to_min || w->priv_to_min > 1440 || w->priv_days > 0x7f))
		return false;
	return true;
}

int seclog_monitor_configure(struct seclog_monitor *mon, const struct seclog_watch *w, size_t nw,
                             const struct seclog_watch_source *s, size_t ns)
{
	struct msys *sys = NULL;
	struct msrc *src = NULL;

	if (!mon || (nw && !w) || (ns && !s))
		return SK_EINVAL;
	for (size_t i = 0; i < nw; i++)
		if (!watch_ok(&w[i]))
			return SK_EINVAL;
	sys = nw ? calloc(nw, sizeof(*sys)) : NULL;
	src = ns ? calloc(ns, sizeof(*src)) : NULL;
	if ((nw && !sys) || (ns && !src)) {
		free(sys);
		free(src);
		return SK_ENOMEM;
	}
	for (size_t i = 0; i < nw; i++) {
		sys[i].w = w[i];
		sys[i].fails = KTAB_EMPTY;
		sys[i].priv = KTAB_EMPTY;
	}
	for (size_t i = 0; i < ns; i++)
		src[i] = (struct msrc){.s = s[i], .last_us = UNSEEN, .seqs = KTAB_EMPTY};
	if (nw)
		qsort(sys, nw, sizeof(*sys), cmp_sys);
	if (ns)
		qsort(src, ns, sizeof(*src), cmp_src);
	for (size_t i = 1; i < nw || i < ns; i++) {
		if ((i < nw && sys[i].w.system == sys[i - 1].w.system) ||
		    (i < ns && src[i].s.source == src[i - 1].s.source)) {
			free(sys);
			free(src);
			return SK_EINVAL;
		}
	}

	pthread_mutex_lock(&mon->mu);
	for (size_t i = 0; i < nw; i++) {
		struct msys *old = find_sys(mon, sys[i].w.system);

		if (!old)
			continue;
		sys[i].priv = old->priv;
		old->priv = KTAB_EMPTY;
		if (old->w.fail_threshold == sys[i].w.fail_threshold &&
		    old->w.fail_window_s == sys[i].w.fail_window_s) {
			sys[i].fails = old->fails;
			old->fails = KTAB_EMPTY;
		}
	}
	for (size_t i = 0; i < ns; i++) {
		struct msrc *old = find_src(mon, src[i].s.source);

		if (!old)
			continue;
		src[i].last_us = old->last_us;
		src[i].silent_open = old->silent_open;
		src[i].seqs = old->seqs;
		old->seqs = KTAB_EMPTY;
	}
	free_state(mon->sys, mon->nsys, mon->src, mon->nsrc);
	mon->sys = sys;
	mon->nsys = nw;
	mon->src = src;
	mon->nsrc = ns;
	pthread_mutex_unlock(&mon->mu);
	return SK_OK;
}

int seclog_monitor_set_utc_offset(struct seclog_monitor *mon, int utc_offset_min)
{
	if (!mon || (utc_offset_min != SECLOG_TZ_STOCKHOLM &&
	             (utc_offset_min < -1439 || utc_offset_min > 1439)))
		return SK_EINVAL;
	pthread_mutex_lock(&mon->mu);
	mon->tz = utc_offset_min;
	pthread_mutex_unlock(&mon->mu);
	return SK_OK;
}

void seclog_monitor_feed(struct seclog_monitor *mon, const struct seclog_msg *msgs, size_t n,
                         uint64_t first)
{
	int64_t now = 0;

	if (!mon || !msgs)
		return;
	pthread_mutex_lock(&mon->mu);
	for (size_t i = 0; i < n; i++) {
		const struct seclog_msg *m = &msgs[i];
		struct msrc *sr = find_src(mon, m->source);
		struct seclog_event ev;
		struct msys *sy;
		int64_t t = m->recv_us;
		uint32_t seq;

		mon->st.messages++;
		if (!sr)
			continue;
		if (t == 0)
			t = now ? now : (now = sk_now_us());
		if (sr->last_us == UNSEEN || t > sr->last_us)
			sr->last_us = t;
		sr->silent_open = false;
		seq = m->sd_len ? seclog_sequence_id(m->sd, m->sd_len) : 0;
		if (seq)
			rule_sequence(mon, sr, m, seq, first + i, t);
		seclog_classify(m, &ev);
		if (ev.kind == SECLOG_EV_NONE)
			continue;
		mon->st.recognised++;
		sy = find_sys(mon, sr->s.system);
		if (!sy)
			continue;
		if (ev.kind == SECLOG_EV_LOGIN_FAILED && sy->w.fail_threshold)
			rule_failed(mon, sy, m, &ev, first + i, t);
		else if (ev.kind != SECLOG_EV_LOGIN_FAILED && sy->w.priv_accounts[0])
			rule_privileged(mon, sy, m, &ev, first + i, t);
	}
	pthread_mutex_unlock(&mon->mu);
}

void seclog_monitor_committed(void *mon, const struct seclog_msg *msgs, size_t n, uint64_t first)
{
	seclog_monitor_feed(mon, msgs, n, first);
}

void seclog_monitor_tick(struct seclog_monitor *mon, int64_t now_us)
{
	if (!mon)
		return;
	pthread_mutex_lock(&mon->mu);
	for (size_t i = 0; i < mon->nsrc; i++) {
		struct msrc *sr = &mon->src[i];

		if (sr->s.silent_s == 0)
			continue;
		if (sr->last_us == UNSEEN) { /* never heard: the silence counts from now */
			sr->last_us = now_us;
			continue;
		}
		if (sr->silent_open || now_us - sr->last_us <= (int64_t)sr->s.silent_s * US)
			continue;
		struct seclog_alert a = {
		        .kind = SECLOG_A_SILENT,
		        .system = sr->s.system,
		        .source = sr->s.source,
		        .first_us = sr->last_us,
		        .last_us = now_us,
		};
		snprintf(a.detail, sizeof(a.detail), "silent_s=%u since_s=%lld", sr->s.silent_s,
		         (long long)((now_us - sr->last_us) / US));
		sr->silent_open = true;
		raise_alert(mon, &a);
	}
	pthread_mutex_unlock(&mon->mu);
}

void seclog_monitor_integrity(struct seclog_monitor *mon, const char *problem, int64_t now_us)
{
	if (!mon)
		return;
	pthread_mutex_lock(&mon->mu);
	if (!problem) {
		mon->integrity_open = false;
	} else if (!mon->integrity_open || strcmp(mon->integrity_problem, problem) != 0) {
		struct seclog_alert a = {
		        .kind = SECLOG_A_INTEGRITY,
		        .key = "seclog.db",
		        .count = 1,
		        .first_us = now_us,
		        .last_us = now_us,
		};
		snprintf(a.detail, sizeof(a.detail), "%s", problem);
		snprintf(mon->integrity_problem, sizeof(mon->integrity_problem), "%s", problem);
		mon->integrity_open = true;
		raise_alert(mon, &a);
	}
	pthread_mutex_unlock(&mon->mu);
}

void seclog_monitor_stats(struct seclog_monitor *mon, struct seclog_monitor_stats *st)
{
	pthread_mutex_lock(&mon->mu);
	*st = mon->st;
	st->keys = st->ring_slots = 0;
	for (size_t i = 0; i < mon->nsys; i++) {
		st->keys += mon->sys[i].fails.live + mon->sys[i].priv.live;
		st->ring_slots += mon->sys[i].fails.ring_slots;
	}
	for (size_t i = 0; i < mon->nsrc; i++)
		st->keys += mon->src[i].seqs.live;
	st->systems = mon->nsys;
	st->sources = mon->nsrc;
	pthread_mutex_unlock(&mon->mu);
}

unsigned seclog_monitor_span_s(struct seclog_monitor *mon)
{
	unsigned span = SECLOG_DEDUPE_S;

	if (!mon)
		return span;
	pthread_mutex_lock(&mon->mu);
	for (size_t i = 0; i < mon->nsys; i++) {
		if (mon->sys[i].w.fail_threshold && mon->sys[i].w.fail_window_s > span)
			span = mon->sys[i].w.fail_window_s;
	}
	pthread_mutex_unlock(&mon->mu);
	return span;
}

size_t seclog_monitor_unheard(struct seclog_monitor *mon, int64_t *ids, size_t cap,
                              unsigned *longest_s)
{
	unsigned longest = 0;
	size_t n = 0;

	if (longest_s)
		*longest_s = 0;
	if (!mon)
		return 0;
	pthread_mutex_lock(&mon->mu);
	for (size_t i = 0; i < mon->nsrc; i++) {
		const struct msrc *sr = &mon->src[i];

		if (sr->s.silent_s == 0 || sr->last_us != UNSEEN)
			continue;
		if (ids && n < cap)
			ids[n] = sr->s.source;
		n++;
		if (sr->s.silent_s > longest)
			longest = sr->s.silent_s;
	}
	pthread_mutex_unlock(&mon->mu);
	if (longest_s)
		*longest_s = longest;
	return n;
}

void seclog_monitor_heard(struct seclog_monitor *mon, int64_t source, int64_t last_us)
{
	struct msrc *sr;

	if (!mon || last_us <= 0)
		return;
	pthread_mutex_lock(&mon->mu);
	sr = find_src(mon, source);
	if (sr && (sr->last_us == UNSEEN || last_us > sr->last_us))
		sr->last_us = last_us;
	pthread_mutex_unlock(&mon->mu);
}
