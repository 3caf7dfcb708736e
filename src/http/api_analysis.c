/*
 * The routes of the security protection analysis (PMFS 2022:1 2 kap.
 * 1–11 §§), the security plan (12 §) and special assessments (13 §).
 * Writes: the ssc or the head (chief); approval of an analysis: the head
 * only; reads: chief, ssc, auditor. Content sections are API_JSON fields
 * checked in depth by the model (errors name the JSON path).
 */
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "model/analysis.h"

#define R(x)  ROLE_BIT(ROLE_##x)
#define WRITE (R(SSC) | R(CHIEF))
#define READ  (R(SSC) | R(CHIEF) | R(AUDITOR))

static const char *const v_proc[] = {"supplier_agreement", "outsourcing", "transfer", "other",
                                     NULL};

static const struct api_field f_none[] = {API_FIELDS_END};

#define CONTENT_FIELDS                                                                             \
	{                                                                                          \
	        "description", API_TEXT,                                                           \
	        false,         0,                                                                  \
	        20000,         "the activity described in outline (2 kap. 2 §)",                   \
	        NULL},                                                                             \
	        {"parts",                                                                          \
	         API_JSON,                                                                         \
	         false,                                                                            \
	         0,                                                                                \
	         100,                                                                              \
	         "[{id, name, description, categories: [external_security, internal_security, "    \
	         "critical_activity, economy, other_sensitive]}] (2 §)",                           \
	         NULL},                                                                            \
	        {"assets",                                                                         \
	         API_JSON,                                                                         \
	         false,                                                                            \
	         0,                                                                                \
	         500,                                                                              \
	         "[{id, kind: 1|2|3, name, description, perspectives: [confidentiality, "          \
	         "integrity, availability], level: A-D (kind 2), class: BH|K|H|KH (kind 1), "      \
	         "part_ids}] (3–5 §§)",                                                            \
	         NULL},                                                                            \
	        {"sapo",                                                                           \
	         API_JSON,                                                                         \
	         false,                                                                            \
	         0,                                                                                \
	         2,                                                                                \
	         "Säkerhetspolisen's description of dimensioning antagonistic capabilities: "     \
	         "{reference, date} or {} (7 §)",                                                  \
	         NULL},                                                                            \
	        {"threats", API_JSON, false,                                                       \
	         0,         500,      "[{id, description, asset_ids, overall}] (6 §)",             \
	         NULL},                                                                            \
	        {"vulnerabilities",                                                                \
	         API_JSON,                                                                         \
	         false,                                                                            \
	         0,                                                                                \
	         1000,                                                                             \
	         "[{id, description, asset_id (none: overall), threat_ids}] (8 §)",                \
	         NULL},                                                                            \
	        {"measures", API_JSON, false,                                                      \
	         0,          1000,     "[{id, description, vulnerability_ids, asset_ids}] (9 §)",  \
	         NULL},                                                                            \
	        API_FIELDS_END

static const struct api_field f_new[] = {
        {"title", API_STRING, true, 1, 300, "the analysis's title", NULL},
        {"class", API_STRING, false, 0, 2,
         "BH, K, H or KH: shown only to those cleared for it; empty: not classified", NULL},
        CONTENT_FIELDS};
static const struct api_field f_patch[] = {
        {"title", API_STRING, false, 1, 300, "the analysis's title", NULL},
        {"class", API_STRING, false, 0, 2,
         "BH, K, H or KH: shown only to those cleared for it; empty: not classified", NULL},
        CONTENT_FIELDS};
static const struct api_field f_return[] = {
        {"reason", API_TEXT, true, 1, 2000, "what to change before approval", NULL},
        API_FIELDS_END};

static const struct api_field f_export[] = {
        {"recipient", API_STRING, true, 1, 300,
         "to whom (e.g. the supervisory authority, Säkerhetspolisen)", NULL},
        {"reason", API_TEXT, false, 0, 2000, "why (e.g. the request's reference)", NULL},
        API_FIELDS_END};

static const struct api_field f_plan_new[] = {
        {"analysis_id", API_INT, true, 1, 9007199254740991, "the approved analysis version", NULL},
        {"title", API_STRING, false, 1, 300, "the plan's title", NULL},
        API_FIELDS_END};
static const struct api_field f_plan_patch[] = {
        {"title", API_STRING, false, 1, 300, "the plan's title", NULL},
        {"items", API_JSON, false, 1, 1000,
         "[{measure_id, due: YYYY-MM-DD, responsible (function), note}] merged by measure_id",
         NULL},
        API_FIELDS_END};

#define AS_FIELDS                                                                                   \
	{"procedure_ref",                                                                           \
	 API_STRING,                                                                                \
	 false,                                                                                     \
	 1,                                                                                         \
	 300,                                                                                       \
	 "the procedure: agreement, case or reference",                                             \
	 NULL},                                                                                     \
	        {"affected", API_JSON, false,                                                       \
	         0,          500,      "[{asset_id, how}] assets of the current analysis (13 § 1)", \
	         NULL},                                                                             \
	        {"threats", API_JSON, false, 0, 500, "[{description}] (13 § 2)", NULL},             \
	        {"vulnerabilities",                                                                 \
	         API_JSON,                                                                          \
	         false,                                                                             \
	         0,                                                                                 \
	         500,                                                                               \
	         "[{description, change}] and how the procedure changes them (13 § 3)",             \
	         NULL},                                                                             \
	        {"measures", API_JSON, false, 0, 500, "[{description}] (13 § 4)", NULL},            \
	        API_FIELDS_END

static const struct api_field f_as_new[] = {
        {"title", API_STRING, true, 1, 300, "the assessment's title", NULL},
        {"procedure_kind", API_ENUM, true, 0, 0,
         "supplier_agreement, outsourcing, transfer or other", v_proc},
        AS_FIELDS};
static const struct api_field f_as_patch[] = {
        {"title", API_STRING, false, 1, 300, "the assessment's title", NULL},
        {"procedure_kind", API_ENUM, false, 0, 0,
         "supplier_agreement, outsourcing, transfer or other", v_proc},
        AS_FIELDS};

static void reply_or_404(struct api_ctx *c, json_t *v, const char *what)
{
	if (v)
		api_reply(c, 200, v);
	else
		api_errorr(c, 404, "not_found", NULL, "request.not_found", NULL, "no such %s",
		           what);
}

static void reply_list(struct api_ctx *c, json_t *v)
{
	if (v)
		api_reply(c, 200, v);
	else
		api_fail(c, SK_EIO, NULL);
}

/* ---- analyses ---- */

static void h_list(struct api_ctx *c)
{
	reply_list(c, analysis_list(api_model(c->api), &c->p));
}

static json_t *get_analysis(struct api_ctx *c, int64_t id)
{
	return analysis_get(api_model(c->api), &c->p, id);
}

static json_t *get_plan(struct api_ctx *c, int64_t id)
{
	return secplan_get(api_model(c->api), &c->p, id);
}

static json_t *get_assessment(struct api_ctx *c, int64_t id)
{
	return assessment_get(api_model(c->api), id);
}

static void h_create(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id = 0;
	int rc = analysis_create(api_model(c->api), &c->p, c->body, &id, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		api_reply(c, 201, get_analysis(c, id));
}

static void h_get(struct api_ctx *c)
{
	reply_or_404(c, get_analysis(c, c->id), "analysis");
}

static void done(struct api_ctx *c, int rc, const struct model_err *err,
                 json_t *(*get)(struct api_ctx *, int64_t), int64_t id)
{
	if (rc)
		api_fail(c, rc, err);
	else
		api_reply(c, 200, get(c, id));
}

static void h_patch(struct api_ctx *c)
{
	struct model_err err = {0};

	done(c, analysis_update(api_model(c->api), &c->p, c->id, c->body, &err), &err, get_analysis,
	     c->id);
}

static void h_approve(struct api_ctx *c)
{
	struct model_err err = {0};

	done(c, analysis_approve(api_model(c->api), &c->p, c->id, &err), &err, get_analysis, c->id);
}

static void h_submit(struct api_ctx *c)
{
	struct model_err err = {0};

	done(c, analysis_submit(api_model(c->api), &c->p, c->id, &err), &err, get_analysis, c->id);
}

static void h_return(struct api_ctx *c)
{
	struct model_err err = {0};

	done(c,
	     analysis_return(api_model(c->api), &c->p, c->id,
	                     json_string_value(json_object_get(c->body, "reason")), &err),
	     &err, get_analysis, c->id);
}

static void h_revise(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id = 0;
	int rc = analysis_revise(api_model(c->api), &c->p, c->id, &id, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		api_reply(c, 201, get_analysis(c, id));
}

static void h_report(struct api_ctx *c)
{
	struct model_err err = {0};
	json_t *rep = NULL;
	int rc = analysis_report(api_model(c->api), &c->p, c->id, &rep, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		api_reply(c, 200, rep);
}

static void h_export(struct api_ctx *c)
{
	struct model_err err = {0};
	json_t *rep = NULL;
	char disp[96];
	int rc = analysis_export(api_model(c->api), &c->p, c->id,
	                         json_string_value(json_object_get(c->body, "recipient")),
	                         json_string_value(json_object_get(c->body, "reason")), &rep, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"sakerhetsskyddsanalys-%lld.json\"",
	         (long long)c->id);
	http_resp_header(c->resp, "Content-Disposition", disp);
	api_reply(c, 200, rep);
}

static void h_deadlines(struct api_ctx *c)
{
	reply_list(c, analysis_deadlines(api_model(c->api), &c->p));
}

/* ---- security plans ---- */

static void h_plans(struct api_ctx *c)
{
	reply_list(c, secplan_list(api_model(c->api), &c->p));
}

static void h_plan_create(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id = 0;
	int rc = secplan_create(api_model(c->api), &c->p,
	                        json_integer_value(json_object_get(c->body, "analysis_id")),
	                        json_string_value(json_object_get(c->body, "title")), &id, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		api_reply(c, 201, get_plan(c, id));
}

static void h_plan(struct api_ctx *c)
{
	reply_or_404(c, get_plan(c, c->id), "plan");
}

static void h_plan_patch(struct api_ctx *c)
{
	struct model_err err = {0};

	done(c, secplan_update(api_model(c->api), &c->p, c->id, c->body, &err), &err, get_plan,
	     c->id);
}

static void h_plan_approve(struct api_ctx *c)
{
	struct model_err err = {0};

	done(c, secplan_approve(api_model(c->api), &c->p, c->id, &err), &err, get_plan, c->id);
}

/* ---- special assessments ---- */

static void h_assessments(struct api_ctx *c)
{
	reply_list(c, assessment_list(api_model(c->api)));
}

static void h_as_create(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id = 0;
	int rc = assessment_create(api_model(c->api), &c->p, c->body, &id, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		api_reply(c, 201, assessment_get(api_model(c->api), id));
}

static void h_as(struct api_ctx *c)
{
	reply_or_404(c, assessment_get(api_model(c->api), c->id), "assessment");
}

static void h_as_patch(struct api_ctx *c)
{
	struct model_err err = {0};

	done(c, assessment_update(api_model(c->api), &c->p, c->id, c->body, &err), &err,
	     get_assessment, c->id);
}

static void h_as_approve(struct api_ctx *c)
{
	struct model_err err = {0};

	done(c, assessment_approve(api_model(c->api), &c->p, c->id, &err), &err, get_assessment,
	     c->id);
}

const struct api_route api_routes_analysis[] = {
        {"GET", "/api/v1/analyses", READ, 0, NULL, f_none, h_list,
         "security protection analyses (säkerhetsskyddsanalyser), every version"},
        {"POST", "/api/v1/analyses", WRITE, 0, f_new, f_none, h_create,
         "a new analysis (version 1, draft)"},
        {"GET", "/api/v1/analyses/deadlines", READ, 0, NULL, f_none, h_deadlines,
         "review deadlines (approved + 2 years) and the plans' due dates"},
        {"GET", "/api/v1/analyses/{id}", READ, 0, NULL, f_none, h_get,
         "one version with its content, what is missing, and the series' versions"},
        {"PATCH", "/api/v1/analyses/{id}", WRITE, 0, f_patch, f_none, h_patch,
         "change a draft version (sections replaced whole)"},
        {"POST", "/api/v1/analyses/{id}/approve", R(CHIEF), 0, f_none, f_none, h_approve,
         "approve (fastställ) a draft: the head only (2 kap. 10 §)"},
        {"POST", "/api/v1/analyses/{id}/submit", R(SSC), 0, f_none, f_none, h_submit,
         "send a complete draft to the head for approval (shows in the head's Att göra)"},
        {"POST", "/api/v1/analyses/{id}/return", R(CHIEF), 0, f_return, f_none, h_return,
         "send a sent draft back for changes, with the reason: the head only"},
        {"POST", "/api/v1/analyses/{id}/revise", WRITE, 0, f_none, f_none, h_revise,
         "a new draft version, a copy of the approved one"},
        {"GET", "/api/v1/analyses/{id}/report", READ, 0, NULL, f_none, h_report,
         "the printable report of an approved version (2 kap. 11 §)"},
        {"POST", "/api/v1/analyses/{id}/export", WRITE, 0, f_export, f_none, h_export,
         "hand the analysis over (a ledger entry with to whom and why) and get its JSON"},
        {"GET", "/api/v1/security-plans", READ, 0, NULL, f_none, h_plans,
         "security plans (säkerhetsskyddsplaner)"},
        {"POST", "/api/v1/security-plans", WRITE, 0, f_plan_new, f_none, h_plan_create,
         "a plan from an approved analysis (2 kap. 12 §)"},
        {"GET", "/api/v1/security-plans/{id}", READ, 0, NULL, f_none, h_plan,
         "a plan with its items"},
        {"PATCH", "/api/v1/security-plans/{id}", WRITE, 0, f_plan_patch, f_none, h_plan_patch,
         "change a draft plan's items (due, responsible, note)"},
        {"POST", "/api/v1/security-plans/{id}/approve", WRITE, 0, f_none, f_none, h_plan_approve,
         "approve a plan: the ssc (the head when there is none)"},
        {"GET", "/api/v1/assessments", READ, 0, NULL, f_none, h_assessments,
         "special assessments (särskilda säkerhetsskyddsbedömningar)"},
        {"POST", "/api/v1/assessments", WRITE, 0, f_as_new, f_none, h_as_create,
         "a special assessment before a procedure (2 kap. 13 §)"},
        {"GET", "/api/v1/assessments/{id}", READ, 0, NULL, f_none, h_as, "one assessment"},
        {"PATCH", "/api/v1/assessments/{id}", WRITE, 0, f_as_patch, f_none, h_as_patch,
         "change a draft assessment"},
        {"POST", "/api/v1/assessments/{id}/approve", WRITE, 0, f_none, f_none, h_as_approve,
         "approve an assessment (ssc or delegate); refused while parts are missing"},
        API_ROUTES_END,
};
