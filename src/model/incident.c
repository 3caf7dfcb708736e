/*
 * Security-threatening events (2 kap. 15–19 §§ PMFS 2022:1): reported by
 * anyone, handled by the ssc or the head — the report to Säkerhetspolisen,
 * the damage assessment, measures, investigation and evaluation, closing,
 * lessons that become deviations. Tables: sql/0007_incidents.sql, projections
 * of incident.* entries (object incident/ID); deviation.c has the action plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"
#include "model/document.h"
#include "model/incident.h"

static const char *const link_types[] = {"document", "copy", "medium", "system"};
static const char *const link_fields[] = {"document_ids", "copy_ids", "medium_ids", "system_ids"};
#define NLINK 4

/* ssc or chief (2 kap. 20 §: the head takes the ssc's decisions when there is none). */
static const char handle_why[] = "incidents are handled by the säkerhetsskyddschef or the head";

/* ---- small helpers ---- */

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
		return store_tx_fail(tx, key, "%s: a date YYYY-MM-DD", key);
	if (strcmp(*out, today) > 0)
		return store_tx_fail(tx, key, "%s: %s is in the future", key, *out);
	return SK_OK;
}

/* ---- the incident as the writer sees it ---- */

struct inc {
	int64_t id, reported_by;
	bool reportable, answered, closed, assessment_started, assessment_finished;
	char occurred_on[11], detected_on[11], report_date[11], assessment_started_on[11];
	json_t *row; /* the whole row as JSON (for updates) */
};

#define INCIDENT_COLS                                                                              \
	"SELECT id, title, description, occurred_on, detected_on, detected_by, "                   \
	"detected_person_id, reported_by, lost_case_id, reportable, report_date, report_ref, "     \
	"assessment_started_on, assessment_finished_on, assessment, investigation, evaluation, "   \
	"investigated_on, state, closed_on, closed_by, created_at, updated_at FROM incident "

static json_t *incident_row(struct store_q *q)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_integer(store_q_int(q, 0)));
	json_object_set_new(o, "title", json_string(store_q_text(q, 1)));
	json_object_set_new(o, "description", json_string(store_q_text(q, 2)));
	json_object_set_new(o, "occurred_on", json_string(store_q_text(q, 3)));
	json_object_set_new(o, "detected_on", json_string(store_q_text(q, 4)));
	json_object_set_new(o, "detected_by", json_string(store_q_text(q, 5)));
	json_object_set_new(o, "detected_person_id", model_q_json_int(q, 6));
	json_object_set_new(o, "reported_by", json_integer(store_q_int(q, 7)));
	json_object_set_new(o, "lost_case_id", model_q_json_int(q, 8));
	/* 2 kap. 18 §: null until someone answers whether it is reportable */
	json_object_set_new(o, "reportable",
	                    store_q_is_null(q, 9) ? json_null() : json_boolean(store_q_int(q, 9)));
	json_object_set_new(o, "report_date", model_q_json_text(q, 10));
	json_object_set_new(o, "report_ref", model_q_json_text(q, 11));
	json_object_set_new(o, "assessment_started_on", model_q_json_text(q, 12));
	json_object_set_new(o, "assessment_finished_on", model_q_json_text(q, 13));
	json_object_set_new(o, "assessment", model_q_json_text(q, 14));
	json_object_set_new(o, "investigation", model_q_json_text(q, 15));
	json_object_set_new(o, "evaluation", model_q_json_text(q, 16));
	json_object_set_new(o, "investigated_on", model_q_json_text(q, 17));
	json_object_set_new(o, "state", json_string(store_q_text(q, 18)));
	json_object_set_new(o, "closed_on", model_q_json_text(q, 19));
	json_object_set_new(o, "closed_by", model_q_json_int(q, 20));
	json_object_set_new(o, "created_at", json_string(store_q_text(q, 21)));
	json_object_set_new(o, "updated_at", json_string(store_q_text(q, 22)));
	return o;
}

static void inc_release(struct inc *c)
{
	json_decref(c->row);
	c->row = NULL;
}

/* Reads incident id for the writer; SK_ENOTFOUND (failing "id") when missing. */
static int tx_incident(struct store_tx *tx, int64_t id, struct inc *out)
{
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store_tx_query(tx, INCIDENT_COLS "WHERE id = ?1", &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (rc == SK_OK)
		out->row = incident_row(q);
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_fail(tx, "id", "no incident %lld", (long long)id), SK_ENOTFOUND;
	if (rc)
		return rc;
	if (!out->row)
		return SK_ENOMEM;
	out->id = id;
	out->reported_by = model_json_int(out->row, "reported_by");
	out->reportable = json_is_true(json_object_get(out->row, "reportable"));
	out->answered = json_is_boolean(json_object_get(out->row, "reportable"));
	out->closed = strcmp(model_json_str0(out->row, "state"), "closed") == 0;
	snprintf(out->occurred_on, sizeof(out->occurred_on), "%s",
	         model_json_str0(out->row, "occurred_on"));
	snprintf(out->detected_on, sizeof(out->detected_on), "%s",
	         model_json_str0(out->row, "detected_on"));
	snprintf(out->report_date, sizeof(out->report_date), "%s",
	         model_json_str0(out->row, "report_date"));
	snprintf(out->assessment_started_on, sizeof(out->assessment_started_on), "%s",
	         model_json_str0(out->row, "assessment_started_on"));
	out->assessment_started = out->assessment_started_on[0] != '\0';
	out->assessment_finished = model_json_str(out->row, "assessment_finished_on") != NULL;
	return SK_OK;
}

/* ---- links: what an incident affects ---- */

static int link_exists(struct store_tx *tx, const struct principal *p, int type, int64_t id)
{
	static const char *const sql[] = {NULL, "SELECT document_id FROM copy WHERE id = ?1",
	                                  "SELECT count(*) FROM medium WHERE id = ?1",
	                                  "SELECT count(*) FROM info_system WHERE id = ?1"};
	int64_t n = 0;
	int rc;

	if (type == 0)
		return p ? document_tx_visible(tx, p, id) : true;
	rc = store_tx_int(tx, &n, sql[type], "i", id);
	if (rc == SK_ENOTFOUND)
		return false;
	if (rc)
		return -rc;
	if (type == 1) /* a copy: its document must be visible to the reporter */
		return p ? document_tx_visible(tx, p, n) : true;
	return n > 0;
}

/*
 * Checks the *_ids arrays of body (absent: old's links, or none) and puts
 * {"document": [...], ...} into data under "links".
 */
static int check_links(struct store_tx *tx, const struct principal *p, const json_t *body,
                       const json_t *old_links, json_t *data)
{
	json_t *links = json_object();

	if (!links)
		return SK_ENOMEM;
	for (int t = 0; t < NLINK; t++) {
		json_t *v = json_object_get(body, link_fields[t]), *arr, *x;
		size_t i, j;

		if (!v || json_is_null(v)) {
			arr = old_links ? json_deep_copy(json_object_get(old_links, link_types[t]))
			                : NULL;
			json_object_set_new(links, link_types[t], arr ? arr : json_array());
			continue;
		}
		if (!json_is_array(v) || json_array_size(v) > INCIDENT_LINKS_MAX) {
			json_decref(links);
			return store_tx_fail(tx, link_fields[t], "%s: a list of at most %d ids",
			                     link_fields[t], INCIDENT_LINKS_MAX);
		}
		json_array_foreach(v, i, x)
		{
			int ok;

			if (!json_is_integer(x) || json_integer_value(x) < 1) {
				json_decref(links);
				return store_tx_fail(tx, link_fields[t], "%s: positive ids",
				                     link_fields[t]);
			}
			for (j = 0; j < i; j++) {
				if (json_equal(json_array_get(v, j), x)) {
					json_decref(links);
					return store_tx_fail(
					        tx, link_fields[t], "%s: %lld is listed twice",
					        link_fields[t], (long long)json_integer_value(x));
				}
			}
			ok = link_exists(tx, p, t, json_integer_value(x));
			if (ok < 0) {
				json_decref(links);
				return -ok;
			}
			if (!ok) {
				json_decref(links);
				return store_tx_fail(tx, link_fields[t], "%s: no %s %lld",
				                     link_fields[t], link_types[t],
				                     (long long)json_integer_value(x));
			}
		}
		json_object_set_new(links, link_types[t], json_deep_copy(v));
	}
	json_object_set_new(data, "links", links);
	return SK_OK;
}

/* Adds id to links[type] unless there. */
static void link_add(json_t *links, const char *type, int64_t id)
{
	json_t *arr = json_object_get(links, type), *x;
	size_t i;

	json_array_foreach(arr, i, x)
	{
		if (json_integer_value(x) == id)
			return;
	}
	json_array_append_new(arr, json_integer(id));
}

/* The incident's links as the writer stores them. */
static json_t *tx_links(struct store_tx *tx, int64_t id)
{
	json_t *links = json_object();
	struct store_q *q;

	if (!links)
		return NULL;
	for (int t = 0; t < NLINK; t++)
		json_object_set_new(links, link_types[t], json_array());
	if (store_tx_query(tx,
	                   "SELECT type, object_id FROM incident_link WHERE incident_id = ?1 "
	                   "ORDER BY type, object_id",
	                   &q)) {
		json_decref(links);
		return NULL;
	}
	store_q_bind_int(q, 1, id);
	while (store_q_step(q) == SK_OK)
		link_add(links, store_q_text(q, 0), store_q_int(q, 1));
	store_q_done(q);
	return links;
}

/* ---- the fields of create and update ---- */

/*
 * Validates the descriptive fields of body over old (NULL: create) and
 * writes the resulting values into data; *changed counts the given ones.
 */
static int check_fields(struct store_tx *tx, const struct principal *p, const json_t *body,
                        const json_t *old, json_t *data, int *changed)
{
	const char *title, *desc, *occ, *det, *by;
	json_t *pid = json_object_get(body, "detected_person_id");
	json_t *rep = json_object_get(body, "reportable");
	char today[11];
	int rc;

	*changed = 0;
	rc = model_tx_get_text(tx, body, "title", 1, INCIDENT_TITLE_MAX, 0, !old, &title);
	if (!rc)
		rc = model_tx_get_text(tx, body, "description", 0, INCIDENT_TEXT_MAX,
		                       MODEL_TEXT_LINES, false, &desc);
	if (!rc)
		rc = get_date(tx, body, "occurred_on", !old, &occ);
	if (!rc)
		rc = get_date(tx, body, "detected_on", false, &det);
	if (!rc)
		rc = model_tx_get_text(tx, body, "detected_by", 0, INCIDENT_TITLE_MAX, 0, false,
		                       &by);
	if (rc)
		return rc;
	*changed += !!title + !!desc + !!occ + !!det + !!by;
	model_today(today);
	if (!old && !det)
		det = today;
	if (!occ)
		occ = model_json_str0(old, "occurred_on");
	if (!det)
		det = model_json_str0(old, "detected_on");
	if (strcmp(occ, det) > 0)
		return store_tx_fail(tx, "detected_on",
		                     "detected_on: %s is before the event occurred (%s)", det, occ);
	if (pid && !json_is_null(pid)) {
		int64_t n = 0;

		if (!json_is_integer(pid) || json_integer_value(pid) < 1)
			return store_tx_fail(tx, "detected_person_id",
			                     "detected_person_id: a person's id");
		rc = store_tx_int(tx, &n, "SELECT count(*) FROM person WHERE id = ?1", "i",
		                  json_integer_value(pid));
		if (rc)
			return rc;
		if (n == 0)
			return store_tx_fail(tx, "detected_person_id",
			                     "detected_person_id: no person %lld",
			                     (long long)json_integer_value(pid)),
			       SK_EINVAL;
		(*changed)++;
	} else if (pid) {
		(*changed)++;
	}
	/*
	 * 2 kap. 18 §: whether the event is reportable is an answer, never a
	 * default. A new incident may leave it open (null: not assessed yet, a
	 * finding from the day after detection); once answered it can be changed
	 * but not taken back.
	 */
	if (rep && !json_is_boolean(rep) && !(json_is_null(rep) && !old))
		return store_tx_fail(tx, "reportable",
		                     old ? "reportable: true or false (an answer is changed, not "
		                           "withdrawn)"
		                         : "reportable: true, false or null (not assessed yet)");
	*changed += !!rep;
	(void)p;
	json_object_set_new(data, "title",
	                    json_string(title ? title : model_json_str0(old, "title")));
	json_object_set_new(data, "description",
	                    json_string(desc ? desc : model_json_str0(old, "description")));
	json_object_set_new(data, "occurred_on", json_string(occ));
	json_object_set_new(data, "detected_on", json_string(det));
	json_object_set_new(data, "detected_by",
	                    json_string(by ? by : model_json_str0(old, "detected_by")));
	if (pid)
		json_object_set(data, "detected_person_id", pid);
	else
		json_object_set_new(data, "detected_person_id",
		                    old ? json_deep_copy(json_object_get(old, "detected_person_id"))
		                        : json_null());
	if (rep)
		json_object_set(data, "reportable", rep);
	else
		json_object_set_new(data, "reportable",
		                    old ? json_deep_copy(json_object_get(old, "reportable"))
		                        : json_null());
	return SK_OK;
}

/* ---- create ---- */

struct create_cmd {
	const struct principal *p;
	const json_t *body;
	int64_t id;
};

static int lost_case_link(struct store_tx *tx, const struct principal *p, int64_t lc, json_t *data)
{
	json_t *links = json_object_get(data, "links");
	struct store_q *q;
	char type[16] = "";
	int64_t item = 0, n = 0, doc = 0;
	int rc;

	if (!(model_tx_caller_roles(tx, p) &
	      (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF) | ROLE_BIT(ROLE_REGISTRAR))))
		return store_tx_fail(tx, "lost_case_id",
		                     "lost_case_id: an incident from a lost case is opened by the "
		                     "ssc, the head or the registrar"),
		       SK_EPERM;
	rc = store_tx_query(tx, "SELECT item_type, item_id FROM lost_case WHERE id = ?1", &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, lc);
	rc = store_q_step(q);
	if (rc == SK_OK) {
		snprintf(type, sizeof(type), "%s", store_q_text(q, 0));
		item = store_q_int(q, 1);
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_fail(tx, "lost_case_id", "lost_case_id: no lost case %lld",
		                     (long long)lc),
		       SK_EINVAL;
	if (rc)
		return rc;
	rc = store_tx_int(tx, &n, "SELECT count(*) FROM incident WHERE lost_case_id = ?1", "i", lc);
	if (rc)
		return rc;
	if (n > 0)
		return store_tx_fail(tx, "lost_case_id",
		                     "lost_case_id: lost case %lld already has its incident",
		                     (long long)lc),
		       SK_EEXIST;
	if (strcmp(type, "copy") == 0) {
		link_add(links, "copy", item);
		if (store_tx_int(tx, &doc, "SELECT document_id FROM copy WHERE id = ?1", "i",
		                 item) == SK_OK &&
		    doc > 0)
			link_add(links, "document", doc);
	} else if (strcmp(type, "medium") == 0) {
		link_add(links, "medium", item);
	}
	json_object_set_new(data, "lost_case_id", json_integer(lc));
	return SK_OK;
}

static int create_fn(struct store_tx *tx, void *arg)
{
	struct create_cmd *c = arg;
	json_t *data = json_object(), *lc = json_object_get(c->body, "lost_case_id");
	int changed, rc;

	if (!data)
		return SK_ENOMEM;
	if (c->p && c->p->id == 0) {
		json_decref(data);
		return store_tx_fail(tx, NULL, "log in to report an incident"), SK_EPERM;
	}
	rc = check_fields(tx, c->p, c->body, NULL, data, &changed);
	if (!rc)
		rc = check_links(tx, c->p, c->body, NULL, data);
	if (!rc && lc && !json_is_null(lc)) {
		if (!json_is_integer(lc) || json_integer_value(lc) < 1)
			rc = store_tx_fail(tx, "lost_case_id", "lost_case_id: a lost case's id");
		else
			rc = lost_case_link(tx, c->p, json_integer_value(lc), data);
	}
	if (!rc && !json_object_get(data, "lost_case_id"))
		json_object_set_new(data, "lost_case_id", json_null());
	if (!rc)
		rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM incident", "");
	if (rc) {
		json_decref(data);
		return rc;
	}
	json_object_set_new(data, "id", json_integer(c->id));
	return model_tx_log(tx, model_actor_of(c->p), "incident.reported", "incident", c->id,
	                    model_with_token(data, c->p));
}

int incident_create(struct model *m, const struct principal *p, const json_t *body, int64_t *id,
                    struct model_err *err)
{
	struct create_cmd c = {p, body, 0};
	int rc;

	if (!json_is_object(body))
		return SK_EINVAL;
	rc = model_submit(m, create_fn, &c, err);
	if (!rc && id)
		*id = c.id;
	return rc;
}

/* ---- handling: one command, one entry ---- */

enum act { ACT_UPDATE, ACT_REPORT, ACT_ASSESS, ACT_MEASURE, ACT_INVESTIGATE, ACT_CLOSE };

struct act_cmd {
	const struct principal *p;
	int64_t id;
	const json_t *body;
	enum act act;
};

static int act_update(struct store_tx *tx, struct act_cmd *c, struct inc *in, json_t *data,
                      const char **kind)
{
	json_t *old_links;
	int changed, rc;

	if (in->closed)
		return store_tx_fail(tx, "id", "incident %lld is closed", (long long)c->id),
		       SK_ERULE;
	rc = check_fields(tx, c->p, c->body, in->row, data, &changed);
	if (rc)
		return rc;
	old_links = tx_links(tx, c->id);
	if (!old_links)
		return SK_ENOMEM;
	rc = check_links(tx, c->p, c->body, old_links, data);
	json_decref(old_links);
	if (rc)
		return rc;
	for (int t = 0; t < NLINK; t++)
		changed += json_object_get(c->body, link_fields[t]) != NULL;
	if (changed == 0)
		return store_tx_fail(tx, NULL, "nothing to change: give at least one field");
	if (in->report_date[0] && strcmp(model_json_str0(data, "detected_on"), in->report_date) > 0)
		return store_tx_fail(tx, "detected_on",
		                     "detected_on: after the report to Säkerhetspolisen (%s)",
		                     in->report_date);
	*kind = "incident.updated";
	return SK_OK;
}

static int act_report(struct store_tx *tx, struct act_cmd *c, struct inc *in, json_t *data,
                      const char **kind)
{
	const char *date, *ref;
	int rc = get_date(tx, c->body, "report_date", true, &date);

	if (!rc)
		rc = model_tx_get_text(tx, c->body, "report_ref", 1, INCIDENT_REF_MAX, 0, true,
		                       &ref);
	if (rc)
		return rc;
	if (in->report_date[0])
		return store_tx_fail(tx, "id", "incident %lld was reported on %s already",
		                     (long long)c->id, in->report_date),
		       SK_ERULE;
	if (strcmp(date, in->detected_on) < 0)
		return store_tx_fail(tx, "report_date",
		                     "report_date: before the event was detected (%s)",
		                     in->detected_on);
	json_object_set_new(data, "report_date", json_string(date));
	json_object_set_new(data, "report_ref", json_string(ref));
	/* 19 §: the damage assessment starts no later than the report; say so in the entry */
	json_object_set_new(data, "assessment_started_before",
	                    json_boolean(in->assessment_started &&
	                                 strcmp(in->assessment_started_on, date) <= 0));
	*kind = "incident.report.filed";
	return SK_OK;
}

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
		if (in->assessment_started)
			return store_tx_fail(tx, "action",
			                     "action: the damage assessment started on %s already",
			                     in->assessment_started_on),
			       SK_ERULE;
		if (strcmp(date, in->occurred_on) < 0)
			return store_tx_fail(tx, "date", "date: before the event occurred (%s)",
			                     in->occurred_on);
		if (content)
			return store_tx_fail(tx, "content",
			                     "content: given when the assessment is finished");
		*kind = "incident.assessment.started";
	} else if (strcmp(action, "finish") == 0) {
		if (!in->assessment_started)
			return store_tx_fail(tx, "action",
			                     "action: start the damage assessment first"),
			       SK_ERULE;
		if (in->assessment_finished)
			return store_tx_fail(tx, "action",
			                     "action: the assessment is finished already"),
			       SK_ERULE;
		if (strcmp(date, in->assessment_started_on) < 0)
			return store_tx_fail(tx, "date", "date: before the assessment started (%s)",
			                     in->assessment_started_on);
		if (!content)
			return store_tx_fail(tx, "content",
			                     "content: the assessment's conclusions");
		json_object_set_new(data, "content", json_string(content));
		*kind = "incident.assessment.finished";
	} else {
		return store_tx_fail(tx, "action", "action: start or finish");
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
		return store_tx_fail(tx, "taken_on", "taken_on: before the event occurred (%s)",
		                     in->occurred_on);
	json_object_set_new(data, "number", json_integer(n));
	json_object_set_new(data, "taken_on", json_string(taken));
	json_object_set_new(data, "text", json_string(text));
	*kind = "incident.measure.recorded";
	return SK_OK;
}

static int act_investigate(struct store_tx *tx, struct act_cmd *c, struct inc *in, json_t *data,
                           const char **kind)
{
	const char *inv, *eval, *on;
	char today[11];
	int rc = model_tx_get_text(tx, c->body, "investigation", 1, INCIDENT_TEXT_MAX,
	                           MODEL_TEXT_LINES, true, &inv);

	if (!rc)
		rc = model_tx_get_text(tx, c->body, "evaluation", 1, INCIDENT_TEXT_MAX,
		                       MODEL_TEXT_LINES, true, &eval);
	if (!rc)
		rc = get_date(tx, c->body, "investigated_on", false, &on);
	if (rc)
		return rc;
	model_today(today);
	if (!on)
		on = today;
	if (strcmp(on, in->detected_on) < 0)
		return store_tx_fail(tx, "investigated_on",
		                     "investigated_on: before the event was detected (%s)",
		                     in->detected_on);
	json_object_set_new(data, "investigation", json_string(inv));
	json_object_set_new(data, "evaluation", json_string(eval));
	json_object_set_new(data, "investigated_on", json_string(on));
	*kind = "incident.investigated";
	return SK_OK;
}

static int act_close(struct store_tx *tx, struct act_cmd *c, struct inc *in, json_t *data,
                     const char **kind)
{
	const char *on;
	char today[11];
	int rc = get_date(tx, c->body, "closed_on", false, &on);

	if (rc)
		return rc;
	if (in->closed)
		return store_tx_fail(tx, "id", "incident %lld is closed already", (long long)c->id),
		       SK_ERULE;
	if (!in->answered)
		return store_tx_fail(tx, "reportable",
		                     "2 kap. 18 §: answer whether the event is reportable to "
		                     "Säkerhetspolisen before closing it"),
		       SK_ERULE;
	model_today(today);
	if (!on)
		on = today;
	if (strcmp(on, in->detected_on) < 0)
		return store_tx_fail(tx, "closed_on",
		                     "closed_on: before the event was detected (%s)",
		                     in->detected_on);
	json_object_set_new(data, "closed_on", json_string(on));
	/* 17 §: an incident closed without investigation and evaluation is a finding */
	json_object_set_new(data, "investigated",
	                    json_boolean(model_json_str(in->row, "investigation") != NULL));
	*kind = "incident.closed";
	return SK_OK;
}

static int act_fn(struct store_tx *tx, void *arg)
{
	struct act_cmd *c = arg;
	const char *kind = NULL;
	struct inc in;
	json_t *data;
	int rc = model_tx_need_roles(tx, c->p, MODEL_ROLES_SSC_CHIEF, handle_why);

	if (rc)
		return rc;
	rc = tx_incident(tx, c->id, &in);
	if (rc)
		return rc;
	data = json_pack("{s:I}", "id", (json_int_t)c->id);
	if (!data) {
		inc_release(&in);
		return SK_ENOMEM;
	}
	switch (c->act) {
	case ACT_UPDATE:
		rc = act_update(tx, c, &in, data, &kind);
		break;
	case ACT_REPORT:
		rc = act_report(tx, c, &in, data, &kind);
		break;
	case ACT_ASSESS:
		rc = act_assess(tx, c, &in, data, &kind);
		break;
	case ACT_MEASURE:
		rc = act_measure(tx, c, &in, data, &kind);
		break;
	case ACT_INVESTIGATE:
		rc = act_investigate(tx, c, &in, data, &kind);
		break;
	default:
		rc = act_close(tx, c, &in, data, &kind);
		break;
	}
	inc_release(&in);
	if (rc) {
		json_decref(data);
		return rc;
	}
	return model_tx_log(tx, model_actor_of(c->p), kind, "incident", c->id,
	                    model_with_token(data, c->p));
}

static int act(struct model *m, const struct principal *p, int64_t id, const json_t *body,
               enum act a, struct model_err *err)
{
	struct act_cmd c = {p, id, body, a};

	if (!json_is_object(body))
		return SK_EINVAL;
	return model_submit(m, act_fn, &c, err);
}

int incident_update(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                    struct model_err *err)
{
	return act(m, p, id, body, ACT_UPDATE, err);
}

int incident_report(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                    struct model_err *err)
{
	return act(m, p, id, body, ACT_REPORT, err);
}

int incident_assessment(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                        struct model_err *err)
{
	return act(m, p, id, body, ACT_ASSESS, err);
}

int incident_measure_add(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                         struct model_err *err)
{
	return act(m, p, id, body, ACT_MEASURE, err);
}

int incident_investigate(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                         struct model_err *err)
{
	return act(m, p, id, body, ACT_INVESTIGATE, err);
}

int incident_close(struct model *m, const struct principal *p, int64_t id, const json_t *body,
                   struct model_err *err)
{
	return act(m, p, id, body, ACT_CLOSE, err);
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

	if (rc)
		return rc;
	rc = tx_incident(tx, c->id, &in);
	if (rc)
		return rc;
	inc_release(&in);
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

/* ---- the projection ---- */

static int insert_links(struct store_tx *tx, int64_t id, const json_t *links)
{
	int rc = store_tx_run(tx, "DELETE FROM incident_link WHERE incident_id = ?1", "i", id);

	for (int t = 0; !rc && t < NLINK; t++) {
		json_t *x;
		size_t i;

		json_array_foreach(json_object_get(links, link_types[t]), i, x)
		{
			if (!rc)
				rc = store_tx_run(tx,
				                  "INSERT INTO incident_link (incident_id, type, "
				                  "object_id) VALUES (?1, ?2, ?3)",
				                  "iti", id, link_types[t], json_integer_value(x));
		}
	}
	return rc;
}

static int bind_opt_int(struct store_q *q, int idx, const json_t *v)
{
	return json_is_integer(v) ? store_q_bind_int(q, idx, json_integer_value(v))
	                          : store_q_bind_null(q, idx);
}

static int apply_fields(struct store_tx *tx, const struct ledger_entry *e, const char *t,
                        bool insert)
{
	static const char ins[] =
	        "INSERT INTO incident (id, title, description, occurred_on, detected_on, "
	        "detected_by, detected_person_id, reportable, lost_case_id, reported_by, state, "
	        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'open', "
	        "?11, ?11)";
	static const char upd[] =
	        "UPDATE incident SET title = ?2, description = ?3, occurred_on = ?4, detected_on = "
	        "?5, detected_by = ?6, detected_person_id = ?7, reportable = ?8, updated_at = ?11 "
	        "WHERE id = ?1 AND ?9 IS ?9 AND ?10 IS ?10";
	const json_t *d = e->data;
	struct store_q *q;
	int rc = store_tx_query(tx, insert ? ins : upd, &q);

	if (rc)
		return rc;
	store_q_bind_int(q, 1, model_json_int(d, "id"));
	store_q_bind_text(q, 2, model_json_str0(d, "title"));
	store_q_bind_text(q, 3, model_json_str0(d, "description"));
	store_q_bind_text(q, 4, model_json_str0(d, "occurred_on"));
	store_q_bind_text(q, 5, model_json_str0(d, "detected_on"));
	store_q_bind_text(q, 6, model_json_str0(d, "detected_by"));
	bind_opt_int(q, 7, json_object_get(d, "detected_person_id"));
	if (json_is_boolean(json_object_get(d, "reportable")))
		store_q_bind_int(q, 8, json_is_true(json_object_get(d, "reportable")));
	else
		store_q_bind_null(q, 8); /* not assessed yet */
	bind_opt_int(q, 9, json_object_get(d, "lost_case_id"));
	store_q_bind_int(q, 10, e->actor);
	store_q_bind_text(q, 11, t);
	rc = store_q_step(q);
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		rc = SK_OK;
	if (!rc)
		rc = insert_links(tx, model_json_int(d, "id"), json_object_get(d, "links"));
	return rc;
}

static int apply_incident(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	int64_t id = model_json_int(d, "id");
	char t[SK_TIME_LEN + 1];
	int rc;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "incident.reported") == 0)
		return apply_fields(tx, e, t, true);
	if (strcmp(e->kind, "incident.updated") == 0)
		return apply_fields(tx, e, t, false);
	if (strcmp(e->kind, "incident.report.filed") == 0)
		rc = store_tx_run(
		        tx, "UPDATE incident SET report_date = ?2, report_ref = ?3 WHERE id = ?1",
		        "itt", id, model_json_str0(d, "report_date"),
		        model_json_str0(d, "report_ref"));
	else if (strcmp(e->kind, "incident.assessment.started") == 0)
		rc = store_tx_run(tx,
		                  "UPDATE incident SET assessment_started_on = ?2 WHERE id = ?1",
		                  "it", id, model_json_str0(d, "date"));
	else if (strcmp(e->kind, "incident.assessment.finished") == 0)
		rc = store_tx_run(
		        tx,
		        "UPDATE incident SET assessment_finished_on = ?2, assessment = ?3 "
		        "WHERE id = ?1",
		        "itt", id, model_json_str0(d, "date"), model_json_str0(d, "content"));
	else if (strcmp(e->kind, "incident.measure.recorded") == 0)
		rc = store_tx_run(
		        tx,
		        "INSERT INTO incident_measure (incident_id, number, taken_on, text, "
		        "recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		        "iitt"
		        "ti",
		        id, model_json_int(d, "number"), model_json_str0(d, "taken_on"),
		        model_json_str0(d, "text"), t, e->actor);
	else if (strcmp(e->kind, "incident.investigated") == 0)
		rc = store_tx_run(tx,
		                  "UPDATE incident SET investigation = ?2, evaluation = ?3, "
		                  "investigated_on = ?4 WHERE id = ?1",
		                  "ittt", id, model_json_str0(d, "investigation"),
		                  model_json_str0(d, "evaluation"),
		                  model_json_str0(d, "investigated_on"));
	else if (strcmp(e->kind, "incident.closed") == 0)
		rc = store_tx_run(
		        tx,
		        "UPDATE incident SET state = 'closed', closed_on = ?2, closed_by = "
		        "?3 WHERE id = ?1",
		        "iti", id, model_json_str0(d, "closed_on"), e->actor);
	else
		return SK_OK;
	if (!rc)
		rc = store_tx_run(tx, "UPDATE incident SET updated_at = ?2 WHERE id = ?1", "it", id,
		                  t);
	return rc;
}

static const char *const incident_tables[] = {"incident", "incident_link", "incident_measure",
                                              NULL};

static const struct store_projection proj_incident = {
        .name = "incidents",
        .kind_prefix = "incident.",
        .tables = incident_tables,
        .apply = apply_incident,
};

/* deviation.c */
extern const struct store_projection incident_proj_deviation;

void model_register_incidents(void)
{
	store_register_projection(&proj_incident);
	store_register_projection(&incident_proj_deviation);
}

/* ---- queries ---- */

bool incident_reads_all(const struct principal *p)
{
	return p &&
	       (p->roles & (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF) | ROLE_BIT(ROLE_AUDITOR)));
}

json_t *incident_list(struct model *m, const struct principal *p, const char *state)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array(), *o;
	struct store_q *q;

	if (!r || !arr ||
	    store_reader_query(r,
	                       INCIDENT_COLS "WHERE (?1 = 1 OR reported_by = ?2) AND "
	                                     "(?3 IS NULL OR state = ?3) ORDER BY "
	                                     "id DESC",
	                       &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, incident_reads_all(p));
	store_q_bind_int(q, 2, p ? p->id : 0);
	store_q_bind_text(q, 3, state);
	while (store_q_step(q) == SK_OK) {
		o = incident_row(q);
		if (o)
			json_array_append_new(arr, o);
	}
	store_q_done(q);
	return json_pack("{s:o}", "incidents", arr);
}

/*
 * A link with what the caller may see of its object. A document or copy the
 * caller may not see (DOCUMENT_VISIBLE_SQL), or a medium above their
 * clearance, is only its type, id and "visible": false: no designation,
 * class or title, which would tell what the incident is about.
 */
static json_t *link_json(struct store_reader *r, const struct principal *p, const char *type,
                         int64_t id)
{
	static const char doc_sql[] = "SELECT designation, class, title, id FROM document WHERE "
	                              "id = ?1";
	static const char copy_sql[] = "SELECT d.designation || ' ex ' || c.number, d.class, NULL, "
	                               "d.id FROM copy c JOIN document d ON d.id = c.document_id "
	                               "WHERE c.id = ?1";
	static const char medium_sql[] = "SELECT identifier, class FROM medium WHERE id = ?1";
	static const char system_sql[] = "SELECT name, max_class FROM info_system WHERE id = ?1";
	const char *sql = strcmp(type, "document") == 0 ? doc_sql
	                  : strcmp(type, "copy") == 0   ? copy_sql
	                  : strcmp(type, "medium") == 0 ? medium_sql
	                                                : system_sql;
	bool doc_bound = sql == doc_sql || sql == copy_sql, sees = true;
	json_t *o = json_pack("{s:s, s:I}", "type", type, "id", (json_int_t)id);
	struct store_q *q;

	if (!o)
		return NULL;
	if (doc_bound) {
		int64_t did = id;

		if (sql == copy_sql &&
		    !store_reader_query(r, "SELECT document_id FROM copy WHERE id = ?1", &q)) {
			store_q_bind_int(q, 1, id);
			did = store_q_step(q) == SK_OK ? store_q_int(q, 0) : 0;
			store_q_done(q);
		}
		sees = did > 0 && document_visible(r, p, did);
		json_object_set_new(o, "visible", json_boolean(sees));
		if (!sees)
			return o;
	}
	if (store_reader_query(r, sql, &q))
		return o;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK) {
		const char *cls = store_q_text(q, 1);

		if (sql == medium_sql && document_class_rank(cls) > (int)(p ? p->clearance : 0)) {
			json_object_set_new(o, "visible", json_false());
		} else {
			json_object_set_new(o, "label", json_string(store_q_text(q, 0)));
			json_object_set_new(o, "class", model_q_json_text(q, 1));
		}
		if (sql == doc_sql)
			json_object_set_new(o, "title", json_string(store_q_text(q, 2)));
		if (sql == copy_sql)
			json_object_set_new(o, "document_id", json_integer(store_q_int(q, 3)));
	}
	store_q_done(q);
	return o;
}

static json_t *links_of(struct store_reader *r, const struct principal *p, int64_t id)
{
	json_t *arr = json_array(), *pairs = json_array(), *x;
	struct store_q *q;
	size_t i;

	if (!arr || !pairs ||
	    store_reader_query(r,
	                       "SELECT type, object_id FROM incident_link WHERE incident_id = ?1 "
	                       "ORDER BY type, object_id",
	                       &q)) {
		json_decref(pairs);
		return arr;
	}
	store_q_bind_int(q, 1, id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(pairs, json_pack("[s, I]", store_q_text(q, 0),
		                                       (json_int_t)store_q_int(q, 1)));
	store_q_done(q);
	json_array_foreach(pairs, i, x)
	{
		json_t *l = link_json(r, p, json_string_value(json_array_get(x, 0)),
		                      json_integer_value(json_array_get(x, 1)));

		if (l)
			json_array_append_new(arr, l);
	}
	json_decref(pairs);
	return arr;
}

static json_t *measures_of(struct store_reader *r, int64_t id)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr || store_reader_query(r,
	                               "SELECT number, taken_on, text, recorded_at, recorded_by "
	                               "FROM incident_measure WHERE incident_id = ?1 ORDER BY "
	                               "number",
	                               &q))
		return arr;
	store_q_bind_int(q, 1, id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:I}", "number",
		                                     (json_int_t)store_q_int(q, 0), "taken_on",
		                                     store_q_text(q, 1), "text", store_q_text(q, 2),
		                                     "recorded_at", store_q_text(q, 3),
		                                     "recorded_by", (json_int_t)store_q_int(q, 4)));
	store_q_done(q);
	return arr;
}

static json_t *deviations_of(struct store_reader *r, int64_t id)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr || store_reader_query(r,
	                               "SELECT id, title, status, responsible, due_on FROM "
	                               "deviation WHERE incident_id = ?1 ORDER BY id",
	                               &q))
		return arr;
	store_q_bind_int(q, 1, id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(
		        arr, json_pack("{s:I, s:s, s:s, s:s, s:o}", "id",
		                       (json_int_t)store_q_int(q, 0), "title", store_q_text(q, 1),
		                       "status", store_q_text(q, 2), "responsible",
		                       store_q_text(q, 3), "due_on", model_q_json_text(q, 4)));
	store_q_done(q);
	return arr;
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

json_t *incident_get(struct model *m, const struct principal *p, int64_t id)
{
	struct store_reader *r = model_reader(m);
	struct store_log_filter f = {0};
	json_t *o = NULL, *hist;
	struct store_q *q;
	char object[48];

	if (!r || store_reader_query(r, INCIDENT_COLS "WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = incident_row(q);
	store_q_done(q);
	if (!o)
		return NULL;
	if (!incident_reads_all(p) && model_json_int(o, "reported_by") != (p ? p->id : -1)) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "links", links_of(r, p, id));
	json_object_set_new(o, "measures", measures_of(r, id));
	json_object_set_new(o, "deviations", deviations_of(r, id));
	hist = json_array();
	snprintf(object, sizeof(object), "incident/%lld", (long long)id);
	f.actor = -1;
	f.object = object;
	f.kind = "incident.";
	f.limit = 100000;
	if (hist && store_reader_log(r, &f, hist_one, hist) != SK_OK) {
		json_decref(hist);
		hist = json_array();
	}
	return json_pack("{s:o, s:o}", "incident", o, "history", hist ? hist : json_array());
}
