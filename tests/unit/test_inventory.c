/*
 * The inventory register (3 kap. 21 §): scopes, four eyes, corrections,
 * closing (refused with unchecked items; not found → lost case and state
 * lost), resolving lost cases, paging and visibility, the overdue query with
 * the clock moved a year on, and replay equality. Copies, documents, persons
 * and media are fixtures: "fixture.sql" entries applied by a test projection,
 * so replay rebuilds them too and the test does not depend on other slices.
 */
#include "testutil.h"
#include "regfixture.h"

#include <jansson.h>

#include "model/access_int.h"
#include "model/inventory.h"
#include "model/model.h"
#include "rules/rules.h"
#include "store/store.h"

static struct reg_fixture g_fx;

/* Principals: registrar with a person (holder of copy 1), another registrar with K only. */
static struct principal reg1, reg2, ssc, auditor, staff, chief;
static int64_t g_inv; /* the campaign over every scope */

/* ---- fixtures ---- */

static int apply_fixture(struct store_tx *tx, const struct ledger_entry *e)
{
	return store_tx_run(tx, json_string_value(json_object_get(e->data, "sql")), "");
}

static const char *const no_tables[] = {NULL};
static const struct store_projection proj_fixture = {
        .name = "test fixtures",
        .kind_prefix = "fixture.",
        .tables = no_tables,
        .apply = apply_fixture,
};

/* Runs sql through the ledger; "@NOW" becomes today's time (fixed in the entry). */
static void fixture(const char *sql)
{
	char buf[4096], now[SK_TIME_LEN + 1];
	size_t len = 0;
	json_t *d;

	model_time(sk_now_us(), now);
	for (const char *s = sql; *s && len + sizeof(now) < sizeof(buf);) {
		if (strncmp(s, "@NOW", 4) == 0) {
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s", now);
			s += 4;
		} else {
			buf[len++] = *s++;
		}
	}
	buf[len] = '\0';
	d = json_pack("{s:s}", "sql", buf);

	assert_int_equal(store_append(g_fx.store, 0, "fixture.sql", "fixture/1", d, NULL), SK_OK);
	json_decref(d);
}

static char *sql_text(const char *sql, char *out, size_t cap)
{
	struct store_q *q;

	out[0] = '\0';
	assert_int_equal(store_reader_query(g_fx.rd, sql, &q), SK_OK);
	if (store_q_step(q) == SK_OK)
		snprintf(out, cap, "%s", store_q_is_null(q, 0) ? "(null)" : store_q_text(q, 0));
	store_q_done(q);
	return out;
}

static int group_setup(void **state)
{
	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-inv-XXXXXX", REGFX_READER | REGFX_CLEAR,
	           (const struct store_projection *const[]){&proj_fixture, NULL});
	regfx_identity_bare(g_fx.model, &reg1, "reg.one", ROLE_REGISTRAR, CLEAR_KH, NULL, NULL);
	regfx_identity_bare(g_fx.model, &reg2, "reg.two", ROLE_REGISTRAR, CLEAR_K, NULL, NULL);
	regfx_identity_bare(g_fx.model, &ssc, "ssc.one", ROLE_SSC, CLEAR_KH, NULL, NULL);
	regfx_identity_bare(g_fx.model, &auditor, "aud.one", ROLE_AUDITOR, CLEAR_KH, NULL, NULL);
	regfx_identity_bare(g_fx.model, &staff, "staff.one", ROLE_STAFF, CLEAR_KH, NULL, NULL);
	regfx_identity_bare(g_fx.model, &chief, "chief.one", ROLE_CHIEF, CLEAR_KH, NULL, NULL);
	{
		char sql[2048];

		snprintf(sql, sizeof(sql),
		         "INSERT INTO person (id, name, identity_id, status, created_at, "
		         "created_by, updated_at) VALUES (1, 'Reg One', %lld, 'active', 'T', 0, "
		         "'T'), (2, 'Bo Holder', NULL, 'active', 'T', 0, 'T')",
		         (long long)reg1.id);
		fixture(sql);
	}
	fixture("INSERT INTO space (id, kind, name, max_class, decided_by, decided_on, "
	        "decision_ref, status, created_at, updated_at) VALUES (1, 'container', 'Safe A', "
	        "'KH', 0, '2026-01-01', 'D-1', 'approved', 'T', 'T'), (2, 'container', 'Safe B', "
	        "'H', 0, '2026-01-01', 'D-2', 'approved', 'T', 'T')");
	fixture("INSERT INTO document (id, designation, title, class, form, registered_on, "
	        "status, created_at, created_by, updated_at) VALUES "
	        "(1, 'KH-1', 't', 'KH', 'physical', '2026-01-01', 'active', 'T', 0, 'T'), "
	        "(2, 'H-2', 't', 'H', 'physical', '2026-01-01', 'active', 'T', 0, 'T'), "
	        "(3, 'K-3', 't', 'K', 'electronic', '2026-01-01', 'active', 'T', 0, 'T'), "
	        "(4, 'BH-4', 't', 'BH', 'physical', '2026-01-01', 'active', 'T', 0, 'T'), "
	        "(5, 'KH-5', 't', 'KH', 'electronic', '2026-01-01', 'active', 'T', 0, 'T'), "
	        "(6, 'K-6', 't', 'K', 'physical', '2026-01-01', 'active', 'T', 0, 'T')");
	/* created_at is the real time of the fixture: "never inventoried" counts from it. */
	fixture("INSERT INTO copy (id, document_id, number, state, holder_person_id, space_id, "
	        "created_at, updated_at) VALUES "
	        "(1, 1, 1, 'issued', 1, NULL, '@NOW', 'T'), "
	        "(2, 1, 2, 'in_register', NULL, 1, '@NOW', 'T'), "
	        "(3, 2, 1, 'in_register', NULL, 2, '@NOW', 'T'), "
	        "(4, 2, 2, 'destroyed', NULL, NULL, '@NOW', 'T'), "
	        "(5, 3, 1, 'in_register', NULL, 1, '@NOW', 'T'), "
	        "(6, 4, 1, 'in_register', NULL, 1, '@NOW', 'T'), "
	        "(7, 5, 1, 'archived', NULL, 1, '@NOW', 'T'), "
	        "(8, 6, 1, 'issued', 2, NULL, '@NOW', 'T')");
	fixture("INSERT INTO medium (id, identifier, type, class, holder_person_id, space_id, "
	        "state, created_at, updated_at) VALUES "
	        "(1, 'USB-1', 'usb', 'H', 2, NULL, 'in_use', '@NOW', 'T'), "
	        "(2, 'USB-2', 'usb', 'BH', 2, NULL, 'in_use', '@NOW', 'T'), "
	        "(3, 'DISK-3', 'disk', 'K', NULL, 1, 'decommissioned', "
	        "'@NOW', 'T')");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* ---- tests ---- */

static bool nonempty(const json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 0;
}

static void test_scope_parse(void **state)
{
	(void)state;
	assert_int_equal(inventory_scope_parse("kh_documents"), INVENTORY_KH_DOCUMENTS);
	assert_int_equal(inventory_scope_parse("media physical_k_h"),
	                 INVENTORY_MEDIA | INVENTORY_PHYSICAL_K_H);
	assert_int_equal(inventory_scope_parse("kh_documents,physical_k_h, media"), INVENTORY_ALL);
	assert_int_equal(inventory_scope_parse(""), 0);
	assert_int_equal(inventory_scope_parse("kh_documents bogus"), 0);
	assert_int_equal(inventory_scope_parse("kh_document"), 0);
	assert_int_equal(inventory_scope_parse(NULL), 0);
}

static void test_start_bad_input(void **state)
{
	struct model_err err = {0};
	uint64_t before = regfx_ledger_size(&g_fx);
	int64_t id = 0;

	(void)state;
	assert_int_equal(inventory_start(g_fx.model, &staff, "x", 0, &id, &err), SK_EPERM);
	assert_int_equal(inventory_start(g_fx.model, &auditor, "x", 0, &id, &err), SK_EPERM);
	assert_int_equal(inventory_start(g_fx.model, &reg1, "", 0, &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "name");
	assert_int_equal(inventory_start(g_fx.model, &reg1, "a\nb", 0, &id, &err), SK_EINVAL);
	assert_int_equal(inventory_start(g_fx.model, &reg1, "\x01", 0, &id, &err), SK_EINVAL);
	assert_int_equal(inventory_start(g_fx.model, &reg1, "x", 0x8, &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "scope");
	assert_int_equal(regfx_ledger_size(&g_fx), before);
}

static void test_start_scopes(void **state)
{
	struct model_err err = {0};
	char t[64];
	int64_t other = 0;

	(void)state;
	assert_int_equal(
	        inventory_start(g_fx.model, &reg1, "Årlig inventering 2026", 0, &g_inv, &err),
	        SK_OK);
	assert_true(g_inv >= 1);
	/* kh_documents: copies 1, 2 (KH physical) and 7 (KH electronic, archived). */
	assert_int_equal(
	        regfx_sql_int(&g_fx,
	                      "SELECT count(*) FROM inventory_item WHERE scope = "
	                      "'kh_documents' AND item_type = 'copy' AND item_id IN (1, 2, 7)"),
	        3);
	/* physical_k_h: copies 3 (H) and 8 (K); not 4 (destroyed), 5 (electronic K), 6 (BH). */
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM inventory_item WHERE scope = "
	                                      "'physical_k_h' AND item_id IN (3, 8)"),
	                 2);
	assert_int_equal(
	        regfx_sql_int(&g_fx, "SELECT count(*) FROM inventory_item WHERE item_type = 'copy' "
	                             "AND item_id IN (4, 5, 6)"),
	        0);
	/* media: medium 1 (H in use); not 2 (BH) nor 3 (decommissioned). */
	assert_int_equal(
	        regfx_sql_int(&g_fx,
	                      "SELECT group_concat(item_id) FROM inventory_item WHERE scope = "
	                      "'media'"),
	        1);
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM inventory_item"), 6);
	/* The holder and space at the start are kept with each item. */
	assert_int_equal(
	        regfx_sql_int(&g_fx,
	                      "SELECT holder_person_id FROM inventory_item WHERE item_type = "
	                      "'copy' AND item_id = 1"),
	        1);
	assert_int_equal(
	        regfx_sql_int(&g_fx, "SELECT space_id FROM inventory_item WHERE item_type = 'copy' "
	                             "AND item_id = 3"),
	        2);
	assert_string_equal(
	        sql_text("SELECT scope || '/' || state FROM inventory WHERE id = 1", t, sizeof(t)),
	        "kh_documents physical_k_h media/open");
	/* An open campaign over the same scope: close it first. */
	assert_int_equal(inventory_start(g_fx.model, &ssc, "again", INVENTORY_MEDIA, &other, &err),
	                 SK_EEXIST);
	assert_string_equal(err.field, "scope");
	assert_non_null(strstr(err.msg, "still open"));
}

static void test_check_bad_input(void **state)
{
	struct model_err err = {0};
	uint64_t before = regfx_ledger_size(&g_fx);

	(void)state;
	assert_int_equal(inventory_check(g_fx.model, &staff, g_inv, "copy", 2, true, NULL, &err),
	                 SK_EPERM);
	assert_int_equal(inventory_check(g_fx.model, &auditor, g_inv, "copy", 2, true, NULL, &err),
	                 SK_EPERM);
	assert_int_equal(inventory_check(g_fx.model, &ssc, g_inv, "folder", 2, true, NULL, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "item_type");
	/* A document with copies is no item: its copies are. */
	assert_int_equal(inventory_check(g_fx.model, &ssc, g_inv, "document", 2, true, NULL, &err),
	                 SK_ENOTFOUND);
	assert_int_equal(inventory_check(g_fx.model, &ssc, g_inv, "copy", 0, true, NULL, &err),
	                 SK_EINVAL);
	assert_int_equal(inventory_check(g_fx.model, &ssc, g_inv, "copy", 2, true, "", &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "note");
	assert_int_equal(inventory_check(g_fx.model, &ssc, 999, "copy", 2, true, NULL, &err),
	                 SK_ENOTFOUND);
	assert_string_equal(err.field, "id");
	/* Not in the campaign: destroyed, and a BH copy. */
	assert_int_equal(inventory_check(g_fx.model, &ssc, g_inv, "copy", 4, true, NULL, &err),
	                 SK_ENOTFOUND);
	assert_int_equal(inventory_check(g_fx.model, &ssc, g_inv, "copy", 6, true, NULL, &err),
	                 SK_ENOTFOUND);
	assert_string_equal(err.field, "item_id");
	/* Above the inspector's clearance: answered as missing. */
	assert_int_equal(inventory_check(g_fx.model, &reg2, g_inv, "copy", 2, true, NULL, &err),
	                 SK_ENOTFOUND);
	assert_int_equal(regfx_ledger_size(&g_fx), before);
}

static void test_four_eyes(void **state)
{
	struct model_err err = {0};
	uint64_t before = regfx_ledger_size(&g_fx);

	(void)state;
	/* reg1's person holds copy 1. */
	assert_int_equal(inventory_check(g_fx.model, &reg1, g_inv, "copy", 1, true, NULL, &err),
	                 SK_ERULE);
	assert_non_null(strstr(err.msg, "3 kap. 21 §"));
	assert_non_null(strstr(err.msg, "holder"));
	assert_int_equal(regfx_ledger_size(&g_fx), before);
	/* Someone else may. */
	assert_int_equal(inventory_check(g_fx.model, &ssc, g_inv, "copy", 1, true, NULL, &err),
	                 SK_OK);
	/* And reg1 may check what others hold. */
	assert_int_equal(
	        inventory_check(g_fx.model, &reg1, g_inv, "copy", 3, true, "i skåp B", &err),
	        SK_OK);
	assert_int_equal(
	        regfx_sql_int(&g_fx,
	                      "SELECT checked_by FROM inventory_item WHERE item_type = 'copy' "
	                      "AND item_id = 3"),
	        reg1.id);
}

static void test_check_corrections(void **state)
{
	struct model_err err = {0};
	struct principal tok = ssc;
	char today[11], t[64];

	(void)state;
	model_today(today);
	assert_int_equal(inventory_check(g_fx.model, &reg1, g_inv, "copy", 2, true, NULL, &err),
	                 SK_OK);
	assert_string_equal(
	        sql_text("SELECT last_inventoried_on FROM copy WHERE id = 2", t, sizeof(t)), today);
	/* Corrected to not found: the latest wins and the found no longer counts. */
	assert_int_equal(
	        inventory_check(g_fx.model, &reg1, g_inv, "copy", 2, false, "not in safe A", &err),
	        SK_OK);
	assert_string_equal(sql_text("SELECT result || '/' || note FROM inventory_item WHERE "
	                             "item_type = 'copy' AND item_id = 2",
	                             t, sizeof(t)),
	                    "not_found/not in safe A");
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT last_inventoried_on FROM copy WHERE id = 2"),
	                 -2);
	/* A service token's act names the token. */
	tok.token_id = 42;
	assert_int_equal(inventory_check(g_fx.model, &tok, g_inv, "medium", 1, false, NULL, &err),
	                 SK_OK);
	assert_string_equal(sql_text("SELECT json_extract(entry, '$.data.token_id') FROM ledger "
	                             "ORDER BY seq DESC LIMIT 1",
	                             t, sizeof(t)),
	                    "42");
	assert_string_equal(sql_text("SELECT kind || ' ' || object FROM ledger ORDER BY seq DESC "
	                             "LIMIT 1",
	                             t, sizeof(t)),
	                    "inventory.checked inventory/1");
}

static void test_close_refused_unchecked(void **state)
{
	struct model_err err = {0};
	uint64_t before = regfx_ledger_size(&g_fx);

	(void)state;
	assert_int_equal(inventory_close(g_fx.model, &auditor, g_inv, NULL, &err), SK_EPERM);
	assert_int_equal(inventory_close(g_fx.model, &ssc, 999, NULL, &err), SK_ENOTFOUND);
	assert_int_equal(inventory_close(g_fx.model, &ssc, g_inv, "", &err), SK_EINVAL);
	/* Copies 7 and 8 are not checked. */
	assert_int_equal(inventory_close(g_fx.model, &ssc, g_inv, NULL, &err), SK_EEXIST);
	assert_string_equal(err.field, "items");
	assert_non_null(strstr(err.msg, "2 items are not checked"));
	/* No internal id in the message (issue 15: "copy 6" of a hidden copy). */
	assert_null(strstr(err.msg, "copy 7"));
	assert_null(strstr(err.msg, "copy 8"));
	/* The K-cleared registrar, who may not see copy 7, is told the same number. */
	assert_int_equal(inventory_close(g_fx.model, &reg2, g_inv, NULL, &err), SK_EEXIST);
	assert_non_null(strstr(err.msg, "2 items are not checked"));
	assert_null(strstr(err.msg, "copy"));
	assert_int_equal(regfx_ledger_size(&g_fx), before);
}

static void test_queries(void **state)
{
	struct inventory_page pg = {.limit = 2};
	bool bad = false, open = false;
	json_t *o, *items, *o2;
	const char *next;

	(void)state;
	/* Paging: 6 items, 2 a page, in item order. */
	o = inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad);
	assert_non_null(o);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "item_id")),
	                 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "label")),
	                    "KH-1 ex 1");
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(o, "counts"), "unchecked")), 2);
	next = json_string_value(json_object_get(o, "next"));
	assert_non_null(next);
	pg.after = next;
	o2 = inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad);
	assert_non_null(o2);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_array_get(json_object_get(o2, "items"), 0), "item_id")),
	                 3);
	json_decref(o2);
	json_decref(o);
	/* Only the unchecked ones. */
	pg = (struct inventory_page){.unchecked = true};
	o = inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "item_id")),
	                 8);
	assert_true(json_is_null(json_object_get(o, "next")));
	json_decref(o);
	/* By place: space 1 (copies 2, 7) before space 2 (copy 3), no space first. */
	pg = (struct inventory_page){.sort = INVENTORY_SORT_SPACE, .limit = 100};
	o = inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 6);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 3), "space_id")),
	                 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 5), "space_id")),
	                 2);
	assert_string_equal(
	        json_string_value(json_object_get(json_array_get(items, 5), "space_name")),
	        "Safe B");
	json_decref(o);
	/* In each order, one item a page all the way through: each item once, in order. */
	for (int sort = INVENTORY_SORT_ITEM; sort <= INVENTORY_SORT_HOLDER; sort++) {
		const char *key = sort == INVENTORY_SORT_HOLDER ? "holder_person_id" : "space_id";
		char cur[96] = "", seen[64] = "";
		int n = 0;
		int64_t last = -1;

		pg = (struct inventory_page){.sort = (enum inventory_sort)sort, .limit = 1};
		for (;;) {
			json_t *it;
			int64_t k;
			char one[16];

			pg.after = cur[0] ? cur : NULL;
			o = inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad);
			assert_non_null(o);
			it = json_array_get(json_object_get(o, "items"), 0);
			if (!it) {
				json_decref(o);
				break;
			}
			k = json_integer_value(json_object_get(it, key)); /* null: 0 */
			if (sort != INVENTORY_SORT_ITEM)
				assert_true(k >= last);
			last = k;
			snprintf(one, sizeof(one), "%c%lld,",
			         json_string_value(json_object_get(it, "item_type"))[0],
			         (long long)json_integer_value(json_object_get(it, "item_id")));
			assert_null(strstr(seen, one));
			snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s", one);
			n++;
			next = json_string_value(json_object_get(o, "next"));
			snprintf(cur, sizeof(cur), "%s", next ? next : "");
			json_decref(o);
			if (!cur[0])
				break;
		}
		assert_int_equal(n, 6);
	}
	/*
	 * A reader with K sees the K item (copy 8) and the others withheld; the
	 * counts are the campaign's, the same as a KH reader's (issue 15: "7 av 8").
	 */
	pg = (struct inventory_page){0};
	o = inventory_get(g_fx.model, &reg2, g_inv, &pg, &bad);
	o2 = inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad);
	assert_non_null(o);
	assert_non_null(o2);
	assert_true(json_equal(json_object_get(o, "counts"), json_object_get(o2, "counts")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "counts"), "items")),
	                 6);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 6);
	{
		size_t i, withheld = 0;
		json_t *it;

		json_array_foreach(items, i, it)
		{
			if (!json_is_true(json_object_get(it, "withheld"))) {
				assert_int_equal(json_integer_value(json_object_get(it, "item_id")),
				                 8);
				continue;
			}
			withheld++;
			/* counted, not described: no class, scope, designation, place */
			assert_null(json_object_get(it, "class"));
			assert_null(json_object_get(it, "scope"));
			assert_null(json_object_get(it, "designation"));
			assert_null(json_object_get(it, "label"));
			assert_null(json_object_get(it, "space_id"));
		}
		assert_int_equal(withheld, 5);
	}
	json_decref(o2);
	json_decref(o);
	/* The list's counts are the campaign's for every reader too. */
	o = inventory_list(g_fx.model, &reg2, "open");
	o2 = inventory_list(g_fx.model, &auditor, "open");
	assert_true(json_equal(json_object_get(json_array_get(o, 0), "counts"),
	                       json_object_get(json_array_get(o2, 0), "counts")));
	json_decref(o2);
	json_decref(o);
	/* The documents slice's rule: the head is on no need-to-know list, sees the medium only. */
	o = inventory_get(g_fx.model, &chief, g_inv, &pg, &bad);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 6);
	{
		size_t i, shown = 0;
		json_t *it;

		json_array_foreach(items, i, it)
		{
			if (json_is_true(json_object_get(it, "withheld")))
				continue;
			shown++;
			assert_string_equal(json_string_value(json_object_get(it, "item_type")),
			                    "medium");
		}
		assert_int_equal(shown, 1);
	}
	json_decref(o);
	/* Four eyes in the list: reg1's person holds copy 1, "own" for reg1 only. */
	o = inventory_get(g_fx.model, &reg1, g_inv, &pg, &bad);
	o2 = inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad);
	assert_true(json_is_true(
	        json_object_get(json_array_get(json_object_get(o, "items"), 0), "own")));
	assert_true(json_is_false(
	        json_object_get(json_array_get(json_object_get(o, "items"), 1), "own")));
	assert_true(json_is_false(
	        json_object_get(json_array_get(json_object_get(o2, "items"), 0), "own")));
	json_decref(o2);
	json_decref(o);
	/* Bad cursors. */
	pg.after = "1.2.x.3";
	assert_null(inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad));
	assert_true(bad);
	pg.after = "1.2.c.0";
	assert_null(inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad));
	assert_true(bad);
	pg.after = "-1.2.c.3";
	assert_null(inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad));
	assert_true(bad);
	pg.after = NULL;
	assert_null(inventory_get(g_fx.model, &auditor, 999, &pg, &bad));
	assert_false(bad);
	/* No report while open. */
	assert_null(inventory_report(g_fx.model, &auditor, g_inv, &open));
	assert_true(open);
	o = inventory_list(g_fx.model, &auditor, "open");
	assert_int_equal(json_array_size(o), 1);
	json_decref(o);
	o = inventory_list(g_fx.model, &auditor, "closed");
	assert_int_equal(json_array_size(o), 0);
	json_decref(o);
}

static void test_close(void **state)
{
	struct model_err err = {0};
	bool open = true;
	json_t *rep, *nf, *kh;
	char t[128];

	(void)state;
	assert_int_equal(inventory_check(g_fx.model, &ssc, g_inv, "copy", 7, true, NULL, &err),
	                 SK_OK);
	assert_int_equal(inventory_check(g_fx.model, &ssc, g_inv, "copy", 8, true, NULL, &err),
	                 SK_OK);
	assert_int_equal(inventory_close(g_fx.model, &ssc, g_inv, "Årets inventering klar", &err),
	                 SK_OK);
	/* Copy 2 and medium 1 were not found: lost cases, state lost. */
	assert_string_equal(sql_text("SELECT state FROM copy WHERE id = 2", t, sizeof(t)), "lost");
	assert_string_equal(sql_text("SELECT state FROM medium WHERE id = 1", t, sizeof(t)),
	                    "lost");
	assert_string_equal(sql_text("SELECT group_concat(item_type || item_id || ':' || state || "
	                             "':' || prior_state || ':' || inventory_id) FROM (SELECT * "
	                             "FROM lost_case ORDER BY id)",
	                             t, sizeof(t)),
	                    "copy2:open:in_register:1,medium1:open:in_use:1");
	assert_string_equal(sql_text("SELECT group_concat(kind) FROM (SELECT kind FROM ledger "
	                             "ORDER BY seq DESC LIMIT 3)",
	                             t, sizeof(t)),
	                    "inventory.closed,lost.opened,lost.opened");
	assert_string_equal(sql_text("SELECT object FROM ledger WHERE kind = 'lost.opened' ORDER "
	                             "BY seq LIMIT 1",
	                             t, sizeof(t)),
	                    "lost/1");
	/* Found items count as inventoried. */
	assert_int_equal(regfx_sql_int(&g_fx,
	                               "SELECT count(*) FROM copy WHERE id IN (1, 3, 7, 8) AND "
	                               "last_inventoried_on IS NOT NULL"),
	                 4);
	rep = inventory_report(g_fx.model, &auditor, g_inv, &open);
	assert_false(open);
	assert_non_null(rep);
	kh = json_object_get(json_object_get(rep, "counts"), "kh_documents");
	assert_int_equal(json_integer_value(json_object_get(kh, "items")), 3);
	assert_int_equal(json_integer_value(json_object_get(kh, "found")), 2);
	assert_int_equal(json_integer_value(json_object_get(kh, "not_found")), 1);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(rep, "totals"), "not_found")),
	        2);
	nf = json_object_get(rep, "not_found");
	assert_int_equal(json_array_size(nf), 2);
	assert_string_equal(
	        json_string_value(json_object_get(json_array_get(nf, 0), "designation")), "KH-1");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(nf, 0), "lost_case_id")),
	                 1);
	assert_int_equal(json_array_size(json_object_get(rep, "inspectors")), 2);
	assert_string_equal(json_string_value(json_object_get(rep, "note")),
	                    "Årets inventering klar");
	json_decref(rep);
	/* A K reader sees that something was missing, not what. */
	rep = inventory_report(g_fx.model, &reg2, g_inv, &open);
	nf = json_object_get(rep, "not_found");
	assert_true(json_is_true(json_object_get(json_array_get(nf, 0), "withheld")));
	assert_null(json_object_get(json_array_get(nf, 0), "designation"));
	json_decref(rep);
	/*
	 * The protocol (issue 15): every item with its result, who checked it
	 * (by name) and when; who started and who closed the campaign.
	 */
	{
		struct inventory_page pg = {.limit = 1000};
		bool bad = false;
		json_t *o = inventory_get(g_fx.model, &auditor, g_inv, &pg, &bad), *it;
		size_t i;

		assert_non_null(o);
		assert_int_equal(json_array_size(json_object_get(o, "items")), 6);
		json_array_foreach(json_object_get(o, "items"), i, it)
		{
			assert_non_null(json_string_value(json_object_get(it, "result")));
			assert_true(json_integer_value(json_object_get(it, "checked_by")) >= 1);
			assert_true(nonempty(json_object_get(it, "checked_by_name")));
			assert_non_null(json_string_value(json_object_get(it, "checked_at")));
		}
		assert_int_equal(json_integer_value(json_object_get(o, "closed_by")), ssc.id);
		assert_true(nonempty(json_object_get(o, "closed_by_name")));
		assert_true(nonempty(json_object_get(o, "started_by_name")));
		json_decref(o);
	}
	/* Closed: no more checks, no second close. */
	assert_int_equal(inventory_check(g_fx.model, &ssc, g_inv, "copy", 3, false, NULL, &err),
	                 SK_EEXIST);
	assert_int_equal(inventory_close(g_fx.model, &ssc, g_inv, NULL, &err), SK_EEXIST);
	/* The stored report is the entry's. */
	assert_int_equal(
	        regfx_sql_int(&g_fx, "SELECT json_extract(report, '$.totals.items') FROM inventory "
	                             "WHERE id = 1"),
	        6);
}

static void test_lost_resolve(void **state)
{
	struct model_err err = {0};
	char today[11], t[64], want[64];
	json_t *arr;

	(void)state;
	model_today(today);
	snprintf(want, sizeof(want), "in_register/%s", today);
	arr = inventory_lost_list(g_fx.model, &auditor, "open");
	assert_int_equal(json_array_size(arr), 2);
	json_decref(arr);
	arr = inventory_lost_list(g_fx.model, &reg2, NULL); /* K: neither is visible */
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
	assert_int_equal(inventory_lost_resolve(g_fx.model, &auditor, 1, true, NULL, &err),
	                 SK_EPERM);
	assert_int_equal(inventory_lost_resolve(g_fx.model, &ssc, 99, true, NULL, &err),
	                 SK_ENOTFOUND);
	assert_int_equal(inventory_lost_resolve(g_fx.model, &reg2, 1, true, NULL, &err),
	                 SK_ENOTFOUND);
	assert_int_equal(inventory_lost_resolve(g_fx.model, &ssc, 2, false, NULL, &err), SK_EINVAL);
	assert_string_equal(err.field, "note");
	/* Found: back in the register, inventoried today. */
	assert_int_equal(inventory_lost_resolve(g_fx.model, &ssc, 1, true, "found in safe B", &err),
	                 SK_OK);
	assert_string_equal(sql_text("SELECT state || '/' || last_inventoried_on FROM copy WHERE "
	                             "id = 2",
	                             t, sizeof(t)),
	                    want);
	assert_int_equal(inventory_lost_resolve(g_fx.model, &ssc, 1, true, NULL, &err), SK_EEXIST);
	/* Confirmed lost: stays lost, to be reported as an incident. */
	assert_int_equal(
	        inventory_lost_resolve(g_fx.model, &reg1, 2, false, "borttappad på resa", &err),
	        SK_OK);
	assert_string_equal(sql_text("SELECT state FROM medium WHERE id = 1", t, sizeof(t)),
	                    "lost");
	arr = inventory_lost_get(g_fx.model, &auditor, 2);
	assert_non_null(arr);
	assert_string_equal(json_string_value(json_object_get(arr, "state")), "confirmed_lost");
	assert_true(json_is_true(json_object_get(arr, "incident_report_due")));
	assert_string_equal(json_string_value(json_object_get(arr, "resolution_note")),
	                    "borttappad på resa");
	json_decref(arr);
	assert_string_equal(sql_text("SELECT json_extract(entry, '$.data.incident_report_due') "
	                             "FROM ledger ORDER BY seq DESC LIMIT 1",
	                             t, sizeof(t)),
	                    "1");
}

/* A lost case opened by another slice's command (a copy reported lost). */
static int lost_cmd(struct store_tx *tx, void *arg)
{
	return inventory_tx_lost_open(tx, ssc.id, 0, "copy", 8, 0, NULL, arg, NULL);
}

static void test_tx_lost_open(void **state)
{
	struct model_err err = {0};
	char t[64];

	(void)state;
	assert_int_equal(model_submit(g_fx.model, lost_cmd, "reported lost by holder", &err),
	                 SK_OK);
	assert_string_equal(sql_text("SELECT state || '/' || prior_state || '/' || "
	                             "coalesce(inventory_id, 'none') FROM lost_case WHERE id = 3",
	                             t, sizeof(t)),
	                    "open/issued/none");
	assert_string_equal(sql_text("SELECT state FROM copy WHERE id = 8", t, sizeof(t)), "lost");
	/* Found again: issued again (to its holder). */
	assert_int_equal(inventory_lost_resolve(g_fx.model, &ssc, 3, true, NULL, &err), SK_OK);
	assert_string_equal(sql_text("SELECT state FROM copy WHERE id = 8", t, sizeof(t)),
	                    "issued");
}

static void test_overdue_after_a_year(void **state)
{
	struct model_err err = {0};
	char today[11], before[32];
	json_t *o;
	int64_t inv2 = 0;

	(void)state;
	/* Today nothing is overdue: everything is new or inventoried. */
	model_today(today);
	assert_int_equal(inventory_overdue(g_fx.rd, today, CLEAR_KH, 0, &o), SK_OK);
	/* Copy 2 and 8 (found again today) and the rest were inventoried today or created today. */
	assert_int_equal(json_integer_value(json_object_get(o, "copies_total")), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "media_total")), 0);
	json_decref(o);
	assert_int_equal(inventory_overdue(g_fx.rd, "2026-13-01", CLEAR_KH, 0, &o), SK_EINVAL);
	/* A year and a month on: not inventoried in 12 months. */
	sk_clock_set_offset((int64_t)400 * 86400 * 1000000);
	model_today(today);
	{
		int y = (int)strtol(today, NULL, 10) - 1;

		assert_true(y > 1970 && y < 9999);
		snprintf(before, sizeof(before), "%04d%.6s", y, today + 4);
	}
	assert_int_equal(inventory_overdue(g_fx.rd, before, CLEAR_KH, 0, &o), SK_OK);
	/* Copies 1, 2, 3, 7, 8 (existing, in scope); medium 1 is lost. */
	assert_int_equal(json_integer_value(json_object_get(o, "copies_total")), 5);
	assert_int_equal(json_integer_value(json_object_get(o, "media_total")), 0);
	json_decref(o);
	assert_int_equal(inventory_overdue(g_fx.rd, before, CLEAR_K, 2, &o), SK_OK);
	assert_int_equal(json_integer_value(json_object_get(o, "copies_total")), 1); /* copy 8 */
	json_decref(o);
	/* A new campaign, all found: nothing overdue any more. */
	assert_int_equal(inventory_start(g_fx.model, &ssc, "2027", INVENTORY_ALL, &inv2, &err),
	                 SK_OK);
	for (int64_t c = 1; c <= 8; c++) {
		int rc = inventory_check(g_fx.model, c == 1 ? &ssc : &reg1, inv2, "copy", c, true,
		                         NULL, &err);

		assert_true(rc == SK_OK || rc == SK_ENOTFOUND);
	}
	assert_int_equal(inventory_close(g_fx.model, &reg1, inv2, NULL, &err), SK_OK);
	assert_int_equal(inventory_overdue(g_fx.rd, before, CLEAR_KH, 0, &o), SK_OK);
	assert_int_equal(json_integer_value(json_object_get(o, "copies_total")), 0);
	json_decref(o);
	sk_clock_set_offset(0);
}

/* Findings of doc.inventory.no_copies about document doc today. */
static size_t no_copies_findings(int64_t doc)
{
	struct rules_filter f = {
	        .rule = "doc.inventory.no_copies", .min_severity = -1, .clearance = CLEAR_KH};
	char today[11];
	json_t *res, *v;
	size_t i, n = 0;

	model_today(today);
	res = rules_evaluate(g_fx.rd, today, &f);
	assert_non_null(res);
	json_array_foreach(json_object_get(res, "findings"), i, v)
	{
		if (json_integer_value(json_object_get(json_object_get(v, "object"), "id")) ==
		            doc &&
		    strcmp(json_string_value(json_object_get(v, "rule")),
		           "doc.inventory.no_copies") == 0)
			n++;
	}
	json_decref(res);
	return n;
}

/*
 * 3 kap. 21 §: a KH document (any form) or a K/H paper document without copies
 * is an item of type document; checking it found clears doc.inventory.no_copies.
 */
static void test_document_items(void **state)
{
	struct model_err err = {0};
	struct inventory_page pg = {.limit = 100};
	bool bad = false, open = false;
	int64_t inv = 0;
	json_t *o, *rep;
	char t[64];

	(void)state;
	fixture("INSERT INTO document (id, designation, title, class, form, registered_on, "
	        "status, created_at, created_by, updated_at) VALUES "
	        "(7, 'KH-7', 't', 'KH', 'electronic', '2020-01-01', 'active', 'T', 0, 'T'), "
	        "(8, 'K-8', 't', 'K', 'electronic', '2020-01-01', 'active', 'T', 0, 'T'), "
	        "(9, 'H-9', 't', 'H', 'physical', '2020-01-01', 'active', 'T', 0, 'T')");
	assert_int_equal(no_copies_findings(7), 1);
	assert_int_equal(no_copies_findings(9), 1);
	assert_int_equal(inventory_start(g_fx.model, &ssc, "Handlingar utan exemplar",
	                                 INVENTORY_KH_DOCUMENTS | INVENTORY_PHYSICAL_K_H, &inv,
	                                 &err),
	                 SK_OK);
	/* documents 7 (KH electronic) and 9 (H paper); not 8 (K electronic: out of scope) */
	assert_string_equal(
	        sql_text("SELECT group_concat(item_id || ':' || scope) FROM (SELECT * "
	                 "FROM inventory_item WHERE inventory_id = (SELECT max(id) FROM "
	                 "inventory) AND item_type = 'document' ORDER BY item_id)",
	                 t, sizeof(t)),
	        "7:kh_documents,9:physical_k_h");
	o = inventory_get(g_fx.model, &auditor, inv, &pg, &bad);
	assert_non_null(o);
	{
		size_t i;
		json_t *it;
		bool seen = false;

		json_array_foreach(json_object_get(o, "items"), i, it)
		{
			if (strcmp(json_string_value(json_object_get(it, "item_type")),
			           "document") != 0 ||
			    json_integer_value(json_object_get(it, "item_id")) != 7)
				continue;
			seen = true;
			assert_string_equal(json_string_value(json_object_get(it, "label")),
			                    "KH-7");
			assert_null(json_object_get(it, "copy_number"));
		}
		assert_true(seen);
	}
	json_decref(o);
	/* bad input: an item type that is no item */
	assert_int_equal(inventory_check(g_fx.model, &ssc, inv, "folder", 7, true, NULL, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "item_type");
	/* a K reader may not check the KH document: answered as missing */
	assert_int_equal(inventory_check(g_fx.model, &reg2, inv, "document", 7, true, NULL, &err),
	                 SK_ENOTFOUND);
	assert_int_equal(inventory_check(g_fx.model, &ssc, inv, "document", 7, true, NULL, &err),
	                 SK_OK);
	assert_int_equal(no_copies_findings(7), 0);
	/* a correction to not found puts the date back: the finding returns */
	assert_int_equal(inventory_check(g_fx.model, &ssc, inv, "document", 7, false, NULL, &err),
	                 SK_OK);
	assert_int_equal(no_copies_findings(7), 1);
	assert_int_equal(inventory_check(g_fx.model, &ssc, inv, "document", 7, true, NULL, &err),
	                 SK_OK);
	assert_int_equal(
	        inventory_check(g_fx.model, &ssc, inv, "document", 9, false, "borta", &err), SK_OK);
	{
		/* the rest of this campaign: found */
		struct store_q *q;
		int64_t ids[16];
		char types[16][12];
		int n = 0;

		assert_int_equal(store_reader_query(g_fx.rd,
		                                    "SELECT item_type, item_id FROM inventory_item "
		                                    "WHERE inventory_id = (SELECT max(id) FROM "
		                                    "inventory) AND result IS NULL",
		                                    &q),
		                 SK_OK);
		while (n < 16 && store_q_step(q) == SK_OK) {
			snprintf(types[n], sizeof(types[n]), "%s", store_q_text(q, 0));
			ids[n++] = store_q_int(q, 1);
		}
		store_q_done(q);
		for (int i = 0; i < n; i++) {
			int rc = inventory_check(g_fx.model, &ssc, inv, types[i], ids[i], true,
			                         NULL, &err);

			if (rc == SK_ERULE)
				rc = inventory_check(g_fx.model, &reg1, inv, types[i], ids[i], true,
				                     NULL, &err);
			assert_int_equal(rc, SK_OK);
		}
	}
	assert_int_equal(inventory_close(g_fx.model, &ssc, inv, NULL, &err), SK_OK);
	/* document 9 not found: in the report, no lost case (a case is of a copy or medium) */
	rep = inventory_report(g_fx.model, &auditor, inv, &open);
	assert_non_null(rep);
	assert_int_equal(json_array_size(json_object_get(rep, "not_found")), 1);
	o = json_array_get(json_object_get(rep, "not_found"), 0);
	assert_string_equal(json_string_value(json_object_get(o, "item_type")), "document");
	assert_string_equal(json_string_value(json_object_get(o, "designation")), "H-9");
	assert_true(json_is_null(json_object_get(o, "lost_case_id")));
	json_decref(rep);
	assert_int_equal(no_copies_findings(7), 0);
	assert_int_equal(no_copies_findings(9), 1);
}

static void test_replay(void **state)
{
	struct store_verify_opts vo = {.replay = true};
	struct store_verify_result res;

	(void)state;
	assert_int_equal(store_checkpoint_now(g_fx.store), SK_OK);
	memset(&res, 0, sizeof(res));
	if (store_verify(g_fx.dir, &vo, &res) != SK_OK)
		fail_msg("verify --replay: %s", res.problem);
}

/* A projected table changed behind the ledger's back: replay notices. */
static void test_replay_detects(void **state)
{
	struct store_verify_opts vo = {.replay = true};
	struct store_verify_result res;
	char path[128], cmd[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/skydd.db", g_fx.dir);
	snprintf(cmd, sizeof(cmd),
	         "sqlite3 -batch '%s' \"UPDATE lost_case SET state = 'found' WHERE id = 2\"", path);
	assert_int_equal(system(cmd), 0);
	memset(&res, 0, sizeof(res));
	assert_int_equal(store_verify(g_fx.dir, &vo, &res), SK_EVERIFY);
	assert_non_null(strstr(res.problem, "lost_case"));
	snprintf(cmd, sizeof(cmd),
	         "sqlite3 -batch '%s' \"UPDATE lost_case SET state = 'confirmed_lost' WHERE id = "
	         "2\"",
	         path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(store_verify(g_fx.dir, &vo, &res), SK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_scope_parse),
	        cmocka_unit_test(test_start_bad_input),
	        cmocka_unit_test(test_start_scopes),
	        cmocka_unit_test(test_check_bad_input),
	        cmocka_unit_test(test_four_eyes),
	        cmocka_unit_test(test_check_corrections),
	        cmocka_unit_test(test_close_refused_unchecked),
	        cmocka_unit_test(test_queries),
	        cmocka_unit_test(test_close),
	        cmocka_unit_test(test_lost_resolve),
	        cmocka_unit_test(test_tx_lost_open),
	        cmocka_unit_test(test_overdue_after_a_year),
	        cmocka_unit_test(test_document_items),
	        cmocka_unit_test(test_replay),
	        cmocka_unit_test(test_replay_detects),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
