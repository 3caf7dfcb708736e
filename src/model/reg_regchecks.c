/*
 * Registerkontroll (6 kap. 7–15 §§ PMFS 2022:1): the application on
 * Säkerhetspolisen's form — the person, the position, the security class,
 * the period if the employment is temporary (7 §), the control reason
 * (kontrollorsak, 11 §), the day consent was given (samtycke, 10 §), for
 * class 1 the government's decision (8 §), for supplier staff the security
 * agreement (säkerhetsskyddsavtal) and the day it was reported to
 * Säkerhetspolisen (9 §) — the day it was sent, the answer and its day.
 * Renewal triggers (13 §: a new position outside the control reason, a
 * change of class, for class 1–2 marriage or cohabitation), each resolved by
 * a new check that renews this one; the ending of the spouse check (14 §).
 * The function that handles registerkontroller and its contact as reported
 * (15 §) is the small register regcheck_functions below.
 *
 * Readers: the personnel-security function and the ssc only, as vettings.
 * An application is sent only when complete: what the form needs is checked
 * at "send"; the rules flag a draft that still lacks it.
 */
#include <string.h>

#include "model/access_int.h"
#include "model/records.h"
#include "model/reg_int.h"
#include "model/register.h"
#include "model/vetting.h"

#define WHO VETTING_READERS
#define NUL REG_F_NULL

static const char *const states[] = {"draft", "sent", "answered", "cancelled", NULL};
static const char *const classes[] = {"1", "2", "3", NULL};
static const char *const answers[] = {"no_information", "information", NULL};
static const char *const trigger_kinds[] = {"new_position", "class_change", "marriage",
                                            "cohabitation", NULL};

/* The triggers not yet resolved by a renewal recorded after them (13 §). */
#define OPEN_TRIGGERS                                                                              \
	"(SELECT count(*) FROM regcheck_trigger t WHERE t.regcheck_id = regcheck.id AND NOT "      \
	"EXISTS (SELECT 1 FROM regcheck n WHERE n.renews_id = regcheck.id AND n.state <> "         \
	"'cancelled' AND n.created_at >= t.recorded_at))"

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the application's number"},
        {"person_id", REG_REF, .ref = "persons", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the person to be checked"},
        {"person", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT name FROM person WHERE person.id = regcheck.person_id)",
         .doc = "the person's name"},
        {"position_id", REG_INT, 1, SK_JSON_MAX_INT, .flags = REG_F_LIST | NUL,
         .doc = "the position (befattning), by its number"},
        {"security_class", REG_ENUM, .values = classes,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.security_class",
         .doc = "the position's security class (säkerhetsklass): 1, 2 or 3"},
        {"control_reason", REG_TEXT, 0, 2000,
         .doc = "the control reason (kontrollorsak, 11 §): the security-sensitive activity "
                "and the protected assets it gives access to"},
        {"temporary", REG_BOOL, .doc = "the employment or participation is temporary"},
        {"period_from", REG_DATE, .flags = NUL, .doc = "a temporary one's first day"},
        {"period_until", REG_DATE, .flags = NUL, .doc = "a temporary one's last day (7 §)"},
        {"consent_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST | NUL,
         .doc = "the day the person gave consent (samtycke, 10 §)"},
        {"government_decision", REG_STRING, 0, 128,
         .doc = "class 1: the government's decision the application rests on (8 §)"},
        {"supplier_agreement", REG_STRING, 0, 128,
         .doc = "supplier staff: the security agreement's (säkerhetsskyddsavtal) reference "
                "(9 §; one per application)"},
        {"agreement_reported_on", REG_DATE, .flags = REG_F_PAST | NUL,
         .doc = "the day the agreement was reported to Säkerhetspolisen"},
        {"spouse_included", REG_BOOL, .doc = "the check covers the spouse or cohabitant"},
        {"spouse_ended_on", REG_DATE, .flags = REG_F_PAST | NUL,
         .doc = "the day the marriage or cohabitation ended (14 §)"},
        {"spouse_reported_on", REG_DATE, .flags = REG_F_PAST | NUL,
         .doc = "the day the ending was reported to Säkerhetspolisen"},
        {"renews_id", REG_REF, .ref = "regchecks", .flags = REG_F_LIST | NUL,
         .doc = "the earlier check this one renews (13 §)"},
        {"sent_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST | NUL,
         .doc = "the day the application was sent"},
        {"answer", REG_ENUM, .values = answers, .flags = REG_F_LIST | NUL,
         .vlabel = "reg.regcheck_answer",
         .doc = "no_information, or information (disclosed for the vetting)"},
        {"answered_on", REG_DATE, .flags = REG_F_PAST | NUL, .doc = "the day of the answer"},
        {"trigger_kind", REG_ENUM, .values = trigger_kinds, .src = REG_SRC_LEDGER_ONLY,
         .vlabel = "reg.regcheck_trigger",
         .doc = "what calls for a renewed check: new_position, class_change, marriage, "
                "cohabitation"},
        {"trigger_on", REG_DATE, .flags = REG_F_PAST, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the day it happened"},
        {"trigger_note", REG_STRING, 0, 500, .src = REG_SRC_LEDGER_ONLY, .doc = "a note"},
        {"open_triggers", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST, .col = OPEN_TRIGGERS,
         .doc = "renewal triggers not yet resolved by a new check"},
        {"state", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.regcheck_state",
         .doc = "draft, sent, answered or cancelled"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

/* The value of field after the command: the argument given, else the record's. */
static const json_t *val(const struct reg_call *c, const char *field)
{
	const json_t *v = json_object_get(c->in, field);

	return v ? v : json_object_get(c->old, field);
}

static const char *str(const struct reg_call *c, const char *field)
{
	return json_string_value(val(c, field));
}

static int not_self(struct reg_call *c, int64_t person)
{
	if (c->p && c->p->id && records_tx_person_of_identity(c->tx, c->p->id) == person)
		return store_tx_failr(c->tx, SK_EPERM, "person_id", "vetting.self", NULL,
		                      "nobody records a registerkontroll of the person linked to "
		                      "their own login");
	return SK_OK;
}

static int64_t person_of(const struct reg_call *c)
{
	return c->old ? model_json_int(c->old, "person_id") : model_json_int(c->in, "person_id");
}

/* The period's order, as it will be. */
static int check_period(struct reg_call *c)
{
	const char *from = str(c, "period_from"), *until = str(c, "period_until");

	if (from && until && strcmp(until, from) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "period_until", "regcheck.period_order",
		                      json_pack("{s:s}", "date", from),
		                      "period_until: before period_from (%s)", from);
	return SK_OK;
}

static int check_add(struct reg_call *c)
{
	int64_t person = person_of(c), renews = model_json_int(c->in, "renews_id"), other = 0;
	int rc = not_self(c, person);

	if (rc || (rc = check_period(c)))
		return rc;
	rc = records_tx_person_active(c->tx, person);
	if (rc == SK_ERULE)
		return store_tx_failr(c->tx, SK_ERULE, "person_id", "vetting.person_ended", NULL,
		                      "person %lld has ended", (long long)person);
	if (rc)
		return rc;
	if (renews &&
	    (rc = store_tx_int(c->tx, &other, "SELECT person_id FROM regcheck WHERE id = ?1", "i",
	                       renews)))
		return rc;
	if (renews && other != person)
		return store_tx_failr(c->tx, SK_EINVAL, "renews_id", "regcheck.renews_other", NULL,
		                      "a renewal renews a check of the same person");
	return SK_OK;
}

static int check_update(struct reg_call *c)
{
	int rc = not_self(c, person_of(c));

	return rc ? rc : check_period(c);
}

/* What Säkerhetspolisen's form needs (7–11 §§), checked when the application is sent. */
static int check_send(struct reg_call *c)
{
	const char *on = model_json_str(c->data, "sent_on"), *rep = str(c, "agreement_reported_on");
	int rc = not_self(c, person_of(c));

	if (rc)
		return rc;
	if (!*model_json_str0(c->old, "control_reason"))
		return store_tx_failr(c->tx, SK_EINVAL, "control_reason", "regcheck.control_reason",
		                      NULL, "the control reason (11 §) is missing");
	if (!model_json_str(c->old, "consent_on"))
		return store_tx_failr(c->tx, SK_EINVAL, "consent_on", "regcheck.consent", NULL,
		                      "the day of consent (10 §) is missing");
	if (json_is_true(json_object_get(c->old, "temporary")) &&
	    !model_json_str(c->old, "period_until"))
		return store_tx_failr(c->tx, SK_EINVAL, "period_until", "regcheck.period", NULL,
		                      "a temporary employment's period (7 §) is missing");
	if (strcmp(model_json_str0(c->old, "security_class"), "1") == 0 &&
	    !*model_json_str0(c->old, "government_decision"))
		return store_tx_failr(c->tx, SK_EINVAL, "government_decision",
		                      "regcheck.government_decision", NULL,
		                      "class 1: the government's decision (8 §) is missing");
	if (*model_json_str0(c->old, "supplier_agreement") && (!rep || (on && strcmp(rep, on) > 0)))
		return store_tx_failr(
		        c->tx, SK_ERULE, "agreement_reported_on", "regcheck.agreement_not_reported",
		        NULL,
		        "supplier staff: only after the security agreement was reported "
		        "to Säkerhetspolisen (9 §)");
	return SK_OK;
}

static int check_answer(struct reg_call *c)
{
	const char *on = model_json_str(c->data, "answered_on"),
	           *sent = model_json_str(c->old, "sent_on");
	int rc = not_self(c, person_of(c));

	if (rc)
		return rc;
	if (on && sent && strcmp(on, sent) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "answered_on", "regcheck.answer_before",
		                      json_pack("{s:s}", "date", sent),
		                      "answered_on: before it was sent (%s)", sent);
	return SK_OK;
}

static int check_trigger(struct reg_call *c)
{
	const char *kind = model_json_str0(c->in, "trigger_kind");
	int rc = not_self(c, person_of(c));

	if (rc)
		return rc;
	/* marriage or cohabitation calls for a renewal in class 1 and 2 only (13 §) */
	if ((strcmp(kind, "marriage") == 0 || strcmp(kind, "cohabitation") == 0) &&
	    strcmp(model_json_str0(c->old, "security_class"), "3") == 0)
		return store_tx_failr(c->tx, SK_EINVAL, "trigger_kind", "regcheck.trigger_class",
		                      NULL, "marriage or cohabitation: class 1 or 2 only");
	return SK_OK;
}

static int check_spouse_end(struct reg_call *c)
{
	const char *ended = str(c, "spouse_ended_on"), *rep = str(c, "spouse_reported_on");
	int rc = not_self(c, person_of(c));

	if (rc)
		return rc;
	if (!json_is_true(json_object_get(c->old, "spouse_included")))
		return store_tx_failr(c->tx, SK_EINVAL, "spouse_ended_on", "regcheck.no_spouse",
		                      NULL, "the check does not cover a spouse or cohabitant");
	if (ended && rep && strcmp(rep, ended) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "spouse_reported_on",
		                      "regcheck.reported_before", json_pack("{s:s}", "date", ended),
		                      "spouse_reported_on: before it ended (%s)", ended);
	return SK_OK;
}

static int check_cancel(struct reg_call *c)
{
	return not_self(c, person_of(c));
}

static const struct reg_arg add_args[] = {
        {"person_id", REG_A_REQUIRED, "person", NULL},
        {"position_id", REG_A_NULL, "position", NULL},
        {"security_class", REG_A_REQUIRED, "class", NULL},
        {"control_reason", REG_A_EMPTY, "reason", NULL},
        {"temporary", 0, NULL, NULL},
        {"period_from", REG_A_NULL, "from", NULL},
        {"period_until", REG_A_NULL, "until", NULL},
        {"consent_on", REG_A_NULL, "consent", NULL},
        {"spouse_included", 0, "spouse", NULL},
        {"renews_id", REG_A_NULL, "renews", NULL},
        {0},
};
static const struct reg_arg update_args[] = {
        {"position_id", REG_A_CLEAR, "position", NULL},
        {"security_class", 0, "class", NULL},
        {"control_reason", 0, "reason", NULL},
        {"temporary", 0, NULL, NULL},
        {"period_from", REG_A_CLEAR, "from", NULL},
        {"period_until", REG_A_CLEAR, "until", NULL},
        {"consent_on", REG_A_CLEAR, "consent", NULL},
        {"government_decision", 0, NULL, NULL},
        {"supplier_agreement", 0, "agreement", NULL},
        {"agreement_reported_on", REG_A_CLEAR, "agreement-reported", NULL},
        {0},
};
static const struct reg_arg send_args[] = {
        {"sent_on", REG_A_TODAY, "on", "the day it was sent (default today)"},
        {0},
};
static const struct reg_arg answer_args[] = {
        {"answer", REG_A_REQUIRED, NULL, NULL},
        {"answered_on", REG_A_TODAY, "on", "the day of the answer (default today)"},
        {0},
};
static const struct reg_arg trigger_args[] = {
        {"trigger_kind", REG_A_REQUIRED, "kind", NULL},
        {"trigger_on", REG_A_REQUIRED, "on", NULL},
        {"trigger_note", REG_A_EMPTY, "note", NULL},
        {0},
};
static const struct reg_arg spouse_args[] = {
        {"spouse_ended_on", REG_A_REQUIRED, "ended", NULL},
        {"spouse_reported_on", 0, "reported", NULL},
        {0},
};
static const struct reg_arg no_args[] = {{0}};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = WHO,
         .event = "regcheck.drafted",
         .state = "draft",
         .args = add_args,
         .check = check_add,
         .summary = "draft an application for registerkontroll",
         .help = "Drafts an application for registerkontroll of --person in security class "
                 "--class, with the control reason, the period if temporary, the day of "
                 "consent; --renews names the earlier check a renewal replaces (13 §)."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = WHO,
         .event = "regcheck.updated",
         .when = "draft",
         .args = update_args,
         .check = check_update,
         .summary = "complete a draft application",
         .help = "Completes a draft: the control reason, the period, consent, for class 1 the "
                 "government's decision, for supplier staff the security agreement and the "
                 "day it was reported to Säkerhetspolisen."},
        {.name = "send",
         .verb = REG_ACT,
         .path = "send",
         .roles = WHO,
         .event = "regcheck.sent",
         .state = "sent",
         .when = "draft",
         .args = send_args,
         .check = check_send,
         .summary = "record the application sent to Säkerhetspolisen",
         .help = "Records the day the application was sent; refused while the form lacks "
                 "what 7–11 §§ require."},
        {.name = "answer",
         .verb = REG_ACT,
         .path = "answer",
         .roles = WHO,
         .event = "regcheck.answered",
         .state = "answered",
         .when = "sent",
         .args = answer_args,
         .check = check_answer,
         .summary = "record Säkerhetspolisen's answer",
         .help = "Records the answer (no_information or information) and its day."},
        {.name = "trigger",
         .verb = REG_ACT,
         .path = "trigger",
         .roles = WHO,
         .event = "regcheck.triggered",
         .when = "sent answered",
         .args = trigger_args,
         .check = check_trigger,
         .no_apply = true,
         .summary = "record what calls for a renewed check (13 §)",
         .help = "Records a new position outside the control reason, a change of class, or "
                 "(class 1–2) marriage or cohabitation, with its day. A new check with "
                 "--renews resolves it."},
        {.name = "spouse-end",
         .verb = REG_ACT,
         .path = "spouse-end",
         .roles = WHO,
         .event = "regcheck.spouse_ended",
         .when = "sent answered",
         .args = spouse_args,
         .check = check_spouse_end,
         .summary = "record the ending of the spouse check (14 §)",
         .help = "Records the day the marriage or cohabitation ended and the day it was "
                 "reported to Säkerhetspolisen."},
        {.name = "cancel",
         .verb = REG_ACT,
         .path = "cancel",
         .roles = WHO,
         .event = "regcheck.cancelled",
         .state = "cancelled",
         .when = "draft sent",
         .args = no_args,
         .check = check_cancel,
         .danger = true,
         .summary = "cancel an application"},
        {0},
};

/* A renewal trigger: a row of regcheck_trigger. */
static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	char t[SK_TIME_LEN + 1];
	int64_t id = model_json_int(e->data, "id");
	int rc;

	if (strcmp(cmd->event, "regcheck.triggered") != 0)
		return SK_OK;
	model_time(e->time_us, t);
	rc = store_tx_run(
	        tx,
	        "INSERT INTO regcheck_trigger (regcheck_id, seq, kind, occurred_on, note, "
	        "noted_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	        "iitttit", id, (int64_t)e->seq, model_json_str0(e->data, "trigger_kind"),
	        model_json_str0(e->data, "trigger_on"), model_json_str0(e->data, "trigger_note"),
	        e->actor, t);
	if (!rc)
		rc = store_tx_run(tx, "UPDATE regcheck SET updated_at = ?1 WHERE id = ?2", "ti", t,
		                  id);
	return rc;
}

/* The triggers, each with the renewal that resolved it (or null), and the renewals. */
static void detail(struct model *m, const struct principal *p, json_t *o)
{
	struct store_reader *r = model_reader(m);
	int64_t id = model_json_int(o, "id");
	json_t *trig = json_array(), *ren = json_array();
	struct store_q *q;

	if (r && trig && (!p || (p->roles & WHO)) &&
	    !store_reader_query(
	            r,
	            "SELECT t.seq, t.kind, t.occurred_on, t.note, (SELECT min(n.id) FROM "
	            "regcheck n WHERE n.renews_id = t.regcheck_id AND n.state <> "
	            "'cancelled' AND n.created_at >= t.recorded_at) FROM "
	            "regcheck_trigger t WHERE t.regcheck_id = ?1 ORDER BY t.seq",
	            &q)) {
		store_q_bind_int(q, 1, id);
		while (store_q_step(q) == SK_OK)
			json_array_append_new(trig, json_pack("{s:I, s:s, s:s, s:s, s:o}", "seq",
			                                      (json_int_t)store_q_int(q, 0), "kind",
			                                      store_q_text(q, 1), "occurred_on",
			                                      store_q_text(q, 2), "note",
			                                      store_q_text(q, 3), "resolved_by",
			                                      model_q_json_int(q, 4)));
		store_q_done(q);
	}
	if (r && ren && (!p || (p->roles & WHO)) &&
	    !store_reader_query(r, "SELECT id FROM regcheck WHERE renews_id = ?1 ORDER BY id",
	                        &q)) {
		store_q_bind_int(q, 1, id);
		while (store_q_step(q) == SK_OK)
			json_array_append_new(ren, json_integer(store_q_int(q, 0)));
		store_q_done(q);
	}
	json_object_set_new(o, "triggers", trig ? trig : json_array());
	json_object_set_new(o, "renewed_by", ren ? ren : json_array());
}

static const char *const extra[] = {"regcheck_trigger", NULL};

const struct register_def reg_regchecks = {
        .name = "regchecks",
        .one = "regcheck",
        .table = "regcheck",
        .cli = "regcheck",
        .slug = "registerkontroller",
        .display = "person",
        .title = "registerkontroller",
        .paragraph = "6 kap. 7–14 §§",
        .about = "Registerkontroller: applications on Säkerhetspolisen's form, answers, "
                 "renewal triggers and the ending of spouse checks. Read only by the "
                 "personnel-security function and the ssc.",
        .read_roles = WHO,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .apply = apply,
        .detail = detail,
        .extra_tables = extra,
};

/* ---- the function that handles registerkontroller (15 §) ---- */

static const char *const fn_states[] = {"current", "replaced", NULL};

static const struct reg_field fn_fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the record's number"},
        {"function_name", REG_STRING, 1, 200, .flags = REG_F_LIST | REG_F_CLI | REG_F_NOBLANK,
         .doc = "the function that handles registerkontroller"},
        {"contact", REG_STRING, 1, 200, .flags = REG_F_LIST | REG_F_CLI | REG_F_NOBLANK,
         .doc = "its contact person"},
        {"phone", REG_STRING, 0, 64, .flags = REG_F_LIST, .doc = "the contact's telephone"},
        {"email", REG_STRING, 0, 200, .flags = REG_F_LIST, .doc = "the contact's e-mail"},
        {"reported_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST | REG_F_CLI | NUL,
         .doc = "the day the contact was reported to Säkerhetspolisen"},
        {"state", REG_ENUM, .values = fn_states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.regcheck_function_state",
         .doc = "current, or replaced by a later record"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

static const struct reg_arg fn_add_args[] = {
        {"function_name", REG_A_REQUIRED, "function", NULL},
        {"contact", REG_A_REQUIRED, NULL, NULL},
        {"phone", REG_A_EMPTY, NULL, NULL},
        {"email", REG_A_EMPTY, NULL, NULL},
        {"reported_on", REG_A_NULL, "reported", NULL},
        {0},
};
static const struct reg_arg fn_update_args[] = {
        {"function_name", 0, "function", NULL},
        {"contact", 0, NULL, NULL},
        {"phone", 0, NULL, NULL},
        {"email", 0, NULL, NULL},
        {"reported_on", REG_A_CLEAR, "reported", NULL},
        {0},
};

static const struct reg_cmd fn_cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = WHO,
         .event = "regcheck_function.recorded",
         .state = "current",
         .args = fn_add_args,
         .summary = "record the function for registerkontroller and its contact (15 §)",
         .help = "Records the function that handles registerkontroller, its contact and the "
                 "day it was reported to Säkerhetspolisen; it replaces the earlier record."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = WHO,
         .event = "regcheck_function.updated",
         .when = "current",
         .args = fn_update_args,
         .summary = "change the contact or the day it was reported"},
        {0},
};

/* A new record replaces the current one: one function is current at a time. */
static int fn_apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	if (cmd->verb != REG_CREATE)
		return SK_OK;
	return store_tx_run(tx,
	                    "UPDATE regcheck_function SET state = 'replaced' WHERE state = "
	                    "'current' AND id <> ?1",
	                    "i", model_json_int(e->data, "id"));
}

const struct register_def reg_regcheck_functions = {
        .name = "regcheck_functions",
        .one = "regcheck_function",
        .table = "regcheck_function",
        .cli = "regcheck-function",
        .slug = "registerkontrollfunktion",
        .display = "function_name",
        .title = "registerkontroll function",
        .paragraph = "6 kap. 15 §",
        .about = "The function that handles registerkontroller and its contact as reported to "
                 "Säkerhetspolisen (6 kap. 15 §).",
        .read_roles = WHO,
        .fields = fn_fields,
        .cmds = fn_cmds,
        .order = "id",
        .apply = fn_apply,
};
