/*
 * Security-threatening events (säkerhetshotande händelser, 2 kap. 15–19 §§
 * PMFS 2022:1) as a register definition (register.h): the record — what
 * happened, when, who detected it, whether it is reportable (18 §), the
 * report to Säkerhetspolisen, the investigation and evaluation (17 §), its
 * state — and the commands that change it: report (anyone logged in),
 * update, report filed, investigation, close (the ssc or the head). The
 * hooks here check what only C can: dates in order, the objects it affects
 * (links, with the reporter's need-to-know), the lost case it comes from.
 *
 * Need-to-know: the ssc, the head and the auditor read every incident, anyone
 * else only those they reported (the view hook). The workflow that is not
 * the record's own — the damage assessment (one route, two events), measures
 * (a sub-list) and lessons (a deviation) — stays in incident.c and is
 * applied here (apply_other).
 */
#include <stdio.h>
#include <string.h>

#include "model/access_int.h"
#include "model/document.h"
#include "model/incident.h"
#include "model/reg_int.h"
#include "model/register.h"

#define R(x)   ROLE_BIT(ROLE_##x)
#define HANDLE (R(SSC) | R(CHIEF))
#define TXT    INCIDENT_TEXT_MAX
#define TTL    INCIDENT_TITLE_MAX
#define REF    INCIDENT_REF_MAX
#define NUL    REG_F_NULL
#define ID_MAX INT64_C(9007199254740991)

static const char *const states[] = {"open", "closed", NULL};
static const char *const link_types[] = {"document", "copy", "medium", "system"};
static const char *const link_fields[] = {"document_ids", "copy_ids", "medium_ids", "system_ids"};
#define NLINK 4

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .doc = "the incident's number"},
        {"title", REG_STRING, 1, TTL, .flags = REG_F_LIST, .doc = "what happened, in a few words"},
        {"description", REG_TEXT, 0, TXT, .doc = "the event (free text)"},
        {"occurred_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST, .doc = "when it occurred"},
        {"detected_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST,
         .doc = "when it was detected (default today)"},
        {"detected_by", REG_STRING, 0, TTL, .doc = "who detected it (free text)"},
        {"detected_person_id", REG_INT, 1, ID_MAX, .flags = NUL,
         .doc = "or a person of the register"},
        {"reported_by", REG_INT, .src = REG_SRC_CREATED_BY, .doc = "who reported it (identity)"},
        {"lost_case_id", REG_INT, 1, ID_MAX, .flags = NUL,
         .doc = "the inventory's lost case it comes from (ssc, chief, registrar)"},
        {"reportable", REG_BOOL, .flags = NUL | REG_F_LIST,
         .doc = "to be reported to Säkerhetspolisen (SäkF 2 kap. 4 §): an answer; left out, "
                "null (not assessed yet)"},
        {"report_date", REG_DATE, .flags = REG_F_PAST | NUL | REG_F_LIST,
         .doc = "the day it was reported to Säkerhetspolisen"},
        {"report_ref", REG_STRING, 1, REF, .flags = NUL, .doc = "the form's reference"},
        {"assessment_started_on", REG_DATE, .flags = NUL, .doc = "the damage assessment (19 §)"},
        {"assessment_finished_on", REG_DATE, .flags = NUL, .doc = "its end"},
        {"assessment", REG_TEXT, 1, TXT, .flags = NUL, .doc = "its conclusions"},
        {"investigation", REG_TEXT, 1, TXT, .flags = NUL, .doc = "the circumstances (17 §)"},
        {"evaluation", REG_TEXT, 1, TXT, .flags = NUL, .doc = "how the event was handled (17 §)"},
        {"investigated_on", REG_DATE, .flags = REG_F_PAST | NUL, .doc = "default today"},
        {"state", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER, .vlabel = "inc.state", .doc = "open or closed"},
        {"closed_on", REG_DATE, .flags = REG_F_PAST | NUL, .doc = "default today"},
        {"closed_by", REG_INT, .doc = "who closed it (identity)"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {"document_ids", REG_IDS, 0, INCIDENT_LINKS_MAX, .src = REG_SRC_LEDGER_ONLY,
         .doc = "documents it affects"},
        {"copy_ids", REG_IDS, 0, INCIDENT_LINKS_MAX, .src = REG_SRC_LEDGER_ONLY,
         .doc = "copies it affects"},
        {"medium_ids", REG_IDS, 0, INCIDENT_LINKS_MAX, .src = REG_SRC_LEDGER_ONLY,
         .doc = "storage media it affects"},
        {"system_ids", REG_IDS, 0, INCIDENT_LINKS_MAX, .src = REG_SRC_LEDGER_ONLY,
         .doc = "information systems it affects"},
        {0},
};

/* ---- the checks ---- */

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A date of the entry (already valid) not before the day the event was detected (limit). */
static int not_before(struct reg_call *c, const char *field, const char *limit)
{
	const char *v = str(c->data, field);

	if (!v || !limit || strcmp(v, limit) >= 0)
		return SK_OK;
	return store_tx_failr(c->tx, SK_EINVAL, field, "incident.before_detected",
	                      json_pack("{s:s}", "date", limit), "%s: %s is before %s", field, v,
	                      limit);
}

/* Is the object there, and may the reporter see it? 1 yes, 0 no, < 0 an error. */
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

/* The incident's links as the writer stores them ({"document": [], ...}). */
static json_t *tx_links(struct store_tx *tx, int64_t id)
{
	json_t *links = json_object();
	struct store_q *q;

	for (int t = 0; links && t < NLINK; t++)
		json_object_set_new(links, link_types[t], json_array());
	if (!links || store_tx_query(tx,
	                             "SELECT type, object_id FROM incident_link WHERE "
	                             "incident_id = ?1 ORDER BY type, object_id",
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

/*
 * The entry's "links" from the *_ids given (each checked: there, and seen by
 * the caller; a refusal never names what the caller may not see), the others
 * as they were; the *_ids themselves stay out of the entry.
 */
static int check_links(struct reg_call *c)
{
	json_t *links = c->old ? tx_links(c->tx, c->id) : json_object();

	if (!links)
		return SK_ENOMEM;
	for (int t = 0; t < NLINK; t++) {
		json_t *v = json_object_get(c->in, link_fields[t]), *x;
		size_t i;

		json_object_del(c->data, link_fields[t]);
		if (!v) {
			if (!json_object_get(links, link_types[t]))
				json_object_set_new(links, link_types[t], json_array());
			continue;
		}
		json_array_foreach(v, i, x)
		{
			int ok = link_exists(c->tx, c->p, t, json_integer_value(x));

			if (ok <= 0) {
				json_decref(links);
				if (ok < 0)
					return -ok;
				return store_tx_failr(
				        c->tx, SK_EINVAL, link_fields[t], "incident.link_missing",
				        json_pack("{s:s, s:I}", "type", link_types[t], "id",
				                  json_integer_value(x)),
				        "%s: no %s %lld", link_fields[t], link_types[t],
				        (long long)json_integer_value(x));
			}
		}
		json_object_set_new(links, link_types[t], json_deep_copy(v));
	}
	json_object_set_new(c->data, "links", links);
	return SK_OK;
}

/* The descriptive fields: the person detected by is there, detection not before occurrence. */
static int check_fields(struct reg_call *c)
{
	const json_t *pid = json_object_get(c->data, "detected_person_id");

	if (strcmp(str(c->data, "occurred_on"), str(c->data, "detected_on")) > 0)
		return store_tx_failr(
		        c->tx, SK_EINVAL, "detected_on", "incident.detected_before_occurred",
		        json_pack("{s:s}", "date", str(c->data, "occurred_on")),
		        "detected_on: before the event occurred (%s)", str(c->data, "occurred_on"));
	if (json_is_integer(pid)) {
		int64_t n = 0;
		int rc = store_tx_int(c->tx, &n, "SELECT count(*) FROM person WHERE id = ?1", "i",
		                      (int64_t)json_integer_value(pid));

		if (rc)
			return rc;
		if (!n)
			return store_tx_failr(c->tx, SK_EINVAL, "detected_person_id",
			                      "incident.person_missing", NULL,
			                      "detected_person_id: no person %lld",
			                      (long long)json_integer_value(pid));
	}
	return check_links(c);
}

/*
 * An incident from the inventory's lost case lc (ssc, head or registrar): one
 * incident a case; the lost copy (and its document) or medium is linked.
 */
static int lost_case(struct reg_call *c, int64_t lc)
{
	json_t *links = json_object_get(c->data, "links");
	struct store_q *q;
	char type[16] = "";
	int64_t item = 0, n = 0, doc = 0;
	int rc;

	if (!(c->roles & (R(SSC) | R(CHIEF) | R(REGISTRAR))))
		return store_tx_failr(c->tx, SK_EPERM, "lost_case_id", "incident.lost_case_role",
		                      NULL,
		                      "lost_case_id: an incident from a lost case is opened by the "
		                      "ssc, the head or the registrar");
	rc = store_tx_query(c->tx, "SELECT item_type, item_id FROM lost_case WHERE id = ?1", &q);
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
		return store_tx_failr(c->tx, SK_EINVAL, "lost_case_id",
		                      "incident.lost_case_missing", NULL,
		                      "lost_case_id: no lost case %lld", (long long)lc);
	if (rc)
		return rc;
	rc = store_tx_int(c->tx, &n, "SELECT count(*) FROM incident WHERE lost_case_id = ?1", "i",
	                  lc);
	if (rc)
		return rc;
	if (n > 0)
		return store_tx_failr(c->tx, SK_EEXIST, "lost_case_id", "incident.lost_case_taken",
		                      NULL, "lost_case_id: lost case %lld already has its incident",
		                      (long long)lc);
	if (strcmp(type, "copy") == 0) {
		link_add(links, "copy", item);
		if (store_tx_int(c->tx, &doc, "SELECT document_id FROM copy WHERE id = ?1", "i",
		                 item) == SK_OK &&
		    doc > 0)
			link_add(links, "document", doc);
	} else if (strcmp(type, "medium") == 0) {
		link_add(links, "medium", item);
	}
	return SK_OK;
}

static int check_add(struct reg_call *c)
{
	const json_t *lc = json_object_get(c->data, "lost_case_id");
	int rc;

	if (c->p && c->p->id == 0)
		return store_tx_failr(c->tx, SK_EPERM, NULL, "incident.login", NULL,
		                      "log in to report an incident");
	rc = check_fields(c);
	if (!rc && json_is_integer(lc))
		rc = lost_case(c, json_integer_value(lc));
	return rc;
}

static int refuse_closed(struct reg_call *c)
{
	if (strcmp(str(c->old, "state"), "closed") != 0)
		return SK_OK;
	return store_tx_failr(c->tx, SK_ERULE, "id", "incident.closed", NULL,
	                      "incident %lld is closed", (long long)c->id);
}

/*
 * An update carries the whole record (as it did before registers were data):
 * the fields not given are copied from the record, the links too.
 */
static int check_update(struct reg_call *c)
{
	static const char *const keep[] = {
	        "title",       "description", "occurred_on",       "detected_on",
	        "detected_by", "reportable",  "detected_person_id"};
	const char *rep;
	int rc = refuse_closed(c);

	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (!json_object_get(c->data, keep[i]))
			json_object_set(c->data, keep[i],
			                json_object_get(c->old, keep[i]) ?: json_null());
	}
	rc = check_fields(c);
	if (rc)
		return rc;
	rep = str(c->old, "report_date");
	if (rep && strcmp(str(c->data, "detected_on"), rep) > 0)
		return store_tx_failr(
		        c->tx, SK_EINVAL, "detected_on", "incident.detected_after_report",
		        json_pack("{s:s}", "date", rep),
		        "detected_on: after the report to Säkerhetspolisen (%s)", rep);
	return SK_OK;
}

static int check_report(struct reg_call *c)
{
	const char *rep = str(c->old, "report_date"),
	           *started = str(c->old, "assessment_started_on");

	if (rep)
		return store_tx_failr(c->tx, SK_ERULE, "id", "incident.reported_already",
		                      json_pack("{s:s}", "date", rep),
		                      "incident %lld was reported on %s already", (long long)c->id,
		                      rep);
	if (not_before(c, "report_date", str(c->old, "detected_on")))
		return SK_EINVAL;
	/* 19 §: the damage assessment starts no later than the report; say so in the entry */
	json_object_set_new(
	        c->data, "assessment_started_before",
	        json_boolean(started && strcmp(started, str(c->data, "report_date")) <= 0));
	return SK_OK;
}

static int check_investigate(struct reg_call *c)
{
	if (not_before(c, "investigated_on", str(c->old, "detected_on")))
		return SK_EINVAL;
	return SK_OK;
}

static int check_close(struct reg_call *c)
{
	int rc = refuse_closed(c);

	if (rc)
		return rc;
	if (!json_is_boolean(json_object_get(c->old, "reportable")))
		return store_tx_failr(c->tx, SK_ERULE, "reportable", "incident.unanswered", NULL,
		                      "2 kap. 18 §: answer whether the event is reportable to "
		                      "Säkerhetspolisen before closing it");
	if (not_before(c, "closed_on", str(c->old, "detected_on")))
		return SK_EINVAL;
	/* 17 §: an incident closed without investigation and evaluation is a finding */
	json_object_set_new(c->data, "investigated",
	                    json_boolean(json_is_string(json_object_get(c->old, "investigation"))));
	return SK_OK;
}

/* ---- the projection beyond the generic apply ---- */

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

static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	int64_t id = model_json_int(e->data, "id");

	if (strcmp(cmd->event, "incident.closed") == 0)
		return store_tx_run(tx, "UPDATE incident SET closed_by = ?2 WHERE id = ?1", "ii",
		                    id, e->actor);
	if (strcmp(cmd->event, "incident.reported") == 0 ||
	    strcmp(cmd->event, "incident.updated") == 0)
		return insert_links(tx, id, json_object_get(e->data, "links"));
	return SK_OK;
}

/* The damage assessment and the measures (incident.c writes them). */
static int apply_other(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	int64_t id = model_json_int(d, "id");
	char t[SK_TIME_LEN + 1];
	int rc;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "incident.assessment.started") == 0)
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
		rc = store_tx_run(tx,
		                  "INSERT INTO incident_measure (incident_id, number, taken_on, "
		                  "text, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		                  "iitt"
		                  "ti",
		                  id, model_json_int(d, "number"), model_json_str0(d, "taken_on"),
		                  model_json_str0(d, "text"), t, e->actor);
	else
		return SK_OK;
	if (!rc)
		rc = store_tx_run(tx, "UPDATE incident SET updated_at = ?2 WHERE id = ?1", "it", id,
		                  t);
	return rc;
}

/* ---- reads ---- */

bool incident_reads_all(const struct principal *p)
{
	return p && (p->roles & (R(SSC) | R(CHIEF) | R(AUDITOR)));
}

/* Need-to-know: the ssc, the head and the auditor read all; others what they reported. */
static int view(struct model *m, const struct principal *p, json_t *rows)
{
	(void)m;
	if (incident_reads_all(p))
		return SK_OK;
	for (size_t i = json_array_size(rows); i-- > 0;) {
		if (!p || model_json_int(json_array_get(rows, i), "reported_by") != p->id)
			json_array_remove(rows, i);
	}
	return SK_OK;
}

/*
 * A link with what the caller may see of its object. A document or copy the
 * caller may not see, or a medium above their clearance, is only its type,
 * id and "visible": false: no designation, class or title, which would tell
 * what the incident is about.
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
	json_t *o = json_pack("{s:s, s:I}", "type", type, "id", (json_int_t)id);
	struct store_q *q;

	if (!o)
		return NULL;
	if (sql == doc_sql || sql == copy_sql) {
		int64_t did = id;
		bool sees;

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

/* Rows of sql (?1 = id) as objects of keys (one per column; "" ends). */
static json_t *rows_of(struct store_reader *r, const char *sql, int64_t id, const char *const *keys)
{
	json_t *arr = json_array();
	struct store_q *q;

	if (!arr || store_reader_query(r, sql, &q))
		return arr;
	store_q_bind_int(q, 1, id);
	while (store_q_step(q) == SK_OK) {
		json_t *o = json_object();

		for (int k = 0; o && keys[k]; k++) {
			bool num = keys[k][0] == '#';

			json_object_set_new(o, keys[k] + num,
			                    store_q_is_null(q, k) ? json_null()
			                    : num                 ? json_integer(store_q_int(q, k))
			                          : json_string(store_q_text(q, k)));
		}
		json_array_append_new(arr, o);
	}
	store_q_done(q);
	return arr;
}

/* One incident shows its links, measures and the deviations its lessons made. */
static void detail(struct model *m, const struct principal *p, json_t *o)
{
	static const char *const measure_keys[] = {"#number",     "taken_on",     "text",
	                                           "recorded_at", "#recorded_by", NULL};
	static const char *const dev_keys[] = {"#id",         "title",  "status",
	                                       "responsible", "due_on", NULL};
	struct store_reader *r = model_reader(m);
	int64_t id = model_json_int(o, "id");

	if (!r)
		return;
	json_object_set_new(o, "links", links_of(r, p, id));
	json_object_set_new(o, "measures",
	                    rows_of(r,
	                            "SELECT number, taken_on, text, recorded_at, recorded_by FROM "
	                            "incident_measure WHERE incident_id = ?1 ORDER BY number",
	                            id, measure_keys));
	json_object_set_new(o, "deviations",
	                    rows_of(r,
	                            "SELECT id, title, status, responsible, due_on FROM deviation "
	                            "WHERE incident_id = ?1 ORDER BY id",
	                            id, dev_keys));
}

static json_t *reply(struct model *m, const struct principal *p, json_t *o)
{
	(void)p;
	return json_pack("{s:o, s:o}", "incident", o, "history",
	                 incident_history(m, "incident", model_json_int(o, "id"), false));
}

/* ---- the definition ---- */

#define FIELD_ARGS                                                                                 \
	{"description", REG_A_EMPTY, NULL, NULL}, {"detected_by", REG_A_EMPTY, NULL, NULL},        \
	        {"detected_person_id", REG_A_NULL | REG_A_CLEAR, NULL, NULL},                      \
	        {"reportable", REG_A_NULL, NULL, NULL}, {"document_ids", 0, NULL, NULL},           \
	        {"copy_ids", 0, NULL, NULL}, {"medium_ids", 0, NULL, NULL},                        \
	{                                                                                          \
		"system_ids", 0, "systems", NULL                                                   \
	}

static const struct reg_arg add_args[] = {
        {"title", REG_A_REQUIRED, NULL, NULL},    {"occurred_on", REG_A_REQUIRED, NULL, NULL},
        {"detected_on", REG_A_TODAY, NULL, NULL}, FIELD_ARGS,
        {"lost_case_id", REG_A_NULL, NULL, NULL}, {0},
};
static const struct reg_arg update_args[] = {
        {"title", 0, NULL, NULL},
        {"occurred_on", 0, NULL, NULL},
        {"detected_on", 0, NULL, NULL},
        FIELD_ARGS,
        {0},
};
static const struct reg_arg report_args[] = {
        {"report_date", REG_A_REQUIRED, NULL, NULL},
        {"report_ref", REG_A_REQUIRED, NULL, NULL},
        {0},
};
static const struct reg_arg investigate_args[] = {
        {"investigation", REG_A_REQUIRED, NULL, NULL},
        {"evaluation", REG_A_REQUIRED, NULL, NULL},
        {"investigated_on", REG_A_TODAY, NULL, NULL},
        {0},
};
static const struct reg_arg close_args[] = {
        {"closed_on", REG_A_TODAY, NULL, NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "new",
         .verb = REG_CREATE,
         .roles = ROLES_ALL,
         .event = "incident.reported",
         .state = "open",
         .args = add_args,
         .check = check_add,
         .summary = "report an incident (anyone logged in)"},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = HANDLE,
         .event = "incident.updated",
         .args = update_args,
         .check = check_update,
         .summary = "change an open incident"},
        {.name = "report",
         .verb = REG_ACT,
         .path = "report",
         .roles = HANDLE,
         .event = "incident.report.filed",
         .args = report_args,
         .check = check_report,
         .summary = "record the report to Säkerhetspolisen (18 §)"},
        {.name = "investigate",
         .verb = REG_ACT,
         .path = "investigation",
         .roles = HANDLE,
         .event = "incident.investigated",
         .args = investigate_args,
         .check = check_investigate,
         .summary = "record the investigation and evaluation (17 §)"},
        {.name = "close",
         .verb = REG_ACT,
         .path = "close",
         .roles = HANDLE,
         .event = "incident.closed",
         .state = "closed",
         .args = close_args,
         .check = check_close,
         .danger = true,
         .summary = "close an incident"},
        {0},
};

static const char *const extra_tables[] = {"incident_link", "incident_measure", NULL};

const struct register_def reg_incidents = {
        .name = "incidents",
        .one = "incident",
        .table = "incident",
        .display = "title",
        .title = "incidents",
        .slug = "incidenter",
        .paragraph = "2 kap. 15–19 §§",
        .about = "Security-threatening events (säkerhetshotande händelser, 2 kap. 15–19 §§ "
                 "PMFS 2022:1): all for the ssc, the head and the auditor; else one's own.",
        .read_roles = ROLES_ALL,
        .fields = fields,
        .cmds = cmds,
        .order = "id DESC",
        .apply = apply,
        .extra_tables = extra_tables,
        .apply_other = apply_other,
        .view = view,
        .detail = detail,
        .reply = reply,
};
