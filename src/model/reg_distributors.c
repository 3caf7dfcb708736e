/*
 * Approved distributors of classified documents (3 kap. 12 §): an approval
 * is a decision, so an approved distributor always names one.
 */
#include <string.h>

#include "model/access_int.h"
#include "model/register.h"

#define R(x) ROLE_BIT(ROLE_##x)
#define READ ROLES_REGISTER

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the distributor's number"},
        {"name", REG_STRING, 1, 128, .flags = REG_F_LIST | REG_F_CLI | REG_F_UNIQUE,
         .doc = "the distributor's name (unique)"},
        {"contact", REG_STRING, 0, 200, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "how to reach them"},
        {"decision_ref", REG_STRING, 0, 128, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "the approval's reference (3 kap. 12 §)"},
        REG_FIELD_APPROVAL_STATUS,
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

/* Does s hold anything but spaces? (A blank reference approved nothing.) */
static bool named(const char *s)
{
	for (; s && *s; s++) {
		if (*s != ' ' && *s != '\t')
			return true;
	}
	return false;
}

/*
 * 3 kap. 12 §: an approved distributor is approved by a decision. The
 * distributor as the command leaves it must name one while approved (a
 * blank reference was once stored as approved: distributor.decision flags
 * those).
 */
static int decided(struct reg_call *c)
{
	const json_t *ref = json_object_get(c->in, "decision_ref")
	                            ? json_object_get(c->in, "decision_ref")
	                            : json_object_get(c->old, "decision_ref");
	/* the status given, else the record's; a new distributor is approved */
	const char *status = json_string_value(
	        json_object_get(json_object_get(c->in, "status") ? c->in : c->old, "status"));

	if ((!status || strcmp(status, "approved") == 0) && !named(json_string_value(ref)))
		return store_tx_failr(
		        c->tx, SK_EINVAL, "decision_ref", "distributor.decision", NULL,
		        "3 kap. 12 §: a distributor is approved by a decision: give its "
		        "reference (decision_ref)");
	return SK_OK;
}

static const struct reg_arg add_args[] = {
        {"name", REG_A_REQUIRED, NULL, NULL},
        {"contact", REG_A_EMPTY, NULL, NULL},
        {"decision_ref", REG_A_REQUIRED, "decision", NULL},
        {0},
};
static const struct reg_arg update_args[] = {
        {"name", 0, NULL, NULL},
        {"contact", 0, NULL, NULL},
        {"decision_ref", 0, "decision", NULL},
        {"status", 0, NULL, "approved, or withdrawn to end the approval"},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = R(SSC),
         .event = "distributor.approved",
         .state = "approved",
         .args = add_args,
         .check = decided,
         .summary = "record an approved distributor (3 kap. 12 §)",
         .help = "Records an approved distributor of classified documents (3 kap. 12 §). ssc "
                 "only."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = R(SSC),
         .event = "distributor.updated",
         .args = update_args,
         .check = decided,
         .summary = "change a distributor or withdraw its approval",
         .help = "Changes a distributor or withdraws its approval (--status withdrawn)."},
        {0},
};

const struct register_def reg_distributors = {
        .name = "distributors",
        .one = "distributor",
        .table = "distributor",
        .cli = "distributor",
        .slug = "distributorer",
        .display = "name",
        .title = "distributors",
        .paragraph = "3 kap. 12 §",
        .about = "Approved distributors of classified documents (3 kap. 12 §).",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
};
