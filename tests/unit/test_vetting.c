/*
 * Vetting (säkerhetsprövning, 6 kap. 4–5 §§): the interview's and the
 * follow-up's notes are sealed before they reach the entry — the ledger and
 * the table hold only ciphertext — and open for the personnel-security
 * function; after the person is culled they read as culled and nothing new
 * is sealed for them. Nobody vets the person of their own login; the others
 * read nothing of the register, get nothing on the person's page and no
 * finding of its rules (rules_readers).
 */
#include "testutil.h"

#include "cli/demo_vetting.h"
#include "model/pdata.h"
#include "model/vetting.h"
#include "regfixture.h"

static struct reg_fixture g_fx;
static struct principal ssc, pers, chief;
static int64_t p_vera, p_pers, v1;

#define PLAIN  "Intervjuanteckning-PLAIN-42"
#define FPLAIN "Uppfoljning-PLAIN-43"

static int run(const struct principal *p, const char *reg, const char *cmd, json_t *in, int64_t *id,
               struct model_err *err)
{
	int rc;

	memset(err, 0, sizeof(*err));
	rc = reg_run(g_fx.model, p, reg, cmd, in, id, err);
	json_decref(in);
	return rc;
}

static int group_setup(void **state)
{
	char until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-vetting-XXXXXX", REGFX_FAST_PW | REGFX_READER, NULL);
	regfx_today_plus(180, until);
	regfx_identity(g_fx.model, &ssc, "ssc", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &pers, "pers", ROLE_PERSONNEL, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &chief, "chief", ROLE_CHIEF, CLEAR_KH, NULL, until);
	p_vera = regfx_person(g_fx.model, &ssc, "Vera Vettad", "Enheten", 0);
	p_pers = regfx_person(g_fx.model, &ssc, "Persa Personal", "Enheten", pers.id);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* The ledger entries of kind, concatenated, into out. */
static void entries_of(const char *kind, char *out, size_t cap)
{
	struct store_q *q;
	size_t n = 0;

	out[0] = '\0';
	assert_int_equal(
	        store_reader_query(g_fx.rd, "SELECT entry FROM ledger WHERE kind = ?1", &q), SK_OK);
	store_q_bind_text(q, 1, kind);
	while (store_q_step(q) == SK_OK && n < cap)
		n += (size_t)snprintf(out + n, cap - n, "%s\n", store_q_text(q, 0));
	store_q_done(q);
}

static void test_notes_sealed(void **state)
{
	struct model_err err;
	char buf[16384], today[11];
	json_t *o, *page;

	(void)state;
	model_today(today);
	assert_int_equal(
	        run(&pers, "vettings", "start", json_pack("{s:I}", "person_id", p_vera), &v1, &err),
	        SK_OK);
	assert_int_equal(run(&pers, "vettings", "interview",
	                     json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:s}", "interview_on", today,
	                               "interviewer", "Persa", "loyalty", 1, "reliability", 1,
	                               "vulnerability", 1, "interview_concluded", 1,
	                               "interview_notes", PLAIN),
	                     &v1, &err),
	                 SK_OK);
	/* the entry and the table hold ciphertext only */
	entries_of("vetting.interviewed", buf, sizeof(buf));
	assert_non_null(strstr(buf, "pd1:"));
	assert_null(strstr(buf, PLAIN));
	regfx_sql_text(&g_fx, "SELECT interview_notes FROM vetting WHERE id = ?1", v1, buf,
	               sizeof(buf));
	assert_int_equal(strncmp(buf, PDATA_PREFIX, strlen(PDATA_PREFIX)), 0);
	assert_null(strstr(buf, PLAIN));
	/* the personnel-security function reads it opened */
	o = reg_get(g_fx.model, &pers, reg_find("vettings"), v1);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "interview_notes")), PLAIN);
	assert_true(json_is_false(json_object_get(o, "culled")));
	json_decref(o);
	/* the list leaves the sealed columns out */
	o = reg_list(g_fx.model, &pers, reg_find("vettings"), NULL);
	assert_int_equal(json_array_size(o), 1);
	assert_null(json_object_get(json_array_get(o, 0), "interview_notes"));
	json_decref(o);
	/* the head reads nothing of it, and nothing on the person's page */
	assert_null(reg_get(g_fx.model, &chief, reg_find("vettings"), v1));
	o = reg_list(g_fx.model, &chief, reg_find("vettings"), NULL);
	assert_int_equal(json_array_size(o), 0);
	json_decref(o);
	page = json_object();
	vetting_person_detail(g_fx.model, &chief, p_vera, page);
	assert_null(json_object_get(page, "vetting"));
	vetting_person_detail(g_fx.model, &pers, p_vera, page);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(page, "vetting"), "state")),
	        "open");
	assert_true(json_is_true(json_object_get(json_object_get(page, "vetting"), "interviewed")));
	json_decref(page);
}

static void test_decide_with_clearance(void **state)
{
	struct model_err err;
	char buf[64];
	uint64_t before;

	(void)state;
	/* a clearance on a not approved vetting: refused, nothing written */
	before = regfx_ledger_size(&g_fx);
	assert_int_equal(
	        run(&pers, "vettings", "decide",
	            json_pack("{s:s, s:s}", "decision", "not_approved", "clearance_class", "H"),
	            &v1, &err),
	        SK_EINVAL);
	assert_string_equal(err.reason, "vetting.clearance_not_approved");
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	assert_int_equal(run(&pers, "vettings", "decide",
	                     json_pack("{s:s, s:s, s:s}", "decision", "approved", "clearance_class",
	                               "H", "decision_ref", "SP-1"),
	                     &v1, &err),
	                 SK_OK);
	regfx_sql_text(&g_fx,
	               "SELECT class || basis FROM clearance WHERE vetting_id = ?1 AND state = "
	               "'active'",
	               v1, buf, sizeof(buf));
	assert_string_equal(buf, "Hvetting");
	assert_int_equal(run(&pers, "vettings", "followup",
	                     json_pack("{s:s, s:s, s:s}", "held_on", "2026-12-01", "held_by",
	                               "Persa", "followup_notes", FPLAIN),
	                     &v1, &err),
	                 SK_EINVAL); /* before the vetting started (today) */
	assert_string_equal(err.reason, "vetting.before_start");
}

static void test_self_refused(void **state)
{
	struct model_err err;
	uint64_t before = regfx_ledger_size(&g_fx);
	int64_t id = 0;

	(void)state;
	assert_int_equal(
	        run(&pers, "vettings", "start", json_pack("{s:I}", "person_id", p_pers), &id, &err),
	        SK_EPERM);
	assert_string_equal(err.reason, "vetting.self");
	assert_int_equal(run(&chief, "vettings", "start", json_pack("{s:I}", "person_id", p_vera),
	                     &id, &err),
	                 SK_EPERM);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
}

/* A finding of a vetting rule: to the ssc, never to the head (not even hidden). */
static void test_findings_readers(void **state)
{
	struct model_err err;
	int64_t v2 = 0;
	char today[11];
	struct rules_filter f = {.min_severity = -1, .clearance = CLEAR_KH};
	json_t *res, *x;
	size_t i, n;

	(void)state;
	model_today(today);
	assert_int_equal(
	        run(&ssc, "vettings", "start", json_pack("{s:I}", "person_id", p_vera), &v2, &err),
	        SK_OK);
	assert_int_equal(run(&ssc, "vettings", "decide", json_pack("{s:s}", "decision", "approved"),
	                     &v2, &err),
	                 SK_OK);
	f.rule = "vetting.interview.missing";
	for (int who = 0; who < 3; who++) {
		f.viewer = who == 0 ? NULL : who == 1 ? &ssc : &chief;
		res = rules_evaluate(g_fx.rd, today, &f);
		n = 0;
		json_array_foreach(json_object_get(res, "findings"), i, x) n++;
		assert_int_equal(n, who == 2 ? 0 : 1);
		json_decref(res);
	}
}

static void test_culled(void **state)
{
	struct model_err err;
	char buf[16384], today[11];
	uint64_t before;
	json_t *o;

	(void)state;
	model_today(today);
	assert_int_equal(run(&pers, "vettings", "followup",
	                     json_pack("{s:s, s:s, s:s}", "held_on", today, "held_by", "Persa",
	                               "followup_notes", FPLAIN),
	                     &v1, &err),
	                 SK_OK);
	entries_of("vetting.followed_up", buf, sizeof(buf));
	assert_null(strstr(buf, FPLAIN));
	o = reg_get(g_fx.model, &pers, reg_find("vettings"), v1);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(json_object_get(o, "followups"), 0), "notes")),
	                    FPLAIN);
	json_decref(o);
	assert_int_equal(
	        run(&ssc, "persons", "cull", json_pack("{s:s}", "cull_ref", "G-1"), &p_vera, &err),
	        SK_OK);
	o = reg_get(g_fx.model, &pers, reg_find("vettings"), v1);
	assert_non_null(o);
	assert_true(json_is_true(json_object_get(o, "culled")));
	assert_true(json_is_null(json_object_get(o, "interview_notes")));
	assert_true(json_is_null(
	        json_object_get(json_array_get(json_object_get(o, "followups"), 0), "notes")));
	json_decref(o);
	/* nothing new is sealed for them */
	before = regfx_ledger_size(&g_fx);
	assert_int_equal(run(&pers, "vettings", "followup",
	                     json_pack("{s:s, s:s, s:s}", "held_on", today, "held_by", "Persa",
	                               "followup_notes", "ny"),
	                     &v1, &err),
	                 SK_ERULE);
	assert_string_equal(err.reason, "personnel.culled");
	assert_int_equal(regfx_ledger_size(&g_fx), before);
}

/* The demo's part: everything recorded, and one finding left (a renewal due), for the ssc. */
static void test_demo(void **state)
{
	int64_t a = regfx_person(g_fx.model, &ssc, "Bertil Sjöberg", "Registraturen", 0),
	        b = regfx_person(g_fx.model, &ssc, "Eva Nilsson", "Analys", 0);
	struct rules_filter f = {.min_severity = -1, .clearance = CLEAR_KH, .viewer = &ssc};
	char today[11], buf[64];
	FILE *out = fopen("/dev/null", "w");
	json_t *res, *x;
	size_t i, renew = 0, other = 0;

	(void)state;
	assert_non_null(out);
	assert_int_equal(demo_vetting(g_fx.model, &pers, a, b, out), SK_OK);
	fclose(out);
	regfx_sql_text(&g_fx, "SELECT class || basis FROM clearance WHERE person_id = ?1", a, buf,
	               sizeof(buf));
	assert_string_equal(buf, "Hvetting");
	model_today(today);
	res = rules_evaluate(g_fx.rd, today, &f);
	json_array_foreach(json_object_get(res, "findings"), i, x)
	{
		const char *rule = json_string_value(json_object_get(x, "rule"));

		if (strcmp(rule, "regcheck.renewal.missing") == 0)
			renew++;
		else if (strncmp(rule, "regcheck.", 9) == 0)
			other++;
	}
	json_decref(res);
	assert_int_equal(renew, 1);
	assert_int_equal(other, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_notes_sealed), cmocka_unit_test(test_decide_with_clearance),
	        cmocka_unit_test(test_self_refused), cmocka_unit_test(test_findings_readers),
	        cmocka_unit_test(test_culled),       cmocka_unit_test(test_demo),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
