/*
 * The register of persons: recipients and holders of copies and storage
 * media, with or without a login (3 kap. PMFS 2022:1). Ending a person is
 * refused while they hold anything (issue 11 widens that list).
 */
#include <string.h>

#include "model/access_int.h"
#include "model/register.h"
#include "model/records_int.h"

#define R(x)  ROLE_BIT(ROLE_##x)
#define WRITE (R(REGISTRAR) | R(SSC) | R(ADMIN))
#define FULL  (R(REGISTRAR) | R(SSC)) /* an admin only records persons with a login */
#define READ  (ROLES_REGISTER | R(ADMIN))

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
		return store_tx_failr(c->tx, SK_EEXIST, "identity_id", "person.login_taken", NULL,
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
                 "copies "
                 "or media in use."},
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
        .import = "add",
};
