/*
 * The routes of incidents (säkerhetshotande händelser, 2 kap. 15–19 §§) and
 * the action plan of deviations (åtgärdsplan, 14 §) that their definitions
 * (model/reg_incidents.c, reg_deviations.c) do not make: the incident's
 * workflow (damage assessment, measures, lessons) and a new deviation, whose
 * finding is looked up here because the model does not ask the compliance
 * engine. The list, one record, report, update, report filed,
 * investigation, close, a deviation's changes and status are the generic
 * routes (api_registers.c).
 */
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "model/incident.h"
#include "model/register.h"
#include "rules/rules.h"

#define R(x)   ROLE_BIT(ROLE_##x)
#define HANDLE (R(SSC) | R(CHIEF))
#define ID_MAX INT64_C(9007199254740991)
#define TXT    INCIDENT_TEXT_MAX
#define TTL    INCIDENT_TITLE_MAX
#define REF    INCIDENT_REF_MAX

static const char *const v_action[] = {"start", "finish", NULL};
static const char *const v_source[] = {"finding", "control", "audit", "incident", "other", NULL};

static const struct api_field f_none[] = {API_FIELDS_END};

static const struct api_field f_assessment[] = {
        {"action", API_ENUM, true, 0, 0, "start or finish", v_action},
        {"date", API_DATE, true, 0, 0, "the day", NULL},
        {"content", API_TEXT, false, 1, TXT, "the assessment (finish)", NULL},
        API_FIELDS_END};

static const struct api_field f_measure[] = {
        {"taken_on", API_DATE, true, 0, 0, "the day it was taken", NULL},
        {"text", API_TEXT, true, 1, TXT, "what was done to limit harm or return to normal", NULL},
        API_FIELDS_END};

static const struct api_field f_lesson[] = {
        {"title", API_STRING, true, 1, TTL, "the measure", NULL},
        {"description", API_TEXT, false, 0, TXT, "what is to be done", NULL},
        {"reference", API_STRING, false, 0, REF, "default incident/ID", NULL},
        {"responsible", API_STRING, false, 0, REF, "the responsible function", NULL},
        {"due_on", API_DATE, false, 0, 0, "when it is due", NULL},
        API_FIELDS_END};

static const struct api_field f_deviation_new[] = {
        {"source", API_ENUM, true, 0, 0, "finding, control, audit, incident or other", v_source},
        {"title", API_STRING, false, 1, TTL, "the deviation (default for a finding: its message)",
         NULL},
        {"description", API_TEXT, false, 0, TXT, "what is to be done", NULL},
        {"reference", API_STRING, false, 0, REF,
         "paragraph, control or audit (default for a finding: its paragraph)", NULL},
        {"finding", API_STRING, false, 1, 64, "source finding: the rule id", NULL},
        {"finding_object", API_STRING, false, 3, 64, "source finding: the object, type/id", NULL},
        {"responsible", API_STRING, false, 0, REF, "the responsible function", NULL},
        {"due_on", API_DATE, false, 0, 0, "when it is due", NULL},
        {"incident_id", API_INT, false, 1, ID_MAX, "the incident it comes from", NULL},
        API_FIELDS_END};

/* The reply as the definition makes it (with links, measures, history). */
static void reply_record(struct api_ctx *c, const char *reg, unsigned status, int64_t id)
{
	json_t *v = reg_get_reply(api_model(c->api), &c->p, reg_find(reg), id);

	if (v)
		api_reply(c, status, v);
	else
		api_errorr(c, 404, "not_found", "id", "record.not_found",
		           json_pack("{s:s}", "register", reg), "no such record");
}

/* ---- the incident's workflow: assessment, measures, lessons ---- */

typedef int (*act_fn)(struct model *, const struct principal *, int64_t, const json_t *,
                      struct model_err *);

static void acted(struct api_ctx *c, act_fn fn)
{
	struct model_err err = {0};
	int rc = fn(api_model(c->api), &c->p, c->id, c->body, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		reply_record(c, "incidents", 200, c->id);
}

static void h_assessment(struct api_ctx *c)
{
	acted(c, incident_assessment);
}

static void h_measure(struct api_ctx *c)
{
	acted(c, incident_measure_add);
}

static void h_lesson(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id = 0;
	int rc = incident_lesson(api_model(c->api), &c->p, c->id, c->body, &id, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		reply_record(c, "deviations", 201, id);
}

/* ---- a new deviation ---- */

static void h_deviation_new(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id = 0;
	const char *src = json_string_value(json_object_get(c->body, "source"));
	json_t *fnd = NULL;
	int rc;

	/* the finding as the caller sees it now: the model does not ask the engine */
	if (src && strcmp(src, "finding") == 0)
		fnd = rules_finding(
		        api_model(c->api), json_string_value(json_object_get(c->body, "finding")),
		        json_string_value(json_object_get(c->body, "finding_object")), &c->p);
	rc = deviation_create(api_model(c->api), &c->p, c->body, fnd, &id, &err);
	json_decref(fnd);

	if (rc)
		api_fail(c, rc, &err);
	else
		reply_record(c, "deviations", 201, id);
}

/* What the definitions (reg_incidents.c, reg_deviations.c) do not make. */
const struct api_route api_routes_incidents[] = {
        {"POST", "/api/v1/incidents/{id}/assessment", HANDLE, 0, f_assessment, f_none, h_assessment,
         "start or finish the damage assessment (19 §)"},
        {"POST", "/api/v1/incidents/{id}/measures", HANDLE, 0, f_measure, f_none, h_measure,
         "record a measure taken to limit harm (16 §)"},
        {"POST", "/api/v1/incidents/{id}/lessons", HANDLE, 0, f_lesson, f_none, h_lesson,
         "a lesson becomes a deviation of the action plan (17 §)"},
        {"POST", "/api/v1/deviations", HANDLE, 0, f_deviation_new, f_none, h_deviation_new,
         "a deviation: from a finding, a control, an audit, an incident or other"},
        API_ROUTES_END,
};
