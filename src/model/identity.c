/*
 * Identities (4 kap. 7 §): ids from a sequence, never reused; a username is
 * bound to its identity forever. Each gets a one-time password and a TOTP
 * secret that the first login confirms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"

static bool username_ok(const char *u)
{
	size_t n = strlen(u);

	if (n < 3 || n > 64 || u[0] < 'a' || u[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = u[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* A one-time password: 20 characters from an unambiguous alphabet (~100 bits). */
void model_one_time_password(char *out, size_t cap)
{
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t n = cap - 1 < 20 ? cap - 1 : 20;

	for (size_t i = 0; i < n; i++)
		out[i] = alpha[randombytes_uniform(sizeof(alpha) - 1)];
	out[n] = '\0';
}

struct create_cmd {
	struct model *m;
	int64_t actor;
	const struct model_new_identity *n;
	const char *pw_hash;
	const uint8_t *sealed;
	size_t sealed_len;
	int64_t id;
	const char *reason; /* a refusal's stable code */
};

static int create_fn(struct store_tx *tx, void *arg)
{
	struct create_cmd *c = arg;
	char t[SK_TIME_LEN + 1];
	int64_t taken = 0;
	int rc;

	/*
	 * Whoever creates an account receives its one-time password: its clearance is
	 * someone else's decision, made afterwards (docs/internals/auth.md).
	 */
	if (c->actor != 0 && c->n->clearance != CLEAR_NONE) {
		c->reason = "clearance_at_create";
		store_tx_fail(tx, "clearance",
		              "4 kap. 8 §: an account is created with clearance none; the "
		              "säkerhetsskyddschef decides its clearance afterwards, never the one "
		              "who created it");
		return SK_ERULE;
	}
	rc = store_tx_int(tx, &taken, "SELECT count(*) FROM identity WHERE username = ?1", "t",
	                  c->n->username);
	if (rc)
		return rc;
	if (taken) {
		store_tx_failr(tx, SK_EEXIST, "username", "identity.username_taken", NULL,
		               "username is taken: usernames are never reused (4 kap. 7 §)");
		return SK_EEXIST;
	}
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM identity", "");
	if (!rc)
		rc = model_tx_log(tx, c->actor, "identity.created", "identity", c->id,
		                  json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)c->id,
		                            "username", c->n->username, "display_name",
		                            c->n->display_name, "clearance", "none"));
	/* the clearance is a decision on the login's person (reg_clearances.c) */
	if (!rc && c->n->clearance != CLEAR_NONE)
		rc = model_tx_clearance_set(tx, c->actor, c->id, c->n->clearance);
	if (rc)
		return rc;
	model_time(store_tx_now(tx), t);
	rc = store_tx_run(tx,
	                  "INSERT INTO credential (identity_id, pw_hash, pw_set_at, must_change, "
	                  "totp_secret, totp_confirmed) VALUES (?1, ?2, ?3, 1, ?4, 0)",
	                  "ittb", c->id, c->pw_hash, t, (const void *)c->sealed, c->sealed_len);
	return rc ? rc : model_tx_history_add(tx, c->id, c->pw_hash, t);
}

int model_identity_create(struct model *m, int64_t actor, const struct model_new_identity *n,
                          int64_t *id, char *otp, size_t otp_cap, struct model_err *err)
{
	uint8_t secret[AUTH_TOTP_SECRET_LEN];
	uint8_t sealed[AUTH_TOTP_SECRET_LEN + 64];
	char hash[AUTH_PW_HASH_SIZE];
	struct create_cmd c;
	int rc;

	if (!n->username || !username_ok(n->username)) {
		return model_fail(
		        err, SK_EINVAL, "username", "identity.username_format", NULL,
		        "username: 3..64 characters a-z 0-9 . _ -, starting with a letter");
	}
	if (!n->display_name || !model_text_valid(n->display_name, 1, 128, 0)) {
		return model_fail(err, SK_EINVAL, "display_name", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 128),
		                  "display_name: 1..128 bytes of text without control characters");
	}
	if ((unsigned)n->clearance > CLEAR_KH || otp_cap < 21) {
		return model_fail(err, SK_EINVAL, "clearance", "field.enum", NULL,
		                  "clearance: one of none, BH, K, H, KH");
	}
	model_one_time_password(otp, otp_cap);
	rc = auth_password_hash(otp, hash);
	if (!rc)
		rc = auth_totp_secret_new(secret);
	memset(&c, 0, sizeof(c));
	if (!rc)
		rc = model_seal(m, secret, sizeof(secret), sealed, sizeof(sealed), &c.sealed_len);
	sodium_memzero(secret, sizeof(secret));
	if (rc)
		return rc;
	c.m = m;
	c.actor = actor;
	c.n = n;
	c.pw_hash = hash;
	c.sealed = sealed;
	rc = model_submit(m, create_fn, &c, err);
	if (!rc)
		*id = c.id;
	else
		sodium_memzero(otp, otp_cap);
	if (rc && c.reason)
		snprintf(err->reason, sizeof(err->reason), "%s", c.reason);
	return rc;
}

struct creds_cmd {
	int64_t id;
	const char *hash;
	const uint8_t *sealed;
	size_t sealed_len;
};

static int creds_fn(struct store_tx *tx, void *arg)
{
	struct creds_cmd *c = arg;
	char t[SK_TIME_LEN + 1];
	int rc;

	model_time(store_tx_now(tx), t);
	rc = store_tx_run(tx,
	                  "UPDATE credential SET pw_hash = ?2, pw_set_at = ?3, must_change = 0, "
	                  "totp_secret = ?4, totp_confirmed = 1 WHERE identity_id = ?1",
	                  "ittb", c->id, c->hash, t, (const void *)c->sealed, c->sealed_len);
	/* Like every password an account has had, it counts against reuse (4 kap. 10 §). */
	if (!rc)
		rc = model_tx_history_add(tx, c->id, c->hash, t);
	if (rc)
		return rc;
	return model_tx_log(tx, 0, "identity.enrolled", "identity", c->id,
	                    json_pack("{s:I, s:s}", "id", (json_int_t)c->id, "by", "demo setup"));
}

int model_identity_set_credentials(struct model *m, int64_t id, const char *password,
                                   const uint8_t *totp_secret, size_t len)
{
	uint8_t sealed[AUTH_TOTP_SECRET_MAX + 64];
	char hash[AUTH_PW_HASH_SIZE];
	struct creds_cmd c = {.id = id, .hash = hash, .sealed = sealed};
	int rc;

	rc = auth_password_hash(password, hash);
	if (!rc)
		rc = model_seal(m, totp_secret, len, sealed, sizeof(sealed), &c.sealed_len);
	if (!rc)
		rc = model_submit(m, creds_fn, &c, NULL);
	return rc;
}

int model_identity_totp_secret(struct model *m, int64_t id, char *out, size_t cap)
{
	struct store_reader *r = model_reader(m);
	uint8_t secret[AUTH_TOTP_SECRET_MAX];
	struct store_q *q;
	size_t n = 0;
	int rc;

	if (!r)
		return SK_EIO;
	rc = store_reader_query(r, "SELECT totp_secret FROM credential WHERE identity_id = ?1", &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		size_t len;
		const uint8_t *sealed = store_q_blob(q, 0, &len);

		rc = model_unseal(m, sealed, len, secret, sizeof(secret), &n);
	}
	store_q_done(q);
	if (!rc)
		rc = auth_totp_secret_base32(secret, n, out, cap);
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

/* ---- update ---- */

struct update_cmd {
	const struct principal *p;
	int64_t id;
	const struct model_identity_patch *patch;
	struct model_sod sod;
};

/* Applies the separation-of-duties rule to one change; field names the change. */
static int sod_check(struct store_tx *tx, struct update_cmd *c, enum model_sod_act act,
                     const char *field, const char *today)
{
	if (model_tx_sod(tx, c->p->id, c->id, act, ROLE_STAFF, today, &c->sod) == SK_OK)
		return SK_OK;
	store_tx_fail(tx, field, "%s", c->sod.why);
	return SK_ERULE;
}

static int update_fn(struct store_tx *tx, void *arg)
{
	struct update_cmd *c = arg;
	const struct model_identity_patch *patch = c->patch;
	char status[16] = "", today[11];
	struct store_q *q;
	json_t *d;
	int rc;

	rc = store_tx_query(tx, "SELECT status FROM identity WHERE id = ?1", &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->id);
	rc = store_q_step(q);
	if (!rc)
		snprintf(status, sizeof(status), "%s", store_q_text(q, 0));
	store_q_done(q);
	if (rc == SK_ENOTFOUND) {
		store_tx_failr(tx, SK_ENOTFOUND, "id", "identity.not_found", NULL,
		               "no identity %lld", (long long)c->id);
		return SK_ENOTFOUND;
	}
	if (rc)
		return rc;
	/* Decided in the writer, against roles and creators as they stand now. */
	model_today(today);
	if (patch->clearance >= 0 && sod_check(tx, c, SOD_CLEARANCE, "clearance", today))
		return SK_ERULE;
	if (patch->status && strcmp(patch->status, "disabled") == 0 &&
	    sod_check(tx, c, SOD_DISABLE, "status", today))
		return SK_ERULE;
	/* Re-activating gives an account its access back: a decision like a grant. */
	if (patch->status && strcmp(patch->status, "active") == 0 &&
	    strcmp(status, "active") != 0 && sod_check(tx, c, SOD_ENABLE, "status", today))
		return SK_ERULE;
	d = json_pack("{s:I}", "id", (json_int_t)c->id);
	if (d && c->patch->display_name)
		json_object_set_new(d, "display_name", json_string(c->patch->display_name));
	if (d && c->patch->status)
		json_object_set_new(d, "status", json_string(c->patch->status));
	if (d && c->patch->reason)
		json_object_set_new(d, "reason", json_string(c->patch->reason));
	if (d && c->patch->email)
		json_object_set_new(d, "email", json_string(c->patch->email));
	/* the clearance is a decision on the login's person, not a field of the account */
	if (c->patch->clearance >= 0 &&
	    (rc = model_tx_clearance_set(tx, c->p->id, c->id,
	                                 (enum clearance)c->patch->clearance))) {
		json_decref(d);
		return rc;
	}
	if (json_object_size(d) > 1 || c->patch->clearance < 0)
		rc = model_tx_log(tx, c->p->id, "identity.updated", "identity", c->id, d);
	else
		json_decref(d);
	if (rc || !c->patch->status || strcmp(c->patch->status, "disabled") != 0)
		return rc;
	/* A disabled account loses its sessions on the spot. */
	return store_tx_run(tx,
	                    "UPDATE session SET revoked_us = ?2 WHERE identity_id = ?1 AND "
	                    "revoked_us IS NULL",
	                    "ii", c->id, store_tx_now(tx));
}

int model_identity_update(struct model *m, const struct principal *p, int64_t id,
                          const struct model_identity_patch *patch, struct model_err *err)
{
	struct update_cmd c = {p, id, patch, {NULL, NULL}};
	int rc;

	if (patch->display_name && !model_text_valid(patch->display_name, 1, 128, 0)) {
		return model_fail(err, SK_EINVAL, "display_name", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 128),
		                  "display_name: 1..128 bytes of text without control characters");
	}
	if (patch->reason && !model_text_valid(patch->reason, 1, 1000, 0)) {
		return model_fail(err, SK_EINVAL, "reason", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 1000),
		                  "reason: 1..1000 bytes of text without control characters");
	}
	if (patch->status && strcmp(patch->status, "active") != 0 &&
	    strcmp(patch->status, "disabled") != 0) {
		return model_fail(err, SK_EINVAL, "status", "field.enum", NULL,
		                  "status: active or disabled");
	}
	if (patch->email && !model_email_valid(patch->email)) {
		return model_fail(err, SK_EINVAL, "email", "identity.email_format", NULL,
		                  "email: one address local@domain (at most 254 characters, no "
		                  "spaces or control characters), or empty for none");
	}
	/* The address is the person's own, or the admin's or the ssc's to keep (not the head's). */
	if (patch->email && p->id != id &&
	    !(p->roles & (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_SSC)))) {
		return model_fail(err, SK_EPERM, "email", "identity.email_by", NULL,
		                  "email: set by the person themself, an admin or the ssc");
	}
	if (!patch->display_name && patch->clearance < 0 && !patch->status && !patch->email) {
		return model_fail(err, SK_EINVAL, "", "field.nothing_to_change", NULL,
		                  "nothing to change");
	}
	rc = model_submit(m, update_fn, &c, err);
	if (rc && c.sod.reason)
		snprintf(err->reason, sizeof(err->reason), "%s", c.sod.reason);
	return rc;
}

/* ---- queries ---- */

/* One identity with its roles in force today (?1), in one statement. */
#define IDENTITY_SQL                                                                               \
	"SELECT i.id, i.username, i.display_name, " MODEL_CLEARANCE_OF_IDENTITY(                   \
	        "i.id", "?2") ", i.status, i.created_at, "                                         \
	                      "coalesce(c.totp_confirmed, 0), (SELECT group_concat(role, ' ') "    \
	                      "FROM role_grant "                                                   \
	                      "WHERE " MODEL_GRANT_IN_FORCE(                                       \
	                              "i.id") "), i.created_by, i.email FROM identity i "          \
	                                      "LEFT JOIN credential c ON c.identity_id = i.id "

static json_t *identity_row(struct store_q *q)
{
	/*
	 * created_by (0: the system): who may not decide about it (docs/internals/auth.md).
	 * email: only the identity itself (GET /api/v1/me) and the security log's readers
	 * (the identities routes) ever receive a row.
	 */
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:o, s:s}", "id",
	                 (json_int_t)store_q_int(q, 0), "username", store_q_text(q, 1),
	                 "display_name", store_q_text(q, 2), "clearance", store_q_text(q, 3),
	                 "status", store_q_text(q, 4), "created_at", store_q_text(q, 5),
	                 "created_by", (json_int_t)store_q_int(q, 8), "enrolled",
	                 (int)store_q_int(q, 6), "roles",
	                 model_roles_json(model_roles_mask(store_q_text(q, 7))), "email",
	                 store_q_text(q, 9));
}

/* Runs IDENTITY_SQL + tail (id bound to ?2 when given) and collects the rows. */
static json_t *identities(struct model *m, const char *sql, int64_t id)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array();
	struct store_q *q;
	char today[11];

	if (!r || !arr || store_reader_query(r, sql, &q)) {
		json_decref(arr);
		return NULL;
	}
	model_today(today);
	store_q_bind_text(q, 2, today);
	if (id)
		store_q_bind_int(q, 1, id);
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, identity_row(q));
	store_q_done(q);
	return arr;
}

json_t *model_identity_get(struct model *m, int64_t id)
{
	json_t *arr = identities(m, IDENTITY_SQL "WHERE i.id = ?1", id);
	json_t *o = json_incref(json_array_get(arr, 0));

	json_decref(arr);
	return o;
}

json_t *model_identity_list(struct model *m)
{
	return identities(m, IDENTITY_SQL "ORDER BY i.id", 0);
}
