/*
 * Coordinated action plans: the yearly report (redovisning) with its changes
 * since last year and ended periods, reporting years (submission freezes a
 * report's bytes, the plan then moves on one year), the XLSX workbook and the
 * report deadlines. See docs/internals/plans.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "model/access_int.h"
#include "model/reg_int.h"
#include "model/plan.h"
#include "model/plan_int.h"
#include "model/xlsx.h"

/* Years are bounded (PLAN_YEAR_MIN..MAX); the compiler cannot see it. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* ---- the yearly report ---- */

/* The status of measure x as it stood at the end of year. */
static const char *status_in(const json_t *x, int year)
{
	const char *s = model_json_str0(x, "status");

	if (strcmp(s, "current") != 0 && plan_jhas_int(x, "status_year") &&
	    model_json_int(x, "status_year") > year)
		return "current";
	return s;
}

static json_t *report_item(const json_t *x, const char *status, int year, const char *org)
{
	json_t *o = json_pack(
	        "{s:I, s:s, s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:O, s:s}", "id",
	        (json_int_t)model_json_int(x, "id"), "number", model_json_str0(x, "number"),
	        "objective", model_json_str0(x, "objective"), "title", model_json_str0(x, "title"),
	        "responsible_text", model_json_str0(x, "responsible_text"), "responsible",
	        json_object_get(x, "responsible"), "participants",
	        json_object_get(x, "participants"), "period_text",
	        json_object_get(x, "period_text"), "start_year",
	        json_object_get(x, "start_year") ? json_object_get(x, "start_year") : json_null(),
	        "end_year",
	        json_object_get(x, "end_year") ? json_object_get(x, "end_year") : json_null(),
	        "status", status);
	bool marked = model_json_str(x, "marker") && plan_jhas_int(x, "marker_year") &&
	              model_json_int(x, "marker_year") == year && strcmp(status, "current") == 0;

	if (!o)
		return NULL;
	json_object_set_new(o, "marker",
	                    marked ? json_string(model_json_str(x, "marker")) : json_null());
	if (strcmp(status, "current") != 0) {
		json_object_set(o, "status_year", json_object_get(x, "status_year"));
		if (strcmp(status, "written_off") == 0)
			json_object_set(o, "status_reason", json_object_get(x, "status_reason"));
	} else {
		if (plan_jhas_int(x, "end_year") && model_json_int(x, "end_year") < year)
			/* still current although its period has ended: the report points it out */
			json_object_set_new(o, "period_ended", json_true());
		if (model_json_str(x, "continues"))
			json_object_set(o, "continues", json_object_get(x, "continues"));
	}
	if (org)
		json_object_set_new(o, "org_role", json_string(plan_org_role(x, org)));
	return o;
}

/* ---- changes in a reporting year (from the ledger: entries stamped with it) ---- */

struct chg {
	int year;
	json_t *by_number; /* number → measure (for titles) */
	json_t *out;       /* {added, completed, written_off, reopened, changed} */
	json_t *changed;   /* number → {number, title, text, agencies, timetable, fields} */
};

static const char *field_group(const char *f)
{
	if (strcmp(f, "title") == 0 || strcmp(f, "description") == 0)
		return "text";
	if (strcmp(f, "period_text") == 0)
		return "timetable";
	if (strcmp(f, "marker") == 0)
		return "marker";
	return "agencies";
}

static int chg_one(void *ctx, const struct store_entry_row *row)
{
	struct chg *c = ctx;
	json_t *e = json_loadb(row->bytes, row->len, 0, NULL), *d, *x, *item;
	const char *num, *k;

	if (!e)
		return SK_ECORRUPT;
	d = json_object_get(e, "data");
	num = model_json_str0(d, "number");
	if (!plan_jhas_int(d, "report_year") || model_json_int(d, "report_year") != c->year) {
		json_decref(e);
		return SK_OK;
	}
	x = json_object_get(c->by_number, num);
	item = json_pack("{s:s, s:s}", "number", num, "title",
	                 x ? model_json_str0(x, "title") : model_json_str0(d, "title"));
	if (strcmp(row->kind, "plan.measure.added") == 0) {
		json_array_append_new(json_object_get(c->out, "added"), item);
	} else if (strcmp(row->kind, "plan.measure.completed") == 0) {
		json_object_set(item, "year", json_object_get(d, "year"));
		json_array_append_new(json_object_get(c->out, "completed"), item);
	} else if (strcmp(row->kind, "plan.measure.written_off") == 0) {
		json_object_set(item, "year", json_object_get(d, "year"));
		json_object_set(item, "reason", json_object_get(d, "reason"));
		json_array_append_new(json_object_get(c->out, "written_off"), item);
	} else if (strcmp(row->kind, "plan.measure.reopened") == 0) {
		json_object_set(item, "reason", json_object_get(d, "reason"));
		json_object_set(item, "previous", json_object_get(d, "previous"));
		json_array_append_new(json_object_get(c->out, "reopened"), item);
	} else if (strcmp(row->kind, "plan.measure.updated") == 0) {
		json_t *have = json_object_get(c->changed, num), *v;

		if (!have) {
			json_object_set_new(item, "text", json_false());
			json_object_set_new(item, "agencies", json_false());
			json_object_set_new(item, "timetable", json_false());
			json_object_set_new(item, "fields", json_array());
			json_object_set(c->changed, num, item);
			json_array_append(json_object_get(c->out, "changed"), item);
			have = item;
		}
		json_object_foreach(json_object_get(d, "previous"), k, v)
		{
			const char *g = field_group(k);

			(void)v;
			if (strcmp(g, "marker") != 0)
				json_object_set_new(have, g, json_true());
			if (!plan_in_list(json_object_get(have, "fields"), k))
				json_array_append_new(json_object_get(have, "fields"),
				                      json_string(k));
		}
		json_decref(item);
	} else {
		json_decref(item);
	}
	json_decref(e);
	return SK_OK;
}

static json_t *report_changes(struct store_reader *r, int64_t plan_id, int year, const json_t *ms)
{
	struct store_log_filter f = {0};
	struct chg c = {year, json_object(), NULL, json_object()};
	char object[40];
	size_t i;
	json_t *x;

	c.out = json_pack("{s:I, s:[], s:[], s:[], s:[], s:[]}", "year", (json_int_t)year, "added",
	                  "completed", "written_off", "reopened", "changed");
	json_array_foreach(ms, i, x) json_object_set(c.by_number, model_json_str0(x, "number"), x);
	snprintf(object, sizeof(object), "plan/%lld", (long long)plan_id);
	f.actor = -1;
	f.object = object;
	f.kind = "plan.measure.";
	f.limit = 1000000;
	if (store_reader_log(r, &f, chg_one, &c) != SK_OK) {
		json_decref(c.out);
		c.out = NULL;
	}
	json_decref(c.by_number);
	json_decref(c.changed);
	return c.out;
}

/* Keeps in each list of changes only the measures whose numbers are in keep. */
static void filter_changes(json_t *changes, const json_t *keep)
{
	static const char *const lists[] = {"added",    "completed", "written_off",
	                                    "reopened", "changed",   NULL};

	for (const char *const *l = lists; *l; l++) {
		json_t *arr = json_object_get(changes, *l);

		for (size_t i = json_array_size(arr); i-- > 0;) {
			if (!json_object_get(keep,
			                     model_json_str0(json_array_get(arr, i), "number")))
				json_array_remove(arr, i);
		}
	}
}

/*
 * The report for year from the plan's head h, its priorities p and measures
 * ms (rows, or a frozen report's items), with the year's changes (may be
 * NULL). Takes ownership of h, p and changes.
 */
static json_t *report_build(json_t *h, json_t *p, const json_t *ms, int year, const char *org,
                            json_t *changes)
{
	json_t *x, *o, *y, *app, *tot, *ended, *keep = json_object();
	int64_t n_new = 0, n_upd = 0, n_cur = 0, n_done = 0, n_off = 0;
	char due[11];
	size_t i, j, k;

	app = json_pack("{s:[], s:[], s:[]}", "current", "completed", "written_off");
	ended = json_array();
	json_array_foreach(p, i, x)
	{
		json_t *pc = json_pack("{s:I, s:I, s:I}", "current", (json_int_t)0, "new",
		                       (json_int_t)0, "updated", (json_int_t)0);

		json_array_foreach(json_object_get(x, "objectives"), j, o)
		{
			json_t *list = json_array();
			int64_t c = 0, nw = 0, up = 0;

			json_array_foreach(ms, k, y)
			{
				const char *st = status_in(y, year);
				json_t *it;

				if (strcmp(model_json_str0(y, "objective"),
				           model_json_str0(o, "number")) != 0 ||
				    strcmp(st, "current") != 0 || (org && !plan_org_role(y, org)))
					continue;
				it = report_item(y, st, year, org);
				c++;
				nw += model_json_str(it, "marker") &&
				      strcmp(model_json_str(it, "marker"), "new") == 0;
				up += model_json_str(it, "marker") &&
				      strcmp(model_json_str(it, "marker"), "updated") == 0;
				json_array_append_new(list, it);
			}
			json_object_set_new(o, "measures", list);
			json_object_set_new(o, "counts",
			                    json_pack("{s:I, s:I, s:I}", "current", (json_int_t)c,
			                              "new", (json_int_t)nw, "updated",
			                              (json_int_t)up));
			json_object_set_new(pc, "current",
			                    json_integer(model_json_int(pc, "current") + c));
			json_object_set_new(pc, "new",
			                    json_integer(model_json_int(pc, "new") + nw));
			json_object_set_new(pc, "updated",
			                    json_integer(model_json_int(pc, "updated") + up));
		}
		json_object_set_new(x, "counts", pc);
	}
	json_array_foreach(ms, k, y)
	{
		const char *st = status_in(y, year);
		json_t *it;

		if (org && !plan_org_role(y, org))
			continue;
		it = report_item(y, st, year, org);
		json_object_set_new(keep, model_json_str0(y, "number"), json_true());
		n_cur += strcmp(st, "current") == 0;
		n_done += strcmp(st, "completed") == 0;
		n_off += strcmp(st, "written_off") == 0;
		n_new += model_json_str(it, "marker") &&
		         strcmp(model_json_str(it, "marker"), "new") == 0;
		n_upd += model_json_str(it, "marker") &&
		         strcmp(model_json_str(it, "marker"), "updated") == 0;
		if (json_is_true(json_object_get(it, "period_ended")))
			json_array_append_new(
			        ended, json_pack("{s:s, s:s, s:O, s:O}", "number",
			                         model_json_str0(it, "number"), "title",
			                         model_json_str0(it, "title"), "period_text",
			                         json_object_get(it, "period_text"), "end_year",
			                         json_object_get(it, "end_year")));
		json_array_append_new(json_object_get(app, st), it);
	}
	tot = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "measures",
	                (json_int_t)(n_cur + n_done + n_off), "current", (json_int_t)n_cur,
	                "completed", (json_int_t)n_done, "written_off", (json_int_t)n_off, "new",
	                (json_int_t)n_new, "updated", (json_int_t)n_upd, "period_ended",
	                (json_int_t)json_array_size(ended));
	if (changes && org)
		filter_changes(changes, keep);
	json_decref(keep);
	snprintf(due, sizeof(due), "%04d-03-01", year + 1);
	return json_pack("{s:{s:o, s:I, s:o, s:s, s:o, s:o, s:o, s:o, s:o}}", "report", "plan", h,
	                 "year", (json_int_t)year, "org", org ? json_string(org) : json_null(),
	                 "due", due, "strategic_priorities", p, "appendix", app, "totals", tot,
	                 "period_ended", ended, "changes", changes ? changes : json_object());
}

/* The report's own text for year, or null. */
static json_t *report_text_of(struct store_reader *r, int64_t plan_id, int year)
{
	struct store_q *q;
	json_t *t = NULL;

	if (store_reader_query(
	            r, "SELECT body FROM plan_report_text WHERE plan_id = ?1 AND year = ?2", &q))
		return json_null();
	store_q_bind_int(q, 1, plan_id);
	store_q_bind_int(q, 2, year);
	if (store_q_step(q) == SK_OK)
		t = json_loads(store_q_text(q, 0), 0, NULL);
	store_q_done(q);
	return t ? t : json_null();
}

json_t *plan_report(struct model *m, int64_t plan_id, int year, const char *org)
{
	struct store_reader *r = model_reader(m);
	json_t *h, *p, *ms, *rep, *changes;

	if (!r || !(h = plan_head(r, plan_id)))
		return NULL;
	p = plan_priorities(r, plan_id);
	ms = plan_all_measures(r, plan_id);
	changes = report_changes(r, plan_id, year, ms);
	{
		int s = 0, t = 0;
		bool final = plan_period_parse(model_json_str0(h, "period"), &s, &t) && t > 0 &&
		             year >= t;

		rep = report_build(h, p, ms, year, org, changes);
		/* the period's last year: the final report (slutredovisning) */
		json_object_set_new(json_object_get(rep, "report"), "final", json_boolean(final));
		json_object_set_new(json_object_get(rep, "report"), "text",
		                    report_text_of(r, plan_id, year));
	}
	json_decref(ms);
	return rep;
}

/* A frozen report rebuilt for one authority: its items stand in for the measures. */
static json_t *frozen_for_org(const char *body, const char *org)
{
	json_t *doc = json_loads(body, 0, NULL), *rep, *ms, *x, *rows, *out;
	static const char *const sect[] = {"current", "completed", "written_off", NULL};
	size_t i;
	int year;

	rep = json_object_get(doc, "report");
	if (!rep) {
		json_decref(doc);
		return NULL;
	}
	year = (int)model_json_int(rep, "year");
	ms = json_array();
	for (const char *const *s = sect; *s; s++) {
		rows = json_object_get(json_object_get(rep, "appendix"), *s);
		json_array_foreach(rows, i, x)
		{
			json_t *y = json_copy(x);

			if (model_json_str(y, "marker"))
				json_object_set_new(y, "marker_year", json_integer(year));
			json_array_append_new(ms, y);
		}
	}
	out = report_build(json_incref(json_object_get(rep, "plan")),
	                   json_incref(json_object_get(rep, "strategic_priorities")), ms, year, org,
	                   json_incref(json_object_get(rep, "changes")));
	if (out) {
		json_object_set(json_object_get(out, "report"), "final",
		                json_object_get(rep, "final"));
		json_object_set(json_object_get(out, "report"), "submitted",
		                json_object_get(rep, "submitted"));
		json_object_set(json_object_get(out, "report"), "text",
		                json_object_get(rep, "text"));
	}
	json_decref(ms);
	json_decref(doc);
	return out;
}

int plan_report_for(struct model *m, int64_t plan_id, int year, const char *org, json_t **out,
                    struct buf *frozen, struct model_err *err)
{
	struct store_reader *r = model_reader(m);
	json_t *h;
	int64_t first, open;
	struct store_q *q;
	int rc;

	*out = NULL;
	if (!r || !(h = plan_head(r, plan_id)))
		return model_fail(err, SK_ENOTFOUND, "id", "plan.not_found", NULL, "no plan %lld",
		                  (long long)plan_id);
	first = model_json_int(h, "first_report_year");
	open = model_json_int(h, "report_year");
	json_decref(h);
	if (year == 0)
		year = (int)open;
	if (year < first)
		return model_fail(err, SK_EINVAL, "year", "plan.report_before_first",
		                  json_pack("{s:i,s:I}", "year", year, "first", (json_int_t)first),
		                  "year: no report for %d: the plan's first reporting year is %lld",
		                  year, (long long)first);
	if (year > open)
		return model_fail(
		        err, SK_EINVAL, "year", "plan.report_after_open",
		        json_pack("{s:i,s:I}", "year", year, "report_year", (json_int_t)open),
		        "year: %d is after the plan's reporting year %lld (plan year "
		        "moves it)",
		        year, (long long)open);
	rc = store_reader_query(r, "SELECT body FROM plan_report WHERE plan_id = ?1 AND year = ?2",
	                        &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, plan_id);
	store_q_bind_int(q, 2, year);
	if (store_q_step(q) == SK_OK) {
		if (org)
			*out = frozen_for_org(store_q_text(q, 0), org);
		else
			buf_puts(frozen, store_q_text(q, 0));
		store_q_done(q);
		if (org && !*out)
			return SK_ECORRUPT;
		return frozen->err ? SK_ENOMEM : SK_OK;
	}
	store_q_done(q);
	*out = plan_report(m, plan_id, year, org);
	return *out ? SK_OK : SK_EIO;
}

/* ---- reporting years: submission (frozen) and the move to the next year ---- */

struct submit_cmd {
	const struct principal *p;
	int64_t plan_id, year;
	const char *text, *updated_at;
	char sha[65];
};

/* The final report needs a closing decision for every measure still current. */
static int final_undecided(struct store_tx *tx, int64_t plan_id)
{
	struct store_q *q;
	char list[200] = "";
	size_t len = 0;
	int n = 0;
	int rc = store_tx_query(tx,
	                        "SELECT number FROM plan_measure WHERE plan_id = ?1 AND status = "
	                        "'current' AND continues IS NULL ORDER BY sort_key",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, plan_id);
	while (store_q_step(q) == SK_OK) {
		if (n++ < 8 && len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
			                        n > 1 ? ", " : "", store_q_text(q, 0));
	}
	store_q_done(q);
	if (n == 0)
		return SK_OK;
	return store_tx_failr(
	        tx, SK_ERULE, "measures", "plan.final_undecided",
	        json_pack("{s:i,s:s+}", "count", n, "measures", list, n > 8 ? " …" : ""),
	        "measures: the final report needs a closing decision (complete, "
	        "write off or continue) for every current measure; %d have none: "
	        "%s%s",
	        n, list, n > 8 ? " …" : "");
}

/* The plan's state, for the ssc or the chief (who write the plan's reports). */
static int tx_writer_state(struct store_tx *tx, const struct principal *p, int64_t plan_id,
                           struct plan_state *st)
{
	int rc = model_tx_need_roles(tx, p, MODEL_ROLES_SSC_CHIEF, plan_write_why);

	return rc ? rc : plan_tx_state(tx, plan_id, st);
}

static int submit_fn(struct store_tx *tx, void *arg)
{
	struct submit_cmd *c = arg;
	struct plan_state st;
	int rc = tx_writer_state(tx, c->p, c->plan_id, &st);

	if (rc)
		return rc;
	if (st.submitted >= c->year)
		return store_tx_failr(tx, SK_EEXIST, "year", "plan.report_submitted",
		                      json_pack("{s:I}", "year", (json_int_t)c->year),
		                      "year: the report for %lld is submitted already",
		                      (long long)c->year);
	if (c->year != st.report_year)
		return store_tx_failr(tx, SK_EINVAL, "year", "plan.submit_open_year",
		                      json_pack("{s:I}", "year", (json_int_t)st.report_year),
		                      "year: only the plan's reporting year %lld can be submitted",
		                      (long long)st.report_year);
	rc = plan_tx_agencies_approved(tx, c->plan_id, c->year);
	if (rc)
		return rc;
	if (c->year >= st.last_year) {
		rc = final_undecided(tx, c->plan_id);
		if (rc)
			return rc;
	}
	/* the report was made outside this transaction: refuse it if the plan changed since */
	if (strcmp(st.updated_at, c->updated_at) != 0)
		return store_tx_failr(tx, SK_EEXIST, NULL, "plan.changed_meanwhile", NULL,
		                      "the plan changed while its report was made: submit again");
	return model_tx_log(
	        tx, model_actor_of(c->p), "plan.report.submitted", "plan", c->plan_id,
	        model_with_token(json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)c->plan_id,
	                                   "year", (json_int_t)c->year, "sha256", c->sha, "report",
	                                   c->text),
	                         c->p));
}

int plan_report_submit(struct model *m, const struct principal *p, int64_t plan_id, int64_t year,
                       char sha[65], struct model_err *err)
{
	struct submit_cmd c = {p, plan_id, year, NULL, NULL, ""};
	unsigned char h[crypto_hash_sha256_BYTES];
	json_t *rep;
	char *text;
	int rc;

	if (year < PLAN_YEAR_MIN || year > PLAN_YEAR_MAX)
		return model_fail(
		        err, SK_EINVAL, "year", "field.range",
		        json_pack("{s:i,s:i}", "min", PLAN_YEAR_MIN, "max", PLAN_YEAR_MAX),
		        "year: must be %d..%d", PLAN_YEAR_MIN, PLAN_YEAR_MAX);
	rep = plan_report(m, plan_id, (int)year, NULL);
	if (!rep)
		return model_fail(err, SK_ENOTFOUND, "id", "plan.not_found", NULL, "no plan %lld",
		                  (long long)plan_id);
	json_object_set_new(json_object_get(rep, "report"), "submitted", json_true());
	/* the canonical bytes: compact, keys sorted, UTF-8 as is */
	text = json_dumps(rep, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text) {
		json_decref(rep);
		return SK_ENOMEM;
	}
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(c.sha, sizeof(c.sha), h, sizeof(h));
	c.text = text;
	c.updated_at = model_json_str0(json_object_get(json_object_get(rep, "report"), "plan"),
	                               "updated_at");
	rc = model_submit(m, submit_fn, &c, err);
	if (!rc && sha)
		memcpy(sha, c.sha, sizeof(c.sha));
	free(text);
	json_decref(rep);
	return rc;
}

/* ---- the report's own text ---- */

#define RTEXT_MAX    20000
#define RTITLE_MAX   200
#define RSECTION_MAX 20

static bool only_keys(const json_t *o, const char *a, const char *b, const char *c)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)(uintptr_t)o, k, v)
	{
		(void)v;
		if (strcmp(k, a) != 0 && strcmp(k, b) != 0 && (!c || strcmp(k, c) != 0))
			return false;
	}
	return true;
}

static bool text_ok(const json_t *v, size_t min, size_t max, bool lines)
{
	const char *s = json_string_value(v);

	return s && strlen(s) >= min && strlen(s) <= max &&
	       model_text_ok(s, lines ? MODEL_TEXT_NL : 0);
}

/* Checks the text's shape (pure): {summary?, priorities?: [{number, text}], sections?: [{title,
 * text}]}. */
static int check_report_text(const json_t *t, struct model_err *err)
{
	char p[48];
	size_t i;
	json_t *x;

	if (!json_is_object(t) || !only_keys(t, "summary", "priorities", "sections"))
		return plan_failr(err, "text", "field.unknown", NULL,
		                  "only summary, priorities and sections");
	if (json_object_get(t, "summary") &&
	    !text_ok(json_object_get(t, "summary"), 0, RTEXT_MAX, true))
		return plan_failr(err, "summary", "field.too_long",
		                  json_pack("{s:i}", "max", RTEXT_MAX), "text of up to %d bytes",
		                  RTEXT_MAX);
	if (json_object_get(t, "priorities") &&
	    (!json_is_array(json_object_get(t, "priorities")) ||
	     json_array_size(json_object_get(t, "priorities")) > 100))
		return plan_failr(err, "priorities", "field.too_many",
		                  json_pack("{s:i}", "max", 100),
		                  "a list of up to 100 {number, text}");
	json_array_foreach(json_object_get(t, "priorities"), i, x)
	{
		snprintf(p, sizeof(p), "priorities[%zu]", i);
		if (!json_is_object(x) || !only_keys(x, "number", "text", NULL) ||
		    !text_ok(json_object_get(x, "number"), 1, 16, false))
			return plan_failr(err, p, "field.type", NULL, "must be {number, text}");
		if (!text_ok(json_object_get(x, "text"), 0, RTEXT_MAX, true)) {
			snprintf(p, sizeof(p), "priorities[%zu].text", i);
			return plan_failr(err, p, "plan.report.priority_text",
			                  json_pack("{s:s,s:i}", "priority",
			                            json_string_value(json_object_get(x, "number")),
			                            "max", RTEXT_MAX),
			                  "text of up to %d bytes", RTEXT_MAX);
		}
	}
	if (json_object_get(t, "sections") &&
	    (!json_is_array(json_object_get(t, "sections")) ||
	     json_array_size(json_object_get(t, "sections")) > RSECTION_MAX))
		return plan_failr(err, "sections", "field.too_many",
		                  json_pack("{s:i}", "max", RSECTION_MAX),
		                  "a list of up to %d {title, text}", RSECTION_MAX);
	json_array_foreach(json_object_get(t, "sections"), i, x)
	{
		snprintf(p, sizeof(p), "sections[%zu].title", i);
		if (!json_is_object(x) || !only_keys(x, "title", "text", NULL) ||
		    !text_ok(json_object_get(x, "title"), 1, RTITLE_MAX, false))
			return plan_failr(
			        err, p, "plan.report.section_title",
			        json_pack("{s:I,s:i}", "pos", (json_int_t)i + 1, "max", RTITLE_MAX),
			        "a title of 1..%d bytes", RTITLE_MAX);
		snprintf(p, sizeof(p), "sections[%zu].text", i);
		if (!text_ok(json_object_get(x, "text"), 0, RTEXT_MAX, true))
			return plan_failr(
			        err, p, "plan.report.section_text",
			        json_pack("{s:I,s:i}", "pos", (json_int_t)i + 1, "max", RTEXT_MAX),
			        "text of up to %d bytes", RTEXT_MAX);
	}
	return SK_OK;
}

struct text_cmd {
	const struct principal *p;
	int64_t plan_id, year;
	const json_t *text;
};

static int text_fn(struct store_tx *tx, void *arg)
{
	struct text_cmd *c = arg;
	struct plan_state st;
	size_t i;
	json_t *x;
	int64_t n;
	int rc = tx_writer_state(tx, c->p, c->plan_id, &st);

	if (rc)
		return rc;
	if (c->year != st.report_year || st.submitted >= c->year)
		return store_tx_failr(tx, st.submitted >= c->year ? SK_ERULE : SK_EINVAL, "year",
		                      st.submitted >= st.report_year ? "plan.text_submitted"
		                                                     : "plan.text_open_year",
		                      json_pack("{s:I}", "year", (json_int_t)st.report_year),
		                      "year: the text belongs to the open reporting year%s (%lld)",
		                      st.submitted >= st.report_year ? ", whose report is submitted"
		                                                     : "",
		                      (long long)st.report_year);
	json_array_foreach(json_object_get(c->text, "priorities"), i, x)
	{
		rc = store_tx_int(
		        tx, &n,
		        "SELECT count(*) FROM plan_priority WHERE plan_id = ?1 AND number "
		        "= ?2",
		        "it", c->plan_id, json_string_value(json_object_get(x, "number")));
		if (rc)
			return rc;
		if (n == 0)
			return store_tx_failr(
			        tx, SK_EINVAL, "priorities", "plan.no_priority",
			        json_pack("{s:s}", "priority",
			                  json_string_value(json_object_get(x, "number"))),
			        "priorities[%zu].number: no priority %.16s", i,
			        json_string_value(json_object_get(x, "number")));
	}
	return model_tx_log(
	        tx, model_actor_of(c->p), "plan.report.text", "plan", c->plan_id,
	        model_with_token(json_pack("{s:I, s:I, s:O}", "id", (json_int_t)c->plan_id, "year",
	                                   (json_int_t)c->year, "text", c->text),
	                         c->p));
}

int plan_report_text_set(struct model *m, const struct principal *p, int64_t plan_id, int64_t year,
                         const json_t *text, struct model_err *err)
{
	struct text_cmd c = {p, plan_id, year, text};
	int rc = check_report_text(text, err);

	return rc ? rc : model_submit(m, text_fn, &c, err);
}

struct year_cmd {
	const struct principal *p;
	int64_t plan_id, to;
};

static int year_fn(struct store_tx *tx, void *arg)
{
	struct year_cmd *c = arg;
	struct plan_state st;
	int rc = tx_writer_state(tx, c->p, c->plan_id, &st);

	if (rc)
		return rc;
	if (c->to <= st.report_year)
		return store_tx_failr(tx, SK_EINVAL, "to", "plan.year_forward",
		                      json_pack("{s:I}", "year", (json_int_t)st.report_year),
		                      "to: a plan's reporting year only moves forward (it is %lld)",
		                      (long long)st.report_year);
	if (c->to != st.report_year + 1)
		return store_tx_failr(tx, SK_EINVAL, "to", "plan.year_next",
		                      json_pack("{s:I}", "year", (json_int_t)st.report_year + 1),
		                      "to: the next reporting year is %lld",
		                      (long long)st.report_year + 1);
	if (c->to > st.last_year)
		return store_tx_failr(tx, SK_ERULE, "to", "plan.year_after_end",
		                      json_pack("{s:I}", "year", (json_int_t)st.last_year),
		                      "to: the plan ends in %lld: its final report is the one for "
		                      "%lld",
		                      (long long)st.last_year, (long long)st.last_year);
	if (st.submitted < st.report_year)
		return store_tx_failr(
		        tx, SK_ERULE, "to", "plan.year_unsubmitted",
		        json_pack("{s:I}", "year", (json_int_t)st.report_year),
		        "to: the report for %lld is not submitted yet: submit it first",
		        (long long)st.report_year);
	return model_tx_log(
	        tx, model_actor_of(c->p), "plan.year.changed", "plan", c->plan_id,
	        model_with_token(json_pack("{s:I, s:I, s:I}", "id", (json_int_t)c->plan_id, "from",
	                                   (json_int_t)st.report_year, "to", (json_int_t)c->to),
	                         c->p));
}

int plan_year_advance(struct model *m, const struct principal *p, int64_t plan_id, int64_t to,
                      struct model_err *err)
{
	struct year_cmd c = {p, plan_id, to};

	return model_submit(m, year_fn, &c, err);
}

/* ---- XLSX ---- */

static void xlsx_orgs(lxw_worksheet *ws, int row, int col, const json_t *arr, lxw_format *f)
{
	struct buf b;

	buf_init(&b, 4096);
	plan_join_orgs(arr, &b);
	worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, b.ptr ? b.ptr : "", f);
	buf_release(&b);
}

static void xlsx_str(lxw_worksheet *ws, int row, int col, const json_t *o, const char *key,
                     lxw_format *f)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, json_string_value(v), f);
	else if (json_is_integer(v))
		worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col,
		                       (double)json_integer_value(v), f);
}

void plan_marker_text(const json_t *rep, const json_t *x, char *out, size_t cap)
{
	static const char *const keys[] = {"timetable", "text", "agencies"};
	static const char *const words[] = {"tidplan", "innehåll", "ansvar"};
	const char *m = model_json_str(x, "marker"), *parts[3];
	const json_t *ch;
	size_t i, n = 0, len;

	out[0] = '\0';
	if (!m)
		return;
	len = (size_t)snprintf(out, cap, "%s", strcmp(m, "new") == 0 ? "Ny" : "Uppdaterad");
	if (strcmp(m, "updated") != 0)
		return;
	/* what the year's changes say changed: "Uppdaterad, tidplan och innehåll" as in Bilaga 1 */
	json_array_foreach(json_object_get(json_object_get(rep, "changes"), "changed"), i, ch)
	{
		if (strcmp(model_json_str0(ch, "number"), model_json_str0(x, "number")) != 0)
			continue;
		for (size_t k = 0; k < 3; k++) {
			if (json_is_true(json_object_get(ch, keys[k])) &&
			    (n == 0 || strcmp(parts[n - 1], words[k]) != 0))
				parts[n++] = words[k];
		}
		break;
	}
	for (i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s",
		                        i == 0 ? ", " : (i + 1 == n ? " och " : ", "), parts[i]);
}

int plan_report_xlsx(const json_t *report, const char *tmpdir, struct buf *out)
{
	static const char *const head1[] = {"Nummer",    "Åtgärd",     "Ansvarig", "Ansvariga",
	                                    "Deltagare", "Tidsperiod", "Markering"};
	static const char *const head2[] = {"Status", "Nummer", "Åtgärd",   "Ansvarig myndighet",
	                                    "År",     "Skäl",   "Markering"};
	static const char *const sect[] = {"current", "completed", "written_off"};
	static const char *const sect_sv[] = {"Pågående", "Avslutad", "Avskriven"};
	const json_t *rep = json_object_get(report, "report");
	struct model_xlsx xl;
	char title[400], mark[96];
	lxw_workbook *wb;
	lxw_worksheet *ws1, *ws2;
	lxw_format *bold, *wrap;
	json_t *p, *o, *x;
	size_t i, j, k;
	int row, rc;

	if (!rep)
		rep = report;
	rc = model_xlsx_open(&xl, tmpdir);
	if (rc)
		return rc;
	wb = xl.wb;
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	ws1 = workbook_add_worksheet(wb, "Redovisning");
	ws2 = workbook_add_worksheet(wb, "Bilaga");
	snprintf(title, sizeof(title), "%s — redovisning %lld",
	         model_json_str0(json_object_get(rep, "plan"), "title"),
	         (long long)model_json_int(rep, "year"));
	worksheet_write_string(ws1, 0, 0, title, bold);
	if (model_json_str(rep, "org"))
		worksheet_write_string(ws1, 1, 0, model_json_str(rep, "org"), NULL);
	for (i = 0; i < 7; i++)
		worksheet_write_string(ws1, 2, (lxw_col_t)i, head1[i], bold);
	worksheet_set_column(ws1, 0, 0, 10, NULL);
	worksheet_set_column(ws1, 1, 1, 60, wrap);
	worksheet_set_column(ws1, 2, 4, 30, wrap);
	worksheet_set_column(ws1, 5, 6, 16, NULL);
	row = 3;
	json_array_foreach(json_object_get(rep, "strategic_priorities"), i, p)
	{
		snprintf(title, sizeof(title), "Strategisk prioritering %s: %s",
		         model_json_str0(p, "number"), model_json_str0(p, "title"));
		worksheet_write_string(ws1, (lxw_row_t)row++, 0, title, bold);
		json_array_foreach(json_object_get(p, "objectives"), j, o)
		{
			snprintf(title, sizeof(title), "Målsättning %s: %s",
			         model_json_str0(o, "number"), model_json_str0(o, "title"));
			worksheet_write_string(ws1, (lxw_row_t)row++, 0, title, bold);
			json_array_foreach(json_object_get(o, "measures"), k, x)
			{
				xlsx_str(ws1, row, 0, x, "number", NULL);
				xlsx_str(ws1, row, 1, x, "title", wrap);
				xlsx_str(ws1, row, 2, x, "responsible_text", wrap);
				xlsx_orgs(ws1, row, 3, json_object_get(x, "responsible"), wrap);
				xlsx_orgs(ws1, row, 4, json_object_get(x, "participants"), wrap);
				xlsx_str(ws1, row, 5, x, "period_text", NULL);
				plan_marker_text(rep, x, mark, sizeof(mark));
				worksheet_write_string(ws1, (lxw_row_t)row, 6, mark, NULL);
				row++;
			}
		}
	}
	for (i = 0; i < 7; i++)
		worksheet_write_string(ws2, 0, (lxw_col_t)i, head2[i], bold);
	worksheet_set_column(ws2, 0, 1, 12, NULL);
	worksheet_set_column(ws2, 2, 3, 50, wrap);
	worksheet_set_column(ws2, 4, 4, 8, NULL);
	worksheet_set_column(ws2, 5, 5, 60, wrap);
	worksheet_set_column(ws2, 6, 6, 30, NULL);
	row = 1;
	for (i = 0; i < 3; i++) {
		json_array_foreach(json_object_get(json_object_get(rep, "appendix"), sect[i]), j, x)
		{
			worksheet_write_string(ws2, (lxw_row_t)row, 0, sect_sv[i], NULL);
			xlsx_str(ws2, row, 1, x, "number", NULL);
			xlsx_str(ws2, row, 2, x, "title", wrap);
			xlsx_str(ws2, row, 3, x, "responsible_text", wrap);
			xlsx_str(ws2, row, 4, x, "status_year", NULL);
			xlsx_str(ws2, row, 5, x, "status_reason", wrap);
			plan_marker_text(rep, x, mark, sizeof(mark));
			if (mark[0])
				worksheet_write_string(ws2, (lxw_row_t)row, 6, mark, NULL);
			row++;
		}
	}
	return model_xlsx_finish(&xl, SK_OK, out);
}

/* ---- deadlines ---- */

/* Days since 1970-01-01 of a valid YYYY-MM-DD (H. Hinnant's days_from_civil). */
static int64_t days_of(const char *d)
{
	int64_t y = strtol(d, NULL, 10), mo = strtol(d + 5, NULL, 10), dd = strtol(d + 8, NULL, 10);
	int64_t era, yoe, doy, doe;

	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

json_t *plan_submitted_reports(struct store_reader *r, int64_t plan_id)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr || store_reader_query(r,
	                               "SELECT year, sha256, submitted_at FROM plan_report WHERE "
	                               "plan_id = ?1 ORDER BY year",
	                               &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, plan_id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "year",
		                                     (json_int_t)store_q_int(q, 0), "sha256",
		                                     store_q_text(q, 1), "submitted_at",
		                                     store_q_text(q, 2)));
	store_q_done(q);
	return arr;
}

/*
 * Each plan's next report: the one for its reporting year, due 1 March of the
 * year after (days_left < 0: overdue). The plan's last year's report is the
 * final one (slutredovisning); once it is submitted the plan has no deadline.
 */
json_t *plan_deadlines(struct model *m)
{
	struct store_reader *r = model_reader(m);
	json_t *list = plan_list(m), *out = json_array(), *x, *subs;
	char today[11], due[11];
	size_t i;

	if (!r || !list || !out) {
		json_decref(list);
		json_decref(out);
		return NULL;
	}
	model_today(today);
	json_array_foreach(json_object_get(list, "plans"), i, x)
	{
		int64_t id = model_json_int(x, "id"), y = model_json_int(x, "report_year"), last;
		int s = 0, t = 0;
		char object[40];
		bool final, done = false;
		size_t j;
		json_t *z;

		last = plan_period_parse(model_json_str0(x, "period"), &s, &t) && t > 0
		               ? t
		               : PLAN_YEAR_MAX;
		final = y >= last;
		subs = plan_submitted_reports(r, id);
		json_array_foreach(subs, j, z) done |= model_json_int(z, "year") == y;
		json_decref(subs);
		if (done && final)
			continue; /* the final report is in: the plan is closed */
		if (done)
			y++; /* submitted, not yet moved on: the next one is due */
		final = y >= last;
		snprintf(due, sizeof(due), "%04lld-03-01", (long long)(y + 1));
		snprintf(object, sizeof(object), "plan/%lld", (long long)id);
		json_array_append_new(
		        out, json_pack("{s:s, s:I, s:s, s:s, s:I, s:s, s:I, s:s, s:b}", "kind",
		                       "plan.report", "plan_id", (json_int_t)id, "plan_title",
		                       model_json_str0(x, "title"), "what",
		                       final ? "final report (slutredovisning) of the action plan"
		                             : "yearly report (redovisning) of the action plan",
		                       "year", (json_int_t)y, "due", due, "days_left",
		                       (json_int_t)(days_of(due) - days_of(today)), "object",
		                       object, "final", final));
	}
	json_decref(list);
	return json_pack("{s:o, s:s}", "deadlines", out, "today", today);
}
