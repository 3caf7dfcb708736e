/*
 * Security training (säkerhetsskyddsutbildning, 6 kap. 1 § PMFS 2022:1): the
 * training plan (utbildningsplan) as courses — their content, who must take
 * them (everyone with a login, everyone placed in a position, or the holders
 * of a role), how often they are repeated (repetitionsutbildning) and whether
 * they are taken before access to the security-sensitive activity — the
 * sessions a course was given (day, leader, place) and who attended each
 * (the documentation of who took part, when, and in what: the session names
 * its course and so its content). Attendance lists are imported from CSV or
 * XLSX through the generic import (register_io.c).
 *
 * The ssc and the personnel-security function record; the head and the
 * auditor read. What is due is the rules' (table_6kap_positions.inc) and the
 * person's page (positions_person_detail).
 */
#include <string.h>

#include "model/records.h"
#include "model/reg_int.h"
#include "model/register.h"
#include "store/store.h"

#define R(x)   ROLE_BIT(ROLE_##x)
#define RECORD (R(SSC) | R(PERSONNEL))
#define READ   (R(SSC) | R(PERSONNEL) | R(CHIEF) | R(AUDITOR))

static const char *const course_states[] = {"active", "retired", NULL};
static const char *const audiences[] = {"logins", "placed", "role", NULL};
static const char *const roles[] = {"chief",   "ssc",       "registrar", "admin", "staff",
                                    "auditor", "reception", "personnel", NULL};

static const struct reg_field course_fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the course's number"},
        {"name", REG_STRING, 1, 200, .flags = REG_F_LIST | REG_F_CLI | REG_F_UNIQUE,
         .doc = "the course"},
        {"content", REG_TEXT, 1, 4000, .doc = "what it teaches (its content)"},
        {"audience", REG_ENUM, .values = audiences, .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,
         .vlabel = "reg.course_audience",
         .doc = "who must take it: logins (everyone with a login), placed (everyone placed in a "
                "position) or role (the holders of a role)"},
        {"role", REG_ENUM, .values = roles, .flags = REG_F_LIST | REG_F_NULL, .vlabel = "role",
         .doc = "audience role: the role whose holders take it"},
        {"refresher_months", REG_INT, 0, 120, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "repeated every this many months (0: once)"},
        {"before_access", REG_BOOL, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "taken before access to the security-sensitive activity"},
        {"state", REG_ENUM, .values = course_states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.course_state",
         .doc = "active (in the plan) or retired"},
        {"retired_on", REG_DATE, .flags = REG_F_NULL, .doc = "the day it left the plan"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

/* The value of key after this command: in the entry being built, else the record's. */
static const json_t *now_val(const struct reg_call *c, const char *key)
{
	const json_t *v = json_object_get(c->data, key);

	return v ? v : json_object_get(c->old, key);
}

/* A role audience names its role; another audience has none. */
static int check_course(struct reg_call *c)
{
	const char *aud = json_string_value(now_val(c, "audience"));
	const json_t *role = now_val(c, "role");
	bool has_role = json_is_string(role);

	if (aud && strcmp(aud, "role") == 0 && !has_role)
		return store_tx_failr(c->tx, SK_EINVAL, "role", "course.role_needed", NULL,
		                      "role: a course for the holders of a role names the role");
	if (aud && strcmp(aud, "role") != 0 && has_role)
		json_object_set_new(c->data, "role", json_null());
	if (!json_object_get(c->data, "before_access") && !c->old)
		json_object_set_new(c->data, "before_access", json_false());
	return SK_OK;
}

static const struct reg_arg course_add_args[] = {
        {"name", REG_A_REQUIRED, NULL, NULL},
        {"content", REG_A_REQUIRED, NULL, NULL},
        {"audience", REG_A_REQUIRED, NULL, NULL},
        {"role", REG_A_NULL, NULL, NULL},
        {"refresher_months", 0, "refresher", "months between refreshers (0: once)"},
        {"before_access", 0, "before-access", NULL},
        {0},
};
static const struct reg_arg course_update_args[] = {
        {"name", 0, NULL, NULL},
        {"content", 0, NULL, NULL},
        {"audience", 0, NULL, NULL},
        {"role", REG_A_CLEAR, NULL, NULL},
        {"refresher_months", 0, "refresher", NULL},
        {"before_access", 0, "before-access", NULL},
        {0},
};
static const struct reg_arg course_retire_args[] = {
        {"retired_on", REG_A_TODAY, "on", "the day (default today)"},
        {0},
};

static const struct reg_cmd course_cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = RECORD,
         .event = "course.added",
         .state = "active",
         .args = course_add_args,
         .check = check_course,
         .summary = "add a course to the training plan (6 kap. 1 §)",
         .help = "Adds a course to the training plan: its content, who must take it "
                 "(--audience logins, placed or role with --role), the refresher interval in "
                 "months (--refresher, 0: once) and whether it is taken before access "
                 "(--before-access yes)."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = RECORD,
         .event = "course.updated",
         .when = "active",
         .args = course_update_args,
         .check = check_course,
         .summary = "change a course of the plan",
         .help = "Changes a course's name, content, audience, interval or whether it is taken "
                 "before access."},
        {.name = "retire",
         .verb = REG_ACT,
         .path = "retire",
         .roles = RECORD,
         .event = "course.retired",
         .state = "retired",
         .when = "active",
         .args = course_retire_args,
         .danger = true,
         .summary = "take a course out of the plan",
         .help = "Takes a course out of the training plan; its sessions and attendance stay."},
        {0},
};

const struct register_def reg_courses = {
        .name = "courses",
        .one = "course",
        .table = "training_course",
        .cli = "training",
        .slug = "utbildningar",
        .display = "name",
        .title = "training plan",
        .paragraph = "6 kap. 1 §",
        .about = "The training plan (6 kap. 1 §): security training courses, who must take them, "
                 "how often, whether before access.",
        .read_roles = READ,
        .fields = course_fields,
        .cmds = course_cmds,
        .order = "id",
};

/* ---- sessions ---- */

static const char *const session_states[] = {"held", "cancelled", NULL};

static const struct reg_field session_fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the session's number"},
        {"label", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST | REG_F_CLI,
         .col = "((SELECT name FROM training_course WHERE training_course.id = "
                "training_session.course_id) || ' ' || training_session.held_on)",
         .doc = "the course and the day"},
        {"course_id", REG_REF, .ref = "courses", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the course given"},
        {"held_on", REG_DATE, .flags = REG_F_LIST | REG_F_CLI, .doc = "the day"},
        {"leader", REG_STRING, 1, 200, .flags = REG_F_LIST, .doc = "who led it"},
        {"place", REG_STRING, 0, 200, .flags = REG_F_LIST, .doc = "where"},
        {"note", REG_TEXT, 0, 2000, .doc = "a note"},
        {"attended", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST | REG_F_CLI,
         .col = "(SELECT count(*) FROM training_attendance ta WHERE ta.session_id = "
                "training_session.id AND ta.state = 'attended')",
         .doc = "how many attended"},
        {"state", REG_ENUM, .values = session_states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER, .vlabel = "reg.session_state",
         .doc = "held or cancelled"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

static int check_session(struct reg_call *c)
{
	int64_t course = json_object_get(c->in, "course_id") ? model_json_int(c->in, "course_id")
	                                                     : model_json_int(c->old, "course_id");
	int64_t n = 0;
	int rc;

	if (!json_object_get(c->in, "course_id"))
		return SK_OK;
	if ((rc = store_tx_int(c->tx, &n,
	                       "SELECT count(*) FROM training_course WHERE id = ?1 AND state = "
	                       "'active'",
	                       "i", course)))
		return rc;
	if (!n)
		return store_tx_failr(c->tx, SK_ERULE, "course_id", "session.course_retired", NULL,
		                      "course %lld is no longer in the plan", (long long)course);
	return SK_OK;
}

static int check_cancel(struct reg_call *c)
{
	int64_t n = 0;
	int rc = store_tx_int(c->tx, &n,
	                      "SELECT count(*) FROM training_attendance WHERE session_id = ?1 AND "
	                      "state = 'attended'",
	                      "i", c->id);

	if (rc)
		return rc;
	if (n)
		return store_tx_failr(c->tx, SK_ERULE, "id", "session.attended",
		                      json_pack("{s:I}", "count", (json_int_t)n),
		                      "%lld persons attended: strike their attendance first",
		                      (long long)n);
	return SK_OK;
}

static const struct reg_arg session_add_args[] = {
        {"course_id", REG_A_REQUIRED, "course", NULL},
        {"held_on", REG_A_REQUIRED, "on", NULL},
        {"leader", REG_A_REQUIRED, NULL, NULL},
        {"place", REG_A_EMPTY, NULL, NULL},
        {"note", REG_A_EMPTY, NULL, NULL},
        {0},
};
static const struct reg_arg session_update_args[] = {
        {"held_on", 0, "on", NULL},
        {"leader", 0, NULL, NULL},
        {"place", 0, NULL, NULL},
        {"note", 0, NULL, NULL},
        {0},
};
static const struct reg_arg session_cancel_args[] = {
        {"note", REG_A_REQUIRED, "reason", "why it was cancelled"},
        {0},
};

static const struct reg_cmd session_cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = RECORD,
         .event = "training_session.added",
         .state = "held",
         .args = session_add_args,
         .check = check_session,
         .summary = "record a session of a course (day, leader, place)",
         .help = "Records that a course of the plan is (or was) given on a day by a leader at "
                 "a place. Attendance is recorded with 'skydd attendance add' or imported."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = RECORD,
         .event = "training_session.updated",
         .when = "held",
         .args = session_update_args,
         .summary = "change a session's day, leader, place or note"},
        {.name = "cancel",
         .verb = REG_ACT,
         .path = "cancel",
         .roles = RECORD,
         .event = "training_session.cancelled",
         .state = "cancelled",
         .when = "held",
         .args = session_cancel_args,
         .check = check_cancel,
         .danger = true,
         .summary = "cancel a session nobody attended",
         .help = "Cancels a session; refused while attendance is recorded."},
        {0},
};

const struct register_def reg_training_sessions = {
        .name = "training_sessions",
        .one = "training_session",
        .table = "training_session",
        .cli = "training-session",
        .slug = "utbildningstillfallen",
        .display = "label",
        .title = "training sessions",
        .paragraph = "6 kap. 1 §",
        .about = "Training sessions (utbildningstillfällen): when a course of the plan was "
                 "given, by whom, where, and how many attended.",
        .read_roles = READ,
        .fields = session_fields,
        .cmds = session_cmds,
        .order = "held_on DESC, id",
};

/* ---- attendance ---- */

static const char *const att_states[] = {"attended", "struck", NULL};

static const struct reg_field att_fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the line's number"},
        {"label", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST | REG_F_CLI,
         .col = "((SELECT name FROM person WHERE person.id = training_attendance.person_id) || "
                "' – ' || (SELECT c.name || ' ' || s.held_on FROM training_session s JOIN "
                "training_course c ON c.id = s.course_id WHERE s.id = "
                "training_attendance.session_id))",
         .doc = "the person, the course and the day"},
        {"session_id", REG_REF, .ref = "training_sessions", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the session"},
        {"person_id", REG_REF, .ref = "persons", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the person who attended"},
        {"note", REG_STRING, 0, 500, .flags = REG_F_LIST, .doc = "a note"},
        {"state", REG_ENUM, .values = att_states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.attendance_state",
         .doc = "attended, or struck (recorded by mistake)"},
        {"strike_reason", REG_TEXT, 1, 1000, .doc = "why the line was struck"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

/*
 * A person attended a session that was held (not after today, not
 * cancelled), once.
 */
static int check_attend(struct reg_call *c)
{
	int64_t session = model_json_int(c->in, "session_id"),
	        person = model_json_int(c->in, "person_id"), n = 0;
	char today[11];
	int rc;

	model_today(today);
	if ((rc = store_tx_int(c->tx, &n,
	                       "SELECT count(*) FROM training_session WHERE id = ?1 AND state = "
	                       "'held' AND held_on <= ?2",
	                       "it", session, today)))
		return rc;
	if (!n)
		return store_tx_failr(c->tx, SK_ERULE, "session_id", "attendance.not_held", NULL,
		                      "session %lld was cancelled or is still to come",
		                      (long long)session);
	if ((rc = store_tx_int(c->tx, &n,
	                       "SELECT count(*) FROM training_attendance WHERE session_id = ?1 AND "
	                       "person_id = ?2 AND state = 'attended'",
	                       "ii", session, person)))
		return rc;
	if (n)
		return store_tx_failr(
		        c->tx, SK_EEXIST, "person_id", "attendance.twice", NULL,
		        "the person's attendance of this session is recorded already");
	return SK_OK;
}

static const struct reg_arg att_add_args[] = {
        {"session_id", REG_A_REQUIRED, "session", NULL},
        {"person_id", REG_A_REQUIRED, "person", NULL},
        {"note", REG_A_EMPTY, NULL, NULL},
        {0},
};
static const struct reg_arg att_strike_args[] = {
        {"strike_reason", REG_A_REQUIRED, "reason", NULL},
        {0},
};

static const struct reg_cmd att_cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = RECORD,
         .event = "attendance.added",
         .state = "attended",
         .args = att_add_args,
         .check = check_attend,
         .summary = "record that a person attended a session",
         .help = "Records that a person attended a session that was held (not a cancelled or "
                 "coming one), once. Lists are imported with 'skydd attendance import FILE' "
                 "(CSV or XLSX: columns session and person, a person by name or number)."},
        {.name = "strike",
         .verb = REG_ACT,
         .path = "strike",
         .roles = RECORD,
         .event = "attendance.struck",
         .state = "struck",
         .when = "attended",
         .args = att_strike_args,
         .danger = true,
         .summary = "strike a line recorded by mistake",
         .help = "Strikes an attendance recorded by mistake, with the reason."},
        {0},
};

const struct register_def reg_attendance = {
        .name = "attendance",
        .one = "attendance",
        .table = "training_attendance",
        .cli = "attendance",
        .slug = "utbildningsdeltagare",
        .display = "label",
        .title = "training attendance",
        .paragraph = "6 kap. 1 §",
        .about = "Training attendance (6 kap. 1 §): who attended which session; imported from "
                 "CSV or XLSX lists.",
        .read_roles = READ,
        .fields = att_fields,
        .cmds = att_cmds,
        .order = "id",
        .import = "add",
};
