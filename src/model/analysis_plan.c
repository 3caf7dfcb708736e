/*
 * The security plan (säkerhetsskyddsplan, PMFS 2022:1 2 kap. 12 §): made
 * from an approved analysis, each of its measures with when (due) and the
 * responsible function, approved by the säkerhetsskyddschef (the head when
 * there is none, 20 §). Special assessments (särskild säkerhetsskydds-
 * bedömning, 13 §) before a procedure: affected assets and how, threats,
 * vulnerabilities and how the procedure changes them, needed measures;
 * approved by the ssc (or the head). Tables secplan, assessment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/analysis.h"
#include "model/analysis_int.h"
#include "model/reg_int.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

#define WRITE_ROLES (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF))

static const char *const v_proc[] = {"supplier_agreement", "outsourcing", "transfer", "other",
                                     NULL};

static bool title_ok(const char *s)
{
	return s && s[0] && strlen(s) <= 300 && an_text_ok(s, strlen(s), false);
}

/* May p approve what the ssc approves? The ssc, or the head when no one holds ssc (20 §). */
static int may_approve_as_ssc(struct store_tx *tx, const struct principal *p, const char *reason,
                              const char *what, const char **role)
{
	char today[11];
	unsigned roles;
	int rc = an_may(tx, p, WRITE_ROLES, reason, what, &roles);

	if (rc)
		return rc;
	model_today(today);
	if (roles & ROLE_BIT(ROLE_SSC)) {
		*role = "ssc";
		return SK_OK;
	}
	if (!model_tx_someone_has(tx, ROLE_SSC, today)) {
		*role = "chief";
		return SK_OK;
	}
	/* the head's right is conditional (20 §): a rule, not the route's rights */
	return store_tx_failr(tx, SK_ERULE, NULL, "secplan.head_only_without_ssc", NULL,
	                      "%s (the head only when there is none, 2 kap. 20 §)", what);
}

/* ---- the security plan ---- */

static const struct an_field f_item[] = {{"measure_id", AF_ID, true, 1, 1000000, NULL, NULL},
                                         {"due", AF_DATE, false, 0, 0, NULL, NULL},
                                         {"responsible", AF_STR, false, 0, 300, NULL, NULL},
                                         {"note", AF_TEXT, false, 0, 2000, NULL, NULL},
                                         {NULL, 0, false, 0, 0, NULL, NULL}};

struct plan_cmd {
	const struct principal *p;
	const json_t *body;
	int64_t id, analysis_id;
	const char *title;
	struct model_err *err;
};

static int sp_create_fn(struct store_tx *tx, void *arg)
{
	struct plan_cmd *c = arg;
	struct store_q *q;
	char state[16] = "", atitle[512] = "", title[600];
	json_t *content = NULL, *items, *x, *data;
	size_t i;
	int rc = an_may(tx, c->p, WRITE_ROLES, "secplan.maker",
	                "the plan is made by the säkerhetsskyddschef or the head", NULL);

	if (rc)
		return rc;
	if (c->title && !title_ok(c->title))
		return store_tx_failr(tx, SK_EINVAL, "title", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 300),
		                      "title: 1..300 bytes of text");
	rc = store_tx_query(tx,
	                    "SELECT state, title, content, coalesce(class, '') FROM analysis WHERE "
	                    "id = ?1",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->analysis_id);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		snprintf(state, sizeof(state), "%s", store_q_text(q, 0));
		snprintf(atitle, sizeof(atitle), "%s", store_q_text(q, 1));
		content = an_load(store_q_text(q, 2));
		if (!analysis_cleared(c->p, store_q_text(q, 3))) {
			store_q_done(q);
			json_decref(content);
			return store_tx_failr(tx, SK_EPERM, "analysis_id", "analysis.need_to_know",
			                      NULL,
			                      "the analysis is classified above your clearance");
		}
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND) {
		store_tx_failr(tx, SK_ENOTFOUND, "analysis_id", "analysis.not_found", NULL,
		               "no such analysis");
		return SK_ENOTFOUND;
	}
	if (rc || !content) {
		json_decref(content);
		return rc ? rc : SK_ECORRUPT;
	}
	if (strcmp(state, "approved") != 0) {
		json_decref(content);
		store_tx_failr(
		        tx, SK_ERULE, "analysis_id", "secplan.analysis_not_approved", NULL,
		        "the plan is made from the approved, current analysis (2 kap. 12 §); "
		        "this version is %s",
		        state);
		return SK_ERULE;
	}
	items = json_array();
	json_array_foreach(json_object_get(content, "measures"), i, x)
	        json_array_append_new(items, json_pack("{s:O, s:s, s:n, s:s, s:s}", "measure_id",
	                                               json_object_get(x, "id"), "description",
	                                               model_json_str0(x, "description"), "due",
	                                               "responsible", "", "note", ""));
	json_decref(content);
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM secplan", "");
	if (rc) {
		json_decref(items);
		return rc;
	}
	snprintf(title, sizeof(title), "Säkerhetsskyddsplan: %.300s", atitle);
	data = json_pack("{s:I, s:I, s:s, s:o}", "id", (json_int_t)c->id, "analysis_id",
	                 (json_int_t)c->analysis_id, "title", c->title ? c->title : title, "items",
	                 items);
	return model_tx_log(tx, c->p->id, "secplan.created", "secplan", c->id,
	                    model_with_token(data, c->p));
}

int secplan_create(struct model *m, const struct principal *p, int64_t analysis_id,
                   const char *title, int64_t *id, struct model_err *err)
{
	struct model_err local = {0};
	struct plan_cmd c = {p, NULL, 0, analysis_id, title, err ? err : &local};
	int rc = model_submit(m, sp_create_fn, &c, err);

	if (!rc && id)
		*id = c.id;
	return rc;
}

/* A plan for a command by p: SK_ENOTFOUND, SK_EPERM when p is not cleared for its analysis. */
static int tx_plan(struct store_tx *tx, const struct principal *p, int64_t id, char state[16],
                   char title[512], json_t **items)
{
	struct store_q *q;
	bool cleared = true;
	int rc =
	        store_tx_query(tx,
	                       "SELECT s.state, s.title, s.items, (SELECT coalesce(class, '') FROM "
	                       "analysis WHERE id = s.analysis_id) FROM secplan s WHERE s.id = ?1",
	                       &q);

	*items = NULL;
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		snprintf(state, 16, "%s", store_q_text(q, 0));
		snprintf(title, 512, "%s", store_q_text(q, 1));
		*items = an_load(store_q_text(q, 2));
		cleared = analysis_cleared(p, store_q_text(q, 3));
		if (!*items)
			rc = SK_ECORRUPT;
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		store_tx_failr(tx, SK_ENOTFOUND, NULL, "secplan.not_found", NULL, "no such plan");
	if (rc == SK_OK && !cleared) {
		json_decref(*items);
		*items = NULL;
		rc = store_tx_failr(tx, SK_EPERM, NULL, "analysis.need_to_know", NULL,
		                    "the analysis is classified above your clearance");
	}
	return rc;
}

static int sp_update_fn(struct store_tx *tx, void *arg)
{
	struct plan_cmd *c = arg;
	char state[16], title[512];
	const char *ntitle = json_string_value(json_object_get(c->body, "title"));
	json_t *items, *given = json_object_get(c->body, "items"), *x, *changed, *data;
	size_t i, j;
	int rc = an_may(tx, c->p, WRITE_ROLES, "secplan.changer",
	                "the plan is changed by the säkerhetsskyddschef or the head", NULL);

	if (rc)
		return rc;
	rc = tx_plan(tx, c->p, c->id, state, title, &items);
	if (rc)
		return rc;
	changed = json_array();
	if (strcmp(state, "draft") != 0) {
		store_tx_failr(tx, SK_ERULE, NULL, "secplan.frozen", NULL,
		               "an approved plan is frozen");
		rc = SK_ERULE;
	}
	if (!rc && json_object_get(c->body, "title")) {
		if (!title_ok(ntitle))
			rc = store_tx_failr(tx, SK_EINVAL, "title", "field.text_size",
			                    json_pack("{s:i, s:i}", "min", 1, "max", 300),
			                    "title: 1..300 bytes of text");
		else
			json_array_append_new(changed, json_string("title"));
	}
	if (!rc && given) {
		rc = an_check_items(given, "items", f_item, 1000, NULL, c->err);
		if (rc)
			an_tx_fail_err(tx, rc, c->err);
		json_array_foreach(given, i, x)
		{
			json_t *y, *hit = NULL;
			const char *k;
			json_t *v;
			char f[48];

			if (rc)
				break;
			json_array_foreach(items, j, y)
			{
				if (json_equal(json_object_get(y, "measure_id"),
				               json_object_get(x, "measure_id")))
					hit = y;
			}
			if (!hit) {
				snprintf(f, sizeof(f), "items[%zu].measure_id", i);
				rc = store_tx_failr(tx, SK_EINVAL, f, "secplan.not_a_measure", NULL,
				                    "%s: not a measure of this plan", f);
				break;
			}
			json_object_foreach(x, k, v)
			{
				if (strcmp(k, "measure_id") != 0)
					json_object_set(hit, k, v);
			}
		}
		if (!rc)
			json_array_append_new(changed, json_string("items"));
	}
	if (!rc && json_array_size(changed) == 0)
		rc = store_tx_failr(tx, SK_EINVAL, NULL, "field.nothing_to_change", NULL,
		                    "nothing to change");
	if (rc) {
		json_decref(items);
		json_decref(changed);
		return rc;
	}
	data = json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)c->id, "title",
	                 ntitle ? ntitle : title, "items", items, "changed", changed);
	return model_tx_log(tx, c->p->id, "secplan.updated", "secplan", c->id,
	                    model_with_token(data, c->p));
}

int secplan_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                   struct model_err *err)
{
	struct model_err local = {0};
	struct plan_cmd c = {p, body, id, 0, NULL, err ? err : &local};

	return model_submit(m, sp_update_fn, &c, err);
}

static int sp_approve_fn(struct store_tx *tx, void *arg)
{
	struct plan_cmd *c = arg;
	char state[16], title[512], today[11], f[48];
	const char *role = NULL;
	json_t *items, *x;
	size_t i;
	int rc = may_approve_as_ssc(tx, c->p, "secplan.approver",
	                            "the plan is approved (fastställs) by the säkerhetsskyddschef "
	                            "(2 kap. 12 §)",
	                            &role);

	if (rc)
		return rc;
	rc = tx_plan(tx, c->p, c->id, state, title, &items);
	if (rc)
		return rc;
	if (strcmp(state, "draft") != 0) {
		json_decref(items);
		store_tx_failr(tx, SK_ERULE, NULL, "secplan.approved", NULL,
		               "the plan is already approved");
		return SK_ERULE;
	}
	if (json_array_size(items) == 0) {
		json_decref(items);
		store_tx_failr(tx, SK_ERULE, "items", "secplan.no_measures", NULL,
		               "items: the plan has no measure");
		return SK_ERULE;
	}
	json_array_foreach(items, i, x)
	{
		const char *what = NULL;

		if (!json_is_string(json_object_get(x, "due"))) {
			snprintf(f, sizeof(f), "items[%zu].due", i);
			what = "when the measure is to be taken";
		} else if (!model_json_str0(x, "responsible")[0]) {
			snprintf(f, sizeof(f), "items[%zu].responsible", i);
			what = "the responsible function";
		}
		if (what) {
			store_tx_failr(
			        tx, SK_ERULE, f, "secplan.measure_lacks",
			        json_pack("{s:I, s:s}", "measure",
			                  (json_int_t)json_integer_value(
			                          json_object_get(x, "measure_id")),
			                  "lacks", strstr(f, ".due") ? "due" : "responsible"),
			        "%s: measure %lld lacks %s (2 kap. 12 §)", f,
			        (long long)json_integer_value(json_object_get(x, "measure_id")),
			        what);
			json_decref(items);
			return SK_ERULE;
		}
	}
	json_decref(items);
	model_today(today);
	return model_tx_log(tx, c->p->id, "secplan.approved", "secplan", c->id,
	                    model_with_token(json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->id,
	                                               "approved_on", today, "role", role),
	                                     c->p));
}

int secplan_approve(struct model *m, const struct principal *p, int64_t id, struct model_err *err)
{
	struct model_err local = {0};
	struct plan_cmd c = {p, NULL, id, 0, NULL, err ? err : &local};

	return model_submit(m, sp_approve_fn, &c, err);
}

static int apply_secplan(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	int64_t id = json_integer_value(json_object_get(d, "id"));
	char t[SK_TIME_LEN + 1], *items = NULL;
	int rc = SK_OK;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "secplan.created") == 0) {
		items = an_dump(json_object_get(d, "items"));
		rc = items ? store_tx_run(
		                     tx,
		                     "INSERT INTO secplan (id, analysis_id, state, title, items, "
		                     "created_at, created_by, updated_at) VALUES (?1, ?2, 'draft', "
		                     "?3, ?4, ?5, ?6, ?5)",
		                     "iitt"
		                     "ti",
		                     id,
		                     (int64_t)json_integer_value(json_object_get(d, "analysis_id")),
		                     model_json_str0(d, "title"), items, t, e->actor)
		           : SK_ENOMEM;
	} else if (strcmp(e->kind, "secplan.updated") == 0) {
		items = an_dump(json_object_get(d, "items"));
		rc = items ? store_tx_run(
		                     tx,
		                     "UPDATE secplan SET title = ?2, items = ?3, updated_at = ?4 "
		                     "WHERE id = ?1",
		                     "ittt", id, model_json_str0(d, "title"), items, t)
		           : SK_ENOMEM;
	} else if (strcmp(e->kind, "secplan.approved") == 0) {
		rc = store_tx_run(tx,
		                  "UPDATE secplan SET state = 'approved', approved_on = ?2, "
		                  "approved_by = ?3, updated_at = ?4 WHERE id = ?1",
		                  "itit", id, model_json_str0(d, "approved_on"), e->actor, t);
	}
	free(items);
	return rc;
}

/* ---- special assessments ---- */

static const struct an_field f_affected[] = {{"asset_id", AF_ID, true, 1, 1000000, NULL, NULL},
                                             {"how", AF_TEXT, true, 0, 10000, NULL, NULL},
                                             {NULL, 0, false, 0, 0, NULL, NULL}};
static const struct an_field f_threat[] = {{"description", AF_TEXT, true, 1, 10000, NULL, NULL},
                                           {NULL, 0, false, 0, 0, NULL, NULL}};
static const struct an_field f_vuln[] = {{"description", AF_TEXT, true, 1, 10000, NULL, NULL},
                                         {"change", AF_TEXT, true, 0, 10000, NULL, NULL},
                                         {NULL, 0, false, 0, 0, NULL, NULL}};
static const struct an_field f_measure[] = {{"description", AF_TEXT, true, 1, 10000, NULL, NULL},
                                            {NULL, 0, false, 0, 0, NULL, NULL}};

static const char *const as_sections[] = {"affected", "threats", "vulnerabilities", "measures",
                                          NULL};

json_t *assessment_missing(const json_t *c)
{
	json_t *out = json_array(), *x;
	char f[48];
	size_t i;

	if (!out)
		return NULL;
#define MISS(field, reason, msg)                                                                   \
	json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:{}}", "field", field, "message",   \
	                                     msg, "reason", reason, "params"))
	if (json_array_size(json_object_get(c, "affected")) == 0)
		MISS("affected", "assessment.missing.affected",
		     "no affected asset (2 kap. 13 § 1)");
	json_array_foreach(json_object_get(c, "affected"), i, x)
	{
		snprintf(f, sizeof(f), "affected[%zu].how", i);
		if (!model_json_str0(x, "how")[0])
			MISS(f, "assessment.missing.how",
			     "how the procedure affects the asset is not described (2 kap. 13 § "
			     "1)");
	}
	if (json_array_size(json_object_get(c, "threats")) == 0)
		MISS("threats", "assessment.missing.threats",
		     "no threat described (2 kap. 13 § 2)");
	if (json_array_size(json_object_get(c, "vulnerabilities")) == 0)
		MISS("vulnerabilities", "assessment.missing.vulnerabilities",
		     "no vulnerability described (2 kap. 13 § 3)");
	json_array_foreach(json_object_get(c, "vulnerabilities"), i, x)
	{
		snprintf(f, sizeof(f), "vulnerabilities[%zu].change", i);
		if (!model_json_str0(x, "change")[0])
			MISS(f, "assessment.missing.change",
			     "how the procedure changes the vulnerability is not described "
			     "(2 kap. 13 § 3)");
	}
	if (json_array_size(json_object_get(c, "measures")) == 0)
		MISS("measures", "assessment.missing.measures", "no measure (2 kap. 13 § 4)");
#undef MISS
	return out;
}

struct as_cmd {
	const struct principal *p;
	const json_t *body;
	int64_t id;
	struct model_err *err;
};

/* The current approved analysis (the newest approved version) or 0, and its asset ids. */
static int64_t tx_current_analysis(struct store_tx *tx, json_t **assets)
{
	struct store_q *q;
	int64_t id = 0;

	*assets = NULL;
	if (store_tx_query(tx,
	                   "SELECT id, content FROM analysis WHERE state = 'approved' ORDER BY id "
	                   "DESC LIMIT 1",
	                   &q))
		return 0;
	if (store_q_step(q) == SK_OK) {
		json_t *c = an_load(store_q_text(q, 1));

		id = store_q_int(q, 0);
		*assets = json_incref(json_object_get(c, "assets"));
		json_decref(c);
	}
	store_q_done(q);
	return id;
}

/* Checks body's fields into o (title, kind, ref, content sections). */
static int as_merge(struct store_tx *tx, struct as_cmd *c, json_t *o, json_t *content,
                    json_t *changed, const json_t *assets)
{
	static const struct an_field *const specs[] = {f_affected, f_threat, f_vuln, f_measure};
	const char *s;
	json_t *v;
	size_t i, j;
	int rc;

	if ((v = json_object_get(c->body, "title"))) {
		if (!title_ok(json_string_value(v)))
			return store_tx_failr(tx, SK_EINVAL, "title", "field.text_size",
			                      json_pack("{s:i, s:i}", "min", 1, "max", 300),
			                      "title: 1..300 bytes of text");
		json_object_set(o, "title", v);
		json_array_append_new(changed, json_string("title"));
	}
	if ((v = json_object_get(c->body, "procedure_kind"))) {
		s = json_string_value(v);
		for (i = 0; v_proc[i] && (!s || strcmp(s, v_proc[i]) != 0); i++)
			;
		if (!v_proc[i])
			return store_tx_failr(tx, SK_EINVAL, "procedure_kind", "field.enum", NULL,
			                      "procedure_kind: supplier_agreement, outsourcing, "
			                      "transfer or other");
		json_object_set(o, "procedure_kind", v);
		json_array_append_new(changed, json_string("procedure_kind"));
	}
	if ((v = json_object_get(c->body, "procedure_ref"))) {
		if (!title_ok(json_string_value(v)))
			return store_tx_failr(tx, SK_EINVAL, "procedure_ref", "field.text_size",
			                      json_pack("{s:i, s:i}", "min", 1, "max", 300),
			                      "procedure_ref: 1..300 bytes of text");
		json_object_set(o, "procedure_ref", v);
		json_array_append_new(changed, json_string("procedure_ref"));
	}
	for (i = 0; as_sections[i]; i++) {
		v = json_object_get(c->body, as_sections[i]);
		if (!v)
			continue;
		rc = an_check_items(v, as_sections[i], specs[i], 500, NULL, c->err);
		if (rc)
			return an_tx_fail_err(tx, rc, c->err);
		json_object_set(content, as_sections[i], v);
		json_array_append_new(changed, json_string(as_sections[i]));
	}
	json_array_foreach(json_object_get(content, "affected"), i, v)
	{
		json_t *a;
		bool found = false;
		char f[48];

		json_array_foreach(assets, j, a) found |=
		        json_equal(json_object_get(a, "id"), json_object_get(v, "asset_id"));
		if (!found) {
			snprintf(f, sizeof(f), "affected[%zu].asset_id", i);
			store_tx_failr(
			        tx, SK_ERULE, f, "assessment.not_an_asset", NULL,
			        "%s: not an asset of the current approved analysis (2 kap. 13 § 1)",
			        f);
			return SK_ERULE;
		}
	}
	return SK_OK;
}

static int as_create_fn(struct store_tx *tx, void *arg)
{
	struct as_cmd *c = arg;
	json_t *assets = NULL, *o, *content, *changed, *data;
	int64_t aid;
	int rc =
	        an_may(tx, c->p, WRITE_ROLES, "assessment.maker",
	               "special assessments are made by the säkerhetsskyddschef or the head", NULL);

	if (rc)
		return rc;
	aid = tx_current_analysis(tx, &assets);
	o = json_object();
	content = json_pack("{s:[], s:[], s:[], s:[]}", "affected", "threats", "vulnerabilities",
	                    "measures");
	changed = json_array();
	rc = as_merge(tx, c, o, content, changed, assets);
	if (!rc && (!json_object_get(o, "title") || !json_object_get(o, "procedure_kind") ||
	            !json_object_get(o, "procedure_ref")))
		rc = store_tx_failr(tx, SK_EINVAL,
		                    !json_object_get(o, "title")            ? "title"
		                    : !json_object_get(o, "procedure_kind") ? "procedure_kind"
		                                                            : "procedure_ref",
		                    "field.required", NULL,
		                    "title, procedure_kind and procedure_ref are required");
	if (!rc)
		rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM assessment",
		                  "");
	json_decref(assets);
	json_decref(changed);
	if (rc) {
		json_decref(o);
		json_decref(content);
		return rc;
	}
	data = json_pack("{s:I, s:o, s:O, s:O, s:O, s:o}", "id", (json_int_t)c->id, "analysis_id",
	                 aid ? json_integer(aid) : json_null(), "title",
	                 json_object_get(o, "title"), "procedure_kind",
	                 json_object_get(o, "procedure_kind"), "procedure_ref",
	                 json_object_get(o, "procedure_ref"), "content", content);
	json_decref(o);
	return model_tx_log(tx, c->p->id, "assessment.created", "assessment", c->id,
	                    model_with_token(data, c->p));
}

int assessment_create(struct model *m, const struct principal *p, const json_t *body, int64_t *id,
                      struct model_err *err)
{
	struct model_err local = {0};
	struct as_cmd c = {p, body, 0, err ? err : &local};
	int rc = model_submit(m, as_create_fn, &c, err);

	if (!rc && id)
		*id = c.id;
	return rc;
}

struct as_row {
	char state[16];
	int64_t analysis_id;
	json_t *o; /* title, procedure_kind, procedure_ref */
	json_t *content;
};

static int tx_assessment(struct store_tx *tx, int64_t id, struct as_row *a)
{
	struct store_q *q;
	int rc = store_tx_query(tx,
	                        "SELECT state, analysis_id, title, procedure_kind, procedure_ref, "
	                        "content FROM assessment WHERE id = ?1",
	                        &q);

	memset(a, 0, sizeof(*a));
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		snprintf(a->state, sizeof(a->state), "%s", store_q_text(q, 0));
		a->analysis_id = store_q_int(q, 1);
		a->o = json_pack("{s:s, s:s, s:s}", "title", store_q_text(q, 2), "procedure_kind",
		                 store_q_text(q, 3), "procedure_ref", store_q_text(q, 4));
		a->content = an_load(store_q_text(q, 5));
		if (!a->o || !a->content)
			rc = SK_ECORRUPT;
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		store_tx_failr(tx, SK_ENOTFOUND, NULL, "assessment.not_found", NULL,
		               "no such assessment");
	return rc;
}

static void as_row_free(struct as_row *a)
{
	json_decref(a->o);
	json_decref(a->content);
}

/* The assets of analysis id (a version), for the references. */
static json_t *tx_assets_of(struct store_tx *tx, int64_t id)
{
	struct store_q *q;
	json_t *assets = NULL;

	if (store_tx_query(tx, "SELECT content FROM analysis WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK) {
		json_t *c = an_load(store_q_text(q, 0));

		assets = json_incref(json_object_get(c, "assets"));
		json_decref(c);
	}
	store_q_done(q);
	return assets;
}

static int as_update_fn(struct store_tx *tx, void *arg)
{
	struct as_cmd *c = arg;
	struct as_row a;
	json_t *assets, *changed, *data;
	int rc = an_may(tx, c->p, WRITE_ROLES, "assessment.changer",
	                "special assessments are changed by the säkerhetsskyddschef or the head",
	                NULL);

	if (rc)
		return rc;
	rc = tx_assessment(tx, c->id, &a);
	if (rc) {
		as_row_free(&a);
		return rc;
	}
	if (strcmp(a.state, "draft") != 0) {
		as_row_free(&a);
		store_tx_failr(tx, SK_ERULE, NULL, "assessment.frozen", NULL,
		               "an approved assessment is frozen");
		return SK_ERULE;
	}
	assets = tx_assets_of(tx, a.analysis_id);
	changed = json_array();
	rc = as_merge(tx, c, a.o, a.content, changed, assets);
	json_decref(assets);
	if (!rc && json_array_size(changed) == 0)
		rc = store_tx_failr(tx, SK_EINVAL, NULL, "field.nothing_to_change", NULL,
		                    "nothing to change");
	if (rc) {
		json_decref(changed);
		as_row_free(&a);
		return rc;
	}
	data = json_pack("{s:I, s:O, s:O, s:O, s:O, s:o}", "id", (json_int_t)c->id, "title",
	                 json_object_get(a.o, "title"), "procedure_kind",
	                 json_object_get(a.o, "procedure_kind"), "procedure_ref",
	                 json_object_get(a.o, "procedure_ref"), "content", a.content, "changed",
	                 changed);
	as_row_free(&a);
	return model_tx_log(tx, c->p->id, "assessment.updated", "assessment", c->id,
	                    model_with_token(data, c->p));
}

int assessment_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                      struct model_err *err)
{
	struct model_err local = {0};
	struct as_cmd c = {p, body, id, err ? err : &local};

	return model_submit(m, as_update_fn, &c, err);
}

static int as_approve_fn(struct store_tx *tx, void *arg)
{
	struct as_cmd *c = arg;
	struct as_row a;
	char today[11];
	unsigned roles;
	json_t *miss;
	int rc = an_may(tx, c->p, WRITE_ROLES, "assessment.approver",
	                "a special assessment is approved by the säkerhetsskyddschef or a delegate "
	                "(ssc or chief)",
	                &roles);

	if (rc)
		return rc;
	rc = tx_assessment(tx, c->id, &a);
	if (rc) {
		as_row_free(&a);
		return rc;
	}
	if (strcmp(a.state, "draft") != 0) {
		as_row_free(&a);
		store_tx_failr(tx, SK_ERULE, NULL, "assessment.approved", NULL,
		               "the assessment is already approved");
		return SK_ERULE;
	}
	miss = assessment_missing(a.content);
	as_row_free(&a);
	if (!miss)
		return SK_ENOMEM;
	if (json_array_size(miss) > 0) {
		json_t *f = json_array_get(miss, 0);

		store_tx_failr(tx, SK_ERULE, model_json_str0(f, "field"), "assessment.incomplete",
		               json_pack("{s:I}", "count", (json_int_t)json_array_size(miss)),
		               "%s: %s", model_json_str0(f, "field"),
		               model_json_str0(f, "message"));
		json_decref(miss);
		return SK_ERULE;
	}
	json_decref(miss);
	model_today(today);
	return model_tx_log(
	        tx, c->p->id, "assessment.approved", "assessment", c->id,
	        model_with_token(json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->id,
	                                   "approved_on", today, "role",
	                                   (roles & ROLE_BIT(ROLE_SSC)) ? "ssc" : "chief"),
	                         c->p));
}

int assessment_approve(struct model *m, const struct principal *p, int64_t id,
                       struct model_err *err)
{
	struct model_err local = {0};
	struct as_cmd c = {p, NULL, id, err ? err : &local};

	return model_submit(m, as_approve_fn, &c, err);
}

static int apply_assessment(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	int64_t id = json_integer_value(json_object_get(d, "id"));
	char t[SK_TIME_LEN + 1], *content = NULL;
	int rc = SK_OK;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "assessment.created") == 0) {
		content = an_dump(json_object_get(d, "content"));
		rc = content ? store_tx_run(
		                       tx,
		                       "INSERT INTO assessment (id, analysis_id, procedure_kind, "
		                       "procedure_ref, state, title, content, created_at, "
		                       "created_by, updated_at) VALUES (?1, NULLIF(?2, 0), ?3, ?4, "
		                       "'draft', ?5, ?6, ?7, ?8, ?7)",
		                       "iitttt"
		                       "ti",
		                       id,
		                       (int64_t)json_integer_value(
		                               json_object_get(d, "analysis_id")),
		                       model_json_str0(d, "procedure_kind"),
		                       model_json_str0(d, "procedure_ref"),
		                       model_json_str0(d, "title"), content, t, e->actor)
		             : SK_ENOMEM;
	} else if (strcmp(e->kind, "assessment.updated") == 0) {
		content = an_dump(json_object_get(d, "content"));
		rc = content ? store_tx_run(
		                       tx,
		                       "UPDATE assessment SET title = ?2, procedure_kind = ?3, "
		                       "procedure_ref = ?4, content = ?5, updated_at = ?6 WHERE "
		                       "id = ?1",
		                       "ittttt", id, model_json_str0(d, "title"),
		                       model_json_str0(d, "procedure_kind"),
		                       model_json_str0(d, "procedure_ref"), content, t)
		             : SK_ENOMEM;
	} else if (strcmp(e->kind, "assessment.approved") == 0) {
		rc = store_tx_run(tx,
		                  "UPDATE assessment SET state = 'approved', approved_on = ?2, "
		                  "approved_by = ?3, updated_at = ?4 WHERE id = ?1",
		                  "itit", id, model_json_str0(d, "approved_on"), e->actor, t);
	}
	free(content);
	return rc;
}

static const char *const secplan_tables[] = {"secplan", NULL};
static const char *const assessment_tables[] = {"assessment", NULL};

static const struct store_projection proj_secplan = {
        .name = "security plans",
        .kind_prefix = "secplan.",
        .tables = secplan_tables,
        .apply = apply_secplan,
};

static const struct store_projection proj_assessment = {
        .name = "special assessments",
        .kind_prefix = "assessment.",
        .tables = assessment_tables,
        .apply = apply_assessment,
};

void analysis_register_plans(void)
{
	store_register_projection(&proj_secplan);
	store_register_projection(&proj_assessment);
}

/* ---- queries ---- */

static json_t *sp_row(struct store_q *q, bool full)
{
	json_t *items = an_load(store_q_text(q, 4)), *x, *miss = json_array();
	json_t *o;
	size_t i;
	char f[48];

	json_array_foreach(items, i, x)
	{
		snprintf(f, sizeof(f), "items[%zu]", i);
		if (!json_is_string(json_object_get(x, "due")) ||
		    !model_json_str0(x, "responsible")[0])
			json_array_append_new(
			        miss,
			        json_pack("{s:s, s:s, s:s, s:{s:I}}", "field", f, "message",
			                  "a measure without due date or responsible function "
			                  "(2 kap. 12 §)",
			                  "reason", "secplan.missing.item", "params", "measure",
			                  json_integer_value(json_object_get(x, "measure_id"))));
	}
	o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:o, s:o, s:o, s:s, s:I}", "id",
	              (json_int_t)store_q_int(q, 0), "analysis_id", (json_int_t)store_q_int(q, 1),
	              "state", store_q_text(q, 2), "title", store_q_text(q, 3), "created_at",
	              store_q_text(q, 5), "created_by", (json_int_t)store_q_int(q, 6), "updated_at",
	              store_q_text(q, 7), "approved_on", model_q_json_text(q, 8), "approved_by",
	              model_q_json_int(q, 9), "approved_by_name", model_q_json_text(q, 10),
	              "analysis_title", store_q_text(q, 11), "item_count",
	              (json_int_t)json_array_size(items));
	if (o && full) {
		json_object_set_new(o, "items", items ? items : json_array());
		json_object_set_new(o, "missing", miss);
	} else {
		json_decref(items);
		json_decref(miss);
	}
	return o;
}

#define SP_COLS                                                                                    \
	"s.id, s.analysis_id, s.state, s.title, s.items, s.created_at, s.created_by, "             \
	"s.updated_at, s.approved_on, s.approved_by, (SELECT display_name FROM identity WHERE id " \
	"= s.approved_by), (SELECT title || ' v' || version FROM analysis WHERE id = "             \
	"s.analysis_id), (SELECT class FROM analysis WHERE id = s.analysis_id) "
#define SP_CLASS 12

/* A plan of an analysis p is not cleared for: what it is, never its title or items. */
static json_t *sp_hidden(struct store_q *q)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:b}", "id", (json_int_t)store_q_int(q, 0),
	                 "analysis_id", (json_int_t)store_q_int(q, 1), "state", store_q_text(q, 2),
	                 "class", store_q_text(q, SP_CLASS), "hidden", true);
}

json_t *secplan_list(struct model *m, const struct principal *p)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array();
	struct store_q *q;

	if (!r || !arr ||
	    store_reader_query(r, "SELECT " SP_COLS "FROM secplan s ORDER BY s.id", &q)) {
		json_decref(arr);
		return NULL;
	}
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, analysis_cleared(p, store_q_text(q, SP_CLASS))
		                                   ? sp_row(q, false)
		                                   : sp_hidden(q));
	store_q_done(q);
	return json_pack("{s:o}", "plans", arr);
}

json_t *secplan_get(struct model *m, const struct principal *p, int64_t id)
{
	struct store_reader *r = model_reader(m);
	json_t *o = NULL;
	struct store_q *q;

	if (!r || store_reader_query(r, "SELECT " SP_COLS "FROM secplan s WHERE s.id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = analysis_cleared(p, store_q_text(q, SP_CLASS)) ? sp_row(q, true) : sp_hidden(q);
	store_q_done(q);
	return o ? json_pack("{s:o}", "plan", o) : NULL;
}

json_t *secplan_due_items(struct store_reader *r, const struct principal *p, const char *today)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr ||
	    store_reader_query(r,
	                       "SELECT s.id, json_extract(j.value, '$.measure_id'), "
	                       "json_extract(j.value, '$.description'), json_extract(j.value, "
	                       "'$.due'), json_extract(j.value, '$.responsible'), "
	                       "CAST(julianday(json_extract(j.value, '$.due')) - "
	                       "julianday(?1) AS INTEGER), (SELECT coalesce(class, '') FROM "
	                       "analysis WHERE id = s.analysis_id) FROM secplan s, "
	                       "json_each(s.items) j "
	                       "WHERE s.state = 'approved' AND json_extract(j.value, '$.due') "
	                       "IS NOT NULL ORDER BY 4, 1, 2",
	                       &q))
		return arr;
	store_q_bind_text(q, 1, today);
	while (store_q_step(q) == SK_OK) {
		char obj[48];

		snprintf(obj, sizeof(obj), "secplan/%lld", (long long)store_q_int(q, 0));
		if (!analysis_cleared(p, store_q_text(q, 6))) {
			json_array_append_new(
			        arr,
			        json_pack("{s:s, s:I, s:s, s:s, s:I, s:b}", "kind", "secplan.item",
			                  "plan_id", (json_int_t)store_q_int(q, 0), "object", obj,
			                  "due", store_q_text(q, 3), "days_left",
			                  (json_int_t)store_q_int(q, 5), "hidden", true));
			continue;
		}
		json_array_append_new(
		        arr, json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:I}", "kind",
		                       "secplan.item", "plan_id", (json_int_t)store_q_int(q, 0),
		                       "measure_id", (json_int_t)store_q_int(q, 1), "what",
		                       store_q_text(q, 2), "due", store_q_text(q, 3), "responsible",
		                       store_q_text(q, 4), "object", obj, "days_left",
		                       (json_int_t)store_q_int(q, 5)));
	}
	store_q_done(q);
	return arr;
}

#define AS_COLS                                                                                    \
	"a.id, a.analysis_id, a.procedure_kind, a.procedure_ref, a.state, a.title, a.content, "    \
	"a.created_at, a.created_by, a.updated_at, a.approved_on, a.approved_by, (SELECT "         \
	"display_name FROM identity WHERE id = a.approved_by) "

static json_t *as_row_json(struct store_q *q, bool full)
{
	json_t *c = an_load(store_q_text(q, 6));
	json_t *o = json_pack(
	        "{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:o, s:o}", "id",
	        (json_int_t)store_q_int(q, 0), "analysis_id", model_q_json_int(q, 1),
	        "procedure_kind", store_q_text(q, 2), "procedure_ref", store_q_text(q, 3), "state",
	        store_q_text(q, 4), "title", store_q_text(q, 5), "created_at", store_q_text(q, 7),
	        "created_by", (json_int_t)store_q_int(q, 8), "updated_at", store_q_text(q, 9),
	        "approved_on", model_q_json_text(q, 10), "approved_by", model_q_json_int(q, 11),
	        "approved_by_name", model_q_json_text(q, 12));

	if (o) {
		json_object_set_new(o, "missing", assessment_missing(c));
		if (full)
			json_object_set(o, "content", c ? c : json_null());
	}
	json_decref(c);
	return o;
}

json_t *assessment_list(struct model *m)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array();
	struct store_q *q;

	if (!r || !arr ||
	    store_reader_query(r, "SELECT " AS_COLS "FROM assessment a ORDER BY a.id", &q)) {
		json_decref(arr);
		return NULL;
	}
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, as_row_json(q, false));
	store_q_done(q);
	return json_pack("{s:o}", "assessments", arr);
}

json_t *assessment_get(struct model *m, int64_t id)
{
	struct store_reader *r = model_reader(m);
	json_t *o = NULL;
	struct store_q *q;

	if (!r || store_reader_query(r, "SELECT " AS_COLS "FROM assessment a WHERE a.id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = as_row_json(q, true);
	store_q_done(q);
	if (!o)
		return NULL;
	/* the affected assets' names from the analysis it was made against */
	if (json_is_integer(json_object_get(o, "analysis_id")) &&
	    !store_reader_query(r, "SELECT content FROM analysis WHERE id = ?1", &q)) {
		store_q_bind_int(q, 1, json_integer_value(json_object_get(o, "analysis_id")));
		if (store_q_step(q) == SK_OK) {
			json_t *ac = an_load(store_q_text(q, 0));

			json_t *as = json_object_get(ac, "assets");

			json_object_set_new(o, "assets", as ? json_incref(as) : json_array());
			json_decref(ac);
		}
		store_q_done(q);
	}
	return json_pack("{s:o}", "assessment", o);
}
