/*
 * Storage media (lagringsmedier), 3 kap. 11, 21, 22–24 §§ PMFS 2022:1:
 * registered with class and marking (11 §), kept in an approved space or by
 * a person, possibly in an approved information system; decommissioned,
 * reused, destroyed with a destruction record (22–23 §§) or lost, which
 * opens a lost case (the inventory slice owns those). Need-to-know: a medium
 * above the caller's clearance does not exist for them.
 */
#include <stdio.h>
#include <string.h>

#include "model/access_int.h"
#include "model/inventory.h"
#include "model/records.h"
#include "model/records_int.h"
#include "model/register.h"

#define R(x)  ROLE_BIT(ROLE_##x)
#define WRITE (R(REGISTRAR) | R(SSC))
#define READ  ROLES_REGISTER
#define ENDABLE                                                                                    \
	"in_use decommissioned" /* 3 kap. 24 §: a decommissioned medium is reused or destroyed */

static const char *const types[] = {"usb", "disk", "laptop", "phone", "optical", "other", NULL};
static const char *const states[] = {"in_use", "lost",      "decommissioned",
                                     "reused", "destroyed", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the medium's number"},
        {"identifier", REG_STRING, 1, 64, .flags = REG_F_LIST | REG_F_CLI | REG_F_UNIQUE,
         .doc = "the medium's identifier (unique)"},
        {"type", REG_ENUM, .values = types, .flags = REG_F_LIST | REG_F_CLI,
         .vlabel = "reg.medium_type", .doc = "usb, disk, laptop, phone, optical or other"},
        {"class", REG_CLASS, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "BH K H KH, within your clearance"},
        {"marking", REG_STRING, 1, 128, .flags = REG_F_LIST,
         .doc = "the marking (default: class and identifier)"},
        {"fixed", REG_BOOL, .doc = "marked on the equipment (3 kap. 11 §)"},
        {"holder_id", REG_REF, .ref = "persons", .col = "holder_person_id",
         .flags = REG_F_LIST | REG_F_CLI, .doc = "the person who holds it (or space_id)"},
        {"space_id", REG_REF, .ref = "spaces", .flags = REG_F_LIST | REG_F_CLI,
         .doc = "where it is kept (or holder_id)"},
        {"system_id", REG_REF, .ref = "systems", .flags = REG_F_CLI,
         .doc = "the information system it belongs to"},
        {"state", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.medium_state",
         .doc = "in_use, lost, decommissioned, reused or destroyed"},
        {"last_inventoried_on", REG_DATE, .doc = "the last inventory that found it"},
        {"ended_on", REG_DATE, .doc = "the day it was decommissioned, reused or destroyed"},
        {"end_method", REG_STRING, .doc = "how"},
        {"ended_by", REG_REF, .ref = "identities", .doc = "who recorded the end (identity)"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        /* the arguments of the ends: in the entries, and in the row as ended_on and end_method */
        {"method", REG_TEXT, 1, 200, .src = REG_SRC_LEDGER_ONLY, .doc = "how (3 kap. 24 §)"},
        {"on", REG_DATE, .flags = REG_F_PAST, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the day (default today)"},
        {"destroyed_on", REG_DATE, .flags = REG_F_PAST, .src = REG_SRC_LEDGER_ONLY,
         .doc = "the day (default today)"},
        {"performer_id", REG_REF, .ref = "persons", .src = REG_SRC_LEDGER_ONLY,
         .doc = "the person who destroyed it"},
        {"witness_id", REG_REF, .ref = "persons", .src = REG_SRC_LEDGER_ONLY,
         .doc = "a witness (another person)"},
        {"note", REG_TEXT, 1, 500, .src = REG_SRC_LEDGER_ONLY, .doc = "what is known"},
        {0},
};

static int64_t num(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

static int class_rank(const json_t *o, const char *key)
{
	return rec_class_rank(json_string_value(json_object_get(o, key)));
}

/* A person who exists (checked generically) and is active, for field. */
static int person_ok(struct reg_call *c, int64_t id, const char *field)
{
	if (records_tx_person_active(c->tx, id) == SK_ERULE)
		return store_tx_failr(c->tx, SK_ERULE, field, "medium.person_ended", NULL,
		                      "person %lld has ended", (long long)id);
	return SK_OK;
}

/* Where a medium of class may be: with an active person, or in an approved room for processing or
 * container. */
static int placement_ok(struct reg_call *c, int64_t space_id, int64_t holder_id, int class)
{
	char kind[16] = "", status[16] = "";
	struct store_q *q;
	int max = 0, rc;

	if (holder_id)
		return person_ok(c, holder_id, "holder_id");
	rc = store_tx_query(c->tx, "SELECT kind, max_class, status FROM space WHERE id = ?1", &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, space_id);
	rc = store_q_step(q);
	if (!rc) {
		snprintf(kind, sizeof(kind), "%s", store_q_text(q, 0));
		max = rec_class_rank(store_q_text(q, 1));
		snprintf(status, sizeof(status), "%s", store_q_text(q, 2));
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(c->tx, SK_ENOTFOUND, "space_id", "record.ref_missing", NULL,
		                      "no space %lld", (long long)space_id);
	if (rc)
		return rc;
	if (strcmp(status, "approved") != 0)
		return store_tx_failr(c->tx, SK_ERULE, "space_id", "medium.space_withdrawn", NULL,
		                      "space %lld is withdrawn", (long long)space_id);
	if (strcmp(kind, "conversation") == 0)
		return store_tx_failr(c->tx, SK_ERULE, "space_id", "medium.space_conversation",
		                      NULL,
		                      "space %lld is a room for conversations: keep media in a "
		                      "storage container or a room for processing",
		                      (long long)space_id);
	if (max < class)
		return store_tx_failr(c->tx, SK_ERULE, "space_id", "medium.space_class",
		                      json_pack("{s:s, s:s}", "max",
		                                clearance_name((enum clearance)max), "class",
		                                clearance_name((enum clearance) class)),
		                      "3 kap. 9 §, 5 kap. 9–10 §§: space %lld is approved up to "
		                      "%s, the medium is %s",
		                      (long long)space_id, clearance_name((enum clearance)max),
		                      clearance_name((enum clearance) class));
	return SK_OK;
}

static int system_ok(struct reg_call *c, int64_t system_id, int class)
{
	if (records_tx_system_holds(c->tx, system_id, class) == SK_ERULE)
		return store_tx_failr(
		        c->tx, SK_ERULE, "system_id", "medium.system_class",
		        json_pack("{s:s}", "class", clearance_name((enum clearance) class)),
		        "3 kap. 1 §: system %lld is not approved for %s", (long long)system_id,
		        clearance_name((enum clearance) class));
	return SK_OK;
}

static int within_clearance(struct reg_call *c, int class)
{
	if (c->p && class > (int)c->p->clearance)
		return store_tx_failr(
		        c->tx, SK_EPERM, "class", "medium.class_above_clearance",
		        json_pack("{s:s, s:s}", "class", clearance_name((enum clearance) class),
		                  "clearance", clearance_name(c->p->clearance)),
		        "%s is above your clearance (%s)", clearance_name((enum clearance) class),
		        clearance_name(c->p->clearance));
	return SK_OK;
}

static int check_add(struct reg_call *c)
{
	int64_t space = num(c->in, "space_id"), holder = num(c->in, "holder_id");
	int64_t system = num(c->in, "system_id");
	int class = class_rank(c->in, "class"), rc;
	char marking[160];

	if ((rc = within_clearance(c, class)))
		return rc;
	if (space && holder)
		return store_tx_failr(c->tx, SK_EINVAL, "space_id", "medium.place_both", NULL,
		                      "a medium is in a space or with a person: give space_id or "
		                      "holder_id, not both");
	if (!space && !holder)
		return store_tx_failr(c->tx, SK_EINVAL, "space_id", "medium.place_missing", NULL,
		                      "3 kap. 9 §: give where the medium is kept (space_id) or who "
		                      "holds it (holder_id)");
	if ((rc = placement_ok(c, space, holder, class)) ||
	    (system && (rc = system_ok(c, system, class))))
		return rc;
	/* 3 kap. 11 §: marked with class and identifier. */
	snprintf(marking, sizeof(marking), "%s %s",
	         json_string_value(json_object_get(c->in, "class")),
	         json_string_value(json_object_get(c->in, "identifier")));
	if (!json_object_get(c->data, "marking"))
		json_object_set_new(c->data, "marking", json_string(marking));
	if (!json_object_get(c->data, "fixed"))
		json_object_set_new(c->data, "fixed", json_false());
	return SK_OK;
}

static int check_update(struct reg_call *c)
{
	int64_t space = num(c->in, "space_id"), holder = num(c->in, "holder_id");
	bool moved = space || holder;
	int class = json_object_get(c->in, "class") ? class_rank(c->in, "class")
	                                            : class_rank(c->old, "class");
	json_t *sys = json_object_get(c->in, "system_id");
	int64_t system = sys ? num(c->in, "system_id") : num(c->old, "system_id");
	bool reclassed = class != class_rank(c->old, "class");
	int rc;

	if (space && holder)
		return store_tx_failr(c->tx, SK_EINVAL, "space_id", "medium.place_both", NULL,
		                      "a medium is in a space or with a person: give space_id or "
		                      "holder_id, not both");
	if ((rc = within_clearance(c, class)))
		return rc;
	if (!moved) {
		space = num(c->old, "space_id");
		holder = num(c->old, "holder_id");
	}
	if ((moved || reclassed) && (space || holder) &&
	    (rc = placement_ok(c, space, holder, class)))
		return rc;
	if ((num(c->in, "system_id") > 0 || reclassed) && system &&
	    (rc = system_ok(c, system, class)))
		return rc;
	/* a move says both where and with whom: the other is cleared */
	if (moved) {
		json_object_set_new(c->data, "space_id", space ? json_integer(space) : json_null());
		json_object_set_new(c->data, "holder_id",
		                    holder ? json_integer(holder) : json_null());
	}
	return SK_OK;
}

static int check_destroy(struct reg_call *c)
{
	int64_t performer = num(c->in, "performer_id"), witness = num(c->in, "witness_id");
	int64_t id = 0;
	int rc;

	if ((rc = person_ok(c, performer, "performer_id")) ||
	    (witness && (rc = person_ok(c, witness, "witness_id"))))
		return rc;
	if (witness == performer)
		return store_tx_failr(c->tx, SK_EINVAL, "witness_id", "medium.witness_same", NULL,
		                      "the witness is someone other than the performer");
	if ((rc = store_tx_int(c->tx, &id, "SELECT coalesce(max(id), 0) + 1 FROM destruction", "")))
		return rc;
	json_object_set_new(c->data, "destruction_id", json_integer(id));
	return SK_OK;
}

/*
 * The inventory slice owns lost cases: lost.opened (its projection inserts
 * the case, remembers the state before the loss and sets the medium lost);
 * medium.lost keeps the act in the medium's own history.
 */
static int check_lost(struct reg_call *c)
{
	int64_t case_id = 0;
	json_t *on = json_object_get(c->data, "on");
	int rc = inventory_tx_lost_open(
	        c->tx, c->p ? c->p->id : 0, c->p ? c->p->token_id : 0, "medium", c->id, 0,
	        json_string_value(json_object_get(c->old, "state")),
	        json_string_value(json_object_get(c->in, "note")), &case_id);

	if (rc)
		return rc;
	json_object_set(c->data, "lost_on", on);
	json_object_del(c->data, "on");
	json_object_set_new(c->data, "lost_case_id", json_integer(case_id));
	return SK_OK;
}

/* The columns of an end the generic apply cannot know: when, how, by whom; the destruction record.
 */
static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	const json_t *d = e->data;
	char t[SK_TIME_LEN + 1];
	bool destroy = strcmp(cmd->event, "medium.destroyed") == 0;
	int rc;

	if (cmd->verb != REG_ACT || cmd->no_apply)
		return SK_OK;
	model_time(e->time_us, t);
	if (destroy &&
	    (rc = store_tx_run(
	             tx,
	             "INSERT INTO destruction (id, medium_id, method, destroyed_on, "
	             "performer_id, witness_id, recorded_at, recorded_by) VALUES (?1, ?2, "
	             "?3, ?4, ?5, nullif(?6, 0), ?7, ?8)",
	             "iittiiti", model_json_int(d, "destruction_id"), model_json_int(d, "id"),
	             model_json_str0(d, "method"), model_json_str0(d, "destroyed_on"),
	             model_json_int(d, "performer_id"), model_json_int(d, "witness_id"), t,
	             e->actor)))
		return rc;
	return store_tx_run(tx,
	                    "UPDATE medium SET ended_on = ?2, end_method = ?3, ended_by = ?4 WHERE "
	                    "id = ?1",
	                    "itti", model_json_int(d, "id"),
	                    model_json_str0(d, destroy ? "destroyed_on" : "on"),
	                    model_json_str0(d, "method"), e->actor);
}

static json_t *destruction_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:o, s:s, s:I}", "id", (json_int_t)store_q_int(q, 0),
	                 "method", store_q_text(q, 1), "destroyed_on", store_q_text(q, 2),
	                 "performer_id", (json_int_t)store_q_int(q, 3), "witness_id",
	                 model_q_json_int(q, 4), "recorded_at", store_q_text(q, 5), "recorded_by",
	                 (json_int_t)store_q_int(q, 6));
}

static json_t *lost_row(struct store_q *q)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_q_int(q, 0), "state",
	                 store_q_text(q, 1), "opened_at", store_q_text(q, 2), "note",
	                 store_q_text(q, 3));
}

/* One medium also shows its destruction record and its lost cases. */
static void detail(struct model *m, const struct principal *p, json_t *o)
{
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_t *x;

	(void)p;
	x = rec_query(m,
	              "SELECT id, method, destroyed_on, performer_id, witness_id, recorded_at, "
	              "recorded_by FROM destruction WHERE medium_id = ?3 ORDER BY id",
	              destruction_row, NULL, NULL, id);
	json_object_set_new(o, "destruction",
	                    x && json_array_size(x) ? json_incref(json_array_get(x, 0))
	                                            : json_null());
	json_decref(x);
	x = rec_query(m,
	              "SELECT id, state, opened_at, note FROM lost_case WHERE item_type = 'medium' "
	              "AND item_id = ?3 ORDER BY id",
	              lost_row, NULL, NULL, id);
	json_object_set_new(o, "lost_cases", x ? x : json_array());
}

static const struct reg_arg add_args[] = {
        {"identifier", REG_A_REQUIRED, NULL, NULL},
        {"type", REG_A_REQUIRED, NULL, NULL},
        {"class", REG_A_REQUIRED, NULL, NULL},
        {"marking", 0, NULL, NULL},
        {"fixed", 0, NULL, "yes: marked on the equipment"},
        {"space_id", REG_A_NULL, "space", "the space where it is kept"},
        {"holder_id", REG_A_NULL, "holder", "the person who holds it"},
        {"system_id", REG_A_NULL, "system", "its information system"},
        {0},
};
static const struct reg_arg update_args[] = {
        {"type", 0, NULL, NULL},
        {"class", 0, NULL, NULL},
        {"marking", 0, NULL, NULL},
        {"fixed", 0, NULL, NULL},
        {"space_id", 0, "space", "move it to this space"},
        {"holder_id", 0, "holder", "hand it to this person"},
        {"system_id", REG_A_CLEAR, "system", "its system; 0 removes it"},
        {0},
};
static const struct reg_arg retire_args[] = {
        {"method", REG_A_REQUIRED, NULL, NULL},
        {"on", REG_A_TODAY, NULL, NULL},
        {0},
};
static const struct reg_arg destroy_args[] = {
        {"method", REG_A_REQUIRED, NULL, "how, so nothing can be restored (3 kap. 22 §)"},
        {"destroyed_on", REG_A_TODAY, "on", NULL},
        {"performer_id", REG_A_REQUIRED, "performer", NULL},
        {"witness_id", REG_A_NULL, "witness", NULL},
        {0},
};
static const struct reg_arg lost_args[] = {
        {"note", REG_A_REQUIRED, NULL, NULL},
        {"on", REG_A_TODAY, NULL, "when it was missed (default today)"},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = WRITE,
         .event = "medium.registered",
         .state = "in_use",
         .args = add_args,
         .check = check_add,
         .summary = "register a storage medium (3 kap. 11 §)",
         .help = "Registers a storage medium, marked with class and identifier (3 kap. 11 §), "
                 "kept in an approved space or by a person (registrar, ssc)."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = WRITE,
         .event = "medium.updated",
         .when = "in_use",
         .args = update_args,
         .check = check_update,
         .summary = "change, move or hand over a medium",
         .help = "Changes, moves (--space) or hands over (--holder) a medium in use."},
        {.name = "decommission",
         .verb = REG_ACT,
         .path = "decommission",
         .roles = WRITE,
         .event = "medium.decommissioned",
         .state = "decommissioned",
         .when = "in_use",
         .args = retire_args,
         .danger = true,
         .summary = "take a medium out of use (3 kap. 24 §)",
         .help = "Takes a medium out of use (3 kap. 24 §)."},
        {.name = "reuse",
         .verb = REG_ACT,
         .path = "reuse",
         .roles = WRITE,
         .event = "medium.reused",
         .state = "reused",
         .when = ENDABLE,
         .args = retire_args,
         .danger = true,
         .summary = "record reuse of a medium (3 kap. 24 §)",
         .help = "Records that a medium was cleared and reused (3 kap. 24 §)."},
        {.name = "destroy",
         .verb = REG_ACT,
         .path = "destroy",
         .roles = WRITE,
         .event = "medium.destroyed",
         .state = "destroyed",
         .when = ENDABLE,
         .args = destroy_args,
         .check = check_destroy,
         .danger = true,
         .summary = "destroy a medium with a record (3 kap. 22–23 §§)",
         .help = "Destroys a medium with a destruction record: how, who, a witness (3 kap. "
                 "22–23 §§)."},
        {.name = "lost",
         .verb = REG_ACT,
         .path = "lost",
         .roles = WRITE,
         .event = "medium.lost",
         .state = "lost",
         .when = "in_use",
         .args = lost_args,
         .check = check_lost,
         .danger = true,
         .summary = "report a medium lost (opens a lost case)",
         .help = "Reports a medium lost; opens a lost case.",
         .no_apply = true},
        {0},
};

const struct register_def reg_media = {
        .name = "media",
        .one = "medium",
        .table = "medium",
        .cli = "media",
        .slug = "lagringsmedier",
        .display = "identifier",
        .title = "storage media",
        .paragraph = "3 kap. 11, 21–24 §§",
        .about = "Storage media (3 kap. 11, 21–24 §§): marking, class, where or with whom, and "
                 "their end (decommissioned, reused, destroyed or lost).",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .apply = apply,
        .class_col = "class",
        .detail = detail,
        /* a destruction record; a lost case and the campaigns' items (lost.opened) */
        .touches = (const char *const[]){"destruction", "inventory_item", "lost_case", NULL},
        .import = "add",
};
