/*
 * Per-agency work on a plan's yearly report (src/model/plan_agency.c): the
 * coordinator binds an identity holding the role agency to one authority of
 * the seed plan, assigns each agency its part with a deadline before 1 March,
 * the contact proposes changes to its own measures only, sets its status and
 * approves; the coordinator accepts or rejects proposals (never their own) and
 * submits only when every assigned agency has approved. Bad input and every
 * refusal name the field; the ledger replays to the same tables.
 */
#include "testutil.h"
#include "regfixture.h"

#include <sodium.h>

#include <jansson.h>

#include "model/model.h"
#include "model/plan.h"
#include "store/store.h"

static struct reg_fixture g_fx;
static int64_t g_plan, g_prop_msb, g_prop_dual;
static struct principal g_ssc, g_msb, g_fra, g_staff, g_dual, g_outsider;

static int setup(void **state)
{
	struct model_err err = {0};
	char path[512], today[11];
	json_t *doc;
	int64_t gid;

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-planag.XXXXXX", REGFX_CLEAR, NULL);
	snprintf(path, sizeof(path), "%s/data/handlingsplan-2021.json", test_shared_dir());
	doc = json_load_file(path, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(plan_import(g_fx.model, NULL, doc, &g_plan, &err), SK_OK);
	json_decref(doc);
	regfx_identity(g_fx.model, &g_ssc, "samordnare", ROLE_SSC, CLEAR_NONE, NULL, NULL);
	regfx_identity(g_fx.model, &g_msb, "msbkontakt", ROLE_AGENCY, CLEAR_NONE, NULL, NULL);
	regfx_identity(g_fx.model, &g_fra, "frakontakt", ROLE_AGENCY, CLEAR_NONE, NULL, NULL);
	regfx_identity(g_fx.model, &g_outsider, "utanfor", ROLE_AGENCY, CLEAR_NONE, NULL, NULL);
	regfx_identity(g_fx.model, &g_staff, "personal", ROLE_STAFF, CLEAR_NONE, NULL, NULL);
	/* a second coordinator who is also MSB's contact: separation of duties */
	regfx_identity(g_fx.model, &g_dual, "dubbel", ROLE_CHIEF, CLEAR_NONE, NULL, NULL);
	model_today(today);
	struct model_new_grant g = {g_dual.id, ROLE_AGENCY, "TEST-2", today, NULL};
	assert_int_equal(model_grant_create(g_fx.model, 0, &g, &gid, &err), SK_OK);
	g_dual.roles |= ROLE_BIT(ROLE_AGENCY);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

static int64_t id_of(const char *number)
{
	struct model_err err = {0};
	int64_t id = 0;

	assert_int_equal(plan_measure_resolve(g_fx.model, g_plan, number, &id, &err), SK_OK);
	return id;
}

static const char *title_of(const char *number)
{
	static char buf[600];
	json_t *m = plan_measure_get(g_fx.model, id_of(number));

	snprintf(buf, sizeof(buf), "%s",
	         json_string_value(json_object_get(json_object_get(m, "measure"), "title")));
	json_decref(m);
	return buf;
}

#define REFUSED(call, code, fld)                                                                   \
	do {                                                                                       \
		struct model_err e_ = {0};                                                         \
		uint64_t n_ = regfx_ledger_size(&g_fx);                                            \
		assert_int_equal((call), (code));                                                  \
		assert_string_equal(e_.field, (fld));                                              \
		assert_int_equal(regfx_ledger_size(&g_fx), n_);                                    \
	} while (0)
#define ERR (&e_)

static void test_contacts(void **state)
{
	struct model_err err = {0};
	char ag[PLAN_AGENCY_LEN];

	(void)state;
	assert_int_equal(plan_contact_set(g_fx.model, &g_ssc, g_plan, g_msb.id, "MSB", &err),
	                 SK_OK);
	assert_int_equal(plan_contact_set(g_fx.model, &g_ssc, g_plan, g_fra.id, "FRA", &err),
	                 SK_OK);
	assert_int_equal(plan_contact_set(g_fx.model, &g_ssc, g_plan, g_dual.id, "MSB", &err),
	                 SK_OK);
	/* the outsider is bound, then the binding ends: it sees no plan */
	assert_int_equal(plan_contact_set(g_fx.model, &g_ssc, g_plan, g_outsider.id, "PTS", &err),
	                 SK_OK);
	assert_int_equal(plan_contact_set(g_fx.model, &g_ssc, g_plan, g_outsider.id, NULL, &err),
	                 SK_OK);
	/* bad input and refusals: nothing written */
	REFUSED(plan_contact_set(g_fx.model, &g_ssc, g_plan, g_staff.id, "MSB", ERR), SK_EINVAL,
	        "identity_id"); /* no role agency */
	REFUSED(plan_contact_set(g_fx.model, &g_ssc, g_plan, 9999, "MSB", ERR), SK_EINVAL,
	        "identity_id");
	REFUSED(plan_contact_set(g_fx.model, &g_ssc, g_plan, g_fra.id, "Skatteverket", ERR),
	        SK_EINVAL, "agency");
	REFUSED(plan_contact_set(g_fx.model, &g_ssc, g_plan, g_ssc.id, "MSB", ERR), SK_ERULE,
	        "identity_id"); /* nobody decides about themselves */
	REFUSED(plan_contact_set(g_fx.model, &g_msb, g_plan, g_fra.id, "MSB", ERR), SK_EPERM, "");
	REFUSED(plan_contact_set(g_fx.model, &g_ssc, g_plan, g_outsider.id, NULL, ERR),
	        SK_ENOTFOUND, "identity_id");
	REFUSED(plan_contact_set(g_fx.model, &g_ssc, 99, g_fra.id, "FRA", ERR), SK_ENOTFOUND, "id");
	/* need-to-know: scoped to the agency */
	assert_true(plan_scope(g_fx.model, &g_msb, g_plan, ag));
	assert_string_equal(ag, "MSB");
	assert_true(plan_scope(g_fx.model, &g_outsider, g_plan, ag));
	assert_string_equal(ag, "");
	assert_false(plan_scope(g_fx.model, &g_ssc, g_plan, ag));
	assert_false(plan_scope(g_fx.model, &g_dual, g_plan, ag)); /* the head sees it all */
	assert_false(plan_scoped(&g_staff));
}

static void test_assignments(void **state)
{
	struct model_err err = {0};
	json_t *v, *a;

	(void)state;
	assert_int_equal(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "MSB", "2022-02-01", &err),
	                 SK_OK);
	assert_int_equal(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "FRA", "2022-01-15", &err),
	                 SK_OK);
	/* a new deadline keeps the status */
	assert_int_equal(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "MSB", "2022-02-15", &err),
	                 SK_OK);
	/* the deadline: from 1 January of the year, before the report is due (1 March) */
	REFUSED(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "MSB", "2022-03-01", ERR),
	        SK_EINVAL, "deadline");
	REFUSED(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "MSB", "2020-12-31", ERR),
	        SK_EINVAL, "deadline");
	REFUSED(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "MSB", "2022-02-30", ERR),
	        SK_EINVAL, "deadline");
	REFUSED(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "MSB", NULL, ERR), SK_EINVAL,
	        "deadline");
	REFUSED(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "XYZ", "2022-02-01", ERR),
	        SK_EINVAL, "agency");
	REFUSED(plan_assignment_set(g_fx.model, &g_msb, g_plan, "MSB", "2022-02-01", ERR), SK_EPERM,
	        "");
	/* status by the agency's own contact only */
	assert_int_equal(
	        plan_assignment_status(g_fx.model, &g_msb, g_plan, "MSB", "in_progress", &err),
	        SK_OK);
	REFUSED(plan_assignment_status(g_fx.model, &g_msb, g_plan, "FRA", "ready", ERR), SK_EPERM,
	        "agency");
	REFUSED(plan_assignment_status(g_fx.model, &g_fra, g_plan, "FRA", "done", ERR), SK_EINVAL,
	        "status");
	REFUSED(plan_assignment_status(g_fx.model, &g_ssc, g_plan, "MSB", "ready", ERR), SK_EPERM,
	        "");
	REFUSED(plan_assignment_status(g_fx.model, &g_outsider, g_plan, "PTS", "ready", ERR),
	        SK_EPERM, "plan");
	/* not ready: no approval */
	REFUSED(plan_assignment_approve(g_fx.model, &g_msb, g_plan, "MSB", ERR), SK_ERULE,
	        "status");
	v = plan_agencies(g_fx.model, g_plan, NULL);
	assert_int_equal(json_array_size(json_object_get(v, "assignments")), 2);
	a = json_array_get(json_object_get(v, "assignments"), 1);
	assert_string_equal(json_string_value(json_object_get(a, "agency")), "MSB");
	assert_string_equal(json_string_value(json_object_get(a, "deadline")), "2022-02-15");
	assert_string_equal(json_string_value(json_object_get(a, "status")), "in_progress");
	assert_string_equal(json_string_value(json_object_get(v, "due")), "2022-03-01");
	assert_int_equal(json_array_size(json_object_get(v, "contacts")), 3);
	json_decref(v);
	/* an agency's view: its own row only */
	v = plan_agencies(g_fx.model, g_plan, "FRA");
	assert_int_equal(json_array_size(json_object_get(v, "assignments")), 1);
	assert_int_equal(json_array_size(json_object_get(v, "contacts")), 1);
	json_decref(v);
}

static void test_proposals(void **state)
{
	struct model_err err = {0};
	json_t *ch = json_pack("{s:s}", "title", "MSB:s förslag till ny lydelse");
	json_t *bad;

	(void)state;
	/* 1.1.5 is MSB's; 1.1.1 is Säkerhetspolisen's, FRA's and Försvarsmakten's */
	assert_int_equal(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.5"), ch,
	                                   "ny lydelse efter översyn", &g_prop_msb, &err),
	                 SK_OK);
	assert_true(g_prop_msb > 0);
	REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.1"), ch, NULL, NULL, ERR),
	        SK_EPERM, "measure");
	REFUSED(plan_proposal_add(g_fx.model, &g_fra, id_of("1.1.5"), ch, NULL, NULL, ERR),
	        SK_EPERM, "measure");
	REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.8"), ch, NULL, NULL, ERR),
	        SK_ERULE, "measure"); /* completed */
	REFUSED(plan_proposal_add(g_fx.model, &g_ssc, id_of("1.1.5"), ch, NULL, NULL, ERR),
	        SK_EPERM, "");
	REFUSED(plan_proposal_add(g_fx.model, &g_outsider, id_of("1.1.5"), ch, NULL, NULL, ERR),
	        SK_EPERM, "plan");
	bad = json_pack("{s:s}", "status", "completed");
	REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.5"), bad, NULL, NULL, ERR),
	        SK_EINVAL, "changes");
	json_decref(bad);
	bad = json_object();
	REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.5"), bad, NULL, NULL, ERR),
	        SK_EINVAL, "changes");
	json_decref(bad);
	bad = json_pack("{s:s}", "period_text", "snart");
	REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.5"), bad, NULL, NULL, ERR),
	        SK_EINVAL, "period_text");
	json_decref(bad);
	bad = json_pack("{s:[s]}", "responsible", "Skatteverket");
	REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.5"), bad, NULL, NULL, ERR),
	        SK_EINVAL, "responsible[0]");
	json_decref(bad);
	/* the coordinator decides an open proposal before changing the measure directly */
	bad = json_pack("{s:s}", "title", "direkt");
	REFUSED(plan_measure_update(g_fx.model, &g_ssc, id_of("1.1.5"), bad, ERR), SK_ERULE,
	        "measure");
	json_decref(bad);
	/* the dual coordinator proposes for another of MSB's measures */
	json_decref(ch);
	ch = json_pack("{s:s}", "period_text", "2019–2023");
	assert_int_equal(plan_proposal_add(g_fx.model, &g_dual, id_of("1.1.9"), ch, NULL,
	                                   &g_prop_dual, &err),
	                 SK_OK);
	json_decref(ch);
}

static void test_decisions(void **state)
{
	struct model_err err = {0};
	char before[600];
	json_t *h, *v;

	(void)state;
	snprintf(before, sizeof(before), "%s", title_of("1.1.9"));
	/* nobody decides their own proposal */
	REFUSED(plan_proposal_decide(g_fx.model, &g_dual, g_prop_dual, true, NULL, ERR), SK_ERULE,
	        "proposal");
	REFUSED(plan_proposal_decide(g_fx.model, &g_msb, g_prop_msb, true, NULL, ERR), SK_EPERM,
	        "");
	REFUSED(plan_proposal_decide(g_fx.model, &g_ssc, 999, true, NULL, ERR), SK_ENOTFOUND,
	        "proposal");
	/* the other coordinator accepts it: the measure changes, as a recorded update */
	assert_int_equal(plan_proposal_decide(g_fx.model, &g_ssc, g_prop_dual, true, NULL, &err),
	                 SK_OK);
	h = plan_measure_get(g_fx.model, id_of("1.1.9"));
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(h, "measure"), "period_text")),
	        "2019–2023");
	json_decref(h);
	h = plan_measure_history(g_fx.model, id_of("1.1.9"));
	{
		char *text = json_dumps(h, 0);

		assert_non_null(strstr(text, "\"proposal_id\""));
		free(text);
	}
	json_decref(h);
	REFUSED(plan_proposal_decide(g_fx.model, &g_ssc, g_prop_dual, true, NULL, ERR), SK_ERULE,
	        "proposal"); /* accepted already */
	/* a rejection needs a reason */
	REFUSED(plan_proposal_decide(g_fx.model, &g_dual, g_prop_msb, false, "  \n ", ERR),
	        SK_EINVAL, "reason");
	REFUSED(plan_proposal_decide(g_fx.model, &g_dual, g_prop_msb, false, NULL, ERR), SK_EINVAL,
	        "reason");
	/* a proposal to close: 1.1.16 (MSB's) completed in 2021, accepted as a completion */
	{
		int64_t pc = 0;
		json_t *cl =
		        json_pack("{s:{s:s, s:i}}", "close", "status", "completed", "year", 2021);
		json_t *m;

		assert_int_equal(
		        plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.16"), cl, NULL, &pc, &err),
		        SK_OK);
		json_decref(cl);
		assert_int_equal(plan_proposal_decide(g_fx.model, &g_ssc, pc, true, NULL, &err),
		                 SK_OK);
		m = plan_measure_get(g_fx.model, id_of("1.1.16"));
		assert_string_equal(
		        json_string_value(json_object_get(json_object_get(m, "measure"), "status")),
		        "completed");
		json_decref(m);
		/* bad closes: a year after the reporting year, a write-off without a reason, mixed
		 */
		cl = json_pack("{s:{s:s, s:i}}", "close", "status", "completed", "year", 2099);
		REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.14"), cl, NULL, NULL, ERR),
		        SK_EINVAL, "close.year");
		json_decref(cl);
		cl = json_pack("{s:{s:s, s:i, s:s}}", "close", "status", "written_off", "year",
		               2021, "reason", " \n ");
		REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.14"), cl, NULL, NULL, ERR),
		        SK_EINVAL, "close.reason");
		json_decref(cl);
		cl = json_pack("{s:{s:s, s:i}}", "close", "status", "done", "year", 2021);
		REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.14"), cl, NULL, NULL, ERR),
		        SK_EINVAL, "close.status");
		json_decref(cl);
		cl = json_pack("{s:{s:s, s:i}, s:s}", "close", "status", "completed", "year", 2021,
		               "title", "x");
		REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.14"), cl, NULL, NULL, ERR),
		        SK_EINVAL, "changes");
		json_decref(cl);
	}
	/* MSB cannot approve with a proposal open */
	assert_int_equal(plan_assignment_status(g_fx.model, &g_msb, g_plan, "MSB", "ready", &err),
	                 SK_OK);
	REFUSED(plan_assignment_approve(g_fx.model, &g_msb, g_plan, "MSB", ERR), SK_ERULE,
	        "proposals");
	assert_int_equal(plan_proposal_decide(g_fx.model, &g_dual, g_prop_msb, false,
	                                      "Lydelsen ändras i nästa plan", &err),
	                 SK_OK);
	assert_string_not_equal(title_of("1.1.5"), "MSB:s förslag till ny lydelse");
	v = plan_agencies(g_fx.model, g_plan, "MSB");
	{
		size_t i, rejected = 0, accepted = 0;
		json_t *x;

		json_array_foreach(json_object_get(v, "proposals"), i, x)
		{
			const char *st = json_string_value(json_object_get(x, "status"));

			rejected += strcmp(st, "rejected") == 0;
			accepted += strcmp(st, "accepted") == 0;
		}
		assert_int_equal(rejected, 1);
		assert_int_equal(accepted, 2); /* the dual's period and the close of 1.1.16 */
	}
	json_decref(v);
	(void)before;
}

static void test_approval_and_submit(void **state)
{
	struct model_err err = {0};
	json_t *ch = json_pack("{s:s}", "title", "sent förslag");
	char sha[65];

	(void)state;
	assert_int_equal(plan_assignment_approve(g_fx.model, &g_msb, g_plan, "MSB", &err), SK_OK);
	REFUSED(plan_assignment_approve(g_fx.model, &g_msb, g_plan, "MSB", ERR), SK_EEXIST,
	        "agency");
	/* after the approval: no more proposals until the status is set again */
	REFUSED(plan_proposal_add(g_fx.model, &g_msb, id_of("1.1.5"), ch, NULL, NULL, ERR),
	        SK_ERULE, "agency");
	json_decref(ch);
	/* FRA has not approved: the submission names it */
	REFUSED(plan_report_submit(g_fx.model, &g_ssc, g_plan, 2021, sha, ERR), SK_ERULE,
	        "agencies");
	{
		struct model_err e = {0};

		assert_int_equal(plan_report_submit(g_fx.model, &g_ssc, g_plan, 2021, sha, &e),
		                 SK_ERULE);
		assert_non_null(strstr(e.msg, "FRA"));
		assert_null(strstr(e.msg, "MSB"));
	}
	/* a status change withdraws an approval */
	assert_int_equal(plan_assignment_status(g_fx.model, &g_fra, g_plan, "FRA", "ready", &err),
	                 SK_OK);
	assert_int_equal(plan_assignment_approve(g_fx.model, &g_fra, g_plan, "FRA", &err), SK_OK);
	assert_int_equal(plan_assignment_status(g_fx.model, &g_fra, g_plan, "FRA", "ready", &err),
	                 SK_OK);
	REFUSED(plan_report_submit(g_fx.model, &g_ssc, g_plan, 2021, sha, ERR), SK_ERULE,
	        "agencies");
	assert_int_equal(plan_assignment_approve(g_fx.model, &g_fra, g_plan, "FRA", &err), SK_OK);
	assert_int_equal(plan_report_submit(g_fx.model, &g_ssc, g_plan, 2021, sha, &err), SK_OK);
	/* the year is frozen for the agencies too */
	REFUSED(plan_assignment_status(g_fx.model, &g_fra, g_plan, "FRA", "in_progress", ERR),
	        SK_ERULE, "report_year");
	REFUSED(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "FRA", "2022-02-01", ERR), SK_ERULE,
	        "report_year");
	/* the next year starts without assignments */
	assert_int_equal(plan_year_advance(g_fx.model, &g_ssc, g_plan, 2022, &err), SK_OK);
	json_t *v = plan_agencies(g_fx.model, g_plan, NULL);
	assert_int_equal(json_array_size(json_object_get(v, "assignments")), 0);
	assert_string_equal(json_string_value(json_object_get(v, "due")), "2023-03-01");
	json_decref(v);
	REFUSED(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "FRA", "2021-12-31", ERR),
	        SK_EINVAL, "deadline"); /* 2022's part is due from 2022-01-01 to 2023-02-28 */
	assert_int_equal(plan_assignment_set(g_fx.model, &g_ssc, g_plan, "FRA", "2023-02-28", &err),
	                 SK_OK);
}

static void test_replay(void **state)
{
	json_t *v;

	(void)state;
	model_close(g_fx.model);
	store_close(g_fx.store);
	g_fx.store = NULL;
	regfx_verify_replay(&g_fx);
	assert_int_equal(store_open(g_fx.dir, NULL, &g_fx.store), SK_OK);
	assert_int_equal(model_open(g_fx.store, g_fx.dir, NULL, &g_fx.model), SK_OK);
	v = plan_agencies(g_fx.model, g_plan, NULL);
	assert_int_equal(json_array_size(json_object_get(v, "proposals")), 3);
	assert_int_equal(json_array_size(json_object_get(v, "contacts")), 3);
	assert_int_equal(json_array_size(json_object_get(v, "assignments")), 1);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_contacts),
	        cmocka_unit_test(test_assignments),
	        cmocka_unit_test(test_proposals),
	        cmocka_unit_test(test_decisions),
	        cmocka_unit_test(test_approval_and_submit),
	        cmocka_unit_test(test_replay),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
