/*
 * Information systems and the highest class each is approved for (3 kap.
 * 1 §). The full 4 kap. register (unique identities, MFA, security logs)
 * builds on this definition.
 */
#include "model/access_int.h"
#include "model/register.h"

#define R(x) ROLE_BIT(ROLE_##x)
#define READ ROLES_REGISTER

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the system's number"},
        {"name", REG_STRING, 1, 128, .flags = REG_F_LIST | REG_F_CLI | REG_F_UNIQUE,
         .doc = "the system's name (unique)"},
        {"max_class", REG_CLASS, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "highest approved class (3 kap. 1 §)"},
        {"decision_ref", REG_STRING, 0, 128, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "the approval's reference"},
        REG_FIELD_APPROVAL_STATUS,
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

static const struct reg_arg add_args[] = {
        {"name", REG_A_REQUIRED, NULL, NULL},
        {"max_class", REG_A_REQUIRED, "class", NULL},
        {"decision_ref", REG_A_EMPTY, "decision", NULL},
        {0},
};
static const struct reg_arg update_args[] = {
        {"name", 0, NULL, NULL},
        {"max_class", 0, "class", NULL},
        {"decision_ref", 0, "decision", NULL},
        {"status", 0, NULL, "approved, or withdrawn to end the approval"},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = R(SSC),
         .event = "system.approved",
         .state = "approved",
         .args = add_args,
         .summary = "record an approved information system (3 kap. 1 §)",
         .help = "Records an information system and the highest class it is approved for (3 kap. 1 "
                 "§). ssc only."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = R(SSC),
         .event = "system.updated",
         .args = update_args,
         .summary = "change a system or withdraw its approval",
         .help = "Changes a system or withdraws its approval (--status withdrawn)."},
        {0},
};

const struct register_def reg_systems = {
        .name = "systems",
        .one = "system",
        .table = "info_system",
        .cli = "system",
        .slug = "informationssystem",
        .display = "name",
        .title = "information systems",
        .paragraph = "3 kap. 1 §",
        .about = "Information systems and the highest class each is approved for (3 kap. 1 §).",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
};
