/*
 * Login (4 kap. 9 §): password, then TOTP or a recovery code; first-login
 * enrolment; sessions and their checks; throttling with exponential
 * back-off; failures as ledger entries, aggregated when they flood.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/access_int.h"
#include "model/reg_int.h"

/* ---- throttling (in memory; a restart forgets, the ledger does not) ---- */

static struct throttle *throttle_find(struct model *m, const char *key, bool add, int64_t now)
{
	struct throttle *t, *oldest = &m->throttles[0];

	for (size_t i = 0; i < THROTTLE_MAX; i++) {
		t = &m->throttles[i];
		if (t->key[0] && strcmp(t->key, key) == 0)
			return t;
		if (!t->key[0] || t->window_start_us < oldest->window_start_us)
			oldest = t;
	}
	if (!add)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->key, sizeof(oldest->key), "%s", key);
	oldest->window_start_us = now;
	return oldest;
}

/* Failures after which key locks: an account's after 3, an address's (shared) after 10. */
static int throttle_limit(const char *key)
{
	return key[0] == 'a' ? 10 : 3;
}

/*
 * Seconds until key may try again, or 0 with one attempt reserved, to be
 * given back with throttle_end once it is decided. Checking and reserving are
 * one step, so guesses sent at the same moment cannot all pass a check made
 * before any of them failed: no more run at once than the failures left before
 * the lock (one at a time once it has locked and the wait is over).
 */
static int throttle_begin(struct model *m, const char *key, int64_t now)
{
	struct throttle *t;
	int wait = 0, failures, room;

	pthread_mutex_lock(&m->mu);
	t = throttle_find(m, key, true, now);
	failures = now - t->window_start_us > THROTTLE_WINDOW_US ? 0 : t->failures;
	room = throttle_limit(key) - failures;
	if (t->locked_until_us > now)
		wait = (int)((t->locked_until_us - now + 999999) / 1000000);
	else if (t->inflight >= (room > 1 ? room : 1))
		wait = 1; /* the attempts under way decide whether it locks */
	else
		t->inflight++;
	pthread_mutex_unlock(&m->mu);
	return wait;
}

static void throttle_end(struct model *m, const char *key)
{
	struct throttle *t;

	pthread_mutex_lock(&m->mu);
	t = throttle_find(m, key, false, 0);
	if (t && t->inflight > 0)
		t->inflight--;
	pthread_mutex_unlock(&m->mu);
}

/*
 * Counts a failure. Returns 1 when this failure is to be logged on its own,
 * N > 1 when an aggregate of N suppressed failures is due, 0 otherwise.
 */
static int throttle_fail(struct model *m, const char *key, int64_t now)
{
	struct throttle *t;
	int log = 0;

	pthread_mutex_lock(&m->mu);
	t = throttle_find(m, key, true, now);
	if (now - t->window_start_us > THROTTLE_WINDOW_US) {
		log = t->suppressed > 0 ? t->suppressed : 0;
		t->failures = 0;
		t->suppressed = 0;
		t->window_start_us = now;
	}
	t->failures++;
	/*
	 * An account locks after 3 failures; an address, shared by everyone
	 * behind it, after 10. Then the wait doubles with each failure (≤ 15 min).
	 */
	if (t->failures >= throttle_limit(key)) {
		int over = t->failures - throttle_limit(key);
		int shift = over < 10 ? over : 10;
		int64_t secs = (int64_t)1 << shift;

		t->locked_until_us = now + (secs < 900 ? secs : 900) * 1000000;
	}
	if (t->failures <= THROTTLE_LOGGED) {
		log = log ? log : 1;
	} else if (++t->suppressed >= 100) {
		log = t->suppressed;
		t->suppressed = 0;
	}
	pthread_mutex_unlock(&m->mu);
	return log;
}

static void throttle_clear(struct model *m, const char *key)
{
	struct throttle *t;

	pthread_mutex_lock(&m->mu);
	t = throttle_find(m, key, false, 0);
	if (t)
		memset(t, 0, sizeof(*t));
	pthread_mutex_unlock(&m->mu);
}

/* ---- a second factor asked again after login (signing a receipt) ---- */

int model_reauth_wait(struct model *m, int64_t identity_id, struct model_err *err)
{
	char key[96];
	int wait;

	snprintf(key, sizeof(key), "s:%lld", (long long)identity_id);
	wait = throttle_begin(m, key, sk_now_us());
	if (!wait)
		return SK_OK;
	err->retry_after = wait;
	return model_fail(err, SK_ETHROTTLED, "code", "login.throttled",
	                  json_pack("{s:i}", "seconds", wait),
	                  "too many wrong codes: try again in %d s", wait);
}

void model_reauth_cancel(struct model *m, int64_t identity_id)
{
	char key[96];

	snprintf(key, sizeof(key), "s:%lld", (long long)identity_id);
	throttle_end(m, key);
}

void model_reauth_result(struct model *m, int64_t identity_id, bool ok, const char *what)
{
	char key[96], object[64];
	int n;
	json_t *d;

	snprintf(key, sizeof(key), "s:%lld", (long long)identity_id);
	throttle_end(m, key);
	if (ok) {
		throttle_clear(m, key);
		return;
	}
	/* Like a failed login: one by one at first, then aggregated. */
	n = throttle_fail(m, key, sk_now_us());
	if (!n)
		return;
	snprintf(object, sizeof(object), "identity/%lld", (long long)identity_id);
	d = n == 1 ? json_pack("{s:s}", "what", what)
	           : json_pack("{s:s, s:i}", "what", what, "suppressed", n);
	if (d)
		store_append(m->store, identity_id, "auth.reauth.failed", object, d, NULL);
	json_decref(d);
}

/* Records a failed login in the ledger, one by one or aggregated. */
static void log_failure(struct model *m, int64_t identity_id, const char *username,
                        const char *remote, const char *reason)
{
	char akey[96], ukey[96], object[64] = "";
	int64_t now = sk_now_us();
	int la, lu;
	json_t *d;

	snprintf(akey, sizeof(akey), "a:%s", remote);
	snprintf(ukey, sizeof(ukey), "u:%s", username);
	la = throttle_fail(m, akey, now);
	lu = throttle_fail(m, ukey, now);
	if (identity_id)
		snprintf(object, sizeof(object), "identity/%lld", (long long)identity_id);
	if (la == 1 || lu == 1) {
		d = json_pack("{s:s, s:s, s:s}", "username", username, "remote", remote, "reason",
		              reason);
		if (d)
			store_append(m->store, 0, "auth.login.failed", object, d, NULL);
		json_decref(d);
	}
	if (la > 1 || lu > 1) {
		d = json_pack("{s:s, s:s, s:i, s:s}", "username", username, "remote", remote,
		              "suppressed", la > lu ? la : lu, "reason", "flood");
		if (d)
			store_append(m->store, 0, "auth.login.failed.aggregated", object, d, NULL);
		json_decref(d);
	}
}

/* Reserves an attempt for the address and the user name (throttle_begin), or says how long to wait.
 */
static int throttled(struct model *m, const char *username, const char *remote,
                     struct model_err *err)
{
	char akey[96], ukey[96];
	int64_t now = sk_now_us();
	int a, u = 0;

	snprintf(akey, sizeof(akey), "a:%s", remote);
	snprintf(ukey, sizeof(ukey), "u:%s", username);
	a = throttle_begin(m, akey, now);
	if (!a) {
		u = throttle_begin(m, ukey, now);
		if (u)
			throttle_end(m, akey);
	}
	if (!a && !u)
		return SK_OK;
	err->retry_after = a > u ? a : u;
	return model_fail(err, SK_ETHROTTLED, NULL, "login.throttled",
	                  json_pack("{s:i}", "seconds", err->retry_after),
	                  "too many failed logins: try again in %d s", err->retry_after);
}

/* Gives back what throttled() reserved, once the attempt is decided. */
static void throttled_end(struct model *m, const char *username, const char *remote)
{
	char key[96];

	snprintf(key, sizeof(key), "a:%s", remote);
	throttle_end(m, key);
	snprintf(key, sizeof(key), "u:%s", username);
	throttle_end(m, key);
}

/* ---- challenges between the password and the second factor ---- */

static int challenge_new(struct model *m, int64_t id, bool enroll, char *out, size_t cap)
{
	struct challenge *c = NULL;
	int64_t now = sk_now_us();
	int rc;

	rc = auth_token_new("ch_", out, cap);
	if (rc)
		return rc;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < CHALLENGE_MAX; i++) {
		struct challenge *x = &m->challenges[i];

		if (x->used || x->expires_us <= now) {
			c = x;
			break;
		}
	}
	if (c) {
		auth_token_hash(out, c->hash);
		c->identity_id = id;
		c->expires_us = now + CHALLENGE_TTL_US;
		c->enroll = enroll;
		c->tries = 0;
		c->used = false;
	}
	pthread_mutex_unlock(&m->mu);
	return c ? SK_OK : SK_EBUSY;
}

/* Finds a live challenge; counts the try. Returns its identity or 0. */
static int64_t challenge_take(struct model *m, const char *token, bool *enroll)
{
	uint8_t h[AUTH_HASH_LEN];
	int64_t now = sk_now_us(), id = 0;

	if (!token || auth_token_hash(token, h))
		return 0;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < CHALLENGE_MAX; i++) {
		struct challenge *c = &m->challenges[i];

		if (!c->used && c->expires_us > now && sodium_memcmp(c->hash, h, sizeof(h)) == 0) {
			if (++c->tries > CHALLENGE_TRIES) {
				c->used = true;
				break;
			}
			id = c->identity_id;
			*enroll = c->enroll;
			break;
		}
	}
	pthread_mutex_unlock(&m->mu);
	return id;
}

static void challenge_done(struct model *m, const char *token)
{
	uint8_t h[AUTH_HASH_LEN];

	if (auth_token_hash(token, h))
		return;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < CHALLENGE_MAX; i++) {
		if (sodium_memcmp(m->challenges[i].hash, h, sizeof(h)) == 0)
			m->challenges[i].used = true;
	}
	pthread_mutex_unlock(&m->mu);
}

/* ---- step 1: the password ---- */

struct account {
	int64_t id;
	char username[65];
	bool active;
	bool enroll;
	char pw_hash[AUTH_PW_HASH_SIZE];
};

static int account_by(struct model *m, const char *username, int64_t id, struct account *a)
{
	static const char by_name[] =
	        "SELECT i.id, i.username, i.status, c.pw_hash, c.must_change, c.totp_confirmed "
	        "FROM identity i JOIN credential c ON c.identity_id = i.id WHERE i.username = ?1";
	static const char by_id[] =
	        "SELECT i.id, i.username, i.status, c.pw_hash, c.must_change, c.totp_confirmed "
	        "FROM identity i JOIN credential c ON c.identity_id = i.id WHERE i.id = ?1";
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	int rc;

	memset(a, 0, sizeof(*a));
	if (!r)
		return SK_EIO;
	rc = store_reader_query(r, username ? by_name : by_id, &q);
	if (rc)
		return rc;
	if (username)
		store_q_bind_text(q, 1, username);
	else
		store_q_bind_int(q, 1, id);
	rc = store_q_step(q);
	if (!rc) {
		a->id = store_q_int(q, 0);
		snprintf(a->username, sizeof(a->username), "%s", store_q_text(q, 1));
		a->active = strcmp(store_q_text(q, 2), "active") == 0;
		snprintf(a->pw_hash, sizeof(a->pw_hash), "%s", store_q_text(q, 3));
		a->enroll = store_q_int(q, 4) != 0 || store_q_int(q, 5) == 0;
	}
	store_q_done(q);
	return rc;
}

int model_login_password(struct model *m, const char *username, const char *password,
                         const char *remote, char *challenge, size_t cap, bool *enroll,
                         char *totp_secret, size_t secret_cap, char *username_out, size_t ucap,
                         struct model_err *err)
{
	struct account a;
	int rc, found;

	rc = throttled(m, username, remote, err);
	if (rc)
		return rc;
	found = account_by(m, username, 0, &a);
	if (found != SK_OK && found != SK_ENOTFOUND) {
		throttled_end(m, username, remote);
		return found;
	}
	/* Unknown users cost the same argon2id verification as known ones. */
	rc = auth_password_verify(found == SK_OK ? a.pw_hash : m->dummy_hash, password);
	if (found != SK_OK || rc != SK_OK || !a.active) {
		/* Counted before the reservation is given back: never neither. */
		log_failure(m, found == SK_OK ? a.id : 0, username, remote,
		            found != SK_OK ? "unknown user"
		            : rc != SK_OK  ? "wrong password"
		                           : "account disabled");
		throttled_end(m, username, remote);
		return model_fail(err, SK_EAUTH, NULL, "login.wrong", NULL,
		                  "wrong username or password");
	}
	throttled_end(m, username, remote);
	*enroll = a.enroll;
	if (a.enroll) {
		rc = model_identity_totp_secret(m, a.id, totp_secret, secret_cap);
		if (rc)
			return rc;
	}
	snprintf(username_out, ucap, "%s", a.username);
	return challenge_new(m, a.id, a.enroll, challenge, cap);
}

/* ---- sessions ---- */

int model_session_create_tx(struct store_tx *tx, int64_t identity_id, bool bearer,
                            const char *remote, const char *client, const char *method,
                            struct model *m, struct model_session *out)
{
	uint8_t h[AUTH_HASH_LEN];
	int64_t now = store_tx_now(tx);
	char ua[SK_CLIENT_MAX + 1];
	int rc;

	sk_client_sanitize(client, ua); /* the client's own text: bounded, no controls */
	rc = auth_token_new(AUTH_TOKEN_PREFIX_SESSION, out->token, sizeof(out->token));
	if (!rc)
		rc = auth_token_hash(out->token, h);
	if (rc)
		return rc;
	out->expires_us = now + (int64_t)m->cfg.absolute_s * 1000000;
	rc = store_tx_int(tx, &out->session_id,
	                  "INSERT INTO session (token_hash, identity_id, created_us, last_seen_us, "
	                  "expires_us, bearer, client) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6) "
	                  "RETURNING id",
	                  "biiiit", (const void *)h, sizeof(h), identity_id, now, out->expires_us,
	                  (int64_t)bearer, ua);
	if (rc)
		return rc;
	out->identity_id = identity_id;
	auth_csrf_token(h, m->csrf_key, out->csrf);
	return model_tx_log(tx, identity_id, "session.created", "identity", identity_id,
	                    json_pack("{s:I, s:s, s:s, s:b}", "session_id",
	                              (json_int_t)out->session_id, "remote", remote ? remote : "",
	                              "method", method, "bearer", bearer));
}

/* ---- step 2: TOTP or a recovery code ---- */

struct second_cmd {
	struct model *m;
	int64_t id;
	const char *code;
	const char *recovery;
	bool bearer;
	const char *remote, *client;
	struct model_session *out;
	/* enrolment */
	const char *new_hash;
	const uint8_t (*rec_hashes)[AUTH_HASH_LEN];
};

/* Checks the TOTP code against the stored secret, at most once per step. */
static int check_totp(struct store_tx *tx, struct second_cmd *c)
{
	uint8_t secret[AUTH_TOTP_SECRET_MAX];
	int64_t last, matched = 0;
	struct store_q *q;
	size_t n = 0, len;
	int rc;

	rc = store_tx_query(tx,
	                    "SELECT totp_secret, totp_last_step FROM credential WHERE "
	                    "identity_id = ?1",
	                    &q);
	if (rc)
		return rc;
	store_q_bind_int(q, 1, c->id);
	rc = store_q_step(q);
	if (!rc) {
		const uint8_t *sealed = store_q_blob(q, 0, &len);

		last = store_q_int(q, 1);
		rc = model_unseal(c->m, sealed, len, secret, sizeof(secret), &n);
	}
	store_q_done(q);
	if (!rc)
		rc = auth_totp_verify(secret, n, c->code, sk_now_us() / 1000000, last, &matched);
	sodium_memzero(secret, sizeof(secret));
	if (rc == SK_EVERIFY || rc == SK_EINVAL)
		return store_tx_failr(tx, SK_EAUTH, "code", "login.wrong_code", NULL,
		                      "wrong or already used code");
	if (rc)
		return rc;
	return store_tx_run(tx, "UPDATE credential SET totp_last_step = ?2 WHERE identity_id = ?1",
	                    "ii", c->id, matched);
}

static int check_recovery(struct store_tx *tx, struct second_cmd *c)
{
	uint8_t h[AUTH_HASH_LEN];
	char t[SK_TIME_LEN + 1];
	int64_t one = 0;
	int rc;

	if (auth_recovery_code_hash(c->id, c->recovery, h) != SK_OK)
		return store_tx_failr(tx, SK_EAUTH, "recovery_code", "login.wrong_recovery_code",
		                      NULL, "wrong or already used recovery code");
	model_time(store_tx_now(tx), t);
	rc = store_tx_int(tx, &one,
	                  "UPDATE recovery_code SET used_at = ?3 WHERE identity_id = ?1 AND "
	                  "code_hash = ?2 AND used_at IS NULL RETURNING 1",
	                  "ibt", c->id, (const void *)h, sizeof(h), t);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_EAUTH, "recovery_code", "login.wrong_recovery_code",
		                      NULL, "wrong or already used recovery code");
	if (rc)
		return rc;
	return model_tx_log(tx, c->id, "identity.recovery_code.used", "identity", c->id,
	                    json_pack("{s:I}", "id", (json_int_t)c->id));
}

static int second_fn(struct store_tx *tx, void *arg)
{
	struct second_cmd *c = arg;
	int rc = c->recovery ? check_recovery(tx, c) : check_totp(tx, c);

	if (rc)
		return rc;
	return model_session_create_tx(tx, c->id, c->bearer, c->remote, c->client,
	                               c->recovery ? "password+recovery_code" : "password+totp",
	                               c->m, c->out);
}

int model_login_totp(struct model *m, const char *challenge, const char *code,
                     const char *recovery_code, bool bearer, const char *remote, const char *client,
                     struct model_session *out, struct model_err *err)
{
	struct second_cmd c;
	struct account a;
	bool enroll = false;
	int64_t id;
	int rc;

	memset(out, 0, sizeof(*out));
	id = challenge_take(m, challenge, &enroll);
	if (!id) {
		return model_fail(err, SK_EAUTH, "challenge", "login.expired", NULL,
		                  "the login has expired: start again");
	}
	if (enroll) {
		return model_fail(err, SK_EINVAL, "challenge", "login.must_enrol", NULL,
		                  "this account must enrol first");
	}
	rc = account_by(m, NULL, id, &a);
	if (rc)
		return rc;
	rc = throttled(m, a.username, remote, err);
	if (rc)
		return rc;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.id = id;
	c.code = code;
	c.recovery = recovery_code;
	c.bearer = bearer;
	c.remote = remote;
	c.client = client;
	c.out = out;
	rc = model_submit(m, second_fn, &c, err);
	if (rc == SK_EAUTH)
		log_failure(m, id, a.username, remote,
		            recovery_code ? "wrong recovery code" : "wrong TOTP code");
	throttled_end(m, a.username, remote);
	if (rc == SK_EAUTH)
		return rc;
	if (!rc) {
		challenge_done(m, challenge);
		snprintf(err->field, sizeof(err->field), "%s", "");
		{
			char key[96];

			snprintf(key, sizeof(key), "u:%s", a.username);
			throttle_clear(m, key);
		}
	}
	return rc;
}

/* ---- first login: new password, confirm TOTP, recovery codes ---- */

/* The last AUTH_PW_HISTORY password hashes of an identity (caller frees). */
static size_t history_of(struct model *m, int64_t id,
                         char hashes[AUTH_PW_HISTORY][AUTH_PW_HASH_SIZE])
{
	struct store_reader *r = model_reader(m);
	struct store_q *q;
	size_t n = 0;

	if (!r || store_reader_query(r,
	                             "SELECT pw_hash FROM password_history WHERE identity_id = ?1 "
	                             "ORDER BY set_at DESC, rowid DESC LIMIT 5",
	                             &q))
		return 0;
	store_q_bind_int(q, 1, id);
	while (n < AUTH_PW_HISTORY && store_q_step(q) == SK_OK)
		snprintf(hashes[n++], AUTH_PW_HASH_SIZE, "%s", store_q_text(q, 0));
	store_q_done(q);
	return n;
}

/* Policy + reuse check, then the new hash. */
static int new_password_hash(struct model *m, int64_t id, const char *username, const char *pw,
                             const char *field, char out[AUTH_PW_HASH_SIZE], struct model_err *err)
{
	char hist[AUTH_PW_HISTORY][AUTH_PW_HASH_SIZE];
	const char *ptrs[AUTH_PW_HISTORY];
	enum auth_pw_reason reason;
	char why[160];
	size_t n;

	if (auth_password_check_policy(pw, username, m->cfg.pw_min, &reason, why, sizeof(why)) !=
	    SK_OK) {
		snprintf(err->field, sizeof(err->field), "%s", field);
		snprintf(err->msg, sizeof(err->msg), "%s: %s (4 kap. 10 §)", field, why);
		snprintf(err->reason, sizeof(err->reason), "%s", auth_pw_reason_name(reason));
		return SK_EINVAL;
	}
	n = history_of(m, id, hist);
	for (size_t i = 0; i < n; i++)
		ptrs[i] = hist[i];
	if (auth_password_reused(pw, ptrs, n)) {
		snprintf(err->field, sizeof(err->field), "%s", field);
		snprintf(err->msg, sizeof(err->msg),
		         "%s: must not be one of your last %d passwords (4 kap. 10 §)", field,
		         AUTH_PW_HISTORY);
		snprintf(err->reason, sizeof(err->reason), "%s",
		         auth_pw_reason_name(AUTH_PW_REUSED));
		return SK_EINVAL;
	}
	return auth_password_hash(pw, out);
}

/* Stores a new password hash and keeps the history at AUTH_PW_HISTORY. */
static int set_password_tx(struct store_tx *tx, int64_t id, const char *hash)
{
	char t[SK_TIME_LEN + 1];
	int rc;

	model_time(store_tx_now(tx), t);
	rc = store_tx_run(tx,
	                  "UPDATE credential SET pw_hash = ?2, pw_set_at = ?3, must_change = 0 "
	                  "WHERE identity_id = ?1",
	                  "itt", id, hash, t);
	return rc ? rc : model_tx_history_add(tx, id, hash, t);
}

static int enroll_fn(struct store_tx *tx, void *arg)
{
	struct second_cmd *c = arg;
	int rc;

	rc = check_totp(tx, c);
	if (!rc)
		rc = set_password_tx(tx, c->id, c->new_hash);
	if (!rc)
		rc = store_tx_run(tx,
		                  "UPDATE credential SET totp_confirmed = 1 WHERE identity_id = ?1",
		                  "i", c->id);
	if (!rc)
		rc = store_tx_run(tx, "DELETE FROM recovery_code WHERE identity_id = ?1", "i",
		                  c->id);
	for (int i = 0; !rc && i < AUTH_RECOVERY_COUNT; i++)
		rc = store_tx_run(
		        tx, "INSERT INTO recovery_code (identity_id, code_hash) VALUES (?1, ?2)",
		        "ib", c->id, (const void *)c->rec_hashes[i], (size_t)AUTH_HASH_LEN);
	if (!rc)
		rc = model_tx_log(tx, c->id, "identity.enrolled", "identity", c->id,
		                  json_pack("{s:I, s:i}", "id", (json_int_t)c->id, "recovery_codes",
		                            AUTH_RECOVERY_COUNT));
	if (rc)
		return rc;
	return model_session_create_tx(tx, c->id, c->bearer, c->remote, c->client,
	                               "password+totp (enrolment)", c->m, c->out);
}

int model_login_enroll(struct model *m, const char *challenge, const char *new_password,
                       const char *code, bool bearer, const char *remote, const char *client,
                       struct model_session *out, struct model_err *err)
{
	uint8_t rec[AUTH_RECOVERY_COUNT][AUTH_HASH_LEN];
	char hash[AUTH_PW_HASH_SIZE];
	struct second_cmd c;
	struct account a;
	bool enroll = false;
	int64_t id;
	int rc;

	memset(out, 0, sizeof(*out));
	id = challenge_take(m, challenge, &enroll);
	if (!id || !enroll) {
		return model_fail(err, id ? SK_EINVAL : SK_EAUTH, "challenge",
		                  id ? "login.enrolled" : "login.expired", NULL,
		                  id ? "this account is already enrolled"
		                     : "the login has expired");
	}
	rc = account_by(m, NULL, id, &a);
	if (rc)
		return rc;
	rc = new_password_hash(m, id, a.username, new_password, "new_password", hash, err);
	if (rc)
		return rc;
	rc = auth_recovery_codes_new(out->recovery);
	for (int i = 0; !rc && i < AUTH_RECOVERY_COUNT; i++)
		rc = auth_recovery_code_hash(id, out->recovery[i], rec[i]);
	if (rc)
		return rc;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.id = id;
	c.code = code;
	c.bearer = bearer;
	c.remote = remote;
	c.client = client;
	c.out = out;
	c.new_hash = hash;
	c.rec_hashes = (const uint8_t(*)[AUTH_HASH_LEN])rec;
	rc = model_submit(m, enroll_fn, &c, err);
	if (rc == SK_EAUTH)
		log_failure(m, id, a.username, remote, "wrong TOTP code at enrolment");
	if (rc)
		sodium_memzero(out->recovery, sizeof(out->recovery));
	else
		challenge_done(m, challenge);
	return rc;
}

/* ---- authentication of each request ---- */

/* The roles in force today (?2), read in the session's statement: one read transaction. */
#define SESSION_ROLES                                                                              \
	"(SELECT group_concat(role, ' ') FROM role_grant WHERE " MODEL_GRANT_IN_FORCE(             \
	        "s.identity_id") ")"

static int authenticate_session(struct model *m, const char *token, bool cookie,
                                struct principal *p)
{
	static const char sql[] =
	        "SELECT s.id, s.identity_id, s.last_seen_us, s.expires_us, s.revoked_us, "
	        "i.username, i.display_name, " MODEL_CLEARANCE_OF_IDENTITY(
	                "i.id", "?2") ", i.status, "
	                              "s.bearer, " SESSION_ROLES
	                              " FROM session s JOIN identity i ON i.id = s.identity_id "
	                              "WHERE s.token_hash = ?1";
	struct store_reader *r = model_reader(m);
	int64_t now = sk_now_us(), last;
	struct store_q *q;
	char today[11];
	int rc;

	if (!r || auth_token_hash(token, p->session_hash))
		return SK_EAUTH;
	rc = store_reader_query(r, sql, &q);
	if (rc)
		return rc;
	model_today(today);
	store_q_bind_blob(q, 1, p->session_hash, AUTH_HASH_LEN);
	store_q_bind_text(q, 2, today);
	rc = store_q_step(q);
	if (rc) {
		store_q_done(q);
		return rc == SK_ENOTFOUND ? SK_EAUTH : rc;
	}
	last = store_q_int(q, 2);
	if (!store_q_is_null(q, 4) || now >= store_q_int(q, 3) ||
	    now - last >= (int64_t)m->cfg.idle_s * 1000000 ||
	    strcmp(store_q_text(q, 8), "active") != 0 ||
	    /* a cookie session is not a bearer token, nor the other way round */
	    cookie == (store_q_int(q, 9) != 0)) {
		store_q_done(q);
		return SK_EAUTH;
	}
	p->session_id = store_q_int(q, 0);
	p->id = store_q_int(q, 1);
	snprintf(p->username, sizeof(p->username), "%s", store_q_text(q, 5));
	snprintf(p->display_name, sizeof(p->display_name), "%s", store_q_text(q, 6));
	p->clearance = (enum clearance)clearance_parse(store_q_text(q, 7));
	/* Refreshed well before the idle timeout, or a session in use would time out. */
	p->touch = now - last >
	           (m->cfg.idle_s < 120 ? (int64_t)m->cfg.idle_s * 500000 : 60 * INT64_C(1000000));
	p->roles = model_roles_mask(store_q_text(q, 10));
	store_q_done(q);
	p->cookie = cookie;
	return SK_OK;
}

/*
 * A service token works for its creator's account: it dies with it (disabled
 * creator: SK_EAUTH) and its roles are at every request the intersection of its
 * own and the creator's roles in force today, so revoking or letting a grant of
 * the creator expire shrinks the token at once.
 */
static int authenticate_token(struct model *m, const char *token, struct principal *p)
{
	static const char sql[] =
	        "SELECT t.id, t.name, t.roles, t.created_by, t.expires_at, t.revoked_at, "
	        "i.status, (SELECT group_concat(role, ' ') FROM role_grant "
	        "WHERE " MODEL_GRANT_IN_FORCE(
	                "t.created_by") ") FROM service_token t JOIN identity i "
	                                "ON i.id = t.created_by WHERE t.token_hash = ?1";
	struct store_reader *r = model_reader(m);
	uint8_t h[AUTH_HASH_LEN];
	char hex[2 * AUTH_HASH_LEN + 1], today[11];
	unsigned creator;
	struct store_q *q;
	json_t *roles;
	int rc;

	if (!r || auth_token_hash(token, h))
		return SK_EAUTH;
	sk_hex_encode(h, sizeof(h), hex, sizeof(hex));
	rc = store_reader_query(r, sql, &q);
	if (rc)
		return rc;
	model_today(today);
	store_q_bind_text(q, 1, hex);
	store_q_bind_text(q, 2, today);
	rc = store_q_step(q);
	if (rc || !store_q_is_null(q, 5) || strcmp(store_q_text(q, 4), today) < 0 ||
	    strcmp(store_q_text(q, 6), "active") != 0) {
		store_q_done(q);
		return rc && rc != SK_ENOTFOUND ? rc : SK_EAUTH;
	}
	p->token_id = store_q_int(q, 0);
	p->id = store_q_int(q, 3);
	snprintf(p->username, sizeof(p->username), "token:%.50s", store_q_text(q, 1));
	snprintf(p->display_name, sizeof(p->display_name), "%s", store_q_text(q, 1));
	roles = json_loads(store_q_text(q, 2), 0, NULL);
	creator = model_roles_mask(store_q_text(q, 7)); /* NULL reads as "": no roles */
	store_q_done(q);
	{
		size_t i;
		json_t *v;

		json_array_foreach(roles, i, v)
		{
			int role = role_parse(json_string_value(v));

			if (role >= 0 && !role_privileged((enum role)role))
				p->roles |= ROLE_BIT(role);
		}
	}
	json_decref(roles);
	p->roles &= creator;
	p->clearance = CLEAR_NONE;
	return SK_OK;
}

int model_authenticate(struct model *m, const char *token, bool cookie, struct principal *p)
{
	memset(p, 0, sizeof(*p));
	if (!token)
		return SK_EAUTH;
	if (!cookie && auth_token_well_formed(token, AUTH_TOKEN_PREFIX_SERVICE))
		return authenticate_token(m, token, p);
	if (auth_token_well_formed(token, AUTH_TOKEN_PREFIX_SESSION))
		return authenticate_session(m, token, cookie, p);
	return SK_EAUTH;
}

static int touch_fn(struct store_tx *tx, void *arg)
{
	const struct principal *p = arg;

	return store_tx_run(tx, "UPDATE session SET last_seen_us = ?2 WHERE id = ?1", "ii",
	                    p->session_id, store_tx_now(tx));
}

int model_session_touch(struct model *m, const struct principal *p)
{
	if (!p->session_id)
		return SK_OK;
	return model_submit(m, touch_fn, (void *)(uintptr_t)p, NULL);
}

int model_csrf_token(struct model *m, const struct principal *p, char out[AUTH_CSRF_LEN + 1])
{
	if (!p->session_id)
		return SK_EINVAL;
	return auth_csrf_token(p->session_hash, m->csrf_key, out);
}

bool model_csrf_ok(struct model *m, const struct principal *p, const char *token)
{
	return p->session_id && token && auth_csrf_check(p->session_hash, m->csrf_key, token);
}

/* ---- logout and password change ---- */

struct revoke_cmd {
	const struct principal *p;
	int64_t session_id;
	const char *reason;
	bool others; /* all other sessions of p (after a password change) */
	const char *new_hash;
};

static int revoke_fn(struct store_tx *tx, void *arg)
{
	struct revoke_cmd *c = arg;
	int64_t owner = 0;
	int rc;

	rc = store_tx_int(tx, &owner,
	                  "SELECT identity_id FROM session WHERE id = ?1 AND revoked_us IS NULL",
	                  "i", c->session_id);
	if (rc == SK_ENOTFOUND)
		return store_tx_failr(tx, SK_ENOTFOUND, "id", "session.not_found", NULL,
		                      "no active session %lld", (long long)c->session_id);
	if (rc)
		return rc;
	if (owner != c->p->id && !(c->p->roles & ROLE_BIT(ROLE_ADMIN)))
		return store_tx_failr(tx, SK_EPERM, "id", "session.admin_ends", NULL,
		                      "only a systemadministratör ends others' sessions");
	rc = store_tx_run(tx, "UPDATE session SET revoked_us = ?2 WHERE id = ?1", "ii",
	                  c->session_id, store_tx_now(tx));
	if (rc)
		return rc;
	return model_tx_log(tx, c->p->id, "session.revoked", "identity", owner,
	                    json_pack("{s:I, s:s}", "session_id", (json_int_t)c->session_id,
	                              "reason", c->reason));
}

int model_logout(struct model *m, const struct principal *p)
{
	struct revoke_cmd c = {p, p->session_id, "logout", false, NULL};

	if (!p->session_id)
		return SK_EINVAL;
	return model_submit(m, revoke_fn, &c, NULL);
}

int model_session_revoke(struct model *m, const struct principal *p, int64_t session_id,
                         struct model_err *err)
{
	struct revoke_cmd c = {p, session_id, session_id == p->session_id ? "logout" : "revoked",
	                       false, NULL};

	/* A service token acts for an integration, not as its creator: it owns no session. */
	if (p->token_id) {
		return model_fail(err, SK_EPERM, NULL, "session.token_has_none", NULL,
		                  "a service token has no sessions to end");
	}
	return model_submit(m, revoke_fn, &c, err);
}

static int password_fn(struct store_tx *tx, void *arg)
{
	struct revoke_cmd *c = arg;
	int rc;

	rc = set_password_tx(tx, c->p->id, c->new_hash);
	/* A new password ends every other session of the account. */
	if (!rc)
		rc = store_tx_run(
		        tx,
		        "UPDATE session SET revoked_us = ?3 WHERE identity_id = ?1 AND id != "
		        "?2 AND revoked_us IS NULL",
		        "iii", c->p->id, c->p->session_id, store_tx_now(tx));
	if (rc)
		return rc;
	return model_tx_log(tx, c->p->id, "identity.password.changed", "identity", c->p->id,
	                    json_pack("{s:I}", "id", (json_int_t)c->p->id));
}

int model_password_change(struct model *m, const struct principal *p, const char *current,
                          const char *new_password, struct model_err *err)
{
	char hash[AUTH_PW_HASH_SIZE];
	struct revoke_cmd c = {p, 0, NULL, true, hash};
	struct account a;
	int rc;

	if (p->token_id)
		return SK_EPERM;
	/*
	 * A stolen session must not become a password oracle: a wrong current
	 * password counts like a wrong signing code (locked after 3, the wait
	 * doubling) and is an "auth.reauth.failed" entry. Checked before argon2id.
	 */
	rc = model_reauth_wait(m, p->id, err);
	if (rc) {
		return model_fail(err, rc, "current_password", "login.throttled",
		                  json_pack("{s:i}", "seconds", err->retry_after),
		                  "too many wrong passwords: try again in %d s", err->retry_after);
	}
	rc = account_by(m, NULL, p->id, &a);
	if (rc) {
		model_reauth_cancel(m, p->id);
		return rc;
	}
	if (auth_password_verify(a.pw_hash, current) != SK_OK) {
		model_reauth_result(m, p->id, false, "password");
		return model_fail(err, SK_EINVAL, "current_password", "login.wrong_password", NULL,
		                  "current_password: wrong password");
	}
	model_reauth_result(m, p->id, true, "password");
	rc = new_password_hash(m, p->id, a.username, new_password, "new_password", hash, err);
	if (rc)
		return rc;
	return model_submit(m, password_fn, &c, err);
}

int model_log_privileged_use(struct model *m, const struct principal *p, const char *method,
                             const char *route, unsigned status)
{
	unsigned priv = model_privileged_roles();
	char object[64];
	json_t *d;
	int rc;

	d = json_pack("{s:s, s:s, s:i, s:o, s:I}", "method", method, "route", route, "status",
	              (int)status, "roles", model_roles_json(p->roles & priv), "session_id",
	              (json_int_t)p->session_id);
	if (!d)
		return SK_ENOMEM;
	snprintf(object, sizeof(object), "identity/%lld", (long long)p->id);
	rc = store_append(m->store, p->id, "privilege.used", object, d, NULL);
	json_decref(d);
	return rc;
}
