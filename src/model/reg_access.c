/*
 * Access authorisations (tillträdesbehörigheter, 5 kap. 2 § PMFS 2022:1): the
 * decision that a person may enter an area from one day until another, with
 * its reference and reason; changes and withdrawals are entries. The
 * security officer (or the head) decides, and nobody decides about the
 * person linked to their own login (separation of duties). Least access: an
 * authorisation to an area opens its zones only where the area says so
 * (include_zones, reg_areas.c); the area's page lists who may enter.
 *
 * Readers: the ssc, the head and the auditor. Not the registrar: who may
 * enter which area is the security officer's physical protection, not the
 * register of classified information, and nothing the registrar does needs it.
 */
#include <string.h>

#include "model/access_int.h"
#include "model/records.h"
#include "model/reg_int.h"
#include "model/register.h"

#define R(x)   ROLE_BIT(ROLE_##x)
#define DECIDE (R(SSC) | R(CHIEF))
#define READ   (R(SSC) | R(CHIEF) | R(AUDITOR))

static const char *const states[] = {"active", "withdrawn", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the authorisation's number"},
        {"label", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "((SELECT name FROM person WHERE person.id = area_access.person_id) || ' – ' || "
                "(SELECT name FROM area WHERE area.id = area_access.area_id))",
         .doc = "the person and the area, by name"},
        {"person_id", REG_REF, .ref = "persons", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the person authorised"},
        {"area_id", REG_REF, .ref = "areas", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the area they may enter"},
        {"decision_ref", REG_STRING, 0, 128, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "the decision's reference"},
        {"valid_from", REG_DATE, .flags = REG_F_LIST | REG_F_CLI, .doc = "the first day"},
        {"valid_until", REG_DATE, .flags = REG_F_LIST | REG_F_CLI | REG_F_NULL,
         .doc = "the last day"},
        {"reason", REG_TEXT, 0, 1000, .doc = "why the person needs to enter"},
        {"decided_by", REG_REF, .ref = "identities", .flags = REG_F_LIST,
         .doc = "who decided (identity; the latest grant or change)"},
        {"state", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.access_state",
         .doc = "active or withdrawn"},
        {"withdrawn_on", REG_DATE, .flags = REG_F_PAST | REG_F_NULL,
         .doc = "the day it was withdrawn"},
        {"withdraw_reason", REG_TEXT, 1, 1000, .doc = "why it was withdrawn"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

/*
 * The decision's own checks: the decider is not the person (separation of
 * duties), the person and the area are active, the last day not before the
 * first; decided_by is the decider.
 */
static int check_decision(struct reg_call *c)
{
	int64_t person = json_object_get(c->in, "person_id") ? model_json_int(c->in, "person_id")
	                                                     : model_json_int(c->old, "person_id");
	int64_t area = json_object_get(c->in, "area_id") ? model_json_int(c->in, "area_id")
	                                                 : model_json_int(c->old, "area_id");
	const char *from = reg_now_str(c, "valid_from"), *until = reg_now_str(c, "valid_until");
	int64_t n = 0;
	int rc;

	if (c->p && c->p->id && records_tx_person_of_identity(c->tx, c->p->id) == person)
		return store_tx_failr(c->tx, SK_EPERM, "person_id", "area_access.self", NULL,
		                      "nobody decides on access for the person linked to their own "
		                      "login: another ssc or the head decides");
	rc = records_tx_person_active(c->tx, person);
	if (rc == SK_ERULE)
		return store_tx_failr(c->tx, SK_ERULE, "person_id", "area_access.person_ended",
		                      NULL, "person %lld has ended", (long long)person);
	if (rc)
		return rc;
	if ((rc = store_tx_int(c->tx, &n,
	                       "SELECT count(*) FROM area WHERE id = ?1 AND status = "
	                       "'active'",
	                       "i", area)))
		return rc;
	if (!n)
		return store_tx_failr(c->tx, SK_ERULE, "area_id", "area_access.area_closed", NULL,
		                      "area %lld is closed", (long long)area);
	if (from && until && strcmp(until, from) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "valid_until", "area_access.until_before",
		                      json_pack("{s:s}", "date", from),
		                      "valid_until: before valid_from (%s)", from);
	json_object_set_new(c->data, "decided_by", json_integer(c->p ? c->p->id : 0));
	return SK_OK;
}

static int check_withdraw(struct reg_call *c)
{
	const char *from = model_json_str(c->old, "valid_from"),
	           *on = model_json_str(c->data, "withdrawn_on");

	/* withdrawn before it began: the day it began (nothing to withdraw before that) */
	if (from && on && strcmp(on, from) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "withdrawn_on",
		                      "area_access.withdrawn_before",
		                      json_pack("{s:s}", "date", from),
		                      "withdrawn_on: before valid_from (%s)", from);
	return SK_OK;
}

static const struct reg_arg grant_args[] = {
        {"person_id", REG_A_REQUIRED, "person", NULL},
        {"area_id", REG_A_REQUIRED, "area", NULL},
        {"decision_ref", REG_A_EMPTY, "decision", NULL},
        {"valid_from", REG_A_TODAY, "from", "the first day (default today)"},
        {"valid_until", REG_A_NULL, "until", NULL},
        {"reason", REG_A_EMPTY, NULL, NULL},
        {0},
};
static const struct reg_arg change_args[] = {
        {"decision_ref", 0, "decision", NULL},
        {"valid_from", 0, "from", NULL},
        {"valid_until", REG_A_CLEAR, "until", NULL},
        {"reason", 0, NULL, NULL},
        {0},
};
static const struct reg_arg withdraw_args[] = {
        {"withdrawn_on", REG_A_TODAY, "on", "the day it ends (default today)"},
        {"withdraw_reason", REG_A_REQUIRED, "reason", NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "grant",
         .verb = REG_CREATE,
         .roles = DECIDE,
         .event = "area_access.granted",
         .state = "active",
         .args = grant_args,
         .check = check_decision,
         .summary = "decide that a person may enter an area (5 kap. 2 §)",
         .help = "Records the decision that a person may enter an area from --from until "
                 "--until. The ssc or the head decides; never for the person linked to their "
                 "own login."},
        {.name = "change",
         .verb = REG_UPDATE,
         .roles = DECIDE,
         .event = "area_access.changed",
         .when = "active",
         .args = change_args,
         .check = check_decision,
         .summary = "change an authorisation (a new decision)",
         .help = "Changes an active authorisation: its decision, days or reason."},
        {.name = "withdraw",
         .verb = REG_ACT,
         .path = "withdraw",
         .roles = DECIDE,
         .event = "area_access.withdrawn",
         .state = "withdrawn",
         .when = "active",
         .args = withdraw_args,
         .check = check_withdraw,
         .danger = true,
         .summary = "withdraw an authorisation",
         .help = "Withdraws an authorisation from a day, with the reason."},
        {0},
};

const struct register_def reg_access = {
        .name = "access",
        .one = "area_access",
        .table = "area_access",
        .cli = "access",
        .slug = "tilltraden",
        .display = "label",
        .title = "access authorisations",
        .paragraph = "5 kap. 2 §",
        .about = "Access authorisations (5 kap. 2 §): who may enter which area, decided by "
                 "whom, from when until when; changes and withdrawals.",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
};
