/*
 * The routes of the coordinated action plans: import (the file format of
 * shared/data/handlingsplan-2021.json as the body) and export, the plan's
 * tree, measures with filters, editing by the ssc or the head, a measure's
 * history, the yearly report as JSON or XLSX, and the report deadlines.
 * Plans are not classified: every logged-in identity may read them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "model/plan.h"

#define R(x)   ROLE_BIT(ROLE_##x)
#define WRITE  (R(SSC) | R(CHIEF))
#define Y_MIN  PLAN_YEAR_MIN
#define Y_MAX  PLAN_YEAR_MAX
#define XLSX_T "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define ODT_T  "application/vnd.oasis.opendocument.text"

static const char *const v_status[] = {"current", "completed", "written_off", NULL};
static const char *const v_marker[] = {"new", "updated", "none", NULL};
static const char *const v_format[] = {"json", "xlsx", "odt", NULL};

static const struct api_field f_none[] = {API_FIELDS_END};

static const struct api_field f_import[] = {
        {"title", API_STRING, true, 1, 500, "the plan's title", NULL},
        {"report_year", API_INT, true, Y_MIN, Y_MAX, "the reporting year of the data", NULL},
        {"period", API_STRING, true, 1, 64, "e.g. 2019–2022", NULL},
        {"source", API_STRING, false, 0, 300, "where the data came from", NULL},
        {"authorities", API_JSON, true, 1, 100, "[{short, name}]", NULL},
        {"strategic_priorities", API_JSON, true, 1, 100,
         "[{number, title, objectives: [{number, title}]}]", NULL},
        {"measures", API_JSON, true, 0, 5000,
         "[{number, objective, title, description, responsible_text, responsible, "
         "participants, period_text, start_year, end_year, marker, status, status_year, "
         "status_reason}]",
         NULL},
        API_FIELDS_END};

static const struct api_field f_measure_new[] = {
        {"objective", API_STRING, true, 3, 16, "the objective's number, e.g. 1.1", NULL},
        {"number", API_STRING, false, 5, 16, "a never-used number (default: the next free one)",
         NULL},
        {"title", API_STRING, true, 1, 500, "the measure's title", NULL},
        {"description", API_TEXT, false, 0, 20000, "what is done", NULL},
        {"responsible_text", API_STRING, false, 1, 1000,
         "the responsible line as written (default: from responsible and participants)", NULL},
        {"responsible", API_JSON, false, 0, 50, "authorities' short names", NULL},
        {"participants", API_JSON, false, 0, 50, "authorities' short names", NULL},
        {"period_text", API_STRING, false, 4, 64, "2019–2022, 2021 or 2019 och tills vidare", NULL},
        {"marker", API_ENUM, false, 0, 0, "new, updated or none", v_marker},
        API_FIELDS_END};

static const struct api_field f_measure_patch[] = {
        {"title", API_STRING, false, 1, 500, "the measure's title", NULL},
        {"description", API_TEXT, false, 0, 20000, "what is done", NULL},
        {"responsible_text", API_STRING, false, 1, 1000, "the responsible line as written", NULL},
        {"responsible", API_JSON, false, 0, 50, "authorities' short names", NULL},
        {"participants", API_JSON, false, 0, 50, "authorities' short names", NULL},
        {"period_text", API_STRING, false, 4, 64, "2019–2022, 2021 or 2019 och tills vidare", NULL},
        {"marker", API_ENUM, false, 0, 0, "new, updated or none", v_marker},
        API_FIELDS_END};

static const struct api_field f_complete[] = {
        {"year", API_INT, true, Y_MIN, Y_MAX, "the year it was completed", NULL}, API_FIELDS_END};

static const struct api_field f_write_off[] = {
        {"year", API_INT, true, Y_MIN, Y_MAX, "the year it was written off", NULL},
        {"reason", API_TEXT, true, 1, 20000, "why (avskrivningsskäl)", NULL},
        API_FIELDS_END};

static const struct api_field f_reopen[] = {
        {"reason", API_TEXT, true, 1, 20000, "why it is reopened (the mistake corrected)", NULL},
        API_FIELDS_END};

static const struct api_field f_report_text[] = {
        {"year", API_INT, true, Y_MIN, Y_MAX, "the plan's reporting year", NULL},
        {"summary", API_TEXT, false, 0, 20000, "the summary (sammanfattning)", NULL},
        {"priorities", API_JSON, false, 0, 100, "[{number, text}]: follow-up per priority", NULL},
        {"sections", API_JSON, false, 0, 20, "[{title, text}]: free sections", NULL},
        API_FIELDS_END};

static const struct api_field f_continue[] = {
        {"reason", API_TEXT, true, 1, 20000, "why it goes on after the plan", NULL},
        API_FIELDS_END};

static const struct api_field f_year[] = {
        {"to", API_INT, true, Y_MIN, Y_MAX, "the next reporting year (the current one + 1)", NULL},
        API_FIELDS_END};

static const struct api_field f_submit[] = {
        {"year", API_INT, true, Y_MIN, Y_MAX, "the plan's reporting year", NULL}, API_FIELDS_END};

static const struct api_field q_measure[] = {
        {"plan", API_INT, false, 1, 1000000000, "the plan (when the number is in several)", NULL},
        API_FIELDS_END};

static const struct api_field q_measures[] = {
        {"status", API_ENUM, false, 0, 0, "current, completed or written_off", v_status},
        {"org", API_STRING, false, 1, 64, "an authority: responsible or participant", NULL},
        {"objective", API_STRING, false, 3, 16, "an objective's number", NULL},
        API_FIELDS_END};

static const struct api_field q_report[] = {
        {"year", API_INT, false, Y_MIN, Y_MAX, "the reporting year (default: the plan's)", NULL},
        {"org", API_STRING, false, 1, 64, "only this authority's measures", NULL},
        {"format", API_ENUM, false, 0, 0, "json, xlsx or odt", v_format},
        API_FIELDS_END};

#define AGENCY R(AGENCY)
/* the whole file holds every agency's measures: not for an agency's contact */
#define NOT_AGENCY (ROLES_ALL & ~AGENCY)
#define READ_WORK  (WRITE | R(AUDITOR) | AGENCY)

static const char *const v_astatus[] = {"not_started", "in_progress", "ready", NULL};

static const struct api_field f_contact[] = {
        {"identity_id", API_INT, true, 1, 1000000000, "an identity holding the role agency", NULL},
        {"agency", API_STRING, true, 1, 64, "the authority's short name in the plan", NULL},
        API_FIELDS_END};

static const struct api_field f_contact_rm[] = {
        {"identity_id", API_INT, true, 1, 1000000000, "the contact to remove", NULL},
        API_FIELDS_END};

static const struct api_field f_assign[] = {
        {"agency", API_STRING, true, 1, 64, "the authority's short name in the plan", NULL},
        {"deadline", API_STRING, true, 10, 10,
         "YYYY-MM-DD, in the reporting year or before 1 March after it", NULL},
        API_FIELDS_END};

static const struct api_field f_astatus[] = {
        {"agency", API_STRING, true, 1, 64, "your agency", NULL},
        {"status", API_ENUM, true, 0, 0, "not_started, in_progress or ready", v_astatus},
        API_FIELDS_END};

static const struct api_field f_approve[] = {
        {"agency", API_STRING, true, 1, 64, "your agency", NULL}, API_FIELDS_END};

static const struct api_field f_propose[] = {
        {"changes", API_JSON, true, 1, 7,
         "{title, description, responsible_text, responsible, participants, period_text, "
         "marker}: the fields to change; or {close: {status: completed|written_off, year, "
         "reason}} alone",
         NULL},
        {"note", API_TEXT, false, 0, 20000, "why (for the coordinator)", NULL},
        API_FIELDS_END};

static const struct api_field f_reject[] = {
        {"reason", API_TEXT, true, 1, 20000, "why the proposal is not taken", NULL},
        API_FIELDS_END};

static const char *qstr(struct api_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->query, key));
}

static const char *qstr_body(struct api_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->body, key));
}

static void reply_or_404(struct api_ctx *c, json_t *v, const char *what)
{
	if (v)
		api_reply(c, 200, v);
	else if (strcmp(what, "plan") == 0)
		api_errorr(c, 404, "not_found", NULL, "plan.not_found", NULL, "no such plan");
	else
		api_errorr(c, 404, "not_found", NULL, "plan.measure_not_found", NULL, "no such %s",
		           what);
}

/*
 * Need-to-know for an agency's contact (the role agency and no wider one):
 * the plans it is a contact in, and of those its agency's measures only.
 * false: not scoped. true: agency holds its agency, "" when it has none here.
 */
static bool scope_of(struct api_ctx *c, int64_t plan_id, char agency[PLAN_AGENCY_LEN])
{
	return plan_scope(api_model(c->api), &c->p, plan_id, agency);
}

static void not_found_plan(struct api_ctx *c)
{
	api_errorr(c, 404, "not_found", NULL, "plan.not_found", NULL, "no such plan");
}

/* Keeps the items of v's list whose plan (the item's key) the caller sees. */
static json_t *only_my_plans(struct api_ctx *c, json_t *v, const char *list, const char *key)
{
	json_t *arr = json_object_get(v, list), *keep = json_array(), *x;
	char ag[PLAN_AGENCY_LEN];
	size_t i;

	json_array_foreach(arr, i, x)
	{
		if (!scope_of(c, json_integer_value(json_object_get(x, key)), ag) || ag[0])
			json_array_append(keep, x);
	}
	json_object_set_new(v, list, keep);
	return v;
}

static void h_plans(struct api_ctx *c)
{
	json_t *v = plan_list(api_model(c->api));

	if (v && plan_scoped(&c->p))
		v = only_my_plans(c, v, "plans", "id");
	if (v)
		api_reply(c, 200, v);
	else
		api_fail(c, SK_EIO, NULL);
}

static void h_import(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id = 0;
	int rc = plan_import(api_model(c->api), &c->p, c->body, &id, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, 201, plan_get(api_model(c->api), id));
}

static void h_deadlines(struct api_ctx *c)
{
	json_t *v = plan_deadlines(api_model(c->api));

	if (v && plan_scoped(&c->p))
		v = only_my_plans(c, v, "deadlines", "plan_id");

	if (v)
		api_reply(c, 200, v);
	else
		api_fail(c, SK_EIO, NULL);
}

static void h_plan(struct api_ctx *c)
{
	char ag[PLAN_AGENCY_LEN];
	json_t *v, *p, *o, *x, *keep;
	size_t i, j, k;

	if (!scope_of(c, c->id, ag)) {
		reply_or_404(c, plan_get(api_model(c->api), c->id), "plan");
		return;
	}
	if (!ag[0]) {
		not_found_plan(c);
		return;
	}
	v = plan_get(api_model(c->api), c->id);
	json_array_foreach(json_object_get(json_object_get(v, "plan"), "strategic_priorities"), i,
	                   p)
	{
		json_array_foreach(json_object_get(p, "objectives"), j, o)
		{
			keep = json_array();
			json_array_foreach(json_object_get(o, "measures"), k, x)
			{
				if (plan_org_role_of(x, ag))
					json_array_append(keep, x);
			}
			json_object_set_new(o, "measures", keep);
		}
	}
	json_object_set_new(json_object_get(v, "plan"), "agency", json_string(ag));
	reply_or_404(c, v, "plan");
}

static void h_export(struct api_ctx *c)
{
	char disp[96], ag[PLAN_AGENCY_LEN];
	json_t *doc;

	/* the whole file holds every agency's measures */
	if (scope_of(c, c->id, ag)) {
		api_errorr(c, 403, "forbidden", NULL, "plan.scoped", NULL,
		           "an agency's contact sees its agency's measures only");
		return;
	}
	doc = plan_export(api_model(c->api), c->id);

	if (!doc) {
		api_errorr(c, 404, "not_found", NULL, "plan.not_found", NULL, "no such plan");
		return;
	}
	/* the file's exact text: 2-space indent, the format's key order, a final newline */
	if (plan_export_text(doc, &c->resp->body) != SK_OK) {
		json_decref(doc);
		buf_reset(&c->resp->body);
		api_fail(c, SK_ENOMEM, NULL);
		return;
	}
	json_decref(doc);
	c->resp->status = 200;
	snprintf(disp, sizeof(disp), "attachment; filename=\"handlingsplan-%lld.json\"",
	         (long long)c->id);
	http_resp_header(c->resp, "Content-Disposition", disp);
}

static void h_measures(struct api_ctx *c)
{
	struct plan_filter f = {qstr(c, "status"), qstr(c, "org"), qstr(c, "objective")};
	char ag[PLAN_AGENCY_LEN];

	if (scope_of(c, c->id, ag)) {
		if (!ag[0] || (f.org && strcmp(f.org, ag) != 0)) {
			not_found_plan(c);
			return;
		}
		f.org = ag;
	}
	reply_or_404(c, plan_measures(api_model(c->api), c->id, &f), "plan");
}

static void h_measure_add(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id = 0;
	int rc = plan_measure_add(api_model(c->api), &c->p, c->id, c->body, &id, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, 201, plan_measure_get(api_model(c->api), id));
}

/* The measure the path names ({ref}: its number, or an id); false: answered already. */
static bool measure_of(struct api_ctx *c, int64_t *id)
{
	struct model_err err = {0};
	int64_t plan = json_integer_value(json_object_get(c->query, "plan"));
	int rc = plan_measure_resolve(api_model(c->api), plan, c->ref, id, &err);
	char ag[PLAN_AGENCY_LEN];
	json_t *x;

	if (rc) {
		api_fail(c, rc, &err);
		return false;
	}
	x = plan_measure_get(api_model(c->api), *id);
	if (x &&
	    scope_of(c,
	             json_integer_value(json_object_get(json_object_get(x, "measure"), "plan_id")),
	             ag) &&
	    (!ag[0] || !plan_org_role_of(json_object_get(x, "measure"), ag))) {
		/* another agency's measure does not exist for this contact */
		json_decref(x);
		api_errorr(c, 404, "not_found", NULL, "plan.measure_not_found", NULL,
		           "no such measure");
		return false;
	}
	json_decref(x);
	return true;
}

static void h_measure(struct api_ctx *c)
{
	int64_t id;

	if (measure_of(c, &id))
		reply_or_404(c, plan_measure_get(api_model(c->api), id), "measure");
}

static void h_history(struct api_ctx *c)
{
	int64_t id;

	if (measure_of(c, &id))
		reply_or_404(c, plan_measure_history(api_model(c->api), id), "measure");
}

static void done(struct api_ctx *c, int64_t id, int rc, const struct model_err *err)
{
	if (rc)
		api_fail(c, rc, err);
	else
		api_reply(c, 200, plan_measure_get(api_model(c->api), id));
}

static void h_measure_patch(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id;

	if (measure_of(c, &id))
		done(c, id, plan_measure_update(api_model(c->api), &c->p, id, c->body, &err), &err);
}

static void h_complete(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t year = json_integer_value(json_object_get(c->body, "year")), id;

	if (measure_of(c, &id))
		done(c, id, plan_measure_complete(api_model(c->api), &c->p, id, year, &err), &err);
}

static void h_write_off(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t year = json_integer_value(json_object_get(c->body, "year")), id;
	const char *reason = json_string_value(json_object_get(c->body, "reason"));

	if (measure_of(c, &id))
		done(c, id,
		     plan_measure_write_off(api_model(c->api), &c->p, id, year, reason, &err),
		     &err);
}

static void h_reopen(struct api_ctx *c)
{
	struct model_err err = {0};
	const char *reason = json_string_value(json_object_get(c->body, "reason"));
	int64_t id;

	if (measure_of(c, &id))
		done(c, id, plan_measure_reopen(api_model(c->api), &c->p, id, reason, &err), &err);
}

static void h_continue(struct api_ctx *c)
{
	struct model_err err = {0};
	const char *reason = json_string_value(json_object_get(c->body, "reason"));
	int64_t id;

	if (measure_of(c, &id))
		done(c, id, plan_measure_continue(api_model(c->api), &c->p, id, reason, &err),
		     &err);
}

static void h_report_text(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t year = json_integer_value(json_object_get(c->body, "year"));
	json_t *text = json_deep_copy(c->body);
	int rc;

	if (!text) {
		api_fail(c, SK_ENOMEM, NULL);
		return;
	}
	json_object_del(text, "year");
	rc = plan_report_text_set(api_model(c->api), &c->p, c->id, year, text, &err);
	json_decref(text);
	if (rc)
		api_fail(c, rc, &err);
	else
		api_reply(c, 200,
		          json_pack("{s:I, s:I}", "plan_id", (json_int_t)c->id, "year",
		                    (json_int_t)year));
}

static void h_year(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t to = json_integer_value(json_object_get(c->body, "to"));
	int rc = plan_year_advance(api_model(c->api), &c->p, c->id, to, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		reply_or_404(c, plan_get(api_model(c->api), c->id), "plan");
}

static void h_submit(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t year = json_integer_value(json_object_get(c->body, "year"));
	char sha[65];
	int rc = plan_report_submit(api_model(c->api), &c->p, c->id, year, sha, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		api_reply(c, 201,
		          json_pack("{s:{s:I, s:I, s:s}}", "submitted", "plan_id",
		                    (json_int_t)c->id, "year", (json_int_t)year, "sha256", sha));
}

static void h_report(struct api_ctx *c)
{
	struct model *m = api_model(c->api);
	int year = (int)json_integer_value(json_object_get(c->query, "year"));
	const char *format = qstr(c, "format");
	struct model_err err = {0};
	json_t *rep = NULL;
	char disp[128];
	int rc;

	const char *org = qstr(c, "org");
	char ag[PLAN_AGENCY_LEN];

	if (scope_of(c, c->id, ag)) {
		if (!ag[0] || (org && strcmp(org, ag) != 0)) {
			not_found_plan(c);
			return;
		}
		org = ag;
	}
	/* a submitted year's report is its frozen bytes, answered as they are */
	rc = plan_report_for(m, c->id, year, org, &rep, &c->resp->body, &err);
	if (rc) {
		buf_reset(&c->resp->body);
		api_fail(c, rc, &err);
		return;
	}
	if (!rep && c->resp->body.len > 0) {
		if (!format || strcmp(format, "json") == 0) {
			c->resp->status = 200;
			http_resp_header(c->resp, "X-Report-Frozen", "true");
			return;
		}
		rep = json_loadb(c->resp->body.ptr, c->resp->body.len, 0, NULL);
		buf_reset(&c->resp->body);
		if (!rep) {
			api_fail(c, SK_ECORRUPT, NULL);
			return;
		}
	}
	if (!format || strcmp(format, "json") == 0) {
		api_reply(c, 200, rep);
		return;
	}
	year = (int)json_integer_value(json_object_get(json_object_get(rep, "report"), "year"));
	if (strcmp(format, "odt") == 0) {
		rc = plan_report_odt(rep, &c->resp->body);
		json_decref(rep);
		if (rc != SK_OK) {
			buf_reset(&c->resp->body);
			api_fail(c, rc, NULL);
			return;
		}
		c->resp->status = 200;
		c->resp->content_type = ODT_T;
		snprintf(disp, sizeof(disp), "attachment; filename=\"redovisning-%lld-%d.odt\"",
		         (long long)c->id, year);
		http_resp_header(c->resp, "Content-Disposition", disp);
		return;
	}
	if (plan_report_xlsx(rep, NULL, &c->resp->body) != SK_OK) {
		json_decref(rep);
		buf_reset(&c->resp->body);
		api_fail(c, SK_EIO, NULL);
		return;
	}
	json_decref(rep);
	c->resp->status = 200;
	c->resp->content_type = XLSX_T;
	snprintf(disp, sizeof(disp), "attachment; filename=\"redovisning-%lld-%d.xlsx\"",
	         (long long)c->id, year);
	http_resp_header(c->resp, "Content-Disposition", disp);
}

/* ---- per-agency work ---- */

static void h_agencies(struct api_ctx *c)
{
	char ag[PLAN_AGENCY_LEN];
	bool scoped = scope_of(c, c->id, ag);

	if (scoped && !ag[0]) {
		not_found_plan(c);
		return;
	}
	reply_or_404(c, plan_agencies(api_model(c->api), c->id, scoped ? ag : NULL), "plan");
}

static void agencies_or_fail(struct api_ctx *c, int rc, const struct model_err *err)
{
	if (rc)
		api_fail(c, rc, err);
	else
		h_agencies(c);
}

static void h_contact(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t who = json_integer_value(json_object_get(c->body, "identity_id"));

	agencies_or_fail(c,
	                 plan_contact_set(api_model(c->api), &c->p, c->id, who,
	                                  qstr_body(c, "agency"), &err),
	                 &err);
}

static void h_contact_rm(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t who = json_integer_value(json_object_get(c->body, "identity_id"));

	agencies_or_fail(c, plan_contact_set(api_model(c->api), &c->p, c->id, who, NULL, &err),
	                 &err);
}

static void h_assign(struct api_ctx *c)
{
	struct model_err err = {0};

	agencies_or_fail(c,
	                 plan_assignment_set(api_model(c->api), &c->p, c->id,
	                                     qstr_body(c, "agency"), qstr_body(c, "deadline"),
	                                     &err),
	                 &err);
}

static void h_astatus(struct api_ctx *c)
{
	struct model_err err = {0};

	agencies_or_fail(c,
	                 plan_assignment_status(api_model(c->api), &c->p, c->id,
	                                        qstr_body(c, "agency"), qstr_body(c, "status"),
	                                        &err),
	                 &err);
}

static void h_approve(struct api_ctx *c)
{
	struct model_err err = {0};

	agencies_or_fail(c,
	                 plan_assignment_approve(api_model(c->api), &c->p, c->id,
	                                         qstr_body(c, "agency"), &err),
	                 &err);
}

static void h_propose(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id, pid = 0;
	int rc;

	if (!measure_of(c, &id))
		return;
	rc = plan_proposal_add(api_model(c->api), &c->p, id, json_object_get(c->body, "changes"),
	                       qstr_body(c, "note"), &pid, &err);
	if (rc)
		api_fail(c, rc, &err);
	else
		api_reply(c, 201,
		          json_pack("{s:{s:I, s:I, s:s}}", "proposal", "id", (json_int_t)pid,
		                    "measure_id", (json_int_t)id, "status", "open"));
}

static void decide(struct api_ctx *c, bool accept)
{
	struct model_err err = {0};
	int rc = plan_proposal_decide(api_model(c->api), &c->p, c->id, accept,
	                              qstr_body(c, "reason"), &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		api_reply(c, 200,
		          json_pack("{s:{s:I, s:s}}", "proposal", "id", (json_int_t)c->id, "status",
		                    accept ? "accepted" : "rejected"));
}

static void h_accept(struct api_ctx *c)
{
	decide(c, true);
}

static void h_reject(struct api_ctx *c)
{
	decide(c, false);
}

const struct api_route api_routes_plans[] = {
        {"GET", "/api/v1/plans", ROLES_ANY, 0, NULL, f_none, h_plans,
         "action plans (handlingsplaner) with their counts"},
        {"POST", "/api/v1/plans", WRITE, 0, f_import, f_none, h_import,
         "import a plan in the file format (all or nothing)"},
        {"GET", "/api/v1/plans/deadlines", ROLES_ANY, 0, NULL, f_none, h_deadlines,
         "yearly report deadlines (1 March for the previous year)"},
        {"GET", "/api/v1/plans/{id}", ROLES_ANY, 0, NULL, f_none, h_plan,
         "a plan: priorities, objectives, measures"},
        {"GET", "/api/v1/plans/{id}/export", NOT_AGENCY, 0, NULL, f_none, h_export,
         "the plan in the file format"},
        {"GET", "/api/v1/plans/{id}/measures", ROLES_ANY, 0, NULL, q_measures, h_measures,
         "a plan's measures (filters: status, org, objective)"},
        {"POST", "/api/v1/plans/{id}/measures", WRITE, 0, f_measure_new, f_none, h_measure_add,
         "add a measure (a number is never reused)"},
        {"GET", "/api/v1/plans/{id}/report", ROLES_ANY, 0, NULL, q_report, h_report,
         "the yearly report (redovisning) as JSON or XLSX"},
        {"POST", "/api/v1/plans/{id}/report/submit", WRITE, 0, f_submit, f_none, h_submit,
         "submit the reporting year's report: frozen, its SHA-256 in the ledger"},
        {"PUT", "/api/v1/plans/{id}/report/text", WRITE, 0, f_report_text, f_none, h_report_text,
         "the report's own text for the reporting year (summary, priorities, sections)"},
        {"POST", "/api/v1/plans/{id}/reporting-year", WRITE, 0, f_year, f_none, h_year,
         "move the plan to its next reporting year (after the report is submitted)"},
        {"GET", "/api/v1/measures/{ref}", ROLES_ANY, 0, NULL, q_measure, h_measure,
         "one measure, by its number (1.1.17) or id"},
        {"PATCH", "/api/v1/measures/{ref}", WRITE, 0, f_measure_patch, q_measure, h_measure_patch,
         "change a current measure"},
        {"POST", "/api/v1/measures/{ref}/complete", WRITE, 0, f_complete, q_measure, h_complete,
         "mark a measure completed (in the plan's reporting year or an earlier open one)"},
        {"POST", "/api/v1/measures/{ref}/write-off", WRITE, 0, f_write_off, q_measure, h_write_off,
         "write a measure off, with the reason"},
        {"POST", "/api/v1/measures/{ref}/reopen", WRITE, 0, f_reopen, q_measure, h_reopen,
         "reopen a completed or written-off measure (a correction), with the reason"},
        {"POST", "/api/v1/measures/{ref}/continue", WRITE, 0, f_continue, q_measure, h_continue,
         "the final report's closing decision: the measure goes on after the plan"},
        {"GET", "/api/v1/measures/{ref}/history", ROLES_ANY, 0, NULL, q_measure, h_history,
         "a measure's ledger entries"},
        {"GET", "/api/v1/plans/{id}/agencies", READ_WORK, 0, NULL, f_none, h_agencies,
         "per-agency work on the reporting year: contacts, assignments, proposals"},
        {"POST", "/api/v1/plans/{id}/contacts", WRITE, 0, f_contact, f_none, h_contact,
         "make an identity (role agency) the contact of one authority in the plan"},
        {"POST", "/api/v1/plans/{id}/contacts/remove", WRITE, 0, f_contact_rm, f_none, h_contact_rm,
         "end an agency contact's binding to the plan"},
        {"POST", "/api/v1/plans/{id}/assignments", WRITE, 0, f_assign, f_none, h_assign,
         "an agency's assignment for the reporting year, with its deadline"},
        {"POST", "/api/v1/plans/{id}/assignments/status", AGENCY, 0, f_astatus, f_none, h_astatus,
         "the agency's status: not started, in progress, ready (its contact)"},
        {"POST", "/api/v1/plans/{id}/assignments/approve", AGENCY, 0, f_approve, f_none, h_approve,
         "the agency approves its part of the report (its contact)"},
        {"POST", "/api/v1/measures/{ref}/proposals", AGENCY, 0, f_propose, q_measure, h_propose,
         "propose a change to one of the agency's own measures (its contact)"},
        {"POST", "/api/v1/proposals/{id}/accept", WRITE, 0, f_none, f_none, h_accept,
         "accept an agency's proposal: the measure changes (not by its author)"},
        {"POST", "/api/v1/proposals/{id}/reject", WRITE, 0, f_reject, f_none, h_reject,
         "reject an agency's proposal, with the reason (not by its author)"},
        API_ROUTES_END,
};
