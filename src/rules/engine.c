/*
 * The engine: runs the rule table's queries, renders findings (with the
 * exemptions that cover them and labels the viewer may see), keeps the
 * server's findings per rule and refreshes only the rules whose tables the
 * newest ledger entries touched, takes the daily snapshot, and writes the
 * traceability document.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/incident.h"
#include "model/ledger_view.h"
#include "model/model.h"
#include "rules/rules.h"

#define MAX_RULES 128

/* ---- one rule's raw findings ---- */

/* Runs r's query; appends [object_type, id, label, class, since, due, document_id] rows. */
static int run_rule(struct store_reader *rd, const struct rule *ru, const char *today, json_t *out)
{
	struct store_q *q;
	int rc = store_reader_query(rd, ru->sql, &q);

	if (rc)
		return rc;
	store_q_bind_text(q, 1, today);
	while ((rc = store_q_step(q)) == SK_OK) {
		json_t *row = json_pack("[s, I, s, s?, s?, s?, o]", store_q_text(q, 0),
		                        (json_int_t)store_q_int(q, 1), store_q_text(q, 2),
		                        store_q_is_null(q, 3) ? NULL : store_q_text(q, 3),
		                        store_q_is_null(q, 4) ? NULL : store_q_text(q, 4),
		                        store_q_is_null(q, 5) ? NULL : store_q_text(q, 5),
		                        store_q_is_null(q, 6) ? json_null()
		                                              : json_integer(store_q_int(q, 6)));

		if (!row || json_array_append_new(out, row)) {
			rc = SK_ENOMEM;
			break;
		}
	}
	store_q_done(q);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
}

/* ---- exemptions in force ---- */

struct exm {
	int64_t id;
	char *reference, *granted_by, *valid_until, *rules, *objects;
};

struct exms {
	struct exm *v;
	size_t n;
};

static void exms_free(struct exms *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->v[i].reference);
		free(x->v[i].granted_by);
		free(x->v[i].valid_until);
		free(x->v[i].rules);
		free(x->v[i].objects);
	}
	free(x->v);
	x->v = NULL;
	x->n = 0;
}

static void exms_load(struct store_reader *rd, const char *today, struct exms *x)
{
	struct store_q *q;

	x->v = NULL;
	x->n = 0;
	/* An instance not yet migrated has no exemption table: nothing covers. */
	if (store_reader_query(rd,
	                       "SELECT id, reference, granted_by, valid_until, scope_rules, "
	                       "scope_objects FROM exemption WHERE revoked_at IS NULL AND "
	                       "valid_until >= ?1 ORDER BY id",
	                       &q))
		return;
	store_q_bind_text(q, 1, today);
	while (store_q_step(q) == SK_OK) {
		struct exm *v = realloc(x->v, (x->n + 1) * sizeof(*v));

		if (!v)
			break;
		x->v = v;
		v[x->n].id = store_q_int(q, 0);
		v[x->n].reference = strdup(store_q_text(q, 1));
		v[x->n].granted_by = strdup(store_q_text(q, 2));
		v[x->n].valid_until = strdup(store_q_text(q, 3));
		v[x->n].rules = strdup(store_q_text(q, 4));
		v[x->n].objects = strdup(store_q_text(q, 5));
		x->n++;
	}
	store_q_done(q);
}

/* Is word a space-separated token of list? */
static bool has_token(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (!list)
		return false;
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, " ");

		if (k == n && memcmp(p, word, n) == 0)
			return true;
		p += k;
		p += *p == ' ';
	}
	return false;
}

static const struct exm *covering(const struct exms *x, const char *rule, const char *object)
{
	for (size_t i = 0; i < x->n; i++) {
		if (!x->v[i].rules || !has_token(x->v[i].rules, rule))
			continue;
		if (!x->v[i].objects || !x->v[i].objects[0] || has_token(x->v[i].objects, object))
			return &x->v[i];
	}
	return NULL;
}

/* ---- rendering ---- */

static int class_rank(const char *c)
{
	int k = c ? clearance_parse(c) : -1;

	return k < 0 ? 0 : k;
}

/* The template with its "%s" replaced by label. */
static char *message(const char *tmpl, const char *label)
{
	struct buf b;
	const char *p = strstr(tmpl, "%s");

	buf_init(&b, 4096);
	if (p) {
		buf_append(&b, tmpl, (size_t)(p - tmpl));
		buf_puts(&b, label);
		buf_puts(&b, p + 2);
	} else {
		buf_puts(&b, tmpl);
	}
	return buf_detach(&b, NULL);
}

/* ---- need-to-know: which objects the reader may not see ---- */

/* Appends "type/id" to objs once (seen: the set so far). */
static void object_add(json_t *objs, json_t *seen, const char *type, json_int_t id)
{
	char ref[96];

	snprintf(ref, sizeof(ref), "%.40s/%lld", type ? type : "", (long long)id);
	if (json_object_get(seen, ref))
		return;
	json_object_set_new(seen, ref, json_true());
	json_array_append_new(objs, json_string(ref));
}

/*
 * The set ("type/id" → true) of objs that viewer may not see, by
 * ledger_view's rule, in one statement. On any failure every object is in it
 * (fail closed); NULL only when there is nothing to hide from (no viewer).
 */
static json_t *unseen_of(struct store_reader *rd, const struct principal *viewer,
                         const json_t *objs)
{
	size_t n = json_array_size(objs), i;
	bool *vis;
	json_t *out;

	if (!viewer)
		return NULL;
	out = json_object();
	/* the objects are rows just read: who sees everything needs no statement */
	if (ledger_view_sees_everything(viewer))
		return out;
	vis = n ? calloc(n, sizeof(*vis)) : NULL;
	/* on a store error it leaves every vis[i] false */
	if (vis)
		ledger_view_objects_visible(rd, viewer, objs, vis);
	for (i = 0; i < n; i++) {
		if (!vis || !vis[i])
			json_object_set_new(out, json_string_value(json_array_get(objs, i)),
			                    json_true());
	}
	free(vis);
	return out;
}

/* The objects of raw rule rows ([type, id, ...]), appended to objs. */
static void rows_objects(const json_t *rows, json_t *objs, json_t *seen)
{
	const json_t *row;
	size_t i;

	json_array_foreach(rows, i, row)
	{
		object_add(objs, seen, json_string_value(json_array_get(row, 0)),
		           json_integer_value(json_array_get(row, 1)));
	}
}

/* Is object in the hidden set? Without a set (no viewer) nothing is; an OOM set hides all. */
static bool is_unseen(const json_t *hidden, bool viewer, const char *object)
{
	if (!viewer)
		return false;
	return !hidden || json_object_get(hidden, object) != NULL;
}

static bool rule_selected(const struct rule *ru, const struct rules_filter *f)
{
	if (!f)
		return true;
	if (f->rule && strcmp(f->rule, ru->id) != 0)
		return false;
	if (f->chapter && f->chapter != ru->chapter)
		return false;
	if (f->section && f->section != ru->section)
		return false;
	if (f->min_severity >= 0 && (f->only_severity ? (int)ru->severity != f->min_severity
	                                              : (int)ru->severity < f->min_severity))
		return false;
	return true;
}

/*
 * Appends the rendered findings of rule ru from its raw rows. hidden: the
 * objects f->viewer may not see (unseen_of): their findings say what rule
 * found something and where in PMFS, not what about.
 */
static void render(const struct rule *ru, const json_t *rows, const struct exms *x,
                   const struct rules_filter *f, const json_t *hidden, json_t *out)
{
	char ref[48], object[96];
	size_t i;
	json_t *row;

	rules_ref(ru, ref, sizeof(ref));
	json_array_foreach(rows, i, row)
	{
		const char *type = json_string_value(json_array_get(row, 0));
		json_int_t id = json_integer_value(json_array_get(row, 1));
		const char *label = json_string_value(json_array_get(row, 2));
		const char *cls = json_string_value(json_array_get(row, 3));
		const struct exm *e;
		char *sv, *en;
		json_t *o, *obj;

		snprintf(object, sizeof(object), "%s/%lld", type, (long long)id);
		if (f && f->object && strcmp(f->object, object) != 0)
			continue;
		e = covering(x, ru->id, object);
		if (f && f->open_only && e)
			continue;
		if (is_unseen(hidden, f && f->viewer, object)) {
			/* need-to-know: no label, class or document; the rule's title */
			sv = strdup(ru->title_sv);
			en = strdup(ru->title_en);
			obj = json_pack("{s:s, s:I, s:b}", "type", type, "id", id, "hidden", true);
		} else {
			/* A classified object's label only for those cleared for its class. */
			if (cls && f && class_rank(cls) > f->clearance)
				label = object;
			sv = message(ru->msg_sv, label);
			en = message(ru->msg_en, label);
			obj = json_pack("{s:s, s:I, s:s, s:s?, s:O}", "type", type, "id", id,
			                "label", label, "class", cls, "document_id",
			                json_array_get(row, 6));
		}
		o = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:o, s:{s:s, s:s}, s:O, s:O, s:s}",
		              "rule", ru->id, "source", ru->source, "ref", ref, "chapter",
		              ru->chapter, "section", ru->section, "severity",
		              rules_severity_name(ru->severity), "object", obj, "message", "sv",
		              sv ? sv : "", "en", en ? en : "", "since", json_array_get(row, 4),
		              "due", json_array_get(row, 5), "status", e ? "covered" : "open");
		free(sv);
		free(en);
		if (o && e)
			json_object_set_new(o, "exemption",
			                    json_pack("{s:I, s:s, s:s, s:s}", "id",
			                              (json_int_t)e->id, "reference", e->reference,
			                              "granted_by", e->granted_by, "valid_until",
			                              e->valid_until));
		if (o)
			json_array_append_new(out, o);
	}
}

static json_t *result(const char *today, json_t *findings, json_t *errors)
{
	char now[SK_TIME_LEN + 1];
	size_t open = 0, covered = 0, high = 0, i;
	json_t *v;

	model_time(sk_now_us(), now);
	json_array_foreach(findings, i, v)
	{
		bool cov = strcmp(json_string_value(json_object_get(v, "status")), "covered") == 0;

		covered += cov;
		open += !cov;
		high += !cov &&
		        strcmp(json_string_value(json_object_get(v, "severity")), "high") == 0;
	}
	return json_pack("{s:s, s:s, s:o, s:o, s:{s:I, s:I, s:I}}", "evaluated_at", now, "today",
	                 today, "findings", findings, "errors", errors, "counts", "open",
	                 (json_int_t)open, "covered", (json_int_t)covered, "open_high",
	                 (json_int_t)high);
}

json_t *rules_evaluate(struct store_reader *rd, const char *today, const struct rules_filter *f)
{
	json_t *findings = json_array(), *errors = json_array();
	struct exms x;
	size_t n;
	const struct rule *t = rules_table(&n);
	json_t **rows = calloc(n ? n : 1, sizeof(*rows)), *objs = json_array(),
	       *seen = json_object(), *hidden;
	bool began = store_reader_begin(rd) == SK_OK;

	exms_load(rd, today, &x);
	for (size_t i = 0; i < n && rows; i++) {
		int rc;

		if (!rule_selected(&t[i], f))
			continue;
		rows[i] = json_array();
		rc = run_rule(rd, &t[i], today, rows[i]);
		if (rc) {
			json_array_append_new(errors, json_pack("{s:s, s:s}", "rule", t[i].id,
			                                        "error", sk_strerror(rc)));
			json_decref(rows[i]);
			rows[i] = NULL;
			continue;
		}
		if (f && f->viewer)
			rows_objects(rows[i], objs, seen);
	}
	if (!rows)
		json_array_append_new(errors, json_pack("{s:s, s:s}", "rule", "*", "error",
		                                        sk_strerror(SK_ENOMEM)));
	hidden = unseen_of(rd, f ? f->viewer : NULL, objs);
	for (size_t i = 0; i < n && rows; i++) {
		if (rows[i])
			render(&t[i], rows[i], &x, f, hidden, findings);
		json_decref(rows[i]);
	}
	free(rows);
	json_decref(hidden);
	json_decref(objs);
	json_decref(seen);
	exms_free(&x);
	if (began)
		store_reader_end(rd);
	return result(today, findings, errors);
}

/* ---- the server's cache ---- */

/* The tables each kind of entry may change (by prefix); unknown kinds: all. */
static const struct {
	const char *prefix, *tables;
} kind_tables[] = {
        {"person.", "person"},
        {"space.", "space"},
        {"system.", "info_system"},
        {"distributor.", "distributor"},
        {"medium.", "medium destruction inventory_item lost_case"},
        {"document.", "document document_access copy receipt shipment reclassification decision "
                      "kh_recipient disclosure destruction"},
        {"copy.", "copy receipt shipment destruction decision"},
        {"receipt.", "receipt copy"},
        {"shipment.", "shipment copy"},
        {"decision.", "decision reclassification kh_recipient disclosure copy document"},
        {"inventory.", "inventory inventory_item copy medium lost_case"},
        {"lost.", "lost_case copy medium"},
        {"identity.", "identity credential"},
        {"grant.", "role_grant grant_review"},
        {"token.", "service_token"},
        {"exemption.", "exemption"},
        {"incident.", "incident incident_link incident_measure"},
        {"deviation.", "deviation"},
        {"session.", "session credential"},
        {"auth.", ""},
        {"privilege.", ""},
        {"ledger.", ""},
        {"setting.", "register_setting"},
        {"plan.", ""},
        {"analysis.", "analysis"},
        {"secplan.", "secplan"},
        {"assessment.", "assessment"},
        {"export.", ""},
};

/* Adds the tables kind changes to *set (space-separated); returns false for an unknown kind. */
static bool tables_of_kind(const char *kind, struct buf *set)
{
	for (size_t i = 0; i < sizeof(kind_tables) / sizeof(kind_tables[0]); i++) {
		size_t n = strlen(kind_tables[i].prefix);

		if (strncmp(kind, kind_tables[i].prefix, n) == 0) {
			buf_putc(set, ' ');
			buf_puts(set, kind_tables[i].tables);
			return true;
		}
	}
	return false;
}

static bool rule_reads_any(const struct rule *ru, const char *set)
{
	for (const char *p = ru->tables; *p;) {
		size_t k = strcspn(p, " ");
		char word[64];

		if (k > 0 && k < sizeof(word)) {
			memcpy(word, p, k);
			word[k] = '\0';
			if (has_token(set, word))
				return true;
		}
		p += k;
		p += *p == ' ';
	}
	return false;
}

static struct {
	pthread_mutex_t mu;
	char instance[300]; /* the verifier key: which instance the cache is of */
	uint64_t size;      /* ledger size evaluated */
	char day[11];
	bool marked; /* rule_mark changed since */
	json_t *rows[MAX_RULES];
	unsigned last_evaluated;
	unsigned last_by_document; /* of which for the touched documents only */
	char snapshot_day[11];
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

void rules_cache_reset(void)
{
	pthread_mutex_lock(&cache.mu);
	for (size_t i = 0; i < MAX_RULES; i++) {
		json_decref(cache.rows[i]);
		cache.rows[i] = NULL;
	}
	cache.instance[0] = '\0';
	cache.size = 0;
	cache.day[0] = '\0';
	cache.snapshot_day[0] = '\0';
	pthread_mutex_unlock(&cache.mu);
}

unsigned rules_last_evaluated(void)
{
	return cache.last_evaluated;
}

unsigned rules_last_by_document(void)
{
	return cache.last_by_document;
}

/* The kinds whose entries are about one document (object "document/ID"). */
static bool document_kind(const char *kind)
{
	static const char *const k[] = {"document.", "copy.", "receipt.", "shipment.", "decision."};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (strncmp(kind, k[i], strlen(k[i])) == 0)
			return true;
	}
	return false;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* What the entries since the last evaluation touched. */
struct changes {
	char *tables;  /* space-separated tables, or NULL: evaluate everything */
	int64_t *docs; /* sorted document ids, when every entry was about a document */
	size_t ndocs;
	bool by_document; /* docs is the whole change */
};

static void changes_free(struct changes *c)
{
	free(c->tables);
	free(c->docs);
	memset(c, 0, sizeof(*c));
}

static void changes_read(struct store_reader *rd, uint64_t from, uint64_t to, struct changes *c)
{
	struct store_q *q;
	struct buf set;
	bool all = false;
	size_t cap = 0;

	memset(c, 0, sizeof(*c));
	if (to - from > 100000 ||
	    store_reader_query(rd, "SELECT kind, object FROM ledger WHERE seq > ?1 AND seq <= ?2",
	                       &q))
		return;
	buf_init(&set, 1 << 16);
	c->by_document = true;
	store_q_bind_int(q, 1, (int64_t)from);
	store_q_bind_int(q, 2, (int64_t)to);
	while (!all && store_q_step(q) == SK_OK) {
		const char *kind = store_q_text(q, 0), *object = store_q_text(q, 1);
		char *end;
		long long id;

		all = !tables_of_kind(kind, &set);
		if (!c->by_document)
			continue;
		if (!document_kind(kind) || strncmp(object, "document/", 9) != 0) {
			c->by_document = false;
			continue;
		}
		id = strtoll(object + 9, &end, 10);
		if (*end || id < 1) {
			c->by_document = false;
			continue;
		}
		if (c->ndocs == cap) {
			int64_t *v = realloc(c->docs, (cap ? cap * 2 : 64) * sizeof(*v));

			if (!v) {
				c->by_document = false;
				continue;
			}
			c->docs = v;
			cap = cap ? cap * 2 : 64;
		}
		c->docs[c->ndocs++] = id;
	}
	store_q_done(q);
	buf_putc(&set, ' ');
	if (all || set.err) {
		buf_release(&set);
		free(c->docs);
		memset(c, 0, sizeof(*c));
		return;
	}
	c->tables = buf_detach(&set, NULL);
	if (c->by_document && c->ndocs)
		qsort(c->docs, c->ndocs, sizeof(*c->docs), cmp_id);
	else
		c->by_document = false;
}

/*
 * A rule whose every finding names its document (the query's last column)
 * can be re-run for a few documents: its query restricted to them. The
 * texts are made once and kept (the store's statement cache keeps pointers).
 */
static bool document_scoped(const struct rule *ru)
{
	return has_token(ru->tables, "document");
}

static const char *restricted_sql(size_t i, const struct rule *ru)
{
	static char *sql[MAX_RULES];
	struct buf b;

	if (sql[i])
		return sql[i];
	buf_init(&b, 1 << 16);
	buf_printf(&b,
	           "WITH r(object_type, object_id, label, class, since, due, document_id) AS (%s) "
	           "SELECT * FROM r WHERE document_id IN (SELECT value FROM json_each(?2))",
	           ru->sql);
	sql[i] = buf_detach(&b, NULL);
	return sql[i];
}

/* Re-runs rule i for the documents in c: its rows about them are replaced. */
static int run_rule_for(struct store_reader *rd, size_t i, const struct rule *ru, const char *today,
                        const struct changes *c, json_t *rows)
{
	json_t *keep = json_array(), *row, *ids = json_array();
	struct store_q *q;
	const char *sql = restricted_sql(i, ru);
	char *list;
	size_t k;
	int rc;

	if (!sql)
		return SK_ENOMEM;
	json_array_foreach(rows, k, row)
	{
		int64_t d = json_integer_value(json_array_get(row, 6));

		if (!bsearch(&d, c->docs, c->ndocs, sizeof(*c->docs), cmp_id))
			json_array_append(keep, row);
	}
	for (k = 0; k < c->ndocs; k++) {
		if (k == 0 || c->docs[k] != c->docs[k - 1])
			json_array_append_new(ids, json_integer(c->docs[k]));
	}
	list = json_dumps(ids, JSON_COMPACT);
	json_decref(ids);
	rc = list ? store_reader_query(rd, sql, &q) : SK_ENOMEM;
	if (!rc) {
		store_q_bind_text(q, 1, today);
		store_q_bind_text(q, 2, list);
		while ((rc = store_q_step(q)) == SK_OK) {
			json_t *r =
			        json_pack("[s, I, s, s?, s?, s?, o]", store_q_text(q, 0),
			                  (json_int_t)store_q_int(q, 1), store_q_text(q, 2),
			                  store_q_is_null(q, 3) ? NULL : store_q_text(q, 3),
			                  store_q_is_null(q, 4) ? NULL : store_q_text(q, 4),
			                  store_q_is_null(q, 5) ? NULL : store_q_text(q, 5),
			                  store_q_is_null(q, 6) ? json_null()
			                                        : json_integer(store_q_int(q, 6)));

			if (!r || json_array_append_new(keep, r)) {
				rc = SK_ENOMEM;
				break;
			}
		}
		store_q_done(q);
		rc = rc == SK_ENOTFOUND ? SK_OK : rc;
	}
	free(list);
	if (!rc)
		json_array_clear(rows), json_array_extend(rows, keep);
	json_decref(keep);
	return rc;
}

struct snap_cmd {
	const char *day;
	json_t *findings;
};

static int snapshot_fn(struct store_tx *tx, void *arg)
{
	struct snap_cmd *c = arg;
	int counts[9][3][2] = {{{0}}};
	size_t i;
	json_t *v;
	int rc = SK_OK;

	json_array_foreach(c->findings, i, v)
	{
		int ch = (int)json_integer_value(json_object_get(v, "chapter"));
		int sev = rules_severity_parse(json_string_value(json_object_get(v, "severity")));
		bool cov = strcmp(json_string_value(json_object_get(v, "status")), "covered") == 0;

		if (ch >= 1 && ch <= 8 && sev >= 0)
			counts[ch][sev][cov]++;
	}
	for (int ch = 1; ch <= 8 && !rc; ch++) {
		for (int s = 0; s < 3 && !rc; s++)
			rc = store_tx_run(
			        tx,
			        "INSERT OR REPLACE INTO rule_snapshot (day, chapter, severity, "
			        "open, covered) VALUES (?1, ?2, ?3, ?4, ?5)",
			        "titii", c->day, (int64_t)ch,
			        rules_severity_name((enum rule_severity)s),
			        (int64_t)counts[ch][s][0], (int64_t)counts[ch][s][1]);
	}
	return rc;
}

json_t *rules_current(struct model *m, const struct rules_filter *f)
{
	struct store_reader *rd = model_reader(m);
	const char *inst = store_verifier_key(model_store(m));
	size_t n;
	const struct rule *t = rules_table(&n);
	json_t *findings, *errors;
	struct changes ch = {0};
	char today[11], *changed = NULL;
	uint64_t size = 0;
	struct exms x;
	json_t *hidden = NULL, *rows[MAX_RULES] = {NULL};
	bool full, snap;

	if (!rd)
		return NULL;
	model_today(today);
	pthread_mutex_lock(&cache.mu);
	if (store_reader_begin(rd) != SK_OK) {
		pthread_mutex_unlock(&cache.mu);
		return NULL;
	}
	store_reader_size(rd, &size);
	full = strcmp(cache.instance, inst ? inst : "") != 0 || strcmp(cache.day, today) != 0 ||
	       size < cache.size;
	if (!full && size > cache.size) {
		changes_read(rd, cache.size, size, &ch);
		changed = ch.tables;
		ch.tables = NULL;
		full = !changed;
	}
	if (!full && cache.marked) {
		char *c2 = malloc((changed ? strlen(changed) : 0) + 16);

		if (c2)
			snprintf(c2, (changed ? strlen(changed) : 0) + 16, "%s rule_mark ",
			         changed ? changed : "");
		free(changed);
		changed = c2;
		full = !changed;
	}
	cache.last_evaluated = 0;
	cache.last_by_document = 0;
	errors = json_array();
	for (size_t i = 0; i < n && i < MAX_RULES; i++) {
		int rc;

		if (!full && cache.rows[i] && (!changed || !rule_reads_any(&t[i], changed)))
			continue;
		cache.last_evaluated++;
		if (!full && cache.rows[i] && ch.by_document && document_scoped(&t[i]) &&
		    !rule_reads_any(&t[i], " rule_mark ")) {
			/* only the documents the new entries were about */
			rc = run_rule_for(rd, i, &t[i], today, &ch, cache.rows[i]);
			cache.last_by_document++;
		} else {
			json_decref(cache.rows[i]);
			cache.rows[i] = json_array();
			rc = run_rule(rd, &t[i], today, cache.rows[i]);
		}
		if (rc) {
			json_array_append_new(errors, json_pack("{s:s, s:s}", "rule", t[i].id,
			                                        "error", sk_strerror(rc)));
			json_decref(cache.rows[i]);
			cache.rows[i] = NULL; /* try again next time */
		}
	}
	free(changed);
	changes_free(&ch);
	snprintf(cache.instance, sizeof(cache.instance), "%s", inst ? inst : "");
	snprintf(cache.day, sizeof(cache.day), "%s", today);
	cache.size = size;
	cache.marked = false;
	/*
	 * The rest works on copies of the rows (a row is never changed once made;
	 * run_rule_for replaces rows in the cache's arrays, so the arrays are
	 * copied), so that the visibility query, the rendering and the snapshot's
	 * write run outside the lock and do not serialise the other callers.
	 */
	for (size_t i = 0; i < n && i < MAX_RULES; i++)
		rows[i] = cache.rows[i] ? json_copy(cache.rows[i]) : NULL;
	/* one caller takes the day's snapshot (the snapshot counts every finding) */
	snap = strcmp(cache.snapshot_day, today) != 0;
	if (snap)
		snprintf(cache.snapshot_day, sizeof(cache.snapshot_day), "%s", today);
	pthread_mutex_unlock(&cache.mu);

	/* still the reader's snapshot the rows came from */
	exms_load(rd, today, &x);
	if (f && f->viewer) {
		/* decided in the same snapshot as the rows */
		json_t *objs = json_array(), *seen = json_object();

		for (size_t i = 0; i < n && i < MAX_RULES; i++) {
			if (rows[i] && rule_selected(&t[i], f))
				rows_objects(rows[i], objs, seen);
		}
		hidden = unseen_of(rd, f->viewer, objs);
		json_decref(objs);
		json_decref(seen);
	}
	store_reader_end(rd);

	findings = json_array();
	{
		json_t *all = snap ? json_array() : NULL;
		struct rules_filter everything = {.min_severity = -1, .clearance = CLEAR_KH};

		for (size_t i = 0; i < n && i < MAX_RULES; i++) {
			if (!rows[i])
				continue;
			if (rule_selected(&t[i], f))
				render(&t[i], rows[i], &x, f, hidden, findings);
			if (all)
				render(&t[i], rows[i], &x, &everything, NULL, all);
			json_decref(rows[i]);
		}
		if (all) {
			struct snap_cmd sc = {today, all};
			struct store_cmd c;

			store_cmd_init(&c, snapshot_fn, &sc);
			if (store_submit(model_store(m), &c) != SK_OK) {
				/* the next caller tries again */
				pthread_mutex_lock(&cache.mu);
				if (strcmp(cache.snapshot_day, today) == 0)
					cache.snapshot_day[0] = '\0';
				pthread_mutex_unlock(&cache.mu);
			}
			json_decref(all);
		}
	}
	exms_free(&x);
	json_decref(hidden);
	return result(today, findings, errors);
}

json_t *rules_finding(struct model *m, const char *rule, const char *object,
                      const struct principal *viewer)
{
	struct rules_filter f = {.min_severity = -1, .clearance = CLEAR_KH};
	json_t *res, *fnd;

	if (!rule || !object)
		return NULL;
	f.rule = rule;
	f.object = object;
	f.clearance = viewer ? (int)viewer->clearance : CLEAR_KH;
	f.viewer = viewer; /* a hidden finding gives its rule's title, not its object */
	res = rules_current(m, &f);
	fnd = json_incref(json_array_get(json_object_get(res, "findings"), 0));
	json_decref(res);
	return fnd;
}

int rules_sync_deviations(struct model *m, unsigned *resolved)
{
	struct rules_filter f = {.min_severity = -1, .clearance = CLEAR_KH};
	json_t *res;
	int rc;

	if (resolved)
		*resolved = 0;
	if (!deviation_sync_due(m))
		return SK_OK;
	res = rules_current(m, &f);
	rc = deviation_sync(m, res, resolved);
	json_decref(res);
	return rc;
}

/* ---- marks ---- */

static int mark_fn(struct store_tx *tx, void *arg)
{
	char now[SK_TIME_LEN + 1];

	model_time(store_tx_now(tx), now);
	return store_tx_run(tx, "INSERT OR REPLACE INTO rule_mark (name, at) VALUES (?1, ?2)", "tt",
	                    (const char *)arg, now);
}

int rules_mark(struct model *m, const char *name)
{
	struct store_cmd c;
	int rc;

	store_cmd_init(&c, mark_fn, (void *)(uintptr_t)name);
	rc = store_submit(model_store(m), &c);
	if (!rc) {
		pthread_mutex_lock(&cache.mu);
		cache.marked = true;
		pthread_mutex_unlock(&cache.mu);
	}
	return rc;
}

/* ---- deadlines ---- */

static int by_due(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;

	return strcmp(json_string_value(json_object_get(x, "due")),
	              json_string_value(json_object_get(y, "due")));
}

/*
 * The document a deadline's object belongs to, so Kommande links it to the document's page
 * (a copy, its receipt or its shipment has no page of its own); 0 for other objects.
 */
static int64_t deadline_document(struct store_reader *rd, const char *type, int64_t id)
{
	static const struct {
		const char *type, *sql;
	} of[] = {
	        {"document", "SELECT id FROM document WHERE id = ?1"},
	        {"copy", "SELECT document_id FROM copy WHERE id = ?1"},
	        {"receipt", "SELECT c.document_id FROM receipt r JOIN copy c ON c.id = r.copy_id "
	                    "WHERE r.id = ?1"},
	        {"shipment", "SELECT c.document_id FROM shipment s JOIN copy c ON c.id = s.copy_id "
	                     "WHERE s.id = ?1"},
	};
	struct store_q *q;
	int64_t doc = 0;

	for (size_t i = 0; i < sizeof(of) / sizeof(of[0]); i++) {
		if (strcmp(type, of[i].type) != 0)
			continue;
		if (store_reader_query(rd, of[i].sql, &q))
			return 0;
		store_q_bind_int(q, 1, id);
		if (store_q_step(q) == SK_OK && !store_q_is_null(q, 0))
			doc = store_q_int(q, 0);
		store_q_done(q);
		break;
	}
	return doc;
}

/* A readable name for objects whose query has none of its own (the ledger). */
static const char *deadline_label(const char *type, const char *label)
{
	if (strcmp(type, "ledger") == 0)
		return "Säkerhetsloggen";
	return label;
}

json_t *rules_deadlines(struct store_reader *rd, const char *today, int days, int64_t owner_only,
                        const struct principal *viewer)
{
	json_t *objs = json_array(), *seen = json_object(), *hidden, *e;
	size_t n, count = 0, k;
	const struct rules_deadline_query *d = rules_deadline_queries(&n);
	json_t *out = json_array(), **v = NULL;
	char until[11];
	struct store_q *q;
	bool began = store_reader_begin(rd) == SK_OK;

	/* today + days, by SQLite's calendar */
	snprintf(until, sizeof(until), "%s", today);
	if (!store_reader_query(rd, "SELECT date(?1, '+' || ?2 || ' days')", &q)) {
		store_q_bind_text(q, 1, today);
		store_q_bind_int(q, 2, days);
		if (store_q_step(q) == SK_OK)
			snprintf(until, sizeof(until), "%s", store_q_text(q, 0));
		store_q_done(q);
	}
	for (size_t i = 0; i < n; i++) {
		const struct rule *ru = d[i].rule ? rules_find(d[i].rule) : NULL;
		char ref[48] = "";

		if (ru)
			rules_ref(ru, ref, sizeof(ref));
		else if (strcmp(d[i].kind, "grant_expiry") == 0 ||
		         strcmp(d[i].kind, "grant_review") == 0)
			snprintf(ref, sizeof(ref), "4 kap. 8 §");
		else if (strcmp(d[i].kind, "exemption") == 0)
			snprintf(ref, sizeof(ref), "8 kap. 2 §");
		if (store_reader_query(rd, d[i].sql, &q))
			continue; /* a table not there yet */
		store_q_bind_text(q, 1, today);
		store_q_bind_text(q, 2, until);
		while (store_q_step(q) == SK_OK) {
			const char *cls = store_q_is_null(q, 3) ? NULL : store_q_text(q, 3);
			const char *type = store_q_text(q, 0);
			const char *label = deadline_label(type, store_q_text(q, 2));
			int64_t owner = store_q_is_null(q, 5) ? 0 : store_q_int(q, 5);
			int64_t doc;
			json_t *o;

			if (owner_only && owner != owner_only)
				continue;
			if (viewer)
				object_add(objs, seen, store_q_text(q, 0), store_q_int(q, 1));
			o = json_pack("{s:s, s:s?, s:s, s:{s:s, s:I, s:s, s:s?}, s:s}", "kind",
			              d[i].kind, "rule", d[i].rule, "ref", ref, "object", "type",
			              store_q_text(q, 0), "id", (json_int_t)store_q_int(q, 1),
			              "label", label, "class", cls, "due", store_q_text(q, 4));
			if (o && owner)
				json_object_set_new(o, "owner", json_integer(owner));
			/* dropped with the label when need-to-know hides the object (below) */
			doc = o ? deadline_document(rd, type, store_q_int(q, 1)) : 0;
			if (doc)
				json_object_set_new(json_object_get(o, "object"), "document_id",
				                    json_integer(doc));
			if (o)
				json_array_append_new(out, o);
		}
		store_q_done(q);
	}
	/* Need-to-know, in the same snapshot: a hidden deadline names its object by type and id. */
	hidden = unseen_of(rd, viewer, objs);
	json_array_foreach(viewer ? out : NULL, k, e)
	{
		const json_t *o = json_object_get(e, "object");
		char object[96];

		snprintf(object, sizeof(object), "%.40s/%lld",
		         json_string_value(json_object_get(o, "type")),
		         (long long)json_integer_value(json_object_get(o, "id")));
		if (is_unseen(hidden, true, object))
			json_object_set_new(e, "object",
			                    json_pack("{s:O, s:O, s:b}", "type",
			                              json_object_get(o, "type"), "id",
			                              json_object_get(o, "id"), "hidden", true));
	}
	json_decref(hidden);
	json_decref(objs);
	json_decref(seen);
	if (began)
		store_reader_end(rd);
	/* sorted by due date */
	count = json_array_size(out);
	v = count ? calloc(count, sizeof(*v)) : NULL;
	if (v) {
		json_t *sorted = json_array();

		for (size_t i = 0; i < count; i++)
			v[i] = json_array_get(out, i);
		qsort(v, count, sizeof(*v), by_due);
		for (size_t i = 0; i < count; i++)
			json_array_append(sorted, v[i]);
		free(v);
		json_decref(out);
		out = sorted;
	}
	return out;
}

json_t *rules_deadlines_for(struct store_reader *rd, const char *today, int days,
                            const struct principal *viewer)
{
	/* nobody's own deadlines are nobody's */
	if (!viewer || (!(viewer->roles & RULES_DEADLINES_ALL) && viewer->id <= 0))
		return json_array();
	return rules_deadlines(rd, today, days,
	                       (viewer->roles & RULES_DEADLINES_ALL) ? 0 : viewer->id, viewer);
}

/* ---- overview and trend ---- */

/* Which needs are met (met[k] for rules_needs()[k]); rd NULL: all. */
static void needs_met(struct store_reader *rd, bool *met, size_t cap)
{
	size_t n;
	const struct rules_need *nd = rules_needs(&n);
	bool began = rd && store_reader_begin(rd) == SK_OK;

	for (size_t k = 0; k < n && k < cap; k++) {
		struct store_q *q;

		met[k] = true;
		/* a table not there (an instance not migrated) holds nothing */
		if (!rd)
			continue;
		if (store_reader_query(rd, nd[k].sql, &q)) {
			met[k] = false;
			continue;
		}
		met[k] = store_q_step(q) == SK_OK;
		store_q_done(q);
	}
	if (began)
		store_reader_end(rd);
}

/* The needs of chapter ch that are not met: [{need, sv, en, rules}]; *blocked counts its rules. */
static json_t *chapter_missing(int ch, const bool *met, int *blocked)
{
	size_t n, nn;
	const struct rule *t = rules_table(&n);
	const struct rules_need *nd = rules_needs(&nn);
	json_t *out = json_array();

	*blocked = 0;
	for (size_t k = 0; k < nn; k++) {
		int rules = 0;

		if (met[k])
			continue;
		for (size_t i = 0; i < n; i++)
			rules += t[i].chapter == ch && t[i].needs &&
			         strcmp(t[i].needs, nd[k].id) == 0;
		if (!rules)
			continue;
		*blocked += rules;
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:i}", "need", nd[k].id, "sv",
		                                     nd[k].missing_sv, "en", nd[k].missing_en,
		                                     "rules", rules));
	}
	return out;
}

json_t *rules_overview(struct store_reader *rd, const json_t *findings)
{
	json_t *out = json_array();
	size_t n, nn;
	const struct rule *t = rules_table(&n);
	bool met[16];

	rules_needs(&nn);
	assert(nn <= sizeof(met) / sizeof(met[0]));
	needs_met(rd, met, sizeof(met) / sizeof(met[0]));
	for (int ch = 1; ch <= 8; ch++) {
		int sev[3] = {0}, covered = 0, rules = 0, blocked = 0;
		json_t *refs = json_array(), *v, *missing = chapter_missing(ch, met, &blocked);
		size_t i;
		const char *level;

		for (i = 0; i < n; i++)
			rules += t[i].chapter == ch;
		json_array_foreach(findings, i, v)
		{
			const char *ref = json_string_value(json_object_get(v, "ref"));
			bool seen = false;
			size_t j;
			json_t *r;

			if (json_integer_value(json_object_get(v, "chapter")) != ch)
				continue;
			if (strcmp(json_string_value(json_object_get(v, "status")), "covered") ==
			    0) {
				covered++;
				continue;
			}
			sev[rules_severity_parse(
			        json_string_value(json_object_get(v, "severity")))]++;
			json_array_foreach(refs, j, r) seen |=
			        strcmp(json_string_value(r), ref) == 0;
			if (!seen)
				json_array_append_new(refs, json_string(ref));
		}
		/* green only when every rule of the chapter ran over something and passed */
		level = rules == 0                       ? "unchecked"
		        : sev[SEV_HIGH]                  ? "major"
		        : sev[SEV_MEDIUM] + sev[SEV_LOW] ? "minor"
		        : blocked == rules               ? "unchecked"
		        : blocked                        ? "partial"
		                                         : "ok";
		json_array_append_new(
		        out, json_pack("{s:i, s:s, s:i, s:i, s:i, s:i, s:i, s:s, s:o, s:o}",
		                       "chapter", ch, "title", rules_chapter_title(ch), "rules",
		                       rules, "high", sev[SEV_HIGH], "medium", sev[SEV_MEDIUM],
		                       "low", sev[SEV_LOW], "covered", covered, "level", level,
		                       "refs", refs, "missing", missing));
	}
	return out;
}

json_t *rules_trend(struct store_reader *rd, int days)
{
	json_t *out = json_array();
	struct store_q *q;
	char today[11];

	model_today(today);
	if (store_reader_query(
	            rd,
	            "SELECT day, chapter, severity, open, covered FROM rule_snapshot WHERE "
	            "day > date(?1, '-' || ?2 || ' days') AND day <= ?1 ORDER BY day, chapter, "
	            "severity",
	            &q))
		return out;
	store_q_bind_text(q, 1, today);
	store_q_bind_int(q, 2, days);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(
		        out, json_pack("{s:s, s:I, s:s, s:I, s:I}", "day", store_q_text(q, 0),
		                       "chapter", (json_int_t)store_q_int(q, 1), "severity",
		                       store_q_text(q, 2), "open", (json_int_t)store_q_int(q, 3),
		                       "covered", (json_int_t)store_q_int(q, 4)));
	store_q_done(q);
	return out;
}

/* ---- the table as data ---- */

static json_t *words(const char *s)
{
	json_t *a = json_array();

	for (const char *p = s; *p;) {
		size_t k = strcspn(p, " ");

		if (k)
			json_array_append_new(a, json_stringn(p, k));
		p += k;
		p += *p == ' ';
	}
	return a;
}

json_t *rules_table_json(void)
{
	size_t n;
	const struct rule *t = rules_table(&n);
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		char ref[48];

		rules_ref(&t[i], ref, sizeof(ref));
		json_array_append_new(
		        a,
		        json_pack(
		                "{s:s, s:s, s:s, s:i, s:i, s:s?, s:s, s:{s:s, s:s}, s:{s:s, s:s}, "
		                "s:{s:s, s:s}, s:o, s:o, s:s?, s:s?}",
		                "id", t[i].id, "source", t[i].source, "ref", ref, "chapter",
		                t[i].chapter, "section", t[i].section, "point", t[i].point,
		                "severity", rules_severity_name(t[i].severity), "title", "sv",
		                t[i].title_sv, "en", t[i].title_en, "requires", "sv",
		                t[i].requires_sv, "en", t[i].requires_en, "remedy", "sv",
		                t[i].remedy_sv, "en", t[i].remedy_en, "tables", words(t[i].tables),
		                "tests", words(t[i].tests), "text",
		                rules_paragraph_text(t[i].chapter, t[i].section), "needs",
		                t[i].needs));
	}
	return a;
}

/* ---- docs/pmfs-traceability.md ---- */

static void md_cell(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			buf_puts(b, "\\|");
		else if (*s == '\n')
			buf_putc(b, ' ');
		else
			buf_putc(b, *s);
	}
}

static void md_tests(struct buf *b, const char *tests)
{
	bool first = true;

	for (const char *p = tests; *p;) {
		size_t k = strcspn(p, " ");

		if (k) {
			buf_puts(b, first ? "`" : ", `");
			buf_append(b, p, k);
			buf_putc(b, '`');
			first = false;
		}
		p += k;
		p += *p == ' ';
	}
}

int rules_markdown(struct buf *b)
{
	size_t np, nr;
	const struct rules_paragraph *p = rules_paragraphs(&np);
	const struct rule *t = rules_table(&nr);
	int covered = 0;

	for (size_t i = 0; i < np; i++) {
		for (size_t j = 0; j < nr; j++) {
			if (t[j].chapter == p[i].chapter && t[j].section == p[i].section &&
			    strcmp(t[j].source, "PMFS 2022:1") == 0) {
				covered++;
				break;
			}
		}
	}
	buf_puts(b, "# PMFS 2022:1 → skydd → tests\n\n"
	            "<!-- Generated by `skydd rules --markdown` from the rule table "
	            "(src/rules/table.c) and the paragraph list (src/rules/paragraphs.c). Do not "
	            "edit: tests/sh/test_rules.sh fails when this file is out of date. -->\n\n"
	            "Every paragraph of Säkerhetspolisens föreskrifter om säkerhetsskydd (PMFS "
	            "2022:1), the compliance rules that check it, the tests that cover each rule, "
	            "and — where no rule can — why, or how skydd meets it otherwise.\n\n");
	buf_printf(b, "%zu paragraphs; %d checked by %zu rules.\n", np, covered, nr);
	for (int ch = 1; ch <= 8; ch++) {
		buf_printf(b, "\n## %d kap. %s\n\n", ch, rules_chapter_title(ch));
		buf_puts(
		        b,
		        "| § | requirement | rules | tests, or why no rule |\n|---|---|---|---|\n");
		for (size_t i = 0; i < np; i++) {
			bool any = false;

			if (p[i].chapter != ch)
				continue;
			buf_printf(b, "| %d kap. %d § | ", ch, p[i].section);
			md_cell(b, p[i].summary);
			buf_puts(b, " | ");
			for (size_t j = 0; j < nr; j++) {
				if (t[j].chapter != ch || t[j].section != p[i].section)
					continue;
				buf_printf(b, "%s`%s` (%s)", any ? "<br>" : "", t[j].id,
				           rules_severity_name(t[j].severity));
				any = true;
			}
			buf_puts(b, " | ");
			if (any) {
				bool first = true;

				for (size_t j = 0; j < nr; j++) {
					if (t[j].chapter != ch || t[j].section != p[i].section)
						continue;
					if (!first)
						buf_puts(b, "<br>");
					buf_printf(b, "`%s`: ", t[j].id);
					md_tests(b, t[j].tests);
					first = false;
				}
				if (p[i].note) {
					buf_puts(b, "<br>");
					md_cell(b, p[i].note);
				}
			} else {
				md_cell(b, p[i].note ? p[i].note : "no rule yet");
			}
			buf_puts(b, " |\n");
		}
	}
	buf_puts(b, "\n## The rules\n\nA rule that needs a register (the last column) cannot "
	            "fail while that register is empty: its chapter is then shown as not checked, "
	            "never as passed.\n\n| id | reference | severity | title | what it checks | "
	            "tables | needs |\n|---|---|---|---|---|---|---|\n");
	for (size_t j = 0; j < nr; j++) {
		char ref[48];

		rules_ref(&t[j], ref, sizeof(ref));
		buf_printf(b, "| `%s` | %s %s | %s | ", t[j].id, t[j].source, ref,
		           rules_severity_name(t[j].severity));
		md_cell(b, t[j].title_en);
		buf_puts(b, " | ");
		md_cell(b, t[j].requires_en);
		buf_puts(b, " | ");
		md_cell(b, t[j].tables);
		buf_puts(b, " | ");
		if (t[j].needs)
			buf_printf(b, "`%s`", t[j].needs);
		buf_puts(b, " |\n");
	}
	return b->err ? SK_ENOMEM : SK_OK;
}
