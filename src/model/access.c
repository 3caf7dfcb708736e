/*
 * The access register: opening it, the sealing and CSRF keys, per-thread
 * readers, and the projections of identity.*, grant.* and token.* entries.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/access_int.h"
#include "model/remind.h"
#include "model/reg_int.h"

#define SECRETS_FILE "secrets.key"

/* ---- helpers ---- */

void model_time(int64_t us, char out[SK_TIME_LEN + 1])
{
	if (sk_time_format(us, out) != SK_OK)
		memcpy(out, "1970-01-01T00:00:00.000000Z", SK_TIME_LEN + 1);
}

static const char roles_sql[] =
        "SELECT DISTINCT role FROM role_grant WHERE " MODEL_GRANT_IN_FORCE("?1");

static unsigned roles_from(struct store_q *q)
{
	unsigned mask = 0;

	while (store_q_step(q) == SK_OK) {
		int r = role_parse(store_q_text(q, 0));

		if (r >= 0)
			mask |= ROLE_BIT(r);
	}
	store_q_done(q);
	return mask;
}

unsigned model_roles_mask(const char *names)
{
	unsigned mask = 0;
	char name[32];

	while (*names) {
		size_t n = strcspn(names, " ");
		int r = -1;

		if (n > 0 && n < sizeof(name)) {
			memcpy(name, names, n);
			name[n] = '\0';
			r = role_parse(name);
		}
		if (r >= 0)
			mask |= ROLE_BIT(r);
		names += n;
		names += *names == ' ';
	}
	return mask;
}

unsigned model_tx_roles_of(struct store_tx *tx, int64_t identity_id, const char *today)
{
	struct store_q *q;

	if (store_tx_query(tx, roles_sql, &q))
		return 0;
	store_q_bind_int(q, 1, identity_id);
	store_q_bind_text(q, 2, today);
	return roles_from(q);
}

int model_tx_log(struct store_tx *tx, int64_t actor, const char *kind, const char *type, int64_t id,
                 json_t *data)
{
	char object[64];
	int rc;

	if (!data)
		return SK_ENOMEM;
	snprintf(object, sizeof(object), "%s/%lld", type, (long long)id);
	rc = store_tx_append(tx, actor, kind, object, data, NULL);
	json_decref(data);
	return rc;
}

int model_tx_history_add(struct store_tx *tx, int64_t id, const char *hash, const char *when)
{
	int rc = store_tx_run(tx,
	                      "INSERT INTO password_history (identity_id, set_at, pw_hash) VALUES "
	                      "(?1, ?2, ?3)",
	                      "itt", id, when, hash);

	/* Only the last AUTH_PW_HISTORY matter (4 kap. 10 §): forget older ones. */
	if (!rc)
		rc = store_tx_run(
		        tx,
		        "DELETE FROM password_history WHERE identity_id = ?1 AND rowid NOT "
		        "IN (SELECT rowid FROM password_history WHERE identity_id = ?1 ORDER "
		        "BY set_at DESC, rowid DESC LIMIT 5)",
		        "i", id);
	return rc;
}

bool model_tx_someone_has(struct store_tx *tx, enum role r, const char *today)
{
	static const char sql[] =
	        "SELECT 1 FROM role_grant g JOIN identity i ON i.id = g.identity_id "
	        "WHERE g.role = ?1 AND g.revoked_at IS NULL AND g.valid_from <= ?2 AND "
	        "(g.valid_until IS NULL OR g.valid_until >= ?2) AND i.status = 'active' LIMIT 1";
	struct store_q *q;
	bool yes;

	if (store_tx_query(tx, sql, &q))
		return false;
	store_q_bind_text(q, 1, role_name(r));
	store_q_bind_text(q, 2, today);
	yes = store_q_step(q) == SK_OK;
	store_q_done(q);
	return yes;
}

/* ---- separation of duties (docs/internals/auth.md, "Who decides what") ---- */

#define ROLES_TOP (ROLE_BIT(ROLE_CHIEF) | ROLE_BIT(ROLE_SSC))

/* The identity that created id (0 = the system, or no such identity). */
static int64_t creator_of(struct store_tx *tx, int64_t id)
{
	int64_t by = 0;

	if (store_tx_int(tx, &by, "SELECT created_by FROM identity WHERE id = ?1", "i", id))
		return 0;
	return by;
}

/* Has id a clearance above none? */
static bool cleared(struct store_tx *tx, int64_t id)
{
	int64_t yes = 1;
	char today[11];

	model_today(today);
	if (store_tx_int(tx, &yes, "SELECT " MODEL_CLEARANCE_OF_IDENTITY("?1", "?2") " != 'none'",
	                 "it", id, today))
		return true; /* unknown: the stricter answer */
	return yes != 0;
}

static int refuse(struct model_sod *out, const char *reason, const char *why)
{
	out->reason = reason;
	out->why = why;
	return SK_ERULE;
}

/* The ssc decides; the head only when no active identity holds ssc (2 kap. 20 §). */
static bool ssc_or_stand_in(struct store_tx *tx, unsigned roles, const char *today)
{
	return (roles & ROLE_BIT(ROLE_SSC)) ||
	       ((roles & ROLE_BIT(ROLE_CHIEF)) && !model_tx_someone_has(tx, ROLE_SSC, today));
}

int model_tx_sod(struct store_tx *tx, int64_t actor, int64_t subject, enum model_sod_act act,
                 enum role role, const char *today, struct model_sod *out)
{
	unsigned mine, theirs;

	out->reason = NULL;
	out->why = NULL;
	if (actor == 0)
		return SK_OK; /* the system: skydd init and the demo set-up */
	if (actor == subject)
		return refuse(out, "self", "4 kap. 8 §: nobody decides about their own account");
	/*
	 * The creator received the account's one-time password: she could hold it.
	 * Giving it clearance, a role or its access back is therefore someone else's
	 * decision, and so is any decision of an account about the one who made it.
	 */
	if (act != SOD_DISABLE && creator_of(tx, subject) == actor)
		return refuse(out, "creator",
		              "4 kap. 8 §: whoever created an account does not also decide its "
		              "clearance, roles or re-activation: another person decides");
	if (act != SOD_DISABLE && creator_of(tx, actor) == subject)
		return refuse(out, "creator_of_actor",
		              "4 kap. 8 §: nobody decides about the account that created theirs");
	mine = model_tx_roles_of(tx, actor, today);
	theirs = model_tx_roles_of(tx, subject, today);
	/* The ssc's and the head's own accounts: the head or another ssc. */
	if ((theirs & ROLES_TOP) || (act == SOD_GRANT && (ROLE_BIT(role) & ROLES_TOP))) {
		if (mine & ROLES_TOP)
			return SK_OK;
		return refuse(out, "top_account",
		              "4 kap. 8 §: the accounts of the säkerhetsskyddschef and the head "
		              "are decided by the head or another säkerhetsskyddschef");
	}
	switch (act) {
	case SOD_GRANT:
		if (role == ROLE_STAFF && (mine & (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_ADMIN))))
			return SK_OK;
		break;
	case SOD_DISABLE:
		if (mine & (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_ADMIN)))
			return SK_OK;
		break;
	case SOD_ENABLE:
	case SOD_RESET:
		/*
		 * Re-activating an account that opens nothing classified is technical;
		 * so is a reset of its password and TOTP, which gives access back like
		 * re-activation does (docs/internals/auth.md).
		 */
		if (!(theirs & ~ROLE_BIT(ROLE_STAFF)) && !cleared(tx, subject) &&
		    (mine & (ROLE_BIT(ROLE_SSC) | ROLE_BIT(ROLE_ADMIN))))
			return SK_OK;
		break;
	case SOD_CLEARANCE:
		break;
	}
	if (ssc_or_stand_in(tx, mine, today))
		return SK_OK;
	return refuse(out, "ssc_decides",
	              "4 kap. 8 §: clearance, privileged rights and every role that opens "
	              "classified information are decided by the säkerhetsskyddschef (the head "
	              "only when there is none, 2 kap. 20 §)");
}

struct store *model_store(struct model *m)
{
	return m->store;
}

int model_submit(struct model *m, store_cmd_fn fn, void *arg, struct model_err *err)
{
	struct store_cmd c;
	int rc;

	store_cmd_init(&c, fn, arg);
	rc = store_submit(m->store, &c);
	if (rc && err) {
		snprintf(err->field, sizeof(err->field), "%s", c.err_field);
		snprintf(err->msg, sizeof(err->msg), "%s",
		         c.err_msg[0] ? c.err_msg : sk_strerror(rc));
		/* A command that names no reason leaves one set before the writer alone. */
		if (c.err_reason[0])
			snprintf(err->reason, sizeof(err->reason), "%s", c.err_reason);
		snprintf(err->params, sizeof(err->params), "%s", c.err_params);
	}
	return rc;
}

/* ---- the secrets key ---- */

static int load_secrets(struct model *m)
{
	uint8_t master[32];
	char path[4200];
	struct stat st;
	int fd, rc = SK_OK;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", m->dir, SECRETS_FILE);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* First use: make the key, private to the owner, never overwritten. */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return SK_EIO;
		randombytes_buf(master, sizeof(master));
		if (write(fd, master, sizeof(master)) != (ssize_t)sizeof(master) || fsync(fd) != 0)
			rc = SK_EIO;
		close(fd);
		if (rc)
			goto out;
	} else if (fd < 0) {
		return SK_EIO;
	} else {
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077)) {
			close(fd);
			return SK_EPERM;
		}
		n = read(fd, master, sizeof(master));
		close(fd);
		if (n != (ssize_t)sizeof(master))
			return SK_ECORRUPT;
	}
	/* One master key, separate subkeys for each use. */
	crypto_kdf_derive_from_key(m->seal_key, sizeof(m->seal_key), 1, "skydd_sl", master);
	crypto_kdf_derive_from_key(m->csrf_key, sizeof(m->csrf_key), 2, "skydd_cs", master);
out:
	sodium_memzero(master, sizeof(master));
	return rc;
}

int model_seal(struct model *m, const uint8_t *plain, size_t n, uint8_t *out, size_t cap,
               size_t *out_len)
{
	size_t need = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;

	if (cap < need)
		return SK_ETOOBIG;
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, n, out, m->seal_key);
	*out_len = need;
	return SK_OK;
}

int model_unseal(struct model *m, const uint8_t *sealed, size_t n, uint8_t *out, size_t cap,
                 size_t *out_len)
{
	size_t overhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;

	if (n < overhead || cap < n - overhead)
		return SK_ECORRUPT;
	if (crypto_secretbox_open_easy(out, sealed + crypto_secretbox_NONCEBYTES,
	                               n - crypto_secretbox_NONCEBYTES, sealed, m->seal_key) != 0)
		return SK_ECORRUPT;
	*out_len = n - overhead;
	return SK_OK;
}

/* ---- readers ---- */

static void reader_free(void *p)
{
	store_reader_close(p);
}

struct store_reader *model_reader(struct model *m)
{
	struct store_reader *r = pthread_getspecific(m->reader_key);

	if (r)
		return r;
	if (store_reader_open(m->dir, &r) != SK_OK)
		return NULL;
	pthread_setspecific(m->reader_key, r);
	return r;
}

/* ---- projections ---- */

static int apply_identity(struct store_tx *tx, const struct ledger_entry *e)
{
	char t[SK_TIME_LEN + 1];

	model_time(e->time_us, t);
	if (strcmp(e->kind, "identity.created") == 0)
		return store_tx_run(
		        tx,
		        "INSERT INTO identity (id, username, display_name, clearance, "
		        "status, created_at, created_by, updated_at) VALUES (?1, ?2, ?3, "
		        "?4, 'active', ?5, ?6, ?5)",
		        "itttti", model_json_int(e->data, "id"),
		        model_json_str0(e->data, "username"),
		        model_json_str0(e->data, "display_name"),
		        model_json_str0(e->data, "clearance"), t, e->actor);
	if (strcmp(e->kind, "identity.updated") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE identity SET display_name = coalesce(?2, display_name), "
		        "clearance = coalesce(?3, clearance), status = coalesce(?4, "
		        "status), email = coalesce(?6, email), updated_at = ?5 WHERE id = ?1",
		        "ittttt", model_json_int(e->data, "id"),
		        model_json_str(e->data, "display_name"),
		        model_json_str(e->data, "clearance"), model_json_str(e->data, "status"), t,
		        model_json_str(e->data, "email"));
	if (strncmp(e->kind, "identity.reset.", 15) == 0)
		return model_apply_reset(tx, e);
	return SK_OK; /* identity.password.changed etc. change no projected table */
}

static int apply_grant(struct store_tx *tx, const struct ledger_entry *e)
{
	char t[SK_TIME_LEN + 1];
	int rc;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "grant.created") == 0)
		return store_tx_run(
		        tx,
		        "INSERT INTO role_grant (id, identity_id, role, privileged, decided_by, "
		        "decision_ref, valid_from, valid_until, created_at) VALUES (?1, ?2, ?3, "
		        "?4, "
		        "?5, ?6, ?7, ?8, ?9)",
		        "iitiitttt", model_json_int(e->data, "id"),
		        model_json_int(e->data, "identity_id"), model_json_str0(e->data, "role"),
		        (int64_t)json_is_true(json_object_get(e->data, "privileged")), e->actor,
		        model_json_str0(e->data, "decision_ref"),
		        model_json_str0(e->data, "valid_from"),
		        model_json_str(e->data, "valid_until"), t);
	if (strcmp(e->kind, "grant.reviewed") == 0) {
		rc = store_tx_run(
		        tx,
		        "INSERT INTO grant_review (seq, grant_id, reviewed_by, reviewed_at, "
		        "note) VALUES (?1, ?2, ?3, ?4, ?5)",
		        "iiitt", (int64_t)e->seq, model_json_int(e->data, "id"), e->actor, t,
		        model_json_str0(e->data, "note"));
		if (!rc)
			rc = store_tx_run(tx,
			                  "UPDATE role_grant SET last_review_at = ?2 WHERE id = ?1",
			                  "it", model_json_int(e->data, "id"), t);
		return rc;
	}
	if (strcmp(e->kind, "grant.revoked") == 0)
		return store_tx_run(tx,
		                    "UPDATE role_grant SET revoked_at = ?2, revoked_by = ?3, "
		                    "revoke_reason = ?4 WHERE id = ?1",
		                    "itit", model_json_int(e->data, "id"), t, e->actor,
		                    model_json_str0(e->data, "reason"));
	return SK_OK;
}

static int apply_token(struct store_tx *tx, const struct ledger_entry *e)
{
	char t[SK_TIME_LEN + 1];
	char *roles;
	int rc;

	model_time(e->time_us, t);
	if (strcmp(e->kind, "token.created") == 0) {
		roles = json_dumps(json_object_get(e->data, "roles"), JSON_COMPACT);
		if (!roles)
			return SK_ENOMEM;
		rc = store_tx_run(
		        tx,
		        "INSERT INTO service_token (id, name, roles, token_hash, created_by, "
		        "created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		        "itttitt", model_json_int(e->data, "id"), model_json_str0(e->data, "name"),
		        roles, model_json_str0(e->data, "token_hash"), e->actor, t,
		        model_json_str0(e->data, "expires_at"));
		free(roles);
		return rc;
	}
	if (strcmp(e->kind, "token.revoked") == 0)
		return store_tx_run(
		        tx,
		        "UPDATE service_token SET revoked_at = ?2, revoked_by = ?3 WHERE id = ?1",
		        "iti", model_json_int(e->data, "id"), t, e->actor);
	return SK_OK;
}

static const char *const identity_tables[] = {"identity", "identity_reset", NULL};
static const char *const grant_tables[] = {"role_grant", "grant_review", NULL};
static const char *const token_tables[] = {"service_token", NULL};
/* Enrolment and password changes write the (operational) credential table. */
static const char *const identity_touches[] = {"credential", NULL};
static const char *const session_touches[] = {"session", "credential", NULL};
static const char *const nothing[] = {NULL};

static const struct store_projection proj_identity = {
        .name = "identities",
        .kind_prefix = "identity.",
        .tables = identity_tables,
        .touches = identity_touches,
        .apply = apply_identity,
};
static const struct store_projection proj_grant = {
        .name = "grants",
        .kind_prefix = "grant.",
        .tables = grant_tables,
        .apply = apply_grant,
};
static const struct store_projection proj_token = {
        .name = "service tokens",
        .kind_prefix = "token.",
        .tables = token_tables,
        .apply = apply_token,
};
/*
 * Kinds without a projection, declared so that the compliance engine knows
 * what their entries change: sessions (operational tables), failed logins,
 * privileged use and exports (nothing a rule reads).
 */
static const struct store_projection kind_session = {
        .name = "sessions",
        .kind_prefix = "session.",
        .touches = session_touches,
};
static const struct store_projection kind_auth = {
        .name = "authentication events",
        .kind_prefix = "auth.",
        .touches = nothing,
};
static const struct store_projection kind_privilege = {
        .name = "privileged use",
        .kind_prefix = "privilege.",
        .touches = nothing,
};
static const struct store_projection kind_export = {
        .name = "exports",
        .kind_prefix = "export.",
        .touches = nothing,
};

void model_register(void)
{
	store_register_projection(&proj_identity);
	store_register_projection(&proj_grant);
	store_register_projection(&proj_token);
	store_register_projection(&kind_session);
	store_register_projection(&kind_auth);
	store_register_projection(&kind_privilege);
	store_register_projection(&kind_export);
	remind_register();
	model_register_records();
	model_register_documents();
	model_register_decisions();
	model_register_inventory();
	model_register_plans();
	model_register_analysis();
}

/* ---- lifecycle ---- */

int model_open(struct store *s, const char *dir, const struct model_config *cfg, struct model **out)
{
	struct model *m;
	int rc;

	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return SK_ENOMEM;
	m->store = s;
	snprintf(m->dir, sizeof(m->dir), "%s", dir);
	if (cfg)
		m->cfg = *cfg;
	if (!m->cfg.idle_s)
		m->cfg.idle_s = 1800;
	if (!m->cfg.absolute_s)
		m->cfg.absolute_s = 43200;
	if (!m->cfg.pw_min)
		m->cfg.pw_min = AUTH_PW_MIN_LEN;
	rc = load_secrets(m);
	if (!rc) {
		/* A hash of a random password: verified when the user is unknown. */
		char pw[40];

		randombytes_buf(pw, 20);
		sodium_bin2hex(pw, sizeof(pw), (const unsigned char *)pw, 19);
		rc = auth_password_hash(pw, m->dummy_hash);
		sodium_memzero(pw, sizeof(pw));
	}
	if (rc) {
		free(m);
		return rc;
	}
	pthread_mutex_init(&m->mu, NULL);
	pthread_key_create(&m->reader_key, reader_free);
	*out = m;
	return SK_OK;
}

void model_close(struct model *m)
{
	struct store_reader *r;

	if (!m)
		return;
	r = pthread_getspecific(m->reader_key);
	if (r) {
		store_reader_close(r);
		pthread_setspecific(m->reader_key, NULL);
	}
	pthread_key_delete(m->reader_key);
	pthread_mutex_destroy(&m->mu);
	sodium_memzero(m->seal_key, sizeof(m->seal_key));
	sodium_memzero(m->csrf_key, sizeof(m->csrf_key));
	free(m);
}
