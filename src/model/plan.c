/*
 * Coordinated action plans: import and export in the file format of
 * shared/data/handlingsplan-2021.json, measures added, changed, completed,
 * written off and reopened (numbers never reused), addressed by number, and
 * the projection of every plan.* entry. The reports, reporting years and
 * deadlines are in plan_report.c. Tables: sql/0005_plans.sql and
 * sql/0009_plan_years.sql.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/access_int.h"
#include "model/reg_int.h"
#include "model/plan.h"
#include "model/plan_int.h"

/* JSON paths in messages are cut at their buffer's size on purpose (bounded, still readable). */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define TITLE_MAX     500
#define TEXT_MAX      20000
#define SHORT_MAX     64
#define NAME_MAX_LEN  300
#define RESP_TEXT_MAX 1000
#define PERIOD_MAX    64
#define ORGS_MAX      50
#define MEASURES_MAX  5000
#define PARTS_MAX     100

/* ---- small helpers ---- */

/* Records a validation failure: field = the JSON path, msg = "path: why". */
int plan_fail(struct model_err *err, const char *path, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (err) {
		snprintf(err->field, sizeof(err->field), "%s", path);
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, why);
	}
	return SK_EINVAL;
}

/* "1" / "1.1" / "1.1.3": parts of 1..9999 without leading zeros; returns the part count or 0. */
static int number_parts(const char *s, int parts[3])
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

/* A numeric sort key of a number: "0001.0001.0010". */
static void sort_key(const char *number, char out[16])
{
	int parts[3] = {0, 0, 0}, n = number_parts(number, parts);
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, 16 - len, "%s%04d", i ? "." : "", parts[i]);
}

/* Is number a child of parent ("1.1.3" of "1.1")? */
static bool child_of(const char *number, const char *parent)
{
	size_t n = strlen(parent);

	return strncmp(number, parent, n) == 0 && number[n] == '.' && !strchr(number + n + 1, '.');
}

/* An optional integer member as a pointer-free value: NULL JSON → has = false. */
bool plan_jhas_int(const json_t *o, const char *key)
{
	return json_is_integer(json_object_get(o, key));
}

static char *dump_compact(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT);
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
		return plan_fail(err, path[0] ? path : "plan", "must be an object");
	mo = (json_t *)(uintptr_t)o; /* jansson's iteration takes no const */

	json_object_foreach(mo, k, v)
	{
		const struct key *f = keys;

		while (f->name && strcmp(f->name, k) != 0)
			f++;
		if (!f->name) {
			snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", k);
			return plan_fail(err, p, "unknown field");
		}
	}
	for (const struct key *f = keys; f->name; f++) {
		if (f->required && !json_object_get(o, f->name)) {
			snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", f->name);
			return plan_fail(err, p, "required");
		}
	}
	return SK_OK;
}

/* A string member: min..max bytes, no control characters (multiline: '\n' allowed). */
static int check_str(const json_t *o, const char *path, const char *key, size_t min, size_t max,
                     bool nullable, bool multiline, struct model_err *err)
{
	json_t *v = json_object_get(o, key);
	char p[96];
	size_t n;

	snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", key);
	if (!v)
		return SK_OK; /* presence is check_keys' business */
	if (json_is_null(v) && nullable)
		return SK_OK;
	if (!json_is_string(v))
		return plan_fail(err, p,
		                 nullable ? "must be a string or null" : "must be a string");
	n = json_string_length(v);
	if (n < min || n > max)
		return plan_fail(err, p, "must be %zu..%zu bytes", min, max);
	if (strlen(json_string_value(v)) != n ||
	    !model_text_ok(json_string_value(v), multiline ? MODEL_TEXT_NL : 0))
		return plan_fail(err, p, "must not contain control characters");
	return SK_OK;
}

static int check_year(const json_t *o, const char *path, const char *key, bool nullable,
                      struct model_err *err)
{
	json_t *v = json_object_get(o, key);
	char p[96];

	snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", key);
	if (!v || (json_is_null(v) && nullable))
		return SK_OK;
	if (!json_is_integer(v) || json_integer_value(v) < PLAN_YEAR_MIN ||
	    json_integer_value(v) > PLAN_YEAR_MAX)
		return plan_fail(err, p, "must be a year %d..%d%s", PLAN_YEAR_MIN, PLAN_YEAR_MAX,
		                 nullable ? " or null" : "");
	return SK_OK;
}

/* An array of distinct authority short names, each listed in auth (an object used as a set). */
static int check_orgs(const json_t *o, const char *path, const char *key, const json_t *auth,
                      struct model_err *err)
{
	json_t *v = json_object_get(o, key), *x;
	char p[112];
	size_t i, j;

	snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", key);
	if (!v)
		return SK_OK;
	if (!json_is_array(v) || json_array_size(v) > ORGS_MAX)
		return plan_fail(err, p, "must be a list of at most %d authorities", ORGS_MAX);
	json_array_foreach(v, i, x)
	{
		snprintf(p, sizeof(p), "%s%s%s[%zu]", path, path[0] ? "." : "", key, i);
		if (!json_is_string(x))
			return plan_fail(err, p, "must be a string");
		if (!json_object_get(auth, json_string_value(x)))
			return plan_fail(err, p, "'%.64s' is not one of the plan's authorities",
			                 json_string_value(x));
		for (j = 0; j < i; j++) {
			if (json_equal(json_array_get(v, j), x))
				return plan_fail(err, p, "'%.64s' is listed twice",
				                 json_string_value(x));
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

static int check_measure(const json_t *x, const char *p, const json_t *auth, const json_t *objs,
                         const json_t *seen, struct model_err *err)
{
	const char *number, *objective, *marker, *status;
	char q[96];
	int parts[3], rc;

	rc = check_keys(x, p, measure_keys, err);
	if (!rc)
		rc = check_str(x, p, "number", 1, 16, false, false, err);
	if (!rc)
		rc = check_str(x, p, "objective", 1, 16, false, false, err);
	if (rc)
		return rc;
	number = model_json_str(x, "number");
	objective = model_json_str(x, "objective");
	snprintf(q, sizeof(q), "%s.number", p);
	if (number_parts(number, parts) != 3)
		return plan_fail(err, q, "'%s' is not a measure number like 1.1.3", number);
	if (json_object_get(seen, number))
		return plan_fail(err, q, "%s is used twice (numbers are never reused)", number);
	snprintf(q, sizeof(q), "%s.objective", p);
	if (!json_object_get(objs, objective))
		return plan_fail(err, q, "no objective %.16s in strategic_priorities", objective);
	if (!child_of(number, objective)) {
		snprintf(q, sizeof(q), "%s.number", p);
		return plan_fail(err, q, "%s is not a number under objective %s", number,
		                 objective);
	}
	rc = check_str(x, p, "title", 1, TITLE_MAX, false, false, err);
	if (!rc)
		rc = check_str(x, p, "description", 0, TEXT_MAX, false, true, err);
	if (!rc)
		rc = check_str(x, p, "responsible_text", 0, RESP_TEXT_MAX, false, false, err);
	if (!rc)
		rc = check_orgs(x, p, "responsible", auth, err);
	if (!rc)
		rc = check_orgs(x, p, "participants", auth, err);
	if (!rc)
		rc = check_str(x, p, "period_text", 1, PERIOD_MAX, true, false, err);
	if (!rc)
		rc = check_year(x, p, "start_year", true, err);
	if (!rc)
		rc = check_year(x, p, "end_year", true, err);
	if (!rc)
		rc = check_str(x, p, "marker", 1, 16, true, false, err);
	if (!rc)
		rc = check_str(x, p, "status", 1, 16, false, false, err);
	if (!rc)
		rc = check_year(x, p, "status_year", true, err);
	if (!rc)
		rc = check_str(x, p, "status_reason", 1, TEXT_MAX, true, true, err);
	if (rc)
		return rc;
	marker = model_json_str(x, "marker");
	status = model_json_str(x, "status");
	snprintf(q, sizeof(q), "%s.marker", p);
	if (marker && strcmp(marker, "new") != 0 && strcmp(marker, "updated") != 0)
		return plan_fail(err, q, "must be \"new\", \"updated\" or null");
	snprintf(q, sizeof(q), "%s.start_year", p);
	if (json_is_null(json_object_get(x, "period_text")) &&
	    (plan_jhas_int(x, "start_year") || plan_jhas_int(x, "end_year")))
		return plan_fail(err, q, "years without a period_text");
	if (model_json_str(x, "period_text") && !plan_jhas_int(x, "start_year"))
		return plan_fail(err, q, "a period_text needs its start_year");
	snprintf(q, sizeof(q), "%s.end_year", p);
	if (plan_jhas_int(x, "end_year") &&
	    model_json_int(x, "end_year") < model_json_int(x, "start_year"))
		return plan_fail(err, q, "the period ends before it starts");
	snprintf(q, sizeof(q), "%s.status", p);
	if (strcmp(status, "current") != 0 && strcmp(status, "completed") != 0 &&
	    strcmp(status, "written_off") != 0)
		return plan_fail(err, q, "must be current, completed or written_off");
	snprintf(q, sizeof(q), "%s.status_year", p);
	if (strcmp(status, "current") == 0 && plan_jhas_int(x, "status_year"))
		return plan_fail(err, q, "a current measure has no status_year");
	if (strcmp(status, "current") != 0 && !plan_jhas_int(x, "status_year"))
		return plan_fail(err, q, "a %s measure needs the year", status);
	if (plan_jhas_int(x, "start_year") && plan_jhas_int(x, "status_year") &&
	    model_json_int(x, "status_year") < model_json_int(x, "start_year"))
		return plan_fail(err, q, "before the measure started");
	snprintf(q, sizeof(q), "%s.status_reason", p);
	if (strcmp(status, "written_off") == 0 && !model_json_str(x, "status_reason"))
		return plan_fail(err, q, "a written-off measure needs the reason");
	if (strcmp(status, "written_off") != 0 && model_json_str(x, "status_reason"))
		return plan_fail(err, q, "only a written-off measure has a reason");
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
		rc = plan_fail(err, "plan", "must be a JSON object");
		goto out;
	}
	rc = check_keys(doc, "", root_keys, err);
	if (!rc)
		rc = check_str(doc, "", "title", 1, TITLE_MAX, false, false, err);
	if (!rc)
		rc = check_year(doc, "", "report_year", false, err);
	if (!rc)
		rc = check_str(doc, "", "period", 1, PERIOD_MAX, false, false, err);
	if (!rc)
		rc = check_str(doc, "", "source", 0, NAME_MAX_LEN, false, false, err);
	if (rc)
		goto out;
	arr = json_object_get(doc, "authorities");
	if (!json_is_array(arr) || json_array_size(arr) < 1 || json_array_size(arr) > PARTS_MAX) {
		rc = plan_fail(err, "authorities", "must be a list of 1..%d authorities",
		               PARTS_MAX);
		goto out;
	}
	json_array_foreach(arr, i, x)
	{
		snprintf(p, sizeof(p), "authorities[%zu]", i);
		rc = check_keys(x, p, auth_keys, err);
		if (!rc)
			rc = check_str(x, p, "short", 1, SHORT_MAX, false, false, err);
		if (!rc)
			rc = check_str(x, p, "name", 1, NAME_MAX_LEN, false, false, err);
		if (rc)
			goto out;
		if (json_object_get(auth, model_json_str(x, "short"))) {
			snprintf(q, sizeof(q), "%s.short", p);
			rc = plan_fail(err, q, "'%s' is listed twice", model_json_str(x, "short"));
			goto out;
		}
		json_object_set_new(auth, model_json_str(x, "short"), json_true());
	}
	arr = json_object_get(doc, "strategic_priorities");
	if (!json_is_array(arr) || json_array_size(arr) < 1 || json_array_size(arr) > PARTS_MAX) {
		rc = plan_fail(err, "strategic_priorities", "must be a list of 1..%d priorities",
		               PARTS_MAX);
		goto out;
	}
	json_array_foreach(arr, i, x)
	{
		int parts[3];
		json_t *os;

		snprintf(p, sizeof(p), "strategic_priorities[%zu]", i);
		rc = check_keys(x, p, prio_keys, err);
		if (!rc)
			rc = check_str(x, p, "number", 1, 16, false, false, err);
		if (!rc)
			rc = check_str(x, p, "title", 1, TITLE_MAX, false, false, err);
		if (rc)
			goto out;
		snprintf(q, sizeof(q), "%s.number", p);
		if (number_parts(model_json_str(x, "number"), parts) != 1) {
			rc = plan_fail(err, q, "'%s' is not a priority number like 1",
			               model_json_str(x, "number"));
			goto out;
		}
		if (json_object_get(prios, model_json_str(x, "number"))) {
			rc = plan_fail(err, q, "%s is used twice", model_json_str(x, "number"));
			goto out;
		}
		json_object_set_new(prios, model_json_str(x, "number"), json_true());
		os = json_object_get(x, "objectives");
		if (!json_is_array(os) || json_array_size(os) > PARTS_MAX) {
			snprintf(q, sizeof(q), "%s.objectives", p);
			rc = plan_fail(err, q, "must be a list of at most %d objectives",
			               PARTS_MAX);
			goto out;
		}
		json_array_foreach(os, j, y)
		{
			snprintf(q, sizeof(q), "%s.objectives[%zu]", p, j);
			rc = check_keys(y, q, obj_keys, err);
			if (!rc)
				rc = check_str(y, q, "number", 1, 16, false, false, err);
			if (!rc)
				rc = check_str(y, q, "title", 1, TITLE_MAX, false, false, err);
			if (rc)
				goto out;
			snprintf(p, sizeof(p), "%s.number", q);
			if (number_parts(model_json_str(y, "number"), parts) != 2 ||
			    !child_of(model_json_str(y, "number"), model_json_str(x, "number"))) {
				rc = plan_fail(
				        err, p, "'%s' is not an objective number under priority %s",
				        model_json_str(y, "number"), model_json_str(x, "number"));
				goto out;
			}
			if (json_object_get(objs, model_json_str(y, "number"))) {
				rc = plan_fail(err, p, "%s is used twice",
				               model_json_str(y, "number"));
				goto out;
			}
			json_object_set_new(objs, model_json_str(y, "number"), json_true());
			snprintf(p, sizeof(p), "strategic_priorities[%zu]", i);
		}
	}
	arr = json_object_get(doc, "measures");
	if (!json_is_array(arr) || json_array_size(arr) > MEASURES_MAX) {
		rc = plan_fail(err, "measures", "must be a list of at most %d measures",
		               MEASURES_MAX);
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

/* ---- who may write ---- */

const char plan_write_why[] = "action plans are changed by the säkerhetsskyddschef or the head";

/* ---- import ---- */

struct import_cmd {
	const struct principal *p;
	const json_t *doc;
	int64_t id;
};

/*
 * The same plan (title and period) imported again is refused: a second,
 * unlinked copy would have no history. A later reporting year of it is a
 * year transition (plan year) and its changes, recorded one by one.
 */
static int check_not_imported(struct store_tx *tx, const json_t *doc)
{
	int64_t id = 0, year = 0;
	struct store_q *q;
	int rc = store_tx_query(tx,
	                        "SELECT id, report_year FROM plan WHERE title = ?1 AND period = ?2 "
	                        "ORDER BY id LIMIT 1",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_text(q, 1, model_json_str0(doc, "title"));
	store_q_bind_text(q, 2, model_json_str0(doc, "period"));
	if (store_q_step(q) == SK_OK) {
		id = store_q_int(q, 0);
		year = store_q_int(q, 1);
	}
	store_q_done(q);
	if (!id)
		return SK_OK;
	if (model_json_int(doc, "report_year") > year)
		return store_tx_fail(tx, "report_year",
		                     "plan %lld (%.200s) is already imported, reporting year %lld: "
		                     "move it to %lld with 'skydd plan year %lld --to %lld' and "
		                     "record the changes instead of importing it again",
		                     (long long)id, model_json_str0(doc, "title"), (long long)year,
		                     (long long)year + 1, (long long)id, (long long)year + 1),
		       SK_EEXIST;
	return store_tx_fail(tx, "title", "plan %lld (%.200s) is already imported", (long long)id,
	                     model_json_str0(doc, "title")),
	       SK_EEXIST;
}

static int import_fn(struct store_tx *tx, void *arg)
{
	struct import_cmd *c = arg;
	int64_t first;
	int rc = model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, plan_write_why);

	if (!rc)
		rc = check_not_imported(tx, c->doc);
	if (rc)
		return rc;
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM plan", "");
	if (!rc)
		rc = store_tx_int(tx, &first, "SELECT coalesce(max(id), 0) + 1 FROM plan_measure",
		                  "");
	if (rc)
		return rc;
	return model_tx_log(
	        tx, model_actor_of(c->p), "plan.imported", "plan", c->id,
	        model_with_token(json_pack("{s:I, s:I, s:O}", "id", (json_int_t)c->id,
	                                   "first_measure_id", (json_int_t)first, "plan", c->doc),
	                         c->p));
}

int plan_import(struct model *m, const struct principal *p, const json_t *doc, int64_t *id,
                struct model_err *err)
{
	struct import_cmd c = {p, doc, 0};
	int rc = plan_validate(doc, err);

	if (rc)
		return rc;
	rc = model_submit(m, import_fn, &c, err);
	if (!rc && id)
		*id = c.id;
	return rc;
}

int plan_demo_import(struct model *m, const char *json_path, int64_t *id, struct model_err *err)
{
	char field[64] = "", msg[160] = "";
	FILE *f = fopen(json_path, "rb");
	struct buf b;
	json_t *doc;
	char chunk[8192];
	size_t n;
	int rc;

	if (!f)
		return plan_fail(err, "file", "cannot open %s", json_path), SK_ENOTFOUND;
	buf_init(&b, 16 * 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	if (b.err) {
		buf_release(&b);
		return plan_fail(err, "file", "%s is too large", json_path), SK_ETOOBIG;
	}
	doc = sk_json_parse(b.ptr ? b.ptr : "", b.len, 32, field, sizeof(field), msg, sizeof(msg));
	buf_release(&b);
	if (!doc)
		return plan_fail(err, field[0] ? field : "file", "%s", msg);
	rc = plan_import(m, NULL, doc, id, err);
	json_decref(doc);
	return rc;
}

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

	rc = check_str(body, "", "title", 1, TITLE_MAX, false, false, &e);
	if (!rc)
		rc = check_str(body, "", "description", 0, TEXT_MAX, false, true, &e);
	if (!rc)
		rc = check_str(body, "", "responsible_text", 1, RESP_TEXT_MAX, false, false, &e);
	if (!rc)
		rc = check_orgs(body, "", "responsible", auth, &e);
	if (!rc)
		rc = check_orgs(body, "", "participants", auth, &e);
	if (!rc)
		rc = check_str(body, "", "period_text", 1, PERIOD_MAX, false, false, &e);
	if (!rc && model_json_str(body, "period_text") &&
	    !plan_period_parse(model_json_str(body, "period_text"), &s, &t))
		rc = plan_fail(&e, "period_text",
		               "not a period like 2019–2022, 2021 or 2019 och tills vidare");
	if (!rc && json_object_get(body, "marker")) {
		const char *mk = model_json_str(body, "marker");

		if (!mk || (strcmp(mk, "new") != 0 && strcmp(mk, "updated") != 0 &&
		            strcmp(mk, "none") != 0))
			rc = plan_fail(&e, "marker", "must be new, updated or none");
	}
	if (rc)
		return store_tx_fail(tx, e.field, "%s", e.msg);
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
		return store_tx_fail(tx, "id", "no plan %lld", (long long)plan_id), SK_ENOTFOUND;
	return rc;
}

/* The plan's state, refused when its reporting year's report is submitted (frozen). */
static int tx_open_year(struct store_tx *tx, int64_t plan_id, struct plan_state *st)
{
	int rc = plan_tx_state(tx, plan_id, st);

	if (rc || st->submitted < st->report_year)
		return rc;
	if (st->report_year >= st->last_year)
		return store_tx_fail(tx, "report_year",
		                     "the final report (%lld) is submitted: the plan is closed",
		                     (long long)st->report_year),
		       SK_ERULE;
	return store_tx_fail(tx, "report_year",
	                     "the report for %lld is submitted: move the plan to %lld first "
	                     "(plan year)",
	                     (long long)st->report_year, (long long)st->report_year + 1),
	       SK_ERULE;
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
		if (number_parts(store_q_text(q, 0), parts) == 3 && parts[2] > max)
			max = parts[2];
	}
	store_q_done(q);
	if (max >= 9999)
		return store_tx_fail(tx, "objective", "objective %s has no free number", objective),
		       SK_ERULE;
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
		return store_tx_fail(tx, "objective", "objective: required"), SK_EINVAL;
	rc = store_tx_int(tx, &n,
	                  "SELECT count(*) FROM plan_objective WHERE plan_id = ?1 AND number = ?2",
	                  "it", c->plan_id, objective);
	if (rc)
		return rc;
	if (n == 0)
		return store_tx_fail(tx, "objective", "objective: no objective %.16s in plan %lld",
		                     objective, (long long)c->plan_id),
		       SK_EINVAL;
	if (!model_json_str(c->body, "title"))
		return store_tx_fail(tx, "title", "title: required"), SK_EINVAL;
	auth = tx_authorities(tx, c->plan_id);
	if (!auth)
		return SK_ENOMEM;
	rc = check_edit(tx, c->body, auth);
	json_decref(auth);
	if (rc)
		return rc;
	if (number) {
		if (number_parts(number, parts) != 3 || !child_of(number, objective))
			return store_tx_fail(tx, "number",
			                     "number: '%.16s' is not a measure number under "
			                     "objective %.16s",
			                     number, objective),
			       SK_EINVAL;
		rc = store_tx_int(
		        tx, &n,
		        "SELECT count(*) FROM plan_measure WHERE plan_id = ?1 AND number = ?2",
		        "it", c->plan_id, number);
		if (rc)
			return rc;
		if (n > 0)
			return store_tx_fail(tx, "number",
			                     "number: %s has been used in this plan; a measure "
			                     "number is never reused",
			                     number),
			       SK_EEXIST;
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
		return plan_fail(err, "body", "must be an object");
	rc = model_submit(m, add_fn, &c, err);
	if (!rc && measure_id)
		*measure_id = c.id;
	return rc;
}

#define MEASURE_COLS                                                                               \
	"SELECT id, plan_id, number, objective, title, description, responsible_text, "            \
	"responsible, participants, period_text, start_year, end_year, marker, marker_year, "      \
	"status, status_year, status_reason, created_at, updated_at, continues FROM plan_measure "

static json_t *parse_list(const char *s)
{
	json_t *v = json_loads(s, 0, NULL);

	if (!json_is_array(v)) {
		json_decref(v);
		v = json_array();
	}
	return v;
}

static json_t *measure_row(struct store_q *q)
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

	if (store_tx_query(tx, MEASURE_COLS "WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = measure_row(q);
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
};

static const char *const editable[] = {
        "title",        "description", "responsible_text", "responsible",
        "participants", "period_text", "marker",           NULL};

/* Checks a completion's or write-off's year against the plan's reporting years. */
static int check_close_year(struct store_tx *tx, const json_t *old, int64_t year,
                            const struct plan_state *st)
{
	if (year < PLAN_YEAR_MIN || year > PLAN_YEAR_MAX)
		return store_tx_fail(tx, "year", "year: must be %d..%d", PLAN_YEAR_MIN,
		                     PLAN_YEAR_MAX);
	if (year > st->report_year)
		return store_tx_fail(tx, "year",
		                     "year: %lld is after the plan's reporting year %lld",
		                     (long long)year, (long long)st->report_year);
	if (year <= st->submitted)
		return store_tx_fail(tx, "year",
		                     "year: the report for %lld is submitted; a change made now "
		                     "belongs to %lld",
		                     (long long)st->submitted, (long long)st->report_year);
	if (plan_jhas_int(old, "start_year") && year < model_json_int(old, "start_year"))
		return store_tx_fail(tx, "year", "year: %lld is before the measure started (%lld)",
		                     (long long)year, (long long)model_json_int(old, "start_year"));
	return SK_OK;
}

static int check_reason(struct store_tx *tx, const char *reason)
{
	if (!reason || blank(reason) || strlen(reason) > TEXT_MAX ||
	    !model_text_ok(reason, MODEL_TEXT_NL))
		return store_tx_fail(tx, "reason", "reason: 1..%d bytes of text, not only spaces",
		                     TEXT_MAX);
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

	if (rc)
		return rc;
	old = tx_measure(tx, c->id);
	if (!old)
		return store_tx_fail(tx, "measure", "no measure %lld", (long long)c->id),
		       SK_ENOTFOUND;
	plan_id = model_json_int(old, "plan_id");
	current = strcmp(model_json_str0(old, "status"), "current") == 0;
	rc = tx_open_year(tx, plan_id, &st);
	if (!rc && cont && st.report_year < st.last_year)
		rc = store_tx_fail(tx, "measure",
		                   "a closing decision belongs to the plan's final report (%lld); "
		                   "the reporting year is %lld",
		                   (long long)st.last_year, (long long)st.report_year),
		rc = SK_ERULE;
	if (!rc && !reopen && !current)
		rc = store_tx_fail(tx, "measure",
		                   "measure %s is %s already: only current measures change (reopen "
		                   "it first, with a reason)",
		                   model_json_str0(old, "number"),
		                   strcmp(model_json_str0(old, "status"), "completed") == 0
		                           ? "completed"
		                           : "written off"),
		rc = SK_ERULE;
	else if (!rc && reopen && current && !model_json_str(old, "continues"))
		rc = store_tx_fail(tx, "measure", "measure %s is current: nothing to reopen",
		                   model_json_str0(old, "number")),
		rc = SK_ERULE;
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
			rc = store_tx_fail(tx, NULL, "nothing to change: give at least one field");
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
	return model_tx_log(tx, model_actor_of(c->p), c->kind, "plan", plan_id,
	                    model_with_token(data, c->p));
}

int plan_measure_update(struct model *m, const struct principal *p, int64_t measure_id,
                        const json_t *body, struct model_err *err)
{
	struct change_cmd c = {p, measure_id, body, "plan.measure.updated", 0, NULL};

	if (!json_is_object(body))
		return plan_fail(err, "body", "must be an object");
	return model_submit(m, change_fn, &c, err);
}

int plan_measure_complete(struct model *m, const struct principal *p, int64_t measure_id,
                          int64_t year, struct model_err *err)
{
	struct change_cmd c = {p, measure_id, NULL, "plan.measure.completed", year, NULL};

	return model_submit(m, change_fn, &c, err);
}

int plan_measure_write_off(struct model *m, const struct principal *p, int64_t measure_id,
                           int64_t year, const char *reason, struct model_err *err)
{
	struct change_cmd c = {p,    measure_id,          NULL, "plan.measure.written_off",
	                       year, reason ? reason : ""};

	return model_submit(m, change_fn, &c, err);
}

int plan_measure_continue(struct model *m, const struct principal *p, int64_t measure_id,
                          const char *reason, struct model_err *err)
{
	struct change_cmd c = {p, measure_id,          NULL, "plan.measure.continued",
	                       0, reason ? reason : ""};

	return model_submit(m, change_fn, &c, err);
}

int plan_measure_reopen(struct model *m, const struct principal *p, int64_t measure_id,
                        const char *reason, struct model_err *err)
{
	struct change_cmd c = {p, measure_id,          NULL, "plan.measure.reopened",
	                       0, reason ? reason : ""};

	return model_submit(m, change_fn, &c, err);
}

/* ---- the projection ---- */

static int bind_opt_int(struct store_q *q, int idx, const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? store_q_bind_int(q, idx, json_integer_value(v))
	                          : store_q_bind_null(q, idx);
}

/* Inserts one measure (from an import's measures[] or a plan.measure.added entry). */
static int insert_measure(struct store_tx *tx, int64_t plan_id, int64_t id, const json_t *x,
                          json_t *marker_year, const char *t)
{
	static const char sql[] =
	        "INSERT INTO plan_measure (id, plan_id, number, objective, sort_key, title, "
	        "description, responsible_text, responsible, participants, period_text, "
	        "start_year, end_year, marker, marker_year, status, status_year, status_reason, "
	        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	        "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)";
	char key[16], *resp, *part;
	struct store_q *q;
	int rc;

	sort_key(model_json_str0(x, "number"), key);
	resp = dump_compact(json_object_get(x, "responsible"));
	part = dump_compact(json_object_get(x, "participants"));
	rc = resp && part ? store_tx_query(tx, sql, &q) : SK_ENOMEM;
	if (!rc) {
		store_q_bind_int(q, 1, id);
		store_q_bind_int(q, 2, plan_id);
		store_q_bind_text(q, 3, model_json_str0(x, "number"));
		store_q_bind_text(q, 4, model_json_str0(x, "objective"));
		store_q_bind_text(q, 5, key);
		store_q_bind_text(q, 6, model_json_str0(x, "title"));
		store_q_bind_text(q, 7, model_json_str0(x, "description"));
		store_q_bind_text(q, 8, model_json_str0(x, "responsible_text"));
		store_q_bind_text(q, 9, resp);
		store_q_bind_text(q, 10, part);
		store_q_bind_text(q, 11, model_json_str(x, "period_text"));
		bind_opt_int(q, 12, x, "start_year");
		bind_opt_int(q, 13, x, "end_year");
		store_q_bind_text(q, 14, model_json_str(x, "marker"));
		if (model_json_str(x, "marker") && json_is_integer(marker_year))
			store_q_bind_int(q, 15, json_integer_value(marker_year));
		else
			store_q_bind_null(q, 15);
		store_q_bind_text(q, 16,
		                  model_json_str(x, "status") ? model_json_str(x, "status")
		                                              : "current");
		bind_opt_int(q, 17, x, "status_year");
		store_q_bind_text(q, 18, model_json_str(x, "status_reason"));
		store_q_bind_text(q, 19, t);
		rc = store_q_step(q);
		store_q_done(q);
		if (rc == SK_ENOTFOUND)
			rc = SK_OK;
	}
	free(resp);
	free(part);
	return rc;
}

static int apply_import(struct store_tx *tx, const struct ledger_entry *e, const char *t)
{
	const json_t *doc = json_object_get(e->data, "plan");
	int64_t id = model_json_int(e->data, "id"),
	        first = model_json_int(e->data, "first_measure_id");
	json_t *x, *y;
	size_t i, j;
	char key[16];
	int rc;

	rc = store_tx_run(tx,
	                  "INSERT INTO plan (id, title, report_year, period, source, created_at, "
	                  "created_by, updated_at, first_report_year) VALUES (?1, ?2, ?3, ?4, "
	                  "?5, ?6, ?7, ?6, ?3)",
	                  "itittti", id, model_json_str0(doc, "title"),
	                  model_json_int(doc, "report_year"), model_json_str0(doc, "period"),
	                  model_json_str(doc, "source"), t, e->actor);
	json_array_foreach(json_object_get(doc, "authorities"), i, x)
	{
		if (!rc)
			rc = store_tx_run(
			        tx,
			        "INSERT INTO plan_authority (plan_id, position, short, name) "
			        "VALUES (?1, ?2, ?3, ?4)",
			        "iitt", id, (int64_t)i, model_json_str0(x, "short"),
			        model_json_str0(x, "name"));
	}
	json_array_foreach(json_object_get(doc, "strategic_priorities"), i, x)
	{
		sort_key(model_json_str0(x, "number"), key);
		if (!rc)
			rc = store_tx_run(
			        tx,
			        "INSERT INTO plan_priority (plan_id, number, sort_key, title) "
			        "VALUES (?1, ?2, ?3, ?4)",
			        "itt"
			        "t",
			        id, model_json_str0(x, "number"), key, model_json_str0(x, "title"));
		json_array_foreach(json_object_get(x, "objectives"), j, y)
		{
			sort_key(model_json_str0(y, "number"), key);
			if (!rc)
				rc = store_tx_run(
				        tx,
				        "INSERT INTO plan_objective (plan_id, number, priority, "
				        "sort_key, title) VALUES (?1, ?2, ?3, ?4, ?5)",
				        "ittt"
				        "t",
				        id, model_json_str0(y, "number"),
				        model_json_str0(x, "number"), key,
				        model_json_str0(y, "title"));
		}
	}
	json_array_foreach(json_object_get(doc, "measures"), i, x)
	{
		if (!rc)
			rc = insert_measure(tx, id, first + (int64_t)i, x,
			                    json_object_get(doc, "report_year"), t);
	}
	return rc;
}

static int apply_plan(struct store_tx *tx, const struct ledger_entry *e)
{
	char t[SK_TIME_LEN + 1];
	int64_t plan_id = model_json_int(e->data, "id"),
	        mid = model_json_int(e->data, "measure_id");
	int rc;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "plan.imported") == 0)
		return apply_import(tx, e, t);
	if (strcmp(e->kind, "plan.measure.added") == 0) {
		json_t *x = json_deep_copy(e->data);

		if (!x)
			return SK_ENOMEM;
		json_object_set_new(x, "status", json_string("current"));
		rc = insert_measure(tx, plan_id, mid, x, json_object_get(e->data, "marker_year"),
		                    t);
		json_decref(x);
	} else if (strcmp(e->kind, "plan.measure.updated") == 0) {
		char *resp = dump_compact(json_object_get(e->data, "responsible"));
		char *part = dump_compact(json_object_get(e->data, "participants"));
		struct store_q *q;

		rc = resp && part
		             ? store_tx_query(tx,
		                              "UPDATE plan_measure SET title = ?2, description = "
		                              "?3, responsible_text = ?4, responsible = ?5, "
		                              "participants = ?6, period_text = ?7, start_year = "
		                              "?8, end_year = ?9, marker = ?10, marker_year = "
		                              "?11, updated_at = ?12 WHERE id = ?1",
		                              &q)
		             : SK_ENOMEM;
		if (!rc) {
			store_q_bind_int(q, 1, mid);
			store_q_bind_text(q, 2, model_json_str0(e->data, "title"));
			store_q_bind_text(q, 3, model_json_str0(e->data, "description"));
			store_q_bind_text(q, 4, model_json_str0(e->data, "responsible_text"));
			store_q_bind_text(q, 5, resp);
			store_q_bind_text(q, 6, part);
			store_q_bind_text(q, 7, model_json_str(e->data, "period_text"));
			bind_opt_int(q, 8, e->data, "start_year");
			bind_opt_int(q, 9, e->data, "end_year");
			store_q_bind_text(q, 10, model_json_str(e->data, "marker"));
			bind_opt_int(q, 11, e->data, "marker_year");
			store_q_bind_text(q, 12, t);
			rc = store_q_step(q);
			store_q_done(q);
			if (rc == SK_ENOTFOUND)
				rc = SK_OK;
		}
		free(resp);
		free(part);
	} else if (strcmp(e->kind, "plan.measure.completed") == 0) {
		rc = store_tx_run(tx,
		                  "UPDATE plan_measure SET status = 'completed', status_year = ?2, "
		                  "continues = NULL, updated_at = ?3 WHERE id = ?1",
		                  "iit", mid, model_json_int(e->data, "year"), t);
	} else if (strcmp(e->kind, "plan.measure.reopened") == 0) {
		rc = store_tx_run(
		        tx,
		        "UPDATE plan_measure SET status = 'current', status_year = NULL, "
		        "status_reason = NULL, continues = NULL, updated_at = ?2 WHERE id = "
		        "?1",
		        "it", mid, t);
	} else if (strcmp(e->kind, "plan.measure.continued") == 0) {
		rc = store_tx_run(
		        tx, "UPDATE plan_measure SET continues = ?2, updated_at = ?3 WHERE id = ?1",
		        "itt", mid, model_json_str0(e->data, "reason"), t);
	} else if (strcmp(e->kind, "plan.year.changed") == 0) {
		rc = store_tx_run(tx, "UPDATE plan SET report_year = ?2 WHERE id = ?1", "ii",
		                  plan_id, model_json_int(e->data, "to"));
	} else if (strcmp(e->kind, "plan.report.text") == 0) {
		/* sorted: the same bytes whether applied live or replayed from the entry */
		char *body =
		        json_dumps(json_object_get(e->data, "text"), JSON_COMPACT | JSON_SORT_KEYS);

		if (!body)
			return SK_ENOMEM;
		rc = store_tx_run(tx,
		                  "INSERT OR REPLACE INTO plan_report_text (plan_id, year, body) "
		                  "VALUES (?1, ?2, ?3)",
		                  "iit", plan_id, model_json_int(e->data, "year"), body);
		free(body);
		return rc;
	} else if (strcmp(e->kind, "plan.report.submitted") == 0) {
		return store_tx_run(tx,
		                    "INSERT INTO plan_report (plan_id, year, sha256, body, "
		                    "submitted_at, submitted_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		                    "iittti", plan_id, model_json_int(e->data, "year"),
		                    model_json_str0(e->data, "sha256"),
		                    model_json_str0(e->data, "report"), t, e->actor);
	} else if (strcmp(e->kind, "plan.measure.written_off") == 0) {
		rc = store_tx_run(
		        tx,
		        "UPDATE plan_measure SET status = 'written_off', status_year = ?2, "
		        "status_reason = ?3, continues = NULL, updated_at = ?4 WHERE id = ?1",
		        "iitt", mid, model_json_int(e->data, "year"),
		        model_json_str0(e->data, "reason"), t);
	} else {
		return SK_OK;
	}
	if (!rc)
		rc = store_tx_run(tx, "UPDATE plan SET updated_at = ?2 WHERE id = ?1", "it",
		                  plan_id, t);
	return rc;
}

static const char *const plan_tables[] = {
        "plan",         "plan_authority", "plan_priority",    "plan_objective",
        "plan_measure", "plan_report",    "plan_report_text", NULL};

static const struct store_projection proj_plan = {
        .name = "action plans",
        .kind_prefix = "plan.",
        .tables = plan_tables,
        .apply = apply_plan,
};

void model_register_plans(void)
{
	store_register_projection(&proj_plan);
}

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
	    store_reader_query(r, MEASURE_COLS "WHERE plan_id = ?1 ORDER BY sort_key", &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, plan_id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, measure_row(q));
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

	if (!r || store_reader_query(r, MEASURE_COLS "WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, measure_id);
	if (store_q_step(q) == SK_OK)
		o = measure_row(q);
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
			plan_fail(err, "measure", "measure: no measure %lld", (long long)v);
		return rc;
	}
	if (!ref || number_parts(ref, parts) != 3)
		return plan_fail(err, "measure",
		                 "measure: '%.20s' is not a measure number like 1.1.17",
		                 ref ? ref : ""),
		       SK_EINVAL;
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
		return plan_fail(err, "measure", "measure: no measure %s", ref), SK_ENOTFOUND;
	if (n > 1)
		return plan_fail(err, "plan",
		                 "plan: measure %s is in %d plans: name the plan (e.g. plan=%lld)",
		                 ref, n, (long long)plan),
		       SK_EEXIST;
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
