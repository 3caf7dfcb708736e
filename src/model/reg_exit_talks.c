/*
 * Exit talks (avslutande säkerhetssamtal, 6 kap. 6 § PMFS 2022:1): when a
 * person's participation in the security-sensitive activity ends, the
 * operator holds an exit talk — the day, who held it, and that the person
 * was reminded of their duty of confidentiality (tystnadsplikt) — unless it
 * is obviously unnecessary, and then records why. One per ending: today the
 * person's own ending (placement_id NULL); the end of a placement once the
 * positions register exists.
 *
 * The ssc and the personnel-security function record; they, the head and
 * the auditors read. Nobody records the talk of the person linked to their
 * own login, and nobody holds their own. A talk may be recorded before the
 * person is ended (it is often held on the last day); the rule
 * person.exit_talk.missing flags an ended person without one.
 */
#include <string.h>

#include "model/exit_talks.h"
#include "model/records_int.h"
#include "model/register.h"

#define R(x)   ROLE_BIT(ROLE_##x)
#define RECORD (R(SSC) | R(PERSONNEL))
#define READ   (R(SSC) | R(PERSONNEL) | R(CHIEF) | R(AUDITOR))

static const char *const outcomes[] = {"held", "unnecessary", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the exit talk's number"},
        {"person_id", REG_REF, .ref = "persons", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the person whose participation ended"},
        {"person", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT name FROM person WHERE person.id = exit_talk.person_id)",
         .doc = "the person's name"},
        {"ended_on", REG_DATE, .src = REG_SRC_SQL, .flags = REG_F_LIST | REG_F_NULL,
         .col = "(SELECT ended_on FROM person WHERE person.id = exit_talk.person_id)",
         .doc = "the person's last day (null while active)"},
        {"outcome", REG_ENUM, .values = outcomes, .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,
         .vlabel = "reg.exit_outcome",
         .doc = "held (the talk), or unnecessary (obviously, with the reason)"},
        {"held_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST | REG_F_CLI | REG_F_NULL,
         .doc = "the day of the talk"},
        {"held_by_person_id", REG_REF, 0, SK_JSON_MAX_INT, .ref = "persons", .flags = REG_F_NULL,
         .doc = "who held the talk (a person), if not a login"},
        {"held_by_identity_id", REG_REF, 0, SK_JSON_MAX_INT, .ref = "identities",
         .flags = REG_F_NULL, .doc = "who held the talk (a login); by default whoever records it"},
        {"held_by", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST | REG_F_NULL,
         .col = "coalesce((SELECT name FROM person WHERE person.id = "
                "exit_talk.held_by_person_id), (SELECT display_name FROM identity WHERE "
                "identity.id = exit_talk.held_by_identity_id))",
         .doc = "the name of who held it"},
        {"reminded", REG_BOOL, .flags = REG_F_LIST | REG_F_NULL,
         .doc = "held: the person was reminded of the duty of confidentiality (tystnadsplikt)"},
        {"reason", REG_TEXT, 1, 1000, .flags = REG_F_LIST,
         .doc = "unnecessary: why the talk was obviously unnecessary"},
        REG_FIELD_CREATED_AT,
        {"created_by", REG_INT, .src = REG_SRC_CREATED_BY, .doc = "recorded by (identity)"},
        REG_FIELD_UPDATED_AT,
        {0},
};

/* Nobody records the talk of the person linked to their own login; one talk per ending. */
static int check_common(struct reg_call *c, int64_t person)
{
	int64_t n = 0;
	int rc;

	if (c->p && c->p->id && records_tx_person_of_identity(c->tx, c->p->id) == person)
		return store_tx_failr(
		        c->tx, SK_EPERM, "person_id", "exit.self", NULL,
		        "nobody records the exit talk of the person linked to their "
		        "own login: another ssc or the personnel-security function does");
	rc = store_tx_int(c->tx, &n,
	                  "SELECT count(*) FROM exit_talk WHERE person_id = ?1 AND placement_id "
	                  "IS NULL",
	                  "i", person);
	if (rc)
		return rc;
	if (n)
		return store_tx_failr(c->tx, SK_EEXIST, "person_id", "exit.recorded", NULL,
		                      "person %lld's exit talk is recorded already",
		                      (long long)person);
	return SK_OK;
}

/* Held: the reminder of the duty of confidentiality, and who held it (not the person). */
static int check_held(struct reg_call *c, int64_t person)
{
	int64_t by_person = model_json_int(c->in, "held_by_person_id"),
	        by_ident = model_json_int(c->in, "held_by_identity_id");
	int rc;

	if (model_json_str0(c->in, "reason")[0])
		return store_tx_failr(
		        c->tx, SK_EINVAL, "reason", "exit.reason_for_unnecessary", NULL,
		        "reason: only for an exit talk that was obviously unnecessary");
	/* 6 kap. 6 §: the talk reminds of the duty of confidentiality; a talk without it is none */
	if (!json_is_true(json_object_get(c->in, "reminded")))
		return store_tx_failr(
		        c->tx, SK_EINVAL, "reminded", "exit.not_reminded", NULL,
		        "reminded: the talk reminds the person of their duty of "
		        "confidentiality (tystnadsplikt); record it once that is done");
	if (by_person && by_ident)
		return store_tx_failr(c->tx, SK_EINVAL, "held_by_person_id", "exit.held_by_both",
		                      NULL,
		                      "held_by_person_id: give who held the talk once, as a person "
		                      "or as a login");
	if (!by_person && !by_ident) {
		by_ident = c->p ? c->p->id : 0;
		json_object_set_new(c->data, "held_by_identity_id",
		                    by_ident ? json_integer(by_ident) : json_null());
	}
	if (by_person == person ||
	    (by_ident && records_tx_person_of_identity(c->tx, by_ident) == person))
		return store_tx_failr(
		        c->tx, SK_EINVAL, by_person ? "held_by_person_id" : "held_by_identity_id",
		        "exit.held_by_self", NULL, "nobody holds their own exit talk");
	if (by_person) {
		rc = records_tx_person_active(c->tx, by_person);
		if (rc == SK_ERULE)
			return store_tx_failr(c->tx, SK_ERULE, "held_by_person_id",
			                      "exit.held_by_ended", NULL, "person %lld has ended",
			                      (long long)by_person);
		if (rc)
			return rc;
	}
	json_object_set_new(c->data, "reason", json_string(""));
	return SK_OK;
}

/* Unnecessary: the reason, and nothing of a talk. */
static int check_unnecessary(struct reg_call *c)
{
	static const char *const talk[] = {"held_by_person_id", "held_by_identity_id", "reminded"};

	for (size_t i = 0; i < sizeof(talk) / sizeof(talk[0]); i++) {
		json_t *v = json_object_get(c->in, talk[i]);

		if (v && !json_is_null(v))
			return store_tx_failr(c->tx, SK_EINVAL, talk[i], "exit.talk_for_held", NULL,
			                      "%s: only for an exit talk that was held", talk[i]);
	}
	if (!model_json_str0(c->in, "reason")[0])
		return store_tx_failr(c->tx, SK_EINVAL, "reason", "exit.reason_missing", NULL,
		                      "reason: why the exit talk was obviously unnecessary");
	json_object_set_new(c->data, "held_on", json_null());
	json_object_set_new(c->data, "reminded", json_null());
	return SK_OK;
}

static int check_record(struct reg_call *c)
{
	int64_t person = model_json_int(c->in, "person_id");
	int rc = check_common(c, person);

	if (rc)
		return rc;
	return strcmp(model_json_str0(c->in, "outcome"), "held") == 0 ? check_held(c, person)
	                                                              : check_unnecessary(c);
}

static const struct reg_arg record_args[] = {
        {"person_id", REG_A_REQUIRED, "person", NULL},
        {"outcome", REG_A_REQUIRED, NULL, "held, or unnecessary (give --reason)"},
        {"held_on", REG_A_TODAY, "on", "the day of the talk (default today)"},
        {"held_by_person_id", REG_A_NULL, "by-person", NULL},
        {"held_by_identity_id", REG_A_NULL, "by-identity",
         "who held it (a login; default: whoever records it)"},
        {"reminded", REG_A_NULL, NULL,
         "yes: the person was reminded of the duty of confidentiality (held)"},
        {"reason", REG_A_EMPTY, NULL, NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "record",
         .verb = REG_CREATE,
         .roles = RECORD,
         .event = "exit_talk.recorded",
         .args = record_args,
         .check = check_record,
         .summary = "record a person's exit talk, or why it was unnecessary (6 kap. 6 §)",
         .help = "Records the exit talk (avslutande säkerhetssamtal) of a person whose "
                 "participation ends: --outcome held with the day (--on), who held it "
                 "(--by-person or --by-identity; default yourself) and --reminded yes (the "
                 "person was reminded of the duty of confidentiality); or --outcome "
                 "unnecessary with --reason, when a talk was obviously unnecessary. The ssc or "
                 "the personnel-security function; never for the person linked to their own "
                 "login. One per ending."},
        {0},
};

const struct register_def reg_exit_talks = {
        .name = "exit-talks",
        .one = "exit_talk",
        .table = "exit_talk",
        .cli = "exit",
        .slug = "avslutningssamtal",
        .display = "person",
        .title = "exit talks",
        .paragraph = "6 kap. 6 §",
        .about = "Exit talks (avslutande säkerhetssamtal): when a person's participation ends, "
                 "the day, who held it and the reminder of the duty of confidentiality, or why "
                 "it was obviously unnecessary.",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
};

/* ---- the person's page ---- */

static json_t *talk_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:s}", "id", (json_int_t)store_q_int(q, 0),
	                 "outcome", store_q_text(q, 1), "held_on", model_q_json_text(q, 2),
	                 "held_by", model_q_json_text(q, 3), "reminded",
	                 store_q_is_null(q, 4) ? json_null() : json_boolean(store_q_int(q, 4)),
	                 "reason", store_q_text(q, 5), "recorded_on", store_q_text(q, 6));
}

#define TALK_SQL                                                                                   \
	"SELECT t.id, t.outcome, t.held_on, coalesce((SELECT name FROM person WHERE person.id = "  \
	"t.held_by_person_id), (SELECT display_name FROM identity WHERE identity.id = "            \
	"t.held_by_identity_id)), t.reminded, t.reason, substr(t.created_at, 1, 10) FROM "         \
	"exit_talk t WHERE t.person_id = ?3 AND t.placement_id IS NULL ORDER BY t.id LIMIT 1"

void exit_person_detail(struct model *m, const struct principal *p, int64_t person, json_t *o)
{
	json_t *rows, *talk;
	bool ended = strcmp(model_json_str0(o, "status"), "ended") == 0;
	bool self = false;

	/* the readers of the register only (need-to-know); the rest see nothing of it */
	if (!p || !(p->roles & READ))
		return;
	rows = rec_query(m, TALK_SQL, talk_row, NULL, NULL, person);
	talk = json_array_get(rows, 0);
	if (p->id) {
		struct store_reader *r = model_reader(m);

		self = r && records_person_of_identity(r, p->id) == person;
	}
	json_object_set_new(o, "exit_talk",
	                    json_pack("{s:O, s:b, s:b}", "talk", talk ? talk : json_null(), "due",
	                              ended && !talk, "may_record",
	                              !talk && !self && (p->roles & RECORD) != 0));
	json_decref(rows);
}
