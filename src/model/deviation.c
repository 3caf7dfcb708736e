/*
 * The action plan of deviations (åtgärdsplan, 2 kap. 14 § PMFS 2022:1): each
 * deviation with its source (a finding of the compliance engine, a control,
 * an audit, an incident's lesson), responsible function, due date, status
 * and history (ledger object deviation/ID). A deviation made from a finding
 * is marked done by the rule when the finding disappears (deviation_sync).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"
#include "model/incident.h"
#include "model/ledger_view.h"

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

/* The editable fields (title, description, reference, responsible, due_on) into data. */
static int check_edit(struct store_tx *tx, const json_t *body, const json_t *old, json_t *data,
                      int *changed)
{
	const char *title, *desc, *ref, *resp, *due;
	json_t *due_v = json_object_get(body, "due_on");
	int rc = model_tx_get_text(tx, body, "title", 1, INCIDENT_TITLE_MAX, 0, !old, &title);

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
		return store_tx_fail(tx, "due_on", "due_on: a date YYYY-MM-DD");
	*changed = !!title + !!desc + !!ref + !!resp + (due_v != NULL);
	json_object_set_new(data, "title",
	                    json_string(title ? title : model_json_str0(old, "title")));
	json_object_set_new(data, "description",
	                    json_string(desc ? desc : model_json_str0(old, "description")));
	json_object_set_new(data, "reference",
	                    json_string(ref ? ref : model_json_str0(old, "reference")));
	json_object_set_new(data, "responsible",
	                    json_string(resp ? resp : model_json_str0(old, "responsible")));
	if (due_v)
		json_object_set_new(data, "due_on", due ? json_string(due) : json_null());
	else
		json_object_set_new(data, "due_on",
		                    model_json_str(old, "due_on")
		                            ? json_string(model_json_str(old, "due_on"))
		                            : json_null());
	return SK_OK;
}

int deviation_tx_create(struct store_tx *tx, const struct principal *p, const json_t *body,
                        int64_t *id)
{
	const char *source, *rule, *object;
	json_t *data, *inc = json_object_get(body, "incident_id");
	int changed, rc = model_tx_need_roles(tx, p, MODEL_ROLES_SSC_CHIEF, manage_why);

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
		return store_tx_fail(tx, "source",
		                     "source: finding, control, audit, incident or other");
	if (strcmp(source, "finding") == 0) {
		int64_t n = 0;

		if (!rule)
			return store_tx_fail(tx, "finding", "finding: the rule id of the finding");
		if (!object || !valid_object(object))
			return store_tx_fail(tx, "finding_object",
			                     "finding_object: the finding's object, type/id");
		rc = store_tx_int(tx, &n,
		                  "SELECT count(*) FROM deviation WHERE finding_rule = ?1 AND "
		                  "finding_object = ?2 AND status IN ('open', 'in_progress')",
		                  "tt", rule, object);
		if (rc)
			return rc;
		if (n > 0)
			return store_tx_fail(tx, "finding",
			                     "finding: %s on %s is in the action plan already",
			                     rule, object),
			       SK_EEXIST;
	} else if (rule || object) {
		return store_tx_fail(tx, rule ? "finding" : "finding_object",
		                     "%s: only for source finding",
		                     rule ? "finding" : "finding_object");
	}
	if (inc && !json_is_null(inc)) {
		int64_t n = 0;

		if (!json_is_integer(inc) || json_integer_value(inc) < 1)
			return store_tx_fail(tx, "incident_id", "incident_id: an incident's id");
		rc = store_tx_int(tx, &n, "SELECT count(*) FROM incident WHERE id = ?1", "i",
		                  json_integer_value(inc));
		if (rc)
			return rc;
		if (n == 0)
			return store_tx_fail(tx, "incident_id", "incident_id: no incident %lld",
			                     (long long)json_integer_value(inc));
	}
	data = json_object();
	if (!data)
		return SK_ENOMEM;
	rc = check_edit(tx, body, NULL, data, &changed);
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
		if (err) {
			snprintf(err->field, sizeof(err->field), "finding");
			snprintf(err->msg, sizeof(err->msg),
			         "finding: the compliance engine reports no %.64s on %.64s now",
			         rule, object);
		}
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

/* ---- changes ---- */

#define DEVIATION_COLS                                                                             \
	"SELECT id, title, description, source, reference, finding_rule, finding_object, "         \
	"incident_id, responsible, due_on, status, status_reason, resolved_by, status_on, "        \
	"created_at, created_by, updated_at FROM deviation "

static json_t *deviation_row(struct store_q *q)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_integer(store_q_int(q, 0)));
	json_object_set_new(o, "title", json_string(store_q_text(q, 1)));
	json_object_set_new(o, "description", json_string(store_q_text(q, 2)));
	json_object_set_new(o, "source", json_string(store_q_text(q, 3)));
	json_object_set_new(o, "reference", json_string(store_q_text(q, 4)));
	json_object_set_new(o, "finding", model_q_json_text(q, 5));
	json_object_set_new(o, "finding_object", model_q_json_text(q, 6));
	json_object_set_new(o, "incident_id",
	                    store_q_is_null(q, 7) ? json_null() : json_integer(store_q_int(q, 7)));
	json_object_set_new(o, "responsible", json_string(store_q_text(q, 8)));
	json_object_set_new(o, "due_on", model_q_json_text(q, 9));
	json_object_set_new(o, "status", json_string(store_q_text(q, 10)));
	json_object_set_new(o, "status_reason", model_q_json_text(q, 11));
	json_object_set_new(o, "resolved_by", model_q_json_text(q, 12));
	json_object_set_new(o, "status_on", model_q_json_text(q, 13));
	json_object_set_new(o, "created_at", json_string(store_q_text(q, 14)));
	json_object_set_new(o, "created_by", json_integer(store_q_int(q, 15)));
	json_object_set_new(o, "updated_at", json_string(store_q_text(q, 16)));
	return o;
}

static json_t *tx_deviation(struct store_tx *tx, int64_t id)
{
	struct store_q *q;
	json_t *o = NULL;

	if (store_tx_query(tx, DEVIATION_COLS "WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = deviation_row(q);
	store_q_done(q);
	return o;
}

static bool final(const json_t *d)
{
	const char *s = model_json_str0(d, "status");

	return strcmp(s, "done") == 0 || strcmp(s, "written_off") == 0;
}

struct change_cmd {
	const struct principal *p;
	int64_t id;
	const json_t *body; /* update */
	const char *status; /* status */
	const char *reason; /* written_off */
	const char *rule;   /* resolved by the rule: the finding that disappeared */
	bool skipped;       /* resolve: nothing to do any more */
};

static int change_fn(struct store_tx *tx, void *arg)
{
	struct change_cmd *c = arg;
	const char *kind;
	json_t *old, *data;
	int rc = c->rule ? SK_OK : model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, manage_why),
	    changed = 0;

	if (rc)
		return rc;
	old = tx_deviation(tx, c->id);
	if (!old)
		return store_tx_fail(tx, "id", "no deviation %lld", (long long)c->id), SK_ENOTFOUND;
	if (final(old)) {
		if (c->rule) {
			c->skipped = true;
			json_decref(old);
			return SK_OK;
		}
		rc = store_tx_fail(tx, "id", "deviation %lld is %s: it no longer changes",
		                   (long long)c->id, model_json_str0(old, "status"));
		json_decref(old);
		return SK_ERULE;
	}
	data = json_pack("{s:I}", "id", (json_int_t)c->id);
	if (!data) {
		json_decref(old);
		return SK_ENOMEM;
	}
	if (c->rule) {
		json_object_set_new(data, "by", json_string("rule"));
		json_object_set_new(data, "finding", json_string(model_json_str0(old, "finding")));
		json_object_set_new(data, "finding_object",
		                    json_string(model_json_str0(old, "finding_object")));
		kind = "deviation.resolved";
	} else if (c->body) {
		rc = check_edit(tx, c->body, old, data, &changed);
		if (!rc && changed == 0)
			rc = store_tx_fail(tx, NULL, "nothing to change: give at least one field");
		kind = "deviation.updated";
	} else {
		const char *s = c->status ? c->status : "";

		if (strcmp(s, "open") != 0 && strcmp(s, "in_progress") != 0 &&
		    strcmp(s, "done") != 0 && strcmp(s, "written_off") != 0)
			rc = store_tx_fail(tx, "status",
			                   "status: open, in_progress, done or written_off");
		else if (strcmp(s, "written_off") == 0 &&
		         (!c->reason || !c->reason[0] || strlen(c->reason) > INCIDENT_TEXT_MAX ||
		          !model_text_ok(c->reason, MODEL_TEXT_LINES)))
			rc = store_tx_fail(tx, "reason",
			                   "reason: why it is written off (1..%d bytes)",
			                   INCIDENT_TEXT_MAX);
		else if (strcmp(s, "written_off") != 0 && c->reason)
			rc = store_tx_fail(tx, "reason", "reason: only when written off");
		else if (strcmp(s, model_json_str0(old, "status")) == 0)
			rc = (store_tx_fail(tx, "status", "status: it is %s already", s), SK_ERULE);
		json_object_set_new(data, "status", json_string(s));
		if (c->reason)
			json_object_set_new(data, "reason", json_string(c->reason));
		kind = "deviation.status";
	}
	json_decref(old);
	if (rc) {
		json_decref(data);
		return rc;
	}
	return model_tx_log(tx, c->rule ? 0 : model_actor_of(c->p), kind, "deviation", c->id,
	                    c->rule ? data : model_with_token(data, c->p));
}

int deviation_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                     struct model_err *err)
{
	struct change_cmd c = {p, id, body, NULL, NULL, NULL, false};

	if (!json_is_object(body))
		return SK_EINVAL;
	return model_submit(m, change_fn, &c, err);
}

int deviation_set_status(struct model *m, const struct principal *p, int64_t id, const char *status,
                         const char *reason, struct model_err *err)
{
	struct change_cmd c = {p, id, NULL, status ? status : "", reason, NULL, false};

	return model_submit(m, change_fn, &c, err);
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
		struct change_cmd c = {NULL, model_json_int(x, "id"),    NULL, NULL,
		                       NULL, model_json_str0(x, "rule"), false};

		snprintf(key, sizeof(key), "%s %s", model_json_str0(x, "rule"),
		         model_json_str0(x, "object"));
		if (json_object_get(keys, key) || json_object_get(keys, model_json_str0(x, "rule")))
			continue;
		rc = model_submit(m, change_fn, &c, NULL);
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

/* ---- the projection ---- */

static int apply_deviation(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	int64_t id = model_json_int(d, "id");
	char t[SK_TIME_LEN + 1], day[11];
	int rc;

	model_time(e->time_us, t);
	snprintf(day, sizeof(day), "%.10s", t);
	if (strcmp(e->kind, "deviation.created") == 0) {
		struct store_q *q;

		rc = store_tx_query(
		        tx,
		        "INSERT INTO deviation (id, title, description, source, reference, "
		        "finding_rule, finding_object, incident_id, responsible, due_on, status, "
		        "created_at, created_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		        "?8, "
		        "?9, ?10, 'open', ?11, ?12, ?11)",
		        &q);
		if (rc)
			return rc;
		store_q_bind_int(q, 1, id);
		store_q_bind_text(q, 2, model_json_str0(d, "title"));
		store_q_bind_text(q, 3, model_json_str0(d, "description"));
		store_q_bind_text(q, 4, model_json_str0(d, "source"));
		store_q_bind_text(q, 5, model_json_str0(d, "reference"));
		store_q_bind_text(q, 6, model_json_str(d, "finding_rule"));
		store_q_bind_text(q, 7, model_json_str(d, "finding_object"));
		if (json_is_integer(json_object_get(d, "incident_id")))
			store_q_bind_int(q, 8, model_json_int(d, "incident_id"));
		else
			store_q_bind_null(q, 8);
		store_q_bind_text(q, 9, model_json_str0(d, "responsible"));
		store_q_bind_text(q, 10, model_json_str(d, "due_on"));
		store_q_bind_text(q, 11, t);
		store_q_bind_int(q, 12, e->actor);
		rc = store_q_step(q);
		store_q_done(q);
		return rc == SK_ENOTFOUND ? SK_OK : rc;
	}
	if (strcmp(e->kind, "deviation.updated") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE deviation SET title = ?2, description = ?3, reference = "
		        "?4, responsible = ?5, due_on = ?6, updated_at = ?7 WHERE id = ?1",
		        "itttttt", id, model_json_str0(d, "title"),
		        model_json_str0(d, "description"), model_json_str0(d, "reference"),
		        model_json_str0(d, "responsible"), model_json_str(d, "due_on"), t);
	if (strcmp(e->kind, "deviation.status") == 0) {
		const char *s = model_json_str0(d, "status");
		bool fin = strcmp(s, "done") == 0 || strcmp(s, "written_off") == 0;

		return store_tx_run(
		        tx,
		        "UPDATE deviation SET status = ?2, status_reason = ?3, "
		        "resolved_by = ?4, status_on = ?5, updated_at = ?6 WHERE id = ?1",
		        "itttt"
		        "t",
		        id, s, model_json_str(d, "reason"), fin ? "user" : NULL, fin ? day : NULL,
		        t);
	}
	if (strcmp(e->kind, "deviation.resolved") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE deviation SET status = 'done', status_reason = NULL, "
		        "resolved_by = 'rule', status_on = ?2, updated_at = ?3 WHERE id = "
		        "?1",
		        "itt", id, day, t);
	return SK_OK;
}

static const char *const deviation_tables[] = {"deviation", NULL};

const struct store_projection incident_proj_deviation = {
        .name = "action plan of deviations",
        .kind_prefix = "deviation.",
        .tables = deviation_tables,
        .apply = apply_deviation,
};

/* ---- queries ---- */

/*
 * Need-to-know: a deviation from a finding on something p may not see keeps
 * its status, dates and responsible, not its text (the finding's message
 * names the document). One statement for the whole list.
 */
static int hide_unseen(struct store_reader *r, const struct principal *p, json_t *rows)
{
	size_t n = json_array_size(rows), i;
	json_t *refs = json_array(), *o;
	bool *visible = calloc(n ? n : 1, sizeof(*visible));
	int rc = refs && visible ? SK_OK : SK_ENOMEM;

	json_array_foreach(rows, i, o)
	{
		json_array_append(refs, json_object_get(o, "finding_object"));
	}
	if (!rc)
		ledger_view_refs_visible(r, p, refs, visible); /* fails closed */
	json_array_foreach(rows, i, o)
	{
		if (!rc && visible[i])
			continue;
		json_object_del(o, "title");
		json_object_del(o, "description");
		json_object_del(o, "reference");
		json_object_set_new(o, "hidden", json_true());
	}
	json_decref(refs);
	free(visible);
	return rc;
}

json_t *deviation_list(struct model *m, const struct principal *p, const char *status,
                       bool open_only)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array(), *o;
	struct store_q *q;

	if (!r || !arr ||
	    store_reader_query(r,
	                       DEVIATION_COLS "WHERE (?1 IS NULL OR status = ?1) AND (?2 = 0 OR "
	                                      "status IN ('open', 'in_progress')) ORDER BY id",
	                       &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_text(q, 1, status);
	store_q_bind_int(q, 2, open_only);
	while (store_q_step(q) == SK_OK) {
		o = deviation_row(q);
		if (o)
			json_array_append_new(arr, o);
	}
	store_q_done(q);
	hide_unseen(r, p, arr);
	return json_pack("{s:o}", "deviations", arr);
}

static int hist_one(void *ctx, const struct store_entry_row *row)
{
	json_t *out = ctx, *e = json_loadb(row->bytes, row->len, 0, NULL);

	if (!e)
		return SK_ECORRUPT;
	json_array_append_new(out,
	                      json_pack("{s:I, s:s, s:I, s:s, s:O}", "seq", (json_int_t)row->seq,
	                                "time", row->time, "actor", (json_int_t)row->actor, "kind",
	                                row->kind, "data", json_object_get(e, "data")));
	json_decref(e);
	return SK_OK;
}

json_t *deviation_get(struct model *m, const struct principal *p, int64_t id)
{
	struct store_reader *r = model_reader(m);
	struct store_log_filter f = {0};
	json_t *o = NULL, *hist, *one, *x;
	bool hidden;
	size_t i;
	struct store_q *q;
	char object[48];

	if (!r || store_reader_query(r, DEVIATION_COLS "WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = deviation_row(q);
	store_q_done(q);
	if (!o)
		return NULL;
	one = json_pack("[O]", o);
	if (!one) {
		json_decref(o);
		return NULL;
	}
	hide_unseen(r, p, one);
	json_decref(one);
	hidden = json_is_true(json_object_get(o, "hidden"));
	hist = json_array();
	snprintf(object, sizeof(object), "deviation/%lld", (long long)id);
	f.actor = -1;
	f.object = object;
	f.kind = "deviation.";
	f.limit = 100000;
	if (hist && store_reader_log(r, &f, hist_one, hist) != SK_OK) {
		json_decref(hist);
		hist = json_array();
	}
	json_array_foreach(hidden ? hist : NULL, i, x)
	{
		json_object_del(x, "data"); /* deviation.created and .updated carry the text */
		json_object_set_new(x, "redacted", json_true());
	}
	return json_pack("{s:o, s:o}", "deviation", o, "history", hist ? hist : json_array());
}
