/*
 * Clearance as one truth (6 kap. with 3 kap. PMFS 2022:1, src/model/
 * reg_clearances.c): decisions on persons with or without a login, a
 * login's clearance read from its person, copies and need-to-know lists
 * refused above a person's clearance, the separation of duties, the
 * clearances of older releases migrated as entries; and a person's sealed
 * data (src/model/pdata.h): it opens for its person and field only, and
 * after culling its key is gone from the database and the WAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/document.h"
#include "model/pdata.h"
#include "model/register.h"
#include "regfixture.h"

static struct reg_fixture g_fx;
static struct principal ssc, ssc2, reg, staff, pers;
static int64_t p_ssc, p_olle, p_stina;

/* A projection for the suite's own entries: runs data.sql (an older release's writes). */
static const char *const no_tables[] = {NULL};
static const char *const legacy_touches[] = {"identity", NULL};
static int apply_legacy(struct store_tx *tx, const struct ledger_entry *e)
{
	return store_tx_run(tx, json_string_value(json_object_get(e->data, "sql")), "");
}
static const struct store_projection proj_legacy = {
        .name = "legacy",
        .kind_prefix = "legacy.",
        .tables = no_tables,
        .touches = legacy_touches,
        .apply = apply_legacy,
};

static int group_setup(void **state)
{
	char today[11], until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-clearance-XXXXXX", REGFX_READER | REGFX_CLEAR,
	           (const struct store_projection *const[]){&proj_legacy, NULL});
	model_today(today);
	model_plus_year(today, until);
	regfx_identity(g_fx.model, &ssc, "ssc.c", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &ssc2, "ssc2.c", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &reg, "reg.c", ROLE_REGISTRAR, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &staff, "staff.c", ROLE_STAFF, CLEAR_NONE, NULL, until);
	regfx_identity(g_fx.model, &pers, "pers.c", ROLE_PERSONNEL, CLEAR_NONE, NULL, until);
	p_ssc = records_person_of_identity(g_fx.rd, ssc.id);
	p_olle = regfx_person(g_fx.model, &reg, "Olle Utan Inlogg", "Drift", 0);
	p_stina = regfx_person(g_fx.model, &reg, "Stina Staff", "Drift", staff.id);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* Runs cmd of register r as p with in (stolen); on success *id; the ledger grows only then. */
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

static const char *person_clearance(int64_t person, char *out, size_t cap)
{
	return regfx_sql_text(&g_fx, "SELECT " MODEL_CLEARANCE_OF_PERSON("?1", "date('now')"),
	                      person, out, cap);
}

static const char *login_clearance(int64_t ident)
{
	json_t *o = model_identity_get(g_fx.model, ident);
	static char v[8];

	assert_non_null(o);
	snprintf(v, sizeof(v), "%s", json_string_value(json_object_get(o, "clearance")));
	json_decref(o);
	return v;
}

static void test_decide_withdraw(void **state)
{
	struct model_err err;
	char v[16], past[11], future[11];
	int64_t id = 0, id2 = 0;

	(void)state;
	regfx_today_plus(-10, past);
	regfx_today_plus(10, future);
	/* a person without a login: none until decided */
	assert_string_equal(person_clearance(p_olle, v, sizeof(v)), "none");
	assert_int_equal(run(&ssc, "clearances", "decide",
	                     json_pack("{s:I, s:s, s:s}", "person_id", (json_int_t)p_olle, "class",
	                               "K", "decision_ref", "B-1"),
	                     &id, &err),
	                 SK_OK);
	assert_string_equal(person_clearance(p_olle, v, sizeof(v)), "K");
	assert_string_equal(regfx_sql_text(&g_fx, "SELECT basis FROM clearance WHERE id = ?1", id,
	                                   v, sizeof(v)),
	                    "decision");
	/* the highest in force counts; one that has not begun does not */
	assert_int_equal(run(&ssc, "clearances", "decide",
	                     json_pack("{s:I, s:s, s:s}", "person_id", (json_int_t)p_olle, "class",
	                               "KH", "valid_from", future),
	                     &id2, &err),
	                 SK_OK);
	assert_string_equal(person_clearance(p_olle, v, sizeof(v)), "K");
	/* the personnel-security function decides too */
	assert_int_equal(run(&pers, "clearances", "decide",
	                     json_pack("{s:I, s:s, s:s}", "person_id", (json_int_t)p_olle, "class",
	                               "H", "valid_until", future),
	                     &id2, &err),
	                 SK_OK);
	assert_string_equal(person_clearance(p_olle, v, sizeof(v)), "H");
	assert_int_equal(run(&ssc, "clearances", "withdraw",
	                     json_pack("{s:s}", "withdraw_reason", "ny tjänst"), &id2, &err),
	                 SK_OK);
	assert_string_equal(person_clearance(p_olle, v, sizeof(v)), "K");
	/* bad input and refusals change nothing */
	assert_int_equal(run(&ssc, "clearances", "withdraw",
	                     json_pack("{s:s}", "withdraw_reason", "igen"), &id2, &err),
	                 SK_EEXIST);
	assert_int_equal(run(&ssc, "clearances", "decide",
	                     json_pack("{s:I, s:s}", "person_id", (json_int_t)p_olle, "class", "X"),
	                     &id, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "class");
	assert_int_equal(run(&ssc, "clearances", "decide",
	                     json_pack("{s:I, s:s, s:s, s:s}", "person_id", (json_int_t)p_olle,
	                               "class", "H", "valid_from", future, "valid_until", past),
	                     &id, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "valid_until");
	assert_int_equal(run(&reg, "clearances", "decide",
	                     json_pack("{s:I, s:s}", "person_id", (json_int_t)p_olle, "class", "H"),
	                     &id, &err),
	                 SK_EPERM);
	assert_int_equal(run(&ssc, "clearances", "withdraw", json_object(), &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "withdraw_reason");
	/* nobody decides about the person linked to their own login */
	assert_int_equal(run(&ssc, "clearances", "decide",
	                     json_pack("{s:I, s:s}", "person_id", (json_int_t)p_ssc, "class", "KH"),
	                     &id, &err),
	                 SK_EPERM);
	assert_string_equal(err.reason, "clearance.self");
	assert_int_equal(run(&ssc2, "clearances", "decide",
	                     json_pack("{s:I, s:s}", "person_id", (json_int_t)p_ssc, "class", "KH"),
	                     &id, &err),
	                 SK_OK);
	/* a person with a login: the account's rule (4 kap. 8 §) — the ssc, not personnel */
	assert_int_equal(
	        run(&pers, "clearances", "decide",
	            json_pack("{s:I, s:s}", "person_id", (json_int_t)p_stina, "class", "K"), &id,
	            &err),
	        SK_EPERM);
	assert_string_equal(err.reason, "clearance.login_ssc_decides");
	assert_int_equal(run(&pers, "clearances", "decide",
	                     json_pack("{s:I, s:s}", "person_id", (json_int_t)p_ssc, "class", "H"),
	                     &id, &err),
	                 SK_EPERM);
	assert_string_equal(err.reason, "clearance.login_top_account");
}

static void test_login_from_person(void **state)
{
	struct model_identity_patch patch = {.clearance = CLEAR_H};
	struct model_err err = {0};
	char v[16], past[11];
	int64_t id = 0;

	(void)state;
	/* the login has its person but no decision: none */
	assert_string_equal(login_clearance(staff.id), "none");
	assert_int_equal(
	        run(&ssc, "clearances", "decide",
	            json_pack("{s:I, s:s}", "person_id", (json_int_t)p_stina, "class", "K"), &id,
	            &err),
	        SK_OK);
	assert_string_equal(login_clearance(staff.id), "K");
	/* set on the login: a decision on its person replacing the one in force */
	assert_int_equal(model_identity_update(g_fx.model, &ssc, staff.id, &patch, &err), SK_OK);
	assert_string_equal(login_clearance(staff.id), "H");
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM clearance WHERE person_id = "
	                                      "(SELECT id FROM person WHERE name = 'Stina Staff') "
	                                      "AND state = 'active'"),
	                 1);
	assert_string_equal(regfx_sql_text(&g_fx,
	                                   "SELECT basis FROM clearance WHERE person_id = ?1 AND "
	                                   "state = 'active'",
	                                   p_stina, v, sizeof(v)),
	                    "account");
	/* an ended person's decisions count for nothing */
	regfx_today_plus(0, past);
	assert_int_equal(run(&reg, "persons", "end", json_pack("{s:s}", "ended_on", past),
	                     &(int64_t){p_stina}, &err),
	                 SK_OK);
	assert_string_equal(login_clearance(staff.id), "none");
	/* a login with no person yet gets one when its clearance is set */
	assert_int_equal(records_person_of_identity(g_fx.rd, pers.id), 0);
	assert_int_equal(model_identity_update(g_fx.model, &ssc, pers.id, &patch, &err), SK_OK);
	assert_true(records_person_of_identity(g_fx.rd, pers.id) > 0);
	assert_string_equal(login_clearance(pers.id), "H");
	patch.clearance = CLEAR_NONE;
	assert_int_equal(model_identity_update(g_fx.model, &ssc, pers.id, &patch, &err), SK_OK);
	assert_string_equal(login_clearance(pers.id), "none");
	/* the column older releases kept stays 'none' for every identity */
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM identity WHERE clearance != "
	                                      "'none'"),
	                 0);
}

static void test_copy_needs_clearance(void **state)
{
	struct document_new n = {0};
	struct copy_new c = {0};
	struct model_err err = {0};
	int64_t p_new, doc = 0, first = 0, access[1], id = 0;

	(void)state;
	p_new = regfx_person(g_fx.model, &reg, "Nils Ny", "Drift", 0);
	/* the need-to-know list refuses him until he is cleared for the class */
	access[0] = p_new;
	n.title = "Hemlig rapport";
	n.cls = "H";
	n.form = "physical";
	n.pages = 2;
	n.access = access;
	n.n_access = 1;
	assert_int_equal(document_create(g_fx.model, &reg, &n, &doc, &err), SK_ERULE);
	assert_string_equal(err.reason, "document.class_above_clearance");
	n.n_access = 0;
	assert_int_equal(document_create(g_fx.model, &reg, &n, &doc, &err), SK_OK);
	regfx_clear(g_fx.model, &ssc, p_new, "H");
	assert_int_equal(document_access_change(g_fx.model, &reg, doc, access, 1, false, &err),
	                 SK_OK);
	/* withdrawn: an H copy cannot be issued to him (the list stays, the copy does not) */
	id = regfx_sql_int(&g_fx, "SELECT max(id) FROM clearance");
	assert_int_equal(run(&ssc, "clearances", "withdraw",
	                     json_pack("{s:s}", "withdraw_reason", "slutar"), &id, &err),
	                 SK_OK);
	c.holder_id = p_new;
	assert_int_equal(copy_create(g_fx.model, &reg, doc, &c, 1, &first, &err), SK_ERULE);
	assert_string_equal(err.reason, "document.class_above_clearance");
	assert_string_equal(err.field, "holder_id");
	regfx_clear(g_fx.model, &ssc, p_new, "K");
	assert_int_equal(copy_create(g_fx.model, &reg, doc, &c, 1, &first, &err), SK_ERULE);
	regfx_clear(g_fx.model, &ssc, p_new, "H");
	assert_int_equal(copy_create(g_fx.model, &reg, doc, &c, 1, &first, &err), SK_OK);
}

/* An older release kept clearances on identities: the first start records them as decisions. */
static void test_migration(void **state)
{
	struct model_new_identity ni = {"legacy.one", "Lena Legacy", CLEAR_NONE};
	struct model_new_identity ni2 = {"legacy.two", "Lars Legacy", CLEAR_NONE};
	struct model_err err = {0};
	char otp[32], v[16], sql[256];
	int64_t a = 0, b = 0, pa;
	json_t *d;

	(void)state;
	assert_int_equal(model_identity_create(g_fx.model, 0, &ni, &a, otp, sizeof(otp), &err),
	                 SK_OK);
	assert_int_equal(model_identity_create(g_fx.model, 0, &ni2, &b, otp, sizeof(otp), &err),
	                 SK_OK);
	pa = regfx_person(g_fx.model, &reg, "Lena Legacy", "", a); /* one with a person */
	snprintf(sql, sizeof(sql),
	         "UPDATE identity SET clearance = CASE id WHEN %lld THEN 'H' ELSE 'K' END WHERE id "
	         "IN (%lld, %lld)",
	         (long long)a, (long long)a, (long long)b);
	d = json_pack("{s:s}", "sql", sql);
	assert_int_equal(store_append(g_fx.store, 0, "legacy.identity", "identity/1", d, NULL),
	                 SK_OK);
	json_decref(d);
	assert_string_equal(login_clearance(a), "none"); /* the column is not read */
	assert_int_equal(model_clearance_migrate(g_fx.model), SK_OK);
	assert_string_equal(login_clearance(a), "H");
	assert_string_equal(login_clearance(b), "K");
	assert_string_equal(regfx_sql_text(&g_fx,
	                                   "SELECT basis FROM clearance WHERE person_id = ?1 AND "
	                                   "state = 'active'",
	                                   pa, v, sizeof(v)),
	                    "migrated");
	assert_true(records_person_of_identity(g_fx.rd, b) > 0); /* a person was recorded */
	assert_int_equal(regfx_sql_int(&g_fx, "SELECT count(*) FROM identity WHERE clearance != "
	                                      "'none'"),
	                 0);
	/* a second start finds nothing to do */
	{
		uint64_t n = regfx_ledger_size(&g_fx);

		assert_int_equal(model_clearance_migrate(g_fx.model), SK_OK);
		assert_int_equal(regfx_ledger_size(&g_fx), n);
	}
}

/* ---- sealed data and culling ---- */

struct seal_cmd {
	struct model *m;
	int64_t person;
	const char *field, *plain;
	json_t *out;
};

static int seal_fn(struct store_tx *tx, void *arg)
{
	struct seal_cmd *c = arg;

	return pdata_tx_seal(tx, c->m, c->person, c->field, c->plain, &c->out);
}

static int seal(int64_t person, const char *field, const char *plain, char *out, size_t cap)
{
	struct seal_cmd c = {g_fx.model, person, field, plain, NULL};
	struct model_err err = {0};
	int rc = model_submit(g_fx.model, seal_fn, &c, &err);

	if (!rc)
		snprintf(out, cap, "%s", json_string_value(c.out));
	json_decref(c.out);
	return rc;
}

/* Does file path hold the n bytes at b? */
static bool file_has(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *all;
	long len;
	bool yes = false;

	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	all = malloc((size_t)len + 1);
	if (all && fread(all, 1, (size_t)len, f) == (size_t)len)
		yes = memmem(all, (size_t)len, b, n) != NULL;
	free(all);
	fclose(f);
	return yes;
}

static void test_seal_and_cull(void **state)
{
	static const char secret[] = "Intervjun: skuld hos en spelbolag, 480 000 kr";
	char sealed[4096], other[4096], path[256], wal[256];
	uint8_t key[128];
	size_t klen = 0;
	struct store_q *q;
	struct model_err err;
	int64_t p = regfx_person(g_fx.model, &reg, "Gunnar Gallras", "Drift", 0), id = p;
	char *plain = NULL;

	(void)state;
	assert_int_equal(seal(p, "notes", secret, sealed, sizeof(sealed)), SK_OK);
	assert_true(strncmp(sealed, PDATA_PREFIX, strlen(PDATA_PREFIX)) == 0);
	assert_null(strstr(sealed, "spelbolag"));
	assert_int_equal(pdata_open(g_fx.model, g_fx.rd, p, "notes", sealed, &plain), SK_OK);
	assert_string_equal(plain, secret);
	free(plain);
	/* bound to the person and the field */
	assert_int_equal(pdata_open(g_fx.model, g_fx.rd, p, "other", sealed, &plain), SK_ECORRUPT);
	assert_int_equal(pdata_open(g_fx.model, g_fx.rd, p_olle, "notes", sealed, &plain),
	                 SK_ENOTFOUND); /* Olle has no key */
	assert_int_equal(seal(p_olle, "notes", "x", other, sizeof(other)), SK_OK);
	assert_int_equal(pdata_open(g_fx.model, g_fx.rd, p_olle, "notes", sealed, &plain),
	                 SK_ECORRUPT);
	assert_int_equal(pdata_open(g_fx.model, g_fx.rd, p, "notes", "pd1:!!", &plain),
	                 SK_ECORRUPT);
	/* the stored (wrapped) key, to look for in the files */
	assert_int_equal(
	        store_reader_query(g_fx.rd, "SELECT key FROM person_key WHERE person_id = ?1", &q),
	        SK_OK);
	store_q_bind_int(q, 1, p);
	assert_int_equal(store_q_step(q), SK_OK);
	{
		const void *b = store_q_blob(q, 0, &klen);

		assert_true(klen > 32 && klen <= sizeof(key));
		memcpy(key, b, klen);
	}
	store_q_done(q);
	snprintf(path, sizeof(path), "%s/skydd.db", g_fx.dir);
	snprintf(wal, sizeof(wal), "%s/skydd.db-wal", g_fx.dir);
	assert_true(file_has(path, key, klen) || file_has(wal, key, klen));
	/* culling: a recorded decision, once; not by the registrar */
	assert_int_equal(
	        run(&reg, "persons", "cull", json_pack("{s:s}", "cull_ref", "G-1"), &id, &err),
	        SK_EPERM);
	assert_int_equal(run(&pers, "persons", "cull", json_object(), &id, &err), SK_EINVAL);
	assert_string_equal(err.field, "cull_ref");
	assert_int_equal(run(&pers, "persons", "cull", json_pack("{s:s}", "cull_ref", "Gallring 1"),
	                     &id, &err),
	                 SK_OK);
	assert_int_equal(run(&pers, "persons", "cull", json_pack("{s:s}", "cull_ref", "Gallring 2"),
	                     &id, &err),
	                 SK_EEXIST);
	store_reader_end(g_fx.rd);
	assert_int_equal(pdata_open(g_fx.model, g_fx.rd, p, "notes", sealed, &plain), SK_ENOTFOUND);
	assert_null(plain);
	assert_false(pdata_has_key(g_fx.rd, p));
	assert_int_equal(seal(p, "notes", "ny uppgift", other, sizeof(other)), SK_ERULE);
	/* the key is gone from the database file and the WAL */
	assert_false(file_has(path, key, klen));
	assert_false(file_has(wal, key, klen));
}

/* Everything above — decisions, migration entries, the culling — replays byte for byte. */
static void test_replay(void **state)
{
	(void)state;
	regfx_verify_replay(&g_fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_decide_withdraw),
	        cmocka_unit_test(test_login_from_person),
	        cmocka_unit_test(test_copy_needs_clearance),
	        cmocka_unit_test(test_migration),
	        cmocka_unit_test(test_seal_and_cull),
	        cmocka_unit_test(test_replay),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
