/*
 * Coordinated action plans: measures added, changed, completed, written off,
 * continued and reopened (numbers never reused), each a writer command
 * checked against the plan's open reporting year.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/plan.h"
#include "model/plan_int.h"
#include "model/reg_int.h"

/* ---- who may write ---- */

const char plan_write_why[] = "action plans are changed by the säkerhetsskyddschef or the head";

/* ---- measures: add, update, complete, write off ---- */

/* "A, B och C" */
void plan_join_orgs(const json_t *arr, struct buf *b)
{
	size_t i, n = json_array_size(arr);
	json_t *x;

	json_array_foreach(arr, i, x)
	{
		if (i > 0)
			buf_puts(b, i + 1 == n ? " och " : ", ");
		buf_puts(b, json_string_value(x));
	}
}

static char *default_responsible_text(const json_t *resp, const json_t *part)
{
	struct buf b;
	char *s;

	buf_init(&b, 4096);
	plan_join_orgs(resp, &b);
	if (json_array_size(part) > 0) {
		buf_puts(&b, " i samverkan med ");
		plan_join_orgs(part, &b);
	}
	s = b.err ? NULL : strndup(b.ptr ? b.ptr : "", b.len);
	buf_release(&b);
	return s;
}

/* The plan's authorities as a set (object). */
static json_t *tx_authorities(struct store_tx *tx, int64_t plan_id)
{
	json_t *set = json_object();
	struct store_q *q;

	if (!set || store_tx_query(tx, "SELECT short FROM plan_authority WHERE plan_id = ?1", &q)) {
		json_decref(set);
		return NULL;
	}
	store_q_bind_int(q, 1, plan_id);
	while (store_q_step(q) == SK_OK)
		json_object_set_new(set, store_q_text(q, 0), json_true());
	store_q_done(q);
	return set;
}

/* Checks the editable fields of body (add and update): types, bounds, authorities, period. */
static int check_edit(struct store_tx *tx, const json_t *body, const json_t *auth)
{
	struct model_err e = {0};
	int s, t, rc;

	rc = plan_check_str(body, NULL, "title", 1, PLAN_TITLE_MAX, false, false, &e);
	if (!rc)
		rc = plan_check_str(body, NULL, "description", 0, PLAN_TEXT_MAX, false, true, &e);
	if (!rc)
		rc = plan_check_str(body, NULL, "responsible_text", 1, PLAN_RESP_TEXT_MAX, false,
		                    false, &e);
	if (!rc)
		rc = plan_check_orgs(body, NULL, "responsible", auth, &e);
	if (!rc)
		rc = plan_check_orgs(body, NULL, "participants", auth, &e);
	if (!rc)
		rc = plan_check_str(body, NULL, "period_text", 1, PLAN_PERIOD_MAX, false, false,
		                    &e);
	if (!rc && model_json_str(body, "period_text") &&
	    !plan_period_parse(model_json_str(body, "period_text"), &s, &t))
		rc = plan_failr(&e, "period_text", "plan.period_format", NULL,
		                "not a period like 2019–2022, 2021 or 2019 och tills vidare");
	if (!rc && json_object_get(body, "marker")) {
		const char *mk = model_json_str(body, "marker");

		if (!mk || (strcmp(mk, "new") != 0 && strcmp(mk, "updated") != 0 &&
		            strcmp(mk, "none") != 0))
			rc = plan_failr(&e, "marker", "field.enum", NULL,
			                "must be new, updated or none");
	}
	if (rc)
		return plan_tx_fail_err(tx, rc, &e);
	return SK_OK;
}

int plan_tx_state(struct store_tx *tx, int64_t plan_id, struct plan_state *st)
{
	struct store_q *q;
	int s = 0, t = 0;
	int rc = store_tx_query(tx,
	                        "SELECT report_year, coalesce(first_report_year, report_year), "
	                        "period, updated_at, (SELECT coalesce(max(year), 0) FROM "
	                        "plan_report WHERE plan_id = ?1) FROM plan WHERE id = ?1",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, plan_id);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		st->report_year = store_q_int(q, 0);
		st->first_year = store_q_int(q, 1);
		st->last_year =
		        plan_period_parse(store_q_text(q, 2), &s, &t) && t > 0 ? t : PLAN_YEAR_MAX;
		snprintf(st->updated_at, sizeof(st->updated_at), "%s", store_q_text(q, 3));
		st->submitted = store_q_int(q, 4);
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "plan.not_found", NULL,
		                      "no plan %lld", (long long)plan_id);
	return rc;
}

/* The plan's state, refused when its reporting year's report is submitted (frozen). */
static int tx_open_year(struct store_tx *tx, int64_t plan_id, struct plan_state *st)
{
	int rc = plan_tx_state(tx, plan_id, st);

	if (rc || st->submitted < st->report_year)
		return rc;
	if (st->report_year >= st->last_year)
		return store_tx_failr(tx, SK_ERULE, "report_year", "plan.closed",
		                      json_pack("{s:I}", "year", (json_int_t)st->report_year),
		                      "the final report (%lld) is submitted: the plan is closed",
		                      (long long)st->report_year);
	return store_tx_failr(tx, SK_ERULE, "report_year", "plan.year_submitted",
	                      json_pack("{s:I,s:I}", "year", (json_int_t)st->report_year, "next",
	                                (json_int_t)st->report_year + 1),
	                      "the report for %lld is submitted: move the plan to %lld first "
	                      "(plan year)",
	                      (long long)st->report_year, (long long)st->report_year + 1);
}

/* True when s has no visible character (ASCII white space and no-break spaces only). */
static bool blank(const char *s)
{
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		else if (strncmp(s, "\xc2\xa0", 2) == 0)
			s += 2;
		else if (strncmp(s, "\xe2\x80\x89", 3) == 0 || strncmp(s, "\xe2\x80\xaf", 3) == 0)
			s += 3;
		else
			return false;
	}
	return true;
}

/* Puts the editable values of a measure into data: from body, else from old (may be NULL). */
static int edit_values(json_t *data, const json_t *body, const json_t *old, int64_t report_year)
{
	static const char *const strs[] = {"title", "description", NULL};
	json_t *resp, *part, *v;
	const char *period, *mk;
	int s = 0, t = 0;

	for (const char *const *k = strs; *k; k++) {
		v = json_object_get(body, *k);
		if (!v)
			v = old ? json_object_get(old, *k) : NULL;
		json_object_set_new(data, *k, v ? json_copy(v) : json_string(""));
	}
	resp = json_object_get(body, "responsible");
	if (!resp)
		resp = old ? json_object_get(old, "responsible") : NULL;
	part = json_object_get(body, "participants");
	if (!part)
		part = old ? json_object_get(old, "participants") : NULL;
	json_object_set_new(data, "responsible", resp ? json_deep_copy(resp) : json_array());
	json_object_set_new(data, "participants", part ? json_deep_copy(part) : json_array());
	if (model_json_str(body, "responsible_text")) {
		json_object_set_new(data, "responsible_text",
		                    json_string(model_json_str(body, "responsible_text")));
	} else if (old && !json_object_get(body, "responsible") &&
	           !json_object_get(body, "participants")) {
		json_object_set_new(data, "responsible_text",
		                    json_string(model_json_str0(old, "responsible_text")));
	} else {
		char *rt = default_responsible_text(json_object_get(data, "responsible"),
		                                    json_object_get(data, "participants"));

		if (!rt)
			return SK_ENOMEM;
		json_object_set_new(data, "responsible_text", json_string(rt));
		free(rt);
	}
	period = model_json_str(body, "period_text");
	if (period) {
		plan_period_parse(period, &s, &t);
		json_object_set_new(data, "period_text", json_string(period));
		json_object_set_new(data, "start_year", json_integer(s));
		json_object_set_new(data, "end_year", t < 0 ? json_null() : json_integer(t));
	} else {
		json_object_set_new(
		        data, "period_text",
		        json_copy(old ? json_object_get(old, "period_text") : json_null()));
		json_object_set_new(
		        data, "start_year",
		        json_copy(old ? json_object_get(old, "start_year") : json_null()));
		json_object_set_new(
		        data, "end_year",
		        json_copy(old ? json_object_get(old, "end_year") : json_null()));
	}
	mk = model_json_str(body, "marker");
	if (mk) {
		bool none = strcmp(mk, "none") == 0;

		json_object_set_new(data, "marker", none ? json_null() : json_string(mk));
		json_object_set_new(data, "marker_year",
		                    none ? json_null() : json_integer(report_year));
	} else {
		json_object_set_new(data, "marker",
		                    json_copy(old ? json_object_get(old, "marker") : json_null()));
		json_object_set_new(
		        data, "marker_year",
		        json_copy(old ? json_object_get(old, "marker_year") : json_null()));
	}
	return SK_OK;
}

struct add_cmd {
	const struct principal *p;
	int64_t plan_id;
	const json_t *body;
	int64_t id;
	char number[20];
};

static int next_number(struct store_tx *tx, int64_t plan_id, const char *objective, char out[20])
{
	struct store_q *q;
	int max = 0, parts[3];
	int rc = store_tx_query(tx,
	                        "SELECT number FROM plan_measure WHERE plan_id = ?1 AND objective "
	                        "= ?2",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, plan_id);
	store_q_bind_text(q, 2, objective);
	while (store_q_step(q) == SK_OK) {
		if (plan_number_parts(store_q_text(q, 0), parts) == 3 && parts[2] > max)
			max = parts[2];
	}
	store_q_done(q);
	if (max >= 9999)
		return store_tx_failr(tx, SK_ERULE, "objective", "plan.objective_full",
		                      json_pack("{s:s}", "objective", objective),
		                      "objective %s has no free number", objective);
	snprintf(out, 20, "%s.%d", objective, max + 1);
	return SK_OK;
}

static int add_fn(struct store_tx *tx, void *arg)
{
	struct add_cmd *c = arg;
	const char *objective = model_json_str(c->body, "objective"),
	           *number = model_json_str(c->body, "number");
	struct plan_state st;
	int64_t n;
	json_t *auth, *data;
	int parts[3];
	int rc = model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, plan_write_why);

	if (!rc)
		rc = tx_open_year(tx, c->plan_id, &st);
	if (rc)
		return rc;
	if (!objective)
		return store_tx_failr(tx, SK_EINVAL, "objective", "field.required", NULL,
		                      "objective: required");
	rc = store_tx_int(tx, &n,
	                  "SELECT count(*) FROM plan_objective WHERE plan_id = ?1 AND number = ?2",
	                  "it", c->plan_id, objective);
	if (rc)
		return rc;
	if (n == 0)
		return store_tx_failr(tx, SK_EINVAL, "objective", "plan.no_objective",
		                      json_pack("{s:s}", "objective", objective),
		                      "objective: no objective %.16s in plan %lld", objective,
		                      (long long)c->plan_id);
	if (!model_json_str(c->body, "title"))
		return store_tx_failr(tx, SK_EINVAL, "title", "field.required", NULL,
		                      "title: required");
	auth = tx_authorities(tx, c->plan_id);
	if (!auth)
		return SK_ENOMEM;
	rc = check_edit(tx, c->body, auth);
	json_decref(auth);
	if (rc)
		return rc;
	if (number) {
		if (plan_number_parts(number, parts) != 3 || !plan_child_of(number, objective))
			return store_tx_failr(tx, SK_EINVAL, "number", "plan.number_under",
			                      json_pack("{s:s}", "objective", objective),
			                      "number: '%.16s' is not a measure number under "
			                      "objective %.16s",
			                      number, objective);
		rc = store_tx_int(
		        tx, &n,
		        "SELECT count(*) FROM plan_measure WHERE plan_id = ?1 AND number = ?2",
		        "it", c->plan_id, number);
		if (rc)
			return rc;
		if (n > 0)
			return store_tx_failr(tx, SK_EEXIST, "number", "plan.number_used",
			                      json_pack("{s:s}", "number", number),
			                      "number: %s has been used in this plan; a measure "
			                      "number is never reused",
			                      number);
		snprintf(c->number, sizeof(c->number), "%s", number);
	} else {
		rc = next_number(tx, c->plan_id, objective, c->number);
		if (rc)
			return rc;
	}
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM plan_measure", "");
	if (rc)
		return rc;
	data = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)c->plan_id, "measure_id",
	                 (json_int_t)c->id, "number", c->number, "objective", objective);
	if (!data)
		return SK_ENOMEM;
	json_object_set_new(data, "report_year", json_integer(st.report_year));
	rc = edit_values(data, c->body, NULL, st.report_year);
	if (rc) {
		json_decref(data);
		return rc;
	}
	return model_tx_log(tx, model_actor_of(c->p), "plan.measure.added", "plan", c->plan_id,
	                    model_with_token(data, c->p));
}

int plan_measure_add(struct model *m, const struct principal *p, int64_t plan_id,
                     const json_t *body, int64_t *measure_id, struct model_err *err)
{
	struct add_cmd c = {p, plan_id, body, 0, ""};
	int rc;

	if (!json_is_object(body))
		return plan_failr(err, "body", "field.type", NULL, "must be an object");
	rc = model_submit(m, add_fn, &c, err);
	if (!rc && measure_id)
		*measure_id = c.id;
	return rc;
}

static json_t *parse_list(const char *s)
{
	json_t *v = json_loads(s, 0, NULL);

	if (!json_is_array(v)) {
		json_decref(v);
		v = json_array();
	}
	return v;
}

json_t *plan_measure_row(struct store_q *q)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_integer(store_q_int(q, 0)));
	json_object_set_new(o, "plan_id", json_integer(store_q_int(q, 1)));
	json_object_set_new(o, "number", json_string(store_q_text(q, 2)));
	json_object_set_new(o, "objective", json_string(store_q_text(q, 3)));
	json_object_set_new(o, "title", json_string(store_q_text(q, 4)));
	json_object_set_new(o, "description", json_string(store_q_text(q, 5)));
	json_object_set_new(o, "responsible_text", json_string(store_q_text(q, 6)));
	json_object_set_new(o, "responsible", parse_list(store_q_text(q, 7)));
	json_object_set_new(o, "participants", parse_list(store_q_text(q, 8)));
	json_object_set_new(o, "period_text", model_q_json_text(q, 9));
	json_object_set_new(o, "start_year", model_q_json_int(q, 10));
	json_object_set_new(o, "end_year", model_q_json_int(q, 11));
	json_object_set_new(o, "marker", model_q_json_text(q, 12));
	json_object_set_new(o, "marker_year", model_q_json_int(q, 13));
	json_object_set_new(o, "status", json_string(store_q_text(q, 14)));
	json_object_set_new(o, "status_year", model_q_json_int(q, 15));
	json_object_set_new(o, "status_reason", model_q_json_text(q, 16));
	json_object_set_new(o, "created_at", json_string(store_q_text(q, 17)));
	json_object_set_new(o, "updated_at", json_string(store_q_text(q, 18)));
	json_object_set_new(o, "continues", model_q_json_text(q, 19));
	return o;
}

static json_t *tx_measure(struct store_tx *tx, int64_t id)
{
	struct store_q *q;
	json_t *o = NULL;

	if (store_tx_query(tx, PLAN_MEASURE_COLS "WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = plan_measure_row(q);
	store_q_done(q);
	return o;
}

struct change_cmd {
	const struct principal *p;
	int64_t id;
	const json_t *body; /* update */
	const char *kind;   /* plan.measure.updated / completed / written_off / reopened */
	int64_t year;
	const char *reason;
	int64_t proposal_id; /* update: the agency's proposal it accepts (0: none) */
};

static const char *const editable[] = {
        "title",        "description", "responsible_text", "responsible",
        "participants", "period_text", "marker",           NULL};

/* Checks a completion's or write-off's year against the plan's reporting years. */
static int check_close_year(struct store_tx *tx, const json_t *old, int64_t year,
                            const struct plan_state *st)
{
	if (year < PLAN_YEAR_MIN || year > PLAN_YEAR_MAX)
		return store_tx_failr(
		        tx, SK_EINVAL, "year", "field.range",
		        json_pack("{s:i,s:i}", "min", PLAN_YEAR_MIN, "max", PLAN_YEAR_MAX),
		        "year: must be %d..%d", PLAN_YEAR_MIN, PLAN_YEAR_MAX);
	if (year > st->report_year)
		return store_tx_failr(tx, SK_EINVAL, "year", "plan.year_after_report",
		                      json_pack("{s:I,s:I}", "year", (json_int_t)year,
		                                "report_year", (json_int_t)st->report_year),
		                      "year: %lld is after the plan's reporting year %lld",
		                      (long long)year, (long long)st->report_year);
	if (year <= st->submitted)
		return store_tx_failr(tx, SK_EINVAL, "year", "plan.year_closed",
		                      json_pack("{s:I,s:I}", "year", (json_int_t)st->submitted,
		                                "report_year", (json_int_t)st->report_year),
		                      "year: the report for %lld is submitted; a change made now "
		                      "belongs to %lld",
		                      (long long)st->submitted, (long long)st->report_year);
	if (plan_jhas_int(old, "start_year") && year < model_json_int(old, "start_year"))
		return store_tx_failr(tx, SK_EINVAL, "year", "plan.year_before_start",
		                      json_pack("{s:I,s:I}", "year", (json_int_t)year, "start",
		                                (json_int_t)model_json_int(old, "start_year")),
		                      "year: %lld is before the measure started (%lld)",
		                      (long long)year,
		                      (long long)model_json_int(old, "start_year"));
	return SK_OK;
}

static int check_reason(struct store_tx *tx, const char *reason)
{
	if (!reason || blank(reason) || strlen(reason) > PLAN_TEXT_MAX ||
	    !model_text_ok(reason, MODEL_TEXT_NL))
		return store_tx_failr(tx, SK_EINVAL, "reason", "plan.reason",
		                      json_pack("{s:i}", "max", PLAN_TEXT_MAX),
		                      "reason: 1..%d bytes of text, not only spaces",
		                      PLAN_TEXT_MAX);
	return SK_OK;
}

static int change_fn(struct store_tx *tx, void *arg)
{
	struct change_cmd *c = arg;
	bool reopen = strcmp(c->kind, "plan.measure.reopened") == 0;
	bool cont = strcmp(c->kind, "plan.measure.continued") == 0;
	json_t *old, *data = NULL, *changed, *prev;
	struct plan_state st;
	int64_t plan_id;
	bool current;
	int rc = model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, plan_write_why);

	if (!rc && c->proposal_id == 0 && c->body)
		rc = plan_tx_no_open_proposal(tx, c->id);
	if (rc)
		return rc;
	old = tx_measure(tx, c->id);
	if (!old)
		return store_tx_failr(tx, SK_ENOTFOUND, "measure", "plan.measure_not_found", NULL,
		                      "no measure %lld", (long long)c->id);
	plan_id = model_json_int(old, "plan_id");
	current = strcmp(model_json_str0(old, "status"), "current") == 0;
	rc = tx_open_year(tx, plan_id, &st);
	if (!rc && cont && st.report_year < st.last_year)
		rc = store_tx_failr(tx, SK_ERULE, "measure", "plan.continue_final",
		                    json_pack("{s:I,s:I}", "last", (json_int_t)st.last_year, "year",
		                              (json_int_t)st.report_year),
		                    "a closing decision belongs to the plan's final report (%lld); "
		                    "the reporting year is %lld",
		                    (long long)st.last_year, (long long)st.report_year);
	if (!rc && !reopen && !current)
		rc = store_tx_failr(
		        tx, SK_ERULE, "measure", "plan.measure_closed",
		        json_pack("{s:s,s:s}", "measure", model_json_str0(old, "number"), "status",
		                  model_json_str0(old, "status")),
		        "measure %s is %s already: only current measures change (reopen "
		        "it first, with a reason)",
		        model_json_str0(old, "number"),
		        strcmp(model_json_str0(old, "status"), "completed") == 0 ? "completed"
		                                                                 : "written off");
	else if (!rc && reopen && current && !model_json_str(old, "continues"))
		rc = store_tx_failr(tx, SK_ERULE, "measure", "plan.measure_current",
		                    json_pack("{s:s}", "measure", model_json_str0(old, "number")),
		                    "measure %s is current: nothing to reopen",
		                    model_json_str0(old, "number"));
	if (rc) {
		json_decref(old);
		return rc;
	}
	data = json_pack("{s:I, s:I, s:s, s:I}", "id", (json_int_t)plan_id, "measure_id",
	                 (json_int_t)c->id, "number", model_json_str0(old, "number"), "report_year",
	                 (json_int_t)st.report_year);
	if (!data) {
		json_decref(old);
		return SK_ENOMEM;
	}
	if (c->body) {
		json_t *auth = tx_authorities(tx, plan_id);

		rc = auth ? check_edit(tx, c->body, auth) : SK_ENOMEM;
		json_decref(auth);
		if (!rc)
			rc = edit_values(data, c->body, old, st.report_year);
		changed = json_array();
		prev = json_object();
		for (const char *const *k = editable; !rc && *k; k++) {
			if (json_object_get(c->body, *k))
				json_array_append_new(changed, json_string(*k));
		}
		/* what really changed, with the value it had: the history shows it */
		for (const char *const *k = editable; !rc && *k; k++) {
			json_t *was = json_object_get(old, *k), *now = json_object_get(data, *k);

			if (was && now && !json_equal(was, now))
				json_object_set(prev, *k, was);
		}
		json_object_set_new(data, "changed", changed);
		json_object_set_new(data, "previous", prev);
		if (!rc && json_array_size(changed) == 0)
			rc = store_tx_failr(tx, SK_EINVAL, NULL, "field.nothing_to_change", NULL,
			                    "nothing to change: give at least one field");
	} else if (cont) {
		rc = check_reason(tx, c->reason);
		json_object_set_new(data, "reason", json_string(c->reason ? c->reason : ""));
	} else if (reopen) {
		rc = check_reason(tx, c->reason);
		json_object_set_new(data, "reason", json_string(c->reason ? c->reason : ""));
		json_object_set_new(data, "previous",
		                    json_pack("{s:O, s:O, s:O, s:O}", "status",
		                              json_object_get(old, "status"), "status_year",
		                              json_object_get(old, "status_year"), "status_reason",
		                              json_object_get(old, "status_reason"), "continues",
		                              json_object_get(old, "continues")));
	} else {
		rc = check_close_year(tx, old, c->year, &st);
		json_object_set_new(data, "year", json_integer(c->year));
		if (c->reason) {
			if (!rc)
				rc = check_reason(tx, c->reason);
			json_object_set_new(data, "reason", json_string(c->reason));
		}
	}
	json_decref(old);
	if (rc) {
		json_decref(data);
		return rc;
	}
	/* an agency's proposal this change accepts: the projection marks it accepted */
	if (c->proposal_id)
		json_object_set_new(data, "proposal_id", json_integer(c->proposal_id));
	return model_tx_log(tx, model_actor_of(c->p), c->kind, "plan", plan_id,
	                    model_with_token(data, c->p));
}

int plan_tx_measure_update(struct store_tx *tx, const struct principal *p, int64_t measure_id,
                           const json_t *body, int64_t proposal_id)
{
	struct change_cmd c = {p, measure_id, body, "plan.measure.updated", 0, NULL, proposal_id};

	return change_fn(tx, &c);
}

int plan_tx_measure_close(struct store_tx *tx, const struct principal *p, int64_t measure_id,
                          bool write_off, int64_t year, const char *reason, int64_t proposal_id)
{
	struct change_cmd c = {
	        p,          measure_id,
	        NULL,       write_off ? "plan.measure.written_off" : "plan.measure.completed",
	        year,       write_off ? (reason ? reason : "") : NULL,
	        proposal_id};

	return change_fn(tx, &c);
}

int plan_tx_check_edit(struct store_tx *tx, int64_t plan_id, const json_t *body)
{
	json_t *auth = tx_authorities(tx, plan_id);
	int rc = auth ? check_edit(tx, body, auth) : SK_ENOMEM;

	json_decref(auth);
	return rc;
}

int plan_measure_update(struct model *m, const struct principal *p, int64_t measure_id,
                        const json_t *body, struct model_err *err)
{
	struct change_cmd c = {p, measure_id, body, "plan.measure.updated", 0, NULL, 0};

	if (!json_is_object(body))
		return plan_failr(err, "body", "field.type", NULL, "must be an object");
	return model_submit(m, change_fn, &c, err);
}

int plan_measure_complete(struct model *m, const struct principal *p, int64_t measure_id,
                          int64_t year, struct model_err *err)
{
	struct change_cmd c = {p, measure_id, NULL, "plan.measure.completed", year, NULL, 0};

	return model_submit(m, change_fn, &c, err);
}

int plan_measure_write_off(struct model *m, const struct principal *p, int64_t measure_id,
                           int64_t year, const char *reason, struct model_err *err)
{
	struct change_cmd c = {p,    measure_id,           NULL, "plan.measure.written_off",
	                       year, reason ? reason : "", 0};

	return model_submit(m, change_fn, &c, err);
}

int plan_measure_continue(struct model *m, const struct principal *p, int64_t measure_id,
                          const char *reason, struct model_err *err)
{
	struct change_cmd c = {p, measure_id,           NULL, "plan.measure.continued",
	                       0, reason ? reason : "", 0};

	return model_submit(m, change_fn, &c, err);
}

int plan_measure_reopen(struct model *m, const struct principal *p, int64_t measure_id,
                        const char *reason, struct model_err *err)
{
	struct change_cmd c = {p, measure_id,           NULL, "plan.measure.reopened",
	                       0, reason ? reason : "", 0};

	return model_submit(m, change_fn, &c, err);
}
