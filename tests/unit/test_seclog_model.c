/*
 * The registers' side of the security logs (src/model/seclog.h, reg_log_*.c,
 * 4 kap. 25–31 §§ PMFS 2022:1): sources resolved by certificate or address
 * and transport, withdrawn ones not; the effective retention (10, 25 for KH,
 * or longer); who may read a system's logs (grants and clearance, never
 * one's own); the monitoring routine as the monitor gets it; alerts raised
 * once while open, with the incident the routine asks for, and read only by
 * the ssc and the system's readers within clearance. Refusals name the
 * field and change nothing; verify --replay reproduces everything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/ledger_view.h"
#include "model/register.h"
#include "model/register_io.h"
#include "model/seclog.h"
#include "model/seclog_int.h"
#include "model/reg_int.h"
#include "regfixture.h"

static struct reg_fixture g_fx;
static struct principal ssc, ssc2, chief, adm, staff, auditor;
static int64_t sys_h, sys_kh, sys_k;

#define FP1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FP1_COLONS                                                                                 \
	"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"  \
	"AB:CD:EF"
#define FP2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* Runs cmd of register r as p with in (stolen); the ledger grows only on success. */
static int run(const struct principal *p, const char *r, const char *cmd, json_t *in, int64_t *id,
               struct model_err *err)
{
	uint64_t before = regfx_ledger_size(&g_fx);
	int rc;

	memset(err, 0, sizeof(*err));
	rc = reg_run(g_fx.model, p, r, cmd, in, id, err);
	json_decref(in);
	if (rc)
		assert_int_equal(regfx_ledger_size(&g_fx), before); /* a refusal changes nothing */
	return rc;
}

static int64_t add_system(const char *name, const char *cls)
{
	struct model_err err;
	int64_t id = 0;

	assert_int_equal(run(&ssc, "systems", "add",
	                     json_pack("{s:s, s:s}", "name", name, "max_class", cls), &id, &err),
	                 SK_OK);
	return id;
}

static int group_setup(void **state)
{
	char today[11], until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-seclogm-XXXXXX", REGFX_READER, NULL);
	model_today(today);
	model_plus_year(today, until);
	regfx_identity(g_fx.model, &ssc, "ssc.s", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &ssc2, "ssc2.s", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &chief, "chief.s", ROLE_CHIEF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &adm, "adm.s", ROLE_ADMIN, CLEAR_H, NULL, until);
	regfx_identity(g_fx.model, &staff, "staff.s", ROLE_STAFF, CLEAR_K, NULL, until);
	regfx_identity(g_fx.model, &auditor, "aud.s", ROLE_AUDITOR, CLEAR_KH, NULL, until);
	sys_h = add_system("Ärendesystemet", "H");
	sys_kh = add_system("Ledningssystemet", "KH");
	sys_k = add_system("Personalsystemet", "K");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

static json_t *source(const char *name, int64_t system, const char *transport, const char *key,
                      const char *value)
{
	json_t *o = json_pack("{s:s, s:I, s:s}", "name", name, "system_id", (json_int_t)system,
	                      "transport", transport);

	if (key)
		json_object_set_new(o, key, json_string(value));
	return o;
}

static void test_sources_resolve(void **state)
{
	struct seclog_source s;
	struct model_err err;
	int64_t tls = 0, tcp = 0, kh = 0, id = 0;
	uint64_t gen;
	char v[80];

	(void)state;
	gen = model_seclog_generation(g_fx.model);
	/* openssl's colon form in capitals is kept as 64 lower-case digits */
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("db1", sys_h, "tls", "cert_sha256", FP1_COLONS), &tls, &err),
	                 SK_OK);
	assert_true(model_seclog_generation(g_fx.model) != gen);
	assert_string_equal(regfx_sql_text(&g_fx,
	                                   "SELECT cert_sha256 FROM log_source WHERE id = ?1", tls,
	                                   v, sizeof(v)),
	                    FP1);
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_TLS, "10.0.0.1", FP1, &s),
	                 SK_OK);
	assert_int_equal(s.id, tls);
	assert_int_equal(s.system, sys_h);
	assert_int_equal(s.retention_years, 10);
	assert_int_equal(s.transports, SECLOG_T_TLS);
	/* the same certificate on another transport is not this source */
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_RELP_TLS, "10.0.0.1", FP1, &s),
	                 SK_ENOTFOUND);
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_TLS, "10.0.0.1", FP2, &s),
	                 SK_ENOTFOUND);
	/* by address, canonical: an IPv4-mapped IPv6 address is the IPv4 peer */
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("fw1", sys_h, "tcp", "address", "::ffff:127.0.0.2"), &tcp,
	                     &err),
	                 SK_OK);
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT address FROM log_source WHERE id = ?1",
	                                   tcp, v, sizeof(v)),
	                    "127.0.0.2");
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_TCP, "127.0.0.2", NULL, &s),
	                 SK_OK);
	assert_int_equal(s.id, tcp);
	assert_string_equal(s.address, "127.0.0.2");
	assert_int_equal(
	        model_seclog_resolve(g_fx.model, SECLOG_T_TCP, "::ffff:127.0.0.2", NULL, &s),
	        SK_OK);
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_UDP, "127.0.0.2", NULL, &s),
	                 SK_ENOTFOUND);
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_TCP, "127.0.0.3", NULL, &s),
	                 SK_ENOTFOUND);
	/* a KH system's logs are kept 25 years; a longer retention of its own wins */
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("led1", sys_kh, "relp-tls", "cert_sha256", FP2), &kh, &err),
	                 SK_OK);
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_RELP_TLS, "::1", FP2, &s),
	                 SK_OK);
	assert_int_equal(s.retention_years, 25);
	json_t *o = reg_get(g_fx.model, &ssc, reg_find("log_sources"), kh);
	assert_int_equal(model_json_int(o, "retention"), 25);
	json_decref(o);
	assert_int_equal(run(&ssc, "log_sources", "update",
	                     json_pack("{s:i}", "retention_years", 40), &kh, &err),
	                 SK_OK);
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_RELP_TLS, "::1", FP2, &s),
	                 SK_OK);
	assert_int_equal(s.retention_years, 40);

	/* bad input: the field named, nothing changed */
	assert_int_equal(run(&ssc, "log_sources", "update",
	                     json_pack("{s:i}", "retention_years", 15), &kh, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "retention_years");
	assert_int_equal(
	        run(&ssc, "log_sources", "add", source("x1", sys_h, "tls", NULL, NULL), &id, &err),
	        SK_EINVAL);
	assert_string_equal(err.field, "cert_sha256");
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("x1", sys_h, "tls", "cert_sha256", "abc"), &id, &err),
	                 SK_EINVAL);
	assert_string_equal(err.reason, "log_source.cert_format");
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("x1", sys_h, "tcp", "cert_sha256", FP2), &id, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "cert_sha256");
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("x1", sys_h, "udp", "address", "fw1.example"), &id, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "address");
	assert_int_equal(
	        run(&ssc, "log_sources", "add", source("x1", sys_h, "relp", NULL, NULL), &id, &err),
	        SK_EINVAL);
	assert_string_equal(err.reason, "log_source.address_required");
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("x1", sys_k, "tls", "cert_sha256", FP1), &id, &err),
	                 SK_EEXIST);
	assert_string_equal(err.field, "cert_sha256");
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("x1", sys_k, "udp", "address", "127.0.0.2"), &id, &err),
	                 SK_EEXIST);
	assert_string_equal(err.field, "address");
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("x1", sys_k, "carrier-pigeon", "address", "127.0.0.9"), &id,
	                     &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "transport");
	assert_int_equal(run(&adm, "log_sources", "add",
	                     source("x1", sys_k, "udp", "address", "127.0.0.9"), &id, &err),
	                 SK_EPERM);

	/* withdrawn: not resolved, and its address may be bound again */
	gen = model_seclog_generation(g_fx.model);
	assert_int_equal(run(&ssc, "log_sources", "withdraw", json_object(), &tcp, &err), SK_OK);
	assert_true(model_seclog_generation(g_fx.model) != gen);
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_TCP, "127.0.0.2", NULL, &s),
	                 SK_ENOTFOUND);
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("fw1-ny", sys_h, "udp", "address", "127.0.0.2"), &id, &err),
	                 SK_OK);
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_UDP, "127.0.0.2", NULL, &s),
	                 SK_OK);
	assert_int_equal(s.id, id);
}

static int64_t grant(const struct principal *by, int64_t system, int64_t ident, int want,
                     const char *field)
{
	struct model_err err;
	int64_t id = 0;

	assert_int_equal(run(by, "log_readers", "grant",
	                     json_pack("{s:I, s:I}", "system_id", (json_int_t)system, "identity_id",
	                               (json_int_t)ident),
	                     &id, &err),
	                 want);
	if (field)
		assert_string_equal(err.field, field);
	return id;
}

static bool readable(const struct principal *p, int64_t source)
{
	int64_t *ids = NULL;
	size_t n = 0;
	bool found = false;

	assert_int_equal(model_seclog_readable_sources(g_fx.model, p, &ids, &n), SK_OK);
	for (size_t i = 0; i < n; i++)
		found |= ids[i] == source;
	free(ids);
	assert_int_equal(found, model_seclog_may_read(g_fx.model, p, source));
	return found;
}

static void test_readers(void **state)
{
	struct model_err err;
	struct seclog_source s;
	int64_t h_src, kh_src, k_src = 0, g;

	(void)state;
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_TLS, "", FP1, &s), SK_OK);
	h_src = s.id;
	assert_int_equal(model_seclog_resolve(g_fx.model, SECLOG_T_RELP_TLS, "", FP2, &s), SK_OK);
	kh_src = s.id;
	assert_int_equal(run(&ssc, "log_sources", "add",
	                     source("hr1", sys_k, "relp", "address", "2001:db8::1"), &k_src, &err),
	                 SK_OK);
	/* nobody reads without a grant, the ssc included */
	assert_false(readable(&adm, h_src));
	assert_false(readable(&ssc, h_src));
	g = grant(&ssc, sys_h, adm.id, SK_OK, NULL);
	assert_true(readable(&adm, h_src));
	assert_false(readable(&adm, kh_src));
	assert_false(readable(&adm, k_src));
	/* above the reader's clearance: refused */
	grant(&ssc, sys_kh, adm.id, SK_ERULE, "identity_id");
	grant(&ssc, sys_h, staff.id, SK_ERULE, "identity_id");
	/* twice: refused */
	grant(&ssc, sys_h, adm.id, SK_EEXIST, "identity_id");
	/* nobody grants themselves; another ssc may */
	grant(&ssc, sys_kh, ssc.id, SK_EPERM, "identity_id");
	grant(&ssc2, sys_kh, ssc.id, SK_OK, NULL);
	assert_true(readable(&ssc, kh_src));
	/* the head decides for an ssc (the only ssc would otherwise never read), not for others */
	grant(&chief, sys_h, ssc2.id, SK_OK, NULL);
	/* the ssc decides: not the admin, not the head */
	grant(&adm, sys_k, staff.id, SK_EPERM, NULL);
	grant(&chief, sys_k, staff.id, SK_EPERM, NULL);
	/* a reader runs, secures or audits systems: not a member of staff */
	grant(&ssc, sys_k, staff.id, SK_ERULE, "identity_id");
	grant(&ssc, sys_k, auditor.id, SK_OK, NULL);
	assert_true(readable(&auditor, k_src));
	assert_false(readable(&auditor, h_src));
	assert_false(readable(&staff, k_src));
	/* a reader whose clearance no longer covers the system reads nothing of it */
	struct principal lowered = adm;
	lowered.clearance = CLEAR_K;
	assert_false(readable(&lowered, h_src));
	/* revoked: gone; the reason is required */
	assert_int_equal(run(&ssc, "log_readers", "revoke", json_object(), &g, &err), SK_EINVAL);
	assert_string_equal(err.field, "revoke_reason");
	assert_int_equal(run(&ssc, "log_readers", "revoke",
	                     json_pack("{s:s}", "revoke_reason", "ny tjänst"), &g, &err),
	                 SK_OK);
	assert_false(readable(&adm, h_src));
	grant(&ssc, sys_h, adm.id, SK_OK, NULL); /* back, for the alerts below */
}

static void test_routine_watches(void **state)
{
	struct seclog_watch *w = NULL;
	struct seclog_watch_source *s = NULL;
	struct model_err err;
	size_t nw = 0, ns = 0;
	int64_t id = 0, r = 0;

	(void)state;
	assert_int_equal(
	        run(&ssc, "log_monitoring", "add",
	            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:i}", "system_id", (json_int_t)sys_h,
	                      "watched", "inloggningar och privilegierade konton", "responder",
	                      "IT-driftens jour", "privileged_accounts", " root , Administrator",
	                      "privileged_hours", "07:00-18:00", "privileged_days", "mon-fri",
	                      "fail_threshold", 3),
	            &r, &err),
	        SK_OK);
	assert_int_equal(run(&ssc, "log_sources", "update",
	                     json_pack("{s:i}", "silent_minutes", 30), &(int64_t){1}, &err),
	                 SK_OK);
	assert_int_equal(model_seclog_watches(g_fx.model, &w, &nw, &s, &ns), SK_OK);
	assert_int_equal(nw, 1);
	assert_int_equal(w[0].system, sys_h);
	assert_int_equal(w[0].fail_threshold, 3);
	assert_int_equal(w[0].fail_window_s, 600);
	assert_string_equal(w[0].priv_accounts, "root,Administrator");
	assert_int_equal(w[0].priv_from_min, 420);
	assert_int_equal(w[0].priv_to_min, 1080);
	assert_int_equal(w[0].priv_days, 0x1f);
	assert_true(ns >= 3);
	assert_int_equal(s[0].source, 1);
	assert_int_equal(s[0].silent_s, 1800);
	free(w);
	free(s);

	/* bad input: named, nothing changed */
	json_t *base = json_pack("{s:I, s:s, s:s}", "system_id", (json_int_t)sys_kh, "watched",
	                         "allt", "responder", "SOC");
	json_t *in = json_deep_copy(base);
	json_object_set_new(in, "privileged_days", json_string("fri-mon"));
	assert_int_equal(run(&ssc, "log_monitoring", "add", in, &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "privileged_days");
	in = json_deep_copy(base);
	json_object_set_new(in, "privileged_hours", json_string("18:00-07:00"));
	assert_int_equal(run(&ssc, "log_monitoring", "add", in, &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "privileged_hours");
	in = json_deep_copy(base);
	json_object_set_new(in, "privileged_accounts", json_string("root,,admin"));
	assert_int_equal(run(&ssc, "log_monitoring", "add", in, &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "privileged_accounts");
	in = json_deep_copy(base);
	json_object_del(in, "responder");
	assert_int_equal(run(&ssc, "log_monitoring", "add", in, &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "responder");
	in = json_deep_copy(base);
	json_object_set_new(in, "system_id", json_integer(sys_h));
	assert_int_equal(run(&ssc, "log_monitoring", "add", in, &id, &err), SK_EEXIST);
	assert_string_equal(err.field, "system_id");
	assert_int_equal(run(&adm, "log_monitoring", "add", json_deep_copy(base), &id, &err),
	                 SK_EPERM);
	/* the KH system's routine reports an incident with every alert */
	in = json_deep_copy(base);
	json_object_set_new(in, "incident_on_alert", json_true());
	json_object_set_new(in, "privileged_days", json_string("mon,wed-thu,sun"));
	assert_int_equal(run(&ssc, "log_monitoring", "add", in, &id, &err), SK_OK);
	json_decref(base);
	assert_int_equal(model_seclog_watches(g_fx.model, &w, &nw, &s, &ns), SK_OK);
	assert_int_equal(nw, 2);
	assert_int_equal(w[1].priv_days, 0x4d);
	assert_int_equal(w[1].priv_to_min, 1440);
	free(w);
	free(s);
}

static size_t listed(const struct principal *p)
{
	json_t *rows = reg_list(g_fx.model, p, reg_find("log_alerts"), NULL);
	size_t n;

	assert_non_null(rows);
	n = json_array_size(rows);
	json_decref(rows);
	return n;
}

static void test_alerts(void **state)
{
	struct seclog_alert a = {.kind = SECLOG_A_FAILED_LOGINS,
	                         .system = sys_h,
	                         .source = 1,
	                         .key = "root@db1",
	                         .count = 5,
	                         .first_idx = 10,
	                         .last_idx = 14,
	                         .first_us = INT64_C(1700000000000000),
	                         .last_us = INT64_C(1700000060000000),
	                         .detail = "threshold=5 window=600"};
	struct model_err err;
	uint64_t before;
	int64_t id = 1, inc = 0;
	char v[64];

	(void)state;
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_OK);
	/* open: not raised again */
	before = regfx_ledger_size(&g_fx);
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_EEXIST);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	assert_string_equal(regfx_sql_text(&g_fx,
	                                   "SELECT kind || ' ' || key || ' ' || status FROM "
	                                   "log_alert WHERE id = ?1",
	                                   1, v, sizeof(v)),
	                    "failed_logins root@db1 open");
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM log_alert WHERE id = 1 AND "
	                                      "incident_id IS NULL"),
	                 1);
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT first_at FROM log_alert WHERE id = ?1", 1,
	                                   v, sizeof(v)),
	                    "2023-11-14T22:13:20.000000Z");
	/* need-to-know: the ssc and the system's reader; not the head, the auditor, staff */
	assert_int_equal(listed(&ssc), 1);
	assert_int_equal(listed(&adm), 1);
	assert_int_equal(listed(&chief), 0);
	assert_int_equal(listed(&auditor), 0);
	assert_int_equal(listed(&staff), 0);
	assert_null(reg_get(g_fx.model, &staff, reg_find("log_alerts"), 1));
	/* a reader whose clearance was lowered sees it no more */
	struct principal lowered = adm;
	lowered.clearance = CLEAR_K;
	assert_int_equal(listed(&lowered), 0);

	/* handling: not by those who may not read it (as if it did not exist) */
	assert_int_equal(
	        run(&staff, "log_alerts", "handle", json_pack("{s:s}", "note", "x"), &id, &err),
	        SK_EPERM);
	assert_int_equal(
	        run(&chief, "log_alerts", "handle", json_pack("{s:s}", "note", "x"), &id, &err),
	        SK_ENOTFOUND);
	assert_int_equal(run(&adm, "log_alerts", "handle", json_object(), &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "note");
	assert_int_equal(
	        run(&adm, "log_alerts", "handle",
	            json_pack("{s:s}", "note", "lösenordsgissning från testnätet, spärrat"), &id,
	            &err),
	        SK_OK);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT handled_by FROM log_alert WHERE id = 1"),
	                 adm.id);
	assert_int_equal(
	        run(&ssc, "log_alerts", "handle", json_pack("{s:s}", "note", "igen"), &id, &err),
	        SK_EEXIST);
	/* handled: the same again is a new alert */
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_OK);

	/* the KH routine asks for an incident: reported with the alert, linked both ways */
	a.kind = SECLOG_A_SILENT;
	a.system = sys_kh;
	a.source = 2;
	snprintf(a.key, sizeof(a.key), "led1");
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_OK);
	inc = regfx_sql_int(&g_fx, "SELECT incident_id FROM log_alert WHERE id = 3");
	assert_true(inc > 0);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM incident_link WHERE "
	                                      "type = 'system' AND object_id = 2"),
	                 1);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT reported_by FROM incident WHERE id = 1"), 0);
	/* the KH alert: the ssc (KH) and nobody else here */
	assert_int_equal(listed(&ssc), 3);
	assert_int_equal(listed(&adm), 2);
	/* bad input to the raise itself */
	a.kind = 9;
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_EINVAL);
	a.kind = SECLOG_A_GAP;
	a.system = 999;
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_ENOTFOUND);
	/* an integrity failure of the whole log: no system, the ssc only */
	memset(&a, 0, sizeof(a));
	a.kind = SECLOG_A_INTEGRITY;
	snprintf(a.detail, sizeof(a.detail), "problem=leaf");
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_OK);
	assert_int_equal(listed(&ssc), 4);
	assert_int_equal(listed(&adm), 2);
}

/* The CSV export of the alerts as p: how many data rows (the header not counted). */
static int exported(const struct principal *p)
{
	struct model_err err = {0};
	struct buf b;
	int lines = 0;

	buf_init(&b, 1 << 20);
	assert_int_equal(reg_export(g_fx.model, p, reg_find("log_alerts"), REG_IO_CSV, &b, &err),
	                 SK_OK);
	for (size_t i = 0; i < b.len; i++)
		lines += b.ptr[i] == '\n';
	buf_release(&b);
	return lines - 1;
}

/* Exports pass the same need-to-know (and are logged, as every export). */
static void test_export(void **state)
{
	(void)state;
	assert_int_equal(exported(&ssc), 4);
	assert_int_equal(exported(&adm), 2);
	assert_int_equal(exported(&chief), 0);
	assert_int_equal(exported(&auditor), 0);
}

/* Is the Säkerhetslogg's entry about object redacted for p? */
static bool redacted(const struct principal *p, const char *object)
{
	json_t *e = json_pack("{s:s, s:{s:s}}", "object", object, "data", "key", "root@db1");
	bool hidden = ledger_view_redact_one(g_fx.rd, p, e);

	assert_true(hidden == (json_object_get(e, "data") == NULL));
	json_decref(e);
	return hidden;
}

/*
 * The alerts' entries in the Säkerhetslogg, as the register: the ssc and the system's log
 * readers within the system's class; the whole log's integrity alert the ssc only.
 */
static void test_ledger_view(void **state)
{
	struct principal low = ssc;

	(void)state;
	low.clearance = CLEAR_K;
	assert_false(redacted(&ssc, "log_alert/1"));
	assert_false(redacted(&ssc, "log_alert/3"));    /* KH */
	assert_true(redacted(&low, "log_alert/1"));     /* H, above K */
	assert_false(redacted(&low, "log_alert/4"));    /* the whole log */
	assert_true(redacted(&chief, "log_alert/1"));   /* no reader's right */
	assert_true(redacted(&auditor, "log_alert/1")); /* a reader of another system */
	assert_false(redacted(&adm, "log_alert/1"));    /* a reader of the system (H) */
	assert_false(redacted(&adm, "log_alert/2"));
	assert_true(redacted(&adm, "log_alert/3"));   /* KH: not his system, above him */
	assert_true(redacted(&adm, "log_alert/4"));   /* the whole log's: the ssc's */
	assert_true(redacted(&staff, "log_alert/1")); /* not a reader's role */
	assert_true(redacted(&ssc, "log_alert/999")); /* none such: fails closed */
	/* the sources' entries are the register's readers' */
	assert_false(redacted(&adm, "log_source/1"));
	assert_true(redacted(&staff, "log_source/1"));
}

static void test_parsers(void **state)
{
	unsigned a, b;
	char out[65];

	(void)state;
	assert_true(seclog_hours_parse("00:00-24:00", &a, &b));
	assert_false(seclog_hours_parse("24:00-24:00", &a, &b));
	assert_false(seclog_hours_parse("7:00-18:00", &a, &b));
	assert_false(seclog_hours_parse("07:60-18:00", &a, &b));
	assert_true(seclog_days_parse("sat-sun", &a));
	assert_int_equal(a, 0x60);
	assert_false(seclog_days_parse("mon,", &a));
	assert_false(seclog_days_parse("monday", &a));
	assert_false(seclog_days_parse("Mon", &a));
	assert_true(seclog_addr_canon("2001:DB8:0:0::1", out, sizeof(out)));
	assert_string_equal(out, "2001:db8::1");
	assert_false(seclog_addr_canon("127.1", out, sizeof(out)));
	assert_false(seclog_fp_canon(FP1 "0", out));
	assert_false(seclog_fp_canon(
	        "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", out));
	assert_true(seclog_accounts_canon("", out, sizeof(out)));
	assert_false(seclog_accounts_canon("a b", out, sizeof(out)));
}

/*
 * An alert the monitor raised again while replaying the stored log at a
 * restart: not recorded when one recorded before the stop (open or
 * handled) of the same kind, system, source and key has last_idx >= its
 * first_idx; recorded otherwise (what a crash lost).
 */
static void test_alerts_replayed(void **state)
{
	struct seclog_alert a = {.kind = SECLOG_A_FAILED_LOGINS,
	                         .system = sys_h,
	                         .source = 1,
	                         .key = "replay@db9",
	                         .count = 5,
	                         .first_idx = 100,
	                         .last_idx = 104,
	                         .first_us = INT64_C(1700000000000000),
	                         .last_us = INT64_C(1700000060000000),
	                         .detail = "threshold=5 window=600"};
	const char *mine = "SELECT count(*) FROM log_alert WHERE key = 'replay@db9'";
	struct model_err err;
	uint64_t before;
	int64_t id;

	(void)state;
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_OK);
	id = regfx_sql_int(&g_fx, "SELECT max(id) FROM log_alert");
	before = regfx_ledger_size(&g_fx);
	/* open, the same events: told already */
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_EEXIST);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	/* handled, the same events: told already (a live raise would record it again) */
	assert_int_equal(
	        run(&adm, "log_alerts", "handle", json_pack("{s:s}", "note", "spärrat"), &id, &err),
	        SK_OK);
	before = regfx_ledger_size(&g_fx);
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_EEXIST);
	/* overlapping by one message: the rule is last_idx >= first_idx, exactly */
	a.first_idx = 104;
	a.last_idx = 110;
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_EEXIST);
	/* a window the replay found that began after everything told: the crash lost it */
	a.first_idx = 98; /* (an earlier one is told too: it overlaps) */
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_EEXIST);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	assert_int_equal(regfx_sql_int(&g_fx, mine), 1);
	a.first_idx = 105;
	a.last_idx = 109;
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_OK);
	assert_int_equal(regfx_ledger_size(&g_fx), before + 1);
	assert_int_equal(regfx_sql_int(&g_fx, mine), 2);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM log_alert WHERE key = "
	                                      "'replay@db9' AND first_idx = 105 AND last_idx = 109 "
	                                      "AND status = 'open' AND count = 5"),
	                 1);
	/* and now open: the same replayed again is not recorded twice */
	a.first_idx = 106;
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_EEXIST);
	/* per kind, system, source and key: another kind or source over the same events is new */
	a.first_idx = 100;
	a.last_idx = 104;
	a.kind = SECLOG_A_GAP;
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_OK);
	a.kind = SECLOG_A_FAILED_LOGINS;
	a.source = 2;
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_OK);
	snprintf(a.key, sizeof(a.key), "replay@db8");
	a.source = 1;
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_OK);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM log_alert WHERE key LIKE "
	                                      "'replay@%'"),
	                 5);
	/*
	 * A silence is known by its start (the source's last message): told once,
	 * open or handled, even when a restarted monitor's tick finds it again.
	 */
	memset(&a, 0, sizeof(a));
	a.kind = SECLOG_A_SILENT;
	a.system = sys_h;
	a.source = 7;
	a.first_us = INT64_C(1700000000000000);
	a.last_us = INT64_C(1700000900000000);
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_OK);
	id = regfx_sql_int(&g_fx, "SELECT max(id) FROM log_alert");
	assert_int_equal(run(&adm, "log_alerts", "handle", json_pack("{s:s}", "note", "omstartad"),
	                     &id, &err),
	                 SK_OK);
	a.last_us += 60 * INT64_C(1000000); /* the next start's first tick */
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_EEXIST);
	a.source = 8; /* another source's silence from the same instant */
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_OK);
	a.source = 7;
	a.first_us += INT64_C(1000000); /* it spoke, and fell silent again */
	assert_int_equal(model_seclog_alert_raise(g_fx.model, &a), SK_OK);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM log_alert WHERE kind = "
	                                      "'silent' AND source_id IN (7, 8)"),
	                 3);
	/* bad input as for the live raise */
	a.kind = 0;
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_EINVAL);
	assert_int_equal(model_seclog_alert_raise_replayed(NULL, &a), SK_EINVAL);
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, NULL), SK_EINVAL);
	a.kind = SECLOG_A_FAILED_LOGINS;
	a.system = 999;
	assert_int_equal(model_seclog_alert_raise_replayed(g_fx.model, &a), SK_ENOTFOUND);
}

static void test_replay(void **state)
{
	(void)state;
	regfx_verify_replay(&g_fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sources_resolve), cmocka_unit_test(test_readers),
	        cmocka_unit_test(test_routine_watches), cmocka_unit_test(test_alerts),
	        cmocka_unit_test(test_ledger_view),     cmocka_unit_test(test_export),
	        cmocka_unit_test(test_parsers),         cmocka_unit_test(test_alerts_replayed),
	        cmocka_unit_test(test_replay),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
