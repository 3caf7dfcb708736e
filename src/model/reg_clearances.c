/*
 * Clearances (behörigheter, 6 kap. PMFS 2022:1 with 3 kap. 1 §): the
 * decision that a person — with or without a login — may access classified
 * information up to a class, from one day until another, on a vetting
 * decision (säkerhetsprövning) or another recorded basis. One truth: a
 * login takes its clearance from its person (MODEL_CLEARANCE_OF_IDENTITY),
 * and every check — issuing copies, need-to-know lists, inventories, reads —
 * uses that.
 *
 * The ssc or the personnel-security function decides, never for the person
 * linked to their own login. An identity's clearance set through the users'
 * page (PATCH /identities/{id}) becomes such a decision on its person
 * (model_tx_clearance_set), and the clearances older releases kept on
 * identities become decisions with basis "migrated" at the first start
 * (model_clearance_migrate).
 *
 * Everyone who reads registers sees "cleared for H until …": a clearance
 * shows nothing of the vetting behind it but its number.
 */
#include <string.h>

#include "model/access_int.h"
#include "model/records.h"
#include "model/reg_int.h"
#include "model/register.h"

#define R(x)   ROLE_BIT(ROLE_##x)
#define DECIDE (R(SSC) | R(PERSONNEL))
#define READ   (ROLES_REGISTER | R(PERSONNEL))

static const char *const states[] = {"active", "withdrawn", NULL};
static const char *const bases[] = {"vetting", "decision", "account", "migrated", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the decision's number"},
        {"person_id", REG_REF, .ref = "persons", .flags = REG_F_FILTER | REG_F_CLI,
         .doc = "the person cleared"},
        {"person", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT name FROM person WHERE person.id = clearance.person_id)",
         .doc = "the person's name"},
        {"class", REG_CLASS, .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,
         .doc = "the highest class they may access: BH K H KH"},
        {"valid_from", REG_DATE, .flags = REG_F_LIST | REG_F_CLI, .doc = "the first day"},
        {"valid_until", REG_DATE, .flags = REG_F_LIST | REG_F_CLI | REG_F_NULL,
         .doc = "the last day (none: until withdrawn)"},
        {"vetting_id", REG_REF, .ref = "vettings", .flags = REG_F_NULL,
         .doc = "the vetting (säkerhetsprövning) whose decision it rests on"},
        {"basis", REG_ENUM, .values = bases, .flags = REG_F_LIST | REG_F_FILTER,
         .vlabel = "reg.clearance_basis",
         .doc = "vetting, decision (without a vetting: BH), account (set on a login) or "
                "migrated (an older release's clearance of a login)"},
        {"decision_ref", REG_STRING, 0, 128, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "the decision's reference"},
        {"decided_by", REG_REF, .ref = "identities", .doc = "who decided (identity; 0: system)"},
        {"decided_on", REG_DATE, .flags = REG_F_LIST, .doc = "the day it was decided"},
        {"state", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.clearance_state",
         .doc = "active or withdrawn"},
        {"withdrawn_on", REG_DATE, .flags = REG_F_PAST | REG_F_NULL,
         .doc = "the day it was withdrawn"},
        {"withdraw_reason", REG_TEXT, 1, 1000, .doc = "why it was withdrawn"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

/* The login of person, or 0. */
static int64_t login_of(struct store_tx *tx, int64_t person)
{
	int64_t ident = 0;

	if (store_tx_int(tx, &ident, "SELECT coalesce(identity_id, 0) FROM person WHERE id = ?1",
	                 "i", person))
		return 0;
	return ident;
}

/*
 * Nobody decides about the person linked to their own login (separation of
 * duties). A person with a login: the clearance opens the login's reading
 * too, so the rule of every clearance on an account applies (4 kap. 8 §,
 * model_tx_sod): the ssc decides (the head without one), never the login's
 * creator, and the ssc's and head's own by the head or another ssc.
 */
static int not_self(struct reg_call *c, int64_t person)
{
	struct model_sod sod = {0};
	int64_t ident;
	char today[11], reason[64];

	if (c->p && c->p->id && records_tx_person_of_identity(c->tx, c->p->id) == person)
		return store_tx_failr(c->tx, SK_EPERM, "person_id", "clearance.self", NULL,
		                      "nobody decides on the clearance of the person linked to "
		                      "their own login: another ssc or the personnel-security "
		                      "function decides");
	ident = login_of(c->tx, person);
	if (!ident || !c->p)
		return SK_OK;
	model_today(today);
	if (model_tx_sod(c->tx, c->p->id, ident, SOD_CLEARANCE, ROLE_STAFF, today, &sod) == SK_OK)
		return SK_OK;
	snprintf(reason, sizeof(reason), "clearance.login_%s", sod.reason ? sod.reason : "sod");
	return store_tx_failr(c->tx, SK_EPERM, "person_id", reason, NULL, "%s", sod.why);
}

static int check_decide(struct reg_call *c)
{
	int64_t person = model_json_int(c->in, "person_id");
	const char *from = model_json_str(c->data, "valid_from"),
	           *until = model_json_str(c->data, "valid_until");
	char today[11];
	int rc;

	if ((rc = not_self(c, person)))
		return rc;
	rc = records_tx_person_active(c->tx, person);
	if (rc == SK_ERULE)
		return store_tx_failr(c->tx, SK_ERULE, "person_id", "clearance.person_ended", NULL,
		                      "person %lld has ended", (long long)person);
	if (rc)
		return rc;
	if (from && until && strcmp(until, from) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "valid_until", "clearance.until_before",
		                      json_pack("{s:s}", "date", from),
		                      "valid_until: before valid_from (%s)", from);
	model_today(today);
	json_object_set_new(c->data, "basis",
	                    json_string(json_integer_value(json_object_get(c->in, "vetting_id")) > 0
	                                        ? "vetting"
	                                        : "decision"));
	json_object_set_new(c->data, "decided_by", json_integer(c->p ? c->p->id : 0));
	json_object_set_new(c->data, "decided_on", json_string(today));
	return SK_OK;
}

static int check_withdraw(struct reg_call *c)
{
	int rc = not_self(c, model_json_int(c->old, "person_id"));
	const char *from = model_json_str(c->old, "valid_from"),
	           *on = model_json_str(c->data, "withdrawn_on");

	if (rc)
		return rc;
	if (from && on && strcmp(on, from) < 0)
		return store_tx_failr(c->tx, SK_EINVAL, "withdrawn_on",
		                      "clearance.withdrawn_before",
		                      json_pack("{s:s}", "date", from),
		                      "withdrawn_on: before valid_from (%s)", from);
	return SK_OK;
}

static const struct reg_arg decide_args[] = {
        {"person_id", REG_A_REQUIRED, "person", NULL},
        {"class", REG_A_REQUIRED, NULL, NULL},
        {"valid_from", REG_A_TODAY, "from", "the first day (default today)"},
        {"valid_until", REG_A_NULL, "until", NULL},
        {"vetting_id", REG_A_NULL, "vetting", NULL},
        {"decision_ref", REG_A_EMPTY, "decision", NULL},
        {0},
};
static const struct reg_arg withdraw_args[] = {
        {"withdrawn_on", REG_A_TODAY, "on", "the day it ends (default today)"},
        {"withdraw_reason", REG_A_REQUIRED, "reason", NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "decide",
         .verb = REG_CREATE,
         .roles = DECIDE,
         .event = "clearance.decided",
         .state = "active",
         .args = decide_args,
         .check = check_decide,
         .summary = "decide a person's clearance (behörighet) up to a class",
         .help = "Records that a person may access classified information up to --class from "
                 "--from until --until, on a vetting (--vetting) or another decision. The ssc "
                 "or the personnel-security function decides; never for the person linked to "
                 "their own login. A login takes its clearance from its person."},
        {.name = "withdraw",
         .verb = REG_ACT,
         .path = "withdraw",
         .roles = DECIDE,
         .event = "clearance.withdrawn",
         .state = "withdrawn",
         .when = "active",
         .args = withdraw_args,
         .check = check_withdraw,
         .danger = true,
         .summary = "withdraw a clearance",
         .help = "Withdraws a clearance from a day, with the reason."},
        {0},
};

/*
 * Moving a clearance to an identity's person leaves identity.clearance, the
 * column older releases kept, at 'none': the decision is the one truth.
 */
static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	int64_t ident = model_json_int(e->data, "identity_id");

	(void)cmd;
	if (!ident)
		return SK_OK;
	return store_tx_run(tx, "UPDATE identity SET clearance = 'none' WHERE id = ?1", "i", ident);
}

static const char *const touches[] = {"identity", NULL};

const struct register_def reg_clearances = {
        .name = "clearances",
        .one = "clearance",
        .table = "clearance",
        .cli = "clearance",
        .slug = "behorigheter",
        .display = "person",
        .title = "clearances",
        .paragraph = "6 kap. 1–5 §§, 3 kap. 1 §",
        .about = "Clearances (behörigheter): who may access classified information up to which "
                 "class, from when until when, on which vetting decision; withdrawals.",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .apply = apply,
        .touches = touches,
};

/* ---- an identity's clearance as a decision on its person ---- */

/* The person of identity, recorded (as a person with that login) when there is none. */
static int tx_person_for(struct store_tx *tx, int64_t actor, int64_t ident, int64_t *person)
{
	char name[256] = "";
	struct store_q *q;
	int rc;

	*person = records_tx_person_of_identity(tx, ident);
	if (*person)
		return SK_OK;
	if ((rc = store_tx_query(tx, "SELECT display_name FROM identity WHERE id = ?1", &q)))
		return rc;
	store_q_bind_int(q, 1, ident);
	rc = store_q_step(q);
	if (!rc)
		snprintf(name, sizeof(name), "%s", store_q_text(q, 0));
	store_q_done(q);
	if (rc)
		return rc;
	if ((rc = store_tx_int(tx, person, "SELECT coalesce(max(id), 0) + 1 FROM person", "")))
		return rc;
	return model_tx_log(tx, actor, "person.created", "person", *person,
	                    json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)*person, "name",
	                              name, "unit", "", "identity_id", (json_int_t)ident));
}

/* Withdraws every active clearance of person from today (a new decision replaces them). */
static int tx_withdraw_all(struct store_tx *tx, int64_t actor, int64_t person, const char *today,
                           const char *why)
{
	int64_t ids[64];
	size_t n = 0;
	struct store_q *q;
	int rc = store_tx_query(tx,
	                        "SELECT id, valid_from FROM clearance WHERE person_id = ?1 AND "
	                        "state = 'active' ORDER BY id",
	                        &q);
	char from[64][11];

	if (rc)
		return rc;
	store_q_bind_int(q, 1, person);
	while (n < 64 && (rc = store_q_step(q)) == SK_OK) {
		ids[n] = store_q_int(q, 0);
		snprintf(from[n], sizeof(from[n]), "%s", store_q_text(q, 1));
		n++;
	}
	store_q_done(q);
	if (rc && rc != SK_ENOTFOUND)
		return rc;
	for (size_t i = 0; i < n; i++) {
		/* one not yet begun ends the day it would have begun */
		const char *on = strcmp(from[i], today) > 0 ? from[i] : today;

		rc = model_tx_log(tx, actor, "clearance.withdrawn", "clearance", ids[i],
		                  json_pack("{s:I, s:s, s:s}", "id", (json_int_t)ids[i],
		                            "withdrawn_on", on, "withdraw_reason", why));
		if (rc)
			return rc;
	}
	return SK_OK;
}

/* A decision of class for person from today, on basis, for identity (0: none). */
static int tx_decide(struct store_tx *tx, int64_t actor, int64_t person, enum clearance cls,
                     const char *basis, int64_t ident, const char *today)
{
	int64_t id;
	json_t *d;
	int rc = store_tx_int(tx, &id, "SELECT coalesce(max(id), 0) + 1 FROM clearance", "");

	if (rc)
		return rc;
	d = json_pack("{s:I, s:I, s:s, s:s, s:n, s:n, s:s, s:s, s:I, s:s}", "id", (json_int_t)id,
	              "person_id", (json_int_t)person, "class", clearance_name(cls), "valid_from",
	              today, "valid_until", "vetting_id", "basis", basis, "decision_ref", "",
	              "decided_by", (json_int_t)actor, "decided_on", today);
	if (d && ident)
		json_object_set_new(d, "identity_id", json_integer(ident));
	return model_tx_log(tx, actor, "clearance.decided", "clearance", id, d);
}

int model_tx_clearance_set(struct store_tx *tx, int64_t actor, int64_t ident, enum clearance cls)
{
	char today[11];
	int64_t person;
	int rc;

	model_today(today);
	if ((rc = tx_person_for(tx, actor, ident, &person)))
		return rc;
	if ((rc = tx_withdraw_all(tx, actor, person, today,
	                          cls == CLEAR_NONE ? "clearance removed on the login"
	                                            : "replaced by a new decision")))
		return rc;
	return cls == CLEAR_NONE ? SK_OK : tx_decide(tx, actor, person, cls, "account", 0, today);
}

/* ---- the clearances older releases kept on identities ---- */

static int migrate_fn(struct store_tx *tx, void *arg)
{
	struct store_q *q;
	int64_t ids[256];
	int cls[256];
	size_t n = 0;
	char today[11];
	int rc;

	(void)arg;
	model_today(today);
	rc = store_tx_query(tx,
	                    "SELECT id, clearance FROM identity WHERE clearance != 'none' ORDER BY "
	                    "id",
	                    &q);
	if (rc)
		return rc;
	while (n < 256 && (rc = store_q_step(q)) == SK_OK) {
		ids[n] = store_q_int(q, 0);
		cls[n] = clearance_parse(store_q_text(q, 1));
		n++;
	}
	store_q_done(q);
	if (rc && rc != SK_ENOTFOUND)
		return rc;
	for (size_t i = 0; i < n; i++) {
		int64_t person;

		if (cls[i] <= CLEAR_NONE)
			continue;
		if ((rc = tx_person_for(tx, 0, ids[i], &person)) ||
		    (rc = tx_decide(tx, 0, person, (enum clearance)cls[i], "migrated", ids[i],
		                    today)))
			return rc;
	}
	return SK_OK;
}

int model_clearance_migrate(struct model *m)
{
	struct store_reader *r = model_reader(m);
	struct model_err err;
	struct store_q *q;
	bool any = false;
	int rc;

	if (!r)
		return SK_EIO;
	/* up to 256 identities per pass: a larger instance takes more passes */
	for (int pass = 0; pass < 1000; pass++) {
		if ((rc = store_reader_query(
		             r, "SELECT 1 FROM identity WHERE clearance != 'none' LIMIT 1", &q)))
			return rc;
		rc = store_q_step(q);
		store_q_done(q);
		any = rc == SK_OK;
		if (rc && rc != SK_ENOTFOUND)
			return rc;
		if (!any)
			return SK_OK;
		memset(&err, 0, sizeof(err));
		if ((rc = model_submit(m, migrate_fn, NULL, &err)))
			return rc;
	}
	return SK_OK;
}
