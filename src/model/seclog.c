/*
 * The registers' side of the security logs (src/model/seclog.h): what the
 * receiver, the monitor and the search ask skydd.db — which source a peer
 * is, whose logs a login may read, what to watch — and the alerts the
 * monitor raises, recorded in the ledger by the system. The registers
 * themselves are reg_log_{sources,monitoring,readers,alerts}.c; see
 * docs/internals/seclog.md, "Sources, readers, monitoring".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/reg_int.h"
#include "model/register.h"
#include "model/seclog.h"
#include "model/seclog_int.h"

const char *const seclog_alert_kinds[] = {"failed_logins", "privileged", "silent",
                                          "gap",           "integrity",  NULL};

/*
 * One counter for the process: the apply hooks run on the writer's thread,
 * live and in replay, without the model at hand. A reload it causes too
 * often (a rolled-back command) costs a reload, never a stale answer.
 */
static _Atomic uint64_t generation = 1;

void seclog_generation_bump(void)
{
	atomic_fetch_add(&generation, 1);
}

uint64_t model_seclog_generation(struct model *m)
{
	(void)m;
	return atomic_load(&generation);
}

/* ---- small parsers ---- */

bool seclog_addr_canon(const char *s, char *out, size_t cap)
{
	unsigned char buf[16];
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (!s || !*s || strlen(s) >= SECLOG_ADDR_MAX || cap < SECLOG_ADDR_MAX)
		return false;
	if (inet_pton(AF_INET, s, buf) == 1)
		return inet_ntop(AF_INET, buf, out, (socklen_t)cap) != NULL;
	if (inet_pton(AF_INET6, s, buf) != 1)
		return false;
	if (memcmp(buf, mapped, sizeof(mapped)) == 0) /* ::ffff:a.b.c.d is that IPv4 peer */
		return inet_ntop(AF_INET, buf + 12, out, (socklen_t)cap) != NULL;
	return inet_ntop(AF_INET6, buf, out, (socklen_t)cap) != NULL;
}

bool seclog_fp_canon(const char *s, char out[65])
{
	size_t n = 0, len = s ? strlen(s) : 0;
	bool colons = len == 95;

	if (len != 64 && !colons)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (colons && i % 3 == 2) {
			if (s[i] != ':')
				return false;
			continue;
		}
		if (!isxdigit((unsigned char)s[i]))
			return false;
		out[n++] = (char)tolower((unsigned char)s[i]);
	}
	out[n] = '\0';
	return n == 64;
}

/* "HH:MM" at s (exactly 5 bytes) as minutes, or -1; 24:00 only when end. */
static int hhmm(const char *s, bool end)
{
	int h, m;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m || !end)))
		return -1;
	return h * 60 + m;
}

bool seclog_hours_parse(const char *s, unsigned *from, unsigned *to)
{
	int a, b;

	if (!s || !*s) {
		*from = 0;
		*to = 1440;
		return true;
	}
	if (strlen(s) != 11 || s[5] != '-')
		return false;
	a = hhmm(s, false);
	b = hhmm(s + 6, true);
	if (a < 0 || b < 0 || a >= b)
		return false;
	*from = (unsigned)a;
	*to = (unsigned)b;
	return true;
}

static int day_of(const char *s, size_t n)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

	for (int i = 0; n == 3 && i < 7; i++) {
		if (strncmp(s, days[i], 3) == 0)
			return i;
	}
	return -1;
}

bool seclog_days_parse(const char *s, unsigned *bits)
{
	unsigned b = 0;

	if (!s || !*s) {
		*bits = 0x7f;
		return true;
	}
	for (const char *p = s; *p;) {
		const char *end = strchr(p, ','), *dash;
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int a, z;

		dash = memchr(p, '-', n);
		a = day_of(p, dash ? (size_t)(dash - p) : n);
		z = dash ? day_of(dash + 1, n - (size_t)(dash - p) - 1) : a;
		if (a < 0 || z < a)
			return false;
		for (int d = a; d <= z; d++)
			b |= 1u << d;
		if (!end)
			break;
		p = end + 1;
		if (!*p)
			return false; /* a trailing comma */
	}
	*bits = b;
	return b != 0;
}

static bool account_byte(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == '$' || c == '\\';
}

bool seclog_accounts_canon(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	if (!s || cap == 0)
		return false;
	out[0] = '\0';
	if (!*s)
		return true;
	for (const char *p = s;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0 || n > 64 || o + n + 2 > cap)
			return false;
		for (size_t i = 0; i < n; i++) {
			if (!account_byte((unsigned char)p[i]))
				return false;
		}
		if (o)
			out[o++] = ',';
		memcpy(out + o, p, n);
		o += n;
		out[o] = '\0';
		if (!end)
			return true;
		p = end + 1;
	}
}

/* ---- who may read a system's logs ---- */

int seclog_tx_system_class(struct store_tx *tx, int64_t system, bool *withdrawn)
{
	struct store_q *q;
	int cls = -1;

	if (withdrawn)
		*withdrawn = false;
	if (store_tx_query(tx, "SELECT max_class, status FROM info_system WHERE id = ?1", &q))
		return -1;
	store_q_bind_int(q, 1, system);
	if (store_q_step(q) == SK_OK) {
		cls = clearance_parse(store_q_text(q, 0));
		if (withdrawn)
			*withdrawn = strcmp(store_q_text(q, 1), "withdrawn") == 0;
	}
	store_q_done(q);
	return cls;
}

bool seclog_tx_may_read_system(struct store_tx *tx, const struct principal *p, int64_t system,
                               bool ssc_too)
{
	int cls = seclog_tx_system_class(tx, system, NULL);
	int64_t n = 0;

	if (!p)
		return true; /* the system itself */
	if (cls < CLEAR_BH)  /* no system (the whole log): the ssc only */
		return ssc_too && (model_tx_caller_roles(tx, p) & ROLE_BIT(ROLE_SSC));
	if (cls > (int)p->clearance)
		return false;
	if (ssc_too && (model_tx_caller_roles(tx, p) & ROLE_BIT(ROLE_SSC)))
		return true;
	if (store_tx_int(
	            tx, &n,
	            "SELECT count(*) FROM log_reader WHERE system_id = ?1 AND identity_id = ?2 "
	            "AND status = 'granted'",
	            "ii", system, p->id))
		return false;
	return n > 0;
}

int seclog_view_alerts(struct model *m, const struct principal *p, json_t *rows)
{
	struct store_reader *r;
	json_t *mine, *row;
	struct store_q *q;
	bool ssc;
	size_t i;
	int rc;

	if (!p)
		return SK_OK;
	if (!(r = model_reader(m)) || !(mine = json_object()))
		return SK_EIO;
	ssc = (p->roles & ROLE_BIT(ROLE_SSC)) != 0;
	rc = store_reader_query(
	        r,
	        "SELECT system_id FROM log_reader WHERE identity_id = ?1 AND status "
	        "= 'granted'",
	        &q);
	if (rc) {
		json_decref(mine);
		return rc;
	}
	store_q_bind_int(q, 1, p->id);
	while ((rc = store_q_step(q)) == SK_OK) {
		char k[24];

		snprintf(k, sizeof(k), "%lld", (long long)store_q_int(q, 0));
		json_object_set_new(mine, k, json_true());
	}
	store_q_done(q);
	if (rc != SK_ENOTFOUND) {
		json_decref(mine);
		return rc;
	}
	for (i = 0; i < json_array_size(rows);) {
		const char *cls;
		char k[24];
		int rank;
		bool ok;

		row = json_array_get(rows, i);
		cls = model_json_str(row, "system_class");
		rank = cls ? clearance_parse(cls) : -1;
		snprintf(k, sizeof(k), "%lld", (long long)model_json_int(row, "system_id"));
		if (rank < CLEAR_BH) /* the whole log: the ssc */
			ok = ssc;
		else
			ok = rank <= (int)p->clearance && (ssc || json_object_get(mine, k));
		if (ok)
			i++;
		else
			json_array_remove(rows, i);
	}
	json_decref(mine);
	return SK_OK;
}

/* ---- the receiver's resolver ---- */

static const struct {
	const char *name;
	unsigned bit;
} transport_bits[] = {
        {"tls", SECLOG_T_TLS}, {"relp-tls", SECLOG_T_RELP_TLS}, {"relp", SECLOG_T_RELP},
        {"tcp", SECLOG_T_TCP}, {"udp", SECLOG_T_UDP},
};

static unsigned transport_bit(const char *name)
{
	for (size_t i = 0; i < sizeof(transport_bits) / sizeof(transport_bits[0]); i++) {
		if (strcmp(name, transport_bits[i].name) == 0)
			return transport_bits[i].bit;
	}
	return 0;
}

#define SOURCE_COLS                                                                                \
	"SELECT id, system_id, " SECLOG_RETENTION_SQL ", transport, max_conns, allow_3164, "       \
	"cert_sha256, address FROM log_source WHERE status = 'active' AND "

int model_seclog_resolve(void *model, unsigned transport, const char *addr, const char *cert_sha256,
                         struct seclog_source *out)
{
	struct store_reader *r = model_reader(model);
	bool tls = transport == SECLOG_T_TLS || transport == SECLOG_T_RELP_TLS;
	char key[SECLOG_ADDR_MAX > 65 ? SECLOG_ADDR_MAX : 65];
	struct store_q *q;
	int rc;

	if (!r || !out)
		return SK_EINVAL;
	memset(out, 0, sizeof(*out));
	if (tls ? !seclog_fp_canon(cert_sha256, key) : !seclog_addr_canon(addr, key, sizeof(key)))
		return SK_ENOTFOUND;
	rc = store_reader_query(
	        r, tls ? SOURCE_COLS "cert_sha256 = ?1" : SOURCE_COLS "address = ?1", &q);
	if (rc)
		return rc;
	store_q_bind_text(q, 1, key);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		out->id = store_q_int(q, 0);
		out->system = store_q_int(q, 1);
		out->retention_years = (unsigned)store_q_int(q, 2);
		out->transports = transport_bit(store_q_text(q, 3));
		out->max_conns = (unsigned)store_q_int(q, 4);
		out->allow_3164 = store_q_int(q, 5) != 0;
		snprintf(out->cert_sha256, sizeof(out->cert_sha256), "%s", store_q_text(q, 6));
		snprintf(out->address, sizeof(out->address), "%s", store_q_text(q, 7));
	}
	store_q_done(q);
	if (rc == SK_OK && !(out->transports & transport)) {
		memset(out, 0, sizeof(*out));
		return SK_ENOTFOUND; /* bound, but not on this transport */
	}
	return rc;
}

/* ---- need-to-know of the logs ---- */

#define READABLE_SQL                                                                               \
	"SELECT s.id FROM log_source s JOIN info_system y ON y.id = s.system_id "                  \
	"WHERE " SECLOG_RANK_SQL(                                                                  \
	        "y.max_class") " <= ?2 AND EXISTS (SELECT 1 FROM log_reader lr WHERE "             \
	                       "lr.system_id = s.system_id AND lr.identity_id = ?1 AND lr.status " \
	                       "= 'granted')"

int model_seclog_readable_sources(struct model *m, const struct principal *p, int64_t **ids,
                                  size_t *n)
{
	struct store_reader *r = model_reader(m);
	size_t cap = 0;
	struct store_q *q;
	int rc;

	*ids = NULL;
	*n = 0;
	if (!r)
		return SK_EIO;
	if (!p || !p->id)
		return SK_OK;
	if ((rc = store_reader_query(r, READABLE_SQL " ORDER BY s.id", &q)))
		return rc;
	store_q_bind_int(q, 1, p->id);
	store_q_bind_int(q, 2, (int64_t)p->clearance);
	while ((rc = store_q_step(q)) == SK_OK) {
		int64_t *x = sk_array_room(*ids, &cap, *n, sizeof(**ids));

		if (!x) {
			rc = SK_ENOMEM;
			break;
		}
		*ids = x;
		(*ids)[(*n)++] = store_q_int(q, 0);
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return SK_OK;
	free(*ids);
	*ids = NULL;
	*n = 0;
	return rc;
}

json_t *model_seclog_source_label(struct model *m, int64_t source)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	json_t *out = NULL;

	if (!r ||
	    store_reader_query(r,
	                       "SELECT s.name, y.name FROM log_source s JOIN info_system y ON "
	                       "y.id = s.system_id WHERE s.id = ?1",
	                       &q))
		return NULL;
	store_q_bind_int(q, 1, source);
	if (store_q_step(q) == SK_OK)
		out = json_pack("{s:s, s:s}", "source",
		                store_q_text(q, 0) ? store_q_text(q, 0) : "", "system",
		                store_q_text(q, 1) ? store_q_text(q, 1) : "");
	store_q_done(q);
	return out;
}

int model_seclog_only_system(struct model *m, int64_t system, int64_t *ids, size_t *n)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	size_t kept = 0;
	int rc = SK_OK;

	if (!r)
		return SK_EIO;
	for (size_t i = 0; i < *n && !rc; i++) {
		rc = store_reader_query(
		        r, "SELECT 1 FROM log_source WHERE id = ?1 AND system_id = ?2", &q);
		if (rc)
			break;
		store_q_bind_int(q, 1, ids[i]);
		store_q_bind_int(q, 2, system);
		rc = store_q_step(q);
		store_q_done(q);
		if (rc == SK_OK)
			ids[kept++] = ids[i];
		rc = rc == SK_ENOTFOUND || rc == SK_OK ? SK_OK : rc;
	}
	*n = kept;
	return rc;
}

bool model_seclog_may_read(struct model *m, const struct principal *p, int64_t source)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	int rc;

	if (!r || !p || !p->id || store_reader_query(r, READABLE_SQL " AND s.id = ?3", &q))
		return false;
	store_q_bind_int(q, 1, p->id);
	store_q_bind_int(q, 2, (int64_t)p->clearance);
	store_q_bind_int(q, 3, source);
	rc = store_q_step(q);
	store_q_done(q);
	return rc == SK_OK;
}

bool model_seclog_keeper(const struct principal *p)
{
	return p && (p->roles & (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_ADMIN))) != 0;
}

bool model_seclog_page_for(struct model *m, const struct principal *p)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	int rc;

	if (model_seclog_keeper(p))
		return true;
	if (!r || !p || !p->id || store_reader_query(r, READABLE_SQL " LIMIT 1", &q))
		return false;
	store_q_bind_int(q, 1, p->id);
	store_q_bind_int(q, 2, (int64_t)p->clearance);
	rc = store_q_step(q);
	store_q_done(q);
	return rc == SK_OK;
}

/* ---- the monitor's configuration ---- */

int model_seclog_watches(struct model *m, struct seclog_watch **w, size_t *nw,
                         struct seclog_watch_source **s, size_t *ns)
{
	struct store_reader *r = model_reader(m);
	size_t cap = 0;
	struct store_q *q;
	int rc;

	*w = NULL;
	*s = NULL;
	*nw = *ns = 0;
	if (!r)
		return SK_EIO;
	rc = store_reader_query(r,
	                        "SELECT system_id, fail_threshold, fail_window_minutes, "
	                        "privileged_accounts, privileged_hours, privileged_days FROM "
	                        "log_monitoring WHERE status = 'active' ORDER BY system_id",
	                        &q);
	if (rc)
		return rc;
	while ((rc = store_q_step(q)) == SK_OK) {
		struct seclog_watch *x = sk_array_room(*w, &cap, *nw, sizeof(**w));

		if (!x) {
			rc = SK_ENOMEM;
			break;
		}
		*w = x;
		x = &(*w)[*nw];
		memset(x, 0, sizeof(*x));
		x->system = store_q_int(q, 0);
		x->fail_threshold = (unsigned)store_q_int(q, 1);
		x->fail_window_s = (unsigned)store_q_int(q, 2) * 60u;
		snprintf(x->priv_accounts, sizeof(x->priv_accounts), "%s", store_q_text(q, 3));
		/* stored values passed these parsers: a failure keeps the widest allowance */
		if (!seclog_hours_parse(store_q_text(q, 4), &x->priv_from_min, &x->priv_to_min)) {
			x->priv_from_min = 0;
			x->priv_to_min = 1440;
		}
		if (!seclog_days_parse(store_q_text(q, 5), &x->priv_days))
			x->priv_days = 0x7f;
		(*nw)++;
	}
	store_q_done(q);
	if (rc != SK_ENOTFOUND)
		goto fail;
	cap = 0;
	rc = store_reader_query(
	        r,
	        "SELECT id, system_id, silent_minutes FROM log_source WHERE status = "
	        "'active' ORDER BY id",
	        &q);
	if (rc)
		goto fail;
	while ((rc = store_q_step(q)) == SK_OK) {
		struct seclog_watch_source *x = sk_array_room(*s, &cap, *ns, sizeof(**s));

		if (!x) {
			rc = SK_ENOMEM;
			break;
		}
		*s = x;
		x = &(*s)[(*ns)++];
		x->source = store_q_int(q, 0);
		x->system = store_q_int(q, 1);
		x->silent_s = (unsigned)store_q_int(q, 2) * 60u;
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return SK_OK;
fail:
	free(*w);
	free(*s);
	*w = NULL;
	*s = NULL;
	*nw = *ns = 0;
	return rc;
}

/* ---- alerts ---- */

/* The Swedish words of an alert's kind for the incident it reports (data, read by people). */
static const char *const kind_sv[] = {"upprepade misslyckade inloggningar",
                                      "privilegierat konto använt utanför tillåten tid",
                                      "loggkälla tyst längre än förväntat", "lucka i loggen",
                                      "säkerhetsloggens integritet brast"};

struct raise {
	const struct seclog_alert *a;
	bool replayed; /* from the replay at a restart: told already if the events overlap */
	int64_t id;
};

/* The incident the routine asks for: reported by the system, linked to the system. */
static int tx_incident(struct store_tx *tx, const struct seclog_alert *a, int64_t alert,
                       int64_t *incident)
{
	const struct register_def *d = reg_find("incidents");
	const struct reg_cmd *cmd = d ? reg_cmd_find(d, "new") : NULL;
	struct model_err err = {0};
	char title[200], desc[400], day[11], today[11], t[SK_TIME_LEN + 1];
	json_t *in;
	int rc;

	if (!cmd)
		return SK_EINVAL;
	model_today(today);
	snprintf(day, sizeof(day), "%s", today);
	if (a->first_us > 0) {
		model_time(a->first_us, t);
		snprintf(day, sizeof(day), "%.10s", t);
		if (strcmp(day, today) > 0)
			snprintf(day, sizeof(day), "%s", today);
	}
	snprintf(title, sizeof(title), "Larm %lld i säkerhetsloggen: %s", (long long)alert,
	         kind_sv[a->kind - 1]);
	snprintf(desc, sizeof(desc),
	         "Larmet restes av övervakningen av säkerhetsloggen (4 kap. 30 § PMFS 2022:1), "
	         "%llu händelser. Se larm %lld.",
	         (unsigned long long)a->count, (long long)alert);
	in = json_pack("{s:s, s:s, s:s, s:s}", "title", title, "occurred_on", day, "description",
	               desc, "detected_by", "Övervakningen av säkerhetsloggen");
	if (!in)
		return SK_ENOMEM;
	if (a->system > 0)
		json_object_set_new(in, "system_ids", json_pack("[I]", (json_int_t)a->system));
	rc = reg_validate(d, cmd, in, &err);
	if (!rc)
		rc = reg_tx_exec(tx, NULL, d, cmd, in, incident);
	json_decref(in);
	return rc;
}

static int raise_fn(struct store_tx *tx, void *arg)
{
	struct raise *x = arg;
	const struct seclog_alert *a = x->a;
	char first[SK_TIME_LEN + 1] = "", last[SK_TIME_LEN + 1] = "";
	int64_t n = 0, incident = 0, want = 0;
	json_t *d;
	int rc;

	if (a->system > 0 && seclog_tx_system_class(tx, a->system, NULL) < 0)
		return store_tx_failr(tx, SK_ENOTFOUND, "system_id", "record.ref_missing", NULL,
		                      "no system %lld", (long long)a->system);
	rc = store_tx_int(
	        tx, &n,
	        "SELECT count(*) FROM log_alert WHERE status = 'open' AND kind = ?1 AND "
	        "coalesce(system_id, 0) = ?2 AND coalesce(source_id, 0) = ?3 AND key = ?4",
	        "tiit", seclog_alert_kinds[a->kind - 1], a->system, a->source, a->key);
	if (rc)
		return rc;
	if (n)
		return SK_EEXIST; /* open already: not raised again */
	if (a->kind == SECLOG_A_SILENT && a->first_us > 0) {
		/*
		 * A silence is known by its start, the source's last message: one
		 * that was told, open or handled, is not told again when a restart
		 * makes a fresh monitor find it once more.
		 */
		model_time(a->first_us, first);
		rc = store_tx_int(tx, &n,
		                  "SELECT count(*) FROM log_alert WHERE kind = 'silent' AND "
		                  "coalesce(source_id, 0) = ?1 AND first_at = ?2",
		                  "it", a->source, first);
		if (rc)
			return rc;
		if (n)
			return SK_EEXIST;
	}
	if (x->replayed) {
		rc = store_tx_int(tx, &n,
		                  "SELECT count(*) FROM log_alert WHERE kind = ?1 AND "
		                  "coalesce(system_id, 0) = ?2 AND coalesce(source_id, 0) = ?3 AND "
		                  "key = ?4 AND last_idx >= ?5",
		                  "tiiti", seclog_alert_kinds[a->kind - 1], a->system, a->source,
		                  a->key, (int64_t)a->first_idx);
		if (rc)
			return rc;
		if (n)
			return SK_EEXIST; /* recorded before the stop, open or handled */
	}
	if ((rc = store_tx_int(tx, &x->id, "SELECT coalesce(max(id), 0) + 1 FROM log_alert", "")))
		return rc;
	if (a->system > 0) {
		rc = store_tx_int(tx, &want,
		                  "SELECT coalesce(max(incident_on_alert), 0) FROM log_monitoring "
		                  "WHERE system_id = ?1 AND status = 'active'",
		                  "i", a->system);
		if (rc && rc != SK_ENOTFOUND)
			return rc;
	}
	if (want && (rc = tx_incident(tx, a, x->id, &incident)))
		return rc;
	if (a->first_us > 0)
		model_time(a->first_us, first);
	if (a->last_us > 0)
		model_time(a->last_us, last);
	d = json_pack("{s:I, s:s, s:I, s:I, s:s, s:s, s:I, s:I, s:s, s:s}", "id", (json_int_t)x->id,
	              "kind", seclog_alert_kinds[a->kind - 1], "count", (json_int_t)a->count,
	              "first_idx", (json_int_t)a->first_idx, "first_at", first, "last_at", last,
	              "last_idx", (json_int_t)a->last_idx, "system_id", (json_int_t)a->system,
	              "key", a->key, "detail", a->detail);
	if (!d)
		return SK_ENOMEM;
	json_object_set_new(d, "system_id", a->system > 0 ? json_integer(a->system) : json_null());
	json_object_set_new(d, "source_id", a->source > 0 ? json_integer(a->source) : json_null());
	json_object_set_new(d, "incident_id", incident ? json_integer(incident) : json_null());
	return model_tx_log(tx, 0, "log_alert.raised", "log_alert", x->id, d);
}

static int alert_raise(struct model *m, const struct seclog_alert *a, bool replayed)
{
	struct raise x = {.a = a, .replayed = replayed};
	char key[SECLOG_KEY_MAX], detail[SECLOG_DETAIL_MAX];
	struct seclog_alert c;

	if (!m || !a || a->kind < SECLOG_A_FAILED_LOGINS || a->kind > SECLOG_A_INTEGRITY)
		return SK_EINVAL;
	/* the monitor's strings come from the senders' messages: bounded and valid text only */
	c = *a;
	snprintf(key, sizeof(key), "%s", a->key);
	snprintf(detail, sizeof(detail), "%s", a->detail);
	if (!model_text_ok(key, 0))
		snprintf(key, sizeof(key), "?");
	if (!model_text_ok(detail, 0))
		snprintf(detail, sizeof(detail), "?");
	memcpy(c.key, key, sizeof(c.key));
	memcpy(c.detail, detail, sizeof(c.detail));
	x.a = &c;
	return model_submit(m, raise_fn, &x, NULL);
}

int model_seclog_alert_raise(struct model *m, const struct seclog_alert *a)
{
	return alert_raise(m, a, false);
}

int model_seclog_alert_raise_replayed(struct model *m, const struct seclog_alert *a)
{
	return alert_raise(m, a, true);
}

void model_seclog_on_alert(void *model, const struct seclog_alert *a)
{
	int rc = model_seclog_alert_raise(model, a);

	if (rc && rc != SK_EEXIST)
		fprintf(stderr, "skydd: seclog: an alert could not be recorded: %s\n",
		        sk_strerror(rc));
}
