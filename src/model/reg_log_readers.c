/*
 * Log readers (loggläsare): who may read the security logs of an
 * information system (need-to-know, 4 kap. 29 § PMFS 2022:1: the logs are
 * protected from unauthorised access). The ssc grants and revokes; nobody
 * grants themselves, and a grant to an ssc or the head is decided by the
 * head or another ssc (the account rule of 4 kap. 8 §, model_tx_sod); the
 * reader's clearance must cover the system's class. The search and export
 * of the logs (src/seclog/search.h) read model_seclog_readable_sources.
 */
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"
#include "model/register.h"
#include "model/seclog_int.h"

#define R(x) ROLE_BIT(ROLE_##x)
#define READ (R(SSC) | R(CHIEF) | R(AUDITOR))

static const char *const states[] = {"granted", "revoked", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the grant's number"},
        {"system_id", REG_REF, .ref = "systems", .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,
         .doc = "the information system whose logs may be read"},
        {"system", REG_STRING, .src = REG_SRC_SQL,
         .col = "(SELECT name FROM info_system WHERE info_system.id = log_reader.system_id)",
         .doc = "the system's name"},
        {"identity_id", REG_REF, .ref = "identities",
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .doc = "the login that may read them"},
        {"reader", REG_STRING, .src = REG_SRC_SQL,
         .col = "(SELECT username FROM identity WHERE identity.id = log_reader.identity_id)",
         .doc = "the login's user name"},
        {"granted_by", REG_INT, .src = REG_SRC_CREATED_BY, .doc = "who granted it (identity)"},
        {"status", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.log_reader_state",
         .doc = "granted or revoked"},
        {"revoke_reason", REG_TEXT, 1, 1000, .doc = "why it was revoked"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

static int check_grant(struct reg_call *c)
{
	int64_t system = model_json_int(c->data, "system_id"),
	        ident = model_json_int(c->data, "identity_id"), n = 0;
	struct model_sod sod = {0};
	char today[11], reason[64], cls[8] = "";
	bool withdrawn = false;
	int sys_cls, have, rc;
	struct store_q *q;

	if (c->p && c->p->id == ident)
		return store_tx_failr(
		        c->tx, SK_EPERM, "identity_id", "log_reader.self", NULL,
		        "identity_id: nobody grants themselves the right to read logs");
	model_today(today);
	if (c->p && model_tx_sod(c->tx, c->p->id, ident, SOD_CLEARANCE, ROLE_STAFF, today, &sod)) {
		snprintf(reason, sizeof(reason), "log_reader.sod_%s", sod.reason ? sod.reason : "");
		return store_tx_failr(c->tx, SK_EPERM, "identity_id", reason, NULL, "%s", sod.why);
	}
	if (!(model_tx_roles_of(c->tx, ident, today) & SECLOG_READER_ROLES))
		return store_tx_failr(
		        c->tx, SK_ERULE, "identity_id", "log_reader.role", NULL,
		        "identity_id: a log reader holds the role ssc, admin, auditor or "
		        "chief");
	sys_cls = seclog_tx_system_class(c->tx, system, &withdrawn);
	if (sys_cls < 0)
		return store_tx_failr(c->tx, SK_ENOTFOUND, "system_id", "record.ref_missing", NULL,
		                      "system_id: no system %lld", (long long)system);
	if ((rc = store_tx_query(c->tx,
	                         "SELECT " MODEL_CLEARANCE_OF_IDENTITY("?1", "?2") " FROM identity "
	                                                                           "WHERE id = ?1",
	                         &q)))
		return rc;
	store_q_bind_int(q, 1, ident);
	store_q_bind_text(q, 2, today);
	if ((rc = store_q_step(q)) == SK_OK)
		snprintf(cls, sizeof(cls), "%s", store_q_text(q, 0));
	store_q_done(q);
	if (rc && rc != SK_ENOTFOUND)
		return rc;
	have = clearance_parse(cls);
	if (have < 0 || have < sys_cls)
		return store_tx_failr(c->tx, SK_ERULE, "identity_id", "log_reader.clearance",
		                      json_pack("{s:s}", "class", clearance_name(sys_cls)),
		                      "identity_id: their clearance does not cover the system's "
		                      "class (%s)",
		                      clearance_name(sys_cls));
	rc = store_tx_int(c->tx, &n,
	                  "SELECT count(*) FROM log_reader WHERE system_id = ?1 AND identity_id = "
	                  "?2 AND status = 'granted'",
	                  "ii", system, ident);
	if (rc)
		return rc;
	if (n)
		return store_tx_failr(c->tx, SK_EEXIST, "identity_id", "log_reader.taken", NULL,
		                      "identity_id: already a reader of this system's logs");
	return SK_OK;
}

static const struct reg_arg grant_args[] = {
        {"system_id", REG_A_REQUIRED, "system", NULL},
        {"identity_id", REG_A_REQUIRED, "identity", NULL},
        {0},
};
static const struct reg_arg revoke_args[] = {
        {"revoke_reason", REG_A_REQUIRED, "reason", NULL},
        {0},
};

static const struct reg_cmd cmds[] = {
        {.name = "grant",
         .verb = REG_CREATE,
         .roles = R(SSC) | R(CHIEF), /* the head: for an ssc's or the head's login (model_tx_sod) */
         .event = "log_reader.granted",
         .state = "granted",
         .args = grant_args,
         .check = check_grant,
         .summary = "give a login the right to read a system's security logs",
         .help = "Gives a login the right to read the security logs of an information system. "
                 "The ssc grants; never to themselves, and a grant to an ssc or the head is "
                 "decided by the head or another ssc (the head decides nothing else here). "
                 "The login's clearance must cover the system's class."},
        {.name = "revoke",
         .verb = REG_ACT,
         .path = "revoke",
         .roles = R(SSC),
         .event = "log_reader.revoked",
         .state = "revoked",
         .when = "granted",
         .args = revoke_args,
         .danger = true,
         .summary = "revoke the right to read a system's logs",
         .help = "Revokes a login's right to read a system's security logs, with the reason."},
        {0},
};

static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	(void)tx;
	(void)e;
	(void)cmd;
	seclog_generation_bump();
	return SK_OK;
}

const struct register_def reg_log_readers = {
        .name = "log_readers",
        .one = "log_reader",
        .table = "log_reader",
        .cli = "log-reader",
        .slug = "logglasare",
        .display = "reader",
        .title = "log readers",
        .paragraph = "4 kap. 29 §",
        .about = "Who may read the security logs of each information system (need-to-know, 4 "
                 "kap. 29 §).",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .apply = apply,
};
