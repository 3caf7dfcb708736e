/*
 * The inventory routes (3 kap. 21 §): campaigns, checks, closing and the
 * report, lost cases, and what is due for inventory. The router validated
 * types and bounds; the model checks rights, four eyes and state in the
 * writer's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "model/inventory.h"

#define R(x)  ROLE_BIT(ROLE_##x)
#define READ  (R(REGISTRAR) | R(SSC) | R(AUDITOR)) /* see every item within clearance */
#define WRITE (R(REGISTRAR) | R(SSC))
/*
 * Lost cases are read by the register roles and by the head, who handles
 * incidents (2 kap. 15–18 §§) and opens one from a lost case: the list is
 * filtered by need-to-know (DOCUMENT_VISIBLE_SQL), as for everybody.
 */
#define LOST_READ (READ | R(CHIEF))
#define MAX_ID    SK_JSON_MAX_INT

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void reply_list(struct api_ctx *c, const char *key, json_t *arr)
{
	if (!arr) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", key, arr));
}

/* ---- campaigns ---- */

static const char *const campaign_states[] = {"open", "closed", NULL};
static const char *const v_bool[] = {"true", "false", NULL};
static const char *const sorts[] = {"item", "space", "holder", NULL};
static const char *const item_types[] = {"copy", "document", "medium", NULL};
static const char *const results[] = {"found", "not_found", NULL};
static const char *const lost_states[] = {"open", "found", "confirmed_lost", NULL};
static const char *const resolutions[] = {"found", "confirmed_lost", NULL};

static void h_list(struct api_ctx *c)
{
	reply_list(c, "inventories",
	           inventory_list(api_model(c->api), &c->p, str(c->query, "state")));
}

/* Answers one campaign with a page of its items (the query's paging, if any). */
static void reply_campaign(struct api_ctx *c, unsigned status, int64_t id)
{
	const char *sort = str(c->query, "sort");
	struct inventory_page pg = {
	        .unchecked = str(c->query, "unchecked") &&
	                     strcmp(str(c->query, "unchecked"), "true") == 0,
	        .sort = !sort || strcmp(sort, "item") == 0 ? INVENTORY_SORT_ITEM
	                : strcmp(sort, "space") == 0       ? INVENTORY_SORT_SPACE
	                                                   : INVENTORY_SORT_HOLDER,
	        .after = str(c->query, "after"),
	        .limit = (int)json_integer_value(json_object_get(c->query, "limit")),
	};
	bool bad = false;
	json_t *o = inventory_get(api_model(c->api), &c->p, id, &pg, &bad);

	if (bad) {
		api_errorr(c, 400, "invalid_field", "after", "request.page_after", NULL,
		           "after: the \"next\" value of the previous page");
		return;
	}
	if (!o) {
		api_errorr(c, 404, "not_found", "id", "inventory.not_found", NULL,
		           "no inventory %lld", (long long)id);
		return;
	}
	api_reply(c, status, json_pack("{s:o}", "inventory", o));
}

static void h_get(struct api_ctx *c)
{
	reply_campaign(c, 200, c->id);
}

static void h_start(struct api_ctx *c)
{
	const char *scope_s = str(c->body, "scope");
	unsigned scope = scope_s ? inventory_scope_parse(scope_s) : INVENTORY_ALL;
	struct model_err err = {0};
	int64_t id = 0;
	int rc;

	if (!scope) {
		api_errorr(c, 400, "invalid_field", "scope", "field.enum", NULL,
		           "scope: kh_documents, physical_k_h and/or media, separated by spaces");
		return;
	}
	rc = inventory_start(api_model(c->api), &c->p, str(c->body, "name"), scope, &id, &err);
	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	reply_campaign(c, 201, id);
}

static void h_check(struct api_ctx *c)
{
	struct model_err err = {0};
	const char *type = str(c->body, "item_type"), *result = str(c->body, "result");
	const char *note = str(c->body, "note");
	int64_t item = json_integer_value(json_object_get(c->body, "item_id"));
	bool found = strcmp(result, "found") == 0;
	int rc = inventory_check(api_model(c->api), &c->p, c->id, type, item, found, note, &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	api_reply(c, 200,
	          json_pack("{s:{s:I, s:s, s:I, s:s, s:s?}}", "check", "inventory_id",
	                    (json_int_t)c->id, "item_type", type, "item_id", (json_int_t)item,
	                    "result", result, "note", note));
}

static void h_close(struct api_ctx *c)
{
	struct model_err err = {0};
	bool open = false;
	json_t *rep;
	int rc = inventory_close(api_model(c->api), &c->p, c->id, str(c->body, "note"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	rep = inventory_report(api_model(c->api), &c->p, c->id, &open);
	if (!rep) {
		api_fail(c, SK_EIO, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "report", rep));
}

static void h_report(struct api_ctx *c)
{
	bool open = false;
	json_t *rep = inventory_report(api_model(c->api), &c->p, c->id, &open);

	if (open) {
		api_errorr(c, 409, "conflict", "id", "inventory.report_open", NULL,
		           "inventory %lld is still open: the report is made when it closes",
		           (long long)c->id);
		return;
	}
	if (!rep) {
		api_errorr(c, 404, "not_found", "id", "inventory.not_found", NULL,
		           "no inventory %lld", (long long)c->id);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "report", rep));
}

/* Today a year ago (UTC): copies not inventoried since are overdue. */
static void year_ago(char out[11])
{
	char today[11];
	int y;

	model_today(today);
	y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 +
	    (today[3] - '0') - 1;
	snprintf(out, 11, "%04d%s", y < 0 ? 0 : y % 10000, today + 4);
	if (strcmp(out + 4, "-02-29") == 0)
		out[9] = '8';
}

static void h_overdue(struct api_ctx *c)
{
	const char *before = str(c->query, "before");
	char def[11];
	json_t *o = NULL;
	int rc;

	if (!before) {
		year_ago(def);
		before = def;
	}
	rc = inventory_overdue(model_reader(api_model(c->api)), before, c->p.clearance,
	                       (int)json_integer_value(json_object_get(c->query, "limit")), &o);
	if (rc == SK_EINVAL) {
		api_errorr(c, 400, "invalid_field", "before", "field.date", NULL,
		           "before: a date YYYY-MM-DD");
		return;
	}
	if (rc) {
		api_fail(c, rc, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "overdue", o));
}

/* ---- lost cases ---- */

static void h_lost_list(struct api_ctx *c)
{
	reply_list(c, "lost_cases",
	           inventory_lost_list(api_model(c->api), &c->p, str(c->query, "state")));
}

static void h_lost_get(struct api_ctx *c)
{
	json_t *o = inventory_lost_get(api_model(c->api), &c->p, c->id);

	if (!o) {
		api_errorr(c, 404, "not_found", "id", "inventory.lost_not_found", NULL,
		           "no lost case %lld", (long long)c->id);
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "lost_case", o));
}

static void h_lost_resolve(struct api_ctx *c)
{
	struct model_err err = {0};
	bool found = strcmp(str(c->body, "resolution"), "found") == 0;
	int rc = inventory_lost_resolve(api_model(c->api), &c->p, c->id, found,
	                                str(c->body, "note"), &err);

	if (rc) {
		api_fail(c, rc, &err);
		return;
	}
	h_lost_get(c);
}

/* ---- the table ---- */

static const struct api_field q_list[] = {
        {"state", API_ENUM, false, 0, 0, "open closed", campaign_states},
        API_FIELDS_END,
};

static const struct api_field f_start[] = {
        {"name", API_STRING, true, 1, 200, "what the campaign is, e.g. Årlig inventering 2026",
         NULL},
        {"scope", API_STRING, false, 1, 64,
         "space-separated: kh_documents physical_k_h media (default: all three)", NULL},
        API_FIELDS_END,
};

static const struct api_field q_get[] = {
        {"unchecked", API_ENUM, false, 0, 0, "true: only items not yet checked", v_bool},
        {"sort", API_ENUM, false, 0, 0, "item space holder", sorts},
        {"limit", API_INT, false, 1, 1000, "items per page, default 100", NULL},
        {"after", API_STRING, false, 1, 96, "the previous page's next value", NULL},
        API_FIELDS_END,
};

static const struct api_field f_check[] = {
        {"item_type", API_ENUM, true, 0, 0, "copy document medium", item_types},
        {"item_id", API_INT, true, 1, MAX_ID - 1, "the copy's, document's or medium's id", NULL},
        {"result", API_ENUM, true, 0, 0, "found not_found", results},
        {"note", API_TEXT, false, 1, 500, "where it was, or what is known", NULL},
        API_FIELDS_END,
};

static const struct api_field f_close[] = {
        {"note", API_TEXT, false, 1, 1000, "a closing remark for the report", NULL},
        API_FIELDS_END,
};

static const struct api_field f_none[] = {API_FIELDS_END};

static const struct api_field q_overdue[] = {
        {"before", API_DATE, false, 0, 0, "last inventoried before this day (default: a year ago)",
         NULL},
        {"limit", API_INT, false, 1, 10000, "at most this many copies and media, default 1000",
         NULL},
        API_FIELDS_END,
};

static const struct api_field q_lost[] = {
        {"state", API_ENUM, false, 0, 0, "open found confirmed_lost", lost_states},
        API_FIELDS_END,
};

static const struct api_field f_resolve[] = {
        {"resolution", API_ENUM, true, 0, 0, "found confirmed_lost", resolutions},
        {"note", API_TEXT, false, 1, 1000, "what happened (required for confirmed_lost)", NULL},
        API_FIELDS_END,
};

const struct api_route api_routes_inventory[] = {
        {"GET", "/api/v1/inventories", READ, 0, NULL, q_list, h_list,
         "inventory campaigns (3 kap. 21 §)"},
        {"POST", "/api/v1/inventories", WRITE, 0, f_start, f_none, h_start,
         "start an inventory: snapshot the items of its scope"},
        {"GET", "/api/v1/inventories/overdue", READ, 0, NULL, q_overdue, h_overdue,
         "copies and media not inventoried in 12 months"},
        {"GET", "/api/v1/inventories/{id}", READ, 0, NULL, q_get, h_get,
         "a campaign and a page of its items"},
        {"POST", "/api/v1/inventories/{id}/check", WRITE, 0, f_check, f_none, h_check,
         "check an item found or not found (never one's own: four eyes)"},
        {"POST", "/api/v1/inventories/{id}/close", WRITE, 0, f_close, f_none, h_close,
         "close: every item checked; not found opens lost cases"},
        {"GET", "/api/v1/inventories/{id}/report", READ, 0, NULL, f_none, h_report,
         "the report of a closed campaign"},
        {"GET", "/api/v1/lost-cases", LOST_READ, 0, NULL, q_lost, h_lost_list,
         "lost copies and media"},
        {"GET", "/api/v1/lost-cases/{id}", LOST_READ, 0, NULL, f_none, h_lost_get, "one lost case"},
        {"POST", "/api/v1/lost-cases/{id}/resolve", WRITE, 0, f_resolve, f_none, h_lost_resolve,
         "resolve a lost case: found or confirmed_lost"},
        API_ROUTES_END,
};
