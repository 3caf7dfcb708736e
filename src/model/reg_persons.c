/*
 * The register of persons: recipients and holders of copies and storage
 * media, with or without a login (3 kap. PMFS 2022:1). Ending a person is
 * refused while they hold anything (issue 11 widens that list).
 */
#include <string.h>

#include "model/access_int.h"
#include "model/exit_talks.h"
#include "model/pdata.h"
#include "model/positions.h"
#include "model/register.h"
#include "model/reg_int.h"
#include "model/records_int.h"
#include "model/vetting.h"

#define R(x)  ROLE_BIT(ROLE_##x)
#define WRITE (R(REGISTRAR) | R(SSC) | R(ADMIN))
#define FULL  (R(REGISTRAR) | R(SSC)) /* an admin only records persons with a login */
#define READ  (ROLES_REGISTER | R(ADMIN) | R(PERSONNEL))
#define CULL  (R(SSC) | R(PERSONNEL)) /* personnel-security data (6 kap.) */

/* A copy with a person: issued, or made straight into their hands (not lost, gone or away). */
#define COPY_HELD "state NOT IN ('lost', 'destroyed', 'shipped', 'archived')"

static const char *const states[] = {"active", "ended", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the person's number"},
        {"name", REG_STRING, 1, 128, .flags = REG_F_LIST | REG_F_CLI, .doc = "the person's name"},
        {"unit", REG_STRING, 0, 128, .flags = REG_F_LIST | REG_F_CLI, .doc = "organisational unit"},
        {"identity_id", REG_REF, 0, SK_JSON_MAX_INT, .ref = "identities", .flags = REG_F_CLI,
         .doc = "the person's login (identity), if any"},
        {"login", REG_STRING, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT username FROM identity WHERE identity.id = person.identity_id)",
         .doc = "the login's user name"},
        {"status", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.person_state",
         .doc = "active or ended"},
        {"ended_on", REG_DATE, .flags = REG_F_PAST | REG_F_LIST | REG_F_CLI, .doc = "the last day"},
        {"clearance", REG_CLASS, .src = REG_SRC_SQL, .flags = REG_F_LIST | REG_F_NULL,
         .col = "(SELECT nullif(" MODEL_CLEARANCE_OF_PERSON("person.id", REG_TODAY) ", 'none'))",
         .doc = "the clearance in force today (reg_clearances.c), null for none"},
        {"culled_on", REG_DATE, .flags = REG_F_PAST | REG_F_NULL,
         .doc = "the day the person's personnel-security data was culled"},
        {"cull_ref", REG_STRING, 1, 128, .doc = "the culling decision's reference"},
        REG_FIELD_CREATED_AT,
        {"created_by", REG_INT, .src = REG_SRC_CREATED_BY, .doc = "recorded by (identity)"},
        REG_FIELD_UPDATED_AT,
        {"holds.copies", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT count(*) FROM copy WHERE holder_person_id = person.id AND " COPY_HELD ")",
         .doc = "copies the person holds"},
        {"holds.media", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST,
         .col = "(SELECT count(*) FROM medium WHERE holder_person_id = person.id AND state = "
                "'in_use')",
         .doc = "storage media in use the person holds"},
        {0},
};

/* An admin manages only persons with a login, and cannot unlink them. */
static int admin_rights(struct reg_call *c, bool has_identity)
{
	if (!(c->roles & FULL) && !has_identity)
		return store_tx_failr(c->tx, SK_EPERM, "identity_id", "person.admin_login_only",
		                      NULL,
		                      "a systemadministratör records only persons who have a login "
		                      "(give identity_id)");
	return SK_OK;
}

/* The identity given is not another person's already. */
static int identity_free(struct reg_call *c)
{
	json_t *v = json_object_get(c->in, "identity_id");
	int64_t other;

	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return SK_OK;
	other = records_tx_person_of_identity(c->tx, json_integer_value(v));
	if (other && other != c->id)
		return store_tx_failr(c->tx, SK_EEXIST, "identity_id", "person.login_taken",
		                      json_pack("{s:I}", "person_id", (json_int_t)other),
		                      "identity %lld is already person %lld",
		                      (long long)json_integer_value(v), (long long)other);
	return SK_OK;
}

static int old_identity(const struct reg_call *c)
{
	return json_integer_value(json_object_get(c->old, "identity_id")) > 0;
}

static int check_add(struct reg_call *c)
{
	int rc = admin_rights(c, json_integer_value(json_object_get(c->in, "identity_id")) > 0);

	return rc ? rc : identity_free(c);
}

static int check_update(struct reg_call *c)
{
	json_t *v = json_object_get(c->in, "identity_id");
	bool unlink = v && (json_is_null(v) || json_integer_value(v) == 0);
	int rc = admin_rights(c, old_identity(c) && !unlink);

	return rc ? rc : identity_free(c);
}

static int check_end(struct reg_call *c)
{
	struct buf b;
	int rc = admin_rights(c, old_identity(c));

	if (rc)
		return rc;
	buf_init(&b, 4096);
	reg_tx_held_list(c->tx,
	                 "SELECT id FROM copy WHERE holder_person_id = ?1 AND " COPY_HELD
	                 " ORDER BY id",
	                 c->id, 0, "copy", &b);
	reg_tx_held_list(c->tx,
	                 "SELECT id FROM medium WHERE holder_person_id = ?1 AND state = 'in_use' "
	                 "ORDER BY id",
	                 c->id, 0, "medium", &b);
	if (b.len)
		rc = store_tx_failr(c->tx, SK_EEXIST, "id", "person.still_holds",
		                    json_pack("{s:I, s:I}", "copies",
		                              json_integer_value(json_object_get(
		                                      json_object_get(c->old, "holds"), "copies")),
		                              "media",
		                              json_integer_value(json_object_get(
		                                      json_object_get(c->old, "holds"), "media"))),
		                    "person %lld still holds %s: return them first",
		                    (long long)c->id, b.ptr);
	buf_release(&b);
	return rc;
}

/*
 * What a person still has, for the day they leave (5 kap. 5–6 §§, 3 kap.):
 * copies and media in their hands, access authorisations not withdrawn, keys
 * and cards not returned and codes they know (reg_keys.c: the hand-outs out).
 * Ending is refused while they hold copies or media (check_end); the rest is
 * listed here and flagged by the rules until returned, withdrawn or changed.
 * Each row: type, id, label, class (or NULL), since, and the record to link
 * (a copy's document).
 */
#define LEAVING_SQL                                                                                \
	"SELECT 'copy', c.id, d.designation || ' ex ' || c.number, d.class, "                      \
	"substr(c.updated_at, 1, 10), d.id FROM copy c JOIN document d ON d.id = c.document_id "   \
	"WHERE c.holder_person_id = ?3 AND c." COPY_HELD " UNION ALL "                             \
	"SELECT 'medium', m.id, m.identifier, m.class, substr(m.updated_at, 1, 10), m.id FROM "    \
	"medium m WHERE m.holder_person_id = ?3 AND m.state = 'in_use' UNION ALL "                 \
	"SELECT 'area_access', x.id, a.name, a.max_class, x.valid_from, x.id FROM area_access x "  \
	"JOIN area a ON a.id = x.area_id WHERE x.person_id = ?3 AND x.state = 'active' UNION ALL " \
	"SELECT k.kind, i.id, k.number, NULL, i.issued_on, k.id FROM key_issue i JOIN key_item k " \
	"ON k.id = i.key_id WHERE i.person_id = ?3 AND i.state = 'out' ORDER BY 1, 2"

static json_t *leaving_row(struct store_q *q)
{
	return json_pack("{s:s, s:I, s:s, s:o, s:s, s:I}", "type", store_q_text(q, 0), "id",
	                 (json_int_t)store_q_int(q, 1), "label", store_q_text(q, 2), "class",
	                 store_q_is_null(q, 3) ? json_null() : json_string(store_q_text(q, 3)),
	                 "since", store_q_text(q, 4), "link_id", (json_int_t)store_q_int(q, 5));
}

/*
 * May p see an item of type (a copy, or a record of the register whose one is
 * type) within its class? A copy to the readers of the classified register;
 * another item to its register's readers.
 */
static bool leaving_visible(const struct principal *p, const char *type, const char *cls)
{
	const struct register_def *d = strcmp(type, "copy") == 0 ? NULL : reg_find(type);
	unsigned readers = d ? d->read_roles : ROLES_REGISTER;

	if (!p || !(p->roles & readers))
		return false;
	return !cls || rec_class_rank(cls) <= (int)p->clearance;
}

/*
 * One person also shows what they still have (leaving): each item to the
 * readers of its register, within their clearance; the rest counted as
 * hidden (an administrator, who reads persons for logins, sees counts only).
 */
static void detail(struct model *m, const struct principal *p, json_t *o)
{
	json_t *rows = rec_query(m, LEAVING_SQL, leaving_row, NULL, NULL, model_json_int(o, "id"));
	json_t *items = json_array(), *x;
	int64_t hidden = 0;
	size_t i;

	json_array_foreach(rows, i, x)
	{
		if (leaving_visible(p, model_json_str0(x, "type"), model_json_str(x, "class")))
			json_array_append(items, x);
		else
			hidden++;
	}
	json_object_set_new(o, "leaving",
	                    json_pack("{s:o, s:I}", "items", items ? items : json_array(), "hidden",
	                              (json_int_t)hidden));
	json_decref(rows);
	/* personnel security (6 kap.): each part adds what p may read of it */
	positions_person_detail(m, p, model_json_int(o, "id"), o);
	vetting_person_detail(m, p, model_json_int(o, "id"), o);
	exit_person_detail(m, p, model_json_int(o, "id"), o);
}

static const struct reg_arg add_args[] = {
        {"name", REG_A_REQUIRED, NULL, NULL},
        {"unit", REG_A_EMPTY, NULL, NULL},
        {"identity_id", REG_A_NULL, "identity", "their login (identity), if any"},
        {0},
};
static const struct reg_arg update_args[] = {
        {"name", 0, NULL, NULL},
        {"unit", 0, NULL, NULL},
        {"identity_id", REG_A_CLEAR, "identity", "their login; 0 removes the link"},
        {0},
};
static const struct reg_arg end_args[] = {
        {"ended_on", REG_A_TODAY, "on", "last day, YYYY-MM-DD (default today)"},
        {0},
};

/*
 * Culling (gallring) of the person's personnel-security data: their key is
 * destroyed (pdata.h), so what vetting and follow-up recorded about them can
 * no longer be read from the ledger, the database, the WAL or a later
 * backup. Once only; nobody culls the person linked to their own login.
 */
static int check_cull(struct reg_call *c)
{
	if (model_json_str(c->old, "culled_on"))
		return store_tx_failr(c->tx, SK_EEXIST, "id", "person.culled_already", NULL,
		                      "person %lld's data was culled already", (long long)c->id);
	if (c->p && c->p->id && records_tx_person_of_identity(c->tx, c->p->id) == c->id)
		return store_tx_failr(
		        c->tx, SK_EPERM, "id", "person.cull_self", NULL,
		        "nobody culls the data of the person linked to their own login");
	return pdata_tx_cull(c->tx, c->id);
}

static const struct reg_arg cull_args[] = {
        {"cull_ref", REG_A_REQUIRED, "decision", "the culling decision's reference"},
        {"culled_on", REG_A_TODAY, "on", "the day (default today)"},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = WRITE,
         .event = "person.created",
         .state = "active",
         .args = add_args,
         .check = check_add,
         .summary = "record a person (recipient or holder)",
         .help = "Records a person: a recipient or holder of copies and media (registrar, ssc; an "
                 "admin only persons with a login)."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = WRITE,
         .event = "person.updated",
         .args = update_args,
         .check = check_update,
         .summary = "change a person's name, unit or login",
         .help = "Changes a person's name, unit or login."},
        {.name = "end",
         .verb = REG_ACT,
         .path = "end",
         .roles = WRITE,
         .event = "person.ended",
         .state = "ended",
         .when = "active",
         .args = end_args,
         .check = check_end,
         .danger = true,
         .summary = "end a person (refused while they hold copies or media)",
         .help = "Ends a person (left the organisation). Refused while they still hold issued "
                 "copies or media in use; access authorisations, keys, cards and codes they "
                 "still have are listed on their page (leaving) and flagged by the rules until "
                 "withdrawn, returned or changed."},
        {.name = "cull",
         .verb = REG_ACT,
         .path = "cull",
         .roles = CULL,
         .event = "person.culled",
         .args = cull_args,
         .check = check_cull,
         .danger = true,
         .summary = "cull the person's personnel-security data (gallring)",
         .help = "Records the decision to cull (gallra) the person's personnel-security data "
                 "and destroys the key it is encrypted with: vetting notes and follow-up "
                 "information about them can no longer be read. The ledger still verifies. "
                 "The ssc or the personnel-security function; never for themself."},
        {0},
};

const struct register_def reg_persons = {
        .name = "persons",
        .one = "person",
        .table = "person",
        .cli = "person",
        .slug = "personer",
        .display = "name",
        .title = "persons",
        .paragraph = "3 kap. 4 §",
        .about = "Persons: recipients and holders of copies and storage media, with or without "
                 "a login.",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .detail = detail,
        .import = "add",
};
