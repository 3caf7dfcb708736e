/*
 * Log sources (loggkällor, 4 kap. 25–28 §§ PMFS 2022:1): a source of
 * security logs bound to an information system, by the SHA-256 of its
 * client certificate (TLS transports) or its numeric address (clear
 * transports), with the retention its system's class gives — 10 years, 25
 * for kvalificerat hemlig (28 §) — or its own longer one. The receiver finds
 * a connecting peer's source here (model_seclog_resolve, seclog.c). The ssc
 * decides; a certificate or an address bound to two active sources is
 * refused, so a peer always resolves to one source.
 */
#include <string.h>

#include "model/reg_int.h"
#include "model/register.h"
#include "model/seclog_int.h"

#define R(x) ROLE_BIT(ROLE_##x)
/* The sysadmin configures the clients and needs to see the bindings; the ssc decides. */
#define READ (R(SSC) | R(CHIEF) | R(AUDITOR) | R(ADMIN))

static const char *const states[] = {"active", "withdrawn", NULL};
static const char *const transports[] = {"tls", "relp-tls", "relp", "tcp", "udp", NULL};

static const struct reg_field fields[] = {
        {"id", REG_INT, .src = REG_SRC_ID, .flags = REG_F_CLI, .doc = "the source's number"},
        {"name", REG_STRING, 1, 128, .flags = REG_F_LIST | REG_F_CLI | REG_F_UNIQUE,
         .doc = "the source's name (unique), e.g. the sending host"},
        {"system_id", REG_REF, .ref = "systems", .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI,
         .doc = "the information system whose security logs it sends"},
        {"system", REG_STRING, .src = REG_SRC_SQL,
         .col = "(SELECT name FROM info_system WHERE info_system.id = log_source.system_id)",
         .doc = "the system's name"},
        {"transport", REG_ENUM, .values = transports,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.log_transport",
         .doc = "tls (RFC 5425), relp-tls, relp, tcp or udp (lossy)"},
        {"cert_sha256", REG_STRING, 0, 95,
         .doc = "the SHA-256 of the client certificate (TLS transports): 64 hex digits, or "
                "openssl's colon-separated pairs"},
        {"address", REG_STRING, 0, 64, .flags = REG_F_LIST,
         .doc = "the numeric IPv4 or IPv6 address (clear transports)"},
        {"retention_years", REG_INT, SECLOG_RETENTION_MIN, SECLOG_RETENTION_MAX,
         .flags = REG_F_NULL,
         .doc = "a longer retention than the class's, in years (none: the class's)"},
        {"retention", REG_INT, .src = REG_SRC_SQL, .flags = REG_F_LIST, .col = SECLOG_RETENTION_SQL,
         .doc = "the effective retention in years: the longer of the source's and the class's "
                "(10, 25 for KH, 28 §)"},
        {"silent_minutes", REG_INT, 0, 525600,
         .doc = "the longest expected silence in minutes before an alert (0: not watched)"},
        {"max_conns", REG_INT, 0, 1024, .doc = "connections at once (0: the listener's default)"},
        {"allow_3164", REG_BOOL, .doc = "legacy RFC 3164 messages accepted from it"},
        {"status", REG_ENUM, .values = states, .src = REG_SRC_STATE,
         .flags = REG_F_LIST | REG_F_FILTER | REG_F_CLI, .vlabel = "reg.log_source_state",
         .doc = "active or withdrawn"},
        REG_FIELD_CREATED_AT,
        REG_FIELD_UPDATED_AT,
        {0},
};

static bool tls_transport(const char *t)
{
	return t && (strcmp(t, "tls") == 0 || strcmp(t, "relp-tls") == 0);
}

/* Is value bound to another active source (col: cert_sha256 or address)? */
static int bound_elsewhere(struct reg_call *c, const char *col, const char *value)
{
	char sql[160];
	int64_t n = 0;
	int rc;

	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM log_source WHERE %s = ?1 AND status = 'active' AND id <> ?2",
	         col);
	if ((rc = store_tx_int(c->tx, &n, sql, "ti", value, c->id)))
		return rc;
	if (n)
		return store_tx_failr(c->tx, SK_EEXIST, col, "log_source.bound", NULL,
		                      "%s: another active log source is bound to it", col);
	return SK_OK;
}

/*
 * The binding fits the transport: a certificate for TLS, an address for
 * the clear ones, never both; each in its canonical form, bound to no
 * other active source. The system is approved; a retention of its own is
 * not shorter than its class's.
 */
static int check_source(struct reg_call *c)
{
	const char *t = reg_now_str(c, "transport"), *fp = reg_now_str(c, "cert_sha256"),
	           *addr = reg_now_str(c, "address");
	const json_t *ret = json_object_get(c->data, "retention_years");
	int64_t system = json_object_get(c->data, "system_id")
	                         ? model_json_int(c->data, "system_id")
	                         : model_json_int(c->old, "system_id");
	char canon[65], acanon[64];
	bool withdrawn = false;
	int cls, rc;

	if (c->old && json_object_get(c->data, "transport")) {
		/* a new transport: the binding is what this command gives, not the old one */
		fp = model_json_str(c->data, "cert_sha256");
		addr = model_json_str(c->data, "address");
	}

	cls = seclog_tx_system_class(c->tx, system, &withdrawn);
	if (cls < 0)
		return store_tx_failr(c->tx, SK_ENOTFOUND, "system_id", "record.ref_missing", NULL,
		                      "system_id: no system %lld", (long long)system);
	if (withdrawn && json_object_get(c->data, "system_id"))
		return store_tx_failr(c->tx, SK_ERULE, "system_id", "log_source.system_withdrawn",
		                      NULL, "system_id: the system's approval is withdrawn");
	if (json_is_integer(ret) && cls == CLEAR_KH &&
	    json_integer_value(ret) < SECLOG_RETENTION_KH)
		return store_tx_failr(
		        c->tx, SK_EINVAL, "retention_years", "log_source.retention_short",
		        json_pack("{s:i}", "years", SECLOG_RETENTION_KH),
		        "retention_years: the logs of a KH system are kept at least %d "
		        "years (4 kap. 28 §)",
		        SECLOG_RETENTION_KH);
	if (tls_transport(t)) {
		if (addr && addr[0])
			return store_tx_failr(
			        c->tx, SK_EINVAL, "address", "log_source.address_tls", NULL,
			        "address: a TLS source is bound by its certificate, not "
			        "an address");
		if (!fp || !fp[0])
			return store_tx_failr(c->tx, SK_EINVAL, "cert_sha256",
			                      "log_source.cert_required", NULL,
			                      "cert_sha256: required for a TLS transport");
		if (!seclog_fp_canon(fp, canon))
			return store_tx_failr(c->tx, SK_EINVAL, "cert_sha256",
			                      "log_source.cert_format", NULL,
			                      "cert_sha256: 64 hexadecimal digits (SHA-256 of the "
			                      "certificate)");
		json_object_set_new(c->data, "cert_sha256", json_string(canon));
		json_object_set_new(c->data, "address", json_string(""));
		return bound_elsewhere(c, "cert_sha256", canon);
	}
	if (fp && fp[0])
		return store_tx_failr(
		        c->tx, SK_EINVAL, "cert_sha256", "log_source.cert_clear", NULL,
		        "cert_sha256: a clear transport has no certificate: use tls or "
		        "relp-tls");
	if (!addr || !addr[0])
		return store_tx_failr(c->tx, SK_EINVAL, "address", "log_source.address_required",
		                      NULL, "address: required for a clear transport");
	if (!seclog_addr_canon(addr, acanon, sizeof(acanon)))
		return store_tx_failr(c->tx, SK_EINVAL, "address", "log_source.address_format",
		                      NULL, "address: a numeric IPv4 or IPv6 address");
	json_object_set_new(c->data, "address", json_string(acanon));
	json_object_set_new(c->data, "cert_sha256", json_string(""));
	rc = bound_elsewhere(c, "address", acanon);
	return rc;
}

static const struct reg_arg add_args[] = {
        {"name", REG_A_REQUIRED, NULL, NULL},
        {"system_id", REG_A_REQUIRED, "system", NULL},
        {"transport", REG_A_REQUIRED, NULL, NULL},
        {"cert_sha256", REG_A_EMPTY, "cert", NULL},
        {"address", REG_A_EMPTY, NULL, NULL},
        {"retention_years", REG_A_NULL, "retention", NULL},
        {"silent_minutes", 0, "silent", NULL},
        {"max_conns", 0, NULL, NULL},
        {"allow_3164", 0, NULL, NULL},
        {0},
};
static const struct reg_arg update_args[] = {
        {"name", 0, NULL, NULL},
        {"transport", 0, NULL, NULL},
        {"cert_sha256", 0, "cert", NULL},
        {"address", 0, NULL, NULL},
        {"retention_years", REG_A_CLEAR, "retention", NULL},
        {"silent_minutes", 0, "silent", NULL},
        {"max_conns", 0, NULL, NULL},
        {"allow_3164", 0, NULL, NULL},
        {0},
};
static const struct reg_arg withdraw_args[] = {{0}};

static const struct reg_cmd cmds[] = {
        {.name = "add",
         .verb = REG_CREATE,
         .roles = R(SSC),
         .event = "log_source.added",
         .state = "active",
         .args = add_args,
         .check = check_source,
         .summary = "register a source of security logs (4 kap. 25–28 §§)",
         .help = "Registers a source of security logs for an information system: bound by its "
                 "client certificate's SHA-256 (--transport tls or relp-tls, --cert) or its "
                 "numeric address (relp, tcp, udp: --address). Its logs are kept 10 years, 25 "
                 "for a KH system, or --retention years when longer. ssc only."},
        {.name = "update",
         .verb = REG_UPDATE,
         .roles = R(SSC),
         .event = "log_source.updated",
         .when = "active",
         .args = update_args,
         .check = check_source,
         .summary = "change a log source or rebind it",
         .help = "Changes a log source: its binding, retention, expected interval, limits."},
        {.name = "withdraw",
         .verb = REG_ACT,
         .path = "withdraw",
         .roles = R(SSC),
         .event = "log_source.withdrawn",
         .state = "withdrawn",
         .when = "active",
         .args = withdraw_args,
         .danger = true,
         .summary = "withdraw a log source: it is refused from now on",
         .help = "Withdraws a log source: its connections are refused from now on; its stored "
                 "messages stay for their retention."},
        {0},
};

static int apply(struct store_tx *tx, const struct ledger_entry *e, const struct reg_cmd *cmd)
{
	(void)tx;
	(void)e;
	(void)cmd;
	seclog_generation_bump(); /* the receiver and the monitor reload */
	return SK_OK;
}

const struct register_def reg_log_sources = {
        .name = "log_sources",
        .one = "log_source",
        .table = "log_source",
        .cli = "log-source",
        .slug = "loggkallor",
        .display = "name",
        .title = "log sources",
        .paragraph = "4 kap. 25–29 §§",
        .about = "Sources of security logs bound to information systems, with their retention "
                 "(10 years, 25 for KH) and transport (4 kap. 25–29 §§).",
        .read_roles = READ,
        .fields = fields,
        .cmds = cmds,
        .order = "id",
        .apply = apply,
};
