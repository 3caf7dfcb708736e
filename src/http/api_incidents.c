/*
 * The routes of incidents (säkerhetshotande händelser, 2 kap. 15–19 §§) and
 * the action plan of deviations (åtgärdsplan, 14 §). Anyone logged in may
 * report an incident and sees the ones they reported; the ssc and the head
 * handle them and keep the action plan; the auditor reads everything.
 */
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "model/incident.h"
#include "rules/rules.h"

#define R(x)   ROLE_BIT(ROLE_##x)
#define HANDLE (R(SSC) | R(CHIEF))
#define READ   (R(SSC) | R(CHIEF) | R(AUDITOR))
#define ID_MAX INT64_C(9007199254740991)
#define TXT    INCIDENT_TEXT_MAX
#define TTL    INCIDENT_TITLE_MAX
#define REF    INCIDENT_REF_MAX
#define LINKS  INCIDENT_LINKS_MAX

static const char *const v_state[] = {"open", "closed", NULL};
static const char *const v_action[] = {"start", "finish", NULL};
static const char *const v_source[] = {"finding", "control", "audit", "incident", "other", NULL};
static const char *const v_status[] = {"open", "in_progress", "done", "written_off", NULL};
static const char *const v_bool[] = {"true", "false", NULL};

static const struct api_field f_none[] = {API_FIELDS_END};

#define INCIDENT_FIELDS(req)                                                                       \
	{"title", API_STRING, req, 1, TTL, "what happened, in a few words", NULL},                 \
	        {"description", API_TEXT, false, 0, TXT, "the event (free text)", NULL},           \
	        {"occurred_on", API_DATE, req, 0, 0, "when it occurred", NULL},                    \
	        {"detected_on", API_DATE, false, 0, 0, "when it was detected (default today)",     \
	         NULL},                                                                            \
	        {"detected_by", API_STRING, false, 0, TTL, "who detected it (free text)", NULL},   \
	        {"detected_person_id",          API_INT, false, 1, ID_MAX,                         \
	         "or a person of the register", NULL},                                             \
	        {"reportable",                                                                     \
	         API_BOOL,                                                                         \
	         false,                                                                            \
	         0,                                                                                \
	         0,                                                                                \
	         "to be reported to Säkerhetspolisen (SäkF 2 kap. 4 §): an answer; left out, "  \
	         "null (not assessed yet)",                                                        \
	         NULL},                                                                            \
	        {"document_ids", API_IDS, false, 0, LINKS, "documents it affects", NULL},          \
	        {"copy_ids", API_IDS, false, 0, LINKS, "copies it affects", NULL},                 \
	        {"medium_ids", API_IDS, false, 0, LINKS, "storage media it affects", NULL},        \
	{                                                                                          \
		"system_ids", API_IDS, false, 0, LINKS, "information systems it affects", NULL     \
	}

static const struct api_field f_incident_new[] = {
        INCIDENT_FIELDS(true),
        {"lost_case_id", API_INT, false, 1, ID_MAX,
         "the inventory's lost case it comes from (ssc, chief, registrar)", NULL},
        API_FIELDS_END};

static const struct api_field f_incident_patch[] = {INCIDENT_FIELDS(false), API_FIELDS_END};

static const struct api_field q_incidents[] = {
        {"state", API_ENUM, false, 0, 0, "open or closed", v_state}, API_FIELDS_END};

static const struct api_field f_report[] = {
        {"report_date", API_DATE, true, 0, 0, "the day it was reported to Säkerhetspolisen", NULL},
        {"report_ref", API_STRING, true, 1, REF, "the form's reference", NULL},
        API_FIELDS_END};

static const struct api_field f_assessment[] = {
        {"action", API_ENUM, true, 0, 0, "start or finish", v_action},
        {"date", API_DATE, true, 0, 0, "the day", NULL},
        {"content", API_TEXT, false, 1, TXT, "the assessment (finish)", NULL},
        API_FIELDS_END};

static const struct api_field f_measure[] = {
        {"taken_on", API_DATE, true, 0, 0, "the day it was taken", NULL},
        {"text", API_TEXT, true, 1, TXT, "what was done to limit harm or return to normal", NULL},
        API_FIELDS_END};

static const struct api_field f_investigation[] = {
        {"investigation", API_TEXT, true, 1, TXT, "the circumstances (17 §)", NULL},
        {"evaluation", API_TEXT, true, 1, TXT, "how the event was handled (17 §)", NULL},
        {"investigated_on", API_DATE, false, 0, 0, "default today", NULL},
        API_FIELDS_END};

static const struct api_field f_close[] = {
        {"closed_on", API_DATE, false, 0, 0, "default today", NULL}, API_FIELDS_END};

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

static const struct api_field f_deviation_patch[] = {
        {"title", API_STRING, false, 1, TTL, "the deviation", NULL},
        {"description", API_TEXT, false, 0, TXT, "what is to be done", NULL},
        {"reference", API_STRING, false, 0, REF, "paragraph, control or audit", NULL},
        {"responsible", API_STRING, false, 0, REF, "the responsible function", NULL},
        {"due_on", API_DATE, false, 0, 0, "when it is due", NULL},
        API_FIELDS_END};

static const struct api_field f_status[] = {
        {"status", API_ENUM, true, 0, 0, "open, in_progress, done or written_off", v_status},
        {"reason", API_TEXT, false, 1, TXT, "why it is written off", NULL},
        API_FIELDS_END};

static const struct api_field q_deviations[] = {
        {"status", API_ENUM, false, 0, 0, "open, in_progress, done or written_off", v_status},
        {"open", API_ENUM, false, 0, 0, "true: open and in progress only", v_bool},
        API_FIELDS_END};

static const char *qstr(struct api_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->query, key));
}

static void reply_incident(struct api_ctx *c, unsigned status, int64_t id)
{
	json_t *v = incident_get(api_model(c->api), &c->p, id);

	if (v)
		api_reply(c, status, v);
	else
		api_error(c, 404, "not_found", NULL, "no such incident");
}

static void reply_deviation(struct api_ctx *c, unsigned status, int64_t id)
{
	json_t *v = deviation_get(api_model(c->api), &c->p, id);

	if (v)
		api_reply(c, status, v);
	else
		api_error(c, 404, "not_found", NULL, "no such deviation");
}

/* ---- incidents ---- */

static void h_incidents(struct api_ctx *c)
{
	json_t *v = incident_list(api_model(c->api), &c->p, qstr(c, "state"));

	if (v)
		api_reply(c, 200, v);
	else
		api_fail(c, SK_EIO, NULL);
}

static void h_incident_new(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id = 0;
	int rc = incident_create(api_model(c->api), &c->p, c->body, &id, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		reply_incident(c, 201, id);
}

static void h_incident(struct api_ctx *c)
{
	reply_incident(c, 200, c->id);
}

typedef int (*act_fn)(struct model *, const struct principal *, int64_t, const json_t *,
                      struct model_err *);

static void acted(struct api_ctx *c, act_fn fn)
{
	struct model_err err = {0};
	int rc = fn(api_model(c->api), &c->p, c->id, c->body, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		reply_incident(c, 200, c->id);
}

static void h_incident_patch(struct api_ctx *c)
{
	acted(c, incident_update);
}

static void h_report(struct api_ctx *c)
{
	acted(c, incident_report);
}

static void h_assessment(struct api_ctx *c)
{
	acted(c, incident_assessment);
}

static void h_measure(struct api_ctx *c)
{
	acted(c, incident_measure_add);
}

static void h_investigation(struct api_ctx *c)
{
	acted(c, incident_investigate);
}

static void h_close(struct api_ctx *c)
{
	acted(c, incident_close);
}

static void h_lesson(struct api_ctx *c)
{
	struct model_err err = {0};
	int64_t id = 0;
	int rc = incident_lesson(api_model(c->api), &c->p, c->id, c->body, &id, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		reply_deviation(c, 201, id);
}

/* ---- the action plan ---- */

static void h_deviations(struct api_ctx *c)
{
	struct model *m = api_model(c->api);
	const char *open = qstr(c, "open");
	json_t *v;

	/* a read writes nothing: measures whose finding is gone were marked done after the
	 * write that removed it (the router runs rules_sync_deviations after every write) */
	v = deviation_list(m, &c->p, qstr(c, "status"), open && strcmp(open, "true") == 0);
	if (v)
		api_reply(c, 200, v);
	else
		api_fail(c, SK_EIO, NULL);
}

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
		reply_deviation(c, 201, id);
}

static void h_deviation(struct api_ctx *c)
{
	reply_deviation(c, 200, c->id);
}

static void h_deviation_patch(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = deviation_update(api_model(c->api), &c->p, c->id, c->body, &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		reply_deviation(c, 200, c->id);
}

static void h_deviation_status(struct api_ctx *c)
{
	struct model_err err = {0};
	int rc = deviation_set_status(api_model(c->api), &c->p, c->id,
	                              json_string_value(json_object_get(c->body, "status")),
	                              json_string_value(json_object_get(c->body, "reason")), &err);

	if (rc)
		api_fail(c, rc, &err);
	else
		reply_deviation(c, 200, c->id);
}

const struct api_route api_routes_incidents[] = {
        {"GET", "/api/v1/incidents", ROLES_ANY, 0, NULL, q_incidents, h_incidents,
         "incidents (säkerhetshotande händelser): all for ssc, chief, auditor; else one's own"},
        {"POST", "/api/v1/incidents", ROLES_ANY, 0, f_incident_new, f_none, h_incident_new,
         "report an incident (anyone logged in)"},
        {"GET", "/api/v1/incidents/{id}", ROLES_ANY, 0, NULL, f_none, h_incident,
         "an incident with its links, measures, deviations and history"},
        {"PATCH", "/api/v1/incidents/{id}", HANDLE, 0, f_incident_patch, f_none, h_incident_patch,
         "change an open incident"},
        {"POST", "/api/v1/incidents/{id}/report", HANDLE, 0, f_report, f_none, h_report,
         "record the report to Säkerhetspolisen (18 §)"},
        {"POST", "/api/v1/incidents/{id}/assessment", HANDLE, 0, f_assessment, f_none, h_assessment,
         "start or finish the damage assessment (19 §)"},
        {"POST", "/api/v1/incidents/{id}/measures", HANDLE, 0, f_measure, f_none, h_measure,
         "record a measure taken to limit harm (16 §)"},
        {"POST", "/api/v1/incidents/{id}/investigation", HANDLE, 0, f_investigation, f_none,
         h_investigation, "record the investigation and evaluation (17 §)"},
        {"POST", "/api/v1/incidents/{id}/close", HANDLE, 0, f_close, f_none, h_close,
         "close an incident"},
        {"POST", "/api/v1/incidents/{id}/lessons", HANDLE, 0, f_lesson, f_none, h_lesson,
         "a lesson becomes a deviation of the action plan (17 §)"},
        {"GET", "/api/v1/deviations", READ, 0, NULL, q_deviations, h_deviations,
         "the action plan (åtgärdsplan, 14 §)"},
        {"POST", "/api/v1/deviations", HANDLE, 0, f_deviation_new, f_none, h_deviation_new,
         "a deviation: from a finding, a control, an audit, an incident or other"},
        {"GET", "/api/v1/deviations/{id}", READ, 0, NULL, f_none, h_deviation,
         "a deviation with its history"},
        {"PATCH", "/api/v1/deviations/{id}", HANDLE, 0, f_deviation_patch, f_none,
         h_deviation_patch, "change an open deviation"},
        {"POST", "/api/v1/deviations/{id}/status", HANDLE, 0, f_status, f_none, h_deviation_status,
         "set a deviation's status (written_off with the reason)"},
        API_ROUTES_END,
};
