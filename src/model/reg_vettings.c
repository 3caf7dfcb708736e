/*
 * Vetting (säkerhetsprövning, 6 kap. 4–5 §§ PMFS 2022:1 with 5 kap. 2 §
 * säkerhetsskyddsförordningen): per person and the position it is for, the
 * basic investigation (grundutredning) with its vetting interview
 * (säkerhetsprövningsintervju: the day, the interviewer, loyalty, reliability
 * and vulnerability each assessed, done and concluded), the decision (approved
 * or not, who, the day; an approved one may record the clearance it gives in
 * the same transaction), what follow-up needs (5 §) and the follow-up
 * conversations (4 § andra stycket).
 *
 * The most sensitive data in skydd: only the personnel-security function and
 * the ssc read this register, so only they are described it, and the
 * Säkerhetslogg shows its entries' data only to them (ledger_view.c's rule
 * for registers: their readers). Free text — the interview's notes, the
 * information for follow-up, a conversation's notes — is sealed with the
 * person's key (pdata.h) before it reaches the entry, so the ledger and the
 * table hold only ciphertext; the detail hook opens it for the readers and
 * says "culled" once the person's key is gone (docs/internals/vetting.md).
 *
 * Separation of duties: nobody records anything in, or decides, a vetting of
 * the person linked to their own login.
 */
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/pdata.h"
#include "model/records.h"
#include "model/reg_int.h"
#include "model/register.h"
#include "model/vetting.h"

#define R(x)  ROLE_BIT(ROLE_##x)
#define WHO   VETTING_READERS
#define NUL   REG_F_NULL
#define NOTES 4000 /* bytes of one free text, well within PDATA_PLAIN_MAX */

static const char *const states[] = {"open", "approved", "not_approved", NULL};
static const char *const decisions[] = {"approved", "not_approved", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the vetting's number"},
        {"person_id", REG_REF, .ref = "persons", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the person vetted"},
        {"person", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT name FROM person WHERE person.id = vetting.person_id)",
         .doc = "the person's name"},
        {"position_id", REG_INT, 1, SK_JSON_MAX_INT, .flags = REG_F_LIST | REG_F_CLI | NUL,
         .doc = "the position (befattning) the vetting is for, by its number"},
        {"started_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST | REG_F_CLI,
         .doc = "the day the vetting started"},
        {"investigation_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST | NUL,
         .doc = "the day the basic investigation (grundutredning) was done"},
        {"interview_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST | NUL,
         .doc = "the day of the vetting interview (säkerhetsprövningsintervju)"},
        {"interviewer", REG_STRING, 1, 128, .flags = REG_F_NOBLANK,
         .doc = "who held the interview"},
        {"loyalty", REG_BOOL, .flags = NUL, .doc = "loyalty (lojalitet) assessed"},
        {"reliability", REG_BOOL, .flags = NUL, .doc = "reliability (pålitlighet) assessed"},
        {"vulnerability", REG_BOOL, .flags = NUL, .doc = "vulnerability (sårbarhet) assessed"},
        {"interview_concluded", REG_BOOL, .flags = REG_F_LIST | NUL,
         .doc = "the interview is done and concluded"},
        {"interview_notes", REG_TEXT, 1, NOTES,
         .doc = "the interview's notes (sealed: readable by the personnel-security function "
                "and the ssc until culled)"},
        {"decision", REG_ENUM, .values = decisions, .flags = NUL, .vlabel = "reg.vetting_decision",
         .doc = "approved or not_approved"},
        {"decided_by", REG_REF, .ref = "identities", .doc = "who decided (identity)"},
        {"decided_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST | NUL,
         .doc = "the day of the decision"},
        {"decision_ref", REG_STRING, 0, 128, .doc = "the decision's reference"},
        {"clearance_class", REG_CLASS, .src = REG_SRC_LEDGER_ONLY,
         .doc = "an approved vetting: the clearance (behörighet) decided with it, up to this "
                "class"},
        {"clearance_until", REG_DATE, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the clearance's last day (none: until withdrawn)"},
        {"followup_info", REG_TEXT, 1, NOTES,
         .doc = "what follow-up needs to know (6 kap. 5 §; sealed)"},
        {"next_followup", REG_DATE, .flags = REG_F_LIST | NUL,
         .doc = "the day of the next follow-up conversation"},
        {"held_on", REG_DATE, .flags = REG_F_PAST, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the day of the follow-up conversation"},
        {"held_by", REG_STRING, 1, 128, .flags = REG_F_NOBLANK, .src = REG_SRC_LEDGER_ONLY,
         .doc = "who held the follow-up conversation"},
        {"followup_notes", REG_TEXT, 1, NOTES, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the conversation's notes (sealed)"},
        {"state", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.vetting_state",
         .doc = "open, approved or not_approved"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

/* Nobody records in, or decides, the vetting of the person linked to their own login. */
static int not_self(struct reg_call *c, int64_t person)
{
	if (c->p && c->p->id && records_tx_person_of_identity(c->tx, c->p->id) == person)
		return store_tx_failr(c->tx, SK_EPERM, "person_id", "vetting.self", NULL,
		                      "nobody records or decides a vetting of the person linked to "
		                      "their own login");
	return SK_OK;
}

static int64_t person_of(const struct reg_call *c)
{
	return c->old ? model_json_int(c->old, "person_id") : model_json_int(c->in, "person_id");
}

/* A day of the vetting not before the day it started. */
static int not_before_start(struct reg_call *c, const char *field)
{
	const char *day = model_json_str(c->data, field),
	           *start = model_json_str(c->old, "started_on");

	if (day && start && strcmp(day, start) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, field, "vetting.before_start",
		                      json_pack("{s:s}", "date", start),
		                      "%s: before the vetting started (%s)", field, start);
	return SK_OK;
}

/* Replaces the plain text of field in c->data with its sealed form (absent: nothing). */
static int seal(struct reg_call *c, const char *field)
{
	const char *plain = model_json_str(c->data, field);
	char what[64];
	json_t *sealed = NULL;
	int rc;

	if (!plain)
		return SK_OK;
	if (!c->m) /* sealing needs the instance's secret: never write the plain text */
		return store_tx_failr(c->tx, SK_EINTERNAL, field, "vetting.seal", NULL,
		                      "%s: cannot be sealed here", field);
	snprintf(what, sizeof(what), "vetting.%s", field);
	rc = pdata_tx_seal(c->tx, c->m, person_of(c), what, plain, &sealed);
	if (rc == SK_EINVAL)
		return store_tx_failr(c->tx, SK_EINVAL, field, "field.too_long",
		                      json_pack("{s:I}", "max", (json_int_t)PDATA_PLAIN_MAX),
		                      "%s: too long", field);
	if (rc)
		return rc; /* culled: the transaction failed with personnel.culled */
	json_object_set_new(c->data, field, sealed);
	return SK_OK;
}

static int check_start(struct reg_call *c)
{
	int64_t person = model_json_int(c->in, "person_id");
	int rc = not_self(c, person);

	if (rc)
		return rc;
	rc = records_tx_person_active(c->tx, person);
	if (rc == SK_ERULE)
		return store_tx_failr(c->tx, SK_ERULE, "person_id", "vetting.person_ended", NULL,
		                      "person %lld has ended", (long long)person);
	return rc;
}

static int check_investigate(struct reg_call *c)
{
	int rc = not_self(c, person_of(c));

	return rc ? rc : not_before_start(c, "investigation_on");
}

static int check_interview(struct reg_call *c)
{
	int rc = not_self(c, person_of(c));

	if (rc || (rc = not_before_start(c, "interview_on")))
		return rc;
	/* "done and concluded" means loyalty, reliability and vulnerability were all assessed */
	if (json_is_true(json_object_get(c->in, "interview_concluded")) &&
	    !(json_is_true(json_object_get(c->in, "loyalty")) &&
	      json_is_true(json_object_get(c->in, "reliability")) &&
	      json_is_true(json_object_get(c->in, "vulnerability"))))
		return store_tx_failr(
		        c->tx, SK_EINVAL, "interview_concluded", "vetting.interview_incomplete",
		        NULL,
		        "an interview is concluded only when loyalty, reliability and "
		        "vulnerability have all been assessed");
	return seal(c, "interview_notes");
}

/* The clearance an approved vetting gives, recorded through the clearances register. */
static int decide_clearance(struct reg_call *c, const char *on)
{
	const struct register_def *cd = reg_find("clearances");
	const struct reg_cmd *cc = cd ? reg_cmd_find(cd, "decide") : NULL;
	const char *until = model_json_str(c->in, "clearance_until");
	struct model_err err;
	int64_t cid = 0;
	json_t *in;
	int rc;

	if (!cc)
		return SK_EINTERNAL;
	if (until && strcmp(until, on) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "clearance_until", "clearance.until_before",
		                      json_pack("{s:s}", "date", on),
		                      "clearance_until: before the decision (%s)", on);
	in = json_pack("{s:I, s:s, s:s, s:I, s:s}", "person_id", (json_int_t)person_of(c), "class",
	               model_json_str0(c->in, "clearance_class"), "valid_from", on, "vetting_id",
	               (json_int_t)c->id, "decision_ref", model_json_str0(c->data, "decision_ref"));
	if (!in)
		return SK_ENOMEM;
	if (until)
		json_object_set_new(in, "valid_until", json_string(until));
	memset(&err, 0, sizeof(err));
	rc = reg_validate(cd, cc, in, &err);
	/* the arguments were this command's own fields: only the class can still fail */
	if (rc)
		rc = store_tx_failr(c->tx, rc, "clearance_class", "field.class", NULL, "%s",
		                    err.msg);
	else
		rc = reg_tx_exec(c->tx, c->p, cd, cc, in, &cid);
	json_decref(in);
	if (!rc)
		json_object_set_new(c->data, "clearance_id", json_integer(cid));
	return rc;
}

static int check_decide(struct reg_call *c)
{
	const char *decision = model_json_str0(c->in, "decision"),
	           *on = model_json_str(c->data, "decided_on");
	bool approved = strcmp(decision, "approved") == 0;
	int rc = not_self(c, person_of(c));

	if (rc || (rc = not_before_start(c, "decided_on")))
		return rc;
	if (json_object_get(c->in, "clearance_class") && !approved)
		return store_tx_failr(c->tx, SK_EINVAL, "clearance_class",
		                      "vetting.clearance_not_approved", NULL,
		                      "a clearance rests only on an approved vetting");
	if (json_object_get(c->in, "clearance_until") && !json_object_get(c->in, "clearance_class"))
		return store_tx_failr(c->tx, SK_EINVAL, "clearance_class", "field.required", NULL,
		                      "clearance_class is required with clearance_until");
	json_object_set_new(c->data, "state", json_string(decision));
	json_object_set_new(c->data, "decided_by", json_integer(model_actor_of(c->p)));
	if (approved && json_object_get(c->in, "clearance_class")) {
		rc = records_tx_person_active(c->tx, person_of(c));
		if (rc == SK_ERULE)
			return store_tx_failr(c->tx, SK_ERULE, "person_id", "vetting.person_ended",
			                      NULL, "the person has ended");
		if (rc || (rc = decide_clearance(c, on)))
			return rc;
	}
	return SK_OK;
}

static int check_info(struct reg_call *c)
{
	int rc = not_self(c, person_of(c));

	return rc ? rc : seal(c, "followup_info");
}

static int check_followup(struct reg_call *c)
{
	int rc = not_self(c, person_of(c));

	if (rc || (rc = not_before_start(c, "held_on")))
		return rc;
	return seal(c, "followup_notes");
}

static const struct reg_arg start_args[] = {
        {"person_id", REG_A_REQUIRED, "person", NULL},
        {"position_id", REG_A_NULL, "position", NULL},
        {"started_on", REG_A_TODAY, "on", "the day it started (default today)"},
        {0},
};
static const struct reg_arg investigate_args[] = {
        {"investigation_on", REG_A_REQUIRED, "on", NULL},
        {0},
};
static const struct reg_arg interview_args[] = {
        {"interview_on", REG_A_REQUIRED, "on", NULL},
        {"interviewer", REG_A_REQUIRED, NULL, NULL},
        {"loyalty", REG_A_REQUIRED, NULL, NULL},
        {"reliability", REG_A_REQUIRED, NULL, NULL},
        {"vulnerability", REG_A_REQUIRED, NULL, NULL},
        {"interview_concluded", REG_A_REQUIRED, "concluded", NULL},
        {"interview_notes", 0, "notes", NULL},
        {0},
};
static const struct reg_arg decide_args[] = {
        {"decision", REG_A_REQUIRED, NULL, NULL},
        {"decided_on", REG_A_TODAY, "on", "the day (default today)"},
        {"decision_ref", REG_A_EMPTY, "reference", NULL},
        {"clearance_class", 0, "clearance", NULL},
        {"clearance_until", 0, "until", NULL},
        {0},
};
static const struct reg_arg info_args[] = {
        {"followup_info", REG_A_REQUIRED, "info", NULL},
        {"next_followup", 0, "next", NULL},
        {0},
};
static const struct reg_arg followup_args[] = {
        {"held_on", REG_A_REQUIRED, "on", NULL},
        {"held_by", REG_A_REQUIRED, "by", NULL},
        {"followup_notes", 0, "notes", NULL},
        {"next_followup", 0, "next", NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "start",
         .verb = REG_CREATE,
         .roles = WHO,
         .event = "vetting.started",
         .state = "open",
         .args = start_args,
         .check = check_start,
         .summary = "start a vetting (säkerhetsprövning) of a person",
         .help = "Starts a vetting of --person for a position (--position, its number) on a "
                 "day. The personnel-security function or the ssc; never of the person linked "
                 "to their own login."},
        {.name = "investigate",
         .verb = REG_ACT,
         .path = "investigation",
         .roles = WHO,
         .event = "vetting.investigated",
         .when = "open",
         .args = investigate_args,
         .check = check_investigate,
         .summary = "record the basic investigation (grundutredning) done",
         .help = "Records the day the basic investigation was done."},
        {.name = "interview",
         .verb = REG_ACT,
         .path = "interview",
         .roles = WHO,
         .event = "vetting.interviewed",
         .when = "open",
         .args = interview_args,
         .check = check_interview,
         .summary = "record the vetting interview (säkerhetsprövningsintervju)",
         .help = "Records the vetting interview: the day, the interviewer, loyalty, "
                 "reliability and vulnerability each assessed (true/false), whether it is "
                 "done and concluded, and notes. The notes are sealed with the person's key: "
                 "only the personnel-security function and the ssc read them, until culled."},
        {.name = "decide",
         .verb = REG_ACT,
         .path = "decision",
         .roles = WHO,
         .event = "vetting.decided",
         .when = "open",
         .args = decide_args,
         .check = check_decide,
         .summary = "decide the vetting: approved or not approved",
         .help = "Records the decision (approved or not_approved), its day and reference. An "
                 "approved vetting may record the clearance it gives (--clearance CLASS, "
                 "--until DAY) in the same transaction."},
        {.name = "info",
         .verb = REG_ACT,
         .path = "followup-info",
         .roles = WHO,
         .event = "vetting.followup_info",
         .when = "approved",
         .args = info_args,
         .check = check_info,
         .summary = "record what follow-up needs (6 kap. 5 §)",
         .help = "Records the information from the vetting that follow-up needs (sealed) and "
                 "the day of the next follow-up conversation."},
        {.name = "followup",
         .verb = REG_ACT,
         .path = "followup",
         .roles = WHO,
         .event = "vetting.followed_up",
         .when = "approved",
         .args = followup_args,
         .check = check_followup,
         .no_apply = true,
         .summary = "record a follow-up conversation (uppföljning)",
         .help = "Records a follow-up conversation: the day, by whom, notes (sealed), and the "
                 "day of the next one."},
        {0},
};

/* A follow-up conversation: a row of vetting_followup, and the next one's day. */
static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	char t[SK_TIME_LEN + 1];
	const json_t *notes = json_object_get(e->data, "followup_notes");
	const char *next = model_json_str(e->data, "next_followup");
	int64_t id = model_json_int(e->data, "id");
	struct store_q *q;
	int rc;

	if (strcmp(cmd->event, "vetting.followed_up") != 0)
		return SK_OK;
	if ((rc = store_tx_query(tx,
	                         "INSERT INTO vetting_followup (vetting_id, seq, held_on, held_by, "
	                         "notes, noted_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                         &q)))
		return rc;
	store_q_bind_int(q, 1, id);
	store_q_bind_int(q, 2, (int64_t)e->seq);
	store_q_bind_text(q, 3, model_json_str0(e->data, "held_on"));
	store_q_bind_text(q, 4, model_json_str0(e->data, "held_by"));
	if (json_is_string(notes))
		store_q_bind_text(q, 5, json_string_value(notes));
	else
		store_q_bind_null(q, 5);
	store_q_bind_int(q, 6, e->actor);
	rc = store_q_step(q);
	store_q_done(q);
	if (rc && rc != SK_ENOTFOUND)
		return rc;
	model_time(e->time_us, t);
	if (next)
		return store_tx_run(
		        tx,
		        "UPDATE vetting SET next_followup = ?1, updated_at = ?2 WHERE id "
		        "= ?3",
		        "tti", next, t, id);
	return store_tx_run(tx, "UPDATE vetting SET updated_at = ?1 WHERE id = ?2", "ti", t, id);
}

/* The sealed columns leave the model only opened, by the detail hook. */
static int view(struct model *m, const struct principal *p, json_t *rows)
{
	json_t *x;
	size_t i;

	(void)m;
	if (!p || !(p->roles & WHO))
		return SK_EPERM; /* fails closed: no row */
	json_array_foreach(rows, i, x)
	{
		json_object_del(x, "interview_notes");
		json_object_del(x, "followup_info");
	}
	return SK_OK;
}

/* Opens a sealed value of the vetting's person into o[key]; culled: o["culled"] = true. */
static void open_into(struct model *m, struct store_reader *r, int64_t person, const char *field,
                      const char *sealed, json_t *o, const char *key)
{
	char what[64], *plain = NULL;
	int rc;

	if (!sealed) {
		json_object_set_new(o, key, json_null());
		return;
	}
	snprintf(what, sizeof(what), "vetting.%s", field);
	rc = pdata_open(m, r, person, what, sealed, &plain);
	if (!rc) {
		json_object_set_new(o, key, json_string(plain));
	} else {
		json_object_set_new(o, key, json_null());
		/* a key that is gone is culling; anything else is not shown either */
		json_object_set_new(o, rc == SK_ENOTFOUND ? "culled" : "unreadable", json_true());
	}
	free(plain);
}

static void detail(struct model *m, const struct principal *p, json_t *o)
{
	struct store_reader *r = model_reader(m);
	int64_t id = model_json_int(o, "id"), person = model_json_int(o, "person_id");
	json_t *fups = json_array();
	struct store_q *q;

	if (!r || !fups || (p && !(p->roles & WHO))) {
		json_decref(fups);
		return;
	}
	json_object_set_new(o, "culled", json_false());
	if (!store_reader_query(
	            r, "SELECT interview_notes, followup_info FROM vetting WHERE id = ?1", &q)) {
		store_q_bind_int(q, 1, id);
		if (store_q_step(q) == SK_OK) {
			char *notes = store_q_is_null(q, 0) ? NULL : strdup(store_q_text(q, 0)),
			     *info = store_q_is_null(q, 1) ? NULL : strdup(store_q_text(q, 1));

			store_q_done(q);
			open_into(m, r, person, "interview_notes", notes, o, "interview_notes");
			open_into(m, r, person, "followup_info", info, o, "followup_info");
			free(notes);
			free(info);
		} else {
			store_q_done(q);
		}
	}
	if (!store_reader_query(r,
	                        "SELECT seq, held_on, held_by, notes FROM vetting_followup WHERE "
	                        "vetting_id = ?1 ORDER BY held_on, seq",
	                        &q)) {
		json_t *sealed = json_array();

		store_q_bind_int(q, 1, id);
		while (store_q_step(q) == SK_OK) {
			json_array_append_new(fups, json_pack("{s:I, s:s, s:s}", "seq",
			                                      (json_int_t)store_q_int(q, 0),
			                                      "held_on", store_q_text(q, 1),
			                                      "held_by", store_q_text(q, 2)));
			json_array_append_new(sealed, store_q_is_null(q, 3)
			                                      ? json_null()
			                                      : json_string(store_q_text(q, 3)));
		}
		store_q_done(q);
		/* opened after the statement: pdata_open reads through the same reader */
		for (size_t i = 0; i < json_array_size(fups); i++)
			open_into(m, r, person, "followup_notes",
			          json_string_value(json_array_get(sealed, i)),
			          json_array_get(fups, i), "notes");
		json_decref(sealed);
	}
	json_object_set_new(o, "followups", fups);
}

static const char *const extra[] = {"vetting_followup", NULL};
static const char *const touches[] = {"clearance", NULL};

const struct register_def reg_vettings = {
        .name = "vettings",
        .one = "vetting",
        .table = "vetting",
        .cli = "vetting",
        .slug = "sakerhetsprovningar",
        .display = "person",
        .title = "vettings",
        .paragraph = "6 kap. 4–5 §§",
        .about = "Vettings (säkerhetsprövningar): the basic investigation, the vetting "
                 "interview, the decision, what follow-up needs and the follow-up "
                 "conversations. Read only by the personnel-security function and the ssc.",
        .read_roles = WHO,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .apply = apply,
        .view = view,
        .detail = detail,
        .extra_tables = extra,
        .touches = touches,
};

/* ---- the person's page ---- */

void vetting_person_detail(struct model *m, const struct principal *p, int64_t person, json_t *o)
{
	struct store_reader *r;
	struct store_q *q;
	json_t *v = NULL;

	if (!p || !(p->roles & WHO) || !(r = model_reader(m)))
		return; /* need-to-know: the others see the clearance only (reg_clearances.c) */
	if (store_reader_query(r,
	                       "SELECT id, state, decided_on, next_followup, interview_concluded, "
	                       "started_on FROM vetting WHERE person_id = ?1 ORDER BY started_on "
	                       "DESC, id DESC LIMIT 1",
	                       &q))
		return;
	store_q_bind_int(q, 1, person);
	if (store_q_step(q) == SK_OK) {
		v = json_pack("{s:I, s:s, s:o, s:o, s:b, s:s}", "id", (json_int_t)store_q_int(q, 0),
		              "state", store_q_text(q, 1), "decided_on", model_q_json_text(q, 2),
		              "next_followup", model_q_json_text(q, 3), "interviewed",
		              !store_q_is_null(q, 4) && store_q_int(q, 4) != 0, "started_on",
		              store_q_text(q, 5));
	}
	store_q_done(q);
	json_object_set_new(o, "vetting", v ? v : json_null());
}
