/*
 * Coordinated action plans: the file format of shared/data/handlingsplan-2021.json
 * checked before an import (plan_validate), the small helpers of numbers
 * ("1.1.3") and failures the plan files share, and plan periods ("2021–2024").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/plan.h"
#include "model/plan_int.h"
#include "model/reg_int.h"

/* JSON paths in messages are cut at their buffer's size on purpose (bounded, still readable). */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* ---- small helpers ---- */

/*
 * The place of a JSON path in the plan file, as params the UI says ("åtgärd
 * 1.1.17", "myndighet 2 i listan"): a measure by its number when params has
 * it, else the position in its list. Only for the file's reasons (plan.file.*):
 * a form's field is named by the form.
 */
static void add_where(json_t *params, const char *path, const char *reason)
{
	unsigned a, b;
	int n = 0;

	if (!path || !reason || strncmp(reason, "plan.file.", 10) != 0) {
		return;
	} else if (json_object_get(params, "measure")) {
		json_object_set_new(params, "where", json_string("measure"));
	} else if (sscanf(path, "measures[%u]%n", &a, &n) == 1 && n) {
		json_object_set_new(params, "where", json_string("item"));
		json_object_set_new(params, "pos", json_integer((json_int_t)a + 1));
	} else if (sscanf(path, "strategic_priorities[%u].objectives[%u]%n", &a, &b, &n) == 2 &&
	           n) {
		json_object_set_new(params, "where", json_string("objective"));
		json_object_set_new(params, "pos", json_integer((json_int_t)b + 1));
		json_object_set_new(params, "ppos", json_integer((json_int_t)a + 1));
	} else if (sscanf(path, "strategic_priorities[%u]%n", &a, &n) == 1 && n) {
		json_object_set_new(params, "where", json_string("priority"));
		json_object_set_new(params, "pos", json_integer((json_int_t)a + 1));
	} else if (sscanf(path, "authorities[%u]%n", &a, &n) == 1 && n) {
		json_object_set_new(params, "where", json_string("authority"));
		json_object_set_new(params, "pos", json_integer((json_int_t)a + 1));
	} else {
		json_object_set_new(params, "where", json_string("file"));
	}
}

int plan_failr(struct model_err *err, const char *path, const char *reason, json_t *params,
               const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!params)
		params = json_object();
	add_where(params, path, reason);
	/* the path ("measures[3].status_year") stays in the English message and the field */
	return model_fail(err, SK_EINVAL, path ? path : "", reason, params, "%s: %s",
	                  path ? path : "", why);
}

int plan_tx_fail_err(struct store_tx *tx, int rc, const struct model_err *e)
{
	const char *fwd_reason = e->reason[0] ? e->reason : NULL;

	return store_tx_failr(tx, rc, e->field[0] ? e->field : NULL, fwd_reason,
	                      e->params[0] ? json_loads(e->params, 0, NULL) : NULL, "%s", e->msg);
}

/* "1" / "1.1" / "1.1.3": parts of 1..9999 without leading zeros; returns the part count or 0. */
int plan_number_parts(const char *s, int parts[3])
{
	int n = 0;

	while (n < 3) {
		int v = 0, digits = 0;

		if (*s < '1' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9') {
			if (++digits > 4)
				return 0;
			v = v * 10 + (*s++ - '0');
		}
		parts[n++] = v;
		if (*s == '\0')
			return n;
		if (*s++ != '.')
			return 0;
	}
	return 0;
}

/* Is number a child of parent ("1.1.3" of "1.1")? */
bool plan_child_of(const char *number, const char *parent)
{
	size_t n = strlen(parent);

	return strncmp(number, parent, n) == 0 && number[n] == '.' && !strchr(number + n + 1, '.');
}

/* An optional integer member as a pointer-free value: NULL JSON → has = false. */
bool plan_jhas_int(const json_t *o, const char *key)
{
	return json_is_integer(json_object_get(o, key));
}

/* ---- validation of the file format ---- */

struct key {
	const char *name;
	bool required;
};

static int check_keys(const json_t *o, const char *path, const struct key *keys,
                      struct model_err *err)
{
	char p[96];
	const char *k;
	json_t *v, *mo;

	if (!json_is_object(o))
		return plan_failr(err, path[0] ? path : "plan", "plan.file.not_object", NULL,
		                  "must be an object");
	mo = (json_t *)(uintptr_t)o; /* jansson's iteration takes no const */

	json_object_foreach(mo, k, v)
	{
		const struct key *f = keys;

		while (f->name && strcmp(f->name, k) != 0)
			f++;
		if (!f->name) {
			snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", k);
			return plan_failr(err, p, "plan.file.unknown_key",
			                  json_pack("{s:s}", "key", k), "unknown field");
		}
	}
	for (const struct key *f = keys; f->name; f++) {
		if (f->required && !json_object_get(o, f->name)) {
			snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", f->name);
			return plan_failr(err, p, "plan.file.required",
			                  json_pack("{s:s}", "key", f->name), "required");
		}
	}
	return SK_OK;
}

/* path.key, or key alone for a form's field (path NULL) or the file's top level (""). */
static void join_path(char *p, size_t n, const char *path, const char *key)
{
	snprintf(p, n, "%s%s%s", path ? path : "", path && path[0] ? "." : "", key);
}

/* A string member: min..max bytes, no control characters (multiline: '\n' allowed). */
int plan_check_str(const json_t *o, const char *path, const char *key, size_t min, size_t max,
                   bool nullable, bool multiline, struct model_err *err)
{
	json_t *v = json_object_get(o, key);
	char p[96];
	size_t n;

	join_path(p, sizeof(p), path, key);
	if (!v)
		return SK_OK; /* presence is check_keys' business */
	if (json_is_null(v) && nullable)
		return SK_OK;
	if (!json_is_string(v))
		return plan_failr(err, p, path ? "plan.file.string" : "field.type",
		                  json_pack("{s:s}", "key", key),
		                  nullable ? "must be a string or null" : "must be a string");
	n = json_string_length(v);
	if (n < min || n > max)
		return plan_failr(err, p, path ? "plan.file.length" : "field.text_size",
		                  json_pack("{s:s,s:I,s:I}", "key", key, "min", (json_int_t)min,
		                            "max", (json_int_t)max),
		                  "must be %zu..%zu bytes", min, max);
	if (strlen(json_string_value(v)) != n ||
	    !model_text_ok(json_string_value(v), multiline ? MODEL_TEXT_NL : 0))
		return plan_failr(err, p, path ? "plan.file.text" : "field.text",
		                  json_pack("{s:s}", "key", key),
		                  "must not contain control characters");
	return SK_OK;
}

static int check_year(const json_t *o, const char *path, const char *key, bool nullable,
                      struct model_err *err)
{
	json_t *v = json_object_get(o, key);
	char p[96];

	join_path(p, sizeof(p), path, key);
	if (!v || (json_is_null(v) && nullable))
		return SK_OK;
	if (!json_is_integer(v) || json_integer_value(v) < PLAN_YEAR_MIN ||
	    json_integer_value(v) > PLAN_YEAR_MAX)
		return plan_failr(err, p, "plan.file.year",
		                  json_pack("{s:s,s:i,s:i}", "key", key, "min", PLAN_YEAR_MIN,
		                            "max", PLAN_YEAR_MAX),
		                  "must be a year %d..%d%s", PLAN_YEAR_MIN, PLAN_YEAR_MAX,
		                  nullable ? " or null" : "");
	return SK_OK;
}

/* An array of distinct authority short names, each listed in auth (an object used as a set). */
int plan_check_orgs(const json_t *o, const char *path, const char *key, const json_t *auth,
                    struct model_err *err)
{
	json_t *v = json_object_get(o, key), *x;
	char p[112];
	size_t i, j;

	join_path(p, sizeof(p), path, key);
	if (!v)
		return SK_OK;
	if (!json_is_array(v) || json_array_size(v) > PLAN_ORGS_MAX)
		return plan_failr(err, p, path ? "plan.file.orgs" : "field.too_many",
		                  json_pack("{s:s,s:i}", "key", key, "max", PLAN_ORGS_MAX),
		                  "must be a list of at most %d authorities", PLAN_ORGS_MAX);
	json_array_foreach(v, i, x)
	{
		snprintf(p, sizeof(p), "%s%s%s[%zu]", path ? path : "", path && path[0] ? "." : "",
		         key, i);
		if (!json_is_string(x))
			return plan_failr(err, p, path ? "plan.file.string" : "field.type",
			                  json_pack("{s:s}", "key", key), "must be a string");
		if (!json_object_get(auth, json_string_value(x)))
			return plan_failr(
			        err, p, path ? "plan.file.org_unknown" : "plan.org_unknown",
			        json_pack("{s:s,s:s}", "key", key, "org", json_string_value(x)),
			        "'%.64s' is not one of the plan's authorities",
			        json_string_value(x));
		for (j = 0; j < i; j++) {
			if (json_equal(json_array_get(v, j), x))
				return plan_failr(err, p,
				                  path ? "plan.file.org_twice" : "plan.org_twice",
				                  json_pack("{s:s,s:s}", "key", key, "org",
				                            json_string_value(x)),
				                  "'%.64s' is listed twice", json_string_value(x));
		}
	}
	return SK_OK;
}

static const struct key root_keys[] = {{"title", true},       {"report_year", true},
                                       {"period", true},      {"source", false},
                                       {"authorities", true}, {"strategic_priorities", true},
                                       {"measures", true},    {NULL, false}};
static const struct key auth_keys[] = {{"short", true}, {"name", true}, {NULL, false}};
static const struct key prio_keys[] = {
        {"number", true}, {"title", true}, {"objectives", true}, {NULL, false}};
static const struct key obj_keys[] = {{"number", true}, {"title", true}, {NULL, false}};
static const struct key measure_keys[] = {
        {"number", true},       {"objective", true},        {"title", true},
        {"description", true},  {"responsible_text", true}, {"responsible", true},
        {"participants", true}, {"period_text", true},      {"start_year", true},
        {"end_year", true},     {"marker", true},           {"status", true},
        {"status_year", true},  {"status_reason", true},    {NULL, false}};

/* A failure of measure number's field: the UI names the measure by its number. */
static int name_measure(struct model_err *err, const char *number, int rc)
{
	json_t *params;
	char *text;

	if (!err)
		return rc;
	params = err->params[0] ? json_loads(err->params, 0, NULL) : json_object();
	if (!params)
		return rc;
	json_object_set_new(params, "measure", json_string(number));
	json_object_set_new(params, "where", json_string("measure"));
	json_object_del(params, "pos");
	text = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	if (text && strlen(text) < sizeof(err->params))
		snprintf(err->params, sizeof(err->params), "%s", text);
	free(text);
	json_decref(params);
	return rc;
}

/* The fields of a measure after its number and objective. */
static int check_fields(const json_t *x, const char *p, const json_t *auth, struct model_err *err)
{
	int rc;

	rc = plan_check_str(x, p, "title", 1, PLAN_TITLE_MAX, false, false, err);
	if (!rc)
		rc = plan_check_str(x, p, "description", 0, PLAN_TEXT_MAX, false, true, err);
	if (!rc)
		rc = plan_check_str(x, p, "responsible_text", 0, PLAN_RESP_TEXT_MAX, false, false,
		                    err);
	if (!rc)
		rc = plan_check_orgs(x, p, "responsible", auth, err);
	if (!rc)
		rc = plan_check_orgs(x, p, "participants", auth, err);
	if (!rc)
		rc = plan_check_str(x, p, "period_text", 1, PLAN_PERIOD_MAX, true, false, err);
	if (!rc)
		rc = check_year(x, p, "start_year", true, err);
	if (!rc)
		rc = check_year(x, p, "end_year", true, err);
	if (!rc)
		rc = plan_check_str(x, p, "marker", 1, 16, true, false, err);
	if (!rc)
		rc = plan_check_str(x, p, "status", 1, 16, false, false, err);
	if (!rc)
		rc = check_year(x, p, "status_year", true, err);
	if (!rc)
		rc = plan_check_str(x, p, "status_reason", 1, PLAN_TEXT_MAX, true, true, err);
	return rc;
}

/* The params of a measure's failure once its number is known: the UI names it by the number. */
#define MEASURE(number) json_pack("{s:s}", "measure", number)

static int check_measure(const json_t *x, const char *p, const json_t *auth, const json_t *objs,
                         const json_t *seen, struct model_err *err)
{
	const char *number, *objective, *marker, *status;
	char q[96];
	int parts[3], rc;

	rc = check_keys(x, p, measure_keys, err);
	if (!rc)
		rc = plan_check_str(x, p, "number", 1, 16, false, false, err);
	if (!rc)
		rc = plan_check_str(x, p, "objective", 1, 16, false, false, err);
	if (rc)
		return rc;
	number = model_json_str(x, "number");
	objective = model_json_str(x, "objective");
	snprintf(q, sizeof(q), "%s.number", p);
	if (plan_number_parts(number, parts) != 3)
		return plan_failr(err, q, "plan.file.measure_number",
		                  json_pack("{s:s}", "number", number),
		                  "'%s' is not a measure number like 1.1.3", number);
	if (json_object_get(seen, number))
		return plan_failr(err, q, "plan.file.number_twice",
		                  json_pack("{s:s}", "number", number),
		                  "%s is used twice (numbers are never reused)", number);
	snprintf(q, sizeof(q), "%s.objective", p);
	if (!json_object_get(objs, objective))
		return plan_failr(err, q, "plan.file.no_objective",
		                  json_pack("{s:s,s:s}", "measure", number, "objective", objective),
		                  "no objective %.16s in strategic_priorities", objective);
	if (!plan_child_of(number, objective)) {
		snprintf(q, sizeof(q), "%s.number", p);
		return plan_failr(err, q, "plan.file.not_under",
		                  json_pack("{s:s,s:s}", "measure", number, "objective", objective),
		                  "%s is not a number under objective %s", number, objective);
	}
	rc = check_fields(x, p, auth, err);
	if (rc)
		return name_measure(err, number, rc);
	marker = model_json_str(x, "marker");
	status = model_json_str(x, "status");
	snprintf(q, sizeof(q), "%s.marker", p);
	if (marker && strcmp(marker, "new") != 0 && strcmp(marker, "updated") != 0)
		return plan_failr(err, q, "plan.file.marker", MEASURE(number),
		                  "must be \"new\", \"updated\" or null");
	snprintf(q, sizeof(q), "%s.start_year", p);
	if (json_is_null(json_object_get(x, "period_text")) &&
	    (plan_jhas_int(x, "start_year") || plan_jhas_int(x, "end_year")))
		return plan_failr(err, q, "plan.file.years_without_period", MEASURE(number),
		                  "years without a period_text");
	if (model_json_str(x, "period_text") && !plan_jhas_int(x, "start_year"))
		return plan_failr(err, q, "plan.file.period_needs_start", MEASURE(number),
		                  "a period_text needs its start_year");
	snprintf(q, sizeof(q), "%s.end_year", p);
	if (plan_jhas_int(x, "end_year") &&
	    model_json_int(x, "end_year") < model_json_int(x, "start_year"))
		return plan_failr(err, q, "plan.file.period_backwards", MEASURE(number),
		                  "the period ends before it starts");
	snprintf(q, sizeof(q), "%s.status", p);
	if (strcmp(status, "current") != 0 && strcmp(status, "completed") != 0 &&
	    strcmp(status, "written_off") != 0)
		return plan_failr(err, q, "plan.file.status", MEASURE(number),
		                  "must be current, completed or written_off");
	snprintf(q, sizeof(q), "%s.status_year", p);
	if (strcmp(status, "current") == 0 && plan_jhas_int(x, "status_year"))
		return plan_failr(err, q, "plan.file.current_no_year", MEASURE(number),
		                  "a current measure has no status_year");
	if (strcmp(status, "current") != 0 && !plan_jhas_int(x, "status_year"))
		return plan_failr(err, q, "plan.file.status_needs_year",
		                  json_pack("{s:s,s:s}", "measure", number, "status", status),
		                  "a %s measure needs the year", status);
	if (plan_jhas_int(x, "start_year") && plan_jhas_int(x, "status_year") &&
	    model_json_int(x, "status_year") < model_json_int(x, "start_year"))
		return plan_failr(err, q, "plan.file.status_before_start", MEASURE(number),
		                  "before the measure started");
	snprintf(q, sizeof(q), "%s.status_reason", p);
	if (strcmp(status, "written_off") == 0 && !model_json_str(x, "status_reason"))
		return plan_failr(err, q, "plan.file.reason_needed", MEASURE(number),
		                  "a written-off measure needs the reason");
	if (strcmp(status, "written_off") != 0 && model_json_str(x, "status_reason"))
		return plan_failr(err, q, "plan.file.reason_only_written_off", MEASURE(number),
		                  "only a written-off measure has a reason");
	return SK_OK;
}

int plan_validate(const json_t *doc, struct model_err *err)
{
	json_t *auth = json_object(), *objs = json_object(), *prios = json_object(),
	       *seen = json_object();
	json_t *arr, *x, *y;
	char p[96], q[96];
	size_t i, j;
	int rc;

	if (!auth || !objs || !prios || !seen) {
		rc = SK_ENOMEM;
		goto out;
	}
	if (!json_is_object(doc)) {
		rc = plan_failr(err, "plan", "plan.file.not_object", NULL, "must be a JSON object");
		goto out;
	}
	rc = check_keys(doc, "", root_keys, err);
	if (!rc)
		rc = plan_check_str(doc, "", "title", 1, PLAN_TITLE_MAX, false, false, err);
	if (!rc)
		rc = check_year(doc, "", "report_year", false, err);
	if (!rc)
		rc = plan_check_str(doc, "", "period", 1, PLAN_PERIOD_MAX, false, false, err);
	if (!rc)
		rc = plan_check_str(doc, "", "source", 0, PLAN_NAME_MAX_LEN, false, false, err);
	if (rc)
		goto out;
	arr = json_object_get(doc, "authorities");
	if (!json_is_array(arr) || json_array_size(arr) < 1 ||
	    json_array_size(arr) > PLAN_PARTS_MAX) {
		rc = plan_failr(err, "authorities", "plan.file.authorities",
		                json_pack("{s:i}", "max", PLAN_PARTS_MAX),
		                "must be a list of 1..%d authorities", PLAN_PARTS_MAX);
		goto out;
	}
	json_array_foreach(arr, i, x)
	{
		snprintf(p, sizeof(p), "authorities[%zu]", i);
		rc = check_keys(x, p, auth_keys, err);
		if (!rc)
			rc = plan_check_str(x, p, "short", 1, PLAN_SHORT_MAX, false, false, err);
		if (!rc)
			rc = plan_check_str(x, p, "name", 1, PLAN_NAME_MAX_LEN, false, false, err);
		if (rc)
			goto out;
		if (json_object_get(auth, model_json_str(x, "short"))) {
			snprintf(q, sizeof(q), "%s.short", p);
			rc = plan_failr(err, q, "plan.file.short_twice",
			                json_pack("{s:s}", "org", model_json_str(x, "short")),
			                "'%s' is listed twice", model_json_str(x, "short"));
			goto out;
		}
		json_object_set_new(auth, model_json_str(x, "short"), json_true());
	}
	arr = json_object_get(doc, "strategic_priorities");
	if (!json_is_array(arr) || json_array_size(arr) < 1 ||
	    json_array_size(arr) > PLAN_PARTS_MAX) {
		rc = plan_failr(err, "strategic_priorities", "plan.file.priorities",
		                json_pack("{s:i}", "max", PLAN_PARTS_MAX),
		                "must be a list of 1..%d priorities", PLAN_PARTS_MAX);
		goto out;
	}
	json_array_foreach(arr, i, x)
	{
		int parts[3];
		json_t *os;

		snprintf(p, sizeof(p), "strategic_priorities[%zu]", i);
		rc = check_keys(x, p, prio_keys, err);
		if (!rc)
			rc = plan_check_str(x, p, "number", 1, 16, false, false, err);
		if (!rc)
			rc = plan_check_str(x, p, "title", 1, PLAN_TITLE_MAX, false, false, err);
		if (rc)
			goto out;
		snprintf(q, sizeof(q), "%s.number", p);
		if (plan_number_parts(model_json_str(x, "number"), parts) != 1) {
			rc = plan_failr(err, q, "plan.file.priority_number",
			                json_pack("{s:s}", "number", model_json_str(x, "number")),
			                "'%s' is not a priority number like 1",
			                model_json_str(x, "number"));
			goto out;
		}
		if (json_object_get(prios, model_json_str(x, "number"))) {
			rc = plan_failr(err, q, "plan.file.number_twice",
			                json_pack("{s:s}", "number", model_json_str(x, "number")),
			                "%s is used twice", model_json_str(x, "number"));
			goto out;
		}
		json_object_set_new(prios, model_json_str(x, "number"), json_true());
		os = json_object_get(x, "objectives");
		if (!json_is_array(os) || json_array_size(os) > PLAN_PARTS_MAX) {
			snprintf(q, sizeof(q), "%s.objectives", p);
			rc = plan_failr(err, q, "plan.file.objectives",
			                json_pack("{s:i}", "max", PLAN_PARTS_MAX),
			                "must be a list of at most %d objectives", PLAN_PARTS_MAX);
			goto out;
		}
		json_array_foreach(os, j, y)
		{
			snprintf(q, sizeof(q), "%s.objectives[%zu]", p, j);
			rc = check_keys(y, q, obj_keys, err);
			if (!rc)
				rc = plan_check_str(y, q, "number", 1, 16, false, false, err);
			if (!rc)
				rc = plan_check_str(y, q, "title", 1, PLAN_TITLE_MAX, false, false,
				                    err);
			if (rc)
				goto out;
			snprintf(p, sizeof(p), "%s.number", q);
			if (plan_number_parts(model_json_str(y, "number"), parts) != 2 ||
			    !plan_child_of(model_json_str(y, "number"),
			                   model_json_str(x, "number"))) {
				rc = plan_failr(err, p, "plan.file.objective_number",
				                json_pack("{s:s,s:s}", "number",
				                          model_json_str(y, "number"), "priority",
				                          model_json_str(x, "number")),
				                "'%s' is not an objective number under priority %s",
				                model_json_str(y, "number"),
				                model_json_str(x, "number"));
				goto out;
			}
			if (json_object_get(objs, model_json_str(y, "number"))) {
				rc = plan_failr(
				        err, p, "plan.file.number_twice",
				        json_pack("{s:s}", "number", model_json_str(y, "number")),
				        "%s is used twice", model_json_str(y, "number"));
				goto out;
			}
			json_object_set_new(objs, model_json_str(y, "number"), json_true());
			snprintf(p, sizeof(p), "strategic_priorities[%zu]", i);
		}
	}
	arr = json_object_get(doc, "measures");
	if (!json_is_array(arr) || json_array_size(arr) > PLAN_MEASURES_MAX) {
		rc = plan_failr(err, "measures", "plan.file.measures",
		                json_pack("{s:i}", "max", PLAN_MEASURES_MAX),
		                "must be a list of at most %d measures", PLAN_MEASURES_MAX);
		goto out;
	}
	json_array_foreach(arr, i, x)
	{
		snprintf(p, sizeof(p), "measures[%zu]", i);
		rc = check_measure(x, p, auth, objs, seen, err);
		if (rc)
			goto out;
		json_object_set_new(seen, model_json_str(x, "number"), json_true());
	}
out:
	json_decref(auth);
	json_decref(objs);
	json_decref(prios);
	json_decref(seen);
	return rc;
}

/* ---- periods ---- */

static bool year4(const char **s, int *y)
{
	const char *p = *s;

	for (int i = 0; i < 4; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
	}
	*y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	*s = p + 4;
	return *y >= PLAN_YEAR_MIN && *y <= PLAN_YEAR_MAX;
}

/* Skips one space of any width: ASCII, no-break (U+00A0), thin (U+2009) or narrow
 * no-break (U+202F): imported texts have them ("2020\u2009–\u20092022", 5.3.6). */
static void skip_space(const char **s)
{
	const char *p = *s;

	if (*p == ' ')
		p++;
	else if (strncmp(p, "\xc2\xa0", 2) == 0)
		p += 2;
	else if (strncmp(p, "\xe2\x80\x89", 3) == 0 || strncmp(p, "\xe2\x80\xaf", 3) == 0)
		p += 3;
	*s = p;
}

bool plan_period_parse(const char *text, int *start, int *end)
{
	const char *s = text;

	if (!s || !year4(&s, start))
		return false;
	if (*s == '\0') {
		*end = *start;
		return true;
	}
	if (strcmp(s, " och tills vidare") == 0) {
		*end = -1;
		return true;
	}
	skip_space(&s);
	if (strncmp(s, "\xe2\x80\x93", 3) == 0) /* – */
		s += 3;
	else if (*s == '-')
		s++;
	else
		return false;
	skip_space(&s);
	if (!year4(&s, end) || *s != '\0')
		return false;
	return *end >= *start;
}
