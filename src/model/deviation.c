/*
 * The action plan of deviations (åtgärdsplan, 2 kap. 14 § PMFS 2022:1): each
 * deviation with its source (a finding of the compliance engine, a control,
 * an audit, an incident's lesson), responsible function, due date, status
 * and history (ledger object deviation/ID). The record, its changes and
 * reads are a register definition (reg_deviations.c); what stays here is
 * what is not a register's: creating one (from a finding the compliance
 * engine reports now, which the HTTP layer looks up; from an incident's
 * lesson inside that command) and marking one done by the rule when its
 * finding disappears (deviation_sync: no actor, no route).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"
#include "model/incident.h"
#include "model/register.h"

static const char manage_why[] = "the action plan is kept by the säkerhetsskyddschef or the head";

static bool valid_source(const char *s)
{
	static const char *const v[] = {"finding", "control", "audit", "incident", "other", NULL};

	for (const char *const *x = v; *x; x++) {
		if (strcmp(*x, s) == 0)
			return true;
	}
	return false;
}

/* "type/id": a lower-case word, a slash, a positive integer. */
static bool valid_object(const char *s)
{
	const char *slash = strchr(s, '/');

	if (!slash || slash == s || slash - s > 32 || slash[1] < '1' || slash[1] > '9')
		return false;
	for (const char *p = s; p < slash; p++) {
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			return false;
	}
	for (const char *p = slash + 1; *p; p++) {
		if (*p < '0' || *p > '9' || p - slash > 16)
			return false;
	}
	return true;
}

/* The described fields of a new deviation (title, description, reference, responsible, due_on). */
static int check_fields(struct store_tx *tx, const json_t *body, json_t *data)
{
	const char *title, *desc, *ref, *resp, *due;
	int rc = model_tx_get_text(tx, body, "title", 1, INCIDENT_TITLE_MAX, 0, true, &title);

	if (!rc)
		rc = model_tx_get_text(tx, body, "description", 0, INCIDENT_TEXT_MAX,
		                       MODEL_TEXT_LINES, false, &desc);
	if (!rc)
		rc = model_tx_get_text(tx, body, "reference", 0, INCIDENT_REF_MAX, 0, false, &ref);
	if (!rc)
		rc = model_tx_get_text(tx, body, "responsible", 0, INCIDENT_REF_MAX, 0, false,
		                       &resp);
	if (!rc)
		rc = model_tx_get_text(tx, body, "due_on", 10, 10, 0, false, &due);
	if (rc)
		return rc;
	if (due && !model_date_valid(due))
		return store_tx_failr(tx, SK_EINVAL, "due_on", "field.date", NULL,
		                      "due_on: a date YYYY-MM-DD");
	json_object_set_new(data, "title", json_string(title));
	json_object_set_new(data, "description", json_string(desc ? desc : ""));
	json_object_set_new(data, "reference", json_string(ref ? ref : ""));
	json_object_set_new(data, "responsible", json_string(resp ? resp : ""));
	json_object_set_new(data, "due_on", due ? json_string(due) : json_null());
	return SK_OK;
}

int deviation_tx_create(struct store_tx *tx, const struct principal *p, const json_t *body,
                        int64_t *id)
{
	const char *source, *rule, *object;
	json_t *data, *inc = json_object_get(body, "incident_id");
	int rc = model_tx_need_roles(tx, p, MODEL_ROLES_SSC_CHIEF, manage_why);

	if (rc)
		return rc;
	rc = model_tx_get_text(tx, body, "source", 1, 16, 0, true, &source);
	if (!rc)
		rc = model_tx_get_text(tx, body, "finding", 1, 64, 0, false, &rule);
	if (!rc)
		rc = model_tx_get_text(tx, body, "finding_object", 3, 64, 0, false, &object);
	if (rc)
		return rc;
	if (!valid_source(source))
		return store_tx_failr(
		        tx, SK_EINVAL, "source", "field.enum",
		        json_pack("{s:s}", "values", "finding, control, audit, incident, other"),
		        "source: finding, control, audit, incident or other");
	if (strcmp(source, "finding") == 0) {
		int64_t n = 0;

		if (!rule)
			return store_tx_failr(tx, SK_EINVAL, "finding", "field.required", NULL,
			                      "finding: the rule id of the finding");
		if (!object || !valid_object(object))
			return store_tx_failr(tx, SK_EINVAL, "finding_object", "deviation.object",
			                      NULL,
			                      "finding_object: the finding's object, type/id");
		rc = store_tx_int(tx, &n,
		                  "SELECT count(*) FROM deviation WHERE finding_rule = ?1 AND "
		                  "finding_object = ?2 AND status IN ('open', 'in_progress')",
		                  "tt", rule, object);
		if (rc)
			return rc;
		if (n > 0)
			return store_tx_failr(
			        tx, SK_EEXIST, "finding", "deviation.finding_planned", NULL,
			        "finding: %s on %s is in the action plan already", rule, object);
	} else if (rule || object) {
		return store_tx_failr(tx, SK_EINVAL, rule ? "finding" : "finding_object",
		                      "deviation.finding_only", NULL, "%s: only for source finding",
		                      rule ? "finding" : "finding_object");
	}
	if (inc && !json_is_null(inc)) {
		int64_t n = 0;

		if (!json_is_integer(inc) || json_integer_value(inc) < 1)
			return store_tx_failr(tx, SK_EINVAL, "incident_id", "field.type",
			                      json_pack("{s:s}", "type", "integer"),
			                      "incident_id: an incident's id");
		rc = store_tx_int(tx, &n, "SELECT count(*) FROM incident WHERE id = ?1", "i",
		                  json_integer_value(inc));
		if (rc)
			return rc;
		if (n == 0)
			return store_tx_failr(tx, SK_EINVAL, "incident_id", "record.ref_missing",
			                      NULL, "incident_id: no incident %lld",
			                      (long long)json_integer_value(inc));
	}
	data = json_object();
	if (!data)
		return SK_ENOMEM;
	rc = check_fields(tx, body, data);
	if (!rc)
		rc = store_tx_int(tx, id, "SELECT coalesce(max(id), 0) + 1 FROM deviation", "");
	if (rc) {
		json_decref(data);
		return rc;
	}
	json_object_set_new(data, "id", json_integer(*id));
	json_object_set_new(data, "source", json_string(source));
	json_object_set_new(data, "finding_rule", rule ? json_string(rule) : json_null());
	json_object_set_new(data, "finding_object", object ? json_string(object) : json_null());
	json_object_set_new(data, "incident_id",
	                    inc && json_is_integer(inc) ? json_incref(inc) : json_null());
	return model_tx_log(tx, model_actor_of(p), "deviation.created", "deviation", *id,
	                    model_with_token(data, p));
}

struct create_cmd {
	const struct principal *p;
	const json_t *body;
	int64_t id;
};

static int create_fn(struct store_tx *tx, void *arg)
{
	struct create_cmd *c = arg;

	return deviation_tx_create(tx, c->p, c->body, &c->id);
}

/*
 * For source finding: the finding must exist now (as the caller sees the
 * findings: fnd, looked up by the caller, or NULL); its reference and Swedish
 * message fill reference and title when they are not given. Returns a new
 * body or NULL (err filled).
 */
static json_t *from_finding(const json_t *body, const json_t *fnd, int *rc, struct model_err *err)
{
	const char *rule = model_json_str(body, "finding"),
	           *object = model_json_str(body, "finding_object");
	json_t *b;

	*rc = SK_OK;
	b = json_deep_copy(body);
	if (!b) {
		*rc = SK_ENOMEM;
		return NULL;
	}
	if (!rule || !object || !valid_object(object) ||
	    strcmp(model_json_str0(body, "source"), "finding") != 0)
		return b; /* the writer names what is missing or malformed */
	if (!fnd) {
		json_decref(b);
		*rc = SK_EINVAL;
		if (err)
			model_fail(err, SK_EINVAL, "finding", "deviation.no_finding", NULL,
			           "finding: the compliance engine reports no %.64s on %.64s now",
			           rule, object);
		return NULL;
	}
	if (!json_object_get(b, "title"))
		json_object_set_new(
		        b, "title",
		        json_string(model_json_str0(json_object_get(fnd, "message"), "sv")));
	if (!json_object_get(b, "reference"))
		json_object_set_new(b, "reference", json_string(model_json_str0(fnd, "ref")));
	return b;
}

int deviation_create(struct model *m, const struct principal *p, const json_t *body,
                     const json_t *finding, int64_t *id, struct model_err *err)
{
	struct create_cmd c = {p, NULL, 0};
	json_t *b;
	int rc;

	if (!json_is_object(body))
		return SK_EINVAL;
	b = from_finding(body, finding, &rc, err);
	if (!b)
		return rc;
	c.body = b;
	rc = model_submit(m, create_fn, &c, err);
	json_decref(b);
	if (!rc && id)
		*id = c.id;
	return rc;
}

/* ---- changes: the definition's commands (reg_deviations.c) ---- */

int deviation_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                     struct model_err *err)
{
	json_t *in = json_deep_copy(body);
	int rc = json_is_object(in) ? reg_run(m, p, "deviations", "update", in, &id, err)
	                            : SK_EINVAL;

	json_decref(in);
	return rc;
}

int deviation_set_status(struct model *m, const struct principal *p, int64_t id, const char *status,
                         const char *reason, struct model_err *err)
{
	json_t *in = json_pack("{s:s}", "status", status ? status : "");
	int rc;

	if (in && reason)
		json_object_set_new(in, "reason", json_string(reason));
	rc = in ? reg_run(m, p, "deviations", "status", in, &id, err) : SK_ENOMEM;
	json_decref(in);
	return rc;
}

/* Marks deviation id done by the rule (no actor: the finding disappeared), unless final. */
struct resolve_cmd {
	int64_t id;
	bool skipped; /* done or written off meanwhile: nothing to do any more */
};

static int resolve_fn(struct store_tx *tx, void *arg)
{
	struct resolve_cmd *c = arg;
	struct store_q *q;
	json_t *data = NULL;
	int rc = store_tx_query(tx,
	                        "SELECT finding_rule, finding_object FROM deviation WHERE id = ?1 "
	                        "AND status IN ('open', 'in_progress')",
	                        &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->id);
	if (store_q_step(q) == SK_OK)
		data = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)c->id, "by", "rule",
		                 "finding", store_q_text(q, 0), "finding_object",
		                 store_q_text(q, 1));
	else
		c->skipped = true;
	store_q_done(q);
	if (c->skipped)
		return SK_OK;
	if (!data)
		return SK_ENOMEM;
	return model_tx_log(tx, 0, "deviation.resolved", "deviation", c->id, data);
}

/* ---- the automatic check: findings that disappeared ---- */

bool deviation_sync_due(struct model *m)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	bool due;

	if (!r || store_reader_query(r,
	                             "SELECT 1 FROM deviation WHERE finding_rule IS NOT NULL "
	                             "AND status IN ('open', 'in_progress') LIMIT 1",
	                             &q))
		return true; /* the sync itself will say what is wrong */
	due = store_q_step(q) == SK_OK;
	store_q_done(q);
	return due;
}

int deviation_sync(struct model *m, const json_t *res, unsigned *resolved)
{
	struct store_reader *r = model_reader(m);
	json_t *open = json_array(), *keys = json_object(), *x;
	struct store_q *q;
	unsigned n = 0;
	size_t i;
	int rc = SK_OK;

	if (resolved)
		*resolved = 0;
	if (!r || !open || !keys) {
		rc = SK_ENOMEM;
		goto out;
	}
	rc = store_reader_query(r,
	                        "SELECT id, finding_rule, finding_object FROM deviation WHERE "
	                        "finding_rule IS NOT NULL AND status IN ('open', 'in_progress')",
	                        &q);
	if (rc)
		goto out;
	while (store_q_step(q) == SK_OK)
		json_array_append_new(
		        open, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)store_q_int(q, 0),
		                        "rule", store_q_text(q, 1), "object", store_q_text(q, 2)));
	store_q_done(q);
	if (json_array_size(open) == 0)
		goto out;
	if (!res) {
		rc = SK_EIO;
		goto out;
	}
	/* a rule that failed to run says nothing about its findings: keep its deviations */
	json_array_foreach(json_object_get(res, "errors"), i, x)
	{
		const char *rule =
		        json_is_string(x) ? json_string_value(x) : model_json_str(x, "rule");

		if (rule)
			json_object_set_new(keys, rule, json_true());
	}
	json_array_foreach(json_object_get(res, "findings"), i, x)
	{
		json_t *obj = json_object_get(x, "object");
		char key[200];

		snprintf(key, sizeof(key), "%s %s/%lld", model_json_str0(x, "rule"),
		         model_json_str0(obj, "type"), (long long)model_json_int(obj, "id"));
		json_object_set_new(keys, key, json_true());
	}
	json_array_foreach(open, i, x)
	{
		char key[200];
		struct resolve_cmd c = {model_json_int(x, "id"), false};

		snprintf(key, sizeof(key), "%s %s", model_json_str0(x, "rule"),
		         model_json_str0(x, "object"));
		if (json_object_get(keys, key) || json_object_get(keys, model_json_str0(x, "rule")))
			continue;
		rc = model_submit(m, resolve_fn, &c, NULL);
		if (rc)
			goto out;
		n += !c.skipped;
	}
	if (resolved)
		*resolved = n;
out:
	json_decref(keys);
	json_decref(open);
	return rc;
}

/* ---- reads: the definition's (reg_deviations.c) ---- */

json_t *deviation_list(struct model *m, const struct principal *p, const char *status,
                       bool open_only)
{
	json_t *f = json_object(), *arr;

	if (f && status)
		json_object_set_new(f, "status", json_string(status));
	if (f && open_only)
		json_object_set_new(f, "open", json_string("true"));
	arr = f ? reg_list(m, p, reg_find("deviations"), f) : NULL;
	json_decref(f);
	return arr ? json_pack("{s:o}", "deviations", arr) : NULL;
}

json_t *deviation_get(struct model *m, const struct principal *p, int64_t id)
{
	return reg_get_reply(m, p, reg_find("deviations"), id);
}
