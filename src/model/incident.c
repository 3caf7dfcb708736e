/*
 * The workflow of security-threatening events (2 kap. 15–19 §§ PMFS 2022:1)
 * that is not the incident record's own, and so not in its definition
 * (reg_incidents.c): the damage assessment (19 §: one route, start or
 * finish, two kinds of entry), the measures taken (16 §: a numbered
 * sub-list, table incident_measure) and lessons (17 §: a deviation of the
 * action plan). reg_incidents.c applies their entries. The functions of
 * incident.h that the definition serves are thin calls of the engine, kept
 * for the callers in C (the unit tests, the lesson route).
 */
#include <stdio.h>
#include <string.h>

#include "model/access_int.h"
#include "model/incident.h"
#include "model/reg_int.h"
#include "model/register.h"

/* ssc or chief (2 kap. 20 §: the head takes the ssc's decisions when there is none). */
static const char handle_why[] = "incidents are handled by the säkerhetsskyddschef or the head";

/* A date member (YYYY-MM-DD, not after today). */
static int get_date(struct store_tx *tx, const json_t *body, const char *key, bool required,
                    const char **out)
{
	char today[11];
	int rc = model_tx_get_text(tx, body, key, 10, 10, 0, required, out);

	if (rc || !*out)
		return rc;
	model_today(today);
	if (!model_date_valid(*out))
		return store_tx_failr(tx, SK_EINVAL, key, "field.date", NULL,
		                      "%s: a date YYYY-MM-DD", key);
	if (strcmp(*out, today) > 0)
		return store_tx_failr(tx, SK_EINVAL, key, "field.future",
		                      json_pack("{s:s}", "date", *out), "%s: %s is in the future",
		                      key, *out);
	return SK_OK;
}

/* What the workflow needs of incident id; SK_ENOTFOUND (failing "id") when missing. */
struct inc {
	char occurred_on[11], started_on[11];
	bool finished;
};

static int tx_incident(struct store_tx *tx, int64_t id, struct inc *out)
{
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store_tx_query(tx,
	                    "SELECT occurred_on, assessment_started_on, assessment_finished_on "
	                    "FROM incident WHERE id = ?1",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		snprintf(out->occurred_on, sizeof(out->occurred_on), "%s", store_q_text(q, 0));
		if (!store_q_is_null(q, 1))
			snprintf(out->started_on, sizeof(out->started_on), "%s",
			         store_q_text(q, 1));
		out->finished = !store_q_is_null(q, 2);
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "record.not_found",
		                      json_pack("{s:s}", "register", "incidents"),
		                      "no incident %lld", (long long)id);
	return rc;
}

/* ---- the damage assessment (19 §) and measures (16 §) ---- */

struct act_cmd {
	const struct principal *p;
	int64_t id;
	const json_t *body;
	bool measure;
};

static int act_assess(struct store_tx *tx, struct act_cmd *c, struct inc *in, json_t *data,
                      const char **kind)
{
	const char *action, *date, *content;
	int rc = model_tx_get_text(tx, c->body, "action", 5, 6, 0, true, &action);

	if (!rc)
		rc = get_date(tx, c->body, "date", true, &date);
	if (!rc)
		rc = model_tx_get_text(tx, c->body, "content", 1, INCIDENT_TEXT_MAX,
		                       MODEL_TEXT_LINES, false, &content);
	if (rc)
		return rc;
	if (strcmp(action, "start") == 0) {
		if (in->started_on[0])
			return store_tx_failr(tx, SK_ERULE, "action", "incident.assessment_started",
			                      json_pack("{s:s}", "date", in->started_on),
			                      "action: the damage assessment started on %s already",
			                      in->started_on);
		if (strcmp(date, in->occurred_on) < 0)
			return store_tx_failr(tx, SK_EINVAL, "date", "incident.before_occurred",
			                      json_pack("{s:s}", "date", in->occurred_on),
			                      "date: before the event occurred (%s)",
			                      in->occurred_on);
		if (content)
			return store_tx_failr(tx, SK_EINVAL, "content",
			                      "incident.content_at_finish", NULL,
			                      "content: given when the assessment is finished");
		*kind = "incident.assessment.started";
	} else if (strcmp(action, "finish") == 0) {
		if (!in->started_on[0])
			return store_tx_failr(tx, SK_ERULE, "action",
			                      "incident.assessment_not_started", NULL,
			                      "action: start the damage assessment first");
		if (in->finished)
			return store_tx_failr(tx, SK_ERULE, "action",
			                      "incident.assessment_finished", NULL,
			                      "action: the assessment is finished already");
		if (strcmp(date, in->started_on) < 0)
			return store_tx_failr(
			        tx, SK_EINVAL, "date", "incident.before_assessment_started",
			        json_pack("{s:s}", "date", in->started_on),
			        "date: before the assessment started (%s)", in->started_on);
		if (!content)
			return store_tx_failr(tx, SK_EINVAL, "content", "field.required", NULL,
			                      "content: the assessment's conclusions");
		json_object_set_new(data, "content", json_string(content));
		*kind = "incident.assessment.finished";
	} else {
		return store_tx_failr(tx, SK_EINVAL, "action", "field.enum",
		                      json_pack("{s:s}", "values", "start, finish"),
		                      "action: start or finish");
	}
	json_object_set_new(data, "date", json_string(date));
	return SK_OK;
}

static int act_measure(struct store_tx *tx, struct act_cmd *c, struct inc *in, json_t *data,
                       const char **kind)
{
	const char *taken, *text;
	int64_t n = 0;
	int rc = get_date(tx, c->body, "taken_on", true, &taken);

	if (!rc)
		rc = model_tx_get_text(tx, c->body, "text", 1, INCIDENT_TEXT_MAX, MODEL_TEXT_LINES,
		                       true, &text);
	if (!rc)
		rc = store_tx_int(tx, &n,
		                  "SELECT coalesce(max(number), 0) + 1 FROM incident_measure WHERE "
		                  "incident_id = ?1",
		                  "i", c->id);
	if (rc)
		return rc;
	if (strcmp(taken, in->occurred_on) < 0)
		return store_tx_failr(tx, SK_EINVAL, "taken_on", "incident.before_occurred",
		                      json_pack("{s:s}", "date", in->occurred_on),
		                      "taken_on: before the event occurred (%s)", in->occurred_on);
	json_object_set_new(data, "number", json_integer(n));
	json_object_set_new(data, "taken_on", json_string(taken));
	json_object_set_new(data, "text", json_string(text));
	*kind = "incident.measure.recorded";
	return SK_OK;
}

static int act_fn(struct store_tx *tx, void *arg)
{
	struct act_cmd *c = arg;
	const char *kind = NULL;
	struct inc in;
	json_t *data;
	int rc = model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, handle_why);

	if (!rc)
		rc = tx_incident(tx, c->id, &in);
	if (rc)
		return rc;
	data = json_pack("{s:I}", "id", (json_int_t)c->id);
	if (!data)
		return SK_ENOMEM;
	rc = c->measure ? act_measure(tx, c, &in, data, &kind)
	                : act_assess(tx, c, &in, data, &kind);
	if (rc) {
		json_decref(data);
		return rc;
	}
	return model_tx_log(tx, model_actor_of(c->p), kind, "incident", c->id,
	                    model_with_token(data, c->p));
}

static int act(struct model *m, const struct principal *p, int64_t id, const json_t *body,
               bool measure, struct model_err *err)
{
	struct act_cmd c = {p, id, body, measure};

	if (!json_is_object(body))
		return SK_EINVAL;
	return model_submit(m, act_fn, &c, err);
}

int incident_assessment(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                        struct model_err *err)
{
	return act(m, p, id, body, false, err);
}

int incident_measure_add(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                         struct model_err *err)
{
	return act(m, p, id, body, true, err);
}

/* ---- lessons (17 §): a deviation of the action plan ---- */

struct lesson_cmd {
	const struct principal *p;
	int64_t id;
	const json_t *body;
	int64_t deviation_id;
};

static int lesson_fn(struct store_tx *tx, void *arg)
{
	struct lesson_cmd *c = arg;
	char ref[64];
	struct inc in;
	json_t *b;
	int rc = model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, handle_why);

	if (!rc)
		rc = tx_incident(tx, c->id, &in);
	if (rc)
		return rc;
	b = json_deep_copy(c->body);
	if (!b)
		return SK_ENOMEM;
	snprintf(ref, sizeof(ref), "incident/%lld", (long long)c->id);
	json_object_set_new(b, "source", json_string("incident"));
	json_object_set_new(b, "incident_id", json_integer(c->id));
	if (!json_object_get(b, "reference"))
		json_object_set_new(b, "reference", json_string(ref));
	rc = deviation_tx_create(tx, c->p, b, &c->deviation_id);
	json_decref(b);
	return rc;
}

int incident_lesson(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                    int64_t *deviation_id, struct model_err *err)
{
	struct lesson_cmd c = {p, id, body, 0};
	int rc;

	if (!json_is_object(body))
		return SK_EINVAL;
	rc = model_submit(m, lesson_fn, &c, err);
	if (!rc && deviation_id)
		*deviation_id = c.deviation_id;
	return rc;
}

/* ---- the record: the definition's commands ---- */

static int run(struct model *m, const struct principal *p, const char *cmd, int64_t *id,
               const json_t *body, struct model_err *err)
{
	json_t *in = json_deep_copy(body);
	int rc;

	if (!json_is_object(in)) {
		json_decref(in);
		return SK_EINVAL;
	}
	rc = reg_run(m, p, "incidents", cmd, in, id, err);
	json_decref(in);
	return rc;
}

int incident_create(struct model *m, const struct principal *p, const json_t *body, int64_t *id,
                    struct model_err *err)
{
	return run(m, p, "new", id, body, err);
}

int incident_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                    struct model_err *err)
{
	return run(m, p, "update", &id, body, err);
}

int incident_report(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                    struct model_err *err)
{
	return run(m, p, "report", &id, body, err);
}

int incident_investigate(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                         struct model_err *err)
{
	return run(m, p, "investigate", &id, body, err);
}

int incident_close(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                   struct model_err *err)
{
	return run(m, p, "close", &id, body, err);
}

json_t *incident_list(struct model *m, const struct principal *p, const char *state)
{
	json_t *f = state ? json_pack("{s:s}", "state", state) : NULL;
	json_t *arr = reg_list(m, p, reg_find("incidents"), f);

	json_decref(f);
	return arr ? json_pack("{s:o}", "incidents", arr) : NULL;
}

json_t *incident_get(struct model *m, const struct principal *p, int64_t id)
{
	return reg_get_reply(m, p, reg_find("incidents"), id);
}

/* ---- history ---- */

struct hist {
	json_t *out;
	bool redact;
};

static int hist_one(void *ctx, const struct store_entry_row *row)
{
	struct hist *h = ctx;
	json_t *e = json_loadb(row->bytes, row->len, 0, NULL), *o;

	if (!e)
		return SK_ECORRUPT;
	o = json_pack("{s:I, s:s, s:I, s:s}", "seq", (json_int_t)row->seq, "time", row->time,
	              "actor", (json_int_t)row->actor, "kind", row->kind);
	if (o && h->redact)
		json_object_set_new(o, "redacted", json_true());
	else if (o)
		json_object_set(o, "data", json_object_get(e, "data"));
	json_array_append_new(h->out, o);
	json_decref(e);
	return SK_OK;
}

json_t *incident_history(struct model *m, const char *type, int64_t id, bool redact)
{
	struct store_reader *r = model_reader(m);
	struct store_log_filter f = {0};
	struct hist h = {json_array(), redact};
	char object[48], kind[32];

	snprintf(object, sizeof(object), "%s/%lld", type, (long long)id);
	snprintf(kind, sizeof(kind), "%s.", type);
	f.actor = -1;
	f.object = object;
	f.kind = kind;
	f.limit = 100000;
	if (!h.out || !r || store_reader_log(r, &f, hist_one, &h) != SK_OK) {
		json_decref(h.out);
		return json_array();
	}
	return h.out;
}
