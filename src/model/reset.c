/*
 * A lost password or TOTP, reset by two people (4 kap. 8 and 9 §§; issue 15):
 * one requests the reset of an account, a different one with the same
 * authority (model_tx_sod, SOD_RESET) confirms it. Confirming gives the
 * account a new one-time password (shown to the confirmer only), a new
 * unconfirmed TOTP secret and no recovery codes, so its next login is an
 * enrolment like a new account's; its sessions end and its service tokens are
 * revoked. The request and its fate are ledger entries (identity.reset.*) and
 * the identity_reset projection; the secrets are operational (credential).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"

/* How long a request waits for its second person. */
#define RESET_TTL_US (24 * 3600 * INT64_C(1000000))

/* ---- the projection ---- */

int model_apply_reset(struct store_tx *tx, const struct ledger_entry *e)
{
	char t[SK_TIME_LEN + 1];

	model_time(e->time_us, t);
	if (strcmp(e->kind, "identity.reset.requested") == 0)
		return store_tx_run(
		        tx,
		        "INSERT INTO identity_reset (id, identity_id, requested_by, "
		        "requested_at, reason, expires_at, state) VALUES (?1, ?2, ?3, ?4, "
		        "?5, ?6, 'pending')",
		        "iiitt"
		        "t",
		        model_json_int(e->data, "reset_id"), model_json_int(e->data, "id"),
		        e->actor, t, model_json_str0(e->data, "reason"),
		        model_json_str0(e->data, "expires_at"));
	if (strcmp(e->kind, "identity.reset.confirmed") == 0 ||
	    strcmp(e->kind, "identity.reset.cancelled") == 0)
		return store_tx_run(tx,
		                    "UPDATE identity_reset SET state = ?2, decided_by = ?3, "
		                    "decided_at = ?4, cancel_reason = ?5 WHERE id = ?1",
		                    "itit"
		                    "t",
		                    model_json_int(e->data, "reset_id"),
		                    strcmp(e->kind, "identity.reset.confirmed") == 0 ? "confirmed"
		                                                                     : "cancelled",
		                    e->actor, t, model_json_str(e->data, "reason"));
	return SK_OK;
}

/* ---- commands ---- */

struct reset_cmd {
	const struct principal *p;
	int64_t id;       /* the account */
	int64_t reset_id; /* confirm, cancel: the request; request: the new one */
	const char *reason;
	/* confirm */
	const char *pw_hash;
	const uint8_t *sealed;
	size_t sealed_len;
	/* a refusal */
	const char *refusal;
};

static int refuse(struct store_tx *tx, struct reset_cmd *c, const char *field, const char *reason,
                  const char *why)
{
	c->refusal = reason;
	store_tx_fail(tx, field, "%s", why);
	return SK_ERULE;
}

/* The account exists, and p may decide its reset (the rule, as it stands now). */
static int may_reset(struct store_tx *tx, struct reset_cmd *c)
{
	struct model_sod sod;
	char today[11];
	int64_t n = 0;
	int rc;

	rc = store_tx_int(tx, &n, "SELECT count(*) FROM identity WHERE id = ?1", "i", c->id);
	if (rc)
		return rc;
	if (!n) {
		store_tx_failr(tx, SK_ENOTFOUND, "id", "identity.not_found", NULL,
		               "no identity %lld", (long long)c->id);
		return SK_ENOTFOUND;
	}
	model_today(today);
	if (model_tx_sod(tx, c->p->id, c->id, SOD_RESET, ROLE_STAFF, today, &sod) == SK_OK)
		return SK_OK;
	return refuse(tx, c, "identity_id", sod.reason, sod.why);
}

static int request_fn(struct store_tx *tx, void *arg)
{
	struct reset_cmd *c = arg;
	char now[SK_TIME_LEN + 1], until[SK_TIME_LEN + 1];
	int64_t pending = 0;
	int rc;

	rc = may_reset(tx, c);
	if (rc)
		return rc;
	model_time(store_tx_now(tx), now);
	rc = store_tx_int(tx, &pending,
	                  "SELECT count(*) FROM identity_reset WHERE identity_id = ?1 AND state = "
	                  "'pending' AND expires_at > ?2",
	                  "it", c->id, now);
	if (rc)
		return rc;
	if (pending)
		return refuse(tx, c, "identity_id", "reset_pending",
		              "4 kap. 9 §: a reset of this account is already waiting for its "
		              "confirmation: confirm or cancel it first");
	rc = store_tx_int(tx, &c->reset_id, "SELECT coalesce(max(id), 0) + 1 FROM identity_reset",
	                  "");
	if (rc)
		return rc;
	model_time(store_tx_now(tx) + RESET_TTL_US, until);
	return model_tx_log(tx, c->p->id, "identity.reset.requested", "identity", c->id,
	                    json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)c->id, "reset_id",
	                              (json_int_t)c->reset_id, "reason", c->reason, "expires_at",
	                              until));
}

/*
 * The request c->reset_id of account c->id, pending and not expired; its
 * requester in *by. Refusals name reset_id.
 */
static int pending_request(struct store_tx *tx, struct reset_cmd *c, int64_t *by)
{
	char now[SK_TIME_LEN + 1], state[16] = "";
	struct store_q *q;
	bool expired = false;
	int rc;

	model_time(store_tx_now(tx), now);
	rc = store_tx_query(tx,
	                    "SELECT requested_by, state, expires_at <= ?3 FROM identity_reset "
	                    "WHERE id = ?1 AND identity_id = ?2",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->reset_id);
	store_q_bind_int(q, 2, c->id);
	store_q_bind_text(q, 3, now);
	rc = store_q_step(q);
	if (!rc) {
		*by = store_q_int(q, 0);
		snprintf(state, sizeof(state), "%s", store_q_text(q, 1));
		expired = store_q_int(q, 2) != 0;
	}
	store_q_done(q);
	if (rc == SK_ENOTFOUND) {
		store_tx_failr(tx, SK_ENOTFOUND, "reset_id", "reset.not_found", NULL,
		               "no reset request %lld for identity %lld", (long long)c->reset_id,
		               (long long)c->id);
		return SK_ENOTFOUND;
	}
	if (rc)
		return rc;
	if (strcmp(state, "pending") != 0)
		return refuse(tx, c, "reset_id", "reset_closed",
		              "4 kap. 9 §: this reset request is already confirmed or cancelled");
	if (expired)
		return refuse(
		        tx, c, "reset_id", "reset_expired",
		        "4 kap. 9 §: this reset request has expired (24 hours): request a new "
		        "one");
	return SK_OK;
}

static int confirm_fn(struct store_tx *tx, void *arg)
{
	struct reset_cmd *c = arg;
	char t[SK_TIME_LEN + 1];
	struct store_q *q;
	int64_t by = 0, tokens[64];
	size_t ntok = 0;
	int rc;

	rc = pending_request(tx, c, &by);
	if (!rc)
		rc = may_reset(tx, c);
	if (rc)
		return rc;
	/* Four eyes: the second person is not the first (nor the account, nor its creator). */
	if (by == c->p->id)
		return refuse(tx, c, "reset_id", "same_person",
		              "4 kap. 8 §: a reset is confirmed by another person than the one who "
		              "requested it");
	model_time(store_tx_now(tx), t);
	/* Like a new account: a one-time password and a TOTP secret the next login confirms. */
	rc = store_tx_run(tx,
	                  "UPDATE credential SET pw_hash = ?2, pw_set_at = ?3, must_change = 1, "
	                  "totp_secret = ?4, totp_confirmed = 0, totp_last_step = 0 WHERE "
	                  "identity_id = ?1",
	                  "ittb", c->id, c->pw_hash, t, (const void *)c->sealed, c->sealed_len);
	if (!rc)
		rc = model_tx_history_add(tx, c->id, c->pw_hash, t);
	if (!rc)
		rc = store_tx_run(tx, "DELETE FROM recovery_code WHERE identity_id = ?1", "i",
		                  c->id);
	if (!rc)
		rc = store_tx_run(tx,
		                  "UPDATE session SET revoked_us = ?2 WHERE identity_id = ?1 AND "
		                  "revoked_us IS NULL",
		                  "ii", c->id, store_tx_now(tx));
	if (rc)
		return rc;
	/* Its service tokens: revoked by entries, so the projection replays. */
	for (;;) {
		ntok = 0;
		rc = store_tx_query(tx,
		                    "SELECT id FROM service_token WHERE created_by = ?1 AND "
		                    "revoked_at IS NULL ORDER BY id LIMIT 64",
		                    &q);
		if (rc)
			return rc;
		store_q_bind_int(q, 1, c->id);
		while (ntok < 64 && store_q_step(q) == SK_OK)
			tokens[ntok++] = store_q_int(q, 0);
		store_q_done(q);
		for (size_t i = 0; i < ntok && !rc; i++)
			rc = model_tx_log(tx, c->p->id, "token.revoked", "token", tokens[i],
			                  json_pack("{s:I}", "id", (json_int_t)tokens[i]));
		if (rc || ntok < 64)
			break;
	}
	if (rc)
		return rc;
	return model_tx_log(tx, c->p->id, "identity.reset.confirmed", "identity", c->id,
	                    json_pack("{s:I, s:I, s:I}", "id", (json_int_t)c->id, "reset_id",
	                              (json_int_t)c->reset_id, "requested_by", (json_int_t)by));
}

static int cancel_fn(struct store_tx *tx, void *arg)
{
	struct reset_cmd *c = arg;
	int64_t by = 0;
	json_t *d;
	int rc;

	rc = pending_request(tx, c, &by);
	/* An expired request may still be closed: it changes nothing but the list. */
	if (rc == SK_ERULE && c->refusal && strcmp(c->refusal, "reset_expired") == 0) {
		c->refusal = NULL;
		rc = SK_OK;
	}
	if (rc)
		return rc;
	/* The requester withdraws her own request; anyone else needs the authority. */
	if (by != c->p->id) {
		rc = may_reset(tx, c);
		if (rc)
			return rc;
	}
	d = json_pack("{s:I, s:I}", "id", (json_int_t)c->id, "reset_id", (json_int_t)c->reset_id);
	if (d && c->reason && c->reason[0])
		json_object_set_new(d, "reason", json_string(c->reason));
	return model_tx_log(tx, c->p->id, "identity.reset.cancelled", "identity", c->id, d);
}

static int reason_ok(const char *reason, bool required, struct model_err *err)
{
	if ((!reason && !required) || model_text_valid(reason, required ? 1 : 0, 1000, 0))
		return SK_OK;
	return model_fail(err, SK_EINVAL, "reason", "field.text_size",
	                  json_pack("{s:i, s:i}", "min", 1, "max", 1000),
	                  "reason: 1..1000 bytes of text without control characters");
}

static int submit(struct model *m, store_cmd_fn fn, struct reset_cmd *c, struct model_err *err)
{
	int rc = model_submit(m, fn, c, err);

	if (rc && c->refusal)
		snprintf(err->reason, sizeof(err->reason), "%s", c->refusal);
	return rc;
}

int model_reset_request(struct model *m, const struct principal *p, int64_t id, const char *reason,
                        int64_t *reset_id, struct model_err *err)
{
	struct reset_cmd c = {.p = p, .id = id, .reason = reason};
	int rc = reason_ok(reason, true, err);

	if (!rc)
		rc = submit(m, request_fn, &c, err);
	if (!rc && reset_id)
		*reset_id = c.reset_id;
	return rc;
}

int model_reset_confirm(struct model *m, const struct principal *p, int64_t id, int64_t reset_id,
                        char *otp, size_t otp_cap, struct model_err *err)
{
	uint8_t secret[AUTH_TOTP_SECRET_LEN];
	uint8_t sealed[AUTH_TOTP_SECRET_LEN + 64];
	char hash[AUTH_PW_HASH_SIZE];
	struct reset_cmd c = {.p = p, .id = id, .reset_id = reset_id};
	int rc;

	if (otp_cap < 21)
		return SK_EINVAL;
	model_one_time_password(otp, otp_cap);
	rc = auth_password_hash(otp, hash);
	if (!rc)
		rc = auth_totp_secret_new(secret);
	if (!rc)
		rc = model_seal(m, secret, sizeof(secret), sealed, sizeof(sealed), &c.sealed_len);
	sodium_memzero(secret, sizeof(secret));
	c.pw_hash = hash;
	c.sealed = sealed;
	if (!rc)
		rc = submit(m, confirm_fn, &c, err);
	sodium_memzero(hash, sizeof(hash));
	if (rc)
		sodium_memzero(otp, otp_cap);
	return rc;
}

int model_reset_cancel(struct model *m, const struct principal *p, int64_t id, int64_t reset_id,
                       const char *reason, struct model_err *err)
{
	struct reset_cmd c = {.p = p, .id = id, .reset_id = reset_id, .reason = reason};
	int rc = reason_ok(reason, false, err);

	return rc ? rc : submit(m, cancel_fn, &c, err);
}

/* ---- reads ---- */

json_t *model_reset_pending(struct model *m, int64_t id)
{
	struct store_reader *r = model_reader(m);
	char now[SK_TIME_LEN + 1];
	struct store_q *q;
	json_t *o = NULL;

	if (!r || store_reader_query(r,
	                             "SELECT id, requested_by, requested_at, reason, expires_at "
	                             "FROM identity_reset WHERE identity_id = ?1 AND state = "
	                             "'pending' AND expires_at > ?2 ORDER BY id DESC LIMIT 1",
	                             &q))
		return json_null();
	model_time(sk_now_us(), now);
	store_q_bind_int(q, 1, id);
	store_q_bind_text(q, 2, now);
	if (store_q_step(q) == SK_OK)
		o = json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)store_q_int(q, 0),
		              "requested_by", (json_int_t)store_q_int(q, 1), "requested_at",
		              store_q_text(q, 2), "reason", store_q_text(q, 3), "expires_at",
		              store_q_text(q, 4));
	store_q_done(q);
	return o ? o : json_null();
}

/* ---- what the caller may decide about an account ---- */

struct may_cmd {
	const struct principal *p;
	int64_t id;
	json_t *out;
};

static bool sod_ok(struct store_tx *tx, struct may_cmd *c, enum model_sod_act act, enum role r,
                   const char *today)
{
	struct model_sod sod;

	return model_tx_sod(tx, c->p->id, c->id, act, r, today, &sod) == SK_OK;
}

/* Reads only: the same rule the writer applies, against the state it applies it to. */
static int may_fn(struct store_tx *tx, void *arg)
{
	struct may_cmd *c = arg;
	char today[11], now[SK_TIME_LEN + 1];
	json_t *roles = json_array();
	int64_t by = -1;
	bool reset;

	if (!roles)
		return SK_ENOMEM;
	model_today(today);
	model_time(store_tx_now(tx), now);
	for (int r = 0; r < ROLE_COUNT; r++)
		if (sod_ok(tx, c, SOD_GRANT, (enum role)r, today))
			json_array_append_new(roles, json_string(role_name((enum role)r)));
	reset = sod_ok(tx, c, SOD_RESET, ROLE_STAFF, today);
	if (store_tx_int(tx, &by,
	                 "SELECT requested_by FROM identity_reset WHERE identity_id = ?1 AND state "
	                 "= 'pending' AND expires_at > ?2 ORDER BY id DESC LIMIT 1",
	                 "it", c->id, now) != SK_OK)
		by = -1;
	c->out = json_pack("{s:b, s:b, s:b, s:o, s:b, s:b, s:b}", "disable",
	                   sod_ok(tx, c, SOD_DISABLE, ROLE_STAFF, today), "enable",
	                   sod_ok(tx, c, SOD_ENABLE, ROLE_STAFF, today), "clearance",
	                   sod_ok(tx, c, SOD_CLEARANCE, ROLE_STAFF, today), "grant_roles", roles,
	                   "reset_request", reset && by < 0, "reset_confirm",
	                   reset && by >= 0 && by != c->p->id, "reset_cancel",
	                   by >= 0 && (by == c->p->id || reset));
	return c->out ? SK_OK : SK_ENOMEM;
}

json_t *model_identity_may(struct model *m, const struct principal *p, int64_t id)
{
	struct may_cmd c = {p, id, NULL};

	/* A service token decides nothing about accounts. */
	if (p->token_id || model_submit(m, may_fn, &c, NULL) != SK_OK) {
		json_decref(c.out);
		return json_pack("{s:b, s:b, s:b, s:[], s:b, s:b, s:b}", "disable", 0, "enable", 0,
		                 "clearance", 0, "grant_roles", "reset_request", 0, "reset_confirm",
		                 0, "reset_cancel", 0);
	}
	return c.out;
}
