/*
 * Alerts (larm) of the security-log monitoring (4 kap. 30 § PMFS 2022:1):
 * raised only by the system (model_seclog_alert_raise, actor 0, entry
 * log_alert.raised, applied here by apply_other) when the monitor sees
 * repeated failed logins, a privileged account used outside its hours, a
 * silent source, a gap or an integrity failure; handled with a note by the
 * ssc or a log reader of the system. Need-to-know (the view hook): a
 * system's alerts are read by its log readers and by the ssc, each only
 * within their clearance — nobody else, in lists, reads and exports alike.
 */
#include <string.h>

#include "model/reg_int.h"
#include "model/register.h"
#include "model/seclog_int.h"
#include "seclog/monitor.h"

#define R(x) ROLE_BIT(ROLE_##x)

static const char *const states[] = {"open", "handled", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the alert's number"},
        {"alert", REG_STRING, .src = REG_SRC_SQL,
         .col = "('#' || log_alert.id || CASE WHEN log_alert.key <> '' THEN ' ' || log_alert.key "
                "ELSE '' END)",
         .doc = "the alert's number and what it concerns"},
        {"kind", REG_ENUM, .values = seclog_alert_kinds,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.log_alert_kind",
         .doc = "failed_logins, privileged, silent, gap or integrity"},
        {"system_id", REG_REF, .ref = "systems", .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,
         .doc = "the information system"},
        {"system", REG_STRING, .src = REG_SRC_SQL,
         .col = "(SELECT name FROM info_system WHERE info_system.id = log_alert.system_id)",
         .doc = "the system's name"},
        {"system_class", REG_CLASS, .src = REG_SRC_SQL,
         .col = "(SELECT max_class FROM info_system WHERE info_system.id = log_alert.system_id)",
         .doc = "the system's class (who may read the alert)"},
        {"source_id", REG_REF, .ref = "log_sources", .flags = REG_F_LIST | REG_F_NULL,
         .doc = "the log source (none for an integrity failure)"},
        {"key", REG_STRING, 0, SECLOG_KEY_MAX - 1, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "what it is about: an account and host, a host"},
        {"count", REG_INT, 0, INT64_MAX, .flags = REG_F_LIST, .doc = "the events behind it"},
        {"first_idx", REG_INT, 0, INT64_MAX, .doc = "the first message's index in the log"},
        {"last_idx", REG_INT, 0, INT64_MAX, .doc = "the last message's index in the log"},
        {"first_at", REG_STRING, .flags = REG_F_LIST, .doc = "when the first event arrived"},
        {"last_at", REG_STRING, .doc = "when the last event arrived"},
        {"detail", REG_STRING, 0, SECLOG_DETAIL_MAX - 1, .doc = "the rule's parameters"},
        {"incident_id", REG_INT, 1, INT64_MAX, .flags = REG_F_LIST | REG_F_NULL,
         .doc = "the incident reported with it (the routine's choice)"},
        {"status", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.log_alert_state",
         .doc = "open or handled"},
        {"note", REG_TEXT, 1, 2000, .doc = "what was done (handled)"},
        {"handled_by", REG_INT, .flags = REG_F_NULL, .doc = "who handled it (identity)"},
        {"handler", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_NULL,
         .col = "(SELECT display_name FROM identity WHERE identity.id = log_alert.handled_by)",
         .doc = "the name of who handled it"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

/* The ssc or a reader of the system, within clearance; to anyone else it does not exist. */
static int check_handle(struct reg_call *c)
{
	if (c->p &&
	    !seclog_tx_may_read_system(c->tx, c->p, model_json_int(c->old, "system_id"), true))
		return store_tx_failr(c->tx, SK_ENOTFOUND, "id", "record.not_found",
		                      json_pack("{s:s}", "register", c->def->name), "no %s %lld",
		                      c->def->one, (long long)c->id);
	json_object_set_new(c->data, "handled_by", json_integer(c->p ? c->p->id : 0));
	return SK_OK;
}

static const struct reg_arg handle_args[] = {
        {"note", REG_A_REQUIRED, NULL, NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "handle",
         .verb = REG_ACT,
         .path = "handle",
         .roles = SECLOG_READER_ROLES, /* the check: the ssc or a reader of the system */
         .event = "log_alert.handled",
         .state = "handled",
         .when = "open",
         .args = handle_args,
         .check = check_handle,
         .summary = "record that an alert was handled, with a note",
         .help = "Records what was done about an alert. The ssc or a reader of the system's "
                 "logs, within their clearance."},
        {0},
};

/* log_alert.raised: written by the system (model_seclog_alert_raise), no command. */
static int apply_other(struct store_tx *tx, const struct ledger_entry *e)
{
	const json_t *d = e->data, *src = json_object_get(d, "source_id"),
	             *inc = json_object_get(d, "incident_id");
	char t[SK_TIME_LEN + 1];
	struct store_q *q;
	int rc;

	if (strcmp(e->kind, "log_alert.raised") != 0)
		return SK_OK;
	model_time(e->time_us, t);
	rc = store_tx_query(tx,
	                    "INSERT INTO log_alert (id, kind, system_id, source_id, key, count, "
	                    "first_idx, last_idx, first_at, last_at, detail, incident_id, status, "
	                    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	                    "?10, ?11, ?12, 'open', ?13, ?13)",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, model_json_int(d, "id"));
	store_q_bind_text(q, 2, model_json_str0(d, "kind"));
	if (model_json_int(d, "system_id") > 0)
		store_q_bind_int(q, 3, model_json_int(d, "system_id"));
	else
		store_q_bind_null(q, 3); /* the whole log */
	if (json_is_integer(src))
		store_q_bind_int(q, 4, json_integer_value(src));
	else
		store_q_bind_null(q, 4);
	store_q_bind_text(q, 5, model_json_str0(d, "key"));
	store_q_bind_int(q, 6, model_json_int(d, "count"));
	store_q_bind_int(q, 7, model_json_int(d, "first_idx"));
	store_q_bind_int(q, 8, model_json_int(d, "last_idx"));
	store_q_bind_text(q, 9, model_json_str0(d, "first_at"));
	store_q_bind_text(q, 10, model_json_str0(d, "last_at"));
	store_q_bind_text(q, 11, model_json_str0(d, "detail"));
	if (json_is_integer(inc))
		store_q_bind_int(q, 12, json_integer_value(inc));
	else
		store_q_bind_null(q, 12);
	store_q_bind_text(q, 13, t);
	rc = store_q_step(q);
	store_q_done(q);
	return rc == SK_ENOTFOUND ? SK_OK : rc;
}

const struct register_def reg_log_alerts = {
        .name = "log_alerts",
        .one = "log_alert",
        .table = "log_alert",
        .cli = "log-alert",
        .slug = "larm",
        .display = "alert",
        .title = "log alerts",
        .paragraph = "4 kap. 30 §",
        .about = "Alerts the monitoring of the security logs raised, and how each was handled "
                 "(4 kap. 30 §).",
        .read_roles = SECLOG_READER_ROLES, /* the view hook: the ssc and the system's readers */
        .fields = fields,
        .cmds = cmds,
        .order = "id DESC",
        .apply_other = apply_other,
        .view = seclog_view_alerts,
};
