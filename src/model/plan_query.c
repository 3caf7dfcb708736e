/*
 * Coordinated action plans: the readers — a plan's head, priorities and
 * measures, the list, the export in the file format, a measure by number and
 * its history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/plan.h"
#include "model/plan_int.h"
#include "model/reg_int.h"

/* ---- queries ---- */

json_t *plan_head(struct store_reader *r, int64_t id)
{
	struct store_q *q;
	json_t *o = NULL;

	if (store_reader_query(r,
	                       "SELECT id, title, report_year, period, source, created_at, "
	                       "updated_at, coalesce(first_report_year, report_year) FROM plan "
	                       "WHERE id = ?1",
	                       &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = json_pack("{s:I, s:s, s:I, s:s, s:o, s:s, s:s, s:I}", "id",
		              (json_int_t)store_q_int(q, 0), "title", store_q_text(q, 1),
		              "report_year", (json_int_t)store_q_int(q, 2), "period",
		              store_q_text(q, 3), "source", model_q_json_text(q, 4), "created_at",
		              store_q_text(q, 5), "updated_at", store_q_text(q, 6),
		              "first_report_year", (json_int_t)store_q_int(q, 7));
	store_q_done(q);
	return o;
}

static json_t *authorities(struct store_reader *r, int64_t id)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr || store_reader_query(r,
	                               "SELECT short, name FROM plan_authority WHERE plan_id = ?1 "
	                               "ORDER BY position",
	                               &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "short", store_q_text(q, 0),
		                                     "name", store_q_text(q, 1)));
	store_q_done(q);
	return arr;
}

/* priorities with their objectives: [{number, title, objectives: [{number, title}]}] */
json_t *plan_priorities(struct store_reader *r, int64_t id)
{
	json_t *arr = json_array(), *p;
	struct store_q *q;
	size_t i;

	if (!arr || store_reader_query(r,
	                               "SELECT number, title FROM plan_priority WHERE plan_id = ?1 "
	                               "ORDER BY sort_key",
	                               &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr,
		                      json_pack("{s:s, s:s, s:[]}", "number", store_q_text(q, 0),
		                                "title", store_q_text(q, 1), "objectives"));
	store_q_done(q);
	json_array_foreach(arr, i, p)
	{
		if (store_reader_query(
		            r,
		            "SELECT number, title FROM plan_objective WHERE plan_id = ?1 "
		            "AND priority = ?2 ORDER BY sort_key",
		            &q))
			break;
		store_q_bind_int(q, 1, id);
		store_q_bind_text(q, 2, model_json_str0(p, "number"));
		while (store_q_step(q) == SK_OK)
			json_array_append_new(json_object_get(p, "objectives"),
			                      json_pack("{s:s, s:s}", "number", store_q_text(q, 0),
			                                "title", store_q_text(q, 1)));
		store_q_done(q);
	}
	return arr;
}

json_t *plan_all_measures(struct store_reader *r, int64_t plan_id)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr ||
	    store_reader_query(r, PLAN_MEASURE_COLS "WHERE plan_id = ?1 ORDER BY sort_key", &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, plan_id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, plan_measure_row(q));
	store_q_done(q);
	return arr;
}

bool plan_in_list(const json_t *arr, const char *s)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
	{
		if (strcmp(json_string_value(x), s) == 0)
			return true;
	}
	return false;
}

/* "responsible", "participant" or NULL: the part org has in measure x. */
const char *plan_org_role(const json_t *x, const char *org)
{
	if (plan_in_list(json_object_get(x, "responsible"), org))
		return "responsible";
	if (plan_in_list(json_object_get(x, "participants"), org))
		return "participant";
	return NULL;
}

json_t *plan_export(struct model *m, int64_t id)
{
	static const char *const keys[] = {
	        "number",      "objective",    "title",       "description",   "responsible_text",
	        "responsible", "participants", "period_text", "start_year",    "end_year",
	        "marker",      "status",       "status_year", "status_reason", NULL};
	struct store_reader *r = model_reader(m);
	json_t *head, *doc, *ms, *out, *x;
	size_t i;

	if (!r || !(head = plan_head(r, id)))
		return NULL;
	doc = json_object();
	json_object_set(doc, "title", json_object_get(head, "title"));
	json_object_set(doc, "report_year", json_object_get(head, "report_year"));
	json_object_set(doc, "period", json_object_get(head, "period"));
	if (json_is_string(json_object_get(head, "source")))
		json_object_set(doc, "source", json_object_get(head, "source"));
	json_object_set_new(doc, "authorities", authorities(r, id));
	/* priorities come as number, title, objectives: the file's order */
	json_object_set_new(doc, "strategic_priorities", plan_priorities(r, id));
	ms = plan_all_measures(r, id);
	out = json_array();
	json_array_foreach(ms, i, x)
	{
		json_t *y = json_object();

		for (const char *const *k = keys; *k; k++)
			json_object_set(y, *k, json_object_get(x, *k));
		/* the file's marker is its reporting year's: an older year's is not carried on */
		if (model_json_int(x, "marker_year") != model_json_int(head, "report_year"))
			json_object_set_new(y, "marker", json_null());
		json_array_append_new(out, y);
	}
	json_decref(ms);
	json_object_set_new(doc, "measures", out);
	json_decref(head);
	return doc;
}

int plan_export_text(const json_t *doc, struct buf *out)
{
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (!s)
		return SK_ENOMEM;
	buf_puts(out, s);
	buf_puts(out, "\n");
	free(s);
	return out->err;
}

static json_t *counts_of(const json_t *ms)
{
	int64_t cur = 0, done = 0, off = 0;
	size_t i;
	json_t *x;

	json_array_foreach(ms, i, x)
	{
		const char *s = model_json_str0(x, "status");

		cur += strcmp(s, "current") == 0;
		done += strcmp(s, "completed") == 0;
		off += strcmp(s, "written_off") == 0;
	}
	return json_pack("{s:I, s:I, s:I, s:I}", "measures", (json_int_t)json_array_size(ms),
	                 "current", (json_int_t)cur, "completed", (json_int_t)done, "written_off",
	                 (json_int_t)off);
}

json_t *plan_list(struct model *m)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array(), *ids = json_array(), *x;
	struct store_q *q;
	size_t i;

	if (!r || !arr || !ids || store_reader_query(r, "SELECT id FROM plan ORDER BY id", &q)) {
		json_decref(arr);
		json_decref(ids);
		return NULL;
	}
	while (store_q_step(q) == SK_OK)
		json_array_append_new(ids, json_integer(store_q_int(q, 0)));
	store_q_done(q);
	json_array_foreach(ids, i, x)
	{
		json_t *h = plan_head(r, json_integer_value(x));
		json_t *ms = plan_all_measures(r, json_integer_value(x));

		if (h) {
			json_object_set_new(h, "counts", counts_of(ms));
			json_object_set_new(h, "reports",
			                    plan_submitted_reports(r, json_integer_value(x)));
			json_array_append_new(arr, h);
		}
		json_decref(ms);
	}
	json_decref(ids);
	return json_pack("{s:o}", "plans", arr);
}

json_t *plan_get(struct model *m, int64_t id)
{
	struct store_reader *r = model_reader(m);
	json_t *h, *p, *ms, *x, *o, *y;
	size_t i, j, k;

	if (!r || !(h = plan_head(r, id)))
		return NULL;
	p = plan_priorities(r, id);
	ms = plan_all_measures(r, id);
	json_array_foreach(p, i, x)
	{
		json_array_foreach(json_object_get(x, "objectives"), j, o)
		{
			json_t *list = json_array();

			json_array_foreach(ms, k, y)
			{
				if (strcmp(model_json_str0(y, "objective"),
				           model_json_str0(o, "number")) == 0)
					json_array_append(list, y);
			}
			json_object_set_new(o, "measures", list);
		}
	}
	json_object_set_new(h, "counts", counts_of(ms));
	json_object_set_new(h, "reports", plan_submitted_reports(r, id));
	json_object_set_new(h, "authorities", authorities(r, id));
	json_object_set_new(h, "strategic_priorities", p);
	json_decref(ms);
	return json_pack("{s:o}", "plan", h);
}

json_t *plan_measures(struct model *m, int64_t plan_id, const struct plan_filter *f)
{
	struct store_reader *r = model_reader(m);
	json_t *h, *ms, *out, *x;
	size_t i;

	if (!r || !(h = plan_head(r, plan_id)))
		return NULL;
	json_decref(h);
	ms = plan_all_measures(r, plan_id);
	out = json_array();
	json_array_foreach(ms, i, x)
	{
		const char *role = NULL;

		if (f && f->status && strcmp(model_json_str0(x, "status"), f->status) != 0)
			continue;
		if (f && f->objective && strcmp(model_json_str0(x, "objective"), f->objective) != 0)
			continue;
		if (f && f->org) {
			role = plan_org_role(x, f->org);
			if (!role)
				continue;
			json_object_set_new(x, "org_role", json_string(role));
		}
		json_array_append(out, x);
	}
	json_decref(ms);
	return json_pack("{s:o}", "measures", out);
}

json_t *plan_measure_get(struct model *m, int64_t measure_id)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	json_t *o = NULL;

	if (!r || store_reader_query(r, PLAN_MEASURE_COLS "WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, measure_id);
	if (store_q_step(q) == SK_OK)
		o = plan_measure_row(q);
	store_q_done(q);
	return o ? json_pack("{s:o}", "measure", o) : NULL;
}

int plan_measure_resolve(struct model *m, int64_t plan_id, const char *ref, int64_t *id,
                         struct model_err *err)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	int parts[3], n = 0;
	int64_t plan = 0;
	bool digits = ref && *ref;
	int rc;

	for (const char *s = ref; s && *s; s++)
		digits = digits && *s >= '0' && *s <= '9';
	if (!r)
		return SK_EIO;
	if (digits && strlen(ref) <= 15) { /* an internal id, kept for old links */
		int64_t v = strtoll(ref, NULL, 10);

		rc = store_reader_query(r, "SELECT id FROM plan_measure WHERE id = ?1", &q);
		if (rc)
			return rc;
		store_q_bind_int(q, 1, v);
		rc = store_q_step(q);
		store_q_done(q);
		if (rc == SK_OK)
			*id = v;
		else
			model_fail(err, SK_ENOTFOUND, "measure", "plan.measure_not_found", NULL,
			           "measure: no measure %lld", (long long)v);
		return rc;
	}
	if (!ref || plan_number_parts(ref, parts) != 3)
		return model_fail(err, SK_EINVAL, "measure", "plan.measure_ref", NULL,
		                  "measure: '%.20s' is not a measure number like 1.1.17",
		                  ref ? ref : "");
	rc = store_reader_query(r,
	                        "SELECT id, plan_id FROM plan_measure WHERE number = ?1 AND "
	                        "(?2 = 0 OR plan_id = ?2) ORDER BY plan_id",
	                        &q);
	if (rc)
		return rc;
	store_q_bind_text(q, 1, ref);
	store_q_bind_int(q, 2, plan_id);
	while (store_q_step(q) == SK_OK) {
		if (n++ == 0) {
			*id = store_q_int(q, 0);
			plan = store_q_int(q, 1);
		}
	}
	store_q_done(q);
	if (n == 0)
		return model_fail(err, SK_ENOTFOUND, "measure", "plan.measure_not_found", NULL,
		                  "measure: no measure %s", ref);
	if (n > 1)
		return model_fail(err, SK_EEXIST, "plan", "plan.measure_ambiguous",
		                  json_pack("{s:s,s:i}", "measure", ref, "count", n),
		                  "plan: measure %s is in %d plans: name the plan (e.g. plan=%lld)",
		                  ref, n, (long long)plan);
	return SK_OK;
}

struct hist {
	const char *number;
	json_t *out;
};

static int hist_one(void *ctx, const struct store_entry_row *row)
{
	struct hist *h = ctx;
	json_t *e = json_loadb(row->bytes, row->len, 0, NULL), *data, *keep = NULL, *x;
	size_t i;

	if (!e)
		return SK_ECORRUPT;
	data = json_object_get(e, "data");
	if (strcmp(row->kind, "plan.imported") == 0) {
		json_array_foreach(json_object_get(json_object_get(data, "plan"), "measures"), i, x)
		{
			if (strcmp(model_json_str0(x, "number"), h->number) == 0) {
				keep = json_deep_copy(x);
				json_object_set_new(
				        keep, "measure_id",
				        json_integer(model_json_int(data, "first_measure_id") +
				                     (int64_t)i));
				break;
			}
		}
	} else if (strcmp(model_json_str0(data, "number"), h->number) == 0) {
		keep = json_incref(data);
	}
	if (keep)
		json_array_append_new(h->out,
		                      json_pack("{s:I, s:s, s:I, s:s, s:s, s:o}", "seq",
		                                (json_int_t)row->seq, "time", row->time, "actor",
		                                (json_int_t)row->actor, "kind", row->kind, "object",
		                                row->object, "data", keep));
	json_decref(e);
	return SK_OK;
}

json_t *plan_measure_history(struct model *m, int64_t measure_id)
{
	struct store_reader *r = model_reader(m);
	struct store_log_filter f = {0};
	json_t *mo = plan_measure_get(m, measure_id), *x;
	char object[64];
	struct hist h;
	int rc;

	if (!r || !mo)
		return json_decref(mo), NULL;
	x = json_object_get(mo, "measure");
	snprintf(object, sizeof(object), "plan/%lld", (long long)model_json_int(x, "plan_id"));
	h.number = model_json_str0(x, "number");
	h.out = json_array();
	f.actor = -1;
	f.object = object;
	f.kind = "plan.";
	f.limit = 1000000;
	rc = store_reader_log(r, &f, hist_one, &h);
	if (rc) {
		json_decref(h.out);
		json_decref(mo);
		return NULL;
	}
	json_object_set_new(mo, "history", h.out);
	return mo;
}
