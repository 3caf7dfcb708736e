/*
 * Coordinated action plans: the projection of every plan.* entry into the
 * plan tables (sql/0005_plans.sql, sql/0009_plan_years.sql), live and in replay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/plan_int.h"
#include "model/reg_int.h"

/* A numeric sort key of a number: "0001.0001.0010". */
static void sort_key(const char *number, char out[16])
{
	int parts[3] = {0, 0, 0}, n = plan_number_parts(number, parts);
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, 16 - len, "%s%04d", i ? "." : "", parts[i]);
}

static char *dump_compact(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT);
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

/* plan.contact.*, plan.assignment.*, plan.proposal.* (sql/0020_plan_agencies.sql) */
static int apply_agency(struct store_tx *tx, const struct ledger_entry *e, const char *t)
{
	const json_t *d = e->data;
	int64_t plan_id = model_json_int(d, "id");

	if (strcmp(e->kind, "plan.contact.set") == 0)
		return store_tx_run(tx,
		                    "INSERT OR REPLACE INTO plan_contact (plan_id, identity_id, "
		                    "agency, assigned_at, assigned_by) VALUES (?1, ?2, ?3, ?4, ?5)",
		                    "iitti", plan_id, model_json_int(d, "identity_id"),
		                    model_json_str0(d, "agency"), t, e->actor);
	if (strcmp(e->kind, "plan.contact.removed") == 0)
		return store_tx_run(
		        tx, "DELETE FROM plan_contact WHERE plan_id = ?1 AND identity_id = ?2",
		        "ii", plan_id, model_json_int(d, "identity_id"));
	if (strcmp(e->kind, "plan.assignment.set") == 0) {
		int rc = store_tx_run(
		        tx,
		        "INSERT OR IGNORE INTO plan_assignment (plan_id, year, agency, "
		        "deadline, status, assigned_at, assigned_by, updated_at) VALUES "
		        "(?1, ?2, ?3, ?4, 'not_started', ?5, ?6, ?5)",
		        "iittti", plan_id, model_json_int(d, "year"), model_json_str0(d, "agency"),
		        model_json_str0(d, "deadline"), t, e->actor);

		return rc ? rc
		          : store_tx_run(
		                    tx,
		                    "UPDATE plan_assignment SET deadline = ?4, updated_at = ?5 "
		                    "WHERE plan_id = ?1 AND year = ?2 AND agency = ?3",
		                    "iittt", plan_id, model_json_int(d, "year"),
		                    model_json_str0(d, "agency"), model_json_str0(d, "deadline"),
		                    t);
	}
	if (strcmp(e->kind, "plan.assignment.status") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE plan_assignment SET status = ?4, approved_at = NULL, "
		        "approved_by = NULL, updated_at = ?5 WHERE plan_id = ?1 AND year "
		        "= ?2 AND agency = ?3",
		        "iittt", plan_id, model_json_int(d, "year"), model_json_str0(d, "agency"),
		        model_json_str0(d, "status"), t);
	if (strcmp(e->kind, "plan.assignment.approved") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE plan_assignment SET approved_at = ?4, approved_by = ?5, "
		        "updated_at = ?4 WHERE plan_id = ?1 AND year = ?2 AND agency = ?3",
		        "iitti", plan_id, model_json_int(d, "year"), model_json_str0(d, "agency"),
		        t, e->actor);
	if (strcmp(e->kind, "plan.proposal.made") == 0) {
		char *ch = json_dumps(json_object_get(d, "changes"), JSON_COMPACT | JSON_SORT_KEYS);
		int rc = ch ? store_tx_run(
		                      tx,
		                      "INSERT INTO plan_proposal (id, plan_id, measure_id, agency, "
		                      "year, changes, note, status, proposed_at, proposed_by) "
		                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?9)",
		                      "iiitittti", model_json_int(d, "proposal_id"), plan_id,
		                      model_json_int(d, "measure_id"), model_json_str0(d, "agency"),
		                      model_json_int(d, "report_year"), ch,
		                      model_json_str(d, "note"), t, e->actor)
		            : SK_ENOMEM;

		free(ch);
		return rc;
	}
	if (strcmp(e->kind, "plan.proposal.rejected") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE plan_proposal SET status = 'rejected', decided_at = ?2, "
		        "decided_by = ?3, reason = ?4 WHERE id = ?1",
		        "itit", model_json_int(d, "proposal_id"), t, e->actor,
		        model_json_str0(d, "reason"));
	return SK_OK;
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
	} else if (strncmp(e->kind, "plan.contact.", 13) == 0 ||
	           strncmp(e->kind, "plan.assignment.", 16) == 0 ||
	           strncmp(e->kind, "plan.proposal.", 14) == 0) {
		/* per-agency work: not the report's content, so the plan's updated_at stays */
		return apply_agency(tx, e, t);
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
	/* a change that accepts an agency's proposal (updated, completed, written off) */
	if (!rc && plan_jhas_int(e->data, "proposal_id"))
		rc = store_tx_run(tx,
		                  "UPDATE plan_proposal SET status = 'accepted', decided_at = ?2, "
		                  "decided_by = ?3 WHERE id = ?1",
		                  "iti", model_json_int(e->data, "proposal_id"), t, e->actor);
	if (!rc)
		rc = store_tx_run(tx, "UPDATE plan SET updated_at = ?2 WHERE id = ?1", "it",
		                  plan_id, t);
	return rc;
}

static const char *const plan_tables[] = {
        "plan",        "plan_authority",   "plan_priority", "plan_objective",  "plan_measure",
        "plan_report", "plan_report_text", "plan_contact",  "plan_assignment", "plan_proposal",
        NULL};

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
