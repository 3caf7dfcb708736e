/*
 * The register fixture shared by the model suites: a fresh store and model in
 * a temporary directory, identities with one grant, persons, the ledger size.
 * Include after testutil.h.
 */
#ifndef SKYDD_REGFIXTURE_H
#define SKYDD_REGFIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "model/model.h"
#include "model/records.h"
#include "model/register.h"
#include "records_compat.h"
#include "rules/rules.h"
#include "store/store.h"

struct reg_fixture {
	char dir[64];
	struct store *store;
	struct model *model;
	struct store_reader *rd; /* NULL unless opened with REGFX_READER */
};

enum {
	REGFX_READER = 1,  /* open a reader of our own (fx->rd) */
	REGFX_FAST_PW = 2, /* the cheapest argon2id cost (suites that log in) */
	REGFX_CLEAR = 4,   /* store_clear_projections() before registering the model */
};

/*
 * Makes a register in a new directory from tmpl ("/tmp/skydd-x-XXXXXX").
 * extra: NULL, or a NULL-terminated list of projections registered after the
 * clear and before the model's own.
 */
static inline void regfx_open(struct reg_fixture *fx, const char *tmpl, unsigned flags,
                              const struct store_projection *const *extra)
{
	char vkey[256];

	memset(fx, 0, sizeof(*fx));
	if (flags & REGFX_FAST_PW)
		assert_int_equal(auth_password_set_cost(crypto_pwhash_OPSLIMIT_MIN,
		                                        crypto_pwhash_MEMLIMIT_MIN),
		                 SK_OK);
	snprintf(fx->dir, sizeof(fx->dir), "%s", tmpl);
	assert_non_null(mkdtemp(fx->dir));
	assert_int_equal(store_init(fx->dir, NULL, vkey, sizeof(vkey)), SK_OK);
	if (flags & REGFX_CLEAR)
		store_clear_projections();
	for (; extra && *extra; extra++)
		assert_int_equal(store_register_projection(*extra), SK_OK);
	model_register();
	rules_register();
	assert_int_equal(store_open(fx->dir, NULL, &fx->store), SK_OK);
	assert_int_equal(model_open(fx->store, fx->dir, NULL, &fx->model), SK_OK);
	if (flags & REGFX_READER)
		assert_int_equal(store_reader_open(fx->dir, &fx->rd), SK_OK);
}

/* Closes everything and removes the directory (kept when $SKYDD_TEST_KEEP is set). */
static inline void regfx_close(struct reg_fixture *fx)
{
	char cmd[128];

	if (fx->rd)
		store_reader_close(fx->rd);
	model_close(fx->model);
	store_close(fx->store);
	if (getenv("SKYDD_TEST_KEEP")) {
		print_message("kept %s\n", fx->dir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
}

/* The ledger's size, read by fx->rd or else by this thread's model reader. */
static inline uint64_t regfx_ledger_size(const struct reg_fixture *fx)
{
	struct store_reader *r = fx->rd ? fx->rd : model_reader(fx->model);
	uint64_t n = 0;

	assert_non_null(r);
	assert_int_equal(store_reader_size(r, &n), SK_OK);
	return n;
}

/* The first column of sql's first row by fx->rd: -1 for no row, -2 for NULL. */
static inline int64_t regfx_sql_int(const struct reg_fixture *fx, const char *sql)
{
	struct store_q *q;
	int64_t v = -1;

	assert_int_equal(store_reader_query(fx->rd, sql, &q), SK_OK);
	if (store_q_step(q) == SK_OK)
		v = store_q_is_null(q, 0) ? -2 : store_q_int(q, 0);
	store_q_done(q);
	return v;
}

/* The first column of sql's first row (?1 bound to id) by fx->rd as text: "" for no row or NULL. */
static inline const char *regfx_sql_text(const struct reg_fixture *fx, const char *sql, int64_t id,
                                         char *out, size_t cap)
{
	struct store_q *q;

	out[0] = '\0';
	assert_int_equal(store_reader_query(fx->rd, sql, &q), SK_OK);
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		snprintf(out, cap, "%s", store_q_text(q, 0));
	store_q_done(q);
	return out;
}

/* The UTC day days from today (YYYY-MM-DD). */
static inline void regfx_today_plus(int days, char out[11])
{
	char t[SK_TIME_LEN + 1];

	sk_time_format(sk_now_us() + (int64_t)days * 86400 * INT64_C(1000000), t);
	memcpy(out, t, 10);
	out[10] = '\0';
}

/*
 * A new identity name with clearance cl and one grant of role r from day
 * from (NULL: today); until ends the grant of a privileged role (which needs
 * an end), other roles' grants are open-ended. Fills p as that caller and
 * returns the grant's id.
 */
static inline int64_t regfx_identity(struct model *m, struct principal *p, const char *name,
                                     enum role r, enum clearance cl, const char *from,
                                     const char *until)
{
	struct model_new_identity ni = {name, name, cl};
	struct model_err err = {0};
	char otp[32], today[11];
	int64_t gid = 0;

	memset(p, 0, sizeof(*p));
	if (model_identity_create(m, 0, &ni, &p->id, otp, sizeof(otp), &err) != SK_OK)
		fail_msg("identity %s: %s", name, err.msg);
	model_today(today);
	struct model_new_grant g = {p->id, r, "TEST-1", from ? from : today,
	                            role_privileged(r) ? until : NULL};
	if (model_grant_create(m, 0, &g, &gid, &err) != SK_OK)
		fail_msg("grant %s: %s", name, err.msg);
	snprintf(p->username, sizeof(p->username), "%s", name);
	p->roles = ROLE_BIT(r);
	p->clearance = cl;
	return gid;
}

/*
 * regfx_identity without a clearance decision (so without a person): p
 * carries clearance cl for the model's reads, and the suite's SQL fixtures
 * make the persons and their clearances themselves.
 */
static inline int64_t regfx_identity_bare(struct model *m, struct principal *p, const char *name,
                                          enum role r, enum clearance cl, const char *from,
                                          const char *until)
{
	int64_t gid = regfx_identity(m, p, name, r, CLEAR_NONE, from, until);

	p->clearance = cl;
	return gid;
}

/* skydd verify --replay over the fixture's instance: fails the test naming the problem. */
static inline void regfx_verify_replay(const struct reg_fixture *fx)
{
	struct store_verify_opts o = {.replay = true};
	struct store_verify_result r;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = store_verify(fx->dir, &o, &r);
	if (rc != SK_OK)
		fail_msg("verify --replay: %s: %s", sk_strerror(rc), r.problem);
}

/* A clearance decision of class for person, made by decider (an ssc). */
static inline int64_t regfx_clear(struct model *m, const struct principal *decider, int64_t person,
                                  const char *cls)
{
	json_t *in = json_pack("{s:I, s:s}", "person_id", (json_int_t)person, "class", cls);
	struct model_err err = {0};
	int64_t id = 0;

	if (reg_run(m, decider, "clearances", "decide", in, &id, &err) != SK_OK)
		fail_msg("clearance of %lld: %s (%s)", (long long)person, err.msg, err.field);
	json_decref(in);
	return id;
}

/* A person of unit in the records register, made by reg; identity_id 0: none. */
static inline int64_t regfx_person(struct model *m, const struct principal *reg, const char *name,
                                   const char *unit, int64_t identity_id)
{
	struct records_person n = {name, unit, identity_id};
	struct model_err err = {0};
	int64_t id = 0;

	/* a login with a clearance has its person already (its decision is on them) */
	id = identity_id > 0 ? records_person_of_identity(model_reader(m), identity_id) : 0;
	if (id > 0) {
		json_t *in = json_pack("{s:s, s:s}", "name", name, "unit", unit ? unit : "");

		if (reg_run(m, reg, "persons", "update", in, &id, &err) != SK_OK)
			fail_msg("person %s: %s (%s)", name, err.msg, err.field);
		json_decref(in);
		return id;
	}
	if (records_person_create(m, reg, &n, &id, &err) != SK_OK)
		fail_msg("person %s: %s (%s)", name, err.msg, err.field);
	return id;
}

#endif
