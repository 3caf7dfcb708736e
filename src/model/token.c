/*
 * Service tokens for integrations (created by an admin, scoped to
 * non-privileged roles the creator holds, with an expiry, shown once, stored
 * hashed; never worth more than the creator's rights now) and the listing of
 * sessions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"

struct token_cmd {
	const struct principal *p;
	const char *name;
	unsigned roles;
	const char *expires_at;
	const char *hash_hex;
	int64_t id;
	const char *reason; /* a refusal's stable code */
};

static int token_create_fn(struct store_tx *tx, void *arg)
{
	struct token_cmd *c = arg;
	char today[11];
	int rc;

	/*
	 * A token never holds more than its creator: at creation its roles are a
	 * subset of the creator's roles in force now (and at every request they are
	 * cut to the creator's roles then, see authenticate_token).
	 */
	model_today(today);
	if (c->roles & ~model_tx_roles_of(tx, c->p->id, today)) {
		c->reason = "token_roles";
		store_tx_fail(tx, "roles",
		              "4 kap. 8 §: a service token cannot carry a role its creator does "
		              "not hold");
		return SK_ERULE;
	}
	rc = store_tx_int(tx, &c->id, "SELECT coalesce(max(id), 0) + 1 FROM service_token", "");
	if (rc)
		return rc;
	return model_tx_log(tx, c->p->id, "token.created", "token", c->id,
	                    json_pack("{s:I, s:s, s:o, s:s, s:s}", "id", (json_int_t)c->id, "name",
	                              c->name, "roles", model_roles_json(c->roles), "token_hash",
	                              c->hash_hex, "expires_at", c->expires_at));
}

int model_token_create(struct model *m, const struct principal *p, const char *name, unsigned roles,
                       const char *expires_at, int64_t *id, char *secret, size_t cap,
                       struct model_err *err)
{
	uint8_t h[AUTH_HASH_LEN];
	char hex[2 * AUTH_HASH_LEN + 1], today[11], limit[11];
	struct token_cmd c = {p, name, roles, expires_at, hex, 0, NULL};
	size_t n = name ? strlen(name) : 0;
	int rc;

	if (n == 0 || n > 64 || !sk_utf8_valid(name, n)) {
		return model_fail(err, SK_EINVAL, "name", "field.text_size",
		                  json_pack("{s:i, s:i}", "min", 1, "max", 64),
		                  "name: 1..64 bytes of text");
	}
	if (!roles || (roles & (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_CHIEF) |
	                        ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_PERSONNEL) |
	                        ROLE_BIT(ROLE_AGENCY)))) {
		return model_fail(
		        err, SK_EINVAL, "roles", "token.roles", NULL,
		        "roles: one or more of registrar, staff, auditor (a token cannot carry "
		        "privileged or decision roles: it has no second factor, 4 kap. 9 §)");
	}
	model_today(today);
	model_plus_year(today, limit);
	if (!model_date_valid(expires_at) || strcmp(expires_at, today) < 0 ||
	    strcmp(expires_at, limit) > 0) {
		return model_fail(
		        err, SK_EINVAL, "expires_at", "token.expires_at",
		        json_pack("{s:s}", "until", limit),
		        "expires_at: a date YYYY-MM-DD from today to at most a year ahead");
	}
	rc = auth_token_new(AUTH_TOKEN_PREFIX_SERVICE, secret, cap);
	if (!rc)
		rc = auth_token_hash(secret, h);
	if (!rc)
		rc = sk_hex_encode(h, sizeof(h), hex, sizeof(hex));
	if (!rc)
		rc = model_submit(m, token_create_fn, &c, err);
	if (rc)
		sodium_memzero(secret, cap);
	else
		*id = c.id;
	if (rc && c.reason)
		snprintf(err->reason, sizeof(err->reason), "%s", c.reason);
	return rc;
}

struct token_revoke_cmd {
	const struct principal *p;
	int64_t id;
};

static int token_revoke_fn(struct store_tx *tx, void *arg)
{
	struct token_revoke_cmd *c = arg;
	int64_t live = 0;
	int rc;

	rc = store_tx_int(tx, &live, "SELECT revoked_at IS NULL FROM service_token WHERE id = ?1",
	                  "i", c->id);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, rc, "id", "token.not_found", NULL, "no token %lld",
		                      (long long)c->id);
	if (rc)
		return rc;
	if (!live)
		return store_tx_failr(tx, SK_ERULE, "id", "token.revoked", NULL,
		                      "the token is already revoked");
	return model_tx_log(tx, c->p->id, "token.revoked", "token", c->id,
	                    json_pack("{s:I}", "id", (json_int_t)c->id));
}

int model_token_revoke(struct model *m, const struct principal *p, int64_t id,
                       struct model_err *err)
{
	struct token_revoke_cmd c = {p, id};

	return model_submit(m, token_revoke_fn, &c, err);
}

#define TOKEN_COLS                                                                                 \
	"SELECT id, name, roles, created_by, created_at, expires_at, revoked_at FROM "             \
	"service_token "

static json_t *token_row(struct store_q *q)
{
	json_t *roles = json_loads(store_q_text(q, 2), 0, NULL);

	return json_pack("{s:I, s:s, s:o, s:I, s:s, s:s, s:s?}", "id",
	                 (json_int_t)store_q_int(q, 0), "name", store_q_text(q, 1), "roles",
	                 roles ? roles : json_array(), "created_by", (json_int_t)store_q_int(q, 3),
	                 "created_at", store_q_text(q, 4), "expires_at", store_q_text(q, 5),
	                 "revoked_at", store_q_is_null(q, 6) ? NULL : store_q_text(q, 6));
}

json_t *model_token_list(struct model *m)
{
	struct store_reader *r = model_reader(m);
	json_t *arr = json_array();
	struct store_q *q;

	if (!r || !arr || store_reader_query(r, TOKEN_COLS "ORDER BY id", &q)) {
		json_decref(arr);
		return NULL;
	}
	while (store_q_step(q) == SK_OK)
		json_array_append_new(arr, token_row(q));
	store_q_done(q);
	return arr;
}

json_t *model_token_get(struct model *m, int64_t id)
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	json_t *o = NULL;

	if (!r || store_reader_query(r, TOKEN_COLS "WHERE id = ?1", &q))
		return NULL;
	store_q_bind_int(q, 1, id);
	if (store_q_step(q) == SK_OK)
		o = token_row(q);
	store_q_done(q);
	return o;
}

json_t *model_session_list(struct model *m, int64_t identity_id, int64_t current)
{
	static const char sql[] =
	        "SELECT id, identity_id, created_us, last_seen_us, expires_us, bearer, client FROM "
	        "session WHERE identity_id = ?1 AND revoked_us IS NULL AND expires_us > ?2 AND "
	        "last_seen_us > ?3 ORDER BY id DESC LIMIT 200";
	struct store_reader *r = model_reader(m);
	int64_t now = sk_now_us();
	json_t *arr = json_array();
	struct store_q *q;

	if (!r || !arr || store_reader_query(r, sql, &q)) {
		json_decref(arr);
		return NULL;
	}
	store_q_bind_int(q, 1, identity_id);
	store_q_bind_int(q, 2, now);
	store_q_bind_int(q, 3, now - (int64_t)m->cfg.idle_s * 1000000);
	while (store_q_step(q) == SK_OK) {
		char c[SK_TIME_LEN + 1], l[SK_TIME_LEN + 1], e[SK_TIME_LEN + 1];
		int64_t id = store_q_int(q, 0);

		model_time(store_q_int(q, 2), c);
		model_time(store_q_int(q, 3), l);
		model_time(store_q_int(q, 4), e);
		json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:s, s:s, s:b, s:s, s:b}",
		                                     "id", (json_int_t)id, "identity_id",
		                                     (json_int_t)store_q_int(q, 1), "created_at", c,
		                                     "last_seen_at", l, "expires_at", e, "bearer",
		                                     (int)store_q_int(q, 5), "client",
		                                     store_q_text(q, 6), "current", id == current));
	}
	store_q_done(q);
	return arr;
}
