/*
 * The engine's evaluation: one rule's query, every rule over a snapshot
 * (rules_evaluate), and the server's cache (rules_current): findings kept per
 * rule, refreshed for the rules whose tables the newest entries touched (or
 * only for the documents they were about), the daily snapshot claimed; the
 * findings for the action plan (rules_finding, rules_sync_deviations) and
 * rule marks.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/incident.h"
#include "model/model.h"
#include "rules/engine_int.h"
#include "rules/rules.h"

/* ---- one rule's raw findings ---- */

/* A rule query's row: [object_type, id, label, class, since, due, document_id]. */
static json_t *finding_row(struct store_q *q)
{
	return json_pack("[s, I, s, s?, s?, s?, o]", store_q_text(q, 0),
	                 (json_int_t)store_q_int(q, 1), store_q_text(q, 2),
	                 store_q_is_null(q, 3) ? NULL : store_q_text(q, 3),
	                 store_q_is_null(q, 4) ? NULL : store_q_text(q, 4),
	                 store_q_is_null(q, 5) ? NULL : store_q_text(q, 5),
	                 store_q_is_null(q, 6) ? json_null() : json_integer(store_q_int(q, 6)));
}

/* Runs r's query; appends its finding rows. */
static int run_rule(struct store_reader *rd, const struct rule *ru, const char *today, json_t *out)
{
	struct store_q *q;
	int rc = store_reader_query(rd, ru->sql, &q);

	if (rc)
		return rc;
	store_q_bind_text(q, 1, today);
	while ((rc = store_q_step(q)) == SK_OK) {
		json_t *row = finding_row(q);

		if (!row || json_array_append_new(out, row)) {
			rc = SK_ENOMEM;
			break;
		}
	}
	store_q_done(q);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
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

	engine_exms_load(rd, today, &x);
	for (size_t i = 0; i < n && rows; i++) {
		int rc;

		if (!engine_rule_selected(&t[i], f))
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
			engine_rows_objects(rows[i], objs, seen);
	}
	if (!rows)
		json_array_append_new(errors, json_pack("{s:s, s:s}", "rule", "*", "error",
		                                        sk_strerror(SK_ENOMEM)));
	hidden = engine_unseen_of(rd, f ? f->viewer : NULL, objs);
	for (size_t i = 0; i < n && rows; i++) {
		if (rows[i])
			engine_render(&t[i], rows[i], &x, f, hidden, findings);
		json_decref(rows[i]);
	}
	free(rows);
	json_decref(hidden);
	json_decref(objs);
	json_decref(seen);
	engine_exms_free(&x);
	if (began)
		store_reader_end(rd);
	return engine_result(today, findings, errors);
}

/* ---- the server's cache ---- */

static struct {
	pthread_mutex_t mu;
	char instance[300]; /* the verifier key: which instance the cache is of */
	uint64_t size;      /* ledger size evaluated */
	char day[11];
	bool marked; /* rule_mark changed since */
	json_t *rows[ENGINE_MAX_RULES];
	unsigned last_evaluated;
	unsigned last_by_document; /* of which for the touched documents only */
	char snapshot_day[11];
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

void rules_cache_reset(void)
{
	pthread_mutex_lock(&cache.mu);
	for (size_t i = 0; i < ENGINE_MAX_RULES; i++) {
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

/*
 * A rule whose every finding names its document (the query's last column)
 * can be re-run for a few documents: its query restricted to them. The
 * texts are made once and kept (the store's statement cache keeps pointers).
 */
static bool document_scoped(const struct rule *ru)
{
	return engine_has_token(ru->tables, "document");
}

static const char *restricted_sql(size_t i, const struct rule *ru)
{
	static char *sql[ENGINE_MAX_RULES];
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

		if (!bsearch(&d, c->docs, c->ndocs, sizeof(*c->docs), engine_cmp_id))
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
			json_t *r = finding_row(q);

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
	json_t *hidden = NULL, *rows[ENGINE_MAX_RULES] = {NULL};
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
		engine_changes_read(rd, cache.size, size, &ch);
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
	for (size_t i = 0; i < n && i < ENGINE_MAX_RULES; i++) {
		int rc;

		if (!full && cache.rows[i] && (!changed || !engine_rule_reads_any(&t[i], changed)))
			continue;
		cache.last_evaluated++;
		if (!full && cache.rows[i] && ch.by_document && document_scoped(&t[i]) &&
		    !engine_rule_reads_any(&t[i], " rule_mark ")) {
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
	engine_changes_free(&ch);
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
	for (size_t i = 0; i < n && i < ENGINE_MAX_RULES; i++)
		rows[i] = cache.rows[i] ? json_copy(cache.rows[i]) : NULL;
	/* one caller takes the day's snapshot (the snapshot counts every finding) */
	snap = strcmp(cache.snapshot_day, today) != 0;
	if (snap)
		snprintf(cache.snapshot_day, sizeof(cache.snapshot_day), "%s", today);
	pthread_mutex_unlock(&cache.mu);

	/* still the reader's snapshot the rows came from */
	engine_exms_load(rd, today, &x);
	if (f && f->viewer) {
		/* decided in the same snapshot as the rows */
		json_t *objs = json_array(), *seen = json_object();

		for (size_t i = 0; i < n && i < ENGINE_MAX_RULES; i++) {
			if (rows[i] && engine_rule_selected(&t[i], f))
				engine_rows_objects(rows[i], objs, seen);
		}
		hidden = engine_unseen_of(rd, f->viewer, objs);
		json_decref(objs);
		json_decref(seen);
	}
	store_reader_end(rd);

	findings = json_array();
	{
		json_t *all = snap ? json_array() : NULL;
		struct rules_filter everything = {.min_severity = -1, .clearance = CLEAR_KH};

		for (size_t i = 0; i < n && i < ENGINE_MAX_RULES; i++) {
			if (!rows[i])
				continue;
			if (engine_rule_selected(&t[i], f))
				engine_render(&t[i], rows[i], &x, f, hidden, findings);
			if (all)
				engine_render(&t[i], rows[i], &x, &everything, NULL, all);
			json_decref(rows[i]);
		}
		if (all) {
			struct snap_cmd sc = {today, all};
			struct store_cmd c;

			store_cmd_init(&c, engine_snapshot_fn, &sc);
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
	engine_exms_free(&x);
	json_decref(hidden);
	return engine_result(today, findings, errors);
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
