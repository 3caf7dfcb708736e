/*
 * The security protection analysis (säkerhetsskyddsanalys, PMFS 2022:1
 * 2 kap. 1–11 §§): versions holding the activity and its parts (2 §),
 * protected assets with perspectives, levels and classes (3–5 §§), threats
 * and Säkerhetspolisen's description (6–7 §§), vulnerabilities (8 §) and
 * measures (9 §); approval by the head (10 §), the report and its hand-over
 * (11 §). Tables: sql/0006_analysis.sql, projections of analysis.* entries.
 * The plan (12 §) and special assessments (13 §) are in analysis_plan.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/analysis.h"
#include "model/analysis_int.h"
#include "model/reg_int.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

const char *const analysis_sections[] = {"description", "parts",           "assets",   "sapo",
                                         "threats",     "vulnerabilities", "measures", NULL};

static const char *const v_categories[] = {"external_security", "internal_security",
                                           "critical_activity", "economy",
                                           "other_sensitive",   NULL};
static const char *const v_perspectives[] = {"confidentiality", "integrity", "availability", NULL};
static const char *const v_levels[] = {"A", "B", "C", "D", NULL};
static const char *const v_classes[] = {"BH", "K", "H", "KH", NULL};

/* ---- shared helpers (analysis_int.h) ---- */

int an_failr(struct model_err *err, const char *path, const char *reason, json_t *params,
             const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	/* the path ("assets[2].level") stays in the English message and the field */
	return model_fail(err, SK_EINVAL, path, reason, params, "%s: %s", path, why);
}

bool an_text_ok(const char *s, size_t len, bool multiline)
{
	return strlen(s) == len && model_text_ok(s, multiline ? MODEL_TEXT_NL : 0);
}

static bool in_list(const char *s, const char *const *v)
{
	for (; s && *v; v++) {
		if (strcmp(s, *v) == 0)
			return true;
	}
	return false;
}

int an_may(struct store_tx *tx, const struct principal *p, unsigned need, const char *reason,
           const char *why, unsigned *roles_out)
{
	unsigned roles = model_tx_caller_roles(tx, p);

	if (roles_out)
		*roles_out = roles;
	if (roles & need)
		return SK_OK;
	return store_tx_failr(tx, SK_EPERM, NULL, reason, NULL, "%s", why);
}

int an_tx_fail_err(struct store_tx *tx, int rc, const struct model_err *e)
{
	const char *fwd_reason = e->reason[0] ? e->reason : NULL;

	return store_tx_failr(tx, rc, e->field[0] ? e->field : NULL, fwd_reason,
	                      e->params[0] ? json_loads(e->params, 0, NULL) : NULL, "%s", e->msg);
}

char *an_dump(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
}

json_t *an_load(const char *s)
{
	return json_loads(s, 0, NULL);
}

/* ---- the item checker (shared with the plan and the assessments) ---- */

int an_check_items(const json_t *arr, const char *sec, const struct an_field *spec,
                   size_t max_items, json_t *ids, struct model_err *err)
{
	json_t *seen = json_object(), *x, *v;
	char p[64], q[96], key[24];
	size_t i, j;
	int rc = SK_OK;

	if (!seen)
		return SK_ENOMEM;
	if (!json_is_array(arr) || json_array_size(arr) > max_items) {
		rc = an_failr(err, sec, "field.too_many",
		              json_pack("{s:I}", "max", (json_int_t)max_items),
		              "must be a list of at most %zu items", max_items);
		goto out;
	}
	json_array_foreach(arr, i, x)
	{
		const char *k;

		snprintf(p, sizeof(p), "%s[%zu]", sec, i);
		if (!json_is_object(x)) {
			rc = an_failr(err, p, "field.type", json_pack("{s:s}", "type", "object"),
			              "must be an object");
			goto out;
		}
		json_object_foreach(x, k, v)
		{
			const struct an_field *f = spec;

			while (f->name && strcmp(f->name, k) != 0)
				f++;
			if (!f->name) {
				snprintf(q, sizeof(q), "%s.%.30s", p, k);
				rc = an_failr(err, q, "field.unknown", NULL, "unknown field");
				goto out;
			}
		}
		for (const struct an_field *f = spec; f->name; f++) {
			v = json_object_get(x, f->name);
			snprintf(q, sizeof(q), "%s.%s", p, f->name);
			if (!v || json_is_null(v)) {
				if (f->required) {
					rc = an_failr(err, q, "field.required", NULL, "required");
					goto out;
				}
				continue;
			}
			switch (f->type) {
			case AF_ID:
			case AF_INT:
				if (!json_is_integer(v) || json_integer_value(v) < f->min ||
				    json_integer_value(v) > (json_int_t)f->max) {
					rc = an_failr(err, q, "field.range",
					              json_pack("{s:I, s:I}", "min",
					                        (json_int_t)f->min, "max",
					                        (json_int_t)f->max),
					              "must be an integer %lld..%zu",
					              (long long)f->min, f->max);
					goto out;
				}
				if (f->type == AF_ID) {
					snprintf(key, sizeof(key), "%lld",
					         (long long)json_integer_value(v));
					if (json_object_get(seen, key)) {
						rc = an_failr(err, q, "field.duplicate", NULL,
						              "id %s is used twice", key);
						goto out;
					}
					json_object_set_new(seen, key, json_true());
				}
				break;
			case AF_STR:
			case AF_TEXT:
				if (!json_is_string(v) || json_string_length(v) < (size_t)f->min ||
				    json_string_length(v) > f->max ||
				    !an_text_ok(json_string_value(v), json_string_length(v),
				                f->type == AF_TEXT)) {
					rc = an_failr(err, q, "field.text_size",
					              json_pack("{s:I, s:I}", "min",
					                        (json_int_t)f->min, "max",
					                        (json_int_t)f->max),
					              "must be text of %lld..%zu bytes",
					              (long long)f->min, f->max);
					goto out;
				}
				break;
			case AF_BOOL:
				if (!json_is_boolean(v)) {
					rc = an_failr(err, q, "field.type",
					              json_pack("{s:s}", "type", "boolean"),
					              "must be true or false");
					goto out;
				}
				break;
			case AF_DATE:
				if (!json_is_string(v) || !model_date_valid(json_string_value(v))) {
					rc = an_failr(err, q, "field.date", NULL,
					              "must be a date YYYY-MM-DD");
					goto out;
				}
				break;
			case AF_ENUM:
				if (!json_is_string(v) ||
				    !in_list(json_string_value(v), f->values)) {
					rc = an_failr(err, q, "field.enum", NULL,
					              "not one of the allowed values");
					goto out;
				}
				break;
			case AF_SET:
			case AF_REFS: {
				json_t *y;

				if (!json_is_array(v) || json_array_size(v) > f->max) {
					rc = an_failr(err, q, "field.too_many",
					              json_pack("{s:I}", "max", (json_int_t)f->max),
					              "must be a list of at most %zu", f->max);
					goto out;
				}
				json_array_foreach(v, j, y)
				{
					snprintf(q, sizeof(q), "%s.%s[%zu]", p, f->name, j);
					if (f->type == AF_SET &&
					    (!json_is_string(y) ||
					     !in_list(json_string_value(y), f->values))) {
						rc = an_failr(err, q, "field.enum", NULL,
						              "not one of the allowed values");
						goto out;
					}
					if (f->type == AF_REFS) {
						if (!json_is_integer(y)) {
							rc = an_failr(err, q, "field.type",
							              json_pack("{s:s}", "type",
							                        "integer"),
							              "must be an id");
							goto out;
						}
						snprintf(key, sizeof(key), "%lld",
						         (long long)json_integer_value(y));
						if (!json_object_get(
						            json_object_get(ids, f->section),
						            key)) {
							rc = an_failr(
							        err, q, "analysis.no_such_item",
							        json_pack("{s:s, s:s}", "section",
							                  f->section, "id", key),
							        "no %s with id %s", f->section,
							        key);
							goto out;
						}
					}
					for (size_t n = 0; n < j; n++) {
						if (json_equal(json_array_get(v, n), y)) {
							rc = an_failr(err, q, "field.duplicate",
							              NULL, "listed twice");
							goto out;
						}
					}
				}
				break;
			}
			case AF_REF:
				snprintf(key, sizeof(key), "%lld",
				         (long long)json_integer_value(v));
				if (!json_is_integer(v) ||
				    !json_object_get(json_object_get(ids, f->section), key)) {
					rc = an_failr(err, q, "analysis.no_such_item",
					              json_pack("{s:s, s:s}", "section", f->section,
					                        "id", key),
					              "no %s with that id", f->section);
					goto out;
				}
				break;
			}
		}
	}
	if (ids)
		json_object_set(ids, sec, seen);
out:
	json_decref(seen);
	return rc;
}

/* ---- the content of a version ---- */

static const struct an_field f_part[] = {{"id", AF_ID, true, 1, 1000000, NULL, NULL},
                                         {"name", AF_STR, true, 1, 300, NULL, NULL},
                                         {"description", AF_TEXT, false, 0, 10000, NULL, NULL},
                                         {"categories", AF_SET, true, 0, 5, v_categories, NULL},
                                         {NULL, 0, false, 0, 0, NULL, NULL}};
static const struct an_field f_asset[] = {
        {"id", AF_ID, true, 1, 1000000, NULL, NULL},
        {"kind", AF_INT, true, 1, 3, NULL, NULL},
        {"name", AF_STR, true, 1, 300, NULL, NULL},
        {"description", AF_TEXT, false, 0, 10000, NULL, NULL},
        {"perspectives", AF_SET, true, 0, 3, v_perspectives, NULL},
        {"level", AF_ENUM, false, 0, 0, v_levels, NULL},
        {"class", AF_ENUM, false, 0, 0, v_classes, NULL},
        {"part_ids", AF_REFS, false, 0, 1000, NULL, "parts"},
        {NULL, 0, false, 0, 0, NULL, NULL}};
static const struct an_field f_threat[] = {{"id", AF_ID, true, 1, 1000000, NULL, NULL},
                                           {"description", AF_TEXT, true, 1, 10000, NULL, NULL},
                                           {"asset_ids", AF_REFS, true, 0, 1000, NULL, "assets"},
                                           {"overall", AF_BOOL, false, 0, 0, NULL, NULL},
                                           {NULL, 0, false, 0, 0, NULL, NULL}};
static const struct an_field f_vuln[] = {{"id", AF_ID, true, 1, 1000000, NULL, NULL},
                                         {"description", AF_TEXT, true, 1, 10000, NULL, NULL},
                                         {"asset_id", AF_REF, false, 0, 0, NULL, "assets"},
                                         {"threat_ids", AF_REFS, false, 0, 1000, NULL, "threats"},
                                         {NULL, 0, false, 0, 0, NULL, NULL}};
static const struct an_field f_measure[] = {
        {"id", AF_ID, true, 1, 1000000, NULL, NULL},
        {"description", AF_TEXT, true, 1, 10000, NULL, NULL},
        {"vulnerability_ids", AF_REFS, true, 0, 1000, NULL, "vulnerabilities"},
        {"asset_ids", AF_REFS, false, 0, 1000, NULL, "assets"},
        {NULL, 0, false, 0, 0, NULL, NULL}};
static const struct an_field f_sapo[] = {{"reference", AF_STR, true, 1, 200, NULL, NULL},
                                         {"date", AF_DATE, true, 0, 0, NULL, NULL},
                                         {NULL, 0, false, 0, 0, NULL, NULL}};

int analysis_content_check(const json_t *content, struct model_err *err)
{
	json_t *ids = json_object(), *x, *v, *wrap;
	const char *k;
	size_t i;
	int rc;

	if (!ids)
		return SK_ENOMEM;
	if (!json_is_object(content)) {
		json_decref(ids);
		return an_failr(err, "content", "field.type", json_pack("{s:s}", "type", "object"),
		                "must be an object");
	}
	json_object_foreach((json_t *)(uintptr_t)content, k, v)
	{
		if (!in_list(k, analysis_sections)) {
			json_decref(ids);
			return an_failr(err, k, "field.unknown", NULL, "unknown section");
		}
	}
	v = json_object_get(content, "description");
	if (!json_is_string(v) || json_string_length(v) > 20000 ||
	    !an_text_ok(json_string_value(v), json_string_length(v), true)) {
		json_decref(ids);
		return an_failr(err, "description", "field.text_size",
		                json_pack("{s:i, s:i}", "min", 0, "max", 20000),
		                "must be text of at most 20000 bytes");
	}
	rc = an_check_items(json_object_get(content, "parts"), "parts", f_part, 100, ids, err);
	if (!rc)
		rc = an_check_items(json_object_get(content, "assets"), "assets", f_asset, 500, ids,
		                    err);
	if (!rc) {
		json_array_foreach(json_object_get(content, "assets"), i, x)
		{
			char p[48];
			int64_t kind = json_integer_value(json_object_get(x, "kind"));

			snprintf(p, sizeof(p), "assets[%zu].level", i);
			if (kind != 2 && json_is_string(json_object_get(x, "level"))) {
				rc = an_failr(err, p, "analysis.level_kind2", NULL,
				              "only assets of kind 2 have a consequence "
				              "level (2 kap. 5 §)");
				break;
			}
			snprintf(p, sizeof(p), "assets[%zu].class", i);
			if (kind != 1 && json_is_string(json_object_get(x, "class"))) {
				rc = an_failr(err, p, "analysis.class_kind1", NULL,
				              "only classified information (kind 1) has a "
				              "class");
				break;
			}
		}
	}
	if (!rc)
		rc = an_check_items(json_object_get(content, "threats"), "threats", f_threat, 500,
		                    ids, err);
	if (!rc)
		rc = an_check_items(json_object_get(content, "vulnerabilities"), "vulnerabilities",
		                    f_vuln, 1000, ids, err);
	if (!rc)
		rc = an_check_items(json_object_get(content, "measures"), "measures", f_measure,
		                    1000, ids, err);
	if (!rc) {
		v = json_object_get(content, "sapo");
		if (!json_is_object(v)) {
			rc = an_failr(err, "sapo", "field.type",
			              json_pack("{s:s}", "type", "object"),
			              "must be an object ({} when none was provided)");
		} else if (json_object_size(v) > 0) {
			wrap = json_pack("[O]", v);
			rc = wrap ? an_check_items(wrap, "sapo", f_sapo, 1, NULL, err) : SK_ENOMEM;
			if (rc == SK_EINVAL && err && strncmp(err->field, "sapo[0]", 7) == 0) {
				memmove(err->field + 4, err->field + 7, strlen(err->field + 7) + 1);
				memmove(err->msg + 4, err->msg + 7, strlen(err->msg + 7) + 1);
			}
			json_decref(wrap);
		}
	}
	json_decref(ids);
	return rc;
}

static json_t *empty_content(void)
{
	return json_pack("{s:s, s:[], s:[], s:{}, s:[], s:[], s:[]}", "description", "", "parts",
	                 "assets", "sapo", "threats", "vulnerabilities", "measures");
}

/* One thing missing: its field, the UI's reason and params (taken over), the English message. */
static void missing(json_t *out, const char *field, const char *reason, json_t *params,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void missing(json_t *out, const char *field, const char *reason, json_t *params,
                    const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:o}", "field", field, "message", msg,
	                                     "reason", reason, "params",
	                                     params ? params : json_object()));
}

static bool refs_have(const json_t *arr, json_int_t id)
{
	size_t i;
	json_t *y;

	json_array_foreach(arr, i, y)
	{
		if (json_integer_value(y) == id)
			return true;
	}
	return false;
}

json_t *analysis_missing(const json_t *c)
{
	json_t *out = json_array(), *x, *y;
	char f[64];
	size_t i, j;
	bool any = false;

	if (!out)
		return NULL;
	if (json_string_length(json_object_get(c, "description")) == 0)
		missing(out, "description", "analysis.missing.description", NULL,
		        "the activity is not described (2 kap. 2 §)");
	json_array_foreach(json_object_get(c, "parts"), i, x) any |=
	        json_array_size(json_object_get(x, "categories")) > 0;
	if (!any)
		missing(out, "parts", "analysis.missing.parts", NULL,
		        "no part of the activity with a category of importance for Sweden's "
		        "security (2 kap. 2 §)");
	if (json_array_size(json_object_get(c, "assets")) == 0)
		missing(out, "assets", "analysis.missing.assets", NULL,
		        "no protected asset identified (2 kap. 3 §)");
	json_array_foreach(json_object_get(c, "assets"), i, x)
	{
		json_int_t id = json_integer_value(json_object_get(x, "id"));
		int64_t kind = json_integer_value(json_object_get(x, "kind"));
		bool threat = false, vuln = false;

		snprintf(f, sizeof(f), "assets[%zu].perspectives", i);
		if (json_array_size(json_object_get(x, "perspectives")) == 0)
			missing(out, f, "analysis.missing.perspective",
			        json_pack("{s:s}", "asset", model_json_str0(x, "name")),
			        "asset %lld has no perspective (2 kap. 4 §)", (long long)id);
		snprintf(f, sizeof(f), "assets[%zu].level", i);
		if (kind == 2 && !json_is_string(json_object_get(x, "level")))
			missing(out, f, "analysis.missing.level",
			        json_pack("{s:s}", "asset", model_json_str0(x, "name")),
			        "asset %lld has no consequence level A–D (2 kap. 5 §)",
			        (long long)id);
		snprintf(f, sizeof(f), "assets[%zu].class", i);
		if (kind == 1 && !json_is_string(json_object_get(x, "class")))
			missing(out, f, "analysis.missing.class",
			        json_pack("{s:s}", "asset", model_json_str0(x, "name")),
			        "asset %lld has no security classification (2 kap. 3 §)",
			        (long long)id);
		json_array_foreach(json_object_get(c, "threats"), j, y) threat |=
		        refs_have(json_object_get(y, "asset_ids"), id);
		json_array_foreach(json_object_get(c, "vulnerabilities"), j, y) vuln |=
		        json_integer_value(json_object_get(y, "asset_id")) == id;
		snprintf(f, sizeof(f), "assets[%zu]", i);
		if (!threat)
			missing(out, f, "analysis.missing.threat",
			        json_pack("{s:s}", "asset", model_json_str0(x, "name")),
			        "asset %lld has no threat (2 kap. 6 §)", (long long)id);
		if (!vuln)
			missing(out, f, "analysis.missing.vulnerability",
			        json_pack("{s:s}", "asset", model_json_str0(x, "name")),
			        "asset %lld has no vulnerability (2 kap. 8 §)", (long long)id);
	}
	json_array_foreach(json_object_get(c, "vulnerabilities"), i, x)
	{
		json_int_t id = json_integer_value(json_object_get(x, "id"));
		bool m = false;

		json_array_foreach(json_object_get(c, "measures"), j, y) m |=
		        refs_have(json_object_get(y, "vulnerability_ids"), id);
		snprintf(f, sizeof(f), "vulnerabilities[%zu]", i);
		if (!m)
			missing(out, f, "analysis.missing.measure",
			        json_pack("{s:I}", "vulnerability", id),
			        "vulnerability %lld has no measure (2 kap. 9 §)", (long long)id);
	}
	return out;
}

/* ---- reading a version inside the writer ---- */

struct version {
	int64_t id, series_id, version;
	char state[16];
	char title[512];
	char cls[4];    /* "" = not classified */
	bool submitted; /* a draft sent to the head */
	json_t *content;
};

/*
 * Reads version id for a command by p: SK_ENOTFOUND, or SK_EPERM when p is
 * not cleared for its class (nobody changes, sends or approves what they may
 * not read).
 */
static int tx_version(struct store_tx *tx, const struct principal *p, int64_t id, struct version *v)
{
	struct store_q *q;
	int rc = store_tx_query(tx,
	                        "SELECT id, series_id, version, state, title, content, "
	                        "coalesce(class, ''), submitted_at IS NOT NULL FROM "
	                        "analysis WHERE id = ?1",
	                        &q);

	memset(v, 0, sizeof(*v));
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		v->id = store_q_int(q, 0);
		v->series_id = store_q_int(q, 1);
		v->version = store_q_int(q, 2);
		snprintf(v->state, sizeof(v->state), "%s", store_q_text(q, 3));
		snprintf(v->title, sizeof(v->title), "%s", store_q_text(q, 4));
		v->content = an_load(store_q_text(q, 5));
		snprintf(v->cls, sizeof(v->cls), "%s", store_q_text(q, 6));
		v->submitted = store_q_int(q, 7) != 0;
		if (!v->content)
			rc = SK_ECORRUPT;
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		store_tx_failr(tx, SK_ENOTFOUND, NULL, "analysis.not_found", NULL,
		               "no such analysis");
	if (rc == SK_OK && !analysis_cleared(p, v->cls)) {
		json_decref(v->content);
		v->content = NULL;
		rc = store_tx_failr(tx, SK_EPERM, NULL, "analysis.need_to_know", NULL,
		                    "the analysis is classified above your clearance");
	}
	return rc;
}

#define WRITE_ROLES (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF))
#define WRITE_WHY   "the analysis is written by the säkerhetsskyddschef or the head"

/* Merges body's sections into content and checks the result. */
static int merge(json_t *content, const json_t *body, json_t *changed, struct model_err *err)
{
	const char *k;
	json_t *x;

	json_object_foreach((json_t *)(uintptr_t)body, k, x)
	{
		if (strcmp(k, "title") != 0 && strcmp(k, "class") != 0 &&
		    !in_list(k, analysis_sections))
			return an_failr(err, k, "field.unknown", NULL, "unknown field");
	}
	for (const char *const *s = analysis_sections; *s; s++) {
		json_t *v = json_object_get(body, *s);

		if (v) {
			json_object_set(content, *s, v);
			json_array_append_new(changed, json_string(*s));
		}
	}
	return analysis_content_check(content, err);
}

/* ---- create, update ---- */

/*
 * The class in a body: absent (*present false), null or "" (not classified)
 * or BH/K/H/KH. SK_OK or SK_EINVAL (field "class") failing the command.
 */
static int body_class(struct store_tx *tx, const struct principal *p, const json_t *body,
                      bool *present, const char **cls)
{
	const json_t *v = json_object_get(body, "class");

	*present = v != NULL;
	*cls = "";
	if (!v || json_is_null(v))
		return SK_OK;
	if (json_is_string(v) &&
	    (json_string_value(v)[0] == '\0' || in_list(json_string_value(v), v_classes))) {
		*cls = json_string_value(v);
		/* above one's own clearance, the writer could not read it any more */
		if (!analysis_cleared(p, *cls))
			return store_tx_failr(tx, SK_EINVAL, "class",
			                      "analysis.class_above_clearance", NULL,
			                      "class: above your own clearance");
		return SK_OK;
	}
	return store_tx_failr(tx, SK_EINVAL, "class", "field.enum", NULL,
	                      "class: BH, K, H, KH or empty (not classified)");
}

/* The class as an entry carries it: a string or null. */
static json_t *class_json(const char *cls)
{
	return cls && cls[0] ? json_string(cls) : json_null();
}

struct an_cmd {
	const struct principal *p;
	const json_t *body;
	int64_t id, new_id;
	const char *recipient, *reason;
	struct model_err *err;
};

static int create_fn(struct store_tx *tx, void *arg)
{
	struct an_cmd *c = arg;
	json_t *content = empty_content(), *changed = json_array(), *data;
	const char *title = json_string_value(json_object_get(c->body, "title")), *cls = "";
	bool has_class = false;
	int rc = an_may(tx, c->p, WRITE_ROLES, "analysis.writer", WRITE_WHY, NULL);

	if (!content || !changed)
		rc = rc ? rc : SK_ENOMEM;
	if (!rc && (!title || !title[0] || strlen(title) > 300 ||
	            !an_text_ok(title, strlen(title), false)))
		rc = an_tx_fail_err(tx,
		                    an_failr(c->err, "title", "field.text_size",
		                             json_pack("{s:i, s:i}", "min", 1, "max", 300),
		                             "1..300 bytes of text"),
		                    c->err);
	if (!rc) {
		rc = merge(content, c->body, changed, c->err);
		if (rc)
			an_tx_fail_err(tx, rc, c->err);
	}
	if (!rc)
		rc = body_class(tx, c->p, c->body, &has_class, &cls);
	if (!rc)
		rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM analysis", "");
	if (rc) {
		json_decref(content);
		json_decref(changed);
		return rc;
	}
	json_decref(changed);
	data = json_pack("{s:I, s:I, s:I, s:s, s:o, s:o}", "id", (json_int_t)c->id, "series_id",
	                 (json_int_t)c->id, "version", (json_int_t)1, "title", title, "content",
	                 content, "class", class_json(cls));
	return model_tx_log(tx, c->p->id, "analysis.created", "analysis", c->id,
	                    model_with_token(data, c->p));
}

int analysis_create(struct model *m, const struct principal *p, const json_t *body, int64_t *id,
                    struct model_err *err)
{
	struct model_err local = {0};
	struct an_cmd c = {p, body, 0, 0, NULL, NULL, err ? err : &local};
	int rc = model_submit(m, create_fn, &c, err);

	if (!rc && id)
		*id = c.id;
	return rc;
}

static int update_fn(struct store_tx *tx, void *arg)
{
	struct an_cmd *c = arg;
	struct version v;
	json_t *changed = json_array(), *data;
	const char *title = json_string_value(json_object_get(c->body, "title")), *cls = "";
	bool has_class = false;
	int rc = an_may(tx, c->p, WRITE_ROLES, "analysis.writer", WRITE_WHY, NULL);

	if (rc) {
		json_decref(changed);
		return rc;
	}
	rc = tx_version(tx, c->p, c->id, &v);
	if (!rc && strcmp(v.state, "draft") == 0 && v.submitted) {
		store_tx_failr(tx, SK_ERULE, NULL, "analysis.submitted", NULL,
		               "the draft is with the head for approval: the head approves it or "
		               "sends it back for changes");
		rc = SK_ERULE;
	}
	if (!rc && strcmp(v.state, "draft") != 0) {
		store_tx_failr(tx, SK_ERULE, NULL, "analysis.frozen",
		               json_pack("{s:I}", "version", (json_int_t)v.version),
		               "version %lld is %s and frozen: revise it to make a new draft "
		               "(2 kap. 10 §)",
		               (long long)v.version, v.state);
		rc = SK_ERULE;
	}
	if (!rc && title) {
		if (!title[0] || strlen(title) > 300 || !an_text_ok(title, strlen(title), false))
			rc = an_tx_fail_err(tx,
			                    an_failr(c->err, "title", "field.text_size",
			                             json_pack("{s:i, s:i}", "min", 1, "max", 300),
			                             "1..300 bytes of text"),
			                    c->err);
		else
			json_array_append_new(changed, json_string("title"));
	}
	if (!rc) {
		rc = merge(v.content, c->body, changed, c->err);
		if (rc)
			an_tx_fail_err(tx, rc, c->err);
	}
	if (!rc)
		rc = body_class(tx, c->p, c->body, &has_class, &cls);
	if (!rc && has_class && strcmp(cls, v.cls) != 0)
		json_array_append_new(changed, json_string("class"));
	if (!rc && !has_class)
		cls = v.cls;
	if (!rc && json_array_size(changed) == 0)
		rc = store_tx_failr(tx, SK_EINVAL, NULL, "field.nothing_to_change", NULL,
		                    "nothing to change");
	if (rc) {
		json_decref(v.content);
		json_decref(changed);
		return rc;
	}
	data = json_pack("{s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)c->id, "title",
	                 title ? title : v.title, "content", v.content, "changed", changed, "class",
	                 class_json(cls));
	return model_tx_log(tx, c->p->id, "analysis.updated", "analysis", c->id,
	                    model_with_token(data, c->p));
}

int analysis_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                    struct model_err *err)
{
	struct model_err local = {0};
	struct an_cmd c = {p, body, id, 0, NULL, NULL, err ? err : &local};

	return model_submit(m, update_fn, &c, err);
}

/* ---- approve, revise, export ---- */

/*
 * A draft is sent or approved only complete (2 kap. 3–9 §§): the first thing
 * missing names the field, the count says how many more. SK_OK, SK_ERULE or
 * SK_ENOMEM.
 */
static int tx_complete(struct store_tx *tx, const json_t *content)
{
	json_t *miss = analysis_missing(content);
	int rc = SK_OK;

	if (!miss)
		return SK_ENOMEM;
	if (json_array_size(miss) > 0) {
		json_t *f = json_array_get(miss, 0);

		rc = store_tx_failr(tx, SK_ERULE, model_json_str0(f, "field"),
		                    "analysis.incomplete",
		                    json_pack("{s:I}", "count", (json_int_t)json_array_size(miss)),
		                    "%s%s", model_json_str0(f, "message"),
		                    json_array_size(miss) > 1 ? " (and more: see missing)" : "");
	}
	json_decref(miss);
	return rc;
}

static int approve_fn(struct store_tx *tx, void *arg)
{
	struct an_cmd *c = arg;
	struct version v;
	char today[11], y1[11], due[11];
	int64_t prev = 0;
	bool v_submitted;
	json_t *data;
	int rc = an_may(tx, c->p, ROLE_BIT(ROLE_CHIEF), "analysis.approver",
	                "the analysis is approved (fastställs) by the head of the organisation "
	                "(role chief), 2 kap. 10 §",
	                NULL);

	if (rc)
		return rc;
	rc = tx_version(tx, c->p, c->id, &v);
	if (rc)
		return rc;
	if (strcmp(v.state, "draft") != 0) {
		json_decref(v.content);
		store_tx_failr(tx, SK_ERULE, NULL, "analysis.not_draft",
		               json_pack("{s:I}", "version", (json_int_t)v.version),
		               "version %lld is already %s", (long long)v.version, v.state);
		return SK_ERULE;
	}
	v_submitted = v.submitted;
	rc = tx_complete(tx, v.content);
	json_decref(v.content);
	if (rc)
		return rc;
	rc = store_tx_int(tx, &prev,
	                  "SELECT coalesce(max(id), 0) FROM analysis WHERE series_id = ?1 AND "
	                  "state = 'approved'",
	                  "i", v.series_id);
	if (rc)
		return rc;
	model_today(today);
	model_plus_year(today, y1);
	model_plus_year(y1, due);
	data = json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)c->id, "series_id",
	                 (json_int_t)v.series_id, "approved_on", today, "next_review_due", due,
	                 "role", "chief");
	if (data && prev)
		json_object_set_new(data, "supersedes", json_integer(prev));
	if (data)
		json_object_set_new(data, "submitted", json_boolean(v_submitted));
	return model_tx_log(tx, c->p->id, "analysis.approved", "analysis", c->id,
	                    model_with_token(data, c->p));
}

int analysis_approve(struct model *m, const struct principal *p, int64_t id, struct model_err *err)
{
	struct model_err local = {0};
	struct an_cmd c = {p, NULL, id, 0, NULL, NULL, err ? err : &local};

	return model_submit(m, approve_fn, &c, err);
}

/*
 * Sending a draft to the head (issue 15): the ssc says it is ready; the
 * head sees it in Att göra, approves it or sends it back with a reason.
 * Only a complete draft is sent (the head could not approve it otherwise).
 */
static int submit_fn(struct store_tx *tx, void *arg)
{
	struct an_cmd *c = arg;
	struct version v;
	int rc =
	        an_may(tx, c->p, ROLE_BIT(ROLE_SSC), "analysis.submit_by_ssc",
	               "the säkerhetsskyddschef sends the analysis to the head for approval", NULL);

	if (rc)
		return rc;
	rc = tx_version(tx, c->p, c->id, &v);
	if (rc)
		return rc;
	if (strcmp(v.state, "draft") != 0 || v.submitted) {
		json_decref(v.content);
		return store_tx_failr(tx, SK_ERULE, NULL,
		                      v.submitted ? "analysis.submitted" : "analysis.not_draft",
		                      json_pack("{s:I}", "version", (json_int_t)v.version),
		                      "version %lld is %s", (long long)v.version,
		                      v.submitted ? "already with the head" : v.state);
	}
	rc = tx_complete(tx, v.content);
	json_decref(v.content);
	if (rc)
		return rc;
	return model_tx_log(
	        tx, c->p->id, "analysis.submitted", "analysis", c->id,
	        model_with_token(json_pack("{s:I, s:I, s:s}", "id", (json_int_t)c->id, "version",
	                                   (json_int_t)v.version, "to", "chief"),
	                         c->p));
}

int analysis_submit(struct model *m, const struct principal *p, int64_t id, struct model_err *err)
{
	struct model_err local = {0};
	struct an_cmd c = {p, NULL, id, 0, NULL, NULL, err ? err : &local};

	return model_submit(m, submit_fn, &c, err);
}

/* The head sends a sent draft back for changes, saying why; it is an open draft again. */
static int return_fn(struct store_tx *tx, void *arg)
{
	struct an_cmd *c = arg;
	struct version v;
	int rc = an_may(tx, c->p, ROLE_BIT(ROLE_CHIEF), "analysis.approver",
	                "the head (role chief) approves the analysis or sends it back, 2 kap. 10 §",
	                NULL);

	if (rc)
		return rc;
	if (!c->reason || !c->reason[0] || strlen(c->reason) > 2000 ||
	    !an_text_ok(c->reason, strlen(c->reason), true) ||
	    sk_text_blank(c->reason, strlen(c->reason)))
		return store_tx_failr(tx, SK_EINVAL, "reason", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 2000),
		                      "reason: what to change, 1..2000 bytes of text");
	rc = tx_version(tx, c->p, c->id, &v);
	if (rc)
		return rc;
	json_decref(v.content);
	if (strcmp(v.state, "draft") != 0 || !v.submitted)
		return store_tx_failr(tx, SK_ERULE, NULL, "analysis.not_submitted",
		                      json_pack("{s:I}", "version", (json_int_t)v.version),
		                      "version %lld has not been sent to the head",
		                      (long long)v.version);
	return model_tx_log(
	        tx, c->p->id, "analysis.returned", "analysis", c->id,
	        model_with_token(json_pack("{s:I, s:I, s:s}", "id", (json_int_t)c->id, "version",
	                                   (json_int_t)v.version, "reason", c->reason),
	                         c->p));
}

int analysis_return(struct model *m, const struct principal *p, int64_t id, const char *reason,
                    struct model_err *err)
{
	struct model_err local = {0};
	struct an_cmd c = {p, NULL, id, 0, NULL, reason, err ? err : &local};

	return model_submit(m, return_fn, &c, err);
}

static int revise_fn(struct store_tx *tx, void *arg)
{
	struct an_cmd *c = arg;
	struct version v;
	int64_t drafts = 0, ver = 0;
	json_t *data;
	int rc = an_may(tx, c->p, WRITE_ROLES, "analysis.writer", WRITE_WHY, NULL);

	if (rc)
		return rc;
	rc = tx_version(tx, c->p, c->id, &v);
	if (rc)
		return rc;
	if (strcmp(v.state, "approved") != 0) {
		json_decref(v.content);
		store_tx_failr(tx, SK_ERULE, NULL, "analysis.revise_approved", NULL,
		               "only the approved (current) version is revised; this one is %s",
		               v.state);
		return SK_ERULE;
	}
	rc = store_tx_int(tx, &drafts,
	                  "SELECT count(*) FROM analysis WHERE series_id = ?1 AND state = 'draft'",
	                  "i", v.series_id);
	if (!rc && drafts > 0) {
		store_tx_failr(tx, SK_EEXIST, NULL, "analysis.draft_exists", NULL,
		               "the analysis already has a draft version");
		rc = SK_EEXIST;
	}
	if (!rc)
		rc = store_tx_int(tx, &ver,
		                  "SELECT max(version) + 1 FROM analysis WHERE series_id = ?1", "i",
		                  v.series_id);
	if (!rc)
		rc = store_tx_int(tx, &c->new_id, "SELECT coalesce(max(id), 0) + 1 FROM analysis",
		                  "");
	if (rc) {
		json_decref(v.content);
		return rc;
	}
	data = json_pack("{s:I, s:I, s:I, s:I, s:s, s:o, s:o}", "id", (json_int_t)c->new_id,
	                 "series_id", (json_int_t)v.series_id, "version", (json_int_t)ver,
	                 "revised_from", (json_int_t)v.id, "title", v.title, "content", v.content,
	                 "class", class_json(v.cls));
	return model_tx_log(tx, c->p->id, "analysis.revised", "analysis", c->new_id,
	                    model_with_token(data, c->p));
}

int analysis_revise(struct model *m, const struct principal *p, int64_t id, int64_t *new_id,
                    struct model_err *err)
{
	struct model_err local = {0};
	struct an_cmd c = {p, NULL, id, 0, NULL, NULL, err ? err : &local};
	int rc = model_submit(m, revise_fn, &c, err);

	if (!rc && new_id)
		*new_id = c.new_id;
	return rc;
}

static int export_fn(struct store_tx *tx, void *arg)
{
	struct an_cmd *c = arg;
	struct version v;
	json_t *data;
	int rc = an_may(tx, c->p, WRITE_ROLES, "analysis.handover_by",
	                "the analysis is handed over by the säkerhetsskyddschef or the head", NULL);

	if (rc)
		return rc;
	if (!c->recipient || !c->recipient[0] || strlen(c->recipient) > 300 ||
	    !an_text_ok(c->recipient, strlen(c->recipient), false))
		return store_tx_failr(tx, SK_EINVAL, "recipient", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 1, "max", 300),
		                      "recipient: 1..300 bytes of text");
	if (c->reason &&
	    (strlen(c->reason) > 2000 || !an_text_ok(c->reason, strlen(c->reason), true)))
		return store_tx_failr(tx, SK_EINVAL, "reason", "field.text_size",
		                      json_pack("{s:i, s:i}", "min", 0, "max", 2000),
		                      "reason: at most 2000 bytes of text");
	rc = tx_version(tx, c->p, c->id, &v);
	if (rc)
		return rc;
	json_decref(v.content);
	if (strcmp(v.state, "draft") == 0) {
		store_tx_failr(tx, SK_ERULE, NULL, "analysis.handover_draft", NULL,
		               "a draft is not handed over: approve it first (2 kap. 11 §)");
		return SK_ERULE;
	}
	data = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)c->id, "version",
	                 (json_int_t)v.version, "recipient", c->recipient, "reason",
	                 c->reason ? c->reason : "");
	return model_tx_log(tx, c->p->id, "analysis.exported", "analysis", c->id,
	                    model_with_token(data, c->p));
}

int analysis_export(struct model *m, const struct principal *p, int64_t id, const char *recipient,
                    const char *reason, json_t **report, struct model_err *err)
{
	struct model_err local = {0};
	struct an_cmd c = {p, NULL, id, 0, recipient, reason, err ? err : &local};
	int rc = model_submit(m, export_fn, &c, err);

	if (!rc && report)
		rc = analysis_report(m, p, id, report, err);
	return rc;
}

/* ---- the projection ---- */

static int apply_analysis(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	int64_t id = json_integer_value(json_object_get(d, "id"));
	char t[SK_TIME_LEN + 1], *content = NULL;
	int rc = SK_OK;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "analysis.created") == 0 || strcmp(e->kind, "analysis.revised") == 0) {
		json_t *from = json_object_get(d, "revised_from");

		content = an_dump(json_object_get(d, "content"));
		if (!content)
			return SK_ENOMEM;
		rc = store_tx_run(
		        tx,
		        "INSERT INTO analysis (id, series_id, version, revised_from, state, "
		        "title, content, created_at, created_by, updated_at, class) VALUES (?1, "
		        "?2, "
		        "?3, NULLIF(?4, 0), 'draft', ?5, ?6, ?7, ?8, ?7, NULLIF(?9, ''))",
		        "iiiitttit", id,
		        (int64_t)json_integer_value(json_object_get(d, "series_id")),
		        (int64_t)json_integer_value(json_object_get(d, "version")),
		        (int64_t)json_integer_value(from), model_json_str0(d, "title"), content, t,
		        e->actor, model_json_str0(d, "class"));
	} else if (strcmp(e->kind, "analysis.updated") == 0) {
		content = an_dump(json_object_get(d, "content"));
		if (!content)
			return SK_ENOMEM;
		rc = store_tx_run(
		        tx,
		        "UPDATE analysis SET title = ?2, content = ?3, updated_at = ?4, class = "
		        "NULLIF(?5, '') WHERE id = ?1",
		        "itttt", id, model_json_str0(d, "title"), content, t,
		        model_json_str0(d, "class"));
	} else if (strcmp(e->kind, "analysis.submitted") == 0) {
		rc = store_tx_run(tx,
		                  "UPDATE analysis SET submitted_at = ?2, submitted_by = ?3, "
		                  "updated_at = ?2 WHERE id = ?1",
		                  "iti", id, t, e->actor);
	} else if (strcmp(e->kind, "analysis.returned") == 0) {
		rc = store_tx_run(tx,
		                  "UPDATE analysis SET submitted_at = NULL, submitted_by = NULL, "
		                  "returned_at = ?2, returned_by = ?3, return_reason = ?4, "
		                  "updated_at = ?2 WHERE id = ?1",
		                  "itit", id, t, e->actor, model_json_str0(d, "reason"));
	} else if (strcmp(e->kind, "analysis.approved") == 0) {
		rc = store_tx_run(
		        tx,
		        "UPDATE analysis SET state = 'superseded', updated_at = ?3 WHERE "
		        "series_id = ?1 AND state = 'approved' AND id <> ?2",
		        "iit", (int64_t)json_integer_value(json_object_get(d, "series_id")), id, t);
		if (!rc)
			rc = store_tx_run(
			        tx,
			        "UPDATE analysis SET state = 'approved', approved_on = ?2, "
			        "approved_by = ?3, next_review_due = ?4, updated_at = ?5 "
			        "WHERE id = ?1",
			        "ititt", id, model_json_str0(d, "approved_on"), e->actor,
			        model_json_str0(d, "next_review_due"), t);
	} else if (strcmp(e->kind, "analysis.exported") == 0) {
		rc = store_tx_run(tx, "UPDATE analysis SET exported = exported + 1 WHERE id = ?1",
		                  "i", id);
	}
	free(content);
	return rc;
}

static const char *const analysis_tables[] = {"analysis", NULL};

static const struct store_projection proj_analysis = {
        .name = "security protection analyses",
        .kind_prefix = "analysis.",
        .tables = analysis_tables,
        .apply = apply_analysis,
};

void model_register_analysis(void)
{
	store_register_projection(&proj_analysis);
	analysis_register_plans();
}

/* ---- queries ---- */

#define HEAD_COLS                                                                                  \
	"a.id, a.series_id, a.version, a.revised_from, a.state, a.title, a.created_at, "           \
	"a.created_by, a.updated_at, a.approved_on, a.approved_by, a.next_review_due, "            \
	"a.exported, (SELECT display_name FROM identity WHERE id = a.approved_by), a.content, "    \
	"a.class, a.submitted_at, (SELECT display_name FROM identity WHERE id = a.submitted_by), " \
	"a.returned_at, (SELECT display_name FROM identity WHERE id = a.returned_by), "            \
	"a.return_reason "
#define HEAD_CLASS 15

bool analysis_cleared(const struct principal *p, const char *cls)
{
	int rank = 0;

	if (!p || !cls || !cls[0])
		return true; /* the model's own reads; an unclassified analysis */
	for (int i = 0; v_classes[i]; i++) {
		if (strcmp(cls, v_classes[i]) == 0)
			rank = i + 1;
	}
	return rank > 0 && (int)p->clearance >= rank;
}

/*
 * A version p is not cleared for: what it is (id, version, state, class)
 * and that its contents are withheld, never its title or content.
 */
static json_t *head_hidden(struct store_q *q)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:b}", "id", (json_int_t)store_q_int(q, 0),
	                 "series_id", (json_int_t)store_q_int(q, 1), "version",
	                 (json_int_t)store_q_int(q, 2), "state", store_q_text(q, 4), "class",
	                 store_q_text(q, HEAD_CLASS), "hidden", true);
}

static json_t *head_of(struct store_q *q, bool with_content)
{
	json_t *o = json_pack(
	        "{s:I, s:I, s:I, s:o, s:s, s:s, s:s, s:I, s:s, s:o, s:o, s:o, s:I, "
	        "s:o}",
	        "id", (json_int_t)store_q_int(q, 0), "series_id", (json_int_t)store_q_int(q, 1),
	        "version", (json_int_t)store_q_int(q, 2), "revised_from", model_q_json_int(q, 3),
	        "state", store_q_text(q, 4), "title", store_q_text(q, 5), "created_at",
	        store_q_text(q, 6), "created_by", (json_int_t)store_q_int(q, 7), "updated_at",
	        store_q_text(q, 8), "approved_on", model_q_json_text(q, 9), "approved_by",
	        model_q_json_int(q, 10), "next_review_due", model_q_json_text(q, 11), "exported",
	        (json_int_t)store_q_int(q, 12), "approved_by_name", model_q_json_text(q, 13));

	if (o) {
		json_object_set_new(o, "class", model_q_json_text(q, HEAD_CLASS));
		json_object_set_new(o, "submitted_at", model_q_json_text(q, 16));
		json_object_set_new(o, "submitted_by_name", model_q_json_text(q, 17));
		json_object_set_new(o, "returned_at", model_q_json_text(q, 18));
		json_object_set_new(o, "returned_by_name", model_q_json_text(q, 19));
		json_object_set_new(o, "return_reason", model_q_json_text(q, 20));
	}
	if (o && with_content) {
		json_t *c = an_load(store_q_text(q, 14));

		json_object_set_new(o, "missing", analysis_missing(c));
		json_object_set_new(o, "content", c ? c : json_null());
	}
	return o;
}

json_t *analysis_list(struct model *m, const struct principal *p)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array();
	struct store_q *q;

	if (!r || !arr ||
	    store_reader_query(r,
	                       "SELECT " HEAD_COLS "FROM analysis a ORDER BY a.series_id, "
	                       "a.version",
	                       &q)) {
		json_decref(arr);
		return NULL;
	}
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, analysis_cleared(p, store_q_text(q, HEAD_CLASS))
		                                   ? head_of(q, false)
		                                   : head_hidden(q));
	store_q_done(q);
	return json_pack("{s:o}", "analyses", arr);
}

json_t *analysis_get(struct model *m, const struct principal *p, int64_t id)
{
	struct store_reader *r = model_reader(m);
	json_t *o = NULL, *versions;
	struct store_q *q;

	if (!r || store_reader_query(r, "SELECT " HEAD_COLS "FROM analysis a WHERE a.id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = analysis_cleared(p, store_q_text(q, HEAD_CLASS)) ? head_of(q, true)
		                                                     : head_hidden(q);
	store_q_done(q);
	if (!o)
		return NULL;
	if (json_is_true(json_object_get(o, "hidden")))
		return json_pack("{s:o}", "analysis", o);
	versions = json_array();
	if (!store_reader_query(r,
	                        "SELECT id, version, state, approved_on FROM analysis WHERE "
	                        "series_id = ?1 ORDER BY version",
	                        &q)) {
		store_q_bind_int(q, 1, json_integer_value(json_object_get(o, "series_id")));
		while (store_q_step(q) == SK_OK)
			json_array_append_new(versions,
			                      json_pack("{s:I, s:I, s:s, s:o}", "id",
			                                (json_int_t)store_q_int(q, 0), "version",
			                                (json_int_t)store_q_int(q, 1), "state",
			                                store_q_text(q, 2), "approved_on",
			                                model_q_json_text(q, 3)));
		store_q_done(q);
	}
	json_object_set_new(o, "versions", versions);
	return json_pack("{s:o}", "analysis", o);
}

/* The items of section whose refs field holds id. */
static json_t *linked(const json_t *c, const char *section, const char *refs, json_int_t id)
{
	json_t *out = json_array(), *x;
	size_t i;

	json_array_foreach(json_object_get(c, section), i, x)
	{
		json_t *v = json_object_get(x, refs);

		if (json_is_array(v) ? refs_have(v, id) : json_integer_value(v) == id)
			json_array_append(out, x);
	}
	return out;
}

int analysis_report(struct model *m, const struct principal *p, int64_t id, json_t **out,
                    struct model_err *err)
{
	json_t *g = analysis_get(m, p, id), *a, *c, *assets, *x, *matrix;
	char today[11];
	size_t i;

	*out = NULL;
	if (!g) {
		an_failr(err, "id", "analysis.not_found", NULL, "no such analysis");
		return SK_ENOTFOUND;
	}
	a = json_object_get(g, "analysis");
	if (json_is_true(json_object_get(a, "hidden"))) {
		json_decref(g);
		model_fail(err, SK_EPERM, NULL, "analysis.need_to_know", NULL,
		           "the analysis is classified above your clearance");
		return SK_EPERM;
	}
	if (strcmp(model_json_str0(a, "state"), "draft") == 0) {
		json_decref(g);
		an_failr(err, "id", "analysis.report_draft", NULL,
		         "a draft has no report: approve it first (2 kap. 10–11 §§)");
		return SK_ERULE;
	}
	c = json_object_get(a, "content");
	assets = json_array();
	matrix = json_array();
	json_array_foreach(json_object_get(c, "assets"), i, x)
	{
		json_int_t aid = json_integer_value(json_object_get(x, "id"));
		json_t *y = json_deep_copy(x), *row = json_object(), *persp;

		json_object_set_new(y, "threats", linked(c, "threats", "asset_ids", aid));
		json_object_set_new(y, "vulnerabilities",
		                    linked(c, "vulnerabilities", "asset_id", aid));
		json_array_append_new(assets, y);
		persp = json_object_get(x, "perspectives");
		json_object_set_new(row, "asset_id", json_integer(aid));
		json_object_set_new(row, "name", json_string(model_json_str0(x, "name")));
		for (const char *const *pp = v_perspectives; *pp; pp++) {
			size_t j;
			json_t *z;
			bool has = false;

			json_array_foreach(persp, j, z) has |=
			        strcmp(json_string_value(z), *pp) == 0;
			json_object_set_new(row, *pp, json_boolean(has));
		}
		json_array_append_new(matrix, row);
	}
	model_today(today);
	json_object_set_new(a, "assets_detail", assets);
	json_object_set_new(a, "matrix", matrix);
	json_object_set_new(a, "generated_at", json_string(today));
	json_object_set_new(a, "regulation", json_string("PMFS 2022:1 2 kap. 1–11 §§"));
	json_object_del(a, "missing");
	*out = json_pack("{s:O}", "report", a);
	json_decref(g);
	return *out ? SK_OK : SK_ENOMEM;
}

json_t *analysis_deadlines(struct model *m, const struct principal *p)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array(), *items;
	char today[11];
	struct store_q *q;

	if (!r || !arr) {
		json_decref(arr);
		return NULL;
	}
	model_today(today);
	if (!store_reader_query(r,
	                        "SELECT id, series_id, version, title, next_review_due, "
	                        "CAST(julianday(next_review_due) - julianday(?1) AS INTEGER), "
	                        "coalesce(class, '') FROM analysis WHERE state = 'approved' "
	                        "ORDER BY next_review_due, id",
	                        &q)) {
		store_q_bind_text(q, 1, today);
		while (store_q_step(q) == SK_OK) {
			char obj[48];

			snprintf(obj, sizeof(obj), "analysis/%lld", (long long)store_q_int(q, 0));
			if (!analysis_cleared(p, store_q_text(q, 6))) {
				json_array_append_new(
				        arr,
				        json_pack("{s:s, s:I, s:s, s:s, s:I, s:b}", "kind",
				                  "analysis.review", "analysis_id",
				                  (json_int_t)store_q_int(q, 0), "object", obj,
				                  "due", store_q_text(q, 4), "days_left",
				                  (json_int_t)store_q_int(q, 5), "hidden", true));
				continue;
			}
			json_array_append_new(
			        arr,
			        json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:s}", "kind",
			                  "analysis.review", "analysis_id",
			                  (json_int_t)store_q_int(q, 0), "series_id",
			                  (json_int_t)store_q_int(q, 1), "version",
			                  (json_int_t)store_q_int(q, 2), "title",
			                  store_q_text(q, 3), "object", obj, "due",
			                  store_q_text(q, 4), "days_left",
			                  (json_int_t)store_q_int(q, 5), "what",
			                  "update the security protection analysis (at least every "
			                  "other year, SäkF 2 kap. 1 §)"));
		}
		store_q_done(q);
	}
	items = secplan_due_items(r, p, today);
	if (items)
		json_array_extend(arr, items);
	json_decref(items);
	return json_pack("{s:s, s:o}", "today", today, "deadlines", arr);
}
