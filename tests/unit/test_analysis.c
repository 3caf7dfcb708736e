/*
 * The security protection analysis (PMFS 2022:1 2 kap. 1–13 §§,
 * src/model/analysis.c, analysis_plan.c): content checked strictly (the
 * field is the JSON path), approval by the head only and refused while parts
 * are missing, an approved version frozen, revise makes a new draft, the
 * report and the hand-over entry, the security plan approved by the ssc with
 * every item's due date and responsible function, special assessments, the
 * 2 kap. rules (a fixture that triggers each and one that does not), the
 * deadlines, and replay equality (verify --replay).
 */
#include "testutil.h"
#include "regfixture.h"

#include <jansson.h>

#include "model/access_int.h"
#include "model/analysis.h"
#include "model/ledger_view.h"
#include "model/model.h"
#include "rules/rules.h"
#include "store/store.h"

static struct reg_fixture g_fx;
static struct principal chief, ssc, aud, staff;
static int64_t g_a1, g_a2, g_plan, g_as;

static int64_t g_ssc_grant;

static int setup(void **state)
{
	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-analysis.XXXXXX", REGFX_CLEAR, NULL);
	regfx_identity(g_fx.model, &chief, "chef", ROLE_CHIEF, CLEAR_KH, NULL, NULL);
	g_ssc_grant = regfx_identity(g_fx.model, &ssc, "ssc", ROLE_SSC, CLEAR_KH, NULL, NULL);
	regfx_identity(g_fx.model, &aud, "granskare", ROLE_AUDITOR, CLEAR_KH, NULL, NULL);
	regfx_identity(g_fx.model, &staff, "anna", ROLE_STAFF, CLEAR_KH, NULL, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);

	if (!v)
		fail_msg("bad JSON in the test: %s: %s", e.text, text);
	return v;
}

static const char *field_of(const struct model_err *e)
{
	return e->field;
}

/* A complete content (2–9 §§). */
static const char full_body[] =
        "{\"title\":\"Säkerhetsskyddsanalys 2026\",\"description\":\"Myndigheten driver "
        "ledningssystem\",\"parts\":[{\"id\":1,\"name\":\"Ledning\",\"categories\":["
        "\"internal_security\",\"critical_activity\"]}],\"assets\":[{\"id\":1,\"kind\":2,"
        "\"name\":\"Serverhall\",\"perspectives\":[\"availability\",\"integrity\"],\"level\":"
        "\"B\",\"part_ids\":[1]},{\"id\":2,\"kind\":1,\"name\":\"Planer\",\"perspectives\":["
        "\"confidentiality\"],\"class\":\"H\"}],\"sapo\":{\"reference\":\"SÄPO 2026-17\","
        "\"date\":\"2026-03-01\"},\"threats\":[{\"id\":1,\"description\":\"Sabotage\","
        "\"asset_ids\":[1,2]},{\"id\":2,\"description\":\"Underrättelseinhämtning\","
        "\"asset_ids\":[],\"overall\":true}],\"vulnerabilities\":[{\"id\":1,\"description\":"
        "\"Ett lås\",\"asset_id\":1,\"threat_ids\":[1]},{\"id\":2,\"description\":\"Insider\","
        "\"asset_id\":2},{\"id\":3,\"description\":\"Allmänt\"}],\"measures\":[{\"id\":1,"
        "\"description\":\"Larm\",\"vulnerability_ids\":[1,3]},{\"id\":2,\"description\":"
        "\"Behörighetskontroll\",\"vulnerability_ids\":[2],\"asset_ids\":[2]}]}";

static json_t *get_analysis(int64_t id)
{
	json_t *o = analysis_get(g_fx.model, NULL, id);

	assert_non_null(o);
	return o;
}

static const char *state_of(int64_t id)
{
	static char s[16];
	json_t *o = get_analysis(id);

	snprintf(s, sizeof(s), "%s",
	         json_string_value(json_object_get(json_object_get(o, "analysis"), "state")));
	json_decref(o);
	return s;
}

/* ---- content, rights ---- */

static void bad(const char *body, const char *field)
{
	struct model_err err = {0};
	json_t *b = J(body);
	int64_t id = 0;
	int rc = analysis_create(g_fx.model, &ssc, b, &id, &err);

	json_decref(b);
	if (rc != SK_EINVAL || strcmp(field_of(&err), field) != 0)
		fail_msg("%s: rc %d field '%s' (%s), expected %s", body, rc, err.field, err.msg,
		         field);
}

static void test_bad_input(void **state)
{
	(void)state;
	bad("{\"title\":\"\"}", "title");
	bad("{\"title\":\"x\",\"parts\":{}}", "parts");
	bad("{\"title\":\"x\",\"parts\":[{\"id\":1,\"name\":\"a\",\"categories\":[\"yttre\"]}]}",
	    "parts[0].categories[0]");
	bad("{\"title\":\"x\",\"parts\":[{\"id\":1,\"name\":\"a\",\"categories\":[],\"zz\":1}]}",
	    "parts[0].zz");
	bad("{\"title\":\"x\",\"parts\":[{\"id\":1,\"name\":\"a\",\"categories\":[]},{\"id\":1,"
	    "\"name\":\"b\",\"categories\":[]}]}",
	    "parts[1].id");
	bad("{\"title\":\"x\",\"assets\":[{\"id\":1,\"kind\":4,\"name\":\"a\",\"perspectives\":[]}]"
	    "}",
	    "assets[0].kind");
	bad("{\"title\":\"x\",\"assets\":[{\"id\":1,\"kind\":1,\"name\":\"a\",\"perspectives\":[],"
	    "\"level\":\"A\"}]}",
	    "assets[0].level");
	bad("{\"title\":\"x\",\"assets\":[{\"id\":1,\"kind\":2,\"name\":\"a\",\"perspectives\":[],"
	    "\"class\":\"H\"}]}",
	    "assets[0].class");
	bad("{\"title\":\"x\",\"assets\":[{\"id\":1,\"kind\":2,\"name\":\"a\",\"perspectives\":["
	    "\"confidentiality\",\"confidentiality\"]}]}",
	    "assets[0].perspectives[1]");
	bad("{\"title\":\"x\",\"assets\":[{\"id\":1,\"kind\":2,\"name\":\"a\",\"perspectives\":[],"
	    "\"level\":\"E\"}]}",
	    "assets[0].level");
	bad("{\"title\":\"x\",\"threats\":[{\"id\":1,\"description\":\"t\",\"asset_ids\":[9]}]}",
	    "threats[0].asset_ids[0]");
	bad("{\"title\":\"x\",\"vulnerabilities\":[{\"id\":1,\"description\":\"v\",\"asset_id\":3}]"
	    "}",
	    "vulnerabilities[0].asset_id");
	bad("{\"title\":\"x\",\"measures\":[{\"id\":1,\"description\":\"m\",\"vulnerability_ids\":"
	    "[1]}]}",
	    "measures[0].vulnerability_ids[0]");
	bad("{\"title\":\"x\",\"sapo\":{\"reference\":\"r\"}}", "sapo.date");
	bad("{\"title\":\"x\",\"sapo\":{\"reference\":\"r\",\"date\":\"2026-02-30\"}}",
	    "sapo.date");
	bad("{\"title\":\"x\",\"description\":\"a\\u0001b\"}", "description");
	bad("{\"title\":\"x\",\"zz\":[]}", "zz");
	{
		struct model_err err = {0};
		json_t *b = J(full_body);
		int64_t id = 0;

		assert_int_equal(analysis_create(g_fx.model, &aud, b, &id, &err), SK_EPERM);
		assert_int_equal(analysis_create(g_fx.model, &staff, b, &id, &err), SK_EPERM);
		json_decref(b);
		b = analysis_list(g_fx.model, NULL);
		assert_int_equal(json_array_size(json_object_get(b, "analyses")), 0);
		json_decref(b);
	}
}

/* ---- approval (10 §) ---- */

static void test_approval(void **state)
{
	struct model_err err = {0};
	json_t *b = J("{\"title\":\"Säkerhetsskyddsanalys 2026\"}"), *o, *a, *full;
	char today[11], y1[11], y2[11];

	(void)state;
	if (analysis_create(g_fx.model, &ssc, b, &g_a1, &err) != SK_OK)
		fail_msg("create: %s %s", err.field, err.msg);
	json_decref(b);
	assert_string_equal(state_of(g_a1), "draft");
	/* incomplete: refused, naming what is missing */
	assert_int_equal(analysis_approve(g_fx.model, &chief, g_a1, &err), SK_ERULE);
	assert_string_equal(err.field, "description");
	o = get_analysis(g_a1);
	assert_true(json_array_size(json_object_get(json_object_get(o, "analysis"), "missing")) >=
	            3);
	json_decref(o);
	/* complete it (a PATCH replaces the sections given) */
	full = J(full_body);
	assert_int_equal(analysis_update(g_fx.model, &ssc, g_a1, full, &err), SK_OK);
	o = get_analysis(g_a1);
	assert_int_equal(
	        json_array_size(json_object_get(json_object_get(o, "analysis"), "missing")), 0);
	json_decref(o);
	/* a kind-2 asset without level: missing again, then fixed */
	b = J("{\"assets\":[{\"id\":1,\"kind\":2,\"name\":\"Serverhall\",\"perspectives\":["
	      "\"availability\"]},{\"id\":2,\"kind\":1,\"name\":\"Planer\",\"perspectives\":["
	      "\"confidentiality\"],\"class\":\"H\"}]}");
	assert_int_equal(analysis_update(g_fx.model, &ssc, g_a1, b, &err), SK_OK);
	json_decref(b);
	assert_int_equal(analysis_approve(g_fx.model, &chief, g_a1, &err), SK_ERULE);
	assert_string_equal(err.field, "assets[0].level");
	assert_int_equal(analysis_update(g_fx.model, &ssc, g_a1, full, &err), SK_OK);
	/* an ssc cannot approve; nor the auditor */
	assert_int_equal(analysis_approve(g_fx.model, &ssc, g_a1, &err), SK_EPERM);
	assert_int_equal(analysis_approve(g_fx.model, &aud, g_a1, &err), SK_EPERM);
	assert_string_equal(state_of(g_a1), "draft");
	assert_int_equal(analysis_approve(g_fx.model, &chief, g_a1, &err), SK_OK);
	o = get_analysis(g_a1);
	a = json_object_get(o, "analysis");
	model_today(today);
	model_plus_year(today, y1);
	model_plus_year(y1, y2);
	assert_string_equal(json_string_value(json_object_get(a, "state")), "approved");
	assert_string_equal(json_string_value(json_object_get(a, "approved_on")), today);
	assert_string_equal(json_string_value(json_object_get(a, "next_review_due")), y2);
	assert_int_equal(json_integer_value(json_object_get(a, "approved_by")), chief.id);
	json_decref(o);
	/* frozen */
	assert_int_equal(analysis_update(g_fx.model, &ssc, g_a1, full, &err), SK_ERULE);
	assert_int_equal(analysis_update(g_fx.model, &chief, g_a1, full, &err), SK_ERULE);
	assert_int_equal(analysis_approve(g_fx.model, &chief, g_a1, &err), SK_ERULE);
	json_decref(full);
	/* nothing to change, unknown id */
	b = J("{}");
	assert_int_equal(analysis_update(g_fx.model, &ssc, 999, b, &err), SK_ENOTFOUND);
	json_decref(b);
	assert_null(analysis_get(g_fx.model, NULL, 999));
}

/* ---- revise ---- */

static void test_revise(void **state)
{
	struct model_err err = {0};
	int64_t again = 0;
	json_t *o1, *o2, *b;

	(void)state;
	assert_int_equal(analysis_revise(g_fx.model, &aud, g_a1, &g_a2, &err), SK_EPERM);
	assert_int_equal(analysis_revise(g_fx.model, &ssc, g_a1, &g_a2, &err), SK_OK);
	assert_true(g_a2 > g_a1);
	assert_string_equal(state_of(g_a2), "draft");
	o1 = get_analysis(g_a1);
	o2 = get_analysis(g_a2);
	assert_true(json_equal(json_object_get(json_object_get(o1, "analysis"), "content"),
	                       json_object_get(json_object_get(o2, "analysis"), "content")));
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(o2, "analysis"), "version")), 2);
	assert_int_equal(json_integer_value(
	                         json_object_get(json_object_get(o2, "analysis"), "revised_from")),
	                 g_a1);
	assert_int_equal(
	        json_array_size(json_object_get(json_object_get(o2, "analysis"), "versions")), 2);
	json_decref(o1);
	json_decref(o2);
	/* one draft at a time; a draft is not revised */
	assert_int_equal(analysis_revise(g_fx.model, &ssc, g_a1, &again, &err), SK_EEXIST);
	assert_int_equal(analysis_revise(g_fx.model, &ssc, g_a2, &again, &err), SK_ERULE);
	b = J("{\"description\":\"Ändrad verksamhet\"}");
	assert_int_equal(analysis_update(g_fx.model, &ssc, g_a2, b, &err), SK_OK);
	json_decref(b);
	assert_string_equal(state_of(g_a1), "approved"); /* v1 stays current until v2 is approved */
}

/* ---- report and hand-over (11 §) ---- */

static size_t count_kind(const char *kind)
{
	struct store_reader *r = model_reader(g_fx.model);
	struct store_q *q;
	size_t n = 0;

	assert_int_equal(store_reader_query(r, "SELECT count(*) FROM ledger WHERE kind = ?1", &q),
	                 SK_OK);
	store_q_bind_text(q, 1, kind);
	if (store_q_step(q) == SK_OK)
		n = (size_t)store_q_int(q, 0);
	store_q_done(q);
	return n;
}

static void test_report_export(void **state)
{
	struct model_err err = {0};
	json_t *rep = NULL, *a, *m;

	(void)state;
	assert_int_equal(analysis_report(g_fx.model, NULL, g_a2, &rep, &err), SK_ERULE);
	assert_int_equal(analysis_report(g_fx.model, NULL, 999, &rep, &err), SK_ENOTFOUND);
	assert_int_equal(analysis_report(g_fx.model, NULL, g_a1, &rep, &err), SK_OK);
	a = json_object_get(rep, "report");
	m = json_object_get(a, "matrix");
	assert_int_equal(json_array_size(m), 2);
	assert_true(json_is_true(json_object_get(json_array_get(m, 0), "availability")));
	assert_true(json_is_false(json_object_get(json_array_get(m, 0), "confidentiality")));
	assert_int_equal(
	        json_array_size(json_object_get(
	                json_array_get(json_object_get(a, "assets_detail"), 0), "threats")),
	        1);
	assert_string_equal(json_string_value(json_object_get(a, "approved_by_name")), "chef");
	json_decref(rep);
	/* the hand-over: an entry with to whom and why */
	assert_int_equal(
	        analysis_export(g_fx.model, &aud, g_a1, "Tillsynsmyndigheten", "", &rep, &err),
	        SK_EPERM);
	assert_int_equal(analysis_export(g_fx.model, &ssc, g_a1, "", "x", &rep, &err), SK_EINVAL);
	assert_string_equal(err.field, "recipient");
	assert_int_equal(
	        analysis_export(g_fx.model, &ssc, g_a2, "Säkerhetspolisen", "", &rep, &err),
	        SK_ERULE);
	assert_int_equal(count_kind("analysis.exported"), 0);
	assert_int_equal(analysis_export(g_fx.model, &ssc, g_a1, "Tillsynsmyndigheten",
	                                 "begäran dnr 2026/12", &rep, &err),
	                 SK_OK);
	assert_non_null(json_object_get(rep, "report"));
	json_decref(rep);
	assert_int_equal(count_kind("analysis.exported"), 1);
}

/* ---- the security plan (12 §) ---- */

static void test_secplan(void **state)
{
	struct model_err err = {0};
	json_t *o, *b;
	int64_t id;

	(void)state;
	assert_int_equal(secplan_create(g_fx.model, &ssc, g_a2, NULL, &id, &err), SK_ERULE);
	assert_int_equal(secplan_create(g_fx.model, &ssc, 999, NULL, &id, &err), SK_ENOTFOUND);
	assert_int_equal(secplan_create(g_fx.model, &aud, g_a1, NULL, &id, &err), SK_EPERM);
	assert_int_equal(secplan_create(g_fx.model, &ssc, g_a1, NULL, &g_plan, &err), SK_OK);
	o = secplan_get(g_fx.model, NULL, g_plan);
	assert_int_equal(json_array_size(json_object_get(json_object_get(o, "plan"), "items")), 2);
	json_decref(o);
	/* items without due date or responsible refuse approval */
	assert_int_equal(secplan_approve(g_fx.model, &ssc, g_plan, &err), SK_ERULE);
	assert_string_equal(err.field, "items[0].due");
	b = J("{\"items\":[{\"measure_id\":1,\"due\":\"2027-01-31\",\"responsible\":"
	      "\"Säkerhetsenheten\"},{\"measure_id\":2,\"due\":\"2027-06-30\"}]}");
	assert_int_equal(secplan_update(g_fx.model, &ssc, g_plan, b, &err), SK_OK);
	json_decref(b);
	assert_int_equal(secplan_approve(g_fx.model, &ssc, g_plan, &err), SK_ERULE);
	assert_string_equal(err.field, "items[1].responsible");
	/* bad input */
	b = J("{\"items\":[{\"measure_id\":7,\"due\":\"2027-01-31\"}]}");
	assert_int_equal(secplan_update(g_fx.model, &ssc, g_plan, b, &err), SK_EINVAL);
	assert_string_equal(err.field, "items[0].measure_id");
	json_decref(b);
	b = J("{\"items\":[{\"measure_id\":1,\"due\":\"31/1\"}]}");
	assert_int_equal(secplan_update(g_fx.model, &ssc, g_plan, b, &err), SK_EINVAL);
	assert_string_equal(err.field, "items[0].due");
	json_decref(b);
	b = J("{\"items\":[{\"measure_id\":2,\"responsible\":\"IT-avdelningen\"}]}");
	assert_int_equal(secplan_update(g_fx.model, &ssc, g_plan, b, &err), SK_OK);
	json_decref(b);
	/* the head does not approve the plan while there is an ssc (12 §, 20 §) */
	assert_int_equal(secplan_approve(g_fx.model, &chief, g_plan, &err), SK_ERULE);
	assert_int_equal(secplan_approve(g_fx.model, &aud, g_plan, &err), SK_EPERM);
	assert_int_equal(secplan_approve(g_fx.model, &ssc, g_plan, &err), SK_OK);
	o = secplan_get(g_fx.model, NULL, g_plan);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "plan"), "state")),
	                    "approved");
	json_decref(o);
	b = J("{\"title\":\"Ny\"}");
	assert_int_equal(secplan_update(g_fx.model, &ssc, g_plan, b, &err), SK_ERULE);
	json_decref(b);
	assert_int_equal(secplan_approve(g_fx.model, &ssc, g_plan, &err), SK_ERULE);
}

/* ---- special assessments (13 §) ---- */

static void test_assessment(void **state)
{
	struct model_err err = {0};
	json_t *b, *o;

	(void)state;
	b = J("{\"title\":\"Utkontraktering av drift\",\"procedure_kind\":\"outsourcing\","
	      "\"procedure_ref\":\"Avtal 2026-5\"}");
	assert_int_equal(assessment_create(g_fx.model, &aud, b, &g_as, &err), SK_EPERM);
	assert_int_equal(assessment_create(g_fx.model, &ssc, b, &g_as, &err), SK_OK);
	json_decref(b);
	assert_int_equal(assessment_approve(g_fx.model, &ssc, g_as, &err), SK_ERULE);
	assert_string_equal(err.field, "affected");
	b = J("{\"affected\":[{\"asset_id\":9,\"how\":\"x\"}]}");
	assert_int_equal(assessment_update(g_fx.model, &ssc, g_as, b, &err), SK_ERULE);
	assert_string_equal(err.field, "affected[0].asset_id");
	json_decref(b);
	b = J("{\"procedure_kind\":\"sale\"}");
	assert_int_equal(assessment_update(g_fx.model, &ssc, g_as, b, &err), SK_EINVAL);
	json_decref(b);
	b = J("{\"affected\":[{\"asset_id\":1,\"how\":\"driften flyttas till leverantören\"}],"
	      "\"threats\":[{\"description\":\"Insider hos leverantören\"}],\"vulnerabilities\":[{"
	      "\"description\":\"Fjärråtkomst\",\"change\":\"\"}],\"measures\":[{\"description\":"
	      "\"Säkerhetsskyddsavtal nivå 1\"}]}");
	assert_int_equal(assessment_update(g_fx.model, &ssc, g_as, b, &err), SK_OK);
	json_decref(b);
	assert_int_equal(assessment_approve(g_fx.model, &ssc, g_as, &err), SK_ERULE);
	assert_string_equal(err.field, "vulnerabilities[0].change");
	b = J("{\"vulnerabilities\":[{\"description\":\"Fjärråtkomst\",\"change\":\"ökar\"}]}");
	assert_int_equal(assessment_update(g_fx.model, &ssc, g_as, b, &err), SK_OK);
	json_decref(b);
	assert_int_equal(assessment_approve(g_fx.model, &aud, g_as, &err), SK_EPERM);
	assert_int_equal(assessment_approve(g_fx.model, &ssc, g_as, &err), SK_OK);
	o = assessment_get(g_fx.model, g_as);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(o, "assessment"), "state")),
	        "approved");
	assert_int_equal(json_integer_value(
	                         json_object_get(json_object_get(o, "assessment"), "analysis_id")),
	                 g_a1);
	json_decref(o);
	b = J("{\"title\":\"Ny\"}");
	assert_int_equal(assessment_update(g_fx.model, &ssc, g_as, b, &err), SK_ERULE);
	json_decref(b);
}

/* ---- rules: each 2 kap. rule fires on one fixture, not on another ---- */

static size_t findings(const char *rule)
{
	struct store_reader *rd;
	struct rules_filter f = {.rule = rule, .min_severity = -1, .clearance = CLEAR_KH};
	char today[11];
	json_t *res;
	size_t n;

	assert_int_equal(store_reader_open(g_fx.dir, &rd), SK_OK);
	model_today(today);
	res = rules_evaluate(rd, today, &f);
	store_reader_close(rd);
	assert_non_null(res);
	assert_int_equal(json_array_size(json_object_get(res, "errors")), 0);
	n = json_array_size(json_object_get(res, "findings"));
	json_decref(res);
	return n;
}

static void test_rules_2kap(void **state)
{
	static const char *const content_rules[] = {"analysis.activity",
	                                            "analysis.assets",
	                                            "analysis.asset.perspective",
	                                            "analysis.asset.level",
	                                            "analysis.asset.threat",
	                                            "analysis.asset.vulnerability",
	                                            "analysis.vulnerability.measure"};
	struct model_err err = {0};
	int64_t a3, p3, as2;
	json_t *b;

	(void)state;
	/* the state so far: complete, approved by the head, plan approved, assessment approved */
	for (size_t i = 0; i < sizeof(content_rules) / sizeof(content_rules[0]); i++)
		assert_int_equal(findings(content_rules[i]), 0);
	assert_int_equal(findings("analysis.unapproved"), 0);
	assert_int_equal(findings("analysis.approver"), 0);
	assert_int_equal(findings("analysis.review.overdue"), 0);
	assert_int_equal(findings("secplan.item.incomplete"), 0);
	assert_int_equal(findings("secplan.unapproved"), 0);
	assert_int_equal(findings("assessment.incomplete"), 0);
	assert_int_equal(findings("assessment.unapproved"), 0);

	/* a new analysis, empty: every content rule fires, and it is not approved */
	b = J("{\"title\":\"Dotterbolaget\",\"assets\":[{\"id\":1,\"kind\":2,\"name\":\"Nät\","
	      "\"perspectives\":[]}]}");
	assert_int_equal(analysis_create(g_fx.model, &ssc, b, &a3, &err), SK_OK);
	json_decref(b);
	assert_int_equal(findings("analysis.activity"), 1);
	assert_int_equal(findings("analysis.asset.perspective"), 1);
	assert_int_equal(findings("analysis.asset.level"), 1);
	assert_int_equal(findings("analysis.asset.threat"), 1);
	assert_int_equal(findings("analysis.asset.vulnerability"), 1);
	assert_int_equal(findings("analysis.unapproved"), 1);
	b = J("{\"assets\":[{\"id\":1,\"kind\":1,\"name\":\"Uppgifter\",\"perspectives\":["
	      "\"confidentiality\"]}]}");
	assert_int_equal(analysis_update(g_fx.model, &ssc, a3, b, &err), SK_OK);
	json_decref(b);
	assert_int_equal(findings("analysis.assets"), 1); /* kind 1 without class */
	assert_int_equal(findings("analysis.asset.level"), 0);
	assert_int_equal(findings("analysis.asset.perspective"), 0);
	b = J("{\"assets\":[],\"vulnerabilities\":[{\"id\":1,\"description\":\"v\"}]}");
	assert_int_equal(analysis_update(g_fx.model, &ssc, a3, b, &err), SK_OK);
	json_decref(b);
	assert_int_equal(findings("analysis.assets"), 1);
	assert_int_equal(findings("analysis.vulnerability.measure"), 1);
	/* completing it clears them all; approving clears unapproved but asks for a plan */
	b = J(full_body);
	assert_int_equal(analysis_update(g_fx.model, &ssc, a3, b, &err), SK_OK);
	json_decref(b);
	for (size_t i = 0; i < sizeof(content_rules) / sizeof(content_rules[0]); i++)
		assert_int_equal(findings(content_rules[i]), 0);
	assert_int_equal(analysis_approve(g_fx.model, &chief, a3, &err), SK_OK);
	assert_int_equal(findings("analysis.unapproved"), 0);
	assert_int_equal(findings("secplan.unapproved"), 1);
	assert_int_equal(secplan_create(g_fx.model, &ssc, a3, "Plan 3", &p3, &err), SK_OK);
	assert_int_equal(findings("secplan.item.incomplete"), 1);
	b = J("{\"items\":[{\"measure_id\":1,\"due\":\"2027-01-31\",\"responsible\":\"A\"},{"
	      "\"measure_id\":2,\"due\":\"2027-01-31\",\"responsible\":\"B\"}]}");
	assert_int_equal(secplan_update(g_fx.model, &ssc, p3, b, &err), SK_OK);
	json_decref(b);
	assert_int_equal(findings("secplan.item.incomplete"), 0);
	assert_int_equal(findings("secplan.unapproved"), 1);
	assert_int_equal(secplan_approve(g_fx.model, &ssc, p3, &err), SK_OK);
	assert_int_equal(findings("secplan.unapproved"), 0);
	/* an assessment in draft, incomplete */
	b = J("{\"title\":\"Överlåtelse\",\"procedure_kind\":\"transfer\",\"procedure_ref\":"
	      "\"x\"}");
	assert_int_equal(assessment_create(g_fx.model, &ssc, b, &as2, &err), SK_OK);
	json_decref(b);
	assert_int_equal(findings("assessment.incomplete"), 1);
	assert_int_equal(findings("assessment.unapproved"), 1);
	/* the review: two years and a day later, the approved versions are overdue */
	sk_clock_set_offset((int64_t)(2 * 366 + 1) * 86400 * INT64_C(1000000));
	assert_int_equal(findings("analysis.review.overdue"), 2);
	sk_clock_set_offset(0);
	assert_int_equal(findings("analysis.review.overdue"), 0);
}

/* ---- deadlines ---- */

static void test_deadlines(void **state)
{
	json_t *d = analysis_deadlines(g_fx.model, NULL), *x;
	size_t i, reviews = 0, items = 0;

	(void)state;
	assert_non_null(d);
	json_array_foreach(json_object_get(d, "deadlines"), i, x)
	{
		const char *k = json_string_value(json_object_get(x, "kind"));

		reviews += strcmp(k, "analysis.review") == 0;
		items += strcmp(k, "secplan.item") == 0;
	}
	assert_int_equal(reviews, 2);
	assert_int_equal(items, 4);
	json_decref(d);
}

/* ---- the new version approved supersedes the old; replay ---- */

static void test_supersede_and_replay(void **state)
{
	struct model_err err = {0};
	struct store_verify_opts o = {.replay = true};
	struct store_verify_result res;

	(void)state;
	assert_int_equal(analysis_approve(g_fx.model, &chief, g_a2, &err), SK_OK);
	assert_string_equal(state_of(g_a1), "superseded");
	assert_string_equal(state_of(g_a2), "approved");
	assert_int_equal(analysis_update(g_fx.model, &ssc, g_a1, NULL, &err), SK_ERULE);
	assert_int_equal(store_verify(g_fx.dir, &o, &res), SK_OK);
	assert_true(res.entries > 20);
}

/* Without an ssc the head approves the plan (2 kap. 20 §); replay again. */
static void test_chief_without_ssc(void **state)
{
	struct model_err err = {0};
	struct store_verify_opts o = {.replay = true};
	struct store_verify_result res;
	json_t *b, *p;
	int64_t plan;

	(void)state;
	assert_int_equal(secplan_create(g_fx.model, &chief, g_a2, NULL, &plan, &err), SK_OK);
	b = J("{\"items\":[{\"measure_id\":1,\"due\":\"2027-02-01\",\"responsible\":\"A\"},{"
	      "\"measure_id\":2,\"due\":\"2027-02-01\",\"responsible\":\"B\"}]}");
	assert_int_equal(secplan_update(g_fx.model, &chief, plan, b, &err), SK_OK);
	json_decref(b);
	assert_int_equal(secplan_approve(g_fx.model, &chief, plan, &err),
	                 SK_ERULE); /* an ssc exists */
	assert_int_equal(model_grant_revoke(g_fx.model, &chief, g_ssc_grant, "slutat", &err),
	                 SK_OK);
	assert_int_equal(secplan_approve(g_fx.model, &ssc, plan, &err),
	                 SK_EPERM); /* no longer ssc */
	assert_int_equal(secplan_approve(g_fx.model, &chief, plan, &err), SK_OK);
	p = secplan_get(g_fx.model, NULL, plan);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(p, "plan"), "approved_by")),
	        chief.id);
	json_decref(p);
	assert_int_equal(store_verify(g_fx.dir, &o, &res), SK_OK);
}

/* More bad input: assessments, plans, hand-over; a service token's id in the entry. */
static void test_more_bad_input_and_token(void **state)
{
	struct model_err err = {0};
	struct principal tok = chief;
	struct store_reader *r = model_reader(g_fx.model);
	struct store_q *q;
	json_t *b, *rep = NULL;
	int64_t id;

	(void)state;
	b = J("{\"procedure_kind\":\"outsourcing\",\"procedure_ref\":\"x\"}");
	assert_int_equal(assessment_create(g_fx.model, &chief, b, &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "title");
	json_decref(b);
	b = J("{\"title\":\"t\",\"procedure_kind\":\"outsourcing\",\"procedure_ref\":\"x\","
	      "\"threats\":[{\"description\":\"\"}]}");
	assert_int_equal(assessment_create(g_fx.model, &chief, b, &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "threats[0].description");
	json_decref(b);
	b = J("{\"title\":\"t\",\"procedure_kind\":\"outsourcing\",\"procedure_ref\":\"x\","
	      "\"measures\":[{\"description\":\"m\",\"cost\":1}]}");
	assert_int_equal(assessment_create(g_fx.model, &chief, b, &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "measures[0].cost");
	json_decref(b);
	assert_int_equal(secplan_create(g_fx.model, &chief, g_a2, "", &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "title");
	assert_int_equal(analysis_export(g_fx.model, &chief, g_a2, "Säpo", "a\001b", &rep, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(assessment_approve(g_fx.model, &chief, 999, &err), SK_ENOTFOUND);
	assert_int_equal(secplan_approve(g_fx.model, &chief, 999, &err), SK_ENOTFOUND);
	/* a service token acts with its own roles, and its id is in the entry */
	tok.token_id = 77;
	tok.roles = ROLE_BIT(ROLE_CHIEF);
	b = J("{\"title\":\"Med token\"}");
	assert_int_equal(analysis_create(g_fx.model, &tok, b, &id, &err), SK_OK);
	json_decref(b);
	assert_int_equal(
	        store_reader_query(r,
	                           "SELECT json_extract(entry, '$.data.token_id') FROM ledger "
	                           "WHERE kind = 'analysis.created' ORDER BY seq DESC LIMIT 1",
	                           &q),
	        SK_OK);
	assert_int_equal(store_q_step(q), SK_OK);
	assert_int_equal(store_q_int(q, 0), 77);
	store_q_done(q);
	tok.roles = ROLE_BIT(ROLE_AUDITOR);
	assert_int_equal(analysis_approve(g_fx.model, &tok, id, &err), SK_EPERM);
}

/* ---- issue 15: sent to the head, sent back, approved; the class and need-to-know ---- */

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The last entry of kind, as JSON. */
static json_t *last_of_kind(const char *kind)
{
	struct store_reader *r = model_reader(g_fx.model);
	struct store_q *q;
	json_t *e = NULL;

	assert_int_equal(store_reader_query(r,
	                                    "SELECT entry FROM ledger WHERE kind = ?1 ORDER BY seq "
	                                    "DESC LIMIT 1",
	                                    &q),
	                 SK_OK);
	store_q_bind_text(q, 1, kind);
	if (store_q_step(q) == SK_OK)
		e = json_loads(store_q_text(q, 0), 0, NULL);
	store_q_done(q);
	assert_non_null(e);
	return e;
}

/* The ssc of these tests (the first one's grant was revoked by test_chief_without_ssc). */
static struct principal ssc2;

static void test_submit_and_return(void **state)
{
	struct model_err err = {0};
	json_t *b = J(full_body), *g, *a, *e;
	int64_t id = 0, bare = 0;

	(void)state;
	regfx_identity(g_fx.model, &ssc2, "ssc2", ROLE_SSC, CLEAR_KH, NULL, NULL);
	assert_int_equal(analysis_create(g_fx.model, &ssc2, b, &id, &err), SK_OK);
	json_decref(b);
	/* nothing to send back before it was sent; only the ssc sends */
	assert_int_equal(analysis_return(g_fx.model, &chief, id, "Mer om hot", &err), SK_ERULE);
	assert_string_equal(err.reason, "analysis.not_submitted");
	assert_int_equal(analysis_submit(g_fx.model, &chief, id, &err), SK_EPERM);
	assert_int_equal(analysis_submit(g_fx.model, &aud, id, &err), SK_EPERM);
	assert_int_equal(analysis_submit(g_fx.model, &ssc2, 999, &err), SK_ENOTFOUND);
	/* an incomplete draft is not sent: the head could not approve it */
	b = J("{\"title\":\"Bara en titel\"}");
	assert_int_equal(analysis_create(g_fx.model, &ssc2, b, &bare, &err), SK_OK);
	json_decref(b);
	assert_int_equal(analysis_submit(g_fx.model, &ssc2, bare, &err), SK_ERULE);
	assert_string_equal(err.reason, "analysis.incomplete");
	/* json_is_null evaluates its argument twice: the call goes first */
	g = get_analysis(bare);
	assert_true(json_is_null(json_object_get(json_object_get(g, "analysis"), "submitted_at")));
	json_decref(g);

	/* sent: who and when, in the ledger and on the version */
	assert_int_equal(analysis_submit(g_fx.model, &ssc2, id, &err), SK_OK);
	g = get_analysis(id);
	a = json_object_get(g, "analysis");
	assert_non_null(str_of(a, "submitted_at"));
	assert_string_equal(str_of(a, "submitted_by_name"), "ssc2");
	assert_string_equal(str_of(a, "state"), "draft");
	json_decref(g);
	e = last_of_kind("analysis.submitted");
	assert_int_equal(json_integer_value(json_object_get(e, "actor")), ssc2.id);
	{
		char obj[48];

		snprintf(obj, sizeof(obj), "analysis/%lld", (long long)id);
		assert_string_equal(str_of(e, "object"), obj);
	}
	json_decref(e);
	/* twice is refused; a sent draft is frozen */
	assert_int_equal(analysis_submit(g_fx.model, &ssc2, id, &err), SK_ERULE);
	assert_string_equal(err.reason, "analysis.submitted");
	b = J("{\"description\":\"Ändrad i smyg\"}");
	assert_int_equal(analysis_update(g_fx.model, &ssc2, id, b, &err), SK_ERULE);
	assert_string_equal(err.reason, "analysis.submitted");
	json_decref(b);

	/* sent back: the head only, with a reason that is not blank */
	assert_int_equal(analysis_return(g_fx.model, &ssc2, id, "Nej", &err), SK_EPERM);
	assert_int_equal(analysis_return(g_fx.model, &chief, id, "", &err), SK_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(analysis_return(g_fx.model, &chief, id, "  \t ", &err), SK_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(analysis_return(g_fx.model, &chief, id, NULL, &err), SK_EINVAL);
	assert_int_equal(
	        analysis_return(g_fx.model, &chief, id, "Beskriv hoten mot serverhallen", &err),
	        SK_OK);
	g = get_analysis(id);
	a = json_object_get(g, "analysis");
	assert_true(json_is_null(json_object_get(a, "submitted_at")));
	assert_string_equal(str_of(a, "return_reason"), "Beskriv hoten mot serverhallen");
	assert_string_equal(str_of(a, "returned_by_name"), "chef");
	assert_string_equal(str_of(a, "state"), "draft");
	json_decref(g);
	/* a draft again: changed, sent again, approved; the approval says it was sent */
	b = J("{\"description\":\"Myndigheten driver ledningssystem och en serverhall\"}");
	assert_int_equal(analysis_update(g_fx.model, &ssc2, id, b, &err), SK_OK);
	json_decref(b);
	assert_int_equal(analysis_submit(g_fx.model, &ssc2, id, &err), SK_OK);
	assert_int_equal(analysis_approve(g_fx.model, &chief, id, &err), SK_OK);
	e = last_of_kind("analysis.approved");
	assert_true(json_is_true(json_object_get(json_object_get(e, "data"), "submitted")));
	json_decref(e);
	assert_string_equal(state_of(id), "approved");
	/* approved is not sent back */
	assert_int_equal(analysis_return(g_fx.model, &chief, id, "För sent", &err), SK_ERULE);
	assert_int_equal(analysis_submit(g_fx.model, &ssc2, id, &err), SK_ERULE);
}

static void test_class_need_to_know(void **state)
{
	struct principal aud_h, ssc_h;
	struct model_err err = {0};
	struct rules_filter f = {.min_severity = -1, .clearance = CLEAR_H};
	json_t *b, *g, *a, *list, *x, *entries, *res;
	int64_t kh = 0, open_one = 0, plan = 0, draft = 0;
	char body[4096], today[11];
	bool hidden[3];
	size_t i;
	int seen_kh = 0;

	(void)state;
	regfx_identity(g_fx.model, &aud_h, "granskare-h", ROLE_AUDITOR, CLEAR_H, NULL, NULL);
	regfx_identity(g_fx.model, &ssc_h, "ssc-h", ROLE_SSC, CLEAR_H, NULL, NULL);
	/* bad classes; a class above one's own clearance (one could not read it afterwards) */
	b = J("{\"title\":\"x\",\"class\":\"Q\"}");
	assert_int_equal(analysis_create(g_fx.model, &ssc2, b, &kh, &err), SK_EINVAL);
	assert_string_equal(err.field, "class");
	json_decref(b);
	b = J("{\"title\":\"x\",\"class\":3}");
	assert_int_equal(analysis_create(g_fx.model, &ssc2, b, &kh, &err), SK_EINVAL);
	assert_string_equal(err.field, "class");
	json_decref(b);
	b = J("{\"title\":\"x\",\"class\":\"KH\"}");
	assert_int_equal(analysis_create(g_fx.model, &ssc_h, b, &kh, &err), SK_EINVAL);
	assert_string_equal(err.reason, "analysis.class_above_clearance");
	json_decref(b);

	/* a KH analysis, complete, approved; an unclassified one beside it */
	snprintf(body, sizeof(body), "%.*s,\"class\":\"KH\"}", (int)strlen(full_body) - 1,
	         full_body);
	b = J(body);
	assert_int_equal(analysis_create(g_fx.model, &ssc2, b, &kh, &err), SK_OK);
	json_decref(b);
	b = J("{\"title\":\"Öppen analys\",\"class\":\"\"}");
	assert_int_equal(analysis_create(g_fx.model, &ssc2, b, &open_one, &err), SK_OK);
	json_decref(b);
	assert_int_equal(analysis_submit(g_fx.model, &ssc2, kh, &err), SK_OK);
	assert_int_equal(analysis_approve(g_fx.model, &chief, kh, &err), SK_OK);
	assert_int_equal(secplan_create(g_fx.model, &ssc2, kh, NULL, &plan, &err), SK_OK);

	/* the cleared see it whole */
	g = analysis_get(g_fx.model, &aud, kh);
	a = json_object_get(g, "analysis");
	assert_string_equal(str_of(a, "class"), "KH");
	assert_string_equal(str_of(a, "title"), "Säkerhetsskyddsanalys 2026");
	assert_non_null(json_object_get(a, "content"));
	json_decref(g);
	/* one by one, to the uncleared: what it is, never its title or content */
	g = analysis_get(g_fx.model, &aud_h, kh);
	a = json_object_get(g, "analysis");
	assert_true(json_is_true(json_object_get(a, "hidden")));
	assert_string_equal(str_of(a, "class"), "KH");
	assert_null(json_object_get(a, "title"));
	assert_null(json_object_get(a, "content"));
	json_decref(g);
	g = analysis_get(g_fx.model, &aud_h, open_one);
	assert_string_equal(str_of(json_object_get(g, "analysis"), "title"), "Öppen analys");
	json_decref(g);
	/* the list */
	list = analysis_list(g_fx.model, &aud_h);
	json_array_foreach(json_object_get(list, "analyses"), i, x)
	{
		if (json_integer_value(json_object_get(x, "id")) == kh) {
			seen_kh++;
			assert_true(json_is_true(json_object_get(x, "hidden")));
			assert_null(json_object_get(x, "title"));
		} else if (json_integer_value(json_object_get(x, "id")) == open_one) {
			assert_null(json_object_get(x, "hidden"));
		}
	}
	assert_int_equal(seen_kh, 1);
	json_decref(list);
	/* the report, and changes, by the uncleared */
	assert_int_equal(analysis_report(g_fx.model, &aud_h, kh, &res, &err), SK_EPERM);
	assert_string_equal(err.reason, "analysis.need_to_know");
	assert_int_equal(analysis_report(g_fx.model, &aud, kh, &res, &err), SK_OK);
	json_decref(res);
	assert_int_equal(analysis_revise(g_fx.model, &ssc_h, kh, &draft, &err), SK_EPERM);
	assert_int_equal(secplan_create(g_fx.model, &ssc_h, kh, NULL, &draft, &err), SK_EPERM);
	/* its plan */
	g = secplan_get(g_fx.model, &aud_h, plan);
	assert_true(json_is_true(json_object_get(json_object_get(g, "plan"), "hidden")));
	assert_null(json_object_get(json_object_get(g, "plan"), "items"));
	assert_null(json_object_get(json_object_get(g, "plan"), "title"));
	json_decref(g);
	g = secplan_get(g_fx.model, &aud, plan);
	assert_non_null(json_object_get(json_object_get(g, "plan"), "items"));
	json_decref(g);
	b = J("{\"title\":\"Ny titel\"}");
	assert_int_equal(secplan_update(g_fx.model, &ssc_h, plan, b, &err), SK_EPERM);
	json_decref(b);
	/* Kommande (the review deadline) */
	g = analysis_deadlines(g_fx.model, &aud_h);
	json_array_foreach(json_object_get(g, "deadlines"), i, x)
	{
		if (json_integer_value(json_object_get(x, "analysis_id")) == kh) {
			assert_true(json_is_true(json_object_get(x, "hidden")));
			assert_null(json_object_get(x, "title"));
		}
	}
	json_decref(g);

	/* Kommande on Översikt (the rules' deadlines): the review two years on, hidden likewise */
	model_today(today);
	for (int who = 0; who < 2; who++) {
		struct store_reader *rd = model_reader(g_fx.model);
		json_t *dl = rules_deadlines(rd, today, 800, 0, who ? &aud : &aud_h);
		int n = 0;

		json_array_foreach(dl, i, x)
		{
			const json_t *o = json_object_get(x, "object");

			if (strcmp(str_of(x, "kind"), "analysis_review") != 0 ||
			    json_integer_value(json_object_get(o, "id")) != kh)
				continue;
			n++;
			if (who) {
				assert_null(json_object_get(o, "hidden"));
				assert_non_null(
				        strstr(str_of(o, "label"), "Säkerhetsskyddsanalys 2026"));
			} else {
				assert_true(json_is_true(json_object_get(o, "hidden")));
				assert_null(json_object_get(o, "label"));
			}
		}
		assert_int_equal(n, 1);
		json_decref(dl);
	}

	/* the Säkerhetslogg: entries about it, and about its plan, redacted to the uncleared */
	snprintf(body, sizeof(body),
	         "[{\"object\":\"analysis/%lld\",\"data\":{\"title\":\"t\"}},"
	         "{\"object\":\"secplan/%lld\",\"data\":{\"title\":\"t\"}},"
	         "{\"object\":\"analysis/%lld\",\"data\":{\"title\":\"Öppen analys\"}}]",
	         (long long)kh, (long long)plan, (long long)open_one);
	entries = J(body);
	assert_int_equal(ledger_view_redact(model_reader(g_fx.model), &aud_h, entries, hidden),
	                 SK_OK);
	assert_true(hidden[0]);
	assert_true(hidden[1]);
	assert_false(hidden[2]);
	assert_null(json_object_get(json_array_get(entries, 0), "data"));
	json_decref(entries);
	entries = J(body);
	assert_int_equal(ledger_view_redact(model_reader(g_fx.model), &aud, entries, hidden),
	                 SK_OK);
	assert_false(hidden[0]);
	assert_false(hidden[1]);
	json_decref(entries);

	/* findings: a KH draft with only a title has findings; the uncleared see no label */
	b = J("{\"title\":\"Hemlig ofullständig\",\"class\":\"KH\"}");
	assert_int_equal(analysis_create(g_fx.model, &ssc2, b, &draft, &err), SK_OK);
	json_decref(b);
	f.viewer = &aud_h;
	res = rules_evaluate(model_reader(g_fx.model), today, &f);
	seen_kh = 0;
	json_array_foreach(json_object_get(res, "findings"), i, x)
	{
		const json_t *o = json_object_get(x, "object");

		if (strcmp(str_of(o, "type"), "analysis") == 0 &&
		    json_integer_value(json_object_get(o, "id")) == draft) {
			seen_kh++;
			assert_true(json_is_true(json_object_get(o, "hidden")));
			{
				char *dump = json_dumps(x, 0);

				assert_null(strstr(dump, "Hemlig ofullständig"));
				free(dump);
			}
		}
	}
	assert_true(seen_kh > 0);
	json_decref(res);
	f.viewer = &aud;
	f.clearance = CLEAR_KH;
	res = rules_evaluate(model_reader(g_fx.model), today, &f);
	seen_kh = 0;
	json_array_foreach(json_object_get(res, "findings"), i, x)
	{
		const json_t *o = json_object_get(x, "object");

		if (strcmp(str_of(o, "type"), "analysis") == 0 &&
		    json_integer_value(json_object_get(o, "id")) == draft) {
			seen_kh++;
			assert_null(json_object_get(o, "hidden"));
		}
	}
	assert_true(seen_kh > 0);
	json_decref(res);

	/* the class changes on a draft, recorded in the entry; replay agrees */
	b = J("{\"class\":\"H\"}");
	assert_int_equal(analysis_update(g_fx.model, &ssc2, draft, b, &err), SK_OK);
	json_decref(b);
	g = analysis_get(g_fx.model, &aud_h, draft);
	assert_string_equal(str_of(json_object_get(g, "analysis"), "title"), "Hemlig ofullständig");
	json_decref(g);
	{
		struct store_verify_opts o = {.replay = true};
		struct store_verify_result vr;

		assert_int_equal(store_verify(g_fx.dir, &o, &vr), SK_OK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_approval),
	        cmocka_unit_test(test_revise),
	        cmocka_unit_test(test_report_export),
	        cmocka_unit_test(test_secplan),
	        cmocka_unit_test(test_assessment),
	        cmocka_unit_test(test_rules_2kap),
	        cmocka_unit_test(test_deadlines),
	        cmocka_unit_test(test_supersede_and_replay),
	        cmocka_unit_test(test_chief_without_ssc),
	        cmocka_unit_test(test_more_bad_input_and_token),
	        cmocka_unit_test(test_submit_and_return),
	        cmocka_unit_test(test_class_need_to_know),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
