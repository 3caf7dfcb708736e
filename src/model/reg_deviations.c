/*
 * The action plan of deviations (åtgärdsplan, 2 kap. 14 § PMFS 2022:1) as a
 * register definition (register.h): the record, its list with filters
 * (status, open), changes of an open deviation and its status (the ssc or
 * the head; the auditor reads). A deviation is created by deviation.c (from
 * a finding the HTTP layer looks up, or from an incident's lesson) and
 * marked done by the rule there; this file applies those entries too.
 *
 * Need-to-know: a deviation made from a finding on something the reader may
 * not see (ledger_view_refs_visible) keeps its status, dates and responsible
 * but not its text, and its history comes without data (the finding's
 * message names the document).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/incident.h"
#include "model/ledger_view.h"
#include "model/reg_int.h"
#include "model/register.h"

#define R(x)   ROLE_BIT(ROLE_##x)
#define HANDLE (R(SSC) | R(CHIEF))
#define READ   (R(SSC) | R(CHIEF) | R(AUDITOR))
#define NUL    REG_F_NULL
#define OPEN   "status IN ('open', 'in_progress')"

static const char *const sources[] = {"finding", "control", "audit", "incident", "other", NULL};
static const char *const states[] = {"open", "in_progress", "done", "written_off", NULL};
static const char *const yes_no[] = {"true", "false", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .doc = "the deviation's number"},
        {"title", REG_STRING, 1, INCIDENT_TITLE_MAX, .flags = REG_F_LIST, .doc = "the deviation"},
        {"description", REG_TEXT, 0, INCIDENT_TEXT_MAX, .doc = "what is to be done"},
        {"source", REG_ENUM, .values = sources, .flags = REG_F_LIST, .vlabel = "dev.source",
         .doc = "finding, control, audit, incident or other"},
        {"reference", REG_STRING, 0, INCIDENT_REF_MAX, .flags = REG_F_LIST,
         .doc = "paragraph, control or audit"},
        {"finding", REG_STRING, .src = REG_SRC_SQL, .col = "finding_rule", .flags = NUL,
         .doc = "source finding: the rule id"},
        {"finding_object", REG_STRING, .flags = NUL, .doc = "source finding: the object, type/id"},
        {"incident_id", REG_INT, .doc = "the incident it comes from"},
        {"responsible", REG_STRING, 0, INCIDENT_REF_MAX, .flags = REG_F_LIST,
         .doc = "the responsible function"},
        {"due_on", REG_DATE, .flags = NUL | REG_F_LIST, .doc = "when it is due"},
        {"status", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER, .vlabel = "dev.status",
         .doc = "open, in_progress, done or written_off"},
        {"status_reason", REG_TEXT, .flags = NUL, .doc = "why it was written off"},
        {"resolved_by", REG_STRING, .flags = NUL, .doc = "user or rule (when done)"},
        {"status_on", REG_DATE, .flags = NUL, .doc = "the day it became done or written off"},
        REG_FIELD_CREATED_AT,
        {"created_by", REG_INT, .src = REG_SRC_CREATED_BY, .doc = "who recorded it (identity)"},
        REG_FIELD_UPDATED_AT,
        {"open", REG_ENUM, .values = yes_no, .src = REG_SRC_SQL, .flags = REG_F_FILTER,
         .vlabel = "regdef.deviation.open",
         .col = "(CASE WHEN " OPEN " THEN 'true' ELSE 'false' END)",
         .doc = "true: open or in progress"},
        {"reason", REG_TEXT, 1, INCIDENT_TEXT_MAX, .src = REG_SRC_LEDGER_ONLY,
         .doc = "why it is written off"},
        {0},
};

/* ---- the checks ---- */

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Done and written off are final: nothing changes any more. */
static int refuse_final(struct reg_call *c)
{
	const char *s = str(c->old, "status");

	if (strcmp(s, "done") != 0 && strcmp(s, "written_off") != 0)
		return SK_OK;
	return store_tx_failr(c->tx, SK_ERULE, "id", "deviation.final",
	                      json_pack("{s:s}", "status", s),
	                      "deviation %lld is %s: it no longer changes", (long long)c->id, s);
}

/*
 * An update carries every editable field (as it did before registers were
 * data): those not given are copied from the record.
 */
static int check_update(struct reg_call *c)
{
	static const char *const keep[] = {"title", "description", "reference", "responsible",
	                                   "due_on"};
	int rc = refuse_final(c);

	for (size_t i = 0; !rc && i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (!json_object_get(c->data, keep[i]))
			json_object_set(c->data, keep[i],
			                json_object_get(c->old, keep[i]) ?: json_null());
	}
	return rc;
}

static int check_status(struct reg_call *c)
{
	const char *s = str(c->in, "status");
	bool off = strcmp(s, "written_off") == 0, reason = json_object_get(c->in, "reason");
	int rc = refuse_final(c);

	if (rc)
		return rc;
	if (off && !reason)
		return store_tx_failr(c->tx, SK_EINVAL, "reason", "deviation.reason_required", NULL,
		                      "reason: why it is written off");
	if (!off && reason)
		return store_tx_failr(c->tx, SK_EINVAL, "reason",
		                      "deviation.reason_only_written_off", NULL,
		                      "reason: only when written off");
	if (strcmp(s, str(c->old, "status")) == 0)
		return store_tx_failr(c->tx, SK_ERULE, "status", "deviation.status_same",
		                      json_pack("{s:s}", "status", s), "status: it is %s already",
		                      s);
	return SK_OK;
}

/* ---- the projection beyond the generic apply ---- */

/* The day of the entry (status_on). */
static void day_of(const struct ledger_entry *e, char *t, char *day)
{
	model_time(e->time_us, t);
	snprintf(day, 11, "%.10s", t);
}

static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	const char *s = model_json_str0(e->data, "status");
	bool fin = strcmp(s, "done") == 0 || strcmp(s, "written_off") == 0;
	char t[SK_TIME_LEN + 1], day[11];

	if (strcmp(cmd->event, "deviation.status") != 0)
		return SK_OK;
	day_of(e, t, day);
	return store_tx_run(tx,
	                    "UPDATE deviation SET status_reason = ?2, resolved_by = ?3, "
	                    "status_on = ?4 WHERE id = ?1",
	                    "ittt", model_json_int(e->data, "id"),
	                    model_json_str(e->data, "reason"), fin ? "user" : NULL,
	                    fin ? day : NULL);
}

/* deviation.created and deviation.resolved (deviation.c writes them). */
static int apply_other(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data;
	int64_t id = model_json_int(d, "id");
	char t[SK_TIME_LEN + 1], day[11];
	struct store_q *q;
	int rc;

	day_of(e, t, day);
	if (strcmp(e->kind, "deviation.resolved") == 0)
		return store_tx_run(tx,
		                    "UPDATE deviation SET status = 'done', status_reason = NULL, "
		                    "resolved_by = 'rule', status_on = ?2, updated_at = ?3 WHERE "
		                    "id = ?1",
		                    "itt", id, day, t);
	if (strcmp(e->kind, "deviation.created") != 0)
		return SK_OK;
	rc = store_tx_query(tx,
	                    "INSERT INTO deviation (id, title, description, source, reference, "
	                    "finding_rule, finding_object, incident_id, responsible, due_on, "
	                    "status, created_at, created_by, updated_at) VALUES (?1, ?2, ?3, ?4, "
	                    "?5, ?6, ?7, ?8, ?9, ?10, 'open', ?11, ?12, ?11)",
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

/* ---- reads ---- */

/*
 * Need-to-know: a deviation from a finding on something p may not see keeps
 * its status, dates and responsible, not its text. One statement for the
 * whole list; fails closed.
 */
static int view(struct model *m, const struct principal *p, json_t *rows)
{
	struct store_reader *r = model_reader(m);
	size_t n = json_array_size(rows), i;
	json_t *refs = json_array(), *o;
	bool *visible = calloc(n ? n : 1, sizeof(*visible));
	int rc = r && refs && visible ? SK_OK : SK_ENOMEM;

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
	return SK_OK; /* the rows are redacted when the check failed: nothing to drop */
}

static json_t *reply(struct model *m, const struct principal *p, json_t *o)
{
	(void)p;
	/* deviation.created and .updated carry the text: a hidden one's history has no data */
	return json_pack("{s:o, s:o}", "deviation", o, "history",
	                 incident_history(m, "deviation", model_json_int(o, "id"),
	                                  json_is_true(json_object_get(o, "hidden"))));
}

/* ---- the definition ---- */

static const struct reg_arg update_args[] = {
        {"title", 0, NULL, NULL},     {"description", 0, NULL, NULL},
        {"reference", 0, NULL, NULL}, {"responsible", 0, NULL, NULL},
        {"due_on", 0, NULL, NULL},    {0},
};
static const struct reg_arg status_args[] = {
        {"status", REG_A_REQUIRED, NULL, NULL},
        {"reason", 0, NULL, NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = HANDLE,
         .event = "deviation.updated",
         .args = update_args,
         .check = check_update,
         .summary = "change an open deviation"},
        {.name = "status",
         .verb = REG_ACT,
         .path = "status",
         .roles = HANDLE,
         .event = "deviation.status",
         .args = status_args,
         .check = check_status,
         .summary = "set a deviation's status (written_off with the reason)"},
        {0},
};

const struct register_def reg_deviations = {
        .name = "deviations",
        .one = "deviation",
        .table = "deviation",
        .display = "title",
        .title = "action plan of deviations",
        .slug = "atgardsplan",
        .paragraph = "2 kap. 14 §",
        .about = "The action plan (åtgärdsplan, 2 kap. 14 § PMFS 2022:1): deviations from "
                 "findings, controls, audits and incidents, with the responsible function, "
                 "the due date and the status.",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .apply = apply,
        .apply_other = apply_other,
        .view = view,
        .reply = reply,
};
