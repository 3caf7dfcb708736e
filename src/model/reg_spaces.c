/*
 * Approved spaces (5 kap. 8–10 §§ PMFS 2022:1): rooms for classified
 * conversations and for processing, and storage containers
 * (förvaringsutrymmen), each approved up to a class by a decision of the
 * säkerhetsskyddschef — a container for KH by the head (10 §).
 */
#include <string.h>

#include "model/access_int.h"
#include "model/records_int.h"
#include "model/register.h"

#define R(x)      ROLE_BIT(ROLE_##x)
#define APPROVERS (R(SSC) | R(CHIEF))
#define READ      ROLES_REGISTER

#define RANK(col)                                                                                  \
	"(CASE " col " WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 WHEN 'KH' THEN 4 ELSE 5 "  \
	"END)"
/* Copies kept in a space: neither with a person, nor gone. */
#define COPY_IN_SPACE "c.space_id = ?1 AND c.state IN ('in_register', 'returned', 'archived')"

static const char *const kinds[] = {"conversation", "processing", "container", NULL};
static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the space's number"},
        {"kind", REG_ENUM, .values = kinds, .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,
         .vlabel = "reg.space_kind",
         .doc = "conversation (5 kap. 8 §), processing (9 §) or container (10 §)"},
        {"name", REG_STRING, 1, 128, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "the room's or container's name"},
        {"location", REG_STRING, 0, 200, .flags = REG_F_LIST, .doc = "where it is"},
        {"max_class", REG_CLASS, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "highest approved class: BH K H KH (a KH container: the head only)"},
        {"decided_by", REG_INT, .src = REG_SRC_CREATED_BY, .doc = "who decided (identity)"},
        {"decided_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST | REG_F_CLI,
         .doc = "the decision's date (default today)"},
        {"decision_ref", REG_STRING, 1, 128, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "the decision's reference"},
        REG_FIELD_APPROVAL_STATUS,
        {"withdrawn_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST,
         .doc = "the day the approval ended"},
        {"reason", REG_TEXT, 1, 500, .src = REG_SRC_LEDGER_ONLY, .doc = "why the approval ends"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {"holds.copies", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT count(*) FROM copy c WHERE c.space_id = space.id AND c.state IN "
                "('in_register', 'returned', 'archived'))",
         .doc = "copies kept in it"},
        {"holds.media", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT count(*) FROM medium WHERE space_id = space.id AND state = 'in_use')",
         .doc = "storage media in use kept in it"},
        {0},
};

static int class_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? rec_class_rank(s) : 0;
}

/* Is this a storage container for KH before or after the change? */
static bool kh_container(const struct reg_call *c)
{
	const char *kind = json_string_value(json_object_get(c->old ? c->old : c->in, "kind"));

	return kind && strcmp(kind, "container") == 0 &&
	       (class_of(c->old, "max_class") == CLEAR_KH ||
	        class_of(c->in, "max_class") == CLEAR_KH);
}

/*
 * A storage container for KH only by the head (5 kap. 10 §); and the day of
 * the decision (decided_on, when given): the decider — the caller — held the
 * deciding role on that day too, as document decisions require (decision.c,
 * decider()): a role granted later does not reach back.
 */
static int rights(struct reg_call *c)
{
	const char *on = json_string_value(json_object_get(c->in, "decided_on"));
	unsigned then;

	if (kh_container(c) && !(c->roles & R(CHIEF)))
		return store_tx_failr(c->tx, SK_EPERM, "max_class", "space.kh_container_head", NULL,
		                      "5 kap. 10 §: a storage container for KH is approved by the "
		                      "head (högsta chef)");
	if (!on)
		return SK_OK;
	then = model_tx_roles_of(c->tx, c->p ? c->p->id : 0, on);
	if (c->p && c->p->token_id)
		then &= c->p->roles;
	if (!(then & APPROVERS))
		return store_tx_failr(c->tx, SK_ERULE, "decided_on", "space.decider_that_day",
		                      json_pack("{s:s}", "date", on),
		                      "5 kap. 8–10 §§: on %s you were neither säkerhetsskyddschef "
		                      "nor head, so the decision cannot be yours",
		                      on);
	if (kh_container(c) && !(then & R(CHIEF)))
		return store_tx_failr(c->tx, SK_ERULE, "decided_on", "space.kh_head_that_day",
		                      json_pack("{s:s}", "date", on),
		                      "5 kap. 10 §: on %s you were not the head (högsta chef), who "
		                      "approves a storage container for KH",
		                      on);
	return SK_OK;
}

/*
 * Refuses (SK_EEXIST) while the space holds copies or media in use; above >
 * 0: only those of a class above it (on max_class, else on id).
 */
static int held(struct reg_call *c, int above)
{
	struct buf b;
	int rc = SK_OK;

	buf_init(&b, 4096);
	reg_tx_held_list(c->tx,
	                 "SELECT c.id FROM copy c JOIN document d ON d.id = c.document_id WHERE "
	                 "" COPY_IN_SPACE
	                 " AND " RANK("d.class") " > coalesce(?2, 0) ORDER BY c.id",
	                 c->id, above, "copy", &b);
	reg_tx_held_list(c->tx,
	                 "SELECT id FROM medium WHERE space_id = ?1 AND state = 'in_use' AND "
	                 "" RANK("class") " > coalesce(?2, 0) ORDER BY id",
	                 c->id, above, "medium", &b);
	if (b.len && above)
		rc = store_tx_failr(
		        c->tx, SK_EEXIST, "max_class", "space.holds_higher", NULL,
		        "space %lld still holds %s: move them before lowering the class",
		        (long long)c->id, b.ptr);
	else if (b.len)
		rc = store_tx_failr(c->tx, SK_EEXIST, "id", "space.holds", NULL,
		                    "space %lld still holds %s: move them before withdrawing the "
		                    "approval",
		                    (long long)c->id, b.ptr);
	buf_release(&b);
	return rc;
}

static int check_update(struct reg_call *c)
{
	int old = class_of(c->old, "max_class"), new = class_of(c->in, "max_class");
	int rc = rights(c);

	if (rc)
		return rc;
	if (new &&new != old && !json_object_get(c->in, "decision_ref"))
		return store_tx_failr(c->tx, SK_EINVAL, "decision_ref", "space.new_class_decision",
		                      NULL,
		                      "a new max_class is a new decision: give its decision_ref");
	if (new &&new < old)
		return held(c, new);
	return SK_OK;
}

static int check_withdraw(struct reg_call *c)
{
	int rc = rights(c);

	return rc ? rc : held(c, 0);
}

/* A new class, date or reference is a new decision: its decider is the actor. */
static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	const json_t *d = e->data;

	if (strcmp(cmd->event, "space.updated") != 0 ||
	    !(json_object_get(d, "max_class") || json_object_get(d, "decided_on") ||
	      json_object_get(d, "decision_ref")))
		return SK_OK;
	return store_tx_run(tx, "UPDATE space SET decided_by = ?2 WHERE id = ?1", "ii",
	                    model_json_int(d, "id"), e->actor);
}

static const struct reg_arg add_args[] = {
        {"kind", REG_A_REQUIRED, NULL, NULL},
        {"name", REG_A_REQUIRED, NULL, NULL},
        {"location", REG_A_EMPTY, NULL, NULL},
        {"max_class", REG_A_REQUIRED, "class", NULL},
        {"decided_on", REG_A_TODAY, "decided", NULL},
        {"decision_ref", REG_A_REQUIRED, "decision", NULL},
        {0},
};
static const struct reg_arg update_args[] = {
        {"name", 0, NULL, NULL},
        {"location", 0, NULL, NULL},
        {"max_class", 0, "class", "a new highest class (with decision_ref)"},
        {"decided_on", 0, "decided", "the decision's date"},
        {"decision_ref", 0, "decision", NULL},
        {0},
};
static const struct reg_arg withdraw_args[] = {
        {"withdrawn_on", REG_A_TODAY, "on", "the day (default today)"},
        {"reason", REG_A_REQUIRED, NULL, NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = APPROVERS,
         .event = "space.approved",
         .state = "approved",
         .args = add_args,
         .check = rights,
         .summary = "approve a room or storage container",
         .help = "Approves a room for classified conversations (5 kap. 8 §), a room for processing "
                 "(9 §) or a storage container (10 §) up to a class. ssc or chief; a container for "
                 "KH only by the head (chief)."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = APPROVERS,
         .event = "space.updated",
         .when = "approved",
         .args = update_args,
         .check = check_update,
         .summary = "change a space or its approval",
         .help = "Changes a space; a new class is a new decision (give --decision). Lowering below "
                 "what it holds is refused."},
        {.name = "withdraw",
         .verb = REG_ACT,
         .path = "withdraw",
         .roles = APPROVERS,
         .event = "space.withdrawn",
         .state = "withdrawn",
         .when = "approved",
         .args = withdraw_args,
         .check = check_withdraw,
         .danger = true,
         .summary = "withdraw an approval (refused while it holds anything)",
         .help = "Withdraws an approval. Refused while the space holds copies or media."},
        {0},
};

const struct register_def reg_spaces = {
        .name = "spaces",
        .one = "space",
        .table = "space",
        .cli = "space",
        .slug = "forvaring",
        .display = "name",
        .title = "approved spaces",
        .paragraph = "5 kap. 8–10 §§",
        .about = "Approved spaces (5 kap. 8–10 §§ PMFS 2022:1): rooms for classified "
                 "conversations and processing, storage containers, each with its highest "
                 "class and decision.",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .apply = apply,
        .import = "add",
};
