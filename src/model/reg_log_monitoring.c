/*
 * The monitoring routine of an information system (övervakning, 4 kap.
 * 30–31 §§ PMFS 2022:1): what is watched and which function responds — the
 * routine 31 § asks to be documented — and what the monitor
 * (src/seclog/monitor.h) applies to the system's arriving logs: repeated
 * failed logins, privileged accounts (27 §) used outside set hours and days,
 * and whether an alert also reports an incident. One active routine per
 * system; the ssc decides, the head and the auditor read it.
 */
#include <string.h>

#include "model/reg_int.h"
#include "model/register.h"
#include "model/seclog.h"
#include "model/seclog_int.h"

#define R(x) ROLE_BIT(ROLE_##x)
#define READ (R(SSC) | R(CHIEF) | R(AUDITOR))

static const char *const states[] = {"active", "withdrawn", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the routine's number"},
        {"system_id", REG_REF, .ref = "systems", .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,
         .doc = "the information system it monitors"},
        {"system", REG_STRING, .src = REG_SRC_SQL,
         .col = "(SELECT name FROM info_system WHERE info_system.id = log_monitoring.system_id)",
         .doc = "the system's name"},
        {"watched", REG_TEXT, 1, 2000, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "what is watched (31 §)"},
        {"responder", REG_STRING, 1, 200, .flags = REG_F_LIST | REG_F_CLI,
         .doc = "which function responds to an alert (31 §)"},
        {"fail_threshold", REG_INT, 0, 1000,
         .doc = "failed logins of one account within the window that raise an alert (0: off)"},
        {"fail_window_minutes", REG_INT, 1, 1440, .doc = "the window, in minutes"},
        {"privileged_accounts", REG_STRING, 0, SECLOG_PRIV_MAX - 1,
         .doc = "privileged accounts watched (27 §), separated by commas"},
        {"privileged_hours", REG_STRING, 0, 11,
         .doc = "when they may be used: HH:MM-HH:MM (none: any hour)"},
        {"privileged_days", REG_STRING, 0, 40,
         .doc = "on which days: mon tue wed thu fri sat sun, ranges and commas, e.g. mon-fri "
                "(none: every day)"},
        {"incident_on_alert", REG_BOOL, .flags = REG_F_LIST,
         .doc = "an alert also reports an incident"},
        {"status", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.log_monitoring_state",
         .doc = "active or withdrawn"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

static int check_routine(struct reg_call *c)
{
	const char *hours = reg_now_str(c, "privileged_hours"),
	           *days = reg_now_str(c, "privileged_days"),
	           *acc = model_json_str(c->data, "privileged_accounts");
	char canon[SECLOG_PRIV_MAX];
	unsigned a, b;
	int64_t n = 0;
	int rc;

	if (!c->old) {
		bool withdrawn = false;
		int64_t system = model_json_int(c->data, "system_id");

		if (seclog_tx_system_class(c->tx, system, &withdrawn) < 0)
			return store_tx_failr(c->tx, SK_ENOTFOUND, "system_id",
			                      "record.ref_missing", NULL,
			                      "system_id: no system %lld", (long long)system);
		if (withdrawn)
			return store_tx_failr(c->tx, SK_ERULE, "system_id",
			                      "log_source.system_withdrawn", NULL,
			                      "system_id: the system's approval is withdrawn");
		rc = store_tx_int(c->tx, &n,
		                  "SELECT count(*) FROM log_monitoring WHERE system_id = ?1 AND "
		                  "status = 'active'",
		                  "i", system);
		if (rc)
			return rc;
		if (n)
			return store_tx_failr(
			        c->tx, SK_EEXIST, "system_id", "log_monitoring.taken", NULL,
			        "system_id: the system has an active routine: change it "
			        "or withdraw it first");
	}
	if (hours && !seclog_hours_parse(hours, &a, &b))
		return store_tx_failr(c->tx, SK_EINVAL, "privileged_hours",
		                      "log_monitoring.hours_format", NULL,
		                      "privileged_hours: HH:MM-HH:MM, the start before the end");
	if (days && !seclog_days_parse(days, &a))
		return store_tx_failr(c->tx, SK_EINVAL, "privileged_days",
		                      "log_monitoring.days_format", NULL,
		                      "privileged_days: mon tue wed thu fri sat sun, as mon-fri or "
		                      "mon,wed,fri");
	if (acc) {
		if (!seclog_accounts_canon(acc, canon, sizeof(canon)))
			return store_tx_failr(
			        c->tx, SK_EINVAL, "privileged_accounts",
			        "log_monitoring.accounts_format", NULL,
			        "privileged_accounts: account names separated by commas "
			        "(letters, digits, . _ - @ $ \\)");
		json_object_set_new(c->data, "privileged_accounts", json_string(canon));
	}
	return SK_OK;
}

static const struct reg_arg add_args[] = {
        {"system_id", REG_A_REQUIRED, "system", NULL},
        {"watched", REG_A_REQUIRED, NULL, NULL},
        {"responder", REG_A_REQUIRED, NULL, NULL},
        {"fail_threshold", 0, NULL, NULL},
        {"fail_window_minutes", 0, "fail-window", NULL},
        {"privileged_accounts", REG_A_EMPTY, "privileged", NULL},
        {"privileged_hours", REG_A_EMPTY, "hours", NULL},
        {"privileged_days", REG_A_EMPTY, "days", NULL},
        {"incident_on_alert", 0, "incident", NULL},
        {0},
};
static const struct reg_arg update_args[] = {
        {"watched", 0, NULL, NULL},
        {"responder", 0, NULL, NULL},
        {"fail_threshold", 0, NULL, NULL},
        {"fail_window_minutes", 0, "fail-window", NULL},
        {"privileged_accounts", 0, "privileged", NULL},
        {"privileged_hours", 0, "hours", NULL},
        {"privileged_days", 0, "days", NULL},
        {"incident_on_alert", 0, "incident", NULL},
        {0},
};
static const struct reg_arg withdraw_args[] = {{0}};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = R(SSC),
         .event = "log_monitoring.added",
         .state = "active",
         .args = add_args,
         .check = check_routine,
         .summary = "record a system's monitoring routine (4 kap. 30–31 §§)",
         .help = "Records how a system's security logs are monitored: what is watched, which "
                 "function responds, the failed-login threshold, privileged accounts and the "
                 "hours and days they may be used, and whether an alert also reports an "
                 "incident. One active routine per system; ssc only."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = R(SSC),
         .event = "log_monitoring.updated",
         .when = "active",
         .args = update_args,
         .check = check_routine,
         .summary = "change a monitoring routine",
         .help = "Changes a monitoring routine."},
        {.name = "withdraw",
         .verb = REG_ACT,
         .path = "withdraw",
         .roles = R(SSC),
         .event = "log_monitoring.withdrawn",
         .state = "withdrawn",
         .when = "active",
         .args = withdraw_args,
         .danger = true,
         .summary = "withdraw a monitoring routine",
         .help = "Withdraws a monitoring routine: the system is no longer monitored."},
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

const struct register_def reg_log_monitoring = {
        .name = "log_monitoring",
        .one = "log_monitoring",
        .table = "log_monitoring",
        .cli = "monitoring",
        .slug = "overvakning",
        .display = "system",
        .title = "monitoring routines",
        .paragraph = "4 kap. 27, 30–31 §§",
        .about = "The monitoring routine of each information system: what is watched, which "
                 "function responds, and the rules the monitor applies (4 kap. 30–31 §§).",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .apply = apply,
};
