/*
 * Att göra (src/model/todo.c, GET /api/v1/me/todo): what waits for each
 * person, by their own link and their roles — and never something of
 * another role's, nor one's own inventory item to check (four eyes), nor a
 * reset one requested oneself.
 */
#include "testutil.h"
#include "regfixture.h"
#include "sqlfixture.h"

#include <stdarg.h>

#include <jansson.h>

#include "model/model.h"
#include "model/todo.h"
#include "store/store.h"

static struct reg_fixture g_fx;
static struct principal staff, reg, ssc, chief, admin, aud;

/* fixture(fmt, …): SQL put through the ledger (sqlfixture.h). */
#define fixture(...) sqlfx(g_fx.store, __VA_ARGS__)

static int group_setup(void **state)
{
	char today[11], until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-todo-XXXXXX", REGFX_READER,
	           (const struct store_projection *const[]){&sqlfx_proj, NULL});
	model_today(today);
	model_plus_year(today, until);
	regfx_identity_bare(g_fx.model, &staff, "staff", ROLE_STAFF, CLEAR_H, NULL, until);
	regfx_identity_bare(g_fx.model, &reg, "reg", ROLE_REGISTRAR, CLEAR_H, NULL, until);
	regfx_identity_bare(g_fx.model, &ssc, "ssc", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity_bare(g_fx.model, &chief, "chief", ROLE_CHIEF, CLEAR_KH, NULL, until);
	regfx_identity_bare(g_fx.model, &admin, "admin", ROLE_ADMIN, CLEAR_NONE, NULL, until);
	regfx_identity_bare(g_fx.model, &aud, "aud", ROLE_AUDITOR, CLEAR_KH, NULL, until);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* The count of kind in p's list (0: not listed). */
static int64_t count_of(const struct principal *p, const char *kind)
{
	json_t *l = model_todo(g_fx.model, p), *x;
	int64_t n = 0;
	size_t i;

	assert_non_null(l);
	json_array_foreach(l, i, x)
	{
		assert_true(json_integer_value(json_object_get(x, "count")) > 0);
		if (strcmp(json_string_value(json_object_get(x, "kind")), kind) == 0)
			n = json_integer_value(json_object_get(x, "count"));
	}
	json_decref(l);
	return n;
}

static size_t kinds_of(const struct principal *p)
{
	json_t *l = model_todo(g_fx.model, p);
	size_t n = json_array_size(l);

	json_decref(l);
	return n;
}

static void test_todo_by_person_and_role(void **state)
{
	const char *now = "2026-01-01T00:00:00Z";
	char today[11], soon[11], later[11];

	(void)state;
	model_today(today);
	model_plus_year(today, later);
	/* nothing yet but what the empty instance asks of the ssc and the head: an analysis */
	assert_int_equal(kinds_of(&staff), 0);
	assert_int_equal(kinds_of(&reg), 0);
	assert_int_equal(count_of(&ssc, "analysis_missing"), 1);
	assert_int_equal(count_of(&chief, "analysis_missing"), 1);
	assert_int_equal(count_of(&aud, "analysis_missing"), 0);

	/* the staff member's person holds a copy with a pending receipt; the registrar's holds an
	 * inventory item */
	fixture("INSERT INTO person (id, name, identity_id, status, created_at, created_by, "
	        "updated_at) VALUES (1, 'Sara Staff', %lld, 'active', '%s', 0, '%s'), (2, 'Rolf "
	        "Reg', "
	        "%lld, 'active', '%s', 0, '%s'), (3, 'Utan Login', NULL, 'active', '%s', 0, '%s')",
	        (long long)staff.id, now, now, (long long)reg.id, now, now, now, now);
	fixture("INSERT INTO document (id, designation, title, class, form, pages, originator, "
	        "registered_on, status, created_at, created_by, updated_at) VALUES (1, 'H-1', 't', "
	        "'H', 'physical', 1, '', '%s', 'active', '%s', 1, '%s')",
	        today, now, now);
	fixture("INSERT INTO copy (id, document_id, number, state, holder_person_id, created_at, "
	        "updated_at) VALUES (1, 1, 1, 'issued', 1, '%s', '%s'), (2, 1, 2, 'issued', 2, "
	        "'%s', "
	        "'%s'), (3, 1, 3, 'issued', 3, '%s', '%s')",
	        now, now, now, now, now, now);
	fixture("INSERT INTO receipt (id, copy_id, person_id, class, state, issued_at, issued_by, "
	        "keep_until) VALUES (1, 1, 1, 'H', 'pending', '%s', 1, '2036-01-01'), (2, 3, 3, "
	        "'H', "
	        "'pending', '%s', 1, '2036-01-01'), (3, 2, 2, 'H', 'signed', '%s', 1, "
	        "'2036-01-01')",
	        now, now, now);
	assert_int_equal(count_of(&staff, "receipts"), 1);
	assert_int_equal(count_of(&reg, "receipts"), 0); /* signed */
	assert_int_equal(count_of(&ssc, "receipts"), 0); /* another person's receipt is not mine */

	/* an open campaign: the copies held by the registrar's and by another person */
	fixture("INSERT INTO inventory (id, name, scope, state, started_at, started_by) VALUES (1, "
	        "'Årlig', 'all', 'open', '%s', 1)",
	        now);
	fixture("INSERT INTO inventory_item (inventory_id, item_type, item_id, holder_person_id) "
	        "VALUES (1, 'copy', 2, 2), (1, 'copy', 3, 3)");
	assert_int_equal(count_of(&reg, "inventory_checks"), 1); /* not his own */
	assert_int_equal(count_of(&ssc, "inventory_checks"), 2);
	assert_int_equal(count_of(&aud, "inventory_checks"), 2);
	assert_int_equal(count_of(&staff, "inventory_checks"), 0);
	assert_int_equal(count_of(&chief, "inventory_checks"), 0);
	fixture("UPDATE inventory_item SET result = 'found' WHERE item_id = 3");
	assert_int_equal(count_of(&ssc, "inventory_checks"), 1);

	/* a lost case, an exemption ending soon and one ending later, an unanswered incident */
	fixture("INSERT INTO lost_case (id, item_type, item_id, opened_at, opened_by, state) "
	        "VALUES "
	        "(1, 'copy', 3, '%s', 1, 'open')",
	        now);
	snprintf(soon, sizeof(soon), "%s", today);
	fixture("INSERT INTO exemption (id, reference, granted_by, granted_on, scope_rules, "
	        "valid_until, recorded_at, recorded_by) VALUES (1, 'S-1', 'Säkerhetspolisen', "
	        "'%s', "
	        "'analysis.missing', '%s', '%s', 1), (2, 'S-2', 'Säkerhetspolisen', '%s', "
	        "'analysis.missing', '%s', '%s', 1)",
	        today, soon, now, today, later, now);
	fixture("INSERT INTO incident (id, title, occurred_on, detected_on, reported_by, "
	        "reportable, "
	        "state, created_at, updated_at) VALUES (1, 't', '%s', '%s', 1, NULL, 'open', '%s', "
	        "'%s')",
	        today, today, now, now);
	assert_int_equal(count_of(&reg, "lost_cases"), 1);
	assert_int_equal(count_of(&ssc, "lost_cases"), 1);
	assert_int_equal(count_of(&chief, "lost_cases"), 0);
	assert_int_equal(count_of(&ssc, "exemptions_ending"), 1);
	assert_int_equal(count_of(&chief, "exemptions_ending"), 1);
	assert_int_equal(count_of(&reg, "exemptions_ending"), 0);
	assert_int_equal(count_of(&ssc, "incidents_reportability"), 1);
	assert_int_equal(count_of(&staff, "incidents_reportability"), 0);

	/* a reset the ssc requested waits for someone else: the admin, not the ssc */
	fixture("INSERT INTO identity_reset (id, identity_id, requested_by, requested_at, reason, "
	        "expires_at, state) VALUES (1, %lld, %lld, '%s', 'tappad telefon', "
	        "'2999-01-01T00:00:00Z', 'pending')",
	        (long long)staff.id, (long long)ssc.id, now);
	assert_int_equal(count_of(&admin, "resets"), 1);
	assert_int_equal(count_of(&ssc, "resets"), 0);
	assert_int_equal(count_of(&chief, "resets"), 0);
	fixture("UPDATE identity_reset SET expires_at = '2000-01-01T00:00:00Z'");
	assert_int_equal(count_of(&admin, "resets"), 0); /* expired */

	/* a draft for the head to approve; an approved analysis due for review within 30 days */
	fixture("INSERT INTO analysis (id, series_id, version, state, title, content, created_at, "
	        "created_by, updated_at, approved_on, approved_by, next_review_due) VALUES (1, 1, "
	        "1, "
	        "'approved', 'SSA', '{}', '%s', 1, '%s', '%s', 1, '%s'), (2, 1, 2, 'draft', 'SSA', "
	        "'{}', '%s', 1, '%s', NULL, NULL, NULL)",
	        now, now, today, today, now, now);
	assert_int_equal(count_of(&ssc, "analysis_missing"), 0);
	/* a draft the ssc works on is not the head's yet; sent, it is (issue 15) */
	assert_int_equal(count_of(&chief, "analysis_approve"), 0);
	fixture("UPDATE analysis SET submitted_at = '%s', submitted_by = %lld WHERE id = 2", now,
	        (long long)ssc.id);
	assert_int_equal(count_of(&chief, "analysis_approve"), 1);
	assert_int_equal(count_of(&ssc, "analysis_approve"), 0);
	assert_int_equal(count_of(&ssc, "analysis_returned"), 0);
	/* sent back: the ssc's again */
	fixture("UPDATE analysis SET submitted_at = NULL, returned_at = '%s', return_reason = 'x' "
	        "WHERE id = 2",
	        now);
	assert_int_equal(count_of(&chief, "analysis_approve"), 0);
	assert_int_equal(count_of(&ssc, "analysis_returned"), 1);
	assert_int_equal(count_of(&chief, "analysis_returned"), 0);
	/* approved today: a notice to the ssc for a week, not to the head who approved it */
	assert_int_equal(count_of(&ssc, "analysis_approved"), 1);
	assert_int_equal(count_of(&chief, "analysis_approved"), 0);
	fixture("UPDATE analysis SET approved_on = date('%s', '-8 days') WHERE id = 1", today);
	assert_int_equal(count_of(&ssc, "analysis_approved"), 0);
	assert_int_equal(count_of(&chief, "analysis_review"), 1);
	assert_int_equal(count_of(&aud, "analysis_review"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_todo_by_person_and_role),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
