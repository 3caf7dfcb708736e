/*
 * The records register: persons, approved spaces (5 kap. 8–10 §§),
 * information systems, approved distributors and storage media (3 kap. 11,
 * 21–24 §§). Each action's good path and refusals (rights, bad input, state
 * conflicts), the helpers other slices call inside their commands, and replay
 * equality after a long random sequence of actions. Documents and copies are
 * fixtures ("fixture.sql" entries applied by a test projection), so replay
 * rebuilds them too and the test does not depend on the documents slice.
 */
#include "testutil.h"
#include "regfixture.h"

#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "model/access_int.h"
#include "model/inventory.h"
#include "model/model.h"
#include "model/records.h"
#include "records_compat.h"
#include "model/register.h"
#include "store/store.h"

static struct reg_fixture g_fx;

static struct principal chief, ssc, reg, reg_k, admin, staff, auditor;

/* ---- fixtures ---- */

/*
 * The store caches statements by the SQL's address: hand it text that lives
 * as long as the process (one copy per distinct statement), never the
 * entry's own memory, which another statement may reuse once it is freed.
 */
static const char *interned(const char *sql)
{
	static char *pool[256];
	static size_t n;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(pool[i], sql) == 0)
			return pool[i];
	}
	if (n == sizeof(pool) / sizeof(pool[0]))
		return NULL;
	pool[n] = strdup(sql);
	return pool[n++];
}

static int apply_fixture(struct store_tx *tx, const struct ledger_entry *e)
{
	const char *sql = interned(json_string_value(json_object_get(e->data, "sql")));

	return sql ? store_tx_run(tx, sql, "") : SK_ENOMEM;
}

static const char *const no_tables[] = {NULL};
static const struct store_projection proj_fixture = {
        .name = "test fixtures",
        .kind_prefix = "fixture.",
        .tables = no_tables,
        .apply = apply_fixture,
};

static void fixture(const char *sql)
{
	json_t *d = json_pack("{s:s}", "sql", sql);
	int rc = store_append(g_fx.store, 0, "fixture.sql", "fixture/1", d, NULL);

	if (rc)
		fail_msg("fixture %s: %s", sql, sk_strerror(rc));
	json_decref(d);
}

/* Expects rc == want and, for a refusal, err naming field (NULL: any). Nothing logged on refusal.
 */
#define EXPECT(call, want, fld)                                                                    \
	do {                                                                                       \
		struct model_err err_ = {0};                                                       \
		uint64_t before_ = regfx_ledger_size(&g_fx);                                       \
		int rc_;                                                                           \
		struct model_err *err = &err_;                                                     \
		rc_ = (call);                                                                      \
		if (rc_ != (want))                                                                 \
			fail_msg("%s: want %s, got %s (%s: %s)", #call, sk_strerror(want),         \
			         sk_strerror(rc_), err_.field, err_.msg);                          \
		if ((want) != SK_OK && (fld) && strcmp(err_.field, (fld) ? (fld) : "") != 0)       \
			fail_msg("%s: want field '%s', got '%s' (%s)", #call, (fld) ? (fld) : "",  \
			         err_.field, err_.msg);                                            \
		if ((want) != SK_OK && regfx_ledger_size(&g_fx) != before_)                        \
			fail_msg("%s: refused, yet the ledger grew", #call);                       \
		(void)err;                                                                         \
	} while (0)

static int group_setup(void **state)
{
	char today[11], until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-rec-XXXXXX", REGFX_READER | REGFX_CLEAR,
	           (const struct store_projection *const[]){&proj_fixture, NULL});
	model_today(today);
	model_plus_year(today, until); /* the end of privileged grants */
	regfx_identity(g_fx.model, &chief, "chief.one", ROLE_CHIEF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &ssc, "ssc.one", ROLE_SSC, CLEAR_KH, NULL, until);
	regfx_identity_bare(g_fx.model, &reg, "reg.one", ROLE_REGISTRAR, CLEAR_H, NULL, until);
	regfx_identity(g_fx.model, &reg_k, "reg.two", ROLE_REGISTRAR, CLEAR_K, NULL, until);
	regfx_identity(g_fx.model, &admin, "admin.one", ROLE_ADMIN, CLEAR_NONE, NULL, until);
	regfx_identity_bare(g_fx.model, &staff, "staff.one", ROLE_STAFF, CLEAR_KH, NULL, until);
	regfx_identity(g_fx.model, &auditor, "aud.one", ROLE_AUDITOR, CLEAR_KH, NULL, until);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* ---- small constructors ---- */

static int64_t person_new(const char *name, int64_t identity)
{
	struct records_person n = {name, "Unit A", identity};
	struct model_err err = {0};
	int64_t id = 0;

	if (records_person_create(g_fx.model, &reg, &n, &id, &err))
		fail_msg("person %s: %s", name, err.msg);
	return id;
}

static int64_t space_new(const struct principal *p, const char *kind, int class)
{
	struct records_space s = {kind, "Rum", "Plan 2", class, NULL, "BESLUT-1"};
	struct model_err err = {0};
	int64_t id = 0;

	if (records_space_create(g_fx.model, p, &s, &id, &err))
		fail_msg("space: %s", err.msg);
	return id;
}

static int64_t medium_new(const char *ident, int class, int64_t space, int64_t holder)
{
	struct records_medium n = {ident, "usb", class, NULL, 0, space, holder, 0};
	struct model_err err = {0};
	int64_t id = 0;

	if (records_medium_create(g_fx.model, &reg, &n, &id, &err))
		fail_msg("medium %s: %s", ident, err.msg);
	return id;
}

/* ---- persons ---- */

static void test_persons(void **state)
{
	struct records_person n = {"Eva Ek", "Enhet 1", 0}, bad = {"", NULL, 0};
	struct records_person ghost = {"Gösta", NULL, 999999}, plain = {"Utan Konto", NULL, 0};
	struct records_person linked = {"Reg One", NULL, reg.id};
	struct records_person rename = {"Eva Ekström", NULL, -1}, nothing = {NULL, NULL, -1};
	struct records_person unlink = {NULL, NULL, 0};
	int64_t id = 0, lid = 0, sp, med;
	json_t *o;
	char today[11];

	(void)state;
	EXPECT(records_person_create(g_fx.model, &reg, &n, &id, err), SK_OK, NULL);
	assert_true(id > 0);
	o = records_person_get(g_fx.model, id);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "Eva Ek");
	assert_string_equal(json_string_value(json_object_get(o, "status")), "active");
	assert_true(json_is_null(json_object_get(o, "identity_id")));
	json_decref(o);

	/* rights and bad input */
	EXPECT(records_person_create(g_fx.model, &staff, &n, NULL, err), SK_EPERM, NULL);
	EXPECT(records_person_create(g_fx.model, &auditor, &n, NULL, err), SK_EPERM, NULL);
	EXPECT(records_person_create(g_fx.model, &admin, &plain, NULL, err), SK_EPERM,
	       "identity_id");
	EXPECT(records_person_create(g_fx.model, &reg, &bad, NULL, err), SK_EINVAL, "name");
	EXPECT(records_person_create(g_fx.model, &reg, &ghost, NULL, err), SK_ENOTFOUND,
	       "identity_id");

	/* an admin records a person with a login; the login is one person's only */
	EXPECT(records_person_create(g_fx.model, &admin, &linked, &lid, err), SK_OK, NULL);
	assert_int_equal(records_person_of_identity(g_fx.rd, reg.id), lid);
	assert_int_equal(records_person_of_identity(g_fx.rd, staff.id), 0);
	EXPECT(records_person_create(g_fx.model, &ssc, &linked, NULL, err), SK_EEXIST,
	       "identity_id");
	EXPECT(records_person_update(g_fx.model, &admin, lid, &unlink, err), SK_EPERM,
	       "identity_id");
	EXPECT(records_person_update(g_fx.model, &admin, id, &rename, err), SK_EPERM,
	       "identity_id");

	/* update */
	EXPECT(records_person_update(g_fx.model, &reg, id, &rename, err), SK_OK, NULL);
	EXPECT(records_person_update(g_fx.model, &reg, id, &nothing, err), SK_EINVAL, NULL);
	EXPECT(records_person_update(g_fx.model, &reg, 424242, &rename, err), SK_ENOTFOUND, "id");
	EXPECT(records_person_update(g_fx.model, &staff, id, &rename, err), SK_EPERM, NULL);
	EXPECT(records_person_update(g_fx.model, &reg, lid, &unlink, err), SK_OK, NULL);
	assert_int_equal(records_person_of_identity(g_fx.rd, reg.id), 0);
	o = records_person_get(g_fx.model, id);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "Eva Ekström");
	assert_string_equal(json_string_value(json_object_get(o, "unit")), "Enhet 1");
	json_decref(o);

	/* ending: refused while holding a medium or an issued copy, naming them */
	sp = space_new(&ssc, "container", CLEAR_H);
	med = medium_new("USB-P1", CLEAR_K, 0, id);
	{
		struct model_err err = {0};

		assert_int_equal(records_person_end(g_fx.model, &reg, id, NULL, &err), SK_EEXIST);
		assert_non_null(strstr(err.msg, "medium"));
	}
	struct records_medium move = {NULL, NULL, 0, NULL, -1, sp, 0, 0};
	EXPECT(records_medium_update(g_fx.model, &reg, med, &move, err), SK_OK, NULL);
	fixture("INSERT INTO document (id, designation, title, class, form, registered_on, status, "
	        "created_at, created_by, updated_at) VALUES (9001, 'P-1', 'T', 'K', 'physical', "
	        "'2026-01-01', 'active', 'T', 0, 'T')");
	{
		char sql[512];
		struct model_err err = {0};

		snprintf(sql, sizeof(sql),
		         "INSERT INTO copy (id, document_id, number, state, holder_person_id, "
		         "created_at, updated_at) VALUES (9001, 9001, 1, 'issued', %lld, 'T', 'T')",
		         (long long)id);
		fixture(sql);
		assert_int_equal(records_person_end(g_fx.model, &reg, id, NULL, &err), SK_EEXIST);
		assert_non_null(strstr(err.msg, "copy 9001"));
		/* a copy made straight into their hands counts too */
		fixture("UPDATE copy SET state = 'in_register' WHERE id = 9001");
		memset(&err, 0, sizeof(err));
		assert_int_equal(records_person_end(g_fx.model, &reg, id, NULL, &err), SK_EEXIST);
		assert_non_null(strstr(err.msg, "copy 9001"));
		fixture("UPDATE copy SET state = 'returned', holder_person_id = NULL WHERE id = "
		        "9001");
	}
	model_today(today);
	EXPECT(records_person_end(g_fx.model, &reg, id, "2999-01-01", err), SK_EINVAL, "ended_on");
	EXPECT(records_person_end(g_fx.model, &staff, id, NULL, err), SK_EPERM, NULL);
	EXPECT(records_person_end(g_fx.model, &reg, id, NULL, err), SK_OK, NULL);
	EXPECT(records_person_end(g_fx.model, &reg, id, NULL, err), SK_EEXIST, "id");
	EXPECT(records_person_end(g_fx.model, &reg, 424242, NULL, err), SK_ENOTFOUND, "id");
	o = records_person_get(g_fx.model, id);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "ended");
	assert_string_equal(json_string_value(json_object_get(o, "ended_on")), today);
	json_decref(o);
	o = records_person_list(g_fx.model, "ended");
	assert_true(json_array_size(o) >= 1);
	json_decref(o);
	/* an ended person holds nothing new */
	struct records_medium give = {NULL, NULL, 0, NULL, -1, 0, id, 0};
	EXPECT(records_medium_update(g_fx.model, &reg, med, &give, err), SK_ERULE, "holder_id");
}

/* ---- the helpers other slices call ---- */

struct helper_probe {
	int64_t person, space, system, distributor, identity;
	int cls;
	int person_rc, holds_rc, approved_rc, system_rc, distributor_rc;
	int64_t person_of;
};

static int probe_fn(struct store_tx *tx, void *arg)
{
	struct helper_probe *h = arg;

	h->person_rc = records_tx_person_active(tx, h->person);
	h->holds_rc = records_tx_space_holds(tx, h->space, h->cls);
	h->approved_rc = records_tx_space_approved(tx, h->space, h->cls);
	h->system_rc = records_tx_system_holds(tx, h->system, h->cls);
	h->distributor_rc = records_tx_distributor_approved(tx, h->distributor);
	h->person_of = records_tx_person_of_identity(tx, h->identity);
	return SK_OK;
}

static void probe(struct helper_probe *h)
{
	assert_int_equal(model_submit(g_fx.model, probe_fn, h, NULL), SK_OK);
}

/* ---- spaces ---- */

static void test_spaces(void **state)
{
	struct records_space kh_box = {"container", "Kassaskåp KH", "", CLEAR_KH, NULL, "B-KH"};
	struct records_space bad_kind = {"garage", "G", "", CLEAR_K, NULL, "B"};
	struct records_space no_ref = {"container", "X", "", CLEAR_K, NULL, NULL};
	struct records_space future = {"container", "X", "", CLEAR_K, "2999-01-01", "B"};
	struct records_space up = {NULL, NULL, NULL, CLEAR_KH, NULL, "B-2"};
	struct records_space down_noref = {NULL, NULL, NULL, CLEAR_BH, NULL, NULL};
	struct records_space down = {NULL, NULL, NULL, CLEAR_BH, NULL, "B-3"};
	struct records_space rename = {NULL, "Nytt namn", "Plan 3", 0, NULL, NULL};
	struct records_space nothing = {0};
	struct helper_probe h = {0};
	int64_t box, kh = 0, room, conv, med;
	json_t *o;

	(void)state;
	box = space_new(&ssc, "container", CLEAR_H);
	room = space_new(&ssc, "processing", CLEAR_KH); /* a KH room: not a container */
	conv = space_new(&chief, "conversation", CLEAR_H);
	o = records_space_get(g_fx.model, box);
	assert_string_equal(json_string_value(json_object_get(o, "max_class")), "H");
	assert_int_equal(json_integer_value(json_object_get(o, "decided_by")), ssc.id);
	assert_string_equal(json_string_value(json_object_get(o, "decision_ref")), "BESLUT-1");
	json_decref(o);

	/* 5 kap. 10 §: a KH container by the head only */
	EXPECT(records_space_create(g_fx.model, &ssc, &kh_box, NULL, err), SK_EPERM, "max_class");
	EXPECT(records_space_create(g_fx.model, &chief, &kh_box, &kh, err), SK_OK, NULL);
	EXPECT(records_space_create(g_fx.model, &reg, &kh_box, NULL, err), SK_EPERM, NULL);
	EXPECT(records_space_create(g_fx.model, &admin, &kh_box, NULL, err), SK_EPERM, NULL);
	EXPECT(records_space_create(g_fx.model, &ssc, &bad_kind, NULL, err), SK_EINVAL, "kind");
	EXPECT(records_space_create(g_fx.model, &ssc, &no_ref, NULL, err), SK_EINVAL,
	       "decision_ref");
	EXPECT(records_space_create(g_fx.model, &ssc, &future, NULL, err), SK_EINVAL, "decided_on");
	EXPECT(records_space_update(g_fx.model, &ssc, box, &up, err), SK_EPERM, "max_class");
	EXPECT(records_space_update(g_fx.model, &ssc, kh, &rename, err), SK_EPERM, "max_class");
	EXPECT(records_space_update(g_fx.model, &chief, kh, &rename, err), SK_OK, NULL);
	EXPECT(records_space_update(g_fx.model, &ssc, box, &nothing, err), SK_EINVAL, NULL);
	EXPECT(records_space_update(g_fx.model, &ssc, 9999, &rename, err), SK_ENOTFOUND, "id");
	EXPECT(records_space_update(g_fx.model, &ssc, box, &down_noref, err), SK_EINVAL,
	       "decision_ref");

	/* helpers */
	h = (struct helper_probe){.space = box, .cls = CLEAR_H};
	probe(&h);
	assert_int_equal(h.holds_rc, SK_OK);
	h.cls = CLEAR_KH;
	probe(&h);
	assert_int_equal(h.holds_rc, SK_ERULE);
	h.space = room;
	probe(&h);
	assert_int_equal(h.holds_rc, SK_ERULE); /* not a container */
	assert_int_equal(h.approved_rc, SK_OK);
	h.space = 9999;
	probe(&h);
	assert_int_equal(h.holds_rc, SK_ENOTFOUND);

	/* media need a container or processing room approved for their class */
	struct records_medium in_conv = {"USB-C1", "usb", CLEAR_K, NULL, 0, conv, 0, 0};
	struct records_medium too_high = {"USB-C2", "usb", CLEAR_H, NULL, 0, 0, 0, 0};
	EXPECT(records_medium_create(g_fx.model, &reg, &in_conv, NULL, err), SK_ERULE, "space_id");
	med = medium_new("USB-S1", CLEAR_H, box, 0);
	too_high.space_id = room;
	EXPECT(records_medium_create(g_fx.model, &reg, &too_high, NULL, err), SK_OK, NULL);

	/* lowering below what it holds, withdrawing while it holds anything: 409 */
	EXPECT(records_space_update(g_fx.model, &ssc, box, &down, err), SK_EEXIST, "max_class");
	EXPECT(records_space_withdraw(g_fx.model, &ssc, box, NULL, "flytt", err), SK_EEXIST, "id");
	fixture("INSERT INTO document (id, designation, title, class, form, registered_on, status, "
	        "created_at, created_by, updated_at) VALUES (9002, 'S-1', 'T', 'H', 'physical', "
	        "'2026-01-01', 'active', 'T', 0, 'T')");
	{
		char sql[512];

		snprintf(sql, sizeof(sql),
		         "INSERT INTO copy (id, document_id, number, state, space_id, created_at, "
		         "updated_at) VALUES (9002, 9002, 1, 'in_register', %lld, 'T', 'T')",
		         (long long)box);
		fixture(sql);
	}
	EXPECT(records_medium_end(g_fx.model, &reg, med, "decommission",
	                          &(struct records_medium_end){.method = "kross"}, NULL, err),
	       SK_OK, NULL);
	{
		struct model_err err = {0};

		assert_int_equal(records_space_withdraw(g_fx.model, &ssc, box, NULL, "flytt", &err),
		                 SK_EEXIST);
		assert_non_null(strstr(err.msg, "copy 9002"));
		assert_null(strstr(err.msg, "medium"));
	}
	fixture("UPDATE copy SET state = 'destroyed' WHERE id = 9002");
	EXPECT(records_space_withdraw(g_fx.model, &ssc, box, NULL, NULL, err), SK_EINVAL, "reason");
	EXPECT(records_space_withdraw(g_fx.model, &reg, box, NULL, "flytt", err), SK_EPERM, NULL);
	EXPECT(records_space_update(g_fx.model, &ssc, box, &down, err), SK_OK, NULL);
	EXPECT(records_space_withdraw(g_fx.model, &ssc, box, NULL, "flytt", err), SK_OK, NULL);
	EXPECT(records_space_withdraw(g_fx.model, &ssc, box, NULL, "flytt", err), SK_EEXIST, "id");
	EXPECT(records_space_update(g_fx.model, &ssc, box, &rename, err), SK_EEXIST, "id");
	EXPECT(records_space_withdraw(g_fx.model, &ssc, kh, NULL, "flytt", err), SK_EPERM,
	       "max_class");
	EXPECT(records_space_withdraw(g_fx.model, &chief, kh, NULL, "flytt", err), SK_OK, NULL);
	h = (struct helper_probe){.space = box, .cls = CLEAR_BH};
	probe(&h);
	assert_int_equal(h.holds_rc, SK_ERULE); /* withdrawn */
	o = records_space_get(g_fx.model, box);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "withdrawn");
	assert_string_equal(json_string_value(json_object_get(o, "max_class")), "BH");
	assert_string_equal(json_string_value(json_object_get(o, "decision_ref")), "B-3");
	json_decref(o);
	o = records_space_list(g_fx.model, "container", "approved");
	for (size_t i = 0; i < json_array_size(o); i++)
		assert_string_equal(
		        json_string_value(json_object_get(json_array_get(o, i), "kind")),
		        "container");
	json_decref(o);
}

/* ---- systems and distributors ---- */

/*
 * Issue 10 item 16: required text that is only white space, C1 controls and
 * bidi overrides/isolates are refused in every register's text (one rule,
 * model_text_ok); a space's decided_on must fall in the decider's role.
 */
static void test_text_hygiene(void **state)
{
	static const char *const bad_names[] = {
	        "   ",
	        "\t \xc2\xa0",  /* tab and NBSP only */
	        "\xe3\x80\x80", /* U+3000 only */
	        "Eva\xe2\x80\xae"
	        "Ek", /* U+202E RIGHT-TO-LEFT OVERRIDE */
	        "Eva\xe2\x80\xaa"
	        "Ek", /* U+202A */
	        "Eva\xe2\x81\xa6"
	        "Ek", /* U+2066 LEFT-TO-RIGHT ISOLATE */
	        "Eva\xe2\x81\xa9"
	        "Ek", /* U+2069 POP DIRECTIONAL ISOLATE */
	        "Eva\xc2\x85"
	        "Ek", /* U+0085 NEL (C1) */
	        "Eva\xc2\x9b"
	        "Ek", /* U+009B CSI (C1) */
	        "Eva\xc2\x80"
	        "Ek", /* U+0080 */
	};
	struct records_space blank_ref = {"container", "Skåp B", "", CLEAR_K, NULL, " \t "};
	struct records_space bidi_loc = {"container",
	                                 "Skåp C",
	                                 "Rum\xe2\x80\xae"
	                                 "1",
	                                 CLEAR_K,
	                                 NULL,
	                                 "B-9"};
	struct records_medium blank_mark = {"Y1", "usb", CLEAR_K, "  ", 0, 0, 0, 0};
	struct records_person good = {"Åsa Öberg-Ünal",
	                              "Enhet \xe2\x80\x8f"
	                              "2",
	                              0}; /* RLM is fine */
	struct records_person blank_unit = {"Ulla Unit", "  ", 0};
	int64_t box;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		struct records_person n = {bad_names[i], NULL, 0};

		EXPECT(records_person_create(g_fx.model, &reg, &n, NULL, err), SK_EINVAL, "name");
	}
	EXPECT(records_person_create(g_fx.model, &reg, &good, NULL, err), SK_OK, NULL);
	/* optional text: empty is "none", but white space alone is refused as well */
	EXPECT(records_person_create(g_fx.model, &reg, &blank_unit, NULL, err), SK_EINVAL, "unit");
	EXPECT(records_space_create(g_fx.model, &ssc, &blank_ref, NULL, err), SK_EINVAL,
	       "decision_ref");
	EXPECT(records_space_create(g_fx.model, &ssc, &bidi_loc, NULL, err), SK_EINVAL, "location");
	box = space_new(&ssc, "container", CLEAR_H);
	blank_mark.space_id = box;
	EXPECT(records_medium_create(g_fx.model, &reg, &blank_mark, NULL, err), SK_EINVAL,
	       "marking");
}

static void test_space_decided_on(void **state)
{
	char yesterday[11], today[11];
	struct records_space before = {"container", "Skåp före", "", CLEAR_K, NULL, "B-10"};
	struct records_space on_day = {"container", "Skåp i dag", "", CLEAR_K, NULL, "B-11"};
	struct records_space kh_before = {"container", "KH före", "", CLEAR_KH, NULL, "B-12"};
	struct records_space change = {NULL, NULL, NULL, 0, NULL, "B-13"};
	int64_t id = 0;

	(void)state;
	regfx_today_plus(-1, yesterday);
	model_today(today);
	/* the ssc's and the chief's grants start today: yesterday's decision was not theirs */
	before.decided_on = yesterday;
	EXPECT(records_space_create(g_fx.model, &ssc, &before, NULL, err), SK_ERULE, "decided_on");
	kh_before.decided_on = yesterday;
	EXPECT(records_space_create(g_fx.model, &chief, &kh_before, NULL, err), SK_ERULE,
	       "decided_on");
	on_day.decided_on = today;
	EXPECT(records_space_create(g_fx.model, &ssc, &on_day, &id, err), SK_OK, NULL);
	change.decided_on = yesterday;
	EXPECT(records_space_update(g_fx.model, &ssc, id, &change, err), SK_ERULE, "decided_on");
	change.decided_on = today;
	EXPECT(records_space_update(g_fx.model, &ssc, id, &change, err), SK_OK, NULL);
}

static void test_systems_distributors(void **state)
{
	struct records_system s = {"Ärendesystem", CLEAR_K, "IS-1", NULL};
	struct records_system dup = {"Ärendesystem", CLEAR_H, NULL, NULL};
	struct records_system noclass = {"Annat", 0, NULL, NULL};
	struct records_system withdraw = {NULL, 0, NULL, "withdrawn"};
	struct records_system badstatus = {NULL, 0, NULL, "gone"};
	struct records_distributor d = {"Kurirbolaget", "010-123", "D-1", NULL};
	struct records_distributor d2 = {"Posten", "", "D-2", NULL};
	/* 3 kap. 12 §: approved by a decision; without its reference it is not stored */
	struct records_distributor nodecision = {"Budet", "", "", NULL};
	struct records_distributor rename = {"Posten", NULL, NULL, NULL};
	struct records_distributor dwithdraw = {NULL, NULL, NULL, "withdrawn"};
	struct helper_probe h = {0};
	int64_t sid = 0, did = 0, did2 = 0;
	json_t *o;

	(void)state;
	EXPECT(records_system_create(g_fx.model, &ssc, &s, &sid, err), SK_OK, NULL);
	EXPECT(records_system_create(g_fx.model, &reg, &s, NULL, err), SK_EPERM, NULL);
	EXPECT(records_system_create(g_fx.model, &chief, &s, NULL, err), SK_EPERM, NULL);
	EXPECT(records_system_create(g_fx.model, &ssc, &dup, NULL, err), SK_EEXIST, "name");
	EXPECT(records_system_create(g_fx.model, &ssc, &noclass, NULL, err), SK_EINVAL,
	       "max_class");
	EXPECT(records_system_update(g_fx.model, &ssc, sid, &badstatus, err), SK_EINVAL, "status");
	EXPECT(records_system_update(g_fx.model, &ssc, 9999, &withdraw, err), SK_ENOTFOUND, "id");

	h = (struct helper_probe){.system = sid, .cls = CLEAR_K};
	probe(&h);
	assert_int_equal(h.system_rc, SK_OK);
	h.cls = CLEAR_H;
	probe(&h);
	assert_int_equal(h.system_rc, SK_ERULE);

	/* a medium in a system approved for less is refused (3 kap. 1 §) */
	{
		int64_t box = space_new(&ssc, "container", CLEAR_H);
		struct records_medium m = {"DISK-S1", "disk", CLEAR_H, NULL, 1, box, 0, sid};

		EXPECT(records_medium_create(g_fx.model, &reg, &m, NULL, err), SK_ERULE,
		       "system_id");
		m.class = CLEAR_K;
		EXPECT(records_medium_create(g_fx.model, &reg, &m, NULL, err), SK_OK, NULL);
	}

	EXPECT(records_system_update(g_fx.model, &ssc, sid, &withdraw, err), SK_OK, NULL);
	h.cls = CLEAR_BH;
	probe(&h);
	assert_int_equal(h.system_rc, SK_ERULE);
	h.system = 9999;
	probe(&h);
	assert_int_equal(h.system_rc, SK_ENOTFOUND);
	o = records_system_get(g_fx.model, sid);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "withdrawn");
	assert_string_equal(json_string_value(json_object_get(o, "decision_ref")), "IS-1");
	json_decref(o);

	EXPECT(records_distributor_create(g_fx.model, &ssc, &d, &did, err), SK_OK, NULL);
	EXPECT(records_distributor_create(g_fx.model, &ssc, &d2, &did2, err), SK_OK, NULL);
	EXPECT(records_distributor_create(g_fx.model, &ssc, &nodecision, NULL, err), SK_EINVAL,
	       "decision_ref");
	EXPECT(records_distributor_create(g_fx.model, &reg, &d, NULL, err), SK_EPERM, NULL);
	EXPECT(records_distributor_create(g_fx.model, &ssc, &d, NULL, err), SK_EEXIST, "name");
	EXPECT(records_distributor_update(g_fx.model, &ssc, did, &rename, err), SK_EEXIST, "name");
	h = (struct helper_probe){.distributor = did};
	probe(&h);
	assert_int_equal(h.distributor_rc, SK_OK);
	EXPECT(records_distributor_update(g_fx.model, &ssc, did, &dwithdraw, err), SK_OK, NULL);
	probe(&h);
	assert_int_equal(h.distributor_rc, SK_ERULE);
	h.distributor = 9999;
	probe(&h);
	assert_int_equal(h.distributor_rc, SK_ENOTFOUND);
	o = records_distributor_list(g_fx.model);
	assert_true(json_array_size(o) >= 2);
	json_decref(o);
}

/* ---- media ---- */

static void test_media(void **state)
{
	int64_t box = space_new(&ssc, "container", CLEAR_H),
	        low = space_new(&ssc, "container", CLEAR_K);
	int64_t holder = person_new("Hanna Håll", 0), witness = person_new("Vera Vittne", 0);
	int64_t med, m2, m3, m4, out = 0;
	struct records_medium both = {"X1", "usb", CLEAR_K, NULL, 0, box, holder, 0};
	struct records_medium neither = {"X2", "usb", CLEAR_K, NULL, 0, 0, 0, 0};
	struct records_medium badtype = {"X3", "floppy", CLEAR_K, NULL, 0, box, 0, 0};
	struct records_medium kh = {"X4", "usb", CLEAR_KH, NULL, 0, box, 0, 0};
	struct records_medium above = {"X5", "usb", CLEAR_H, NULL, 0, low, 0, 0};
	struct records_medium noone = {"X6", "usb", CLEAR_K, NULL, 0, 0, 424242, 0};
	struct records_medium hand = {NULL, NULL, 0, NULL, -1, 0, holder, 0};
	struct records_medium raise = {NULL, NULL, CLEAR_H, NULL, -1, low, 0, 0};
	struct records_medium relabel = {NULL, "disk", 0, "H FIXED-1", 1, 0, 0, 0};
	struct records_medium_end nomethod = {0}, method = {.method = "överskrivning"};
	struct records_medium_end destroy = {.method = "kross", .performer_id = 0};
	struct records_medium_end lost = {.note = "saknas vid inventering"};
	json_t *o, *l;

	(void)state;
	med = medium_new("USB-0001", CLEAR_H, box, 0);
	o = records_medium_get(g_fx.model, &reg, med);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "marking")), "H USB-0001");
	assert_string_equal(json_string_value(json_object_get(o, "state")), "in_use");
	assert_int_equal(json_integer_value(json_object_get(o, "space_id")), box);
	json_decref(o);
	/* clearance: a K reader does not see an H medium, in lists or one by one */
	assert_null(records_medium_get(g_fx.model, &reg_k, med));
	l = records_medium_list(g_fx.model, &reg_k, NULL);
	for (size_t i = 0; i < json_array_size(l); i++)
		assert_int_not_equal(
		        json_integer_value(json_object_get(json_array_get(l, i), "id")), med);
	json_decref(l);
	l = records_medium_list(g_fx.model, &admin, NULL);
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
	EXPECT(records_medium_update(g_fx.model, &reg_k, med, &hand, err), SK_ENOTFOUND, "id");

	/* bad input and rules */
	EXPECT(records_medium_create(g_fx.model, &reg, &both, NULL, err), SK_EINVAL, "space_id");
	EXPECT(records_medium_create(g_fx.model, &reg, &neither, NULL, err), SK_EINVAL, "space_id");
	EXPECT(records_medium_create(g_fx.model, &reg, &badtype, NULL, err), SK_EINVAL, "type");
	EXPECT(records_medium_create(g_fx.model, &reg, &kh, NULL, err), SK_EPERM, "class");
	EXPECT(records_medium_create(g_fx.model, &ssc, &kh, NULL, err), SK_ERULE, "space_id");
	EXPECT(records_medium_create(g_fx.model, &reg, &above, NULL, err), SK_ERULE, "space_id");
	EXPECT(records_medium_create(g_fx.model, &reg, &noone, NULL, err), SK_ENOTFOUND,
	       "holder_id");
	EXPECT(records_medium_create(g_fx.model, &staff, &above, NULL, err), SK_EPERM, NULL);
	EXPECT(records_medium_create(g_fx.model, &auditor, &above, NULL, err), SK_EPERM, NULL);
	{
		struct records_medium dup = {"USB-0001", "usb", CLEAR_K, NULL, 0, box, 0, 0};

		EXPECT(records_medium_create(g_fx.model, &reg, &dup, NULL, err), SK_EEXIST,
		       "identifier");
	}

	/* update: hand over, move, relabel */
	EXPECT(records_medium_update(g_fx.model, &reg, med, &hand, err), SK_OK, NULL);
	o = records_medium_get(g_fx.model, &reg, med);
	assert_true(json_is_null(json_object_get(o, "space_id")));
	assert_int_equal(json_integer_value(json_object_get(o, "holder_id")), holder);
	json_decref(o);
	m2 = medium_new("USB-0002", CLEAR_K, low, 0);
	EXPECT(records_medium_update(g_fx.model, &reg, m2, &raise, err), SK_ERULE, "space_id");
	raise.space_id = box;
	EXPECT(records_medium_update(g_fx.model, &reg, m2, &raise, err), SK_OK, NULL);
	EXPECT(records_medium_update(g_fx.model, &reg, m2, &relabel, err), SK_OK, NULL);
	o = records_medium_get(g_fx.model, &reg, m2);
	assert_string_equal(json_string_value(json_object_get(o, "class")), "H");
	assert_string_equal(json_string_value(json_object_get(o, "type")), "disk");
	assert_string_equal(json_string_value(json_object_get(o, "marking")), "H FIXED-1");
	assert_true(json_is_true(json_object_get(o, "fixed")));
	assert_int_equal(json_integer_value(json_object_get(o, "space_id")), box);
	json_decref(o);
	{
		struct records_medium nothing = {NULL, NULL, 0, NULL, -1, 0, 0, 0};

		EXPECT(records_medium_update(g_fx.model, &reg, m2, &nothing, err), SK_EINVAL, NULL);
	}

	/* decommission, reuse (3 kap. 24 §) */
	EXPECT(records_medium_end(g_fx.model, &reg, m2, "decommission", &nomethod, NULL, err),
	       SK_EINVAL, "method");
	EXPECT(records_medium_end(g_fx.model, &staff, m2, "decommission", &method, NULL, err),
	       SK_EPERM, NULL);
	EXPECT(records_medium_end(g_fx.model, &reg, m2, "decommission", &method, NULL, err), SK_OK,
	       NULL);
	EXPECT(records_medium_end(g_fx.model, &reg, m2, "decommission", &method, NULL, err),
	       SK_EEXIST, "id");
	EXPECT(records_medium_end(g_fx.model, &reg, m2, "lost", &lost, NULL, err), SK_EEXIST, "id");
	EXPECT(records_medium_update(g_fx.model, &reg, m2, &relabel, err), SK_EEXIST, "id");
	EXPECT(records_medium_end(g_fx.model, &reg, m2, "reuse", &method, NULL, err), SK_OK, NULL);
	o = records_medium_get(g_fx.model, &reg, m2);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "reused");
	assert_string_equal(json_string_value(json_object_get(o, "end_method")), "överskrivning");
	assert_int_equal(json_integer_value(json_object_get(o, "ended_by")), reg.id);
	json_decref(o);

	/* destroy (3 kap. 22–23 §§): a record with performer and witness */
	m3 = medium_new("USB-0003", CLEAR_K, box, 0);
	EXPECT(records_medium_end(g_fx.model, &reg, m3, "destroy", &destroy, NULL, err), SK_EINVAL,
	       "performer_id");
	destroy.performer_id = 424242;
	EXPECT(records_medium_end(g_fx.model, &reg, m3, "destroy", &destroy, NULL, err),
	       SK_ENOTFOUND, "performer_id");
	destroy.performer_id = holder;
	destroy.witness_id = holder;
	EXPECT(records_medium_end(g_fx.model, &reg, m3, "destroy", &destroy, NULL, err), SK_EINVAL,
	       "witness_id");
	destroy.witness_id = witness;
	destroy.on = "2999-12-31";
	EXPECT(records_medium_end(g_fx.model, &reg, m3, "destroy", &destroy, NULL, err), SK_EINVAL,
	       "destroyed_on");
	destroy.on = "2026-01-05";
	EXPECT(records_medium_end(g_fx.model, &reg, m3, "destroy", &destroy, &out, err), SK_OK,
	       NULL);
	assert_true(out > 0);
	o = records_medium_get(g_fx.model, &reg, m3);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "destroyed");
	assert_int_equal(json_integer_value(
	                         json_object_get(json_object_get(o, "destruction"), "witness_id")),
	                 witness);
	json_decref(o);
	{
		char sql[256];

		snprintf(
		        sql, sizeof(sql),
		        "SELECT count(*) FROM destruction WHERE id = %lld AND medium_id = %lld AND "
		        "copy_id IS NULL AND destroyed_on = '2026-01-05' AND recorded_by = %lld",
		        (long long)out, (long long)m3, (long long)reg.id);
		assert_int_equal(regfx_sql_int(&g_fx, sql), 1);
	}
	EXPECT(records_medium_end(g_fx.model, &reg, m3, "destroy", &destroy, NULL, err), SK_EEXIST,
	       "id");

	/* lost: opens a lost case */
	m4 = medium_new("USB-0004", CLEAR_K, 0, holder);
	EXPECT(records_medium_end(g_fx.model, &reg, m4, "lost", &(struct records_medium_end){0},
	                          NULL, err),
	       SK_EINVAL, "note");
	EXPECT(records_medium_end(g_fx.model, &reg, m4, "lost", &lost, &out, err), SK_OK, NULL);
	{
		char sql[256];

		snprintf(sql, sizeof(sql),
		         "SELECT count(*) FROM lost_case WHERE id = %lld AND item_type = 'medium' "
		         "AND item_id = %lld AND state = 'open' AND prior_state = 'in_use'",
		         (long long)out, (long long)m4);
		assert_int_equal(regfx_sql_int(&g_fx, sql), 1);
	}
	o = records_medium_get(g_fx.model, &reg, m4);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "lost");
	assert_int_equal(json_array_size(json_object_get(o, "lost_cases")), 1);
	json_decref(o);
	EXPECT(records_medium_end(g_fx.model, &reg, m4, "bogus", &lost, NULL, err), SK_EINVAL,
	       NULL);
	/* found again (the inventory slice resolves the case): back in use, then lost for good */
	EXPECT(inventory_lost_resolve(g_fx.model, &reg, out, true, "hittad", err), SK_OK, NULL);
	o = records_medium_get(g_fx.model, &reg, m4);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "in_use");
	json_decref(o);
	EXPECT(records_medium_end(g_fx.model, &reg, m4, "lost", &lost, &out, err), SK_OK, NULL);
	l = records_medium_list(g_fx.model, &reg, "lost");
	assert_int_equal(json_array_size(l), 1);
	json_decref(l);
	/* a lost medium is no longer held: its holder may end */
	EXPECT(records_medium_end(g_fx.model, &reg, med, "decommission", &method, NULL, err), SK_OK,
	       NULL);
	EXPECT(records_person_end(g_fx.model, &reg, holder, NULL, err), SK_OK, NULL);
}

/* ---- a service token's acts are traceable to the token ---- */

static int last_entry(void *ctx, const struct store_entry_row *row)
{
	json_t **out = ctx;

	json_decref(*out);
	*out = json_loadb(row->bytes, row->len, 0, NULL);
	return 0;
}

/* The leaving view: what a person still has, within the reader's clearance. */
static json_t *leaving_of(const struct principal *p, int64_t person)
{
	json_t *o = reg_get(g_fx.model, p, reg_find("persons"), person);
	json_t *l = json_incref(json_object_get(o, "leaving"));

	assert_non_null(l);
	json_decref(o);
	return l;
}

static bool leaving_has(const json_t *l, const char *type, int64_t id)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(l, "items"), i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, "type")), type) == 0 &&
		    json_integer_value(json_object_get(x, "id")) == id)
			return true;
	}
	return false;
}

static void test_leaving(void **state)
{
	int64_t who = person_new("Lena Lämnar", 0), other = person_new("Olle Annan", 0);
	int64_t mk = medium_new("LEAVE-K", CLEAR_K, 0, who),
	        mh = medium_new("LEAVE-H", CLEAR_H, 0, who);
	int64_t mo = medium_new("LEAVE-O", CLEAR_K, 0, other);
	json_t *l;

	(void)state;
	/* the registrar cleared for H sees both media, and not the other person's */
	l = leaving_of(&reg, who);
	assert_true(leaving_has(l, "medium", mk));
	assert_true(leaving_has(l, "medium", mh));
	assert_false(leaving_has(l, "medium", mo));
	assert_int_equal(json_integer_value(json_object_get(l, "hidden")), 0);
	json_decref(l);
	/* a registrar cleared for K: the H medium is counted, not shown */
	l = leaving_of(&reg_k, who);
	assert_true(leaving_has(l, "medium", mk));
	assert_false(leaving_has(l, "medium", mh));
	assert_int_equal(json_integer_value(json_object_get(l, "hidden")), 1);
	json_decref(l);
	/* an administrator reads persons for their logins: counts only */
	l = leaving_of(&admin, who);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	assert_int_equal(json_integer_value(json_object_get(l, "hidden")), 2);
	json_decref(l);
	/* an access authorisation not withdrawn: listed until it is */
	{
		struct model_err err = {0};
		int64_t area = 0, grant = 0;
		json_t *in = json_pack("{s:s, s:s}", "name", "Lämnarens kontor", "kind", "area");

		assert_int_equal(reg_run(g_fx.model, &ssc, "areas", "add", in, &area, &err), SK_OK);
		json_decref(in);
		in = json_pack("{s:I, s:I, s:s, s:s}", "person_id", (json_int_t)who, "area_id",
		               (json_int_t)area, "decision_ref", "B-1", "valid_until",
		               "2099-12-31");
		assert_int_equal(reg_run(g_fx.model, &ssc, "access", "grant", in, &grant, &err),
		                 SK_OK);
		json_decref(in);
		l = leaving_of(&ssc, who);
		assert_true(leaving_has(l, "area_access", grant));
		json_decref(l);
		/* the registrar does not read the access register: counted, not shown */
		l = leaving_of(&reg, who);
		assert_false(leaving_has(l, "area_access", grant));
		assert_int_equal(json_integer_value(json_object_get(l, "hidden")), 1);
		json_decref(l);
		in = json_pack("{s:s}", "withdraw_reason", "slutar");
		assert_int_equal(reg_run(g_fx.model, &ssc, "access", "withdraw", in, &grant, &err),
		                 SK_OK);
		json_decref(in);
		l = leaving_of(&ssc, who);
		assert_false(leaving_has(l, "area_access", grant));
		json_decref(l);
	}
	/* a person with nothing: an empty list */
	l = leaving_of(&reg, person_new("Tom Tomhänt", 0));
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	assert_int_equal(json_integer_value(json_object_get(l, "hidden")), 0);
	json_decref(l);
}

static void test_token_traced(void **state)
{
	struct principal tok = reg;
	struct records_person n = {"Token Person", NULL, 0};
	struct store_log_filter f = {.limit = 1, .actor = -1, .newest_first = true};
	json_t *e = NULL;

	(void)state;
	tok.token_id = 77;
	EXPECT(records_person_create(g_fx.model, &tok, &n, NULL, err), SK_OK, NULL);
	assert_int_equal(store_reader_log(g_fx.rd, &f, last_entry, &e), SK_OK);
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "kind")), "person.created");
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(e, "data"), "token_id")), 77);
	json_decref(e);
	/* a token acts with its own roles */
	tok.roles = ROLE_BIT(ROLE_STAFF);
	EXPECT(records_person_create(g_fx.model, &tok, &n, NULL, err), SK_EPERM, NULL);
}

/* ---- replay equality after a long random sequence ---- */

static void test_replay_random(void **state)
{
	const struct principal *actors[] = {&chief, &ssc, &reg, &reg_k, &admin, &staff};
	static const char *const kinds[] = {"conversation", "processing", "container"};
	static const char *const ends[] = {"decommission", "reuse", "destroy", "lost"};
	struct store_verify_opts o = {.replay = true};
	struct store_verify_result r;
	unsigned seed = 4711, ok = 0;
	char name[64], path[128];
	sqlite3 *db = NULL;
	int rc;

	(void)state;
	for (int i = 0; i < 1500; i++) {
		const struct principal *p = actors[rand_r(&seed) % 6];
		int64_t a = 1 + rand_r(&seed) % 12, b = 1 + rand_r(&seed) % 12;
		int cls = 1 + rand_r(&seed) % 4;
		struct model_err err = {0};

		snprintf(name, sizeof(name), "N%d", i);
		switch (rand_r(&seed) % 11) {
		case 0: {
			struct records_person n = {name, "U", rand_r(&seed) % 3 ? 0 : a};

			rc = records_person_create(g_fx.model, p, &n, NULL, &err);
			break;
		}
		case 1: {
			struct records_person n = {rand_r(&seed) % 2 ? name : NULL, "U2",
			                           rand_r(&seed) % 3 - 1};

			rc = records_person_update(g_fx.model, p, a, &n, &err);
			break;
		}
		case 2:
			rc = records_person_end(g_fx.model, p, a, NULL, &err);
			break;
		case 3: {
			struct records_space s = {
			        kinds[rand_r(&seed) % 3], name, "L", cls, NULL, "B"};

			rc = records_space_create(g_fx.model, p, &s, NULL, &err);
			break;
		}
		case 4: {
			struct records_space s = {NULL, NULL, rand_r(&seed) % 2 ? "L2" : NULL,
			                          cls,  NULL, "B2"};

			rc = records_space_update(g_fx.model, p, a, &s, &err);
			break;
		}
		case 5:
			rc = records_space_withdraw(g_fx.model, p, a, NULL, "r", &err);
			break;
		case 6: {
			struct records_system s = {name, cls, "S", NULL};

			rc = rand_r(&seed) % 2
			             ? records_system_create(g_fx.model, p, &s, NULL, &err)
			             : records_system_update(
			                       g_fx.model, p, a,
			                       &(struct records_system){NULL, cls, NULL,
			                                                rand_r(&seed) % 2
			                                                        ? "withdrawn"
			                                                        : "approved"},
			                       &err);
			break;
		}
		case 7: {
			struct records_distributor d = {name, "c", "d", NULL};

			rc = rand_r(&seed) % 2
			             ? records_distributor_create(g_fx.model, p, &d, NULL, &err)
			             : records_distributor_update(g_fx.model, p, a,
			                                          &(struct records_distributor){
			                                                  NULL, "c2", NULL, NULL},
			                                          &err);
			break;
		}
		case 8:
		case 9: {
			struct records_medium m = {name,
			                           "usb",
			                           cls,
			                           NULL,
			                           rand_r(&seed) % 2,
			                           rand_r(&seed) % 2 ? a : 0,
			                           0,
			                           rand_r(&seed) % 3 ? 0 : b};

			if (!m.space_id)
				m.holder_id = b;
			rc = records_medium_create(g_fx.model, p, &m, NULL, &err);
			break;
		}
		default: {
			struct records_medium_end e = {"m", NULL, b, rand_r(&seed) % 2 ? 0 : a,
			                               "n"};

			if (rand_r(&seed) % 2) {
				struct records_medium m = {NULL, NULL, rand_r(&seed) % 2 ? cls : 0,
				                           NULL, -1,   rand_r(&seed) % 2 ? b : 0,
				                           0,    0};

				if (!m.space_id)
					m.holder_id = b;
				rc = records_medium_update(g_fx.model, p, a, &m, &err);
			} else {
				rc = records_medium_end(g_fx.model, p, a, ends[rand_r(&seed) % 4],
				                        &e, NULL, &err);
			}
			break;
		}
		}
		if (rc == SK_OK)
			ok++;
		else if (rc != SK_EINVAL && rc != SK_EPERM && rc != SK_ENOTFOUND &&
		         rc != SK_EEXIST && rc != SK_ERULE)
			fail_msg("step %d: unexpected %s: %s", i, sk_strerror(rc), err.msg);
	}
	print_message("random sequence: %u of 1500 actions accepted\n", ok);
	assert_true(ok > 200);

	memset(&r, 0, sizeof(r));
	rc = store_verify(g_fx.dir, &o, &r);
	if (rc != SK_OK)
		fail_msg("verify --replay: %s: %s", sk_strerror(rc), r.problem);

	/* a medium changed behind the ledger's back is found by the replay */
	snprintf(path, sizeof(path), "%s/skydd.db", g_fx.dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, "UPDATE medium SET marking = marking || 'X' WHERE id = 1",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	memset(&r, 0, sizeof(r));
	rc = store_verify(g_fx.dir, &o, &r);
	assert_int_equal(sqlite3_exec(db,
	                              "UPDATE medium SET marking = substr(marking, 1, "
	                              "length(marking) - 1) WHERE id = 1",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	if (rc != SK_EVERIFY || !strstr(r.problem, "medium"))
		fail_msg("a changed medium row: want SK_EVERIFY naming the table, got %s: %s",
		         sk_strerror(rc), r.problem);
	memset(&r, 0, sizeof(r));
	rc = store_verify(g_fx.dir, &o, &r);
	if (rc != SK_OK)
		fail_msg("verify after restoring: %s: %s", sk_strerror(rc), r.problem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_persons),
	        cmocka_unit_test(test_spaces),
	        cmocka_unit_test(test_text_hygiene),
	        cmocka_unit_test(test_space_decided_on),
	        cmocka_unit_test(test_systems_distributors),
	        cmocka_unit_test(test_media),
	        cmocka_unit_test(test_leaving),
	        cmocka_unit_test(test_token_traced),
	        cmocka_unit_test(test_replay_random),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
