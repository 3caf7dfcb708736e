/*
 * The compliance routes: the rule table, the findings (with the overview per
 * chapter), exemptions (8 kap. 2 §), deadlines, the trend, and the calendar
 * feed of deadlines behind a revocable secret key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "rules/rules.h"

#define R(x)      ROLE_BIT(ROLE_##x)
#define OVERSIGHT (R(SSC) | R(CHIEF) | R(AUDITOR) | R(REGISTRAR) | R(ADMIN))
#define DECIDERS  (R(SSC) | R(CHIEF))
/* the personnel-security function follows up 6 kap. only: its findings, nothing else */
#define FINDINGS          (OVERSIGHT | R(PERSONNEL))
#define PERSONNEL_CHAPTER 6

static const char *const severities[] = {"low", "medium", "high", NULL};
static const char *const statuses[] = {"open", "all", NULL};

static const struct api_field f_none[] = {API_FIELDS_END};

static const struct api_field q_findings[] = {
        {"rule", API_STRING, false, 1, 64, "only this rule's findings (an id)", NULL},
        {"ref", API_STRING, false, 1, 8, "chapter or chapter:section, e.g. 3:21", NULL},
        {"severity", API_ENUM, false, 0, 0, "low, medium or high: this severity and above",
         severities},
        {"object", API_STRING, false, 3, 80, "only this object, e.g. document/12", NULL},
        {"status", API_ENUM, false, 0, 0, "open (default: all) leaves covered findings out",
         statuses},
        API_FIELDS_END};

static const struct api_field q_days[] = {
        {"days", API_INT, false, 1, 366, "how far ahead, default 90", NULL}, API_FIELDS_END};

static const struct api_field q_trend[] = {
        {"days", API_INT, false, 1, 3660, "how far back, default 365", NULL}, API_FIELDS_END};

static const struct api_field q_calendar[] = {
        {"key", API_STRING, true, 10, 128, "the secret key from POST /api/v1/me/calendar", NULL},
        API_FIELDS_END};

static const struct api_field f_exemption_new[] = {
        {"reference", API_STRING, true, 1, 128, "the decision's reference (diarienummer)", NULL},
        {"granted_by", API_STRING, true, 1, 128,
         "the authority: Säkerhetspolisen or the supervisory authority", NULL},
        {"granted_on", API_DATE, true, 0, 0, "the day of the decision", NULL},
        {"scope_rules", API_STRING, true, 1, 2000, "rule ids it covers, space-separated", NULL},
        {"scope_objects", API_STRING, false, 0, 2000,
         "objects it covers (document/12 …), space-separated; empty = all the rules find", NULL},
        {"valid_until", API_DATE, true, 0, 0, "last day it covers", NULL},
        {"note", API_TEXT, false, 0, 1000, "what the exemption says", NULL},
        API_FIELDS_END};

static const struct api_field f_exemption_revoke[] = {
        {"reason", API_TEXT, true, 1, 500, "why it no longer applies", NULL}, API_FIELDS_END};

static const char *qstr(struct api_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->query, key));
}

static const char *bstr(struct api_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->body, key));
}

static void h_rules(struct api_ctx *c)
{
	api_reply(c, 200, json_pack("{s:o}", "rules", rules_table_json()));
}

static void h_findings(struct api_ctx *c)
{
	/* need-to-know per object (rules_filter.viewer): ledger_view's rule, as in the log */
	struct rules_filter f = {
	        .min_severity = -1, .clearance = (int)c->p.clearance, .viewer = &c->p};
	const char *ref = qstr(c, "ref"), *sev = qstr(c, "severity"), *st = qstr(c, "status");
	bool scoped = !(c->p.roles & OVERSIGHT); /* the personnel-security function alone */
	json_t *res;

	f.rule = qstr(c, "rule");
	f.object = qstr(c, "object");
	f.open_only = st && strcmp(st, "open") == 0;
	if (sev)
		f.min_severity = rules_severity_parse(sev);
	if (ref) {
		char *end;
		long ch = strtol(ref, &end, 10), sec = 0;

		if (*end == ':')
			sec = strtol(end + 1, &end, 10);
		if (*end || ch < 1 || ch > 8 || sec < 0 || sec > 99) {
			api_errorr(c, 400, "invalid_field", "ref", "rules.ref", NULL,
			           "ref: chapter or chapter:section, e.g. 3:21");
			return;
		}
		f.chapter = (int)ch;
		f.section = (int)sec;
	}
	if (f.rule && !rules_find(f.rule)) {
		api_errorr(c, 400, "invalid_field", "rule", "rules.no_rule", NULL,
		           "rule: no such rule (GET /api/v1/rules)");
		return;
	}
	if (scoped && f.chapter && f.chapter != PERSONNEL_CHAPTER) {
		api_errorr(c, 403, "forbidden", "ref", "rules.chapter_scope", NULL,
		           "ref: the personnel-security function reads 6 kap. only");
		return;
	}
	if (scoped)
		f.chapter = PERSONNEL_CHAPTER;
	res = rules_current(api_model(c->api), &f);
	if (!res) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	json_object_set_new(
	        res, "chapters",
	        rules_overview(model_reader(api_model(c->api)), json_object_get(res, "findings")));
	if (scoped) {
		/* the status of 6 kap. only: the other chapters were not evaluated for this reader
		 */
		json_t *all = json_object_get(res, "chapters"), *keep = json_array(), *v;
		size_t i;

		json_array_foreach(all, i, v)
		{
			if (json_integer_value(json_object_get(v, "chapter")) == PERSONNEL_CHAPTER)
				json_array_append(keep, v);
		}
		json_object_set_new(res, "chapters", keep);
	}
	api_reply(c, 200, res);
}

static void h_deadlines(struct api_ctx *c)
{
	struct store_reader *r = model_reader(api_model(c->api));
	json_t *days = json_object_get(c->query, "days");
	int n = days ? (int)json_integer_value(days) : 90;
	char today[11];

	if (!r) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	model_today(today);
	api_reply(c, 200,
	          json_pack("{s:s, s:i, s:o}", "today", today, "days", n, "deadlines",
	                    rules_deadlines_for(r, today, n, &c->p)));
}

static void h_trend(struct api_ctx *c)
{
	struct store_reader *r = model_reader(api_model(c->api));
	json_t *days = json_object_get(c->query, "days");

	if (!r) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	/* today's snapshot is taken by the first evaluation of the day */
	json_decref(rules_current(api_model(c->api), NULL));
	api_reply(c, 200,
	          json_pack("{s:o}", "trend",
	                    rules_trend(r, days ? (int)json_integer_value(days) : 365)));
}

static void h_exemptions(struct api_ctx *c)
{
	struct store_reader *r = model_reader(api_model(c->api));
	char today[11];

	if (!r) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	model_today(today);
	api_reply(c, 200, json_pack("{s:o}", "exemptions", rules_exemption_list(r, today)));
}

static void h_exemption_get(struct api_ctx *c)
{
	struct store_reader *r = model_reader(api_model(c->api));
	char today[11];
	json_t *o;

	model_today(today);
	o = r ? rules_exemption_get(r, c->id, today) : NULL;
	if (!o) {
		api_errorr(c, 404, "not_found", NULL, "exemption.not_found", NULL,
		           "no exemption %lld", (long long)c->id);
		return;
	}
	api_reply(c, 200, o);
}

static void h_exemption_create(struct api_ctx *c)
{
	struct rules_new_exemption e = {
	        .reference = bstr(c, "reference"),
	        .granted_by = bstr(c, "granted_by"),
	        .granted_on = bstr(c, "granted_on"),
	        .scope_rules = bstr(c, "scope_rules"),
	        .scope_objects = bstr(c, "scope_objects"),
	        .valid_until = bstr(c, "valid_until"),
	        .note = bstr(c, "note"),
	};
	struct model_err err = {0};
	struct store_reader *r;
	char today[11];
	int64_t id = 0;
	int rc = rules_exemption_create(api_model(c->api), &c->p, &e, &id, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	r = model_reader(api_model(c->api));
	model_today(today);
	api_reply(c, 201, r ? rules_exemption_get(r, id, today) : json_pack("{s:I}", "id", id));
}

static void h_exemption_revoke(struct api_ctx *c)
{
	struct model_err err = {0};
	struct store_reader *r;
	char today[11];
	int rc = rules_exemption_revoke(api_model(c->api), &c->p, c->id, bstr(c, "reason"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	r = model_reader(api_model(c->api));
	model_today(today);
	api_reply(c, 200, r ? rules_exemption_get(r, c->id, today) : json_object());
}

static void h_calendar_create(struct api_ctx *c)
{
	char key[128], path[200];
	int rc = rules_calendar_create(api_model(c->api), &c->p, key, sizeof(key));

	if (rc) {
		api_fail(c, rc, NULL);
		return;
	}
	snprintf(path, sizeof(path), "/api/v1/calendar.ics?key=%s", key);
	api_reply(c, 201, json_pack("{s:s, s:s}", "key", key, "path", path));
}

static void h_calendar_revoke(struct api_ctx *c)
{
	int rc = rules_calendar_revoke(api_model(c->api), &c->p);

	if (rc) {
		api_fail(c, rc, NULL);
		return;
	}
	c->resp->status = 204;
}

static void h_calendar_feed(struct api_ctx *c)
{
	struct buf out;
	int rc;

	buf_init(&out, 16 * 1024 * 1024);
	rc = rules_calendar_feed(api_model(c->api), qstr(c, "key"), &out);
	if (rc) {
		buf_release(&out);
		api_errorr(c, 404, "not_found", NULL, "rules.no_calendar", NULL,
		           "no such calendar");
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/calendar; charset=utf-8";
	http_resp_header(c->resp, "Cache-Control", "no-store");
	buf_append(&c->resp->body, out.ptr, out.len);
	buf_release(&out);
}

const struct api_route api_routes_rules[] = {
        {"GET", "/api/v1/rules", ROLES_ANY, 0, NULL, f_none, h_rules,
         "the compliance rules (PMFS 2022:1 paragraphs they check)"},
        {"GET", "/api/v1/findings", FINDINGS, 0, NULL, q_findings, h_findings,
         "the findings of every rule, with the status per chapter"},
        {"GET", "/api/v1/deadlines", ROLES_ANY, 0, NULL, q_days, h_deadlines,
         "what falls due (oversight roles: everything; others: their own)"},
        {"GET", "/api/v1/trend", OVERSIGHT, 0, NULL, q_trend, h_trend,
         "findings per day, chapter and severity"},
        {"GET", "/api/v1/exemptions", OVERSIGHT, 0, NULL, f_none, h_exemptions,
         "exemptions granted (8 kap. 2 §)"},
        {"POST", "/api/v1/exemptions", DECIDERS, 0, f_exemption_new, f_none, h_exemption_create,
         "record an exemption granted by Säkerhetspolisen or the supervisory authority"},
        {"GET", "/api/v1/exemptions/{id}", OVERSIGHT, 0, NULL, f_none, h_exemption_get,
         "one exemption"},
        {"POST", "/api/v1/exemptions/{id}/revoke", DECIDERS, 0, f_exemption_revoke, f_none,
         h_exemption_revoke, "end an exemption before its time"},
        {"POST", "/api/v1/me/calendar", ROLES_ANY, 0, f_none, f_none, h_calendar_create,
         "create (or replace) my calendar feed's secret key"},
        {"DELETE", "/api/v1/me/calendar", ROLES_ANY, 0, NULL, f_none, h_calendar_revoke,
         "revoke my calendar feed"},
        {"GET", "/api/v1/calendar.ics", 0, API_PUBLIC, NULL, q_calendar, h_calendar_feed,
         "my deadlines as iCalendar (RFC 5545), by the secret key"},
        API_ROUTES_END,
};
