/*
 * Separation of duties (issue 10, items 1–4 and 13; docs/internals/auth.md,
 * "Who decides what"): who may set clearance, grant which role, disable and
 * re-activate whom, what a service token is worth, and a stolen session
 * guessing the password. Asserted against the real model, whose writer is
 * the last line behind the route table.
 */
#include "testutil.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <time.h>

#include "model/document.h"
#include "regfixture.h"

/* An identity's clearance: the decision in force on its person (reg_clearances.c). */
#define CLEARANCE_SQL "SELECT " MODEL_CLEARANCE_OF_IDENTITY("?1", "date('now')")

#define PASSWORD "Korrekt-Hast-Batteri-77"

static struct reg_fixture g_fx;

/* The actors: one role each (two of them ssc), created and granted by the system. */
enum actor { A_ADMIN, A_SSC, A_SSC2, A_CHIEF, A_REGISTRAR, A_STAFF, A_AUDITOR, A_COUNT };

static const char *const actor_name[A_COUNT] = {"admin",     "ssc",   "ssc2",   "chief",
                                                "registrar", "staff", "auditor"};
static const enum role actor_role[A_COUNT] = {ROLE_ADMIN,     ROLE_SSC,   ROLE_SSC,    ROLE_CHIEF,
                                              ROLE_REGISTRAR, ROLE_STAFF, ROLE_AUDITOR};
static struct principal g_actor[A_COUNT];
static unsigned g_seq; /* fresh usernames */

/* ---- helpers ---- */

static void until_months(int months, char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_mon += months;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A fresh identity made by `by` (0 = the system) with clearance cl and, when r >= 0, role r. */
static int64_t fresh(int64_t by, enum clearance cl, int r)
{
	struct model_new_identity ni = {NULL, "Test Person", cl};
	struct model_err err = {0};
	char name[32], otp[32], today[11], until[11];
	int64_t id = 0, gid;

	snprintf(name, sizeof(name), "user%u", ++g_seq);
	ni.username = name;
	if (model_identity_create(g_fx.model, by, &ni, &id, otp, sizeof(otp), &err) != SK_OK)
		fail_msg("identity %s by %lld: %s", name, (long long)by, err.msg);
	if (r >= 0) {
		model_today(today);
		until_months(6, until);
		struct model_new_grant g = {id, (enum role)r, "TEST-1", today,
		                            role_privileged((enum role)r) ? until : NULL};

		if (model_grant_create(g_fx.model, 0, &g, &gid, &err) != SK_OK)
			fail_msg("grant to %s: %s", name, err.msg);
	}
	return id;
}

static int grant(int64_t actor, int64_t who, enum role r, struct model_err *err)
{
	char today[11], until[11];
	int64_t gid;

	model_today(today);
	until_months(6, until);
	struct model_new_grant g = {who, r, "SSC-2026-1", today, role_privileged(r) ? until : NULL};

	memset(err, 0, sizeof(*err));
	return model_grant_create(g_fx.model, actor, &g, &gid, err);
}

static int set_clearance(const struct principal *p, int64_t who, enum clearance c,
                         struct model_err *err)
{
	struct model_identity_patch patch = {NULL, (int)c, NULL, NULL, NULL};

	memset(err, 0, sizeof(*err));
	return model_identity_update(g_fx.model, p, who, &patch, err);
}

static int set_status(const struct principal *p, int64_t who, const char *status,
                      struct model_err *err)
{
	struct model_identity_patch patch = {NULL, -1, status, NULL, NULL};

	memset(err, 0, sizeof(*err));
	return model_identity_update(g_fx.model, p, who, &patch, err);
}

static const char *sql_text(const char *sql, int64_t id, char *out, size_t cap)
{
	return regfx_sql_text(&g_fx, sql, id, out, cap);
}

/* Checks one cell: rc is SK_OK when allowed, else SK_ERULE naming a field and a reason. */
static unsigned g_cells, g_bad;

static void cell(bool allowed, int rc, const struct model_err *err, const char *what, enum actor a)
{
	g_cells++;
	if (allowed && rc == SK_OK)
		return;
	if (!allowed && rc == SK_ERULE && err->field[0] && err->msg[0] && err->reason[0] &&
	    strstr(err->msg, "§"))
		return;
	g_bad++;
	print_error("%s by %s: expected %s, got %s (field '%s', reason '%s': %s)\n", what,
	            actor_name[a], allowed ? "allowed" : "SK_ERULE", sk_strerror(rc), err->field,
	            err->reason, err->msg);
}

/* Logs id in (password + TOTP) and authenticates the session: the principal it acts as. */
static void login_as(int64_t id, const char *username, struct principal *p)
{
	uint8_t secret[AUTH_TOTP_SECRET_LEN];
	char challenge[AUTH_TOKEN_SIZE], b32[AUTH_TOTP_BASE32_SIZE], user[65];
	char code[AUTH_TOTP_DIGITS + 1];
	struct model_session s;
	struct model_err err = {0};
	bool enroll = true;

	randombytes_buf(secret, sizeof(secret));
	assert_int_equal(
	        model_identity_set_credentials(g_fx.model, id, PASSWORD, secret, sizeof(secret)),
	        SK_OK);
	assert_int_equal(model_login_password(g_fx.model, username, PASSWORD, "127.0.0.1",
	                                      challenge, sizeof(challenge), &enroll, b32,
	                                      sizeof(b32), user, sizeof(user), &err),
	                 SK_OK);
	assert_false(enroll);
	assert_int_equal(auth_totp_code(secret, sizeof(secret), time(NULL), code), SK_OK);
	assert_int_equal(model_login_totp(g_fx.model, challenge, code, NULL, true, "127.0.0.1",
	                                  "test", &s, &err),
	                 SK_OK);
	assert_int_equal(model_authenticate(g_fx.model, s.token, false, p), SK_OK);
}

/* ---- fixture ---- */

static int setup(void **state)
{
	char until[11];

	(void)state;
	regfx_open(&g_fx, "/tmp/skydd-test-sod-XXXXXX", REGFX_READER | REGFX_FAST_PW, NULL);
	until_months(6, until);
	for (int a = 0; a < A_COUNT; a++) {
		enum clearance cl = a == A_ADMIN ? CLEAR_NONE : CLEAR_KH;

		regfx_identity(g_fx.model, &g_actor[a], actor_name[a], actor_role[a], cl, NULL,
		               until);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	regfx_close(&g_fx);
	return 0;
}

/* ---- the scenarios ---- */

/*
 * Scenario 1: an identity with only admin and clearance none creates an
 * account cleared KH, grants it registrar, enrols it and reads a KH document.
 * Every step that gives the account access is refused; the account reads nothing.
 */
static void test_admin_cannot_reach_kh(void **state)
{
	const struct principal *admin = &g_actor[A_ADMIN];
	struct model_new_identity ni = {"mallory", "Mallory", CLEAR_KH};
	struct document_new d = {.title = "Planen", .cls = "KH", .form = "physical", .pages = 3};
	struct principal reg, as_it;
	struct model_err err = {0};
	char otp[32], v[16];
	int64_t id = 0, doc = 0;
	uint64_t size;

	(void)state;
	assert_int_equal(admin->clearance, CLEAR_NONE);
	regfx_identity(g_fx.model, &reg, "kh.registrar", ROLE_REGISTRAR, CLEAR_KH, NULL, NULL);
	assert_int_equal(document_create(g_fx.model, &reg, &d, &doc, &err), SK_OK);

	size = regfx_ledger_size(&g_fx);
	assert_int_equal(
	        model_identity_create(g_fx.model, admin->id, &ni, &id, otp, sizeof(otp), &err),
	        SK_ERULE);
	assert_string_equal(err.field, "clearance");
	assert_string_equal(err.reason, "clearance_at_create");
	assert_int_equal(regfx_ledger_size(&g_fx), size);

	/* Created without clearance, as an admin may; then nothing more from her. */
	ni.clearance = CLEAR_NONE;
	memset(&err, 0, sizeof(err));
	assert_int_equal(
	        model_identity_create(g_fx.model, admin->id, &ni, &id, otp, sizeof(otp), &err),
	        SK_OK);
	size = regfx_ledger_size(&g_fx);
	assert_int_equal(grant(admin->id, id, ROLE_REGISTRAR, &err), SK_ERULE);
	assert_string_equal(err.field, "identity_id");
	assert_string_equal(err.reason, "creator");
	assert_int_equal(set_clearance(admin, id, CLEAR_KH, &err), SK_ERULE);
	assert_string_equal(err.field, "clearance");
	assert_int_equal(grant(admin->id, id, ROLE_STAFF, &err), SK_ERULE);
	assert_int_equal(regfx_ledger_size(&g_fx), size);
	assert_string_equal(sql_text(CLEARANCE_SQL, id, v, sizeof(v)), "none");

	/* She enrols it: it has no role, no clearance, and the KH document does not exist for it.
	 */
	login_as(id, "mallory", &as_it);
	assert_int_equal(as_it.roles, 0);
	assert_int_equal(as_it.clearance, CLEAR_NONE);
	assert_int_equal(document_check_read(g_fx.model, &as_it, doc), SK_ENOTFOUND);

	/* Even an account someone else created: an admin never opens classified information. */
	{
		int64_t other = fresh(0, CLEAR_NONE, -1);

		assert_int_equal(grant(admin->id, other, ROLE_REGISTRAR, &err), SK_ERULE);
		assert_string_equal(err.reason, "ssc_decides");
		assert_int_equal(set_clearance(admin, other, CLEAR_KH, &err), SK_ERULE);
		assert_string_equal(err.reason, "ssc_decides");
		/* The ssc decides both, and it reads the document. */
		assert_int_equal(set_clearance(&g_actor[A_SSC], other, CLEAR_KH, &err), SK_OK);
		assert_int_equal(grant(g_actor[A_SSC].id, other, ROLE_REGISTRAR, &err), SK_OK);
	}
}

/* Scenario 2: an ssc raises her own clearance; the head or a second ssc decides it. */
static void test_ssc_own_clearance(void **state)
{
	int64_t ssc = fresh(0, CLEAR_H, ROLE_SSC);
	struct principal me = {.id = ssc, .roles = ROLE_BIT(ROLE_SSC)};
	struct model_err err;
	char v[16];

	(void)state;
	assert_int_equal(set_clearance(&me, ssc, CLEAR_KH, &err), SK_ERULE);
	assert_string_equal(err.field, "clearance");
	assert_string_equal(err.reason, "self");
	assert_string_equal(sql_text(CLEARANCE_SQL, ssc, v, sizeof(v)), "H");
	/* Not the admin, not the registrar: the head, or another ssc. */
	assert_int_equal(set_clearance(&g_actor[A_ADMIN], ssc, CLEAR_KH, &err), SK_ERULE);
	assert_int_equal(set_clearance(&g_actor[A_REGISTRAR], ssc, CLEAR_KH, &err), SK_ERULE);
	assert_int_equal(set_clearance(&g_actor[A_CHIEF], ssc, CLEAR_KH, &err), SK_OK);
	assert_int_equal(set_clearance(&g_actor[A_SSC2], ssc, CLEAR_K, &err), SK_OK);
	assert_string_equal(sql_text(CLEARANCE_SQL, ssc, v, sizeof(v)), "K");
}

/* A second ssc made by the first is no second person: it decides nothing about her. */
static void test_no_puppets(void **state)
{
	int64_t ssc = fresh(0, CLEAR_H, ROLE_SSC);
	struct principal first = {.id = ssc, .roles = ROLE_BIT(ROLE_SSC)};
	int64_t puppet = fresh(ssc, CLEAR_NONE, -1);
	struct principal as_puppet = {.id = puppet};
	struct model_err err;

	(void)state;
	/* She cannot make it an ssc herself; the head can (believing it a real person). */
	assert_int_equal(grant(ssc, puppet, ROLE_SSC, &err), SK_ERULE);
	assert_string_equal(err.reason, "creator");
	assert_int_equal(set_clearance(&first, puppet, CLEAR_KH, &err), SK_ERULE);
	assert_int_equal(grant(g_actor[A_CHIEF].id, puppet, ROLE_SSC, &err), SK_OK);
	as_puppet.roles = ROLE_BIT(ROLE_SSC);
	/* Yet the account she created decides nothing about her. */
	assert_int_equal(set_clearance(&as_puppet, ssc, CLEAR_KH, &err), SK_ERULE);
	assert_string_equal(err.reason, "creator_of_actor");
	assert_int_equal(grant(puppet, ssc, ROLE_AUDITOR, &err), SK_ERULE);
	assert_string_equal(err.reason, "creator_of_actor");
}

/* ---- the matrix ---- */

/* Expected answers: one bit per actor (A_ADMIN … A_AUDITOR). */
#define B(a) (1u << (a))
#define TOP  (B(A_SSC) | B(A_SSC2) | B(A_CHIEF))
#define SSCS (B(A_SSC) | B(A_SSC2))

/* Who may grant role r to an identity neither created nor is (there is an active ssc). */
static unsigned grant_allowed(enum role r)
{
	switch (r) {
	case ROLE_CHIEF:
	case ROLE_SSC:
		return TOP;
	case ROLE_STAFF:
		return SSCS | B(A_ADMIN);
	case ROLE_REGISTRAR:
	case ROLE_AUDITOR:
	case ROLE_ADMIN:
	default:
		return SSCS;
	}
}

static void test_matrix(void **state)
{
	struct model_err err;
	char what[96];

	(void)state;
	g_cells = g_bad = 0;
	for (int a = 0; a < A_COUNT; a++) {
		const struct principal *p = &g_actor[a];
		int64_t other, mine;

		/* Clearance: of another account, of oneself, of an account one created. */
		other = fresh(0, CLEAR_NONE, -1);
		cell(SSCS & B(a), set_clearance(p, other, CLEAR_K, &err), &err,
		     "set clearance of another", a);
		cell(false, set_clearance(p, p->id, CLEAR_H, &err), &err, "set own clearance", a);
		mine = fresh(p->id, CLEAR_NONE, -1);
		cell(false, set_clearance(p, mine, CLEAR_K, &err), &err,
		     "set clearance of an account one created", a);
		other = fresh(0, CLEAR_H, ROLE_SSC);
		cell(TOP & B(a), set_clearance(p, other, CLEAR_KH, &err), &err,
		     "set clearance of an ssc", a);

		/* Each role: to another, to oneself, to an account one created, to an ssc. */
		for (int r = 0; r < ROLE_COUNT; r++) {
			other = fresh(0, CLEAR_NONE, -1);
			snprintf(what, sizeof(what), "grant %s to another",
			         role_name((enum role)r));
			cell(grant_allowed((enum role)r) & B(a),
			     grant(p->id, other, (enum role)r, &err), &err, what, a);
			snprintf(what, sizeof(what), "grant %s to oneself",
			         role_name((enum role)r));
			cell(false, grant(p->id, p->id, (enum role)r, &err), &err, what, a);
			snprintf(what, sizeof(what), "grant %s to an account one created",
			         role_name((enum role)r));
			cell(false, grant(p->id, mine, (enum role)r, &err), &err, what, a);
			other = fresh(0, CLEAR_H, ROLE_SSC);
			snprintf(what, sizeof(what), "grant %s to an ssc", role_name((enum role)r));
			cell(TOP & B(a), grant(p->id, other, (enum role)r, &err), &err, what, a);
		}

		/* Disabling: an ssc, a head, anyone else, oneself. */
		other = fresh(0, CLEAR_KH, ROLE_SSC);
		cell(TOP & B(a), set_status(p, other, "disabled", &err), &err, "disable an ssc", a);
		other = fresh(0, CLEAR_KH, ROLE_CHIEF);
		cell(TOP & B(a), set_status(p, other, "disabled", &err), &err, "disable a head", a);
		other = fresh(0, CLEAR_K, ROLE_REGISTRAR);
		cell((SSCS | B(A_ADMIN)) & B(a), set_status(p, other, "disabled", &err), &err,
		     "disable a registrar", a);
		cell(false, set_status(p, p->id, "disabled", &err), &err, "disable oneself", a);

		/* Re-activating gives access back: technical only for an account without any. */
		other = fresh(0, CLEAR_NONE, ROLE_STAFF);
		assert_int_equal(set_status(&g_actor[A_SSC], other, "disabled", &err), SK_OK);
		cell((SSCS | B(A_ADMIN)) & B(a), set_status(p, other, "active", &err), &err,
		     "re-activate a staff account without clearance", a);
		other = fresh(0, CLEAR_H, ROLE_REGISTRAR);
		assert_int_equal(set_status(&g_actor[A_SSC], other, "disabled", &err), SK_OK);
		cell(SSCS & B(a), set_status(p, other, "active", &err), &err,
		     "re-activate a cleared registrar", a);
		other = fresh(0, CLEAR_KH, ROLE_SSC);
		assert_int_equal(set_status(&g_actor[A_CHIEF], other, "disabled", &err), SK_OK);
		cell(TOP & B(a), set_status(p, other, "active", &err), &err, "re-activate an ssc",
		     a);
		other = fresh(p->id, CLEAR_NONE, -1);
		assert_int_equal(set_status(&g_actor[A_SSC2], other, "disabled", &err), SK_OK);
		cell(false, set_status(p, other, "active", &err), &err,
		     "re-activate an account one created", a);
	}
	print_message("separation of duties: %u cells, %u wrong\n", g_cells, g_bad);
	assert_int_equal(g_bad, 0);
	assert_true(g_cells > 7 * 30);
}

/* Item 4 on its own: an admin disables the ssc; nothing changes. */
static void test_admin_cannot_disable_ssc(void **state)
{
	int64_t ssc = fresh(0, CLEAR_KH, ROLE_SSC);
	struct model_err err;
	uint64_t size;
	char v[16];

	(void)state;
	size = regfx_ledger_size(&g_fx);
	assert_int_equal(set_status(&g_actor[A_ADMIN], ssc, "disabled", &err), SK_ERULE);
	assert_string_equal(err.field, "status");
	assert_string_equal(err.reason, "top_account");
	assert_int_equal(regfx_ledger_size(&g_fx), size);
	assert_string_equal(
	        sql_text("SELECT status FROM identity WHERE id = ?1", ssc, v, sizeof(v)), "active");
	assert_int_equal(set_status(&g_actor[A_CHIEF], ssc, "disabled", &err), SK_OK);
	assert_string_equal(
	        sql_text("SELECT status FROM identity WHERE id = ?1", ssc, v, sizeof(v)),
	        "disabled");
}

/* ---- service tokens (item 3) ---- */

static int token_roles(const char *secret, unsigned *roles)
{
	struct principal p;
	int rc = model_authenticate(g_fx.model, secret, false, &p);

	*roles = rc ? 0 : p.roles;
	return rc;
}

static void test_tokens(void **state)
{
	char in30[11], secret[AUTH_TOKEN_SIZE];
	struct model_err err = {0};
	struct principal maker = {0};
	int64_t tid, reg_grant, gid;
	unsigned roles;
	uint64_t size;

	(void)state;
	until_months(1, in30);
	/* An admin alone cannot make a token that reads the registers. */
	size = regfx_ledger_size(&g_fx);
	assert_int_equal(model_token_create(g_fx.model, &g_actor[A_ADMIN], "sync",
	                                    ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_AUDITOR) |
	                                            ROLE_BIT(ROLE_STAFF),
	                                    in30, &tid, secret, sizeof(secret), &err),
	                 SK_ERULE);
	assert_string_equal(err.field, "roles");
	assert_string_equal(err.reason, "token_roles");
	assert_int_equal(regfx_ledger_size(&g_fx), size);

	/* Someone holding admin, registrar and staff may give a token registrar and staff. */
	maker.id = fresh(0, CLEAR_NONE, ROLE_ADMIN);
	reg_grant = 0;
	{
		char today[11];

		model_today(today);
		struct model_new_grant g = {maker.id, ROLE_REGISTRAR, "T", today, NULL};
		/* staff ends today */
		struct model_new_grant s = {maker.id, ROLE_STAFF, "T", today, today};

		assert_int_equal(model_grant_create(g_fx.model, 0, &g, &reg_grant, &err), SK_OK);
		assert_int_equal(model_grant_create(g_fx.model, 0, &s, &gid, &err), SK_OK);
	}
	maker.roles = ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_STAFF);
	memset(&err, 0, sizeof(err));
	assert_int_equal(model_token_create(g_fx.model, &maker, "sync", ROLE_BIT(ROLE_AUDITOR),
	                                    in30, &tid, secret, sizeof(secret), &err),
	                 SK_ERULE);
	assert_int_equal(model_token_create(g_fx.model, &maker, "sync",
	                                    ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_STAFF), in30,
	                                    &tid, secret, sizeof(secret), &err),
	                 SK_OK);
	assert_int_equal(token_roles(secret, &roles), SK_OK);
	assert_int_equal(roles, ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_STAFF));

	/* Two days on, the creator's staff grant has expired: so has the token's staff. */
	sk_clock_set_offset(2 * 86400 * INT64_C(1000000));
	assert_int_equal(token_roles(secret, &roles), SK_OK);
	sk_clock_set_offset(0);
	assert_int_equal(roles, ROLE_BIT(ROLE_REGISTRAR));
	assert_int_equal(token_roles(secret, &roles), SK_OK);
	assert_int_equal(roles, ROLE_BIT(ROLE_REGISTRAR) | ROLE_BIT(ROLE_STAFF));

	/* The creator's registrar grant is revoked: the token loses it on the next request. */
	assert_int_equal(model_grant_revoke(g_fx.model, &g_actor[A_SSC], reg_grant, "ends", &err),
	                 SK_OK);
	assert_int_equal(token_roles(secret, &roles), SK_OK);
	assert_int_equal(roles, ROLE_BIT(ROLE_STAFF));

	/* The creator is disabled: the token dies with the account. */
	assert_int_equal(set_status(&g_actor[A_SSC], maker.id, "disabled", &err), SK_OK);
	assert_int_equal(token_roles(secret, &roles), SK_EAUTH);
}

/* ---- item 13: the current password on a password change ---- */

static size_t reauth_entries(int64_t id, uint64_t after)
{
	char object[64];
	int64_t n;
	struct store_q *q;

	snprintf(object, sizeof(object), "identity/%lld", (long long)id);
	assert_int_equal(store_reader_query(g_fx.rd,
	                                    "SELECT count(*) FROM ledger WHERE seq > ?1 AND kind = "
	                                    "'auth.reauth.failed' AND object = ?2",
	                                    &q),
	                 SK_OK);
	store_q_bind_int(q, 1, (int64_t)after);
	store_q_bind_text(q, 2, object);
	assert_int_equal(store_q_step(q), SK_OK);
	n = store_q_int(q, 0);
	store_q_done(q);
	return (size_t)n;
}

static void test_password_guessing(void **state)
{
	struct principal p = {0};
	struct model_err err;
	uint64_t size;
	int64_t id;

	(void)state;
	id = fresh(0, CLEAR_NONE, ROLE_STAFF);
	snprintf(p.username, sizeof(p.username), "user%u", g_seq);
	login_as(id, p.username, &p);
	size = regfx_ledger_size(&g_fx);
	for (int i = 0; i < 3; i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(model_password_change(g_fx.model, &p, "Fel-Gissning-1234",
		                                       "Vintergata-Sill-Pumpa-93", &err),
		                 SK_EINVAL);
		assert_string_equal(err.field, "current_password");
	}
	assert_int_equal(reauth_entries(id, size), 3);
	/* Locked: even the right password waits, and nothing is verified or written. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(
	        model_password_change(g_fx.model, &p, PASSWORD, "Vintergata-Sill-Pumpa-93", &err),
	        SK_ETHROTTLED);
	assert_string_equal(err.field, "current_password");
	assert_true(err.retry_after >= 1);
	assert_int_equal(reauth_entries(id, size), 3);
}

/*
 * Guesses sent at the same moment: the lock must not be a check that every
 * one of them passes before the first has failed. Of 12 parallel wrong
 * guesses at most 3 are checked (the rest wait), for a stolen session's
 * password change and for the login's password alike.
 */
#define RACERS 12

struct racer {
	pthread_barrier_t *go;
	const struct principal *p; /* password change; NULL: login */
	const char *username;
	char remote[32];
	int rc;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct model_err err = {0};
	char challenge[AUTH_TOKEN_SIZE], b32[AUTH_TOTP_BASE32_SIZE], user[65];
	bool enroll = false;

	pthread_barrier_wait(r->go);
	if (r->p)
		r->rc = model_password_change(g_fx.model, r->p, "Fel-Gissning-1234",
		                              "Vintergata-Sill-Pumpa-93", &err);
	else
		r->rc = model_login_password(g_fx.model, r->username, "Fel-Gissning-1234",
		                             r->remote, challenge, sizeof(challenge), &enroll, b32,
		                             sizeof(b32), user, sizeof(user), &err);
	return NULL;
}

static void race_guesses(const struct principal *p, const char *username, int wrong_rc)
{
	pthread_barrier_t go;
	pthread_t th[RACERS];
	struct racer r[RACERS];
	int checked = 0, waited = 0;

	assert_int_equal(pthread_barrier_init(&go, NULL, RACERS), 0);
	for (int i = 0; i < RACERS; i++) {
		r[i] = (struct racer){&go, p, username, "", -1};
		/* Another address each: only the account's own lock is raced. */
		snprintf(r[i].remote, sizeof(r[i].remote), "127.0.9.%d", i + 1);
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < RACERS; i++) {
		pthread_join(th[i], NULL);
		checked += r[i].rc == wrong_rc;
		waited += r[i].rc == SK_ETHROTTLED;
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(checked + waited, RACERS);
	assert_true(checked >= 1);
	if (checked > 3)
		fail_msg("%d of %d parallel guesses were checked (at most 3)", checked, RACERS);
}

static void test_parallel_guessing(void **state)
{
	struct principal p = {0};
	int64_t id;

	(void)state;
	id = fresh(0, CLEAR_NONE, ROLE_STAFF);
	snprintf(p.username, sizeof(p.username), "user%u", g_seq);
	login_as(id, p.username, &p);
	race_guesses(&p, NULL, SK_EINVAL);
	id = fresh(0, CLEAR_NONE, ROLE_STAFF);
	snprintf(p.username, sizeof(p.username), "user%u", g_seq);
	login_as(id, p.username, &p);
	race_guesses(NULL, p.username, SK_EAUTH);
}

/* ---- four-eyes reset of a lost password and TOTP (issue 15, "Users") ---- */

static int reset_req(const struct principal *p, int64_t who, int64_t *rid, struct model_err *err)
{
	memset(err, 0, sizeof(*err));
	return model_reset_request(g_fx.model, p, who, "Tappade telefonen", rid, err);
}

static int reset_ok(const struct principal *p, int64_t who, int64_t rid, char *otp, size_t cap,
                    struct model_err *err)
{
	memset(err, 0, sizeof(*err));
	return model_reset_confirm(g_fx.model, p, who, rid, otp, cap, err);
}

/* Who may request (and so confirm) a reset of whom: the rule's own matrix. */
static void test_reset_matrix(void **state)
{
	/* subject kinds: plain staff, cleared staff, a registrar, an ssc */
	struct {
		const char *what;
		enum clearance cl;
		int role;
		unsigned allowed;
	} subj[] = {
	        {"reset staff", CLEAR_NONE, ROLE_STAFF, SSCS | B(A_ADMIN)},
	        {"reset cleared staff", CLEAR_K, ROLE_STAFF, SSCS},
	        {"reset registrar", CLEAR_NONE, ROLE_REGISTRAR, SSCS},
	        {"reset ssc", CLEAR_KH, ROLE_SSC, TOP},
	};
	struct model_err err;
	uint64_t size;
	int64_t rid;

	(void)state;
	g_cells = g_bad = 0;
	for (size_t k = 0; k < sizeof(subj) / sizeof(subj[0]); k++) {
		for (int a = 0; a < A_COUNT; a++) {
			int64_t x = fresh(0, subj[k].cl, subj[k].role);
			bool allowed = (subj[k].allowed & B(a)) != 0;
			int rc;

			size = regfx_ledger_size(&g_fx);
			rc = reset_req(&g_actor[a], x, &rid, &err);
			cell(allowed, rc, &err, subj[k].what, (enum actor)a);
			if (rc)
				assert_int_equal(regfx_ledger_size(&g_fx), size);
			else
				assert_int_equal(regfx_ledger_size(&g_fx), size + 1);
		}
	}
	/* Nobody resets their own account, nor one they created. */
	assert_int_equal(reset_req(&g_actor[A_SSC], g_actor[A_SSC].id, &rid, &err), SK_ERULE);
	assert_string_equal(err.reason, "self");
	assert_string_equal(err.field, "identity_id");
	{
		int64_t made = fresh(g_actor[A_ADMIN].id, CLEAR_NONE, ROLE_STAFF);

		assert_int_equal(reset_req(&g_actor[A_ADMIN], made, &rid, &err), SK_ERULE);
		assert_string_equal(err.reason, "creator");
	}
	/* An admin never resets the ssc's account (the takeover the old note warned of). */
	assert_int_equal(reset_req(&g_actor[A_ADMIN], g_actor[A_SSC].id, &rid, &err), SK_ERULE);
	assert_string_equal(err.reason, "top_account");
	/* Bad input changes nothing. */
	size = regfx_ledger_size(&g_fx);
	memset(&err, 0, sizeof(err));
	assert_int_equal(model_reset_request(g_fx.model, &g_actor[A_SSC], g_actor[A_STAFF].id, "",
	                                     &rid, &err),
	                 SK_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(model_reset_request(g_fx.model, &g_actor[A_SSC], 999999, "x", &rid, &err),
	                 SK_ENOTFOUND);
	assert_int_equal(regfx_ledger_size(&g_fx), size);
	print_message("%u reset cells checked\n", g_cells);
	assert_int_equal(g_bad, 0);
}

static void test_reset_refusals(void **state)
{
	struct model_err err;
	char otp[32];
	int64_t x, made, rid, rid2;
	uint64_t size;

	(void)state;
	x = fresh(0, CLEAR_NONE, ROLE_STAFF);
	assert_int_equal(reset_req(&g_actor[A_SSC], x, &rid, &err), SK_OK);
	/* One pending request at a time. */
	assert_int_equal(reset_req(&g_actor[A_ADMIN], x, &rid2, &err), SK_ERULE);
	assert_string_equal(err.reason, "reset_pending");
	size = regfx_ledger_size(&g_fx);
	/* The requester is not the second person. */
	assert_int_equal(reset_ok(&g_actor[A_SSC], x, rid, otp, sizeof(otp), &err), SK_ERULE);
	assert_string_equal(err.reason, "same_person");
	assert_string_equal(err.field, "reset_id");
	/* Nor is the account itself. */
	{
		struct principal as_x = {.id = x, .roles = ROLE_BIT(ROLE_STAFF)};

		assert_int_equal(reset_ok(&as_x, x, rid, otp, sizeof(otp), &err), SK_ERULE);
		assert_string_equal(err.reason, "self");
	}
	/* A request of another account is not this one's. */
	assert_int_equal(
	        reset_ok(&g_actor[A_SSC2], g_actor[A_STAFF].id, rid, otp, sizeof(otp), &err),
	        SK_ENOTFOUND);
	assert_string_equal(err.field, "reset_id");
	assert_int_equal(regfx_ledger_size(&g_fx), size);

	/* Whoever created the account does not confirm its reset. */
	made = fresh(g_actor[A_ADMIN].id, CLEAR_NONE, ROLE_STAFF);
	assert_int_equal(reset_req(&g_actor[A_SSC], made, &rid2, &err), SK_OK);
	assert_int_equal(reset_ok(&g_actor[A_ADMIN], made, rid2, otp, sizeof(otp), &err), SK_ERULE);
	assert_string_equal(err.reason, "creator");

	/* An admin does not confirm the reset of a cleared account. */
	{
		int64_t cl = fresh(0, CLEAR_H, ROLE_STAFF), r3;

		assert_int_equal(reset_req(&g_actor[A_SSC], cl, &r3, &err), SK_OK);
		assert_int_equal(reset_ok(&g_actor[A_ADMIN], cl, r3, otp, sizeof(otp), &err),
		                 SK_ERULE);
		assert_string_equal(err.reason, "ssc_decides");
	}

	/* Cancelled: the request is closed and cannot be confirmed. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(
	        model_reset_cancel(g_fx.model, &g_actor[A_SSC], x, rid, "Hittade telefonen", &err),
	        SK_OK);
	assert_int_equal(reset_ok(&g_actor[A_SSC2], x, rid, otp, sizeof(otp), &err), SK_ERULE);
	assert_string_equal(err.reason, "reset_closed");
	/* Someone without authority cannot cancel another's request. */
	assert_int_equal(reset_req(&g_actor[A_SSC], x, &rid, &err), SK_OK);
	memset(&err, 0, sizeof(err));
	assert_int_equal(model_reset_cancel(g_fx.model, &g_actor[A_REGISTRAR], x, rid, NULL, &err),
	                 SK_ERULE);
	assert_string_equal(err.reason, "ssc_decides");

	/* Expired after 24 hours: refused, and a new request may be made. */
	sk_clock_set_offset(25 * 3600 * INT64_C(1000000));
	assert_int_equal(reset_ok(&g_actor[A_SSC2], x, rid, otp, sizeof(otp), &err), SK_ERULE);
	assert_string_equal(err.reason, "reset_expired");
	assert_int_equal(reset_req(&g_actor[A_SSC2], x, &rid2, &err), SK_OK);
	sk_clock_set_offset(0);
	assert_true(rid2 > rid);
}

static void test_reset_good_path(void **state)
{
	char in30[11], tok[AUTH_TOKEN_SIZE], otp[32], challenge[AUTH_TOKEN_SIZE];
	char b32[AUTH_TOTP_BASE32_SIZE], b32_before[AUTH_TOTP_BASE32_SIZE], user[65], v[64];
	struct store_verify_opts o = {.replay = true};
	struct store_verify_result res;
	struct principal px = {0}, again;
	struct model_session sess;
	struct model_err err = {0};
	bool enroll = false;
	int64_t x, tid, rid;
	json_t *may, *pending;

	(void)state;
	until_months(1, in30);
	x = fresh(0, CLEAR_NONE, ROLE_STAFF);
	snprintf(px.username, sizeof(px.username), "user%u", g_seq);
	login_as(x, px.username, &px);
	assert_int_equal(model_token_create(g_fx.model, &px, "sync", ROLE_BIT(ROLE_STAFF), in30,
	                                    &tid, tok, sizeof(tok), &err),
	                 SK_OK);
	assert_int_equal(model_identity_totp_secret(g_fx.model, x, b32_before, sizeof(b32_before)),
	                 SK_OK);

	/* What the page is told: the ssc may request, not yet confirm. */
	may = model_identity_may(g_fx.model, &g_actor[A_SSC], x);
	assert_true(json_is_true(json_object_get(may, "reset_request")));
	assert_true(json_is_true(json_object_get(may, "disable")));
	assert_false(json_is_true(json_object_get(may, "reset_confirm")));
	json_decref(may);
	assert_int_equal(reset_req(&g_actor[A_SSC], x, &rid, &err), SK_OK);
	pending = model_reset_pending(g_fx.model, x);
	assert_int_equal(json_integer_value(json_object_get(pending, "id")), rid);
	assert_int_equal(json_integer_value(json_object_get(pending, "requested_by")),
	                 g_actor[A_SSC].id);
	json_decref(pending);
	may = model_identity_may(g_fx.model, &g_actor[A_SSC], x);
	assert_false(json_is_true(json_object_get(may, "reset_confirm")));
	assert_true(json_is_true(json_object_get(may, "reset_cancel")));
	json_decref(may);
	may = model_identity_may(g_fx.model, &g_actor[A_SSC2], x);
	assert_true(json_is_true(json_object_get(may, "reset_confirm")));
	json_decref(may);
	/* The account still works until the second person confirms. */
	assert_int_equal(model_authenticate(g_fx.model, tok, false, &again), SK_OK);

	assert_int_equal(reset_ok(&g_actor[A_SSC2], x, rid, otp, sizeof(otp), &err), SK_OK);
	assert_int_equal(strlen(otp), 20);
	/* Its sessions and service tokens are dead. */
	assert_int_equal(model_authenticate(g_fx.model, tok, false, &again), SK_EAUTH);
	{
		assert_string_equal(
		        sql_text("SELECT revoked_us IS NOT NULL FROM session WHERE id = ?1",
		                 px.session_id, v, sizeof(v)),
		        "1");
	}
	assert_string_equal(
	        sql_text("SELECT revoked_at IS NOT NULL FROM service_token WHERE id = ?1", tid, v,
	                 sizeof(v)),
	        "1");
	assert_string_equal(sql_text("SELECT count(*) FROM recovery_code WHERE identity_id = ?1", x,
	                             v, sizeof(v)),
	                    "0");
	{
		char want[64];

		snprintf(want, sizeof(want), "confirmed %lld", (long long)g_actor[A_SSC2].id);
		assert_string_equal(
		        sql_text("SELECT state || ' ' || decided_by FROM identity_reset "
		                 "WHERE id = ?1",
		                 rid, v, sizeof(v)),
		        want);
	}
	/* The old password no longer opens it. */
	assert_int_equal(model_login_password(g_fx.model, px.username, PASSWORD, "127.0.0.2",
	                                      challenge, sizeof(challenge), &enroll, b32,
	                                      sizeof(b32), user, sizeof(user), &err),
	                 SK_EAUTH);
	/* The one-time password does, and the next login is an enrolment with a new secret. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(model_login_password(g_fx.model, px.username, otp, "127.0.0.2", challenge,
	                                      sizeof(challenge), &enroll, b32, sizeof(b32), user,
	                                      sizeof(user), &err),
	                 SK_OK);
	assert_true(enroll);
	assert_string_not_equal(b32, b32_before);
	{
		char code[AUTH_TOTP_DIGITS + 1], *secret = NULL;
		size_t n = 0;

		assert_int_equal(oath_base32_decode(b32, strlen(b32), &secret, &n), OATH_OK);
		assert_int_equal(auth_totp_code((const uint8_t *)secret, n, time(NULL), code),
		                 SK_OK);
		free(secret);
		assert_int_equal(model_login_enroll(g_fx.model, challenge,
		                                    "Ny-Telefon-Hemlig-2026!", code, true,
		                                    "127.0.0.2", "test", &sess, &err),
		                 SK_OK);
	}
	/* A confirmed request is closed. */
	assert_int_equal(reset_ok(&g_actor[A_CHIEF], x, rid, otp, sizeof(otp), &err), SK_ERULE);
	assert_string_equal(err.reason, "reset_closed");
	/* The projection replays from the entries. */
	assert_int_equal(store_verify(g_fx.dir, &o, &res), SK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_admin_cannot_reach_kh),
	        cmocka_unit_test(test_ssc_own_clearance),
	        cmocka_unit_test(test_no_puppets),
	        cmocka_unit_test(test_admin_cannot_disable_ssc),
	        cmocka_unit_test(test_matrix),
	        cmocka_unit_test(test_tokens),
	        cmocka_unit_test(test_password_guessing),
	        cmocka_unit_test(test_parallel_guessing),
	        cmocka_unit_test(test_reset_matrix),
	        cmocka_unit_test(test_reset_refusals),
	        cmocka_unit_test(test_reset_good_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
