/*
 * Positions and placements (befattningar och placeringar, 6 kap. 2–3, 11 §§
 * PMFS 2022:1). A position is an employment or other participation in the
 * security-sensitive activity placed in säkerhetsklass 1, 2 or 3, vetted
 * without class (säkerhetsprövning utan placering i säkerhetsklass, 3 §) or
 * needing registerkontroll without class; the list is kept from the security
 * protection analysis (2 §), so a position's decision names the approved
 * analysis it rests on, who decided (the ssc or the head), when and its
 * reference. Its kontrollorsak (11 §) says which activity the person takes
 * part in and which protected assets they get access to.
 *
 * A placement is a person in a position from a day until a day (a temporary
 * one has its end), ended with a day and a reason. Nobody places the person
 * linked to their own login; nobody is placed twice in the same position at
 * once. A position is closed only when nobody is placed in it.
 *
 * The ssc and the personnel-security function record; the head decides too.
 * Readers: ssc, personnel, chief, auditor (who holds which position is
 * personnel-security data, not the register of classified information).
 */
#include <string.h>

#include "model/positions.h"
#include "model/positions_sql.h"
#include "model/records.h"
#include "model/reg_int.h"
#include "model/register.h"
#include "store/store.h"

#define R(x)   ROLE_BIT(ROLE_##x)
#define RECORD (R(SSC) | R(PERSONNEL))
#define DECIDE (R(SSC) | R(PERSONNEL) | R(CHIEF))
#define READ   (R(SSC) | R(PERSONNEL) | R(CHIEF) | R(AUDITOR))

static const char *const states[] = {"active", "closed", NULL};
static const char *const pl_states[] = {"active", "ended", NULL};
static const char *const positions_classes[] = {"sk1", "sk2", "sk3", "vetted", "register", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the position's number"},
        {"name", REG_STRING, 1, 200, .flags = REG_F_LIST | REG_F_CLI | REG_F_UNIQUE,
         .doc = "the position (befattning) or other participation"},
        {"unit", REG_STRING, 0, 200, .flags = REG_F_LIST, .doc = "the unit it belongs to"},
        {"security_class", REG_ENUM, .values = positions_classes,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.position_class",
         .doc = "sk1, sk2, sk3 (säkerhetsklass 1–3), vetted (säkerhetsprövning without class) "
                "or register (registerkontroll without class)"},
        {"info_class", REG_CLASS, .flags = REG_F_LIST | REG_F_NULL,
         .doc = "the highest class of information the position handles: BH K H KH"},
        {"control_activity", REG_TEXT, 0, 2000,
         .doc = "kontrollorsak (6 kap. 11 §): the security-sensitive activity taken part in"},
        {"control_assets", REG_TEXT, 0, 2000,
         .doc = "kontrollorsak (6 kap. 11 §): the protected assets the position gives access "
                "to"},
        {"description", REG_TEXT, 0, 2000, .doc = "what the position does"},
        {"analysis_id", REG_INT, 1, SK_JSON_MAX_INT, .flags = REG_F_NULL,
         .doc = "the approved security protection analysis the decision rests on"},
        {"decision_ref", REG_STRING, 1, 128, .flags = REG_F_LIST | REG_F_NULL,
         .doc = "the class decision's reference"},
        {"decided_by", REG_REF, .ref = "identities", .flags = REG_F_NULL,
         .doc = "who decided (the ssc or the head on that day)"},
        {"decided_on", REG_DATE, .flags = REG_F_LIST | REG_F_PAST | REG_F_NULL,
         .doc = "the day the class was decided (none: not decided)"},
        {"placed", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST | REG_F_CLI,
         .col = "(SELECT count(*) FROM placement pl WHERE pl.position_id = position.id "
                "AND " POSITIONS_PLACED("pl", REG_TODAY) ")",
         .doc = "persons placed in it today"},
        {"state", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.position_state",
         .doc = "active or closed"},
        {"closed_on", REG_DATE, .flags = REG_F_NULL, .doc = "the day it was closed"},
        {"close_reason", REG_TEXT, 1, 1000, .doc = "why it was closed"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

/* A position in säkerhetsklass handles classified information: its class is stated. */
static int check_classes(struct reg_call *c)
{
	const char *sc = reg_now_str(c, "security_class");

	if (sc && strncmp(sc, "sk", 2) == 0 && !reg_now_str(c, "info_class"))
		return store_tx_failr(c->tx, SK_EINVAL, "info_class", "position.info_class_needed",
		                      NULL,
		                      "info_class: a position in säkerhetsklass names the highest "
		                      "class of information it handles");
	return SK_OK;
}

static int check_update(struct reg_call *c)
{
	const char *was = model_json_str(c->old, "security_class"),
	           *sc = model_json_str(c->data, "security_class");

	/* another class is another decision (6 kap. 2 §): the old one no longer holds */
	if (sc && was && strcmp(sc, was) != 0) {
		json_object_set_new(c->data, "decided_on", json_null());
		json_object_set_new(c->data, "decided_by", json_null());
		json_object_set_new(c->data, "decision_ref", json_null());
		json_object_set_new(c->data, "analysis_id", json_null());
	}
	return check_classes(c);
}

/*
 * The class decision: by the ssc or the head on the day (the caller when
 * decided_by is not given), on an approved security protection analysis
 * (6 kap. 2–3 §§: "med utgångspunkt i säkerhetsskyddsanalysen").
 */
static int check_decide(struct reg_call *c)
{
	int64_t by = model_json_int(c->in, "decided_by"), an = model_json_int(c->in, "analysis_id"),
	        n = 0;
	const char *on = model_json_str(c->data, "decided_on");
	unsigned roles;
	int rc;

	if (!by)
		by = c->p ? c->p->id : 0;
	if (!by)
		return store_tx_failr(c->tx, SK_EINVAL, "decided_by", "position.decider_needed",
		                      NULL, "decided_by: name who decided");
	roles = model_tx_roles_of(c->tx, by, on ? on : "");
	if (!(roles & MODEL_ROLES_SSC_CHIEF))
		return store_tx_failr(c->tx, SK_ERULE, "decided_by", "position.decider_role",
		                      json_pack("{s:s}", "date", on ? on : ""),
		                      "decided_by: only the security officer or the head decides a "
		                      "position's class (held the role on %s)",
		                      on ? on : "");
	if ((rc = store_tx_int(c->tx, &n,
	                       "SELECT count(*) FROM analysis WHERE id = ?1 AND state = 'approved'",
	                       "i", an)))
		return rc;
	if (!n)
		return store_tx_failr(c->tx, SK_ERULE, "analysis_id",
		                      "position.analysis_not_approved", NULL,
		                      "analysis_id: the decision rests on the approved (current) "
		                      "security protection analysis");
	json_object_set_new(c->data, "decided_by", json_integer(by));
	return SK_OK;
}

/* Closed only when nobody is placed in it (today or later). */
static int check_close(struct reg_call *c)
{
	struct buf b;
	int rc = SK_OK;

	buf_init(&b, 256);
	reg_tx_held_list(c->tx,
	                 "SELECT id FROM placement WHERE position_id = ?1 AND state = 'active' "
	                 "ORDER BY id",
	                 c->id, 0, "placement", &b);
	if (b.len)
		rc = store_tx_failr(c->tx, SK_ERULE, "id", "position.placed",
		                    json_pack("{s:s}", "held", b.ptr),
		                    "persons are still placed in the position (%s): end their "
		                    "placements first",
		                    b.ptr);
	buf_release(&b);
	return rc;
}

static const struct reg_arg add_args[] = {
        {"name", REG_A_REQUIRED, NULL, NULL},
        {"unit", REG_A_EMPTY, NULL, NULL},
        {"security_class", REG_A_REQUIRED, "class", NULL},
        {"info_class", REG_A_NULL, "info-class", NULL},
        {"control_activity", REG_A_EMPTY, "activity", NULL},
        {"control_assets", REG_A_EMPTY, "assets", NULL},
        {"description", REG_A_EMPTY, NULL, NULL},
        {0},
};
static const struct reg_arg update_args[] = {
        {"name", 0, NULL, NULL},
        {"unit", 0, NULL, NULL},
        {"security_class", 0, "class", "another class needs a new decision"},
        {"info_class", 0, "info-class", NULL},
        {"control_activity", 0, "activity", NULL},
        {"control_assets", 0, "assets", NULL},
        {"description", 0, NULL, NULL},
        {0},
};
static const struct reg_arg decide_args[] = {
        {"analysis_id", REG_A_REQUIRED, "analysis", NULL},
        {"decision_ref", REG_A_REQUIRED, "decision", NULL},
        {"decided_on", REG_A_TODAY, "on", "the day decided (default today)"},
        {"decided_by", REG_A_NULL, "by", "who decided (default: you)"},
        {0},
};
static const struct reg_arg close_args[] = {
        {"closed_on", REG_A_TODAY, "on", "the day (default today)"},
        {"close_reason", REG_A_REQUIRED, "reason", NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = RECORD,
         .event = "position.added",
         .state = "active",
         .args = add_args,
         .check = check_classes,
         .summary = "list a position in säkerhetsklass, vetted or registerkontroll without class",
         .help = "Lists an employment or other participation: its class (sk1, sk2, sk3, vetted "
                 "without class, or register: registerkontroll without class), the highest "
                 "class of information it handles, and its kontrollorsak (--activity and "
                 "--assets, 6 kap. 11 §). The class is decided with 'decide'."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = RECORD,
         .event = "position.updated",
         .when = "active",
         .args = update_args,
         .check = check_update,
         .summary = "change a position (another class needs a new decision)",
         .help = "Changes a position's name, unit, description, class or kontrollorsak. "
                 "Another class clears the decision: decide it again."},
        {.name = "decide",
         .verb = REG_ACT,
         .path = "decide",
         .roles = DECIDE,
         .event = "position.decided",
         .when = "active",
         .args = decide_args,
         .check = check_decide,
         .summary = "record the class decision on the approved analysis (6 kap. 2–3 §§)",
         .help = "Records that the ssc or the head (--by, default you) decided the position's "
                 "class on --on with the reference --decision, on the approved security "
                 "protection analysis --analysis."},
        {.name = "close",
         .verb = REG_ACT,
         .path = "close",
         .roles = RECORD,
         .event = "position.closed",
         .state = "closed",
         .when = "active",
         .args = close_args,
         .check = check_close,
         .danger = true,
         .summary = "close a position (refused while persons are placed in it)",
         .help = "Closes a position from a day with the reason; refused while any placement "
                 "in it is active."},
        {0},
};

const struct register_def reg_positions = {
        .name = "positions",
        .one = "position",
        .table = "position",
        .cli = "position",
        .slug = "befattningar",
        .display = "name",
        .title = "positions",
        .paragraph = "6 kap. 2–3, 11 §§",
        .about = "Positions (befattningar): employments and other participation placed in "
                 "säkerhetsklass 1–3, vetted without class or needing registerkontroll; their "
                 "class decision on the approved analysis and their kontrollorsak.",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .import = "add",
};

/* ---- placements ---- */

static const struct reg_field pl_fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the placement's number"},
        {"label", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST | REG_F_CLI,
         .col = "((SELECT name FROM person WHERE person.id = placement.person_id) || ' – ' || "
                "(SELECT name FROM position WHERE position.id = placement.position_id))",
         .doc = "the person and the position, by name"},
        {"position_id", REG_REF, .ref = "positions", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the position"},
        {"person_id", REG_REF, .ref = "persons", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the person placed"},
        {"security_class", REG_ENUM, .values = positions_classes, .src = REG_SRC_SQL,
         .flags = REG_F_LIST, .vlabel = "reg.position_class",
         .col = "(SELECT security_class FROM position WHERE position.id = "
                "placement.position_id)",
         .doc = "the position's class"},
        {"valid_from", REG_DATE, .flags = REG_F_LIST | REG_F_CLI, .doc = "the first day"},
        {"valid_until", REG_DATE, .flags = REG_F_LIST | REG_F_CLI | REG_F_NULL,
         .doc = "the last day (a temporary placement has one)"},
        {"temporary", REG_BOOL, .flags = REG_F_LIST,
         .doc = "temporary (tidsbegränsad): the last day is stated"},
        {"decision_ref", REG_STRING, 0, 128, .flags = REG_F_LIST,
         .doc = "the placement decision's reference"},
        {"placed_by", REG_REF, .ref = "identities", .doc = "who recorded it"},
        {"state", REG_ENUM, .values = pl_states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.placement_state",
         .doc = "active or ended"},
        {"ended_on", REG_DATE, .flags = REG_F_NULL, .doc = "the last day of the placement"},
        {"end_reason", REG_TEXT, 1, 1000, .doc = "why it ended"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

static int check_place(struct reg_call *c)
{
	int64_t person = model_json_int(c->in, "person_id"),
	        pos = model_json_int(c->in, "position_id"), n = 0;
	const char *from = model_json_str(c->data, "valid_from"),
	           *until = model_json_str(c->data, "valid_until");
	int rc;

	if (c->p && c->p->id && records_tx_person_of_identity(c->tx, c->p->id) == person)
		return store_tx_failr(c->tx, SK_EPERM, "person_id", "placement.self", NULL,
		                      "nobody places the person linked to their own login: another "
		                      "ssc or the personnel-security function does");
	rc = records_tx_person_active(c->tx, person);
	if (rc == SK_ERULE)
		return store_tx_failr(c->tx, SK_ERULE, "person_id", "placement.person_ended", NULL,
		                      "person %lld has ended", (long long)person);
	if (rc)
		return rc;
	if ((rc = store_tx_int(c->tx, &n,
	                       "SELECT count(*) FROM position WHERE id = ?1 AND state = 'active'",
	                       "i", pos)))
		return rc;
	if (!n)
		return store_tx_failr(c->tx, SK_ERULE, "position_id", "placement.position_closed",
		                      NULL, "position %lld is closed", (long long)pos);
	if (json_is_true(json_object_get(c->in, "temporary")) && !until)
		return store_tx_failr(c->tx, SK_EINVAL, "valid_until", "placement.until_needed",
		                      NULL,
		                      "valid_until: a temporary placement states its last day");
	if (from && until && strcmp(until, from) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "valid_until", "placement.until_before",
		                      json_pack("{s:s}", "date", from),
		                      "valid_until: before valid_from (%s)", from);
	/* twice in the same position at once: the periods overlap */
	if ((rc = store_tx_int(c->tx, &n,
	                       "SELECT count(*) FROM placement WHERE person_id = ?1 AND "
	                       "position_id = ?2 AND state = 'active' AND (valid_until IS NULL OR "
	                       "valid_until >= ?3) AND (?4 = '' OR valid_from <= ?4)",
	                       "iitt", person, pos, from ? from : "", until ? until : "")))
		return rc;
	if (n)
		return store_tx_failr(
		        c->tx, SK_EEXIST, "person_id", "placement.twice", NULL,
		        "the person is already placed in this position for these days");
	json_object_set_new(c->data, "placed_by", json_integer(c->p ? c->p->id : 0));
	if (!json_object_get(c->data, "temporary"))
		json_object_set_new(c->data, "temporary", json_false());
	return SK_OK;
}

static int check_end(struct reg_call *c)
{
	const char *from = model_json_str(c->old, "valid_from"),
	           *on = model_json_str(c->data, "ended_on");

	if (c->p && c->p->id &&
	    records_tx_person_of_identity(c->tx, c->p->id) == model_json_int(c->old, "person_id"))
		return store_tx_failr(c->tx, SK_EPERM, "id", "placement.self", NULL,
		                      "nobody ends the placement of the person linked to their own "
		                      "login");
	if (from && on && strcmp(on, from) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "ended_on", "placement.ended_before",
		                      json_pack("{s:s}", "date", from),
		                      "ended_on: before valid_from (%s)", from);
	/* the last day is the end: the placement is no longer in force after it */
	json_object_set_new(c->data, "valid_until", json_string(on ? on : ""));
	return SK_OK;
}

static const struct reg_arg place_args[] = {
        {"position_id", REG_A_REQUIRED, "position", NULL},
        {"person_id", REG_A_REQUIRED, "person", NULL},
        {"valid_from", REG_A_TODAY, "from", "the first day (default today)"},
        {"valid_until", REG_A_NULL, "until", NULL},
        {"temporary", 0, NULL, "temporary: --until is required"},
        {"decision_ref", REG_A_EMPTY, "decision", NULL},
        {0},
};
static const struct reg_arg end_args[] = {
        {"ended_on", REG_A_TODAY, "on", "the last day (default today)"},
        {"end_reason", REG_A_REQUIRED, "reason", NULL},
        {0},
};

static const struct reg_cmd pl_cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = RECORD,
         .event = "placement.added",
         .state = "active",
         .args = place_args,
         .check = check_place,
         .summary = "place a person in a position",
         .help = "Places a person in a position from --from until --until (a --temporary "
                 "placement states its end). Never the person linked to your own login, never "
                 "twice in the same position at once."},
        {.name = "end",
         .verb = REG_ACT,
         .path = "end",
         .roles = RECORD,
         .event = "placement.ended",
         .state = "ended",
         .when = "active",
         .args = end_args,
         .check = check_end,
         .danger = true,
         .summary = "end a placement",
         .help = "Ends a placement on a day, with the reason."},
        {0},
};

const struct register_def reg_placements = {
        .name = "placements",
        .one = "placement",
        .table = "placement",
        .cli = "placement",
        .slug = "placeringar",
        .display = "label",
        .title = "placements",
        .paragraph = "6 kap. 2–3 §§",
        .about = "Placements (placeringar): who is placed in which position, from when until "
                 "when; temporary ones with their end.",
        .read_roles = READ,
        .fields = pl_fields,
        .cmds = pl_cmds,
        .order = "id",
};
