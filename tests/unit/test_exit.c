/*
 * Exit talks (6 kap. 6 § PMFS 2022:1, src/model/reg_exit_talks.c) in the
 * model: a talk held (reminded of the duty of confidentiality, held by
 * whoever records it unless named) or obviously unnecessary (the reason);
 * one per ending; nobody records their own; every refusal changes nothing;
 * and what a person's page gets from exit_person_detail, by reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/exit_talks.h"
#include "model/register.h"
#include "regfixture.h"

static struct reg_fixture g_fx;
static struct principal ssc, reg, aud, pers;
static int64_t p_lena, p_kim, p_pers;

static int group_setup(void **state)
{
	char today[11], until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-exit-XXXXXX", REGFX_READER | REGFX_CLEAR, NULL);
	model_today(today);
	model_plus_year(today, until);
	regfx_identity(g_fx.model, &ssc, "ssc.e", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg, "reg.e", ROLE_REGISTRAR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &aud, "aud.e", ROLE_AUDITOR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &pers, "pers.e", ROLE_PERSONNEL, CLEAR_H, NULL, until);
	p_lena = regfx_person(g_fx.model, &reg, "Lena Lämnar", "Drift", 0);
	p_kim = regfx_person(g_fx.model, &reg, "Kim Kort", "Drift", 0);
	p_pers = regfx_person(g_fx.model, &reg, "Pia Personal", "Personal", pers.id);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* The first column of the first row of sql followed by id (regfx_sql_int). */
static int64_t sql_int(const char *sql_to_id, int64_t id)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "%s%lld", sql_to_id, (long long)id);
	return regfx_sql_int(&g_fx, sql);
}

/* Records (in is stolen) as p; a refusal leaves the ledger as it was. */
static int record(const struct principal *p, json_t *in, int64_t *id, struct model_err *err)
{
	uint64_t before = regfx_ledger_size(&g_fx);
	int rc;

	memset(err, 0, sizeof(*err));
	*id = 0;
	rc = reg_run(g_fx.model, p, "exit-talks", "record", in, id, err);
	json_decref(in);
	if (rc)
		assert_int_equal(regfx_ledger_size(&g_fx), before);
	return rc;
}

static json_t *held(int64_t person)
{
	return json_pack("{s:I, s:s, s:b}", "person_id", (json_int_t)person, "outcome", "held",
	                 "reminded", 1);
}

/* The person's record as p's page gets it, with exit_person_detail's part. */
static json_t *page(const struct principal *p, int64_t person)
{
	json_t *o = reg_get(g_fx.model, p, reg_find("persons"), person);

	assert_non_null(o);
	json_object_del(o, "exit_talk"); /* the persons' hook may add it already */
	exit_person_detail(g_fx.model, p, person, o);
	return o;
}

static void test_refusals(void **state)
{
	struct model_err err;
	int64_t id;
	json_t *in;

	(void)state;
	/* the registrar may not record */
	assert_int_equal(record(&reg, held(p_lena), &id, &err), SK_EPERM);
	/* without the reminder of the duty of confidentiality */
	in = held(p_lena);
	json_object_set_new(in, "reminded", json_false());
	assert_int_equal(record(&ssc, in, &id, &err), SK_EINVAL);
	assert_string_equal(err.reason, "exit.not_reminded");
	assert_string_equal(err.field, "reminded");
	/* held by the person themself, or named twice */
	in = held(p_lena);
	json_object_set_new(in, "held_by_person_id", json_integer(p_lena));
	assert_int_equal(record(&ssc, in, &id, &err), SK_EINVAL);
	assert_string_equal(err.reason, "exit.held_by_self");
	in = held(p_lena);
	json_object_set_new(in, "held_by_person_id", json_integer(p_kim));
	json_object_set_new(in, "held_by_identity_id", json_integer(ssc.id));
	assert_int_equal(record(&ssc, in, &id, &err), SK_EINVAL);
	assert_string_equal(err.reason, "exit.held_by_both");
	/* unnecessary: a reason, nothing of a talk */
	assert_int_equal(record(&ssc,
	                        json_pack("{s:I, s:s}", "person_id", (json_int_t)p_lena, "outcome",
	                                  "unnecessary"),
	                        &id, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(
	        record(&ssc,
	               json_pack("{s:I, s:s, s:s, s:b}", "person_id", (json_int_t)p_lena, "outcome",
	                         "unnecessary", "reason", "Aldrig del", "reminded", 1),
	               &id, &err),
	        SK_EINVAL);
	assert_string_equal(err.reason, "exit.talk_for_held");
	/* a reason with a talk held */
	in = held(p_lena);
	json_object_set_new(in, "reason", json_string("x"));
	assert_int_equal(record(&ssc, in, &id, &err), SK_EINVAL);
	assert_string_equal(err.reason, "exit.reason_for_unnecessary");
	/* the personnel-security function, about the person of its own login */
	assert_int_equal(record(&pers, held(p_pers), &id, &err), SK_EPERM);
	assert_string_equal(err.reason, "exit.self");
	/* nothing was written */
	assert_int_equal(sql_int("SELECT count(*) FROM exit_talk WHERE id >= ", 1), 0);
}

static void test_record_and_page(void **state)
{
	struct model_err err;
	int64_t id, id2;
	json_t *o, *x, *none = json_object();

	(void)state;
	assert_int_equal(reg_run(g_fx.model, &reg, "persons", "end", none, &p_lena, &err), SK_OK);
	json_decref(none); /* reg_run does not take its arguments */
	/* ended without a talk: due, the ssc may record, the registrar sees nothing */
	o = page(&ssc, p_lena);
	x = json_object_get(o, "exit_talk");
	assert_true(json_is_null(json_object_get(x, "talk")));
	assert_true(json_is_true(json_object_get(x, "due")));
	assert_true(json_is_true(json_object_get(x, "may_record")));
	json_decref(o);
	o = page(&reg, p_lena);
	assert_null(json_object_get(o, "exit_talk"));
	json_decref(o);

	/* the personnel-security function records it: held by its own login by default */
	assert_int_equal(record(&pers, held(p_lena), &id, &err), SK_OK);
	assert_int_equal(sql_int("SELECT held_by_identity_id FROM exit_talk WHERE id = ", id),
	                 pers.id);
	/* one per ending */
	assert_int_equal(record(&ssc, held(p_lena), &id2, &err), SK_EEXIST);
	assert_string_equal(err.reason, "exit.recorded");
	/* the auditor's page: done, not due, nothing to record */
	o = page(&aud, p_lena);
	x = json_object_get(o, "exit_talk");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(x, "talk"), "outcome")), "held");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(x, "talk"), "held_by")),
	        "pers.e");
	assert_true(json_is_true(json_object_get(json_object_get(x, "talk"), "reminded")));
	assert_true(json_is_false(json_object_get(x, "due")));
	assert_true(json_is_false(json_object_get(x, "may_record")));
	json_decref(o);

	/* unnecessary, with its reason; the personnel function's own person: not theirs to record
	 */
	assert_int_equal(
	        record(&ssc,
	               json_pack("{s:I, s:s, s:s}", "person_id", (json_int_t)p_kim, "outcome",
	                         "unnecessary", "reason",
	                         "Hade aldrig del av säkerhetsskyddsklassificerade uppgifter"),
	               &id2, &err),
	        SK_OK);
	assert_int_equal(
	        sql_int("SELECT count(*) FROM exit_talk WHERE held_on IS NULL AND reminded IS NULL "
	                "AND outcome = 'unnecessary' AND id = ",
	                id2),
	        1);
	o = page(&pers, p_pers);
	assert_true(json_is_false(json_object_get(json_object_get(o, "exit_talk"), "may_record")));
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_record_and_page),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
